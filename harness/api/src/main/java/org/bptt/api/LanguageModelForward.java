package org.bptt.api;

/**
 * What a forward pass of the RNN language model produces. Per-step tensors are batch-first with the time dimension
 * T = {@link TokenBatch#maxSteps()}; entries at steps beyond a sequence's own are zero and never compared.
 *
 * @param hiddenStates  h_t, {@code [B, T, H]}
 * @param probabilities ŷ_t = softmax(U h_t + b₂), the predicted distribution of the next token, {@code [B, T, |V|]}
 * @param loss          the mean cross-entropy over the N predicted tokens, L = −(1/N) Σ_b Σ_t log ŷ_t[x_{t+1}]
 */
public record LanguageModelForward(Tensor hiddenStates, Tensor probabilities, double loss) {

    /** Perplexity, exp(L): the exponential of the mean cross-entropy. */
    public double perplexity() {
        return Math.exp(loss);
    }
}
