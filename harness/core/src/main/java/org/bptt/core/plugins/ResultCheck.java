package org.bptt.core.plugins;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bptt.api.Batch;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.Quantity;
import org.bptt.api.Tensor;
import org.bptt.core.compare.IndexLabels;

/**
 * What a plugin's result must hold before anything trusts it. A result is <em>well formed</em> when it is not null
 * and every tensor that is used is there, in its shape: the outputs, the loss, every parameter gradient the spec
 * declares ({@link org.bptt.api.ModelSpec#parameterNames()}), and the optional results of {@link ExpectedOutputs}
 * (c_t and dL/dc_{-1} only for a cell with a cell state). It is moreover <em>finite</em> when no value that is compared is NaN
 * or infinite; values at masked steps are never compared, so they may be anything. Each problem is named: the
 * tensor, and the index of the first bad element.
 *
 * <p>{@link IsolatedPlugin} refuses a result that is not well formed; whether a NaN is garbage or a finding (an
 * exploding network, a documented library bug) is for the caller to decide, with {@link #forwardProblem} and
 * {@link #gradientProblem} asked for finite values.
 */
public final class ResultCheck {

    private ResultCheck() {
    }

    /**
     * Null when the result of {@code forward()} is well formed (and, if {@code finiteRequired}, finite where
     * compared); otherwise what is wrong, e.g. {@code y has NaN at [b=0, t=0, k=1]}.
     */
    public static String forwardProblem(ForwardResult forward, ModelSpec spec, Batch batch, ExpectedOutputs expected,
                                        boolean finiteRequired) {
        if (forward == null) {
            return "forward() returned null";
        }
        if (finiteRequired && !Double.isFinite(forward.loss())) {
            return "the forward loss is " + forward.loss();
        }
        int b = batch.batchSize();
        int t = batch.steps();
        boolean perStep = spec.head() == Head.PER_STEP_SOFTMAX;
        String problem = perStep
                ? tensorProblem(Quantity.OUTPUTS, forward.outputs(), batch.mask(), finiteRequired, IndexLabels.OUTPUT_PER_STEP,
                        b, t, spec.outputSize())
                : tensorProblem(Quantity.OUTPUTS, forward.outputs(), null, finiteRequired, IndexLabels.OUTPUT_LAST_STEP,
                        b, spec.outputSize());
        // A stack's states are its top layer's, the directions side by side: [B, T, D·H].
        int stateWidth = spec.directions() * spec.hiddenSize();
        IndexLabels stateLabels = IndexLabels.hiddenPerStep(spec.directions(), spec.hiddenSize());
        if (problem == null && expected.hiddenStates()) {
            problem = tensorProblem(Quantity.HIDDEN_STATES, forward.hiddenStates(), batch.mask(), finiteRequired,
                    stateLabels, b, t, stateWidth);
        }
        if (problem == null && expected.cellStatesOf(spec)) {
            problem = tensorProblem(Quantity.CELL_STATES, forward.cellStates(), batch.mask(), finiteRequired,
                    stateLabels, b, t, stateWidth);
        }
        return problem;
    }

    /**
     * Null when the result of {@code gradients()} ({@code truncated} false) or {@code truncatedGradients()} is well
     * formed (and, if {@code finiteRequired}, finite where compared); otherwise what is wrong, e.g.
     * {@code dL/dW has shape [3, 4], expected [4, 4]}. A truncated result holds dL/dx at most besides the parameter
     * gradients, and may leave it null.
     */
    public static String gradientProblem(GradientResult gradients, boolean truncated, ModelSpec spec, Batch batch,
                                         ExpectedOutputs expected, boolean finiteRequired) {
        String method = truncated ? "truncatedGradients()" : "gradients()";
        if (gradients == null) {
            return method + " returned null";
        }
        if (finiteRequired && !Double.isFinite(gradients.loss())) {
            return "the loss returned by " + method + " is " + gradients.loss();
        }
        Parameters parameterGradients = gradients.parameterGradients();
        if (parameterGradients == null) {
            return method + " returned no parameter gradients";
        }
        for (Map.Entry<String, Tensor> entry : Parameters.zeros(spec).byName().entrySet()) {
            Tensor shape = entry.getValue();
            String problem = tensorProblem(Quantity.gradientOf(entry.getKey()), parameterGradients.get(entry.getKey()), null,
                    finiteRequired, IndexLabels.generic(shape.rank()), shape.shape());
            if (problem != null) {
                return problem;
            }
        }
        int b = batch.batchSize();
        int t = batch.steps();
        int stateWidth = spec.directions() * spec.hiddenSize();
        IndexLabels stateLabels = IndexLabels.hiddenPerStep(spec.directions(), spec.hiddenSize());
        int[] initialShape = Batch.stateShape(spec, b);
        IndexLabels initialLabels = IndexLabels.initialStates(spec.topology().single());
        String problem = null;
        if (checksInputGradients(expected, truncated, gradients.inputGradients())) {
            problem = tensorProblem(Quantity.INPUT_GRADIENTS, gradients.inputGradients(), batch.mask(), finiteRequired,
                    IndexLabels.INPUT_PER_STEP, b, t, spec.inputSize());
        }
        if (problem == null && !truncated && expected.initialStateGradients()) {
            problem = tensorProblem(Quantity.INITIAL_STATE_GRADIENTS, gradients.initialStateGradients(), null, finiteRequired,
                    initialLabels, initialShape);
        }
        if (problem == null && !truncated && expected.hiddenStateGradients()) {
            problem = tensorProblem(Quantity.HIDDEN_STATE_GRADIENTS, gradients.hiddenStateGradients(), batch.mask(),
                    finiteRequired, stateLabels, b, t, stateWidth);
        }
        if (problem == null && !truncated && expected.initialCellStateGradientsOf(spec)) {
            problem = tensorProblem(Quantity.INITIAL_CELL_STATE_GRADIENTS, gradients.initialCellStateGradients(), null,
                    finiteRequired, initialLabels, initialShape);
        }
        return problem;
    }

