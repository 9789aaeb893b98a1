package org.bptt.reference;

import static org.bptt.api.ParameterNames.P_F;
import static org.bptt.api.ParameterNames.P_I;
import static org.bptt.api.ParameterNames.P_O;

import org.ejml.data.DMatrixRMaj;

/**
 * The step-backprop of the LSTM ({@link LstmCell}): from the gradients reaching h_k and c_k (hiddenGradient and
 * cellGradientFromNext, which comes through c_{k+1} and step k+1's peepholes) to the gates' weights, the
 * peepholes, x_k, h_{k-1} and c_{k-1}. With a_i, a_f, a_g, a_o the pre-activations of i, f, g and o:
 * <pre>
 *   outputGateGradient              = hiddenGradient ⊙ tanh(c_k)                      ∂L/∂o_k
 *   outputGatePreActivationGradient = outputGateGradient ⊙ o_k ⊙ (1 − o_k)            ∂L/∂a_o
 *   cellGradient                    = cellGradientFromNext                            ∂L/∂c_k: from the future,
 *                                     + hiddenGradient ⊙ o_k ⊙ (1 − tanh²(c_k))          through h_k,
 *                                     + p_o ⊙ ∂L/∂a_o                                    through o_k's peephole
 *   inputGatePreActivationGradient  = cellGradient ⊙ g_k ⊙ i_k ⊙ (1 − i_k)            ∂L/∂a_i
 *   forgetGatePreActivationGradient = cellGradient ⊙ c_{k-1} ⊙ f_k ⊙ (1 − f_k)        ∂L/∂a_f
 *   cellCandidatePreActivationGradient = cellGradient ⊙ i_k ⊙ (1 − g_k²)              ∂L/∂a_g
 *   cellGradientToPrevious          = cellGradient ⊙ f_k + p_i ⊙ ∂L/∂a_i + p_f ⊙ ∂L/∂a_f    ∂L/∂c_{k-1}
 *   dp_i += ∂L/∂a_i ⊙ c_{k-1},   dp_f += ∂L/∂a_f ⊙ c_{k-1},   dp_o += ∂L/∂a_o ⊙ c_k
 *   for each gate * of i, f, g, o:
 *     dU_* += ∂L/∂a_* x_kᵀ,   dW_* += ∂L/∂a_* h_{k-1}ᵀ,   db_* += ∂L/∂a_*,   db_h* += ∂L/∂a_*
 *     inputGradient_k          += U_*ᵀ ∂L/∂a_*
 *     hiddenGradientToPrevious += W_*ᵀ ∂L/∂a_*
 * </pre>
 * (the gates' parameter terms are {@link GateWeights#backward}). Its workspaces are allocated once, when it is made
 * (once per sequence); it allocates nothing.
 */
final class LstmStepBackprop implements StepBackprop {

    private final LstmCell cell;
    private final LstmCell.Trajectory sequence;
    private final StepBackpropCounter counter;

    // Step k's values, read from the trajectory: x_k, h_{k-1}, c_{k-1}, i_k, f_k, g_k, o_k and c_k.
    private final DMatrixRMaj input;
    private final DMatrixRMaj previousHiddenState;
    private final DMatrixRMaj previousCellState;
    private final DMatrixRMaj inputGate;
    private final DMatrixRMaj forgetGate;
    private final DMatrixRMaj cellCandidate;
    private final DMatrixRMaj outputGate;
    private final DMatrixRMaj cellState;
    // The gradients of the gates' pre-activations.
    private final DMatrixRMaj inputGatePreActivationGradient;
    private final DMatrixRMaj forgetGatePreActivationGradient;
    private final DMatrixRMaj cellCandidatePreActivationGradient;
    private final DMatrixRMaj outputGatePreActivationGradient;
    /** Step k's share of dL/dx_k, {@code [d, 1]}. */
    private final DMatrixRMaj inputGradient;

    /**
     * @param sequence Not modified.
     * @param counter  counts {@link #backward} calls
     */
    LstmStepBackprop(LstmCell cell, LstmCell.Trajectory sequence, StepBackpropCounter counter) {
        this.cell = cell;
        this.sequence = sequence;
        this.counter = counter;
        int hiddenSize = sequence.hiddenStates.numCols;
        int inputSize = sequence.inputs.numCols;
        input = new DMatrixRMaj(inputSize, 1);
        previousHiddenState = new DMatrixRMaj(hiddenSize, 1);
        previousCellState = new DMatrixRMaj(hiddenSize, 1);
        inputGate = new DMatrixRMaj(hiddenSize, 1);
        forgetGate = new DMatrixRMaj(hiddenSize, 1);
        cellCandidate = new DMatrixRMaj(hiddenSize, 1);
        outputGate = new DMatrixRMaj(hiddenSize, 1);
        cellState = new DMatrixRMaj(hiddenSize, 1);
        inputGatePreActivationGradient = new DMatrixRMaj(hiddenSize, 1);
        forgetGatePreActivationGradient = new DMatrixRMaj(hiddenSize, 1);
        cellCandidatePreActivationGradient = new DMatrixRMaj(hiddenSize, 1);
        outputGatePreActivationGradient = new DMatrixRMaj(hiddenSize, 1);
        inputGradient = new DMatrixRMaj(inputSize, 1);
    }

