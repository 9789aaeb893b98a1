package org.bptt.reference;

import org.bptt.api.Activation;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.mult.VectorVectorMult_DDRM;

/**
 * The chain rule through the Elman RNN, shared by every backpropagation algorithm of this package (the aggregated,
 * the naive and the truncated BPTT all call exactly these two methods; they differ only in which gradient they feed
 * {@link #hiddenStep} and how often).
 *
 * <p>{@link #outputLayer} is the output layer of every loss step; it does not depend on the recurrence, so it is
 * done for all steps at once, as matrix products over steps (row t of a matrix over steps is the step-t vector,
 * transposed), before any step-backprop. {@link #hiddenStep} is one <em>step-backprop</em>: from the gradient
 * reaching h_k to the parameters, x_k and h_{k-1}. Its workspaces are allocated once, when the object is made (once
 * per sequence); it allocates nothing.
 */
final class StepBackprop {

    private final ElmanRnn model;
    private final Activation activation;
    private final double divisor;
    private final StepBackpropCounter counter;

    /** ∂L/∂a_k, {@code [H, 1]}: workspace of {@link #hiddenStep}. */
    private final DMatrixRMaj preActivationGradient;
    /** x_k, {@code [d, 1]}: workspace of {@link #hiddenStep}. */
    private final DMatrixRMaj input;
    /** h_{k-1}, {@code [H, 1]}: workspace of {@link #hiddenStep}. */
    private final DMatrixRMaj previousHiddenState;
    /** Uᵀ ∂L/∂a_k, {@code [d, 1]}: workspace of {@link #hiddenStep}. */
    private final DMatrixRMaj inputGradient;

    /**
     * @param divisor the loss reduction's divisor: every gradient is of L = Σ J / divisor
     * @param counter counts {@link #hiddenStep} calls
     */
    StepBackprop(ElmanRnn model, double divisor, StepBackpropCounter counter) {
        this.model = model;
        this.activation = model.spec().activation();
        this.divisor = divisor;
        this.counter = counter;
        this.preActivationGradient = new DMatrixRMaj(model.spec().hiddenSize(), 1);
        this.input = new DMatrixRMaj(model.spec().inputSize(), 1);
        this.previousHiddenState = new DMatrixRMaj(model.spec().hiddenSize(), 1);
        this.inputGradient = new DMatrixRMaj(model.spec().inputSize(), 1);
    }

    /**
     * The output layer of the loss steps whose {@code used} flag is set (all of them in full BPTT; truncation can
     * drop some), for both heads (softmax with cross-entropy and sigmoid with binary cross-entropy both have
     * dJ/do = y − y*). With G the matrix whose row for loss step t is outputGradient_tᵀ (zero for unused steps):
     * <pre>
     *   outputGradient_t = (y_t − target_t) / divisor
     *   dV += Gᵀ H_loss                      (= Σ_t outputGradient_t h_tᵀ)
     *   dc += Σ_t outputGradient_t
     *   outputHiddenGradients = G V          (row: (Vᵀ outputGradient_t)ᵀ, the gradient J(t) sends to h_t)
     * </pre>
     *
     * @param sequence  Not modified.
     * @param used      per step: whether its loss term is backpropagated. Not modified.
     * @param gradients Modified: dV and dc.
     * @return outputHiddenGradients, {@code [loss steps, H]}: row {@link SequenceTrajectory#lossRow}(t) is
     *         ∂(J(t)/divisor)/∂h_t through the output layer (zero for unused steps)
     */
    DMatrixRMaj outputLayer(SequenceTrajectory sequence, boolean[] used, ParameterGradients gradients) {
        DMatrixRMaj outputGradients = new DMatrixRMaj(sequence.lossSteps(), model.spec().outputSize());
        CommonOps_DDRM.subtract(sequence.outputs, sequence.targets, outputGradients);   // outputGradient_t = y_t − target_t
        CommonOps_DDRM.divide(outputGradients, divisor);                                 //                   / divisor
        for (int t = sequence.firstLossStep; t < sequence.length; t++) {
            if (!used[t]) {
                zeroRow(outputGradients, sequence.lossRow(t));                          // a loss truncation drops
            }
        }
        DMatrixRMaj lossHiddenStates = CommonOps_DDRM.extract(sequence.hiddenStates, sequence.firstLossStep,
                sequence.length, 0, sequence.hiddenStates.numCols);
        CommonOps_DDRM.multAddTransA(outputGradients, lossHiddenStates, gradients.dV);  // dV += Gᵀ H_loss
        Matrices.addRowSums(outputGradients, gradients.dc);                              // dc += Σ_t outputGradient_t
        DMatrixRMaj outputHiddenGradients = new DMatrixRMaj(sequence.lossSteps(), model.spec().hiddenSize());
        CommonOps_DDRM.mult(outputGradients, model.V, outputHiddenGradients);           // row: (Vᵀ outputGradient_t)ᵀ
        return outputHiddenGradients;
    }

