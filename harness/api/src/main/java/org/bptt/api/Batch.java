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
 * @param initialState     h_{-1}, {@code [B, H]}, or null for zeros; for a network of more than one layer or a
 *                         bidirectional one ({@link ModelSpec#topology()} not {@link Topology#SINGLE}), every
 *                         layer's and direction's, {@code [L, D, B, H]} (index {@code [layer, direction]}, direction
 *                         0 forward and 1 reverse: PyTorch's {@code h_0 [L·D, B, H]} reshaped)
 * @param initialCellState c_{-1}, {@code [B, H]} (or {@code [L, D, B, H]} as {@code initialState}), the LSTM's
 *                         initial cell state, or null for zeros; only for a cell with a cell state
 *                         ({@link Cell#hasCellState()})
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

    /**
     * The initial state h_{-1} of layer {@code layer}'s forward or reverse direction, {@code [B, H]}, or null for
     * zeros. For the reverse direction this is the state before the sequence's LAST valid step, where it starts.
     */
    public Tensor initialState(ModelSpec spec, int layer, boolean reverse) {
        return stateOf(initialState, spec, layer, reverse);
    }

    /** The initial cell state c_{-1} of layer {@code layer}'s direction, {@code [B, H]}, or null for zeros. */
    public Tensor initialCellState(ModelSpec spec, int layer, boolean reverse) {
        return stateOf(initialCellState, spec, layer, reverse);
    }

    /**
     * The {@code [B, H]} slice of a per-layer state tensor: the tensor itself for a one-layer forward network,
     * else its {@code [layer, direction]} row of {@code [L, D, B, H]}. A copy; null stays null.
     */
    public static Tensor stateOf(Tensor states, ModelSpec spec, int layer, boolean reverse) {
        if (states == null) {
            return null;
        }
        if (spec.topology().single()) {
            InvalidInputException.require(layer == 0 && !reverse, "a one-layer forward network has only layer 0's forward state");
            return states;
        }
        int batchSize = states.size(2);
        int hidden = states.size(3);
        int from = states.offset(layer, reverse ? 1 : 0, 0, 0);
        double[] slice = Arrays.copyOfRange(states.data(), from, from + batchSize * hidden);
        return Tensor.of(slice, batchSize, hidden);
    }

    /**
     * The shape of a per-layer state of {@code spec} for {@code batchSize} sequences: {@code [B, H]} for a
     * one-layer forward network, {@code [L, D, B, H]} otherwise. Initial states and their gradients have it.
     */
    public static int[] stateShape(ModelSpec spec, int batchSize) {
        return spec.topology().single()
                ? new int[] {batchSize, spec.hiddenSize()}
                : new int[] {spec.layers(), spec.directions(), batchSize, spec.hiddenSize()};
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
            initialState.requireShapeAndFinite("initialState", stateShape(spec, batchSize));
        }
        if (initialCellState != null) {
            InvalidInputException.require(spec.cell().hasCellState(),
                    "initialCellState is given, but the %s cell has no cell state; leave it null", spec.cell());
            initialCellState.requireShapeAndFinite("initialCellState", stateShape(spec, batchSize));
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
