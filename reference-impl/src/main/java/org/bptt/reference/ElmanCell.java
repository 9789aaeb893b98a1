package org.bptt.reference;

import org.bptt.api.Activation;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The Elman cell (Elman 1990):
 * <pre>
 *   a_t = U x_t + W h_{t-1} + b
 *   h_t = f(a_t)
 * </pre>
 * The input products U x_t do not depend on the recurrence and are done for every step at once (one matrix product
 * over the steps); the recurrence runs step by step. The pre-activations a_t are not kept: every activation's
 * derivative f'(a_t) is a function of h_t ({@link Activation#derivativeFromOutput}). The step-backprop is
 * {@link ElmanStepBackprop}.
 *
 * <p>The cell copies its parameters on construction; the caller's tensors are never modified.
 */
final class ElmanCell implements RecurrentCell {

    final Activation activation;
    /** The equations' parameters as EJML matrices; b is a zero column when the spec has no biases. */
    final DMatrixRMaj U;
    final DMatrixRMaj W;
    final DMatrixRMaj b;

    ElmanCell(ModelSpec spec, Parameters parameters) {
        this.activation = spec.activation();
        this.U = Matrices.matrix(parameters.get(ParameterNames.U));
        this.W = Matrices.matrix(parameters.get(ParameterNames.W));
        this.b = Matrices.columnOrZeros(parameters.get(ParameterNames.B), spec.hiddenSize());
    }

    @Override
    public Trajectory forward(DMatrixRMaj inputs, DMatrixRMaj initialState, DMatrixRMaj initialCellState) {
        int length = inputs.numRows;
        int hiddenSize = W.numRows;
        DMatrixRMaj inputProjections = new DMatrixRMaj(length, hiddenSize);
        CommonOps_DDRM.multTransB(inputs, U, inputProjections);                      // row t: (U x_t)ᵀ, every step at once
        DMatrixRMaj hiddenStates = new DMatrixRMaj(length, hiddenSize);
        DMatrixRMaj preActivation = new DMatrixRMaj(hiddenSize, 1);                  // a_t, a workspace reused at every step
        DMatrixRMaj hiddenState = new DMatrixRMaj(hiddenSize, 1);                    // h_t, likewise
        DMatrixRMaj previousHiddenState = initialState.copy();                       // h_{t-1}
        for (int t = 0; t < length; t++) {
            Matrices.getRow(inputProjections, t, preActivation);                     // a_t = U x_t
            CommonOps_DDRM.multAdd(W, previousHiddenState, preActivation);           //     + W h_{t-1}
            CommonOps_DDRM.addEquals(preActivation, b);                              //     + b
            Matrices.apply(activation, preActivation, hiddenState);                  // h_t = f(a_t)
            Matrices.setRow(hiddenStates, t, hiddenState);
            previousHiddenState.setTo(hiddenState);
        }
        return new Trajectory(inputs, initialState, hiddenStates);
    }

    /** The Elman cell keeps nothing beyond x_t and h_t. */
    final class Trajectory extends CellTrajectory {

        Trajectory(DMatrixRMaj inputs, DMatrixRMaj initialState, DMatrixRMaj hiddenStates) {
            super(inputs, initialState, hiddenStates);
        }

        @Override
        StepBackprop stepBackprop(StepBackpropCounter counter) {
            return new ElmanStepBackprop(ElmanCell.this, this, counter);
        }
    }
}
