package org.bptt.reference;

import org.bptt.api.Batch;
import org.bptt.api.GradientResult;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.Truncation;
import org.ejml.data.DMatrixRMaj;

/**
 * Backpropagation through time with the gradients of all loss terms aggregated in one backward sweep, as in
 * Karpathy's min-char-rnn: O(T) step-backprops per sequence, for every cell. Going backwards from the last step,
 * <pre>
 *   stateGradient         = stateGradientFromNext, with Vᵀ outputGradient_t added to its dL/dh part at loss steps
 *   stateGradientFromNext = the gradient the step-backprop at t sends to the state at t−1
 * </pre>
 * so that stateGradient at step t is dL/dh_t (and, for an LSTM, dL/dc_t), the total gradient reaching the state at
 * t from its own loss and from every later one. For the Elman cell the step-backprop ({@link ElmanStepBackprop}) is
 * stateGradientFromNext = Wᵀ (f'(a_t) ⊙ hiddenGradient). The output layer (Vᵀ outputGradient_t, dV, dc) does not
 * depend on the recurrence and is done for every loss step at once before the sweep ({@link OutputLayer#backward}).
 * Memory: the forward trajectory and the per-step gradients, O(T·(d + H + K)) per sequence (times the number of
 * gates kept).
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
     * @param outputHiddenGradients what {@link OutputLayer#backward} returned: per loss step, the gradient its
     *                              loss sends to h_t. Not modified.
     * @param gradients             Modified: the cell's parameter gradients accumulate.
     * @param sequenceGradients     Modified: dL/dx_t and dL/dh_t accumulate for the window's steps; dL/dh_{-1}
     *                              (and dL/dc_{-1}) when the window starts at step 0.
     * @param stateGradient         workspace. Modified.
     * @param stateGradientFromNext workspace. Modified.
     */
    static void backwardSweep(SequenceTrajectory sequence, BackwardWindow window, StepBackprop step,
                              DMatrixRMaj outputHiddenGradients, ParameterGradients gradients,
                              SequenceGradients sequenceGradients, StateGradient stateGradient,
                              StateGradient stateGradientFromNext) {
        stateGradientFromNext.zero();                               // nothing flows back from beyond the last step
        for (int t = window.lastStep(); t >= window.firstStep(); t--) {
            stateGradient.setTo(stateGradientFromNext);             // stateGradient = stateGradientFromNext
            if (t >= window.firstLossStep() && sequence.hasLoss(t)) {
                Matrices.addRow(outputHiddenGradients, sequence.lossRow(t), stateGradient.hidden);  //  + Vᵀ outputGradient_t
            }
            Matrices.addToRow(sequenceGradients.hiddenStateGradients, t, stateGradient.hidden);     // dL/dh_t += …
            step.backward(t, stateGradient, gradients, sequenceGradients.inputGradients,
                    stateGradientFromNext);                         // dθ, dx_t; what reaches the state at t−1
        }
        if (window.reachesInitialState()) {
            sequenceGradients.addToInitialState(stateGradientFromNext);   // dL/dh_{-1} (and dL/dc_{-1})
        }
    }
}
