package org.bptt.reference.mistakes;

/**
 * The classic mistakes in implementing an Elman RNN and its BPTT, each one line of {@link MistakenElmanBptt} done
 * wrongly. Each names the line of the derivation where it enters, as {@code bptt explain} prints the tape and the BPTT
 * table, and where it is documented: a lecture's derivation, or a public report of someone making it.
 *
 * <p>Some mistakes change nothing on some cases, and there they cannot be told from the exact computation (their
 * {@link #when} says which cases show them).
 */
public enum ElmanMistake {

    TANH_DERIVATIVE_WITHOUT_SQUARE("tanh-derivative-1-minus-h",
            "tanh' written as 1 − h instead of 1 − h²",
            "dL/da_t = f'(a_t) ⊙ dL/dh_t",
            "https://github.com/oreilly-japan/deep-learning-from-scratch-2/issues/26",
            "tanh activation"),
    DERIVATIVE_OF_PRE_ACTIVATION("derivative-at-pre-activation",
            "f' evaluated at the pre-activation a_t as if it were h_t (1 − a_t² for tanh)",
            "dL/da_t = f'(a_t) ⊙ dL/dh_t",
            "https://github.com/dennybritz/nn-from-scratch/pull/3",
            "tanh or sigmoid activation"),
    RECURRENT_GRADIENT_WITH_CURRENT_STATE("recurrent-gradient-with-h-t",
            "dL/dW accumulated with h_t instead of h_{t−1}",
            "dL/dW += dL/da_t h_{t−1}ᵀ",
            "https://github.com/VikParuchuri/zero_to_gpt/issues/9",
            "every case"),
    FUTURE_GRADIENT_DROPPED("future-gradient-dropped",
            "the gradient from the future dropped (one-step truncation): dL/dh_t = Vᵀ dL/do_t alone",
            "dL/dh_t = Vᵀ dL/do_t + Wᵀ dL/da_{t+1}",
            "https://github.com/d2l-ai/d2l-en/issues/2616",
            "T ≥ 2"),
    RECURRENT_WEIGHTS_NOT_TRANSPOSED("w-instead-of-w-transposed",
            "W used where Wᵀ belongs when passing the gradient to h_{t−1}",
            "dL/dh_{t−1} += Wᵀ dL/da_t",
            "https://www.deeplearningbook.org/contents/rnn.html",
            "T ≥ 2, or dL/dh_{-1} compared"),
    OUTPUT_GRADIENT_SIGN("output-gradient-sign",
            "the output gradient with the wrong sign: y* − y instead of y − y*",
            "dL/do_t = (y_t − y*_t) / divisor",
            "https://github.com/dvgodoy/PyTorchStepByStep/issues/21",
            "every case"),
    LOSS_AVERAGED_WHERE_SUMMED("averaged-where-summed",
            "the loss and its gradients averaged over the loss terms where the spec sums them",
            "L = Σ_t J_t / divisor",
            "https://github.com/Harry24k/adversarial-attacks-pytorch/issues/46",
            "the SUM reduction with more than one loss term"),
    AVERAGED_TWICE("averaged-twice",
            "the loss and its gradients divided by the reduction's divisor twice",
            "L = Σ_t J_t / divisor",
            "https://github.com/eriklindernoren/PyTorch-YOLOv3/pull/137",
            "a mean reduction with more than one sequence or term"),
    PADDED_STEPS_COUNTED("padded-steps-counted",
            "the mask ignored: padded steps run, counted in the loss and in its divisor",
            "J_t (the loss terms of the masked steps)",
            "https://github.com/tensorflow/tensorflow/issues/39146",
            "a mask with padding"),
    INITIAL_STATE_IGNORED("initial-state-ignored",
            "the given initial state ignored: h_{-1} taken as zeros",
            "a_0 = U x_0 + W h_{-1} + b",
            "https://github.com/mquad/hgru4rec/issues/11",
            "an initial state given"),
    BIAS_GRADIENT_OVERWRITTEN("bias-gradient-overwritten",
            "dL/db assigned instead of accumulated at each step, so only step 0's term is left",
            "dL/db += dL/da_t",
            "https://github.com/arunmallya/arunmallya.github.io/issues/3",
            "biases and T ≥ 2"),
    OUTPUT_BIAS_GRADIENT_LOST("output-bias-gradient-lost",
            "dL/dc never accumulated (left at zero)",
            "dL/dc += dL/do_t",
            "https://github.com/javaidnabi31/RNN-from-scratch/issues/2",
            "biases"),
    INPUT_GRADIENT_NOT_PROPAGATED("input-gradient-not-propagated",
            "dL/dx not propagated (left at zero), as in min-char-rnn whose one-hot inputs need none",
            "dL/dx_t = Uᵀ dL/da_t",
            "https://gist.github.com/karpathy/d4dee566867f8291f086",
            "dL/dx compared");

    private final String id;
    private final String description;
    private final String entersAt;
    private final String source;
    private final String when;

    ElmanMistake(String id, String description, String entersAt, String source, String when) {
        this.id = id;
        this.description = description;
        this.entersAt = entersAt;
        this.source = source;
        this.when = when;
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

    /** The cases on which the mistake changes some compared quantity; on the others it cannot be told apart. */
    public String when() {
        return when;
    }
}
