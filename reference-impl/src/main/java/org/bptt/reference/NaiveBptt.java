package org.bptt.reference;

import java.util.ArrayList;
import java.util.List;
import org.bptt.api.Batch;
import org.bptt.api.GradientResult;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.Truncation;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Backpropagation through time one loss term at a time: the gradient of every J(t) is carried on its own from step
 * t down to step 0,
 * <pre>
 *   ∂J(t)/∂θ = Σ_{k=0..t} ∂J(t)/∂θ|_(k),     ∂J(t)/∂h_{k-1} = Wᵀ (f'(a_k) ⊙ ∂J(t)/∂h_k)
 * </pre>
 * and the terms' gradients are summed: T(T+1)/2 step-backprops for a sequence of T steps with a loss at every
 * step, the quadratic cost the aggregated sweep ({@link AggregatedBptt}) avoids. It calls the same
 * {@link StepBackprop} as the aggregated sweep, inside one more loop. Memory: O(T·H), like the aggregated one;
 * only {@link #decompose} keeps the per-lag contributions.
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
        return run(spec, parameters, batch, null, counter);
    }

    /**
     * Truncated BPTT(k1, k2) gradients, each loss term backpropagated separately down to its chunk's window
     * start. Same conventions as {@link AggregatedBptt#truncatedGradients}.
     *
     * @param counter Modified: counts the step-backprops
     */
    public static GradientResult truncatedGradients(ModelSpec spec, Parameters parameters, Batch batch,
                                                    Truncation truncation, StepBackpropCounter counter) {
        return run(spec, parameters, batch, truncation, counter);
    }

    private static GradientResult run(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation,
                                      StepBackpropCounter counter) {
        ElmanRnn model = new ElmanRnn(spec, parameters);
        double divisor = model.divisor(batch);
        BatchGradients batchGradients = new BatchGradients(spec, batch);
        for (int sequence = 0; sequence < batch.batchSize(); sequence++) {
            SequenceTrajectory trajectory = model.forward(batch, sequence);
            SequenceGradients sequenceGradients = new SequenceGradients(trajectory.length, spec.inputSize(), spec.hiddenSize());
            StepBackprop step = new StepBackprop(model, divisor, counter);
            DMatrixRMaj hiddenGradient = new DMatrixRMaj(spec.hiddenSize(), 1);
            DMatrixRMaj hiddenGradientToPrevious = new DMatrixRMaj(spec.hiddenSize(), 1);
            List<BackwardWindow> windows = truncation == null
                    ? BackwardWindow.full(trajectory.length)
                    : BackwardWindow.truncated(trajectory.length, truncation);
            for (BackwardWindow window : windows) {
                for (int t = window.firstLossStep(); t <= window.lastStep(); t++) {
                    if (trajectory.hasLoss(t)) {
                        backpropagateLossTerm(trajectory, t, window, step, batchGradients.parameters,
                                sequenceGradients, hiddenGradient, hiddenGradientToPrevious);
                    }
                }
            }
            batchGradients.addSequence(sequence, trajectory, sequenceGradients);
        }
        return batchGradients.result(divisor);
    }

    /**
     * Backpropagates the single loss term J(t) from step t down to {@code window.firstStep()}.
     *
     * @param sequence                 Not modified.
     * @param step                     the shared step-backprop (its workspaces are modified)
     * @param gradients                Modified: gains ∂(J(t)/divisor)/∂θ.
     * @param sequenceGradients        Modified: gains ∂(J(t)/divisor)/∂x_k and ∂(J(t)/divisor)/∂h_k for every k
     *                                 of the window up to t, and ∂(J(t)/divisor)/∂h_{-1} when the window starts at 0.
     * @param hiddenGradient           workspace. Modified.
     * @param hiddenGradientToPrevious workspace. Modified.
     */
    static void backpropagateLossTerm(SequenceTrajectory sequence, int t, BackwardWindow window, StepBackprop step,
                                      ParameterGradients gradients, SequenceGradients sequenceGradients,
                                      DMatrixRMaj hiddenGradient, DMatrixRMaj hiddenGradientToPrevious) {
        hiddenGradient.zero();
        step.outputStep(sequence, t, gradients, hiddenGradient);               // ∂J(t)/∂h_t = Vᵀ outputGradient_t
        for (int k = t; k >= window.firstStep(); k--) {
            CommonOps_DDRM.addEquals(sequenceGradients.hiddenStateGradients[k], hiddenGradient);  // dL/dh_k += ∂J(t)/∂h_k
            step.hiddenStep(sequence, k, hiddenGradient, gradients, sequenceGradients.inputGradients[k],
                    hiddenGradientToPrevious);
            hiddenGradient.setTo(hiddenGradientToPrevious);                     // ∂J(t)/∂h_{k-1}
        }
        if (window.reachesInitialState()) {
            CommonOps_DDRM.addEquals(sequenceGradients.initialStateGradient, hiddenGradient);
        }
    }

    /**
     * The per-lag decomposition of one sequence's gradients (full BPTT): for every loss term t and step k ≤ t,
     * ∂(J(t)/divisor)/∂θ|_(k) and ∂(J(t)/divisor)/∂h_k, computed by the same step-backprops as
     * {@link #gradients}. Memory O(T²·(H·d + H² + K·H)): meant for small T.
     *
     * @param sequence the index of the sequence in {@code batch}; the divisor is the whole batch's
     */
    public static GradientDecomposition decompose(ModelSpec spec, Parameters parameters, Batch batch, int sequence) {
        ElmanRnn model = new ElmanRnn(spec, parameters);
        double divisor = model.divisor(batch);
        SequenceTrajectory trajectory = model.forward(batch, sequence);
        SequenceGradients sequenceGradients = new SequenceGradients(trajectory.length, spec.inputSize(), spec.hiddenSize());
        StepBackprop step = new StepBackprop(model, divisor, new StepBackpropCounter());
        ParameterGradients lagGradients = new ParameterGradients(spec);
        DMatrixRMaj hiddenGradient = new DMatrixRMaj(spec.hiddenSize(), 1);
        DMatrixRMaj hiddenGradientToPrevious = new DMatrixRMaj(spec.hiddenSize(), 1);
        List<LagContribution> contributions = new ArrayList<>();
        for (int t = 0; t < trajectory.length; t++) {
            if (!trajectory.hasLoss(t)) {
                continue;
            }
            lagGradients.zero();
            hiddenGradient.zero();
            step.outputStep(trajectory, t, lagGradients, hiddenGradient);     // dV, dc: credited to k = t
            for (int k = t; k >= 0; k--) {
                var hiddenStateGradient = Matrices.tensor(hiddenGradient, spec.hiddenSize());
                step.hiddenStep(trajectory, k, hiddenGradient, lagGradients, sequenceGradients.inputGradients[k],
                        hiddenGradientToPrevious);
                contributions.add(new LagContribution(t, k, hiddenStateGradient, lagGradients.toParameters(spec.biases())));
                lagGradients.zero();
                hiddenGradient.setTo(hiddenGradientToPrevious);
            }
        }
        return new GradientDecomposition(sequence, trajectory.length, divisor, contributions);
    }
}
