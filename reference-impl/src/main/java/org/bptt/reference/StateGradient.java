package org.bptt.reference;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The gradient reaching a cell's state at one step: dL/dh, and for a cell with a cell state (the LSTM) dL/dc. A
 * workspace of the backpropagation algorithms, allocated once per sequence.
 */
final class StateGradient {

    /** dL/dh, {@code [H, 1]}. */
    final DMatrixRMaj hidden;
    /** dL/dc, {@code [H, 1]}, for a cell with a cell state; null otherwise. */
    final DMatrixRMaj cell;

    /** A zero gradient. */
    StateGradient(int hiddenSize, boolean hasCellState) {
        hidden = new DMatrixRMaj(hiddenSize, 1);
        cell = hasCellState ? new DMatrixRMaj(hiddenSize, 1) : null;
    }

    /** Sets every element to zero. Modified: this. */
    void zero() {
        hidden.zero();
        if (cell != null) {
            cell.zero();
        }
    }

    /** this = other. Modified: this. Not modified: other. */
    void setTo(StateGradient other) {
        hidden.setTo(other.hidden);
        if (cell != null) {
            cell.setTo(other.cell);
        }
    }

    /** initialState += hidden and initialCellState += cell. Modified: the two targets. Not modified: this. */
    void addTo(DMatrixRMaj initialState, DMatrixRMaj initialCellState) {
        CommonOps_DDRM.addEquals(initialState, hidden);
        if (cell != null) {
            CommonOps_DDRM.addEquals(initialCellState, cell);
        }
    }
}
