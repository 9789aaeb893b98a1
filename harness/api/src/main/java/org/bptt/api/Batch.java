package org.bptt.api;

import java.util.Arrays;

/**
 * A minibatch of B sequences of T steps, with their targets.
 *
 * @param inputs           x, {@code [B, T, d]}
 * @param targets          target distributions: {@code [B, T, K]} for {@link Head#PER_STEP_SOFTMAX}, {@code [B, K]}
 *                         for the last-step heads. Softmax targets are probability vectors (usually one-hot); the
 *                         sigmoid head's target is a probability in [0, 1].
 * @param mask             {@code [B, T]} of ones then zeros, or null when every sequence is T steps long
 * @param initialState     h_{-1}, {@code [B, H]}, or null for zeros
 * @param initialCellState c_{-1}, {@code [B, H]}, the LSTM's initial cell state, or null for zeros; only for a cell
 *                         with a cell state ({@link Cell#hasCellState()})
 */
public record Batch(Tensor inputs, Tensor targets, Tensor mask, Tensor initialState, Tensor initialCellState) {

    public Batch {
        InvalidInputException.require(inputs != null, "batch inputs must be given");
        InvalidInputException.require(targets != null, "batch targets must be given");
        InvalidInputException.require(inputs.rank() == 3, "inputs must have shape [B, T, d], got %s", Arrays.toString(inputs.shape()));
        InvalidInputException.require(inputs.size(0) >= 1, "batch size B must be at least 1, got %d", inputs.size(0));
        InvalidInputException.require(inputs.size(1) >= 1, "sequence length T must be at least 1, got %d", inputs.size(1));
    }

    /** A batch without an initial cell state (every batch of a cell without one). */
    public Batch(Tensor inputs, Tensor targets, Tensor mask, Tensor initialState) {
        this(inputs, targets, mask, initialState, null);
    }

    public int batchSize() {
        return inputs.size(0);
    }

    public int steps() {
        return inputs.size(1);
    }

    /** The number of steps of sequence {@code sequence}: T without a mask. */
    public int length(int sequence) {
        if (mask == null) {
            return steps();
        }
        int length = 0;
        while (length < steps() && mask.get(sequence, length) != 0) {
            length++;
        }
        return length;
    }

    /** True when step {@code step} of sequence {@code sequence} is part of the sequence (not padding). */
    public boolean active(int sequence, int step) {
        return mask == null || mask.get(sequence, step) != 0;
    }

    /** The number of loss terms under {@code head}: unmasked steps for per-step heads, B for last-step heads. */
    public int lossTerms(Head head) {
        if (head.lastStepOnly()) {
            return batchSize();
        }
        int terms = 0;
        for (int sequence = 0; sequence < batchSize(); sequence++) {
            terms += length(sequence);
        }
        return terms;
    }

    /**
     * Checks every shape against {@code spec}, that inputs, targets and initial states are finite, that targets are
     * distributions and that the mask is ones then zeros.
     *
     * @throws InvalidInputException naming the field and the offending value
     */
    public void validate(ModelSpec spec) {
        int batchSize = batchSize();
        int steps = steps();
        inputs.requireShapeAndFinite("inputs", batchSize, steps, spec.inputSize());
        if (spec.head().lastStepOnly()) {
            targets.requireShapeAndFinite("targets", batchSize, spec.outputSize());
        } else {
            targets.requireShapeAndFinite("targets", batchSize, steps, spec.outputSize());
        }
        validateTargets(spec);
        if (mask != null) {
            mask.requireShapeAndFinite("mask", batchSize, steps);
            for (int sequence = 0; sequence < batchSize; sequence++) {
                int length = length(sequence);
                InvalidInputException.require(length >= 1, "mask[%d] is empty: every sequence needs at least one step", sequence);
                for (int step = 0; step < steps; step++) {
                    double value = mask.get(sequence, step);
                    InvalidInputException.require(value == (step < length ? 1.0 : 0.0),
                            "mask[%d][%d] is %s; a mask row must be ones followed by zeros", sequence, step, value);
                }
            }
        }
        if (initialState != null) {
            initialState.requireShapeAndFinite("initialState", batchSize, spec.hiddenSize());
        }
        if (initialCellState != null) {
            InvalidInputException.require(spec.cell().hasCellState(),
                    "initialCellState is given, but the %s cell has no cell state; leave it null", spec.cell());
            initialCellState.requireShapeAndFinite("initialCellState", batchSize, spec.hiddenSize());
        }
    }

    private void validateTargets(ModelSpec spec) {
        int rowLength = spec.outputSize();
        double[] values = targets.data();
        for (int row = 0; row < values.length / rowLength; row++) {
            double sum = 0;
            for (int k = 0; k < rowLength; k++) {
                double value = values[row * rowLength + k];
                InvalidInputException.require(value >= 0 && value <= 1, "targets%s is %s; targets must lie in [0, 1]",
                        Arrays.toString(targets.indexOf(row * rowLength + k)), value);
                sum += value;
            }
            // Padding rows under a mask may be all zero; a softmax target row must otherwise sum to one.
            boolean padding = sum == 0 && mask != null && !spec.head().lastStepOnly();
            InvalidInputException.require(spec.head() == Head.LAST_STEP_SIGMOID || padding || Math.abs(sum - 1) < 1e-9,
                    "targets%s sums to %s; a softmax target must be a probability vector",
                    Arrays.toString(Arrays.copyOf(targets.indexOf(row * rowLength), targets.rank() - 1)), sum);
        }
    }
}
