package org.bptt.reference;

import org.bptt.api.Batch;
import org.bptt.api.ForwardResult;
import org.bptt.api.Head;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.ejml.data.DMatrixRMaj;

/**
 * The reference's forward pass, shared by every reference algorithm and every cell: the cell's recurrence
 * ({@link RecurrentCell}: {@link ElmanCell}, {@link GruCell} or {@link LstmCell}, whose javadoc has its equations),
 * then the output layer and the loss ({@link OutputLayer}):
 * <pre>
 *   h_t = cell(x_t, h_{t-1})    (an LSTM carries its cell state c_t beside h_t)
 *   o_t = V h_t + c
 *   y_t = softmax(o_t)          (sigmoid(o_t) for {@link Head#LAST_STEP_SIGMOID})
 *   J(t) = −Σ_k y*_k log y_k    (binary cross-entropy for the sigmoid head)
 *   L = Σ_b Σ_t J(b, t) / divisor,   divisor = {@link org.bptt.api.LossReduction#divisor}(B, number of loss terms)
 * </pre>
 * Each sequence runs from h_{-1} (the batch's initial state, or zero) and, for an LSTM, c_{-1} (the batch's initial
 * cell state, or zero) up to its last unmasked step and stops there: padded steps leave the state as it was.
 * Outputs and losses are computed only at steps with a loss term: every step for {@link Head#PER_STEP_SOFTMAX},
 * the last step otherwise.
 *
 * <p>The network copies the parameters on construction; the caller's tensors are never modified.
 */
public final class RecurrentNetwork {

    private final ModelSpec spec;
    private final RecurrentCell cell;
    private final OutputLayer outputLayer;

    /** A network with a copy of {@code parameters}, which must match {@code spec} (see {@link Parameters#validate}). */
    public RecurrentNetwork(ModelSpec spec, Parameters parameters) {
        this(spec, RecurrentCell.of(spec, parameters), new OutputLayer(spec, parameters));
    }

    /** A network of the given cell and output layer (for algorithms that need the cell's own weights). */
    RecurrentNetwork(ModelSpec spec, RecurrentCell cell, OutputLayer outputLayer) {
        this.spec = spec;
        this.cell = cell;
        this.outputLayer = outputLayer;
    }

    public ModelSpec spec() {
        return spec;
    }

    OutputLayer outputLayer() {
        return outputLayer;
    }

    /** The divisor turning Σ J into L for this batch: {@code reduction.divisor(B, batch.lossTerms(head))}. */
    public double divisor(Batch batch) {
        return spec.reduction().divisor(batch.batchSize(), batch.lossTerms(spec.head()));
    }

    /**
     * The forward pass of every sequence of {@code batch}. Hidden states, cell states and outputs at masked steps
     * are zero.
     *
     * @return h_t {@code [B, T, H]}, y_t ({@code [B, T, K]} per step, {@code [B, K]} for last-step heads), L, and
     *         for a cell with a cell state c_t {@code [B, T, H]}
     */
    public ForwardResult forward(Batch batch) {
        int batchSize = batch.batchSize();
        int steps = batch.steps();
        int hiddenSize = spec.hiddenSize();
        int outputSize = spec.outputSize();
        boolean lastStepOnly = spec.head().lastStepOnly();
        Tensor hiddenStates = Tensor.zeros(batchSize, steps, hiddenSize);
        Tensor cellStates = spec.cell().hasCellState() ? Tensor.zeros(batchSize, steps, hiddenSize) : null;
        Tensor outputs = lastStepOnly ? Tensor.zeros(batchSize, outputSize) : Tensor.zeros(batchSize, steps, outputSize);
        double lossSum = 0;
        for (int sequence = 0; sequence < batchSize; sequence++) {
            SequenceTrajectory trajectory = forward(batch, sequence);
            Matrices.copyInto(trajectory.cell.hiddenStates, hiddenStates, hiddenStates.offset(sequence, 0, 0));
            if (cellStates != null) {
                Matrices.copyInto(trajectory.cell.cellStates(), cellStates, cellStates.offset(sequence, 0, 0));
            }
            int offset = lastStepOnly ? outputs.offset(sequence, 0) : outputs.offset(sequence, 0, 0);
            Matrices.copyInto(trajectory.outputs, outputs, offset);
            lossSum += trajectory.lossSum();
        }
        return new ForwardResult(hiddenStates, outputs, lossSum / divisor(batch), cellStates);
    }

    /** The forward pass of one sequence of {@code batch}, keeping everything the backward pass needs. */
    SequenceTrajectory forward(Batch batch, int sequence) {
        int hiddenSize = spec.hiddenSize();
        int length = batch.length(sequence);
        int firstLossStep = spec.head().lastStepOnly() ? length - 1 : 0;
        DMatrixRMaj initialState = batch.initialState() == null
                ? new DMatrixRMaj(hiddenSize, 1)
                : Matrices.column(batch.initialState(), batch.initialState().offset(sequence, 0), hiddenSize);
        DMatrixRMaj initialCellState = !spec.cell().hasCellState() ? null
                : batch.initialCellState() == null ? new DMatrixRMaj(hiddenSize, 1)
                : Matrices.column(batch.initialCellState(), batch.initialCellState().offset(sequence, 0), hiddenSize);
        DMatrixRMaj inputs = Matrices.rows(batch.inputs(), batch.inputs().offset(sequence, 0, 0), length, spec.inputSize());

        CellTrajectory cellTrajectory = cell.forward(inputs, initialState, initialCellState);     // h_t (and c_t)

        DMatrixRMaj targets = targets(batch, sequence, firstLossStep, length);
        DMatrixRMaj outputs = new DMatrixRMaj(length - firstLossStep, spec.outputSize());
        double[] lossTerms = new double[length];
        SequenceTrajectory trajectory = new SequenceTrajectory(firstLossStep, cellTrajectory, outputs, targets, lossTerms);
        outputLayer.forward(trajectory.lossHiddenStates(), firstLossStep, targets, outputs, lossTerms);  // y_t, J(t)
        return trajectory;
    }

    /** The targets of the loss steps firstLossStep … length−1 of one sequence, one per row. */
    private DMatrixRMaj targets(Batch batch, int sequence, int firstLossStep, int length) {
        Tensor targets = batch.targets();
        int offset = spec.head().lastStepOnly() ? targets.offset(sequence, 0) : targets.offset(sequence, firstLossStep, 0);
        return Matrices.rows(targets, offset, length - firstLossStep, spec.outputSize());
    }
}
