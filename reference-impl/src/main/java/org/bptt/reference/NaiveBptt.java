package org.bptt.reference;

import java.util.ArrayList;
import java.util.List;
import org.bptt.api.Batch;
import org.bptt.api.GradientResult;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Truncation;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.mult.VectorVectorMult_DDRM;

/**
 * Backpropagation through time one loss term at a time: the gradient of every J(t) is carried on its own from step
 * t down to step 0,
 * <pre>
 *   ∂J(t)/∂θ = Σ_{k=0..t} ∂J(t)/∂θ|_(k),     ∂J(t)/∂(state at k−1) = step-backprop at k of ∂J(t)/∂(state at k)
 * </pre>
 * (for the Elman cell ∂J(t)/∂h_{k-1} = Wᵀ (f'(a_k) ⊙ ∂J(t)/∂h_k); an LSTM's state is h and c) and the terms'
 * gradients are summed: T(T+1)/2 step-backprops for a sequence of T steps with a loss at every step, the quadratic
 * cost the aggregated sweep ({@link AggregatedBptt}) avoids. It calls the same {@link StepBackprop} as the
 * aggregated sweep, inside one more loop; the output layer, before the loops, is the aggregated sweep's too, done
 * once (both run in {@link BpttDriver}). Memory: O(T·H), like the aggregated one; only {@link #decompose} keeps the
 * per-lag contributions.
 */
public final class NaiveBptt {

    private NaiveBptt() {
    }

