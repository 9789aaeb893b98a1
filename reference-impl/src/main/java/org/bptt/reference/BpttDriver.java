package org.bptt.reference;

import java.util.List;
import org.bptt.api.Batch;
import org.bptt.api.GradientResult;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.Truncation;
import org.ejml.data.DMatrixRMaj;

/**
 * What the aggregated and the naive BPTT share, so that each of them is only its backward pass, for every cell: for
 * every sequence of the batch, the forward pass ({@link RecurrentNetwork#forward(Batch, int)}), the output layer of
 * the loss steps ({@link OutputLayer#backward}), the cell's step-backprop ({@link CellTrajectory#stepBackprop}), and
 * the backward windows (one over the whole sequence for full BPTT, one per chunk for truncated BPTT), each handed to
 * the algorithm's {@link WindowBackward}; then the batch's sums. A stacked or bidirectional network goes to
 * {@link StackedBptt}, which hands each layer and direction to the same {@link WindowBackward}.
 */
final class BpttDriver {

    /** The part in which the algorithms differ: the backward pass through one window of one sequence. */
    @FunctionalInterface
    interface WindowBackward {

        /**
         * Backpropagates the losses of {@code window.firstLossStep() … window.lastStep()} down to
         * {@code window.firstStep()}, through {@link StepBackprop#backward} alone.
         *
         * @param sequence              Not modified.
         * @param step                  the sequence's step-backprop (its workspaces are modified)
         * @param outputHiddenGradients what {@link OutputLayer#backward} returned: per loss step, the gradient its
         *                              loss sends to h_t. Not modified.
         * @param gradients             Modified: the cell's parameter gradients accumulate.
         * @param sequenceGradients     Modified: dL/dx_t and dL/dh_t accumulate for the window's steps; dL/dh_{-1}
         *                              (and dL/dc_{-1}) when the window starts at step 0.
         * @param stateGradient         workspace. Modified.
         * @param stateGradientToPrevious workspace. Modified.
         */
        void backward(SequenceTrajectory sequence, BackwardWindow window, StepBackprop step,
                      DMatrixRMaj outputHiddenGradients, ParameterGradients gradients,
                      SequenceGradients sequenceGradients, StateGradient stateGradient,
                      StateGradient stateGradientToPrevious);
    }

    private BpttDriver() {
    }

    /**
     * The loss and its gradients by {@code backward}: full BPTT when {@code truncation} is null, truncated BPTT
     * (as {@link Truncation} defines it) otherwise.
     *
     * @param counter Modified: counts the step-backprops {@code backward} makes
     */
    static GradientResult run(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation,
                              StepBackpropCounter counter, WindowBackward backward) {
        if (!spec.topology().single()) {
            return StackedBptt.run(spec, parameters, batch, truncation, counter, backward);
        }
        RecurrentNetwork network = new RecurrentNetwork(spec, parameters);
        double divisor = network.divisor(batch);
        BatchGradients batchGradients = new BatchGradients(spec, batch);
        boolean hasCellState = spec.cell().hasCellState();
        for (int sequence = 0; sequence < batch.batchSize(); sequence++) {
            SequenceTrajectory trajectory = network.forward(batch, sequence);
            SequenceGradients sequenceGradients = batchGradients.sequenceGradients(trajectory.length);
            StepBackprop step = trajectory.cell.stepBackprop(counter);
            StateGradient stateGradient = new StateGradient(spec.hiddenSize(), hasCellState);
            StateGradient stateGradientToPrevious = new StateGradient(spec.hiddenSize(), hasCellState);
            List<BackwardWindow> windows = truncation == null
                    ? BackwardWindow.full(trajectory.length)
                    : BackwardWindow.truncated(trajectory.length, truncation);
            DMatrixRMaj outputHiddenGradients = network.outputLayer().backward(trajectory,
                    BackwardWindow.usedLossSteps(windows, trajectory), divisor, batchGradients.parameters);
            for (BackwardWindow window : windows) {
                backward.backward(trajectory, window, step, outputHiddenGradients, batchGradients.parameters,
                        sequenceGradients, stateGradient, stateGradientToPrevious);
            }
            batchGradients.addSequence(sequence, trajectory, sequenceGradients);
        }
        return batchGradients.result(divisor);
    }
}
