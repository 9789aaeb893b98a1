package org.bptt.reference;

import org.bptt.api.Activation;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.ResetPlacement;
import org.ejml.data.DMatrixRMaj;

/**
 * The gated recurrent unit (Cho et al. 2014), with the reset gate before or after the recurrent product
 * ({@link ResetPlacement}):
 * <pre>
 *   r_t = σ(U_r x_t + b_r + W_r h_{t-1} + b_hr)                    resetGate
 *   z_t = σ(U_z x_t + b_z + W_z h_{t-1} + b_hz)                    updateGate
 *   n_t = tanh(U_n x_t + b_n + W_n (r_t ⊙ h_{t-1}) + b_hn)         candidate, reset BEFORE the product
 *   n_t = tanh(U_n x_t + b_n + r_t ⊙ (W_n h_{t-1} + b_hn))         candidate, reset AFTER the product
 *   h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t-1}
 * </pre>
 * The recurrent-side biases b_h* exist only with two bias vectors per gate, and no bias without biases; an absent
 * one is zero here ({@link GateWeights}). The trajectory keeps r_t, z_t, n_t and, with the reset after the product,
 * the recurrent product W_n h_{t-1} + b_hn that r_t scales. The step-backprop is {@link GruStepBackprop}.
 *
 * <p>The cell copies its parameters on construction; the caller's tensors are never modified.
 */
final class GruCell implements RecurrentCell {

    final ResetPlacement resetPlacement;
    final GateWeights resetGateWeights;
    final GateWeights updateGateWeights;
    final GateWeights candidateWeights;

    GruCell(ModelSpec spec, Parameters parameters) {
        int hiddenSize = spec.hiddenSize();
        this.resetPlacement = spec.cellOptions().resetPlacement();
        this.resetGateWeights = new GateWeights(parameters, hiddenSize, ParameterNames.U_R, ParameterNames.W_R,
                ParameterNames.B_R, ParameterNames.B_HR);
        this.updateGateWeights = new GateWeights(parameters, hiddenSize, ParameterNames.U_Z, ParameterNames.W_Z,
                ParameterNames.B_Z, ParameterNames.B_HZ);
        this.candidateWeights = new GateWeights(parameters, hiddenSize, ParameterNames.U_N, ParameterNames.W_N,
                ParameterNames.B_N, ParameterNames.B_HN);
    }

    @Override
    public Trajectory forward(DMatrixRMaj inputs, DMatrixRMaj initialState, DMatrixRMaj initialCellState) {
        int length = inputs.numRows;
        int hiddenSize = resetGateWeights.recurrentWeights.numRows;
        Trajectory trajectory = new Trajectory(inputs, initialState, new DMatrixRMaj(length, hiddenSize));
        // Workspaces, reused at every step.
        DMatrixRMaj input = new DMatrixRMaj(inputs.numCols, 1);                             // x_t
        DMatrixRMaj previousHiddenState = initialState.copy();                              // h_{t-1}
        DMatrixRMaj preActivation = new DMatrixRMaj(hiddenSize, 1);
        DMatrixRMaj resetGate = new DMatrixRMaj(hiddenSize, 1);                             // r_t
        DMatrixRMaj updateGate = new DMatrixRMaj(hiddenSize, 1);                            // z_t
        DMatrixRMaj candidate = new DMatrixRMaj(hiddenSize, 1);                             // n_t
        DMatrixRMaj resetHiddenState = new DMatrixRMaj(hiddenSize, 1);                      // r_t ⊙ h_{t-1}
        DMatrixRMaj recurrentProduct = new DMatrixRMaj(hiddenSize, 1);                      // W_n h_{t-1} + b_hn
        DMatrixRMaj hiddenState = new DMatrixRMaj(hiddenSize, 1);                           // h_t
        for (int t = 0; t < length; t++) {
            Matrices.getRow(inputs, t, input);
            resetGateWeights.preActivation(input, previousHiddenState, preActivation);
            Matrices.apply(Activation.SIGMOID, preActivation, resetGate);                   // r_t = σ(U_r x_t + b_r + W_r h_{t-1} + b_hr)
            updateGateWeights.preActivation(input, previousHiddenState, preActivation);
            Matrices.apply(Activation.SIGMOID, preActivation, updateGate);                  // z_t = σ(U_z x_t + b_z + W_z h_{t-1} + b_hz)
            candidateWeights.inputPart(input, preActivation);                               // U_n x_t + b_n
            if (resetPlacement == ResetPlacement.BEFORE) {
                for (int i = 0; i < hiddenSize; i++) {
                    resetHiddenState.data[i] = resetGate.data[i] * previousHiddenState.data[i];  // r_t ⊙ h_{t-1}
                }
                candidateWeights.addRecurrentPart(resetHiddenState, preActivation);         //   + W_n (r_t ⊙ h_{t-1}) + b_hn
            } else {
                recurrentProduct.zero();
                candidateWeights.addRecurrentPart(previousHiddenState, recurrentProduct);   // W_n h_{t-1} + b_hn
                Matrices.setRow(trajectory.recurrentProducts, t, recurrentProduct);
                for (int i = 0; i < hiddenSize; i++) {
                    preActivation.data[i] += resetGate.data[i] * recurrentProduct.data[i];  //   + r_t ⊙ (W_n h_{t-1} + b_hn)
                }
            }
            Matrices.apply(Activation.TANH, preActivation, candidate);                      // n_t = tanh(…)
            for (int i = 0; i < hiddenSize; i++) {
                hiddenState.data[i] = (1 - updateGate.data[i]) * candidate.data[i]          // h_t = (1 − z_t) ⊙ n_t
                        + updateGate.data[i] * previousHiddenState.data[i];                 //     + z_t ⊙ h_{t-1}
            }
            Matrices.setRow(trajectory.resetGates, t, resetGate);
            Matrices.setRow(trajectory.updateGates, t, updateGate);
            Matrices.setRow(trajectory.candidates, t, candidate);
            Matrices.setRow(trajectory.hiddenStates, t, hiddenState);
            previousHiddenState.setTo(hiddenState);
        }
        return trajectory;
    }

    /** What the GRU's step-backprop needs besides x_t and h_t, one step per row. */
    final class Trajectory extends CellTrajectory {

        /** Row t: r_tᵀ, {@code [length, H]}. */
        final DMatrixRMaj resetGates;
        /** Row t: z_tᵀ. */
        final DMatrixRMaj updateGates;
        /** Row t: n_tᵀ. */
        final DMatrixRMaj candidates;
        /** Row t: (W_n h_{t-1} + b_hn)ᵀ with the reset after the product; unused (zero) before it. */
        final DMatrixRMaj recurrentProducts;

        Trajectory(DMatrixRMaj inputs, DMatrixRMaj initialState, DMatrixRMaj hiddenStates) {
            super(inputs, initialState, hiddenStates);
            int length = hiddenStates.numRows;
            int hiddenSize = hiddenStates.numCols;
            resetGates = new DMatrixRMaj(length, hiddenSize);
            updateGates = new DMatrixRMaj(length, hiddenSize);
            candidates = new DMatrixRMaj(length, hiddenSize);
            recurrentProducts = new DMatrixRMaj(length, hiddenSize);
        }

        @Override
        StepBackprop stepBackprop(StepBackpropCounter counter) {
            return new GruStepBackprop(GruCell.this, this, counter);
        }
    }
}
