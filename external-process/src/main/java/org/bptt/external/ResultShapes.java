package org.bptt.external;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import org.bptt.api.Batch;
import org.bptt.api.Capability;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterDeclaration;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;

/**
 * Checks the shapes of an answer against the case (batch-first, parameters in the equations' orientation, as
 * {@code org.bptt.api} says), and that every optional result a declared capability promises is there. The cell-state
 * results ({@code cellStates}, {@code initialCellStateGradients}) are promised only for a cell that has a cell
 * state, and refused for one that has none. Values are not checked: a NaN is the verifier's to report.
 */
final class ResultShapes {

    private ResultShapes() {
    }

    /** What is wrong with {@code result}'s shapes, or null when nothing is. */
    static String forwardProblem(ForwardResult result, ModelSpec spec, Batch batch, Set<Capability> capabilities) {
        int b = batch.batchSize();
        int t = batch.steps();
        String problem = spec.head().lastStepOnly()
                ? shapeProblem("outputs", result.outputs(), "[B, K]", b, spec.outputSize())
                : shapeProblem("outputs", result.outputs(), "[B, T, K]", b, t, spec.outputSize());
        // A stack's states are its top layer's, the directions side by side.
        String states = spec.directions() == 1 ? "[B, T, H]" : "[B, T, 2H]";
        int width = spec.directions() * spec.hiddenSize();
        if (problem == null) {
            problem = optionalProblem("hiddenStates", result.hiddenStates(), capabilities, Capability.HIDDEN_STATES,
                    states, b, t, width);
        }
        if (problem == null) {
            problem = cellStateProblem("cellStates", result.cellStates(), spec, capabilities, Capability.CELL_STATES,
                    states, b, t, width);
        }
        return problem;
    }

    /**
     * What is wrong with {@code result}'s shapes, or null when nothing is. Every parameter the model declares must
     * have a gradient in its shape (the codec has already refused gradients of parameters it does not declare).
     */
    static String gradientProblem(GradientResult result, ModelSpec spec, Batch batch, Set<Capability> capabilities) {
        int b = batch.batchSize();
        int t = batch.steps();
        int d = spec.inputSize();
        String states = spec.directions() == 1 ? "[B, T, H]" : "[B, T, 2H]";
        int width = spec.directions() * spec.hiddenSize();
        String initial = spec.topology().single() ? "[B, H]" : "[L, D, B, H]";
        int[] initialShape = Batch.stateShape(spec, b);
        Parameters gradients = result.parameterGradients();
        for (ParameterDeclaration declaration : spec.parameters()) {
            String problem = shapeProblem("parameterGradients." + declaration.name(), gradients.get(declaration.name()),
                    declaration.layout(), declaration.shape());
            if (problem != null) {
                return problem;
            }
        }
        return first(
                optionalProblem("inputGradients", result.inputGradients(), capabilities, Capability.INPUT_GRADIENTS,
                        "[B, T, d]", b, t, d),
                optionalProblem("initialStateGradients", result.initialStateGradients(), capabilities,
                        Capability.INITIAL_STATE_GRADIENTS, initial, initialShape),
                optionalProblem("hiddenStateGradients", result.hiddenStateGradients(), capabilities,
                        Capability.HIDDEN_STATE_GRADIENTS, states, b, t, width),
                cellStateProblem("initialCellStateGradients", result.initialCellStateGradients(), spec, capabilities,
                        Capability.INITIAL_CELL_STATE_GRADIENTS, initial, initialShape));
    }

    private static String first(String... problems) {
        for (String problem : problems) {
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private static String shapeProblem(String name, Tensor tensor, String layout, int... expected) {
        if (tensor == null) {
            return name + " is missing (null); expected shape " + layout + " = " + Arrays.toString(expected);
        }
        return tensor.hasShape(expected) ? null : name + " has shape " + Arrays.toString(tensor.shape()) + "; expected "
                + layout + " = " + Arrays.toString(expected);
    }

    /**
     * A tensor about the cell state: for a cell with one, as {@link #optionalProblem}; for a cell without one, it
     * must be absent.
     */
    private static String cellStateProblem(String name, Tensor tensor, ModelSpec spec, Set<Capability> capabilities,
                                           Capability capability, String layout, int... expected) {
        if (!spec.cell().hasCellState()) {
            return tensor == null ? null : name + " is given, but the " + spec.cell().name().toLowerCase(Locale.ROOT)
                    + " cell has no cell state; leave it out (or null)";
        }
        return optionalProblem(name, tensor, capabilities, capability, layout, expected);
    }

    /** A tensor that {@code capability} promises must be there; one returned without the promise must still fit. */
    private static String optionalProblem(String name, Tensor tensor, Set<Capability> capabilities, Capability capability,
                                          String layout, int... expected) {
        if (tensor == null) {
            return capabilities.contains(capability) ? name + " is missing (null), but the implementation declares "
                    + capability + "; expected shape " + layout + " = " + Arrays.toString(expected) : null;
        }
        return shapeProblem(name, tensor, layout, expected);
    }
}
