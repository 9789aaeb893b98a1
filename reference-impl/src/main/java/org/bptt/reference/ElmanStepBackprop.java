package org.bptt.reference;

import static org.bptt.api.ParameterNames.B;
import static org.bptt.api.ParameterNames.U;
import static org.bptt.api.ParameterNames.W;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.mult.VectorVectorMult_DDRM;

/**
 * The step-backprop of the Elman cell ({@link ElmanCell}): from the gradient reaching h_k to U, W, b, x_k and
 * h_{k-1},
 * <pre>
 *   preActivationGradient = f'(a_k) ⊙ hiddenGradient
 *   dU += preActivationGradient x_kᵀ
 *   dW += preActivationGradient h_{k-1}ᵀ
 *   db += preActivationGradient
 *   inputGradient_k += Uᵀ preActivationGradient
 *   hiddenGradientToPrevious = Wᵀ preActivationGradient
 * </pre>
 * (The outer products use EJML's {@code addOuterProd}, a plain loop over A's rows written for exactly this product,
 * rather than the general {@code multAddTransB} of a column by a row; the measured difference is in
 * benchmarks/README.md.) Its workspaces are allocated once, when it is made (once per
 * sequence); it allocates nothing.
 */
final class ElmanStepBackprop implements StepBackprop {

    private final ElmanCell cell;
    private final CellTrajectory sequence;
    private final StepBackpropCounter counter;

    /** ∂L/∂a_k, {@code [H, 1]}. */
    private final DMatrixRMaj preActivationGradient;
    /** x_k, {@code [d, 1]}. */
    private final DMatrixRMaj input;
    /** h_{k-1}, {@code [H, 1]}. */
    private final DMatrixRMaj previousHiddenState;
    /** Uᵀ ∂L/∂a_k, {@code [d, 1]}. */
    private final DMatrixRMaj inputGradient;

    /**
     * @param sequence Not modified.
     * @param counter  counts {@link #backward} calls
     */
    ElmanStepBackprop(ElmanCell cell, CellTrajectory sequence, StepBackpropCounter counter) {
        this.cell = cell;
        this.sequence = sequence;
        this.counter = counter;
        int hiddenSize = cell.W.numRows;
        int inputSize = cell.U.numCols;
        this.preActivationGradient = new DMatrixRMaj(hiddenSize, 1);
        this.input = new DMatrixRMaj(inputSize, 1);
        this.previousHiddenState = new DMatrixRMaj(hiddenSize, 1);
        this.inputGradient = new DMatrixRMaj(inputSize, 1);
    }

    /**
     * {@inheritDoc} Reads {@code stateGradient.hidden}, the gradient reaching h_k, and sets
     * {@code toPrevious.hidden}.
     */
    @Override
    public void backward(int k, StateGradient stateGradient, ParameterGradients gradients, DMatrixRMaj inputGradients,
                         StateGradient toPrevious) {
        counter.increment();
        DMatrixRMaj hiddenGradient = stateGradient.hidden;
        DMatrixRMaj hiddenGradientToPrevious = toPrevious.hidden;
        Matrices.getRow(sequence.inputs, k, input);                                              // x_k
        sequence.previousHiddenState(k, previousHiddenState);                                    // h_{k-1}
        activationDerivative(k, preActivationGradient);                                          // preActivationGradient = f'(a_k)
        CommonOps_DDRM.elementMult(preActivationGradient, hiddenGradient);                       //     ⊙ hiddenGradient
        VectorVectorMult_DDRM.addOuterProd(1.0, preActivationGradient, input, gradients.get(U)); // dU += preActivationGradient x_kᵀ
        VectorVectorMult_DDRM.addOuterProd(1.0, preActivationGradient, previousHiddenState, gradients.get(W)); // dW += … h_{k-1}ᵀ
        CommonOps_DDRM.addEquals(gradients.get(B), preActivationGradient);                       // db += preActivationGradient
        CommonOps_DDRM.multTransA(cell.U, preActivationGradient, inputGradient);                 // inputGradient_k += Uᵀ preActivationGradient
        Matrices.addToRow(inputGradients, k, inputGradient);
        CommonOps_DDRM.multTransA(cell.W, preActivationGradient, hiddenGradientToPrevious);      // hiddenGradientToPrevious = Wᵀ preActivationGradient
    }

    /** derivative = f'(a_k), elementwise, from h_k = f(a_k) (row k of the hidden states). Modified: derivative. */
    private void activationDerivative(int k, DMatrixRMaj derivative) {
        DMatrixRMaj hiddenStates = sequence.hiddenStates;
        int offset = k * hiddenStates.numCols;
        for (int i = 0; i < hiddenStates.numCols; i++) {
            derivative.data[i] = cell.activation.derivativeFromOutput(hiddenStates.data[offset + i]);
        }
    }
}
