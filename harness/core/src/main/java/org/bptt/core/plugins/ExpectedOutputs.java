package org.bptt.core.plugins;

import java.util.Set;
import org.bptt.api.Capability;

/**
 * Which optional results a call must return (so they are checked, and then compared or used): each is the result of
 * one capability. The outputs y, the loss and the parameter gradients are always expected.
 *
 * @param hiddenStates          h_t from {@code forward()} ({@link Capability#HIDDEN_STATES})
 * @param inputGradients        dL/dx ({@link Capability#INPUT_GRADIENTS}); from {@code truncatedGradients()} it may
 *                              still be null (DL4J's truncated BPTT computes none), and is checked only when returned
 * @param initialStateGradients dL/dh_{-1} ({@link Capability#INITIAL_STATE_GRADIENTS})
 * @param hiddenStateGradients  dL/dh_t ({@link Capability#HIDDEN_STATE_GRADIENTS})
 */
public record ExpectedOutputs(boolean hiddenStates, boolean inputGradients, boolean initialStateGradients,
                              boolean hiddenStateGradients) {

    /** What a plugin with {@code capabilities} promises to return. */
    public static ExpectedOutputs declaredBy(Set<Capability> capabilities) {
        return new ExpectedOutputs(capabilities.contains(Capability.HIDDEN_STATES),
                capabilities.contains(Capability.INPUT_GRADIENTS),
                capabilities.contains(Capability.INITIAL_STATE_GRADIENTS),
                capabilities.contains(Capability.HIDDEN_STATE_GRADIENTS));
    }

    /** What both plugins promise: what an implementation and its oracle can be compared on. */
    public static ExpectedOutputs commonTo(LoadedPlugin first, LoadedPlugin second) {
        ExpectedOutputs a = declaredBy(first.capabilities());
        ExpectedOutputs b = declaredBy(second.capabilities());
        return new ExpectedOutputs(a.hiddenStates && b.hiddenStates, a.inputGradients && b.inputGradients,
                a.initialStateGradients && b.initialStateGradients, a.hiddenStateGradients && b.hiddenStateGradients);
    }
}