    /**
     * {@inheritDoc} Reads {@code stateGradient.hidden} and {@code stateGradient.cell}, the gradients reaching h_k and
     * c_k, and sets {@code toPrevious.hidden} and {@code toPrevious.cell}.
     */
    @Override
    public void backward(int k, StateGradient stateGradient, ParameterGradients gradients, DMatrixRMaj inputGradients,
                         StateGradient toPrevious) {
        counter.increment();
        DMatrixRMaj hiddenGradient = stateGradient.hidden;
        DMatrixRMaj cellGradientFromNext = stateGradient.cell;
        DMatrixRMaj hiddenGradientToPrevious = toPrevious.hidden;
        DMatrixRMaj cellGradientToPrevious = toPrevious.cell;
        Matrices.getRow(sequence.inputs, k, input);                                    // x_k
        sequence.previousHiddenState(k, previousHiddenState);                          // h_{k-1}
        sequence.previousCellState(k, previousCellState);                              // c_{k-1}
        Matrices.getRow(sequence.inputGates, k, inputGate);                            // i_k
        Matrices.getRow(sequence.forgetGates, k, forgetGate);                          // f_k
        Matrices.getRow(sequence.cellCandidates, k, cellCandidate);                    // g_k
        Matrices.getRow(sequence.outputGates, k, outputGate);                          // o_k
        Matrices.getRow(sequence.cellStates, k, cellState);                            // c_k
        double[] i = inputGate.data;
        double[] f = forgetGate.data;
        double[] g = cellCandidate.data;
        double[] o = outputGate.data;
        double[] c = cellState.data;
        double[] previousC = previousCellState.data;
        double[] inputPeephole = cell.inputPeephole.data;
        double[] forgetPeephole = cell.forgetPeephole.data;
        double[] outputPeephole = cell.outputPeephole.data;
        double[] inputPeepholeGradient = gradients.get(P_I).data;
        double[] forgetPeepholeGradient = gradients.get(P_F).data;
        double[] outputPeepholeGradient = gradients.get(P_O).data;

        // δ_* = ∂L/∂a_*, the gradient of gate *'s pre-activation: inputGateDelta is ∂L/∂a_i, and so on.
        for (int j = 0; j < c.length; j++) {
            double cellOutput = Math.tanh(c[j]);                                       // tanh(c_k)
            double outputGateGradient = hiddenGradient.data[j] * cellOutput;           // ∂L/∂o_k
            double outputGateDelta = outputGateGradient * o[j] * (1 - o[j]);           // ∂L/∂a_o
            double cellGradient = cellGradientFromNext.data[j]                         // ∂L/∂c_k: from the future
                    + hiddenGradient.data[j] * o[j] * (1 - cellOutput * cellOutput)    //   + through h_k
                    + outputPeephole[j] * outputGateDelta;                             //   + through o_k's peephole
            double inputGateDelta = cellGradient * g[j] * i[j] * (1 - i[j]);           // ∂L/∂a_i
            double forgetGateDelta = cellGradient * previousC[j] * f[j] * (1 - f[j]);  // ∂L/∂a_f
            double cellCandidateDelta = cellGradient * i[j] * (1 - g[j] * g[j]);       // ∂L/∂a_g
            cellGradientToPrevious.data[j] = cellGradient * f[j]                       // ∂L/∂c_{k-1} = ∂L/∂c_k ⊙ f_k
                    + inputPeephole[j] * inputGateDelta                                //   + p_i ⊙ ∂L/∂a_i
                    + forgetPeephole[j] * forgetGateDelta;                             //   + p_f ⊙ ∂L/∂a_f
            inputPeepholeGradient[j] += inputGateDelta * previousC[j];                 // dp_i += ∂L/∂a_i ⊙ c_{k-1}
            forgetPeepholeGradient[j] += forgetGateDelta * previousC[j];               // dp_f += ∂L/∂a_f ⊙ c_{k-1}
            outputPeepholeGradient[j] += outputGateDelta * c[j];                       // dp_o += ∂L/∂a_o ⊙ c_k
            inputGatePreActivationGradient.data[j] = inputGateDelta;
            forgetGatePreActivationGradient.data[j] = forgetGateDelta;
            cellCandidatePreActivationGradient.data[j] = cellCandidateDelta;
            outputGatePreActivationGradient.data[j] = outputGateDelta;
        }
        inputGradient.zero();
        hiddenGradientToPrevious.zero();
        cell.inputGateWeights.backward(inputGatePreActivationGradient, input, previousHiddenState, gradients,
                inputGradient, hiddenGradientToPrevious);     // dU_i, dW_i, db_i, db_hi; U_iᵀ, W_iᵀ ∂L/∂a_i
        cell.forgetGateWeights.backward(forgetGatePreActivationGradient, input, previousHiddenState, gradients,
                inputGradient, hiddenGradientToPrevious);     // … ∂L/∂a_f
        cell.cellCandidateWeights.backward(cellCandidatePreActivationGradient, input, previousHiddenState, gradients,
                inputGradient, hiddenGradientToPrevious);     // … ∂L/∂a_g
        cell.outputGateWeights.backward(outputGatePreActivationGradient, input, previousHiddenState, gradients,
                inputGradient, hiddenGradientToPrevious);     // … ∂L/∂a_o
        Matrices.addToRow(inputGradients, k, inputGradient);  // dL/dx_k += inputGradient
    }
}
