package org.bptt.reference;

import org.bptt.api.Batch;

/**
 * One sequence's arrays in {@link FastAggregatedBptt}, sized for its length, one step per row, and what its forward
 * pass found. The cell's {@link FastRecurrence} fills the states and gates, the output layer the outputs.
 */
final class FastSequence {

    /** The sequence's index in its batch. */
    final int sequence;
    final int length;
    /** The first step with a loss term: 0, or the last step for a last-step head. */
    final int firstLossStep;
    /** h_{-1} {@code [H]}: the batch's, or zeros. */
    final double[] initialState;
    /** c_{-1} {@code [H]} for a cell with a cell state (the batch's, or zeros); null otherwise. */
    final double[] initialCellState;
    /** h_t {@code [length, H]}. */
    final double[] hiddenStates;
    /** c_t {@code [length, H]} for a cell with a cell state; null otherwise. */
    final double[] cellStates;
    /**
     * G values a step ({@link FastRecurrence#gateWidth}): x_t Uᵀ, then what the cell keeps of the step (the LSTM's
     * gate values).
     */
    final double[] gates;
    /** The outputs of the loss steps {@code [length − firstLossStep, K]}: y_t, then (y_t − y*_t)/divisor. */
    final double[] outputs;
    /** The gradients the outputs send to h_t, one row per loss step. */
    final double[] outputHiddenGradients;
    /** The gradients of the pre-activations, δ_t = ∂L/∂z_t, G values a step. */
    final double[] preActivationGradients;
    /** For a cell with a cell state, the gradient reaching c_t from step t+1 while the backward pass runs; null otherwise. */
    final double[] cellGradient;
    /** Σ_t J(t) of the sequence, set by its forward pass. */
    double lossSum;

    FastSequence(Batch batch, int sequence, int outputSize, boolean lastStepOnly, FastRecurrence recurrence) {
        this.sequence = sequence;
        int hiddenSize = recurrence.hiddenSize;
        length = batch.length(sequence);
        firstLossStep = lastStepOnly ? length - 1 : 0;
        int gateWidth = recurrence.gateWidth;
        initialState = new double[hiddenSize];
        if (batch.initialState() != null) {
            System.arraycopy(batch.initialState().data(), batch.initialState().offset(sequence, 0), initialState, 0,
                    hiddenSize);
        }
        hiddenStates = new double[length * hiddenSize];
        if (recurrence.hasCellState()) {
            initialCellState = new double[hiddenSize];
            if (batch.initialCellState() != null) {
                System.arraycopy(batch.initialCellState().data(), batch.initialCellState().offset(sequence, 0),
                        initialCellState, 0, hiddenSize);
            }
            cellStates = new double[length * hiddenSize];
            cellGradient = new double[hiddenSize];
        } else {
            initialCellState = null;
            cellStates = null;
            cellGradient = null;
        }
        gates = new double[length * gateWidth];
        outputs = new double[(length - firstLossStep) * outputSize];
        outputHiddenGradients = new double[(length - firstLossStep) * hiddenSize];
        preActivationGradients = new double[length * gateWidth];
    }
}
