package org.bptt.core.plugins;

import java.util.Set;
import org.bptt.api.Capability;
import org.bptt.api.ModelSpec;

/**
 * Which optional results a call must return (so they are checked, and then compared or used): each is the result of
 * one capability. The outputs y, the loss and the parameter gradients are always expected.
 *
 * @param hiddenStates              h_t from {@code forward()} ({@link Capability#HIDDEN_STATES})
 * @param inputGradients            dL/dx ({@link Capability#INPUT_GRADIENTS}); from {@code truncatedGradients()} it
 *                                  may still be null (DL4J's truncated BPTT computes none), and is checked only when
 *                                  returned
 * @param initialStateGradients     dL/dh_{-1} ({@link Capability#INITIAL_STATE_GRADIENTS})
 * @param hiddenStateGradients      dL/dh_t ({@link Capability#HIDDEN_STATE_GRADIENTS})
 * @param cellStates                c_t from {@code forward()} ({@link Capability#CELL_STATES}), for a model whose
 *                                  cell has a cell state only ({@link #cellStatesOf})
 * @param initialCellStateGradients dL/dc_{-1} ({@link Capability#INITIAL_CELL_STATE_GRADIENTS}), for a model whose
 *                                  cell has a cell state only ({@link #initialCellStateGradientsOf})
 */
public record ExpectedOutputs(boolean hiddenStates, boolean inputGradients, boolean initialStateGradients,
                              boolean hiddenStateGradients, boolean cellStates, boolean initialCellStateGradients) {

    /** What a plugin with {@code capabilities} promises to return. */
    public static ExpectedOutputs declaredBy(Set<Capability> capabilities) {
        return new ExpectedOutputs(capabilities.contains(Capability.HIDDEN_STATES),
                capabilities.contains(Capability.INPUT_GRADIENTS),
                capabilities.contains(Capability.INITIAL_STATE_GRADIENTS),
                capabilities.contains(Capability.HIDDEN_STATE_GRADIENTS),
                capabilities.contains(Capability.CELL_STATES),
                capabilities.contains(Capability.INITIAL_CELL_STATE_GRADIENTS));
    }

    /** What both plugins promise: what an implementation and its oracle can be compared on. */
    public static ExpectedOutputs commonTo(LoadedPlugin first, LoadedPlugin second) {
        ExpectedOutputs a = declaredBy(first.capabilities());
        ExpectedOutputs b = declaredBy(second.capabilities());
        return new ExpectedOutputs(a.hiddenStates && b.hiddenStates, a.inputGradients && b.inputGradients,
                a.initialStateGradients && b.initialStateGradients, a.hiddenStateGradients && b.hiddenStateGradients,
                a.cellStates && b.cellStates, a.initialCellStateGradients && b.initialCellStateGradients);
    }

    /**
     * Whether c_t is expected from a forward pass of {@code spec}: a plugin declares {@link Capability#CELL_STATES}
     * once for every cell it runs, and a cell without a cell state (Elman, GRU) has none to return.
     */
    public boolean cellStatesOf(ModelSpec spec) {
        return cellStates && spec.cell().hasCellState();
    }

    /** Whether dL/dc_{-1} is expected from the gradients of {@code spec}; as {@link #cellStatesOf}. */
    public boolean initialCellStateGradientsOf(ModelSpec spec) {
        return initialCellStateGradients && spec.cell().hasCellState();
    }
}
