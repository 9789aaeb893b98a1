package org.bptt.reference.mistakes;

/**
 * The classic mistakes in implementing an Elman RNN and its BPTT, each one line of {@link MistakenElmanBptt} done
 * wrongly. Each names the line of the derivation where it enters, as {@code bptt explain} prints the tape and the BPTT
 * table, and where it is documented: a lecture's derivation, or a public report of someone making it.
 *
 * <p>Some mistakes change nothing on some cases, and there they cannot be told from the exact computation (the
 * README's table of the catalogue says which cases show each).
 */
public enum ElmanMistake {

    TANH_DERIVATIVE_WITHOUT_SQUARE("tanh-derivative-1-minus-h",
            "tanh' written as 1 − h instead of 1 − h²",
            "f'(a_k) in the BPTT table's ∂J(t)/∂W|_(k) = (f'(a_k) ⊙ ∂J(t)/∂h_k) h_{k-1}ᵀ (the tape's ā += h̄ ⊙ f'(a))",
            "https://github.com/oreilly-japan/deep-learning-from-scratch-2/issues/26"),
    DERIVATIVE_OF_PRE_ACTIVATION("derivative-at-pre-activation",
            "f' evaluated at the pre-activation a_t as if it were h_t (1 − a_t² for tanh)",
            "f'(a_k) in the BPTT table's ∂J(t)/∂W|_(k) = (f'(a_k) ⊙ ∂J(t)/∂h_k) h_{k-1}ᵀ (the tape's ā += h̄ ⊙ f'(a))",
            "https://github.com/dennybritz/nn-from-scratch/pull/3"),
    RECURRENT_GRADIENT_WITH_CURRENT_STATE("recurrent-gradient-with-h-t",
            "dL/dW accumulated with h_t instead of h_{t−1}",
            "h_{k-1}ᵀ in the BPTT table's ∂J(t)/∂W|_(k) = (f'(a_k) ⊙ ∂J(t)/∂h_k) h_{k-1}ᵀ",
            "https://github.com/VikParuchuri/zero_to_gpt/issues/9"),
    FUTURE_GRADIENT_DROPPED("future-gradient-dropped",
            "the gradient from the future dropped (one-step truncation): dL/dh_t = Vᵀ dL/do_t alone",
            "the BPTT table's ∂J(t)/∂h_{k-1} = Wᵀ (f'(a_k) ⊙ ∂J(t)/∂h_k): every lag t − k ≥ 1 is lost",
            "https://github.com/d2l-ai/d2l-en/issues/2616"),
    RECURRENT_WEIGHTS_NOT_TRANSPOSED("w-instead-of-w-transposed",
            "W used where Wᵀ belongs when passing the gradient to h_{t−1}",
            "Wᵀ in the BPTT table's ∂J(t)/∂h_{k-1} = Wᵀ (f'(a_k) ⊙ ∂J(t)/∂h_k)",
            "https://www.deeplearningbook.org/contents/rnn.html"),
    OUTPUT_GRADIENT_SIGN("output-gradient-sign",
            "the output gradient with the wrong sign: y* − y instead of y − y*",
            "dL/do_t = y_t − y*_t, the tape's ō of y_t = softmax(o_t) and J_t",
            "https://github.com/dvgodoy/PyTorchStepByStep/issues/21"),
    LOSS_AVERAGED_WHERE_SUMMED("averaged-where-summed",
            "the loss and its gradients averaged over the loss terms where the spec sums them",
            "the tape's L = (J_0 + … + J_{T−1}) / divisor",
            "https://github.com/Harry24k/adversarial-attacks-pytorch/issues/46"),
    AVERAGED_TWICE("averaged-twice",
            "the loss and its gradients divided by the reduction's divisor twice",
            "the tape's L = (J_0 + … + J_{T−1}) / divisor",
            "https://github.com/eriklindernoren/PyTorch-YOLOv3/pull/137"),
    PADDED_STEPS_COUNTED("padded-steps-counted",
            "the mask ignored: padded steps run, counted in the loss and in its divisor",
            "the tape's J_t and h_t of the padded steps t ≥ the sequence's length",
            "https://github.com/tensorflow/tensorflow/issues/39146"),
    INITIAL_STATE_IGNORED("initial-state-ignored",
            "the given initial state ignored: h_{-1} taken as zeros",
            "W h_{-1} in the tape's a_0 = U x_0 + W h_{-1} + b",
            "https://github.com/mquad/hgru4rec/issues/11"),
    BIAS_GRADIENT_OVERWRITTEN("bias-gradient-overwritten",
            "dL/db assigned instead of accumulated at each step, so only step 0's term is left",
            "the BPTT table's dL/db = Σ_t Σ_k ∂J(t)/∂b|_(k), summed over the steps k",
            "https://github.com/arunmallya/arunmallya.github.io/issues/3"),
    HIDDEN_BIAS_GRADIENT_LOST("hidden-bias-gradient-lost",
            "dL/db never accumulated (left at zero)",
            "the BPTT table's dL/db = Σ_t Σ_k ∂J(t)/∂b|_(k) (the tape's b̄ = Σ_t ā_t)",
            "https://github.com/ooples/AiDotNet/pull/455"),
    OUTPUT_BIAS_GRADIENT_LOST("output-bias-gradient-lost",
            "dL/dc never accumulated (left at zero)",
            "the tape's c̄ = Σ_t ō_t (dL/dc = Σ_t (y_t − y*_t) / divisor)",
            "https://github.com/javaidnabi31/RNN-from-scratch/issues/2"),
    INPUT_GRADIENT_NOT_PROPAGATED("input-gradient-not-propagated",
            "dL/dx not propagated (left at zero), as in min-char-rnn whose one-hot inputs need none",
            "the tape's x̄_t = Uᵀ ā_t (dL/dx_t = Uᵀ (f'(a_t) ⊙ dL/dh_t))",
            "https://gist.github.com/karpathy/d4dee566867f8291f086");

    private final String id;
    private final String description;
    private final String entersAt;
    private final String source;

    ElmanMistake(String id, String description, String entersAt, String source) {
        this.id = id;
        this.description = description;
        this.entersAt = entersAt;
        this.source = source;
    }

    /** The short stable name reports print, e.g. {@code tanh-derivative-1-minus-h}. */
    public String id() {
        return id;
    }

    /** What is computed wrongly, in one line. */
    public String description() {
        return description;
    }

    /** The line of the derivation where the mistake enters, as {@code bptt explain} names it. */
    public String entersAt() {
        return entersAt;
    }

    /** Where the mistake is documented (a URL). */
    public String source() {
        return source;
    }
}
