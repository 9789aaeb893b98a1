package org.bptt.reference;

import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.ejml.data.DMatrixRMaj;

/**
 * A recurrent cell with its weights: the part of the network that differs from cell to cell. Its forward pass over
 * one sequence returns a {@link CellTrajectory}, which makes the step-backprop through it; the output layer
 * ({@link OutputLayer}), the loss and the backpropagation algorithms ({@link BpttDriver}) are shared by every cell.
 */
interface RecurrentCell {

    /** The cell {@code spec} names, with a copy of its parameters from {@code parameters}. */
    static RecurrentCell of(ModelSpec spec, Parameters parameters) {
        return switch (spec.cell()) {
            case ELMAN -> new ElmanCell(spec, parameters);
            case GRU -> new GruCell(spec, parameters);
            case LSTM -> new LstmCell(spec, parameters);
        };
    }

    /**
     * Runs the recurrence over every step of one sequence.
     *
     * @param inputs           row t: x_tᵀ, {@code [length, d]}. Not modified; kept by the trajectory.
     * @param initialState     h_{-1}, {@code [H, 1]}. Not modified; kept by the trajectory.
     * @param initialCellState c_{-1}, {@code [H, 1]}, for a cell with a cell state; null otherwise. Not modified;
     *                         kept by the trajectory.
     */
    CellTrajectory forward(DMatrixRMaj inputs, DMatrixRMaj initialState, DMatrixRMaj initialCellState);
}