    /**
     * The loss and its exact gradients, each loss term backpropagated separately.
     *
     * @param counter Modified: counts Σ_t (t + 1) step-backprops per sequence, over its loss steps t
     */
    public static GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch, StepBackpropCounter counter) {
        return BpttDriver.run(spec, parameters, batch, null, counter, NaiveBptt::backpropagateWindow);
    }

    /**
     * Truncated BPTT(k1, k2) gradients, each loss term backpropagated separately down to its chunk's window
     * start. Same conventions as {@link AggregatedBptt#truncatedGradients}.
     *
     * @param counter Modified: counts the step-backprops
     */
    public static GradientResult truncatedGradients(ModelSpec spec, Parameters parameters, Batch batch,
                                                    Truncation truncation, StepBackpropCounter counter) {
        return BpttDriver.run(spec, parameters, batch, truncation, counter, NaiveBptt::backpropagateWindow);
    }

    /**
     * Every loss term of {@code window}, backpropagated on its own: this algorithm's
     * {@link BpttDriver.WindowBackward}, the same step-backprops as the aggregated sweep from inside one more loop.
     */
    static void backpropagateWindow(SequenceTrajectory sequence, BackwardWindow window, StepBackprop step,
                                    DMatrixRMaj outputHiddenGradients, ParameterGradients gradients,
                                    SequenceGradients sequenceGradients, StateGradient stateGradient,
                                    StateGradient stateGradientToPrevious) {
        for (int t = window.firstLossStep(); t <= window.lastStep(); t++) {
            if (sequence.hasLoss(t)) {
                backpropagateLossTerm(sequence, t, window, step, outputHiddenGradients, gradients, sequenceGradients,
                        stateGradient, stateGradientToPrevious);
            }
        }
    }

    /**
     * Backpropagates the single loss term J(t) from step t down to {@code window.firstStep()}.
     *
     * @param sequence                Not modified.
     * @param step                    the shared step-backprop (its workspaces are modified)
     * @param outputHiddenGradients   what {@link OutputLayer#backward} returned: per loss step, the gradient its
     *                                loss sends to h_t. Not modified.
     * @param gradients               Modified: gains the step-backprops' share of ∂(J(t)/divisor)/∂θ (the cell's
     *                                parameters).
     * @param sequenceGradients       Modified: gains ∂(J(t)/divisor)/∂x_k and ∂(J(t)/divisor)/∂h_k for every k of
     *                                the window up to t, and ∂(J(t)/divisor)/∂h_{-1} (and /∂c_{-1}) when the window
     *                                starts at 0.
     * @param stateGradient           workspace. Modified.
     * @param stateGradientToPrevious workspace. Modified.
     */
    static void backpropagateLossTerm(SequenceTrajectory sequence, int t, BackwardWindow window, StepBackprop step,
                                      DMatrixRMaj outputHiddenGradients, ParameterGradients gradients,
                                      SequenceGradients sequenceGradients, StateGradient stateGradient,
                                      StateGradient stateGradientToPrevious) {
        stateGradient.zero();                                                   // J(t) reaches c_t only through h_t
        Matrices.getRow(outputHiddenGradients, sequence.lossRow(t), stateGradient.hidden);  // ∂J(t)/∂h_t = Vᵀ outputGradient_t
        for (int k = t; k >= window.firstStep(); k--) {
            Matrices.addToRow(sequenceGradients.hiddenStateGradients, k, stateGradient.hidden);  // dL/dh_k += ∂J(t)/∂h_k
            step.backward(k, stateGradient, gradients, sequenceGradients.inputGradients, stateGradientToPrevious);
            stateGradient.setTo(stateGradientToPrevious);                       // ∂J(t)/∂(state at k−1)
        }
        if (window.reachesInitialState()) {
            sequenceGradients.addToInitialState(stateGradient);                 // ∂J(t)/∂h_{-1} (and ∂J(t)/∂c_{-1})
        }
    }

    /**
     * The per-lag decomposition of one sequence's gradients (full BPTT): for every loss term t and step k ≤ t,
     * ∂(J(t)/divisor)/∂θ|_(k) and ∂(J(t)/divisor)/∂h_k, computed by the same step-backprops as
     * {@link #gradients}, for any cell. Memory O(T²·(number of parameters)): meant for small T.
     *
     * @param sequence the index of the sequence in {@code batch}; the divisor is the whole batch's
     */
    public static GradientDecomposition decompose(ModelSpec spec, Parameters parameters, Batch batch, int sequence) {
        RecurrentNetwork network = new RecurrentNetwork(spec, parameters);
        double divisor = network.divisor(batch);
        SequenceTrajectory trajectory = network.forward(batch, sequence);
        StepBackprop step = trajectory.cell.stepBackprop(new StepBackpropCounter());
        DMatrixRMaj outputHiddenGradients = network.outputLayer().backward(trajectory,
                BackwardWindow.usedLossSteps(BackwardWindow.full(trajectory.length), trajectory), divisor,
                new ParameterGradients(spec));
        ParameterGradients lagGradients = new ParameterGradients(spec);
        DMatrixRMaj inputGradients = new DMatrixRMaj(trajectory.length, spec.inputSize());
        StateGradient stateGradient = new StateGradient(spec.hiddenSize(), spec.cell().hasCellState());
        StateGradient stateGradientToPrevious = new StateGradient(spec.hiddenSize(), spec.cell().hasCellState());
        List<LagContribution> contributions = new ArrayList<>();
        for (int t = trajectory.firstLossStep; t < trajectory.length; t++) {
            stateGradient.zero();
            Matrices.getRow(outputHiddenGradients, trajectory.lossRow(t), stateGradient.hidden);   // ∂J(t)/∂h_t
            for (int k = t; k >= 0; k--) {
                var hiddenStateGradient = Matrices.tensor(stateGradient.hidden, spec.hiddenSize());
                lagGradients.zero();
                if (k == t) {
                    addOutputLayerGradients(trajectory, t, divisor, lagGradients);          // dV, dc: credited to k = t
                }
                step.backward(k, stateGradient, lagGradients, inputGradients, stateGradientToPrevious);
                contributions.add(new LagContribution(t, k, hiddenStateGradient, lagGradients.toParameters(spec)));
                stateGradient.setTo(stateGradientToPrevious);
            }
        }
        return new GradientDecomposition(sequence, trajectory.length, divisor, contributions);
    }

    /**
     * The output layer's share of ∂(J(t)/divisor)/∂θ, for loss step t alone ({@link OutputLayer#backward} does
     * every loss step at once):
     * <pre>
     *   outputGradient_t = (y_t − target_t) / divisor,   dV += outputGradient_t h_tᵀ,   dc += outputGradient_t
     * </pre>
     * Modified: gradients. Not modified: sequence.
     */
    private static void addOutputLayerGradients(SequenceTrajectory sequence, int t, double divisor, ParameterGradients gradients) {
        DMatrixRMaj outputGradient = Matrices.row(sequence.outputs, sequence.lossRow(t));
        CommonOps_DDRM.subtractEquals(outputGradient, Matrices.row(sequence.targets, sequence.lossRow(t)));
        CommonOps_DDRM.divide(outputGradient, divisor);
        VectorVectorMult_DDRM.addOuterProd(1.0, outputGradient, sequence.cell.hiddenState(t), gradients.get(ParameterNames.V));
        CommonOps_DDRM.addEquals(gradients.get(ParameterNames.C), outputGradient);
    }
}
