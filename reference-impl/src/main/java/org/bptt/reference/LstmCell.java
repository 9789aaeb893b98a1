package org.bptt.reference;

import org.bptt.api.Activation;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.ejml.data.DMatrixRMaj;

/**
 * Long short-term memory (Hochreiter &amp; Schmidhuber 1997, with the forget gate of Gers et al. 2000), with or
 * without peepholes (Gers &amp; Schmidhuber 2000):
 * <pre>
 *   i_t = σ(U_i x_t + b_i + W_i h_{t-1} + b_hi + p_i ⊙ c_{t-1})     inputGate
 *   f_t = σ(U_f x_t + b_f + W_f h_{t-1} + b_hf + p_f ⊙ c_{t-1})     forgetGate
 *   g_t = tanh(U_g x_t + b_g + W_g h_{t-1} + b_hg)                  cellCandidate
 *   c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t                                 cellState
 *   o_t = σ(U_o x_t + b_o + W_o h_{t-1} + b_ho + p_o ⊙ c_t)         outputGate (its peephole sees the new c_t)
 *   h_t = o_t ⊙ tanh(c_t)
 * </pre>
 * from h_{-1} and c_{-1}. The recurrent-side biases b_h* exist only with two bias vectors per gate, no bias without
 * biases, and the peepholes p_* only with peepholes; an absent one is zero here ({@link GateWeights}), so that its
 * term vanishes. The trajectory keeps i_t, f_t, g_t, o_t and c_t. The step-backprop is {@link LstmStepBackprop}.
 *
 * <p>The cell copies its parameters on construction; the caller's tensors are never modified.
 */
final class LstmCell implements RecurrentCell {

    final GateWeights inputGateWeights;
    final GateWeights forgetGateWeights;
    final GateWeights cellCandidateWeights;
    final GateWeights outputGateWeights;
    /** p_i, p_f, p_o {@code [H, 1]}: the peepholes, zero without them. */
    final DMatrixRMaj inputPeephole;
    final DMatrixRMaj forgetPeephole;
    final DMatrixRMaj outputPeephole;

    LstmCell(ModelSpec spec, Parameters parameters) {
        int hiddenSize = spec.hiddenSize();
        this.inputGateWeights = new GateWeights(parameters, hiddenSize, ParameterNames.U_I, ParameterNames.W_I,
                ParameterNames.B_I, ParameterNames.B_HI);
        this.forgetGateWeights = new GateWeights(parameters, hiddenSize, ParameterNames.U_F, ParameterNames.W_F,
                ParameterNames.B_F, ParameterNames.B_HF);
        this.cellCandidateWeights = new GateWeights(parameters, hiddenSize, ParameterNames.U_G, ParameterNames.W_G,
                ParameterNames.B_G, ParameterNames.B_HG);
        this.outputGateWeights = new GateWeights(parameters, hiddenSize, ParameterNames.U_O, ParameterNames.W_O,
                ParameterNames.B_O, ParameterNames.B_HO);
        this.inputPeephole = Matrices.columnOrZeros(parameters.get(ParameterNames.P_I), hiddenSize);
        this.forgetPeephole = Matrices.columnOrZeros(parameters.get(ParameterNames.P_F), hiddenSize);
        this.outputPeephole = Matrices.columnOrZeros(parameters.get(ParameterNames.P_O), hiddenSize);
    }

