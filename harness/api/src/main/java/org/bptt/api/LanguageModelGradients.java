package org.bptt.api;

/**
 * The loss of the RNN language model and its exact gradients.
 *
 * @param loss      the mean cross-entropy over the predicted tokens (as in {@link LanguageModelForward#loss()})
 * @param gradients dL/dL, dL/dW_e, dL/dW_h, dL/db1, dL/dU, dL/db2 in the parameters' shapes
 */
public record LanguageModelGradients(double loss, LanguageModelParameters gradients) {

    /** Perplexity, exp(L). */
    public double perplexity() {
        return Math.exp(loss);
    }
}
