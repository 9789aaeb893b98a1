package org.bptt.reference;

import org.ejml.data.DMatrixRMaj;

/**
 * What a cell's forward pass over one sequence keeps for the backward pass, one step per row (row t of a matrix
 * over steps is the step-t vector, transposed): the inputs, the initial state and the hidden states here, and in
 * each cell's subclass whatever its step-backprop needs besides (gate activations, an LSTM's cell states). The
 * trajectory makes the step-backprop through itself ({@link #stepBackprop}).
 */
abstract class CellTrajectory {

    /** Row t: x_tᵀ, {@code [length, d]}. */
    final DMatrixRMaj inputs;
    /** h_{-1}, {@code [H, 1]}. */
    final DMatrixRMaj initialState;
    /** Row t: h_tᵀ, {@code [length, H]}. */
    final DMatrixRMaj hiddenStates;

    CellTrajectory(DMatrixRMaj inputs, DMatrixRMaj initialState, DMatrixRMaj hiddenStates) {
        this.inputs = inputs;
        this.initialState = initialState;
        this.hiddenStates = hiddenStates;
    }

    /** The number of steps. */
    int length() {
        return hiddenStates.numRows;
    }

    /** Row t: c_tᵀ, {@code [length, H]}, for a cell with a cell state; null otherwise. */
    DMatrixRMaj cellStates() {
        return null;
    }

    /**
     * A step-backprop through this trajectory, with its workspaces allocated now (once per sequence).
     *
     * @param counter counts the step-backprops it makes. Modified by them.
     */
    abstract StepBackprop stepBackprop(StepBackpropCounter counter);

    /** x_t as a new column vector. */
    DMatrixRMaj input(int t) {
        return Matrices.row(inputs, t);
    }

    /** h_t as a new column vector. */
    DMatrixRMaj hiddenState(int t) {
        return Matrices.row(hiddenStates, t);
    }

    /** h_{t-1} as a new column vector (h_{-1} for t = 0). */
    DMatrixRMaj previousHiddenState(int t) {
        return t == 0 ? initialState.copy() : hiddenState(t - 1);
    }

    /** target = h_{t-1}: row t−1 of the hidden states, or h_{-1} for t = 0. Modified: target. */
    void previousHiddenState(int t, DMatrixRMaj target) {
        if (t == 0) {
            target.setTo(initialState);
        } else {
            Matrices.getRow(hiddenStates, t - 1, target);
        }
    }
}