    /** {@inheritDoc} {@code initialCellState} is c_{-1}, required. */
    @Override
    public Trajectory forward(DMatrixRMaj inputs, DMatrixRMaj initialState, DMatrixRMaj initialCellState) {
        int length = inputs.numRows;
        int hiddenSize = inputGateWeights.recurrentWeights.numRows;
        Trajectory trajectory = new Trajectory(inputs, initialState, initialCellState, new DMatrixRMaj(length, hiddenSize));
        // Workspaces, reused at every step.
        DMatrixRMaj input = new DMatrixRMaj(inputs.numCols, 1);                             // x_t
        DMatrixRMaj previousHiddenState = initialState.copy();                              // h_{t-1}
        DMatrixRMaj previousCellState = initialCellState.copy();                            // c_{t-1}
        DMatrixRMaj preActivation = new DMatrixRMaj(hiddenSize, 1);
        DMatrixRMaj inputGate = new DMatrixRMaj(hiddenSize, 1);                             // i_t
        DMatrixRMaj forgetGate = new DMatrixRMaj(hiddenSize, 1);                            // f_t
        DMatrixRMaj cellCandidate = new DMatrixRMaj(hiddenSize, 1);                         // g_t
        DMatrixRMaj cellState = new DMatrixRMaj(hiddenSize, 1);                             // c_t
        DMatrixRMaj outputGate = new DMatrixRMaj(hiddenSize, 1);                            // o_t
        DMatrixRMaj hiddenState = new DMatrixRMaj(hiddenSize, 1);                           // h_t
        for (int t = 0; t < length; t++) {
            Matrices.getRow(inputs, t, input);
            inputGateWeights.preActivation(input, previousHiddenState, preActivation);      // U_i x_t + b_i + W_i h_{t-1} + b_hi
            addElementProduct(inputPeephole, previousCellState, preActivation);             //   + p_i ⊙ c_{t-1}
            Matrices.apply(Activation.SIGMOID, preActivation, inputGate);                   // i_t = σ(…)
            forgetGateWeights.preActivation(input, previousHiddenState, preActivation);     // U_f x_t + b_f + W_f h_{t-1} + b_hf
            addElementProduct(forgetPeephole, previousCellState, preActivation);            //   + p_f ⊙ c_{t-1}
            Matrices.apply(Activation.SIGMOID, preActivation, forgetGate);                  // f_t = σ(…)
            cellCandidateWeights.preActivation(input, previousHiddenState, preActivation);  // U_g x_t + b_g + W_g h_{t-1} + b_hg
            Matrices.apply(Activation.TANH, preActivation, cellCandidate);                  // g_t = tanh(…)
            for (int i = 0; i < hiddenSize; i++) {
                cellState.data[i] = forgetGate.data[i] * previousCellState.data[i]          // c_t = f_t ⊙ c_{t-1}
                        + inputGate.data[i] * cellCandidate.data[i];                        //     + i_t ⊙ g_t
            }
            outputGateWeights.preActivation(input, previousHiddenState, preActivation);     // U_o x_t + b_o + W_o h_{t-1} + b_ho
            addElementProduct(outputPeephole, cellState, preActivation);                    //   + p_o ⊙ c_t
            Matrices.apply(Activation.SIGMOID, preActivation, outputGate);                  // o_t = σ(…)
            for (int i = 0; i < hiddenSize; i++) {
                hiddenState.data[i] = outputGate.data[i] * Math.tanh(cellState.data[i]);    // h_t = o_t ⊙ tanh(c_t)
            }
            Matrices.setRow(trajectory.inputGates, t, inputGate);
            Matrices.setRow(trajectory.forgetGates, t, forgetGate);
            Matrices.setRow(trajectory.cellCandidates, t, cellCandidate);
            Matrices.setRow(trajectory.outputGates, t, outputGate);
            Matrices.setRow(trajectory.cellStates, t, cellState);
            Matrices.setRow(trajectory.hiddenStates, t, hiddenState);
            previousHiddenState.setTo(hiddenState);
            previousCellState.setTo(cellState);
        }
        return trajectory;
    }

    /** sum += a ⊙ b, elementwise. Modified: sum. Not modified: a, b. */
    private static void addElementProduct(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj sum) {
        for (int i = 0; i < sum.getNumElements(); i++) {
            sum.data[i] += a.data[i] * b.data[i];
        }
    }

    /** What the LSTM's step-backprop needs besides x_t and h_t, one step per row. */
    final class Trajectory extends CellTrajectory {

        /** c_{-1}, {@code [H, 1]}. */
        final DMatrixRMaj initialCellState;
        /** Row t: i_tᵀ, {@code [length, H]}. */
        final DMatrixRMaj inputGates;
        /** Row t: f_tᵀ. */
        final DMatrixRMaj forgetGates;
        /** Row t: g_tᵀ. */
        final DMatrixRMaj cellCandidates;
        /** Row t: o_tᵀ. */
        final DMatrixRMaj outputGates;
        /** Row t: c_tᵀ. */
        final DMatrixRMaj cellStates;

        Trajectory(DMatrixRMaj inputs, DMatrixRMaj initialState, DMatrixRMaj initialCellState, DMatrixRMaj hiddenStates) {
            super(inputs, initialState, hiddenStates);
            this.initialCellState = initialCellState;
            int length = hiddenStates.numRows;
            int hiddenSize = hiddenStates.numCols;
            inputGates = new DMatrixRMaj(length, hiddenSize);
            forgetGates = new DMatrixRMaj(length, hiddenSize);
            cellCandidates = new DMatrixRMaj(length, hiddenSize);
            outputGates = new DMatrixRMaj(length, hiddenSize);
            cellStates = new DMatrixRMaj(length, hiddenSize);
        }

        @Override
        DMatrixRMaj cellStates() {
            return cellStates;
        }

        /** target = c_{t-1}: row t−1 of the cell states, or c_{-1} for t = 0. Modified: target. */
        void previousCellState(int t, DMatrixRMaj target) {
            if (t == 0) {
                target.setTo(initialCellState);
            } else {
                Matrices.getRow(cellStates, t - 1, target);
            }
        }

        @Override
        StepBackprop stepBackprop(StepBackpropCounter counter) {
            return new LstmStepBackprop(LstmCell.this, this, counter);
        }
    }
}
