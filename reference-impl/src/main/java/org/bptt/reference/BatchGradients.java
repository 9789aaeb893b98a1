package org.bptt.reference;

import org.bptt.api.Batch;
import org.bptt.api.GradientResult;
import org.bptt.api.ModelSpec;
import org.bptt.api.Tensor;

/**
 * The loss and gradients of a whole batch as the sequences are processed one after another: parameter gradients
 * are summed over sequences, per-step gradients are copied into the rows of {@code [B, …]} tensors (zero at masked
 * steps).
 */
final class BatchGradients {

    private final ModelSpec spec;
    final ParameterGradients parameters;
    private final Tensor inputGradients;
    private final Tensor hiddenStateGradients;
    private final Tensor initialStateGradients;
    /** dL/dc_{-1}, for a cell with a cell state; null otherwise. */
    private final Tensor initialCellStateGradients;
    private double lossSum;

    BatchGradients(ModelSpec spec, Batch batch) {
        this.spec = spec;
        this.parameters = new ParameterGradients(spec);
        this.inputGradients = Tensor.zeros(batch.batchSize(), batch.steps(), spec.inputSize());
        this.hiddenStateGradients = Tensor.zeros(batch.batchSize(), batch.steps(), spec.hiddenSize());
        this.initialStateGradients = Tensor.zeros(batch.batchSize(), spec.hiddenSize());
        this.initialCellStateGradients = spec.cell().hasCellState() ? Tensor.zeros(batch.batchSize(), spec.hiddenSize()) : null;
    }

    /** A zero {@link SequenceGradients} for a sequence of {@code length} steps of this batch's model. */
    SequenceGradients sequenceGradients(int length) {
        return new SequenceGradients(length, spec.inputSize(), spec.hiddenSize(), spec.cell().hasCellState());
    }

    /** Adds one sequence's loss terms and stores its per-step gradients. Not modified: the arguments. */
    void addSequence(int sequence, SequenceTrajectory trajectory, SequenceGradients gradients) {
        lossSum += trajectory.lossSum();
        gradients.copyInto(sequence, inputGradients, hiddenStateGradients, initialStateGradients, initialCellStateGradients);
    }

    /** The result, with L = Σ J / divisor (the parameter gradients are already divided). */
    GradientResult result(double divisor) {
        return new GradientResult(lossSum / divisor, parameters.toParameters(spec), inputGradients,
                initialStateGradients, hiddenStateGradients, initialCellStateGradients);
    }
}
