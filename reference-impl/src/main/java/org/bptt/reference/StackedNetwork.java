package org.bptt.reference;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.bptt.api.Batch;
import org.bptt.api.Combine;
import org.bptt.api.ForwardResult;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterName;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The reference's forward pass of a stacked or bidirectional network ({@link org.bptt.api.Topology}), for every
 * cell: L layers, each one cell per direction with its own weights ({@link RecurrentCell}, the one-layer network's
 * cells, given the layer's parameters under their bare names), then the one-layer network's output layer and loss
 * ({@link OutputLayer}), which read the top layer's output:
 * <pre>
 *   z^{-1}_t = x_t
 *   h→^ℓ_t  = cell→^ℓ(z^{ℓ-1}_t, h→^ℓ_{t-1})        t = 0 … n−1, from h→^ℓ_{-1}
 *   h←^ℓ_t  = cell←^ℓ(z^{ℓ-1}_t, h←^ℓ_{t+1})        t = n−1 … 0, from h←^ℓ_{-1} (bidirectional layers only)
 *   z^ℓ_t   = h→^ℓ_t,  or combine(h→^ℓ_t, h←^ℓ_t)    ({@link Combine}: [h→; h←], h→ + h←, (h→ + h←)/2, h→ ⊙ h←)
 *   o_t     = V z^{L-1}_t + c,  y_t, J(t), L         as in {@link RecurrentNetwork}
 * </pre>
 * where n is the sequence's length: its last valid step + 1. A sequence is cut to its n valid steps before it enters
 * the stack, so the reverse direction starts at its <b>last valid step</b>, never at the padded end, and a masked
 * sequence gives the numbers it gives unpadded. The reverse direction is the same cell run over the steps in
 * reverse order: its trajectory's row s belongs to step n−1−s.
 *
 * <p>The network copies the parameters on construction; the caller's tensors are never modified.
 */
final class StackedNetwork {

    private final ModelSpec spec;
    /** {@code cells[layer][direction]}, direction 0 forward and 1 reverse. */
    private final RecurrentCell[][] cells;
    private final OutputLayer outputLayer;

    /** A network with a copy of {@code parameters}, which must match {@code spec} (see {@link Parameters#validate}). */
    StackedNetwork(ModelSpec spec, Parameters parameters) {
        this.spec = spec;
        this.cells = new RecurrentCell[spec.layers()][spec.directions()];
        for (int layer = 0; layer < spec.layers(); layer++) {
            for (int direction = 0; direction < spec.directions(); direction++) {
                cells[layer][direction] = RecurrentCell.of(spec, layerParameters(parameters, layer, direction == 1));
            }
        }
        this.outputLayer = new OutputLayer(spec, parameters);
    }

    /** One layer's and direction's parameters under their bare names ({@code l1.reverse.W} as {@code W}). */
    static Parameters layerParameters(Parameters parameters, int layer, boolean reverse) {
        Map<String, Tensor> bare = new LinkedHashMap<>();
        parameters.byName().forEach((name, tensor) -> {
            ParameterName placed = ParameterName.parse(name);
            if (!placed.head() && placed.layer() == layer && placed.reverse() == reverse) {
                bare.put(placed.base(), tensor);
            }
        });
        return new Parameters(bare);
    }

    OutputLayer outputLayer() {
        return outputLayer;
    }

    /** The divisor turning Σ J into L for this batch, as {@link RecurrentNetwork#divisor}. */
    double divisor(Batch batch) {
        return spec.reduction().divisor(batch.batchSize(), batch.lossTerms(spec.head()));
    }

    /**
     * The forward pass of every sequence of {@code batch}.
     *
     * @return the top layer's states {@code [B, T, D·H]} (the directions side by side, before combining; zero at
     *         masked steps), y_t, L, and for a cell with a cell state the top layer's c_t {@code [B, T, D·H]}
     */
    ForwardResult forward(Batch batch) {
        int batchSize = batch.batchSize();
        int steps = batch.steps();
        int stateWidth = spec.directions() * spec.hiddenSize();
        boolean lastStepOnly = spec.head().lastStepOnly();
        Tensor hiddenStates = Tensor.zeros(batchSize, steps, stateWidth);
        Tensor cellStates = spec.cell().hasCellState() ? Tensor.zeros(batchSize, steps, stateWidth) : null;
        Tensor outputs = lastStepOnly ? Tensor.zeros(batchSize, spec.outputSize()) : Tensor.zeros(batchSize, steps, spec.outputSize());
        double lossSum = 0;
        for (int sequence = 0; sequence < batchSize; sequence++) {
            StackedTrajectory trajectory = forward(batch, sequence);
            LayerTrajectory top = trajectory.top();
            Matrices.copyInto(top.sideBySide(cell -> cell.hiddenStates), hiddenStates, hiddenStates.offset(sequence, 0, 0));
            if (cellStates != null) {
                Matrices.copyInto(top.sideBySide(CellTrajectory::cellStates), cellStates, cellStates.offset(sequence, 0, 0));
            }
            int offset = lastStepOnly ? outputs.offset(sequence, 0) : outputs.offset(sequence, 0, 0);
            Matrices.copyInto(trajectory.head.outputs, outputs, offset);
            lossSum += trajectory.head.lossSum();
        }
        return new ForwardResult(hiddenStates, outputs, lossSum / divisor(batch), cellStates);
    }

    /** The forward pass of one sequence of {@code batch}, keeping everything the backward pass needs. */
    StackedTrajectory forward(Batch batch, int sequence) {
        int length = batch.length(sequence);
        DMatrixRMaj layerInputs = Matrices.rows(batch.inputs(), batch.inputs().offset(sequence, 0, 0), length, spec.inputSize());
        List<LayerTrajectory> layers = new ArrayList<>();
        for (int layer = 0; layer < spec.layers(); layer++) {
            CellTrajectory forward = cells[layer][0].forward(layerInputs,
                    initialState(batch.initialState(spec, layer, false), sequence),
                    initialCellState(batch.initialCellState(spec, layer, false), sequence));          // h→_t
            CellTrajectory reverse = !spec.bidirectional() ? null : cells[layer][1].forward(reversedRows(layerInputs),
                    initialState(batch.initialState(spec, layer, true), sequence),
                    initialCellState(batch.initialCellState(spec, layer, true), sequence));           // h←_t, from step n−1 down
            LayerTrajectory trajectory = new LayerTrajectory(forward, reverse, combine(forward, reverse));  // z_t
            layers.add(trajectory);
            layerInputs = trajectory.outputs;
        }
        int firstLossStep = spec.head().lastStepOnly() ? length - 1 : 0;
        Tensor targetTensor = batch.targets();
        int targetOffset = spec.head().lastStepOnly() ? targetTensor.offset(sequence, 0) : targetTensor.offset(sequence, firstLossStep, 0);
        DMatrixRMaj targets = Matrices.rows(targetTensor, targetOffset, length - firstLossStep, spec.outputSize());
        DMatrixRMaj outputs = new DMatrixRMaj(length - firstLossStep, spec.outputSize());
        SequenceTrajectory head = new SequenceTrajectory(firstLossStep, new CombinedOutputs(layerInputs), outputs, targets,
                new double[length]);
        outputLayer.forward(head.lossHiddenStates(), firstLossStep, targets, outputs, head.lossTerms);   // y_t, J(t)
        return new StackedTrajectory(layers, head);
    }

    private DMatrixRMaj initialState(Tensor states, int sequence) {
        return states == null ? new DMatrixRMaj(spec.hiddenSize(), 1)
                : Matrices.column(states, states.offset(sequence, 0), spec.hiddenSize());
    }

    private DMatrixRMaj initialCellState(Tensor states, int sequence) {
        return spec.cell().hasCellState() ? initialState(states, sequence) : null;
    }

    /**
     * z_t, one step per row: h→_t for a forward layer, else {@code combine(h→_t, h←_t)} with h←_t in row n−1−t of
     * the reverse trajectory.
     */
    private DMatrixRMaj combine(CellTrajectory forward, CellTrajectory reverse) {
        if (reverse == null) {
            return forward.hiddenStates;
        }
        DMatrixRMaj forwardStates = forward.hiddenStates;
        DMatrixRMaj reverseStates = reversedRows(reverse.hiddenStates);
        int length = forwardStates.numRows;
        int hidden = forwardStates.numCols;
        Combine mode = spec.topology().combine();
        DMatrixRMaj outputs = new DMatrixRMaj(length, mode.outputSize(hidden));
        for (int t = 0; t < length; t++) {
            for (int i = 0; i < hidden; i++) {
                double fromForward = forwardStates.get(t, i);
                double fromReverse = reverseStates.get(t, i);
                switch (mode) {
                    case CONCAT -> {
                        outputs.set(t, i, fromForward);                              // [h→; h←]
                        outputs.set(t, hidden + i, fromReverse);
                    }
                    case SUM -> outputs.set(t, i, fromForward + fromReverse);
                    case MEAN -> outputs.set(t, i, (fromForward + fromReverse) / 2);
                    case PRODUCT -> outputs.set(t, i, fromForward * fromReverse);
                }
            }
        }
        return outputs;
    }

    /**
     * The backward pass of {@link #combine}: from dL/dz_t (one step per row) the gradients reaching h→_t and h←_t
     * (both in step order):
     * <pre>
     *   CONCAT:  dh→ = dz[:H],  dh← = dz[H:]        SUM:      dh→ = dh← = dz
     *   MEAN:    dh→ = dh← = dz / 2                  PRODUCT:  dh→ = dz ⊙ h←,  dh← = dz ⊙ h→
     * </pre>
     * Modified: forwardGradients, reverseGradients ({@code [n, H]}, set). Not modified: the rest.
     */
    void uncombine(LayerTrajectory layer, DMatrixRMaj outputGradients, DMatrixRMaj forwardGradients, DMatrixRMaj reverseGradients) {
        DMatrixRMaj forwardStates = layer.forward.hiddenStates;
        DMatrixRMaj reverseStates = reversedRows(layer.reverse.hiddenStates);
        int hidden = forwardStates.numCols;
        for (int t = 0; t < forwardStates.numRows; t++) {
            for (int i = 0; i < hidden; i++) {
                double dz = outputGradients.get(t, i);
                switch (spec.topology().combine()) {
                    case CONCAT -> {
                        forwardGradients.set(t, i, dz);
                        reverseGradients.set(t, i, outputGradients.get(t, hidden + i));
                    }
                    case SUM -> {
                        forwardGradients.set(t, i, dz);
                        reverseGradients.set(t, i, dz);
                    }
                    case MEAN -> {
                        forwardGradients.set(t, i, dz / 2);
                        reverseGradients.set(t, i, dz / 2);
                    }
                    case PRODUCT -> {
                        forwardGradients.set(t, i, dz * reverseStates.get(t, i));
                        reverseGradients.set(t, i, dz * forwardStates.get(t, i));
                    }
                }
            }
        }
    }

    /** A copy of {@code matrix} with its rows in reverse order: step order ↔ the reverse direction's order. */
    static DMatrixRMaj reversedRows(DMatrixRMaj matrix) {
        DMatrixRMaj reversed = new DMatrixRMaj(matrix.numRows, matrix.numCols);
        for (int row = 0; row < matrix.numRows; row++) {
            System.arraycopy(matrix.data, row * matrix.numCols, reversed.data, (matrix.numRows - 1 - row) * matrix.numCols, matrix.numCols);
        }
        return reversed;
    }

    /**
     * One layer's forward pass over one sequence.
     *
     * @param forward the forward direction's trajectory, row t for step t
     * @param reverse the reverse direction's, row s for step n−1−s; null for a forward layer
     * @param outputs z_t, one step per row: what the next layer or the head reads
     */
    record LayerTrajectory(CellTrajectory forward, CellTrajectory reverse, DMatrixRMaj outputs) {

        /** The directions' per-step matrices (hidden or cell states) side by side in step order, {@code [n, D·H]}. */
        DMatrixRMaj sideBySide(Function<CellTrajectory, DMatrixRMaj> states) {
            DMatrixRMaj forwardStates = states.apply(forward);
            if (reverse == null) {
                return forwardStates;
            }
            DMatrixRMaj reverseStates = reversedRows(states.apply(reverse));
            DMatrixRMaj both = new DMatrixRMaj(forwardStates.numRows, 2 * forwardStates.numCols);
            CommonOps_DDRM.insert(forwardStates, both, 0, 0);
            CommonOps_DDRM.insert(reverseStates, both, 0, forwardStates.numCols);
            return both;
        }
    }

    /**
     * The forward pass of one sequence through the stack.
     *
     * @param layers each layer's, from the input up
     * @param head   the output layer's outputs, targets and loss terms over the top layer's outputs
     */
    record StackedTrajectory(List<LayerTrajectory> layers, SequenceTrajectory head) {

        LayerTrajectory top() {
            return layers.get(layers.size() - 1);
        }
    }

    /**
     * The top layer's outputs z_t in the place of a cell's hidden states, so that the head reads them as it reads
     * a one-layer network's h_t ({@link SequenceTrajectory#lossHiddenStates}). The layers' own trajectories are
     * what the backward pass steps through; this one has no step-backprop.
     */
    private static final class CombinedOutputs extends CellTrajectory {

        CombinedOutputs(DMatrixRMaj outputs) {
            super(null, null, outputs);
        }

        @Override
        StepBackprop stepBackprop(StepBackpropCounter counter) {
            throw new UnsupportedOperationException("the top layer's combined outputs are stepped through by the layers' own trajectories");
        }
    }
}
