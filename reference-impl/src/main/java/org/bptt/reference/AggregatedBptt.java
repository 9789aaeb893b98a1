package org.bptt.reference;

import org.bptt.api.Batch;
import org.bptt.api.GradientResult;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.Truncation;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Backpropagation through time with the gradients of all loss terms aggregated in one backward sweep, as in
 * Karpathy's min-char-rnn: O(T) step-backprops per sequence. Going backwards from the last step,
 * <pre>
 *   hiddenGradient         = Vᵀ outputGradient_t + hiddenGradientFromNext     (the first term only at loss steps)
 *   hiddenGradientFromNext = Wᵀ (f'(a_t) ⊙ hiddenGradient)                   via {@link StepBackprop#hiddenStep}
 * </pre>
 * so that hiddenGradient at step t is dL/dh_t, the total gradient reaching h_t from its own loss and from every
 * later one. The output layer (Vᵀ outputGradient_t, dV, dc) does not depend on the recurrence and is done for every
 * loss step at once before the sweep ({@link StepBackprop#outputLayer}). Memory: the forward trajectory and the
 * per-step gradients, O(T·(d + H + K)) per sequence.
 */
public final class AggregatedBptt {

    private AggregatedBptt() {
    }

    /**
     * The loss and its exact gradients by full BPTT.
     *
     * @param counter Modified: counts T step-backprops per sequence of T steps, whatever the head
     */
    public static GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch, StepBackpropCounter counter) {
        return BpttDriver.run(spec, parameters, batch, null, counter, AggregatedBptt::backwardSweep);
    }

    /**
     * The loss and the truncated BPTT(k1, k2) gradients as {@link Truncation} defines them. The loss is the full
     * L of the forward pass, divided by the same divisor as in full BPTT (losses that truncation drops are still
     * counted in L and in the divisor; only their gradients are dropped). Parameter, input and hidden-state
     * gradients are the sums of the chunks' contributions; dL/dh_{-1} is non-zero only when a chunk's window
     * reaches step 0.
     *
     * @param counter Modified: counts one step-backprop per step of every chunk's window
     */
    public static GradientResult truncatedGradients(ModelSpec spec, Parameters parameters, Batch batch,
                                                    Truncation truncation, StepBackpropCounter counter) {
        return BpttDriver.run(spec, parameters, batch, truncation, counter, AggregatedBptt::backwardSweep);
    }

    /**
     * One backward sweep from {@code window.lastStep()} down to {@code window.firstStep()}, picking up the loss of
     * every loss step from {@code window.firstLossStep()} on: this algorithm's {@link BpttDriver.WindowBackward}.
     *
     * @param sequence               Not modified.
     * @param step                   the shared step-backprop (its workspaces are modified)
     * @param outputHiddenGradients  what {@link StepBackprop#outputLayer} returned: per loss step, the gradient its
     *                               loss sends to h_t. Not modified.
     * @param gradients              Modified: dU, dW and db accumulate.
     * @param sequenceGradients      Modified: dL/dx_t and dL/dh_t accumulate for the window's steps; dL/dh_{-1}
     *                               when the window starts at step 0.
     * @param hiddenGradient         workspace. Modified.
     * @param hiddenGradientFromNext workspace. Modified.
     */
    static void backwardSweep(SequenceTrajectory sequence, BackwardWindow window, StepBackprop step,
                              DMatrixRMaj outputHiddenGradients, ParameterGradients gradients,
                              SequenceGradients sequenceGradients, DMatrixRMaj hiddenGradient,
                              DMatrixRMaj hiddenGradientFromNext) {
        hiddenGradientFromNext.zero();                              // nothing flows back from beyond the last step
        for (int t = window.lastStep(); t >= window.firstStep(); t--) {
            hiddenGradient.setTo(hiddenGradientFromNext);           // hiddenGradient = hiddenGradientFromNext
            if (t >= window.firstLossStep() && sequence.hasLoss(t)) {
                Matrices.addRow(outputHiddenGradients, sequence.lossRow(t), hiddenGradient);  //  + Vᵀ outputGradient_t
            }
            Matrices.addToRow(sequenceGradients.hiddenStateGradients, t, hiddenGradient);     // dL/dh_t += hiddenGradient
            step.hiddenStep(sequence, t, hiddenGradient, gradients, sequenceGradients.inputGradients,
                    hiddenGradientFromNext);                        // dU, dW, db, dx_t; Wᵀ preActivationGradient
        }
        if (window.reachesInitialState()) {
            CommonOps_DDRM.addEquals(sequenceGradients.initialStateGradient, hiddenGradientFromNext);
        }
    }
}
