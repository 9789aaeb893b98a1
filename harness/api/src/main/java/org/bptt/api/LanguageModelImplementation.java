package org.bptt.api;

import java.util.Optional;

/**
 * The extension point for the RNN language model of the lecture's language-modelling exercise, found by
 * {@link java.util.ServiceLoader} like {@link RnnImplementation}: register one with a line in
 * {@code META-INF/services/org.bptt.api.LanguageModelImplementation}; it needs a public no-argument constructor.
 *
 * <h2>The model</h2>
 * For each sequence of a {@link TokenBatch}, with h_{-1} = 0 and step t reading token x_t and predicting x_{t+1}:
 * <pre>
 *   e_t = L x_t                         embedding lookup: column x_t of L (x_t one-hot), [E]
 *   z_t = W_h h_{t-1} + W_e e_t + b₁    pre-activation, [H]
 *   h_t = f(z_t)                        hidden state,   [H]
 *   ŷ_t = softmax(U h_t + b₂)           distribution of the next token, [|V|]
 *   J_t = −log ŷ_t[x_{t+1}]             cross-entropy against the next token
 *   L   = (1/N) Σ_b Σ_t J_t             the mean over the batch's N predicted tokens ({@link TokenBatch#predictedTokens})
 *   perplexity = exp(L)
 * </pre>
 * Parameter shapes and names are those of {@link LanguageModelParameters}. Gradients are of L, in double precision,
 * in the parameters' shapes; dL/dL is non-zero only in the columns of tokens that are the input of some step.
 *
 * <p>The harness validates spec, parameters and batch before calling; an implementation must not modify its
 * arguments. Calls come one at a time per instance. Throwing any exception reports a plugin error.
 */
public interface LanguageModelImplementation {

    /** Who this implementation is (ids share the namespace of {@link RnnImplementation}'s). */
    PluginInfo info();

    /** Hidden states, predicted distributions and the loss. */
    LanguageModelForward forward(LanguageModelSpec spec, LanguageModelParameters parameters, TokenBatch batch);

    /** The loss and its exact gradients (full BPTT). */
    LanguageModelGradients gradients(LanguageModelSpec spec, LanguageModelParameters parameters, TokenBatch batch);

    /**
     * Explains a documented divergence of the library behind this implementation from the exact values (a
     * third-party bug or a difference of definition, with where its evidence is), as
     * {@link RnnImplementation#knownDivergence} does; the harness then reports the comparison as a known divergence
     * instead of a failure. An explanation for a comparison that passes is ignored. The arguments are those of the
     * compared calls, so an implementation keeps no state between calls.
     *
     * @param quantity the compared quantity: {@link Quantity#LOSS}, {@link Quantity#HIDDEN_STATES},
     *                 {@link Quantity#OUTPUTS}, {@link Quantity#GRADIENT_LOSS} or {@link Quantity#gradientOf} a name
     *                 of {@link LanguageModelParameters#NAMES}
     * @return the explanation, or empty
     */
    default Optional<String> knownDivergence(LanguageModelSpec spec, LanguageModelParameters parameters,
                                             TokenBatch batch, Quantity quantity) {
        return Optional.empty();
    }
}
