package org.bptt.reference;

import org.bptt.api.Tensor;
import org.ejml.data.DMatrixRMaj;

/**
 * The per-step gradients of one sequence, accumulated by a backward pass, one step per row: dL/dx_t, dL/dh_t (the
 * total gradient reaching h_t, from its own loss and from the future), and dL/dh_{-1}. O(T·(d + H)) memory.
 */
final class SequenceGradients {

    /** Row t: dL/dx_tᵀ, {@code [length, d]}. */
    final DMatrixRMaj inputGradients;
    /** Row t: dL/dh_tᵀ, {@code [length, H]}. */
    final DMatrixRMaj hiddenStateGradients;
    /** dL/dh_{-1}, {@code [H, 1]}. */
    final DMatrixRMaj initialStateGradient;

    /** Zero gradients for a sequence of {@code length} steps. */
    SequenceGradients(int length, int inputSize, int hiddenSize) {
        inputGradients = new DMatrixRMaj(length, inputSize);
        hiddenStateGradients = new DMatrixRMaj(length, hiddenSize);
        initialStateGradient = new DMatrixRMaj(hiddenSize, 1);
    }

    /**
     * Copies these gradients into row {@code sequence} of the batch tensors. Steps past the sequence's end are left
     * as they are (zero). Modified: the three tensors.
     *
     * @param inputGradients        dL/dx, {@code [B, T, d]}
     * @param hiddenStateGradients  dL/dh, {@code [B, T, H]}
     * @param initialStateGradients dL/dh_{-1}, {@code [B, H]}
     */
    void copyInto(int sequence, Tensor inputGradients, Tensor hiddenStateGradients, Tensor initialStateGradients) {
        Matrices.copyInto(this.inputGradients, inputGradients, inputGradients.offset(sequence, 0, 0));
        Matrices.copyInto(this.hiddenStateGradients, hiddenStateGradients, hiddenStateGradients.offset(sequence, 0, 0));
        Matrices.copyInto(initialStateGradient, initialStateGradients, initialStateGradients.offset(sequence, 0));
    }
}
