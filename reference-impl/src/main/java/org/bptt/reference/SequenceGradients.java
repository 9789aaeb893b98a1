package org.bptt.reference;

import org.bptt.api.Tensor;
import org.ejml.data.DMatrixRMaj;

/**
 * The per-step gradients of one sequence, accumulated by a backward pass: dL/dx_t, dL/dh_t (the total gradient
 * reaching h_t, from its own loss and from the future) and dL/dh_{-1}. O(T·H) memory.
 */
final class SequenceGradients {

    /** dL/dx_t, {@code [d, 1]} each. */
    final DMatrixRMaj[] inputGradients;
    /** dL/dh_t, {@code [H, 1]} each. */
    final DMatrixRMaj[] hiddenStateGradients;
    /** dL/dh_{-1}, {@code [H, 1]}. */
    final DMatrixRMaj initialStateGradient;

    /** Zero gradients for a sequence of {@code length} steps. */
    SequenceGradients(int length, int inputSize, int hiddenSize) {
        inputGradients = new DMatrixRMaj[length];
        hiddenStateGradients = new DMatrixRMaj[length];
        for (int t = 0; t < length; t++) {
            inputGradients[t] = new DMatrixRMaj(inputSize, 1);
            hiddenStateGradients[t] = new DMatrixRMaj(hiddenSize, 1);
        }
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
        for (int t = 0; t < this.inputGradients.length; t++) {
            Matrices.copyInto(this.inputGradients[t], inputGradients, inputGradients.offset(sequence, t, 0));
            Matrices.copyInto(this.hiddenStateGradients[t], hiddenStateGradients, hiddenStateGradients.offset(sequence, t, 0));
        }
        Matrices.copyInto(initialStateGradient, initialStateGradients, initialStateGradients.offset(sequence, 0));
    }
}
