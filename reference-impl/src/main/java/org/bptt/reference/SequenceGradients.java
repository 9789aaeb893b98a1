package org.bptt.reference;

import org.bptt.api.Tensor;
import org.ejml.data.DMatrixRMaj;

/**
 * The per-step gradients of one sequence, accumulated by a backward pass, one step per row: dL/dx_t, dL/dh_t (the
 * total gradient reaching h_t, from its own loss and from the future), dL/dh_{-1}, and for a cell with a cell state
 * dL/dc_{-1}. O(T·(d + H)) memory.
 */
final class SequenceGradients {

    /** Row t: dL/dx_tᵀ, {@code [length, d]}. */
    final DMatrixRMaj inputGradients;
    /** Row t: dL/dh_tᵀ, {@code [length, H]}. */
    final DMatrixRMaj hiddenStateGradients;
    /** dL/dh_{-1}, {@code [H, 1]}. */
    final DMatrixRMaj initialStateGradient;
    /** dL/dc_{-1}, {@code [H, 1]}, for a cell with a cell state; null otherwise. */
    final DMatrixRMaj initialCellStateGradient;

    /** Zero gradients for a sequence of {@code length} steps. */
    SequenceGradients(int length, int inputSize, int hiddenSize, boolean hasCellState) {
        inputGradients = new DMatrixRMaj(length, inputSize);
        hiddenStateGradients = new DMatrixRMaj(length, hiddenSize);
        initialStateGradient = new DMatrixRMaj(hiddenSize, 1);
        initialCellStateGradient = hasCellState ? new DMatrixRMaj(hiddenSize, 1) : null;
    }

    /**
     * dL/dh_{-1} (and dL/dc_{-1}) += what a backward pass sends to the initial state. Modified: this. Not modified:
     * gradient.
     */
    void addToInitialState(StateGradient gradient) {
        gradient.addTo(initialStateGradient, initialCellStateGradient);
    }

    /**
     * Copies these gradients into row {@code sequence} of the batch tensors. Steps past the sequence's end are left
     * as they are (zero). Modified: the tensors.
     *
     * @param inputGradients            dL/dx, {@code [B, T, d]}
     * @param hiddenStateGradients      dL/dh, {@code [B, T, H]}
     * @param initialStateGradients     dL/dh_{-1}, {@code [B, H]}
     * @param initialCellStateGradients dL/dc_{-1}, {@code [B, H]}, for a cell with a cell state; null otherwise
     */
    void copyInto(int sequence, Tensor inputGradients, Tensor hiddenStateGradients, Tensor initialStateGradients,
                  Tensor initialCellStateGradients) {
        Matrices.copyInto(this.inputGradients, inputGradients, inputGradients.offset(sequence, 0, 0));
        Matrices.copyInto(this.hiddenStateGradients, hiddenStateGradients, hiddenStateGradients.offset(sequence, 0, 0));
        Matrices.copyInto(initialStateGradient, initialStateGradients, initialStateGradients.offset(sequence, 0));
        if (initialCellStateGradient != null) {
            Matrices.copyInto(initialCellStateGradient, initialCellStateGradients, initialCellStateGradients.offset(sequence, 0));
        }
    }
}
