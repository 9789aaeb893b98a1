package org.bptt.reference;

import org.bptt.api.ResetPlacement;
import org.ejml.data.DMatrixRMaj;

/**
 * The step-backprop of the GRU ({@link GruCell}): from the gradient reaching h_k (hiddenGradient, {@code dh} in the
 * code) to the gates' weights, x_k and h_{k-1} (hiddenGradientToPrevious, {@code dhPrevious}). With a_r, a_z, a_n the
 * pre-activations of r, z and n:
 * <pre>
 *   candidateGradient                 = hiddenGradient ⊙ (1 − z_k)                 ∂L/∂n_k
 *   updateGateGradient                = hiddenGradient ⊙ (h_{k-1} − n_k)           ∂L/∂z_k
 *   hiddenGradientToPrevious          = hiddenGradient ⊙ z_k                       the direct path to h_{k-1}
 *   candidatePreActivationGradient    = candidateGradient ⊙ (1 − n_k²)             ∂L/∂a_n
 *   updateGatePreActivationGradient   = updateGateGradient ⊙ z_k ⊙ (1 − z_k)       ∂L/∂a_z
 *   dU_n += ∂L/∂a_n x_kᵀ,   db_n += ∂L/∂a_n,   inputGradient_k += U_nᵀ ∂L/∂a_n
 * reset BEFORE the product (a_n = … + W_n (r_k ⊙ h_{k-1}) + b_hn):
 *   dW_n += ∂L/∂a_n (r_k ⊙ h_{k-1})ᵀ,   db_hn += ∂L/∂a_n
 *   resetHiddenStateGradient          = W_nᵀ ∂L/∂a_n                              ∂L/∂(r_k ⊙ h_{k-1})
 *   resetGateGradient                 = resetHiddenStateGradient ⊙ h_{k-1}         ∂L/∂r_k
 *   hiddenGradientToPrevious         += resetHiddenStateGradient ⊙ r_k
 * reset AFTER the product (a_n = … + r_k ⊙ q_k, q_k = W_n h_{k-1} + b_hn):
 *   recurrentProductGradient          = ∂L/∂a_n ⊙ r_k                              ∂L/∂q_k
 *   resetGateGradient                 = ∂L/∂a_n ⊙ q_k                              ∂L/∂r_k
 *   dW_n += ∂L/∂q_k h_{k-1}ᵀ,   db_hn += ∂L/∂q_k,   hiddenGradientToPrevious += W_nᵀ ∂L/∂q_k
 * then
 *   resetGatePreActivationGradient    = resetGateGradient ⊙ r_k ⊙ (1 − r_k)        ∂L/∂a_r
 *   dU_r += ∂L/∂a_r x_kᵀ,   dW_r += ∂L/∂a_r h_{k-1}ᵀ,   db_r += ∂L/∂a_r,   db_hr += ∂L/∂a_r
 *   dU_z, dW_z, db_z, db_hz likewise from ∂L/∂a_z
 *   inputGradient_k          += U_rᵀ ∂L/∂a_r + U_zᵀ ∂L/∂a_z
 *   hiddenGradientToPrevious += W_rᵀ ∂L/∂a_r + W_zᵀ ∂L/∂a_z
 * </pre>
 * (the parameter terms are {@link GateWeights#backwardInputPart} and {@link GateWeights#backwardRecurrentPart}).
 * Its workspaces are allocated once, when it is made (once per sequence); it allocates nothing.
 */
final class GruStepBackprop implements StepBackprop {

    private final GruCell cell;
    private final GruCell.Trajectory sequence;
    private final StepBackpropCounter counter;

    // Step k's values, read from the trajectory: x_k, h_{k-1}, r_k, z_k, n_k and q_k = W_n h_{k-1} + b_hn.
    private final DMatrixRMaj input;
    private final DMatrixRMaj previousHiddenState;
    private final DMatrixRMaj resetGate;
    private final DMatrixRMaj updateGate;
    private final DMatrixRMaj candidate;
    private final DMatrixRMaj recurrentProduct;
    /** r_k ⊙ h_{k-1}. */
    private final DMatrixRMaj resetHiddenState;
    // The gradients of one step-backprop, named after what they are the gradient of.
    private final DMatrixRMaj candidatePreActivationGradient;
    private final DMatrixRMaj updateGatePreActivationGradient;
    private final DMatrixRMaj resetGateGradient;
    private final DMatrixRMaj resetGatePreActivationGradient;
    private final DMatrixRMaj resetHiddenStateGradient;
    private final DMatrixRMaj recurrentProductGradient;
    /** Step k's share of dL/dx_k, {@code [d, 1]}. */
    private final DMatrixRMaj inputGradient;

    /**
     * @param sequence Not modified.
     * @param counter  counts {@link #backward} calls
     */
    GruStepBackprop(GruCell cell, GruCell.Trajectory sequence, StepBackpropCounter counter) {
        this.cell = cell;
        this.sequence = sequence;
        this.counter = counter;
        int hiddenSize = sequence.hiddenStates.numCols;
        int inputSize = sequence.inputs.numCols;
        input = new DMatrixRMaj(inputSize, 1);
        previousHiddenState = new DMatrixRMaj(hiddenSize, 1);
        resetGate = new DMatrixRMaj(hiddenSize, 1);
        updateGate = new DMatrixRMaj(hiddenSize, 1);
        candidate = new DMatrixRMaj(hiddenSize, 1);
        recurrentProduct = new DMatrixRMaj(hiddenSize, 1);
        resetHiddenState = new DMatrixRMaj(hiddenSize, 1);
        candidatePreActivationGradient = new DMatrixRMaj(hiddenSize, 1);
        updateGatePreActivationGradient = new DMatrixRMaj(hiddenSize, 1);
        resetGateGradient = new DMatrixRMaj(hiddenSize, 1);
        resetGatePreActivationGradient = new DMatrixRMaj(hiddenSize, 1);
        resetHiddenStateGradient = new DMatrixRMaj(hiddenSize, 1);
        recurrentProductGradient = new DMatrixRMaj(hiddenSize, 1);
        inputGradient = new DMatrixRMaj(inputSize, 1);
    }