    /**
     * One step-backprop through the recurrence at step k, given the gradient reaching h_k:
     * <pre>
     *   preActivationGradient = f'(a_k) ⊙ hiddenGradient
     *   dU += preActivationGradient x_kᵀ
     *   dW += preActivationGradient h_{k-1}ᵀ
     *   db += preActivationGradient
     *   inputGradient_k += Uᵀ preActivationGradient
     *   hiddenGradientToPrevious = Wᵀ preActivationGradient
     * </pre>
     * (The outer products use EJML's {@code addOuterProd}, a plain loop over A's rows written for exactly this
     * product, rather than the general {@code multAddTransB} of a column by a row; the measured difference is in
     * benchmarks/README.md.)
     *
     * @param sequence                 Not modified.
     * @param hiddenGradient           the gradient reaching h_k. Not modified.
     * @param gradients                Modified: dU, dW and db.
     * @param inputGradients           dL/dx, one step per row ({@code [length, d]}). Modified: row k gains
     *                                 (Uᵀ preActivationGradient)ᵀ.
     * @param hiddenGradientToPrevious Modified: set to the gradient this passes on to h_{k-1}. Must not be
     *                                 {@code hiddenGradient}.
     */
    void hiddenStep(SequenceTrajectory sequence, int k, DMatrixRMaj hiddenGradient, ParameterGradients gradients,
                    DMatrixRMaj inputGradients, DMatrixRMaj hiddenGradientToPrevious) {
        counter.increment();
        Matrices.getRow(sequence.inputs, k, input);                                              // x_k
        previousHiddenState(sequence, k, previousHiddenState);                                   // h_{k-1}
        activationDerivative(sequence.hiddenStates, k, preActivationGradient);                   // preActivationGradient = f'(a_k)
        CommonOps_DDRM.elementMult(preActivationGradient, hiddenGradient);                       //     ⊙ hiddenGradient
        VectorVectorMult_DDRM.addOuterProd(1.0, preActivationGradient, input, gradients.dU);     // dU += preActivationGradient x_kᵀ
        VectorVectorMult_DDRM.addOuterProd(1.0, preActivationGradient, previousHiddenState, gradients.dW); // dW += … h_{k-1}ᵀ
        CommonOps_DDRM.addEquals(gradients.db, preActivationGradient);                           // db += preActivationGradient
        CommonOps_DDRM.multTransA(model.U, preActivationGradient, inputGradient);                // inputGradient_k += Uᵀ preActivationGradient
        Matrices.addToRow(inputGradients, k, inputGradient);
        CommonOps_DDRM.multTransA(model.W, preActivationGradient, hiddenGradientToPrevious);     // hiddenGradientToPrevious = Wᵀ preActivationGradient
    }

    /** target = h_{k-1}: row k−1 of the hidden states, or h_{-1} for k = 0. Modified: target. */
    private static void previousHiddenState(SequenceTrajectory sequence, int k, DMatrixRMaj target) {
        if (k == 0) {
            target.setTo(sequence.initialState);
        } else {
            Matrices.getRow(sequence.hiddenStates, k - 1, target);
        }
    }

    /** derivative = f'(a_k), elementwise, from h_k = f(a_k) (row k of hiddenStates). Modified: derivative. */
    private void activationDerivative(DMatrixRMaj hiddenStates, int k, DMatrixRMaj derivative) {
        int offset = k * hiddenStates.numCols;
        for (int i = 0; i < hiddenStates.numCols; i++) {
            derivative.data[i] = activation.derivativeFromOutput(hiddenStates.data[offset + i]);
        }
    }

    private static void zeroRow(DMatrixRMaj matrix, int row) {
        java.util.Arrays.fill(matrix.data, row * matrix.numCols, (row + 1) * matrix.numCols, 0.0);
    }
}
