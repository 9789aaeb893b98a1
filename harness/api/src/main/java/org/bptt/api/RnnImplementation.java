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
     * A documented divergence of the library behind this implementation from the exact values, as a model of the
     * wrong computation: a third-party bug, or a documented difference of definition, whose
     * {@link WrongComputation#description()} says what differs, whether it is a bug, and where the evidence is
     * (reports group known divergences by it). The harness reports a failed comparison as a known divergence only
     * when the implementation's value matches the model's {@link WrongComputation#predict prediction} to tolerance;
     * otherwise it stays a failure naming the claimed explanation and both distances, so a different regression
     * inside the same class of cases, or a fixed bug, is not excused. An explanation without a model
     * ({@link WrongComputation#unchecked}) is accepted as declared and reported as unchecked.
     *
     * <p>The arguments are those of the call whose result was compared, so an implementation can decide from them
     * alone and keeps no state between calls. It is asked only about quantities that failed, through the same
     * isolation as every other call (a throw, a hang, null or a blank description explain nothing). Return the same
     * model (the same description) for every quantity it predicts: the harness asks it for its prediction once per
     * case.
     *
     * @param spec       the case's model
     * @param parameters the case's weights
     * @param batch      the case's batch
     * @param truncation the truncation of a {@link #truncatedGradients} call, or null for full BPTT
     * @param quantity   the compared quantity: {@link Quantity#HIDDEN_STATES}, {@link Quantity#OUTPUTS},
     *                   {@link Quantity#LOSS}, {@link Quantity#GRADIENT_LOSS}, {@link Quantity#gradientOf} a parameter,
     *                   {@link Quantity#INPUT_GRADIENTS}, {@link Quantity#INITIAL_STATE_GRADIENTS} or
     *                   {@link Quantity#HIDDEN_STATE_GRADIENTS}
     * @return the model of the wrong computation that explains {@code quantity} on this case, or empty
     */
    default Optional<WrongComputation> knownDivergence(ModelSpec spec, Parameters parameters, Batch batch,
                                                       Truncation truncation, Quantity quantity) {
        return Optional.empty();
    }
}
