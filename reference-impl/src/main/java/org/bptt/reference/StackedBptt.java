package org.bptt.reference;

import java.util.List;
import org.bptt.api.Batch;
import org.bptt.api.GradientResult;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.bptt.api.Truncation;
import org.bptt.reference.StackedNetwork.LayerTrajectory;
import org.bptt.reference.StackedNetwork.StackedTrajectory;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * BPTT through a stacked or bidirectional network ({@link StackedNetwork}), by the one-layer algorithms' own
 * backward pass ({@link AggregatedBptt#backwardSweep} or {@link NaiveBptt#backpropagateWindow}) applied to each
 * layer and direction in turn, from the top layer down:
 * <pre>
 *   dL/dz^{L-1}_t = Vᵀ outputGradient_t                 the head, at its loss steps ({@link OutputLayer#backward})
 *   dL/dh→^ℓ_t, dL/dh←^ℓ_t = uncombine(dL/dz^ℓ_t)         ({@link StackedNetwork#uncombine})
 *   each direction: its backward pass through time, picking up dL/dh^ℓ_t at every step as a one-layer network
 *                   picks up a loss term's gradient, gives dθ^ℓ, dL/dh^ℓ_{-1} and what reaches its inputs,
 *   dL/dz^{ℓ-1}_t = (forward direction's input gradient at t) + (reverse direction's at t)
 * </pre>
 * down to dL/dx_t. The reverse direction runs over the steps in reverse order, so its gradients are reversed on
 * the way in and out. Every step of a layer receives a gradient from above, so each layer and direction costs n
 * step-backprops for the aggregated sweep and n(n+1)/2 for the naive one, for a sequence of n steps: L·D·n and
 * L·D·n(n+1)/2 in all.
 *
 * <p>Truncated BPTT (forward stacks only: {@link Truncation#requireDefinedFor}) runs each of the one-layer
 * network's windows down the whole stack: the window's losses reach every layer at the window's steps and flow back
 * through them alone.
 */
final class StackedBptt {

    private StackedBptt() {
    }

    /**
     * The loss and its gradients by {@code backward}: full BPTT when {@code truncation} is null, truncated BPTT
     * otherwise.
     *
     * @param counter Modified: counts the step-backprops {@code backward} makes
     */
    static GradientResult run(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation,
                              StepBackpropCounter counter, BpttDriver.WindowBackward backward) {
        if (truncation != null) {
            truncation.requireDefinedFor(spec);
        }
        StackedNetwork network = new StackedNetwork(spec, parameters);
        double divisor = network.divisor(batch);
        int layers = spec.layers();
        int directions = spec.directions();
        int hidden = spec.hiddenSize();
        boolean hasCellState = spec.cell().hasCellState();
        ParameterGradients gradients = new ParameterGradients(spec);
        Tensor inputGradients = Tensor.zeros(batch.batchSize(), batch.steps(), spec.inputSize());
        Tensor hiddenStateGradients = Tensor.zeros(batch.batchSize(), batch.steps(), directions * hidden);
        Tensor initialStateGradients = Tensor.zeros(layers, directions, batch.batchSize(), hidden);
        Tensor initialCellStateGradients = hasCellState ? Tensor.zeros(layers, directions, batch.batchSize(), hidden) : null;
        double lossSum = 0;
        for (int sequence = 0; sequence < batch.batchSize(); sequence++) {
            StackedTrajectory trajectory = network.forward(batch, sequence);
            int length = trajectory.head().length;
            List<BackwardWindow> windows = truncation == null
                    ? BackwardWindow.full(length)
                    : BackwardWindow.truncated(length, truncation);
            DMatrixRMaj headGradients = network.outputLayer().backward(trajectory.head(),
                    BackwardWindow.usedLossSteps(windows, trajectory.head()), divisor, gradients);   // dV, dc; Vᵀ outputGradient_t
            StepBackprop[][] steps = new StepBackprop[layers][directions];
            for (int layer = 0; layer < layers; layer++) {
                steps[layer][0] = trajectory.layers().get(layer).forward().stepBackprop(counter);
                if (directions == 2) {
                    steps[layer][1] = trajectory.layers().get(layer).reverse().stepBackprop(counter);
                }
            }
            StateGradient stateGradient = new StateGradient(hidden, hasCellState);
            StateGradient stateGradientToPrevious = new StateGradient(hidden, hasCellState);
            for (BackwardWindow window : windows) {
                DMatrixRMaj fromAbove = headGradientsOf(trajectory.head(), window, headGradients);    // dL/dz^{L-1}_t
                // Below the head every step of the window has a gradient from above, so every step is a "loss step".
                BackwardWindow layerWindow = new BackwardWindow(window.firstStep(), window.lastStep(), window.firstStep());
                for (int layer = layers - 1; layer >= 0; layer--) {
                    LayerTrajectory layerTrajectory = trajectory.layers().get(layer);
                    SequenceGradients forward = new SequenceGradients(length, spec.layerInputSize(layer), hidden, hasCellState);
                    SequenceGradients reverse = directions == 1 ? null
                            : new SequenceGradients(length, spec.layerInputSize(layer), hidden, hasCellState);
                    DMatrixRMaj forwardFromAbove = fromAbove;
                    DMatrixRMaj reverseFromAbove = null;
                    if (reverse != null) {
                        forwardFromAbove = new DMatrixRMaj(length, hidden);
                        reverseFromAbove = new DMatrixRMaj(length, hidden);
                        network.uncombine(layerTrajectory, fromAbove, forwardFromAbove, reverseFromAbove);  // dL/dh→_t, dL/dh←_t
                    }
                    backward.backward(SequenceTrajectory.layer(layerTrajectory.forward()), layerWindow, steps[layer][0],
                            forwardFromAbove, gradients.layer(layer, false), forward, stateGradient, stateGradientToPrevious);
                    DMatrixRMaj toBelow = forward.inputGradients;                                             // dL/dz^{ℓ-1}_t
                    if (reverse != null) {
                        // The reverse direction steps through row s = step n−1−s: reversed in, reversed out.
                        backward.backward(SequenceTrajectory.layer(layerTrajectory.reverse()), layerWindow, steps[layer][1],
                                StackedNetwork.reversedRows(reverseFromAbove), gradients.layer(layer, true), reverse,
                                stateGradient, stateGradientToPrevious);
                        CommonOps_DDRM.addEquals(toBelow, StackedNetwork.reversedRows(reverse.inputGradients));
                    }
                    addInitialStateGradients(forward, layer, 0, sequence, initialStateGradients, initialCellStateGradients);
                    if (reverse != null) {
                        addInitialStateGradients(reverse, layer, 1, sequence, initialStateGradients, initialCellStateGradients);
                    }
                    if (layer == layers - 1) {
                        addHiddenStateGradients(forward, reverse, sequence, hiddenStateGradients);
                    }
                    fromAbove = toBelow;
                }
                addRows(fromAbove, inputGradients, inputGradients.offset(sequence, 0, 0));                   // dL/dx_t
            }
            lossSum += trajectory.head().lossSum();
        }
        return new GradientResult(lossSum / divisor, gradients.toParameters(spec), inputGradients,
                initialStateGradients, hiddenStateGradients, initialCellStateGradients);
    }

    /**
     * The gradient the head sends to the top layer's output z_t, one step per row ({@code [n, size of z]}), from
     * the loss steps of {@code window} alone (zero at every other step).
     */
    private static DMatrixRMaj headGradientsOf(SequenceTrajectory head, BackwardWindow window, DMatrixRMaj headGradients) {
        DMatrixRMaj fromAbove = new DMatrixRMaj(head.length, headGradients.numCols);
        for (int t = window.firstLossStep(); t <= window.lastStep(); t++) {
            if (head.hasLoss(t)) {
                System.arraycopy(headGradients.data, head.lossRow(t) * headGradients.numCols,
                        fromAbove.data, t * fromAbove.numCols, fromAbove.numCols);
            }
        }
        return fromAbove;
    }

    /** dL/dh_{-1} (and dL/dc_{-1}) of one layer's direction, into its {@code [layer, direction, sequence]} row. */
    private static void addInitialStateGradients(SequenceGradients gradients, int layer, int direction, int sequence,
                                                 Tensor initialStateGradients, Tensor initialCellStateGradients) {
        addRows(gradients.initialStateGradient, initialStateGradients, initialStateGradients.offset(layer, direction, sequence, 0));
        if (initialCellStateGradients != null) {
            addRows(gradients.initialCellStateGradient, initialCellStateGradients,
                    initialCellStateGradients.offset(layer, direction, sequence, 0));
        }
    }

    /** The top layer's dL/dh_t, its directions side by side in step order, into row {@code sequence} of {@code [B, T, D·H]}. */
    private static void addHiddenStateGradients(SequenceGradients forward, SequenceGradients reverse, int sequence, Tensor target) {
        DMatrixRMaj forwardGradients = forward.hiddenStateGradients;
        DMatrixRMaj reverseGradients = reverse == null ? null : StackedNetwork.reversedRows(reverse.hiddenStateGradients);
        int hidden = forwardGradients.numCols;
        for (int t = 0; t < forwardGradients.numRows; t++) {
            for (int i = 0; i < hidden; i++) {
                target.data()[target.offset(sequence, t, i)] += forwardGradients.get(t, i);
                if (reverseGradients != null) {
                    target.data()[target.offset(sequence, t, hidden + i)] += reverseGradients.get(t, i);
                }
            }
        }
    }

    /** target.data()[offset …] += every element of {@code matrix}, row by row. Modified: target. */
    private static void addRows(DMatrixRMaj matrix, Tensor target, int offset) {
        for (int i = 0; i < matrix.getNumElements(); i++) {
            target.data()[offset + i] += matrix.data[i];
        }
    }
}
