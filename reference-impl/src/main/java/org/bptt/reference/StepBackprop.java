package org.bptt.reference;

import org.bptt.api.Activation;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The chain rule through one step of the Elman RNN, shared by every backpropagation algorithm of this package (the
 * aggregated, the naive and the truncated BPTT all call exactly these two methods; they differ only in which
 * gradient they feed in and how often).
 *
 * <p>{@link #outputStep} is the output layer of a step with a loss term; {@link #hiddenStep} is one
 * <em>step-backprop</em>: from the gradient reaching h_k to the parameters, x_k and h_{k-1}. Its workspaces are
 * allocated once, when the object is made (once per sequence); the two methods allocate nothing.
 */
final class StepBackprop {

    private final ElmanRnn model;
    private final Activation activation;
    private final double divisor;
    private final StepBackpropCounter counter;

    /** ∂L/∂o_t, {@code [K, 1]}: workspace of {@link #outputStep}. */
    private final DMatrixRMaj outputGradient;
    /** ∂L/∂a_k, {@code [H, 1]}: workspace of {@link #hiddenStep}. */
    private final DMatrixRMaj preActivationGradient;

    /**
     * @param divisor the loss reduction's divisor: every gradient is of L = Σ J / divisor
     * @param counter counts {@link #hiddenStep} calls
     */
    StepBackprop(ElmanRnn model, double divisor, StepBackpropCounter counter) {
        this.model = model;
        this.activation = model.spec().activation();
        this.divisor = divisor;
        this.counter = counter;
        this.outputGradient = new DMatrixRMaj(model.spec().outputSize(), 1);
        this.preActivationGradient = new DMatrixRMaj(model.spec().hiddenSize(), 1);
    }

    /**
     * The output layer of loss step t, for both heads (softmax with cross-entropy and sigmoid with binary
     * cross-entropy both have dJ/do = y − y*):
     * <pre>
     *   outputGradient = (y_t − target_t) / divisor
     *   dV += outputGradient h_tᵀ
     *   dc += outputGradient
     *   hiddenGradient += Vᵀ outputGradient
     * </pre>
     *
     * @param sequence       Not modified.
     * @param gradients      Modified: dV and dc.
     * @param hiddenGradient Modified: gains ∂(J(t)/divisor)/∂h_t.
     */
    void outputStep(SequenceTrajectory sequence, int t, ParameterGradients gradients, DMatrixRMaj hiddenGradient) {
        CommonOps_DDRM.subtract(sequence.outputs[t], sequence.targets[t], outputGradient);   // outputGradient = y_t − target_t
        CommonOps_DDRM.divide(outputGradient, divisor);                                     //                 / divisor
        CommonOps_DDRM.multAddTransB(outputGradient, sequence.hiddenStates[t], gradients.dV); // dV += outputGradient h_tᵀ
        CommonOps_DDRM.addEquals(gradients.dc, outputGradient);                             // dc += outputGradient
        CommonOps_DDRM.multAddTransA(model.V, outputGradient, hiddenGradient);              // hiddenGradient += Vᵀ outputGradient
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
     *
     * @param sequence                 Not modified.
     * @param hiddenGradient           the gradient reaching h_k. Not modified.
     * @param gradients                Modified: dU, dW and db.
     * @param inputGradient            dL/dx_k. Modified: gains Uᵀ preActivationGradient.
     * @param hiddenGradientToPrevious Modified: set to the gradient this passes on to h_{k-1}. Must not be
     *                                 {@code hiddenGradient}.
     */
    void hiddenStep(SequenceTrajectory sequence, int k, DMatrixRMaj hiddenGradient, ParameterGradients gradients,
                    DMatrixRMaj inputGradient, DMatrixRMaj hiddenGradientToPrevious) {
        counter.increment();
        activationDerivative(sequence.hiddenStates[k], preActivationGradient);                 // preActivationGradient = f'(a_k)
        CommonOps_DDRM.elementMult(preActivationGradient, hiddenGradient);                     //     ⊙ hiddenGradient
        CommonOps_DDRM.multAddTransB(preActivationGradient, sequence.inputs[k], gradients.dU); // dU += preActivationGradient x_kᵀ
        CommonOps_DDRM.multAddTransB(preActivationGradient, sequence.previousHiddenState(k), gradients.dW); // dW += … h_{k-1}ᵀ
        CommonOps_DDRM.addEquals(gradients.db, preActivationGradient);                         // db += preActivationGradient
        CommonOps_DDRM.multAddTransA(model.U, preActivationGradient, inputGradient);           // inputGradient_k += Uᵀ preActivationGradient
        CommonOps_DDRM.multTransA(model.W, preActivationGradient, hiddenGradientToPrevious);   // hiddenGradientToPrevious = Wᵀ preActivationGradient
    }

    /** derivative = f'(a_k), elementwise, from h_k = f(a_k). Modified: derivative. Not modified: hiddenState. */
    private void activationDerivative(DMatrixRMaj hiddenState, DMatrixRMaj derivative) {
        for (int i = 0; i < hiddenState.getNumElements(); i++) {
            derivative.data[i] = activation.derivativeFromOutput(hiddenState.data[i]);
        }
    }
}