    /** Whether dL/dx of a result whose dL/dx is {@code returned} is checked (and compared). */
    public static boolean checksInputGradients(ExpectedOutputs expected, boolean truncated, Tensor returned) {
        return expected.inputGradients() && (!truncated || returned != null);
    }

    /**
     * The quantities of well-formed results that hold a NaN or infinite value where they are compared, in the order
     * they are compared.
     *
     * @param forward the result of {@code forward()}, or null when there is none (truncated BPTT)
     */
    public static List<Quantity> nonFiniteQuantities(ForwardResult forward, GradientResult gradients, boolean truncated,
                                                     ModelSpec spec, Batch batch, ExpectedOutputs expected) {
        List<Quantity> quantities = new ArrayList<>();
        if (forward != null) {
            if (expected.hiddenStates() && nonFinite(forward.hiddenStates(), batch.mask())) {
                quantities.add(Quantity.HIDDEN_STATES);
            }
            if (expected.cellStatesOf(spec) && nonFinite(forward.cellStates(), batch.mask())) {
                quantities.add(Quantity.CELL_STATES);
            }
            if (nonFinite(forward.outputs(), spec.head() == Head.PER_STEP_SOFTMAX ? batch.mask() : null)) {
                quantities.add(Quantity.OUTPUTS);
            }
            if (!Double.isFinite(forward.loss())) {
                quantities.add(Quantity.LOSS);
            }
        }
        if (!Double.isFinite(gradients.loss())) {
            quantities.add(Quantity.GRADIENT_LOSS);
        }
        for (String name : Parameters.zeros(spec).byName().keySet()) {
            if (nonFinite(gradients.parameterGradients().get(name), null)) {
                quantities.add(Quantity.gradientOf(name));
            }
        }
        if (checksInputGradients(expected, truncated, gradients.inputGradients())
                && nonFinite(gradients.inputGradients(), batch.mask())) {
            quantities.add(Quantity.INPUT_GRADIENTS);
        }
        if (!truncated && expected.initialStateGradients() && nonFinite(gradients.initialStateGradients(), null)) {
            quantities.add(Quantity.INITIAL_STATE_GRADIENTS);
        }
        if (!truncated && expected.hiddenStateGradients() && nonFinite(gradients.hiddenStateGradients(), batch.mask())) {
            quantities.add(Quantity.HIDDEN_STATE_GRADIENTS);
        }
        if (!truncated && expected.initialCellStateGradientsOf(spec) && nonFinite(gradients.initialCellStateGradients(), null)) {
            quantities.add(Quantity.INITIAL_CELL_STATE_GRADIENTS);
        }
        return quantities;
    }

    /**
     * Null when {@code tensor} has the shape and (if {@code finiteRequired}) is finite wherever it is compared
     * (unmasked steps); otherwise what is wrong.
     *
     * @param mask {@code [B, T]} or null; applied to a tensor whose first two dimensions are batch and step
     */
    public static String tensorProblem(Quantity name, Tensor tensor, Tensor mask, boolean finiteRequired,
                                       IndexLabels labels, int... shape) {
        if (tensor == null) {
            return name + " is missing (null)";
        }
        if (!tensor.hasShape(shape)) {
            return name + " has shape " + Arrays.toString(tensor.shape()) + ", expected " + Arrays.toString(shape);
        }
        double[] data = tensor.data();
        for (int offset = 0; finiteRequired && offset < data.length; offset++) {
            if (!Double.isFinite(data[offset])) {
                int[] index = tensor.indexOf(offset);
                if (mask != null && mask.get(index[0], index[1]) == 0) {
                    continue; // values at masked steps are unspecified
                }
                return name + " has " + data[offset] + " at " + labels.format(index);
            }
        }
        return null;
    }

    /** True when {@code tensor} holds a NaN or infinity at an unmasked step (a per-step tensor under a mask). */
    private static boolean nonFinite(Tensor tensor, Tensor mask) {
        double[] data = tensor.data();
        for (int offset = 0; offset < data.length; offset++) {
            if (!Double.isFinite(data[offset])) {
                int[] index = tensor.indexOf(offset);
                if (mask == null || mask.get(index[0], index[1]) != 0) {
                    return true;
                }
            }
        }
        return false;
    }
}