    /**
     * {@inheritDoc} Reads {@code stateGradient.hidden}, the gradient reaching h_k, and sets
     * {@code toPrevious.hidden}.
     */
    @Override
    public void backward(int k, StateGradient stateGradient, ParameterGradients gradients, DMatrixRMaj inputGradients,
                         StateGradient toPrevious) {
        counter.increment();
        DMatrixRMaj hiddenGradientToPrevious = toPrevious.hidden;
        Matrices.getRow(sequence.inputs, k, input);                                        // x_k
        sequence.previousHiddenState(k, previousHiddenState);                              // h_{k-1}
        Matrices.getRow(sequence.resetGates, k, resetGate);                                // r_k
        Matrices.getRow(sequence.updateGates, k, updateGate);                              // z_k
        Matrices.getRow(sequence.candidates, k, candidate);                                // n_k
        double[] h = previousHiddenState.data;
        double[] r = resetGate.data;
        double[] z = updateGate.data;
        double[] n = candidate.data;
        double[] dh = stateGradient.hidden.data;                                           // ∂L/∂h_k
        double[] dhPrevious = hiddenGradientToPrevious.data;                               // ∂L/∂h_{k-1}
        // δ_* = ∂L/∂a_*, the gradient of a pre-activation: candidateDelta is ∂L/∂a_n, and so on.
        double[] candidateDelta = candidatePreActivationGradient.data;
        double[] updateGateDelta = updateGatePreActivationGradient.data;
        double[] resetGateDelta = resetGatePreActivationGradient.data;

        for (int i = 0; i < h.length; i++) {                                               // h_k = (1 − z_k) ⊙ n_k + z_k ⊙ h_{k-1}
            double candidateGradient = dh[i] * (1 - z[i]);                                 // ∂L/∂n_k
            double updateGateGradient = dh[i] * (h[i] - n[i]);                             // ∂L/∂z_k
            dhPrevious[i] = dh[i] * z[i];                                                  // ∂L/∂h_{k-1}, the direct path
            candidateDelta[i] = candidateGradient * (1 - n[i] * n[i]);                     // ∂L/∂a_n
            updateGateDelta[i] = updateGateGradient * z[i] * (1 - z[i]);                   // ∂L/∂a_z
        }
        inputGradient.zero();
        cell.candidateWeights.backwardInputPart(candidatePreActivationGradient, input, gradients,
                inputGradient);                                                            // dU_n, db_n; U_nᵀ ∂L/∂a_n

        if (cell.resetPlacement == ResetPlacement.BEFORE) {
            for (int i = 0; i < h.length; i++) {
                resetHiddenState.data[i] = r[i] * h[i];                                    // r_k ⊙ h_{k-1}
            }
            resetHiddenStateGradient.zero();
            cell.candidateWeights.backwardRecurrentPart(candidatePreActivationGradient, resetHiddenState, gradients,
                    resetHiddenStateGradient);                                             // dW_n, db_hn; ∂L/∂(r_k ⊙ h_{k-1}) = W_nᵀ ∂L/∂a_n
            for (int i = 0; i < h.length; i++) {
                resetGateGradient.data[i] = resetHiddenStateGradient.data[i] * h[i];       // ∂L/∂r_k
                dhPrevious[i] += resetHiddenStateGradient.data[i] * r[i];                  // ∂L/∂h_{k-1} += … ⊙ r_k
            }
        } else {
            Matrices.getRow(sequence.recurrentProducts, k, recurrentProduct);              // q_k = W_n h_{k-1} + b_hn
            for (int i = 0; i < h.length; i++) {
                recurrentProductGradient.data[i] = candidateDelta[i] * r[i];               // ∂L/∂q_k
                resetGateGradient.data[i] = candidateDelta[i] * recurrentProduct.data[i];  // ∂L/∂r_k
            }
            cell.candidateWeights.backwardRecurrentPart(recurrentProductGradient, previousHiddenState, gradients,
                    hiddenGradientToPrevious);                                             // dW_n, db_hn; ∂L/∂h_{k-1} += W_nᵀ ∂L/∂q_k
        }

        for (int i = 0; i < h.length; i++) {
            resetGateDelta[i] = resetGateGradient.data[i] * r[i] * (1 - r[i]);             // ∂L/∂a_r
        }
        cell.resetGateWeights.backward(resetGatePreActivationGradient, input, previousHiddenState, gradients,
                inputGradient, hiddenGradientToPrevious);                                  // dU_r, dW_r, db_r, db_hr; U_rᵀ, W_rᵀ ∂L/∂a_r
        cell.updateGateWeights.backward(updateGatePreActivationGradient, input, previousHiddenState, gradients,
                inputGradient, hiddenGradientToPrevious);                                  // dU_z, dW_z, db_z, db_hz; U_zᵀ, W_zᵀ ∂L/∂a_z
        Matrices.addToRow(inputGradients, k, inputGradient);                               // dL/dx_k += inputGradient
    }
}
