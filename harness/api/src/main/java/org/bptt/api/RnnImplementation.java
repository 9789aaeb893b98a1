package org.bptt.api;

import java.util.Optional;
import java.util.Set;

/**
 * The extension point: an Elman RNN implementation under test, or an oracle. Implementations are found by
 * {@link java.util.ServiceLoader}; register one with a line in {@code META-INF/services/org.bptt.api.RnnImplementation}.
 * It needs a public no-argument constructor.
 *
 * <p>The harness validates every case before calling, so an implementation may assume valid shapes and finite
 * values, and that every capability of {@link Capability#requiredBy} is among its {@link #capabilities()}. It must
 * not modify its arguments. Calls may come from any thread, one at a time per instance. Throwing any exception
 * reports the case as a plugin error; the run goes on.
 */
public interface RnnImplementation {

    /** Who this implementation is. */
    PluginInfo info();

    /** What it can do; see {@link Capability}. */
    Set<Capability> capabilities();

    /** The forward pass: hidden states (if offered), outputs and the reduced loss. */
    ForwardResult forward(ModelSpec spec, Parameters parameters, Batch batch);

    /** The reduced loss and its exact gradients (full BPTT or any exact equivalent). */
    GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch);

    /**
     * Truncated BPTT gradients as {@link Truncation} defines them. Only called when
     * {@link Capability#TRUNCATED_BPTT} is declared.
     */
    default GradientResult truncatedGradients(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation) {
        throw new UnsupportedOperationException(info().id() + " does not implement truncated BPTT");
    }

    /**
     * Explains a documented divergence of the library behind this implementation from the exact values: a
     * third-party bug, or a documented difference of definition, with its evidence (where finite differences side
     * with the reference). The harness then reports the comparison as a known divergence with this explanation
     * instead of a failure. A divergence not explained here is a failure; an explanation for a comparison that
     * passes is ignored.
     *
     * <p>The arguments are those of the call whose result was compared, so an implementation can decide from them
     * alone and keeps no state between calls. It is asked only about quantities that failed, through the same
     * isolation as every other call (a throw, a hang or a blank answer explains nothing).
     *
     * @param spec       the case's model
     * @param parameters the case's weights
     * @param batch      the case's batch
     * @param truncation the truncation of a {@link #truncatedGradients} call, or null for full BPTT
     * @param quantity   the compared quantity: {@link Quantity#HIDDEN_STATES}, {@link Quantity#OUTPUTS},
     *                   {@link Quantity#LOSS}, {@link Quantity#GRADIENT_LOSS}, {@link Quantity#gradientOf} a parameter,
     *                   {@link Quantity#INPUT_GRADIENTS}, {@link Quantity#INITIAL_STATE_GRADIENTS} or
     *                   {@link Quantity#HIDDEN_STATE_GRADIENTS}
     * @return the explanation (one or two sentences, naming where the evidence is), or empty
     */
    default Optional<String> knownDivergence(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation,
                                             Quantity quantity) {
        return Optional.empty();
    }
}
