package org.bptt.reference;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.bptt.api.Batch;
import org.bptt.api.Case;
import org.bptt.api.Head;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;

/**
 * Small random verification cases for this module's tests (the harness's own case generator lives in another
 * module). Weights are scaled so that hidden states neither explode nor saturate over 64 steps: U ~ N(0, 1/d),
 * W ~ N(0, 0.8²/H), V ~ N(0, 1/H), biases ~ N(0, 0.1²); inputs ~ N(0, 1); h_{-1} ~ N(0, 0.5²).
 */
final class RandomCases {

    private RandomCases() {
    }

    /**
     * A valid case.
     *
     * @param masked       whether the batch has a mask; each sequence then has a random length in 1 … T
     * @param initialState whether the batch gives h_{-1}
     */
    static Case build(ModelSpec spec, int batchSize, int steps, boolean masked, boolean initialState, SplittableRandom random) {
        int[] lengths = new int[batchSize];
        for (int sequence = 0; sequence < batchSize; sequence++) {
            lengths[sequence] = masked ? 1 + random.nextInt(steps) : steps;
        }
        return build(spec, lengths, steps, masked, initialState, random);
    }

    /** A valid case whose sequences have the given lengths (with {@code masked} false, every length must be T). */
    static Case build(ModelSpec spec, int[] lengths, int steps, boolean masked, boolean initialState, SplittableRandom random) {
        int batchSize = lengths.length;
        Parameters parameters = parameters(spec, random);
        Tensor inputs = gaussian(random, 1.0, batchSize, steps, spec.inputSize());
        Tensor targets = targets(spec, lengths, steps, random);
        Tensor mask = masked ? mask(lengths, steps) : null;
        Tensor initial = initialState ? gaussian(random, 0.5, batchSize, spec.hiddenSize()) : null;
        Batch batch = new Batch(inputs, targets, mask, initial);
        String id = spec.label().replace('/', '_') + "-B" + batchSize + "-T" + steps
                + (masked ? "-masked" : "") + (initialState ? "-h0" : "");
        Case result = new Case(id, "random case for the reference's own tests", spec, parameters, batch, SEED_UNKNOWN);
        result.validate();
        return result;
    }

    /** Cases are drawn from the caller's random stream; their own seed is not recorded. */
    private static final long SEED_UNKNOWN = 0;

    static Parameters parameters(ModelSpec spec, SplittableRandom random) {
        int d = spec.inputSize();
        int h = spec.hiddenSize();
        int k = spec.outputSize();
        Map<String, Tensor> tensors = new HashMap<>();                    // drawn in the order U, W, b, V, c
        tensors.put(ParameterNames.U, gaussian(random, 1 / Math.sqrt(d), h, d));
        tensors.put(ParameterNames.W, gaussian(random, 0.8 / Math.sqrt(h), h, h));
        if (spec.biases()) {
            tensors.put(ParameterNames.B, gaussian(random, 0.1, h));
        }
        tensors.put(ParameterNames.V, gaussian(random, 1 / Math.sqrt(h), k, h));
        if (spec.biases()) {
            tensors.put(ParameterNames.C, gaussian(random, 0.1, k));
        }
        return new Parameters(tensors);
    }

    static Tensor gaussian(SplittableRandom random, double standardDeviation, int... shape) {
        Tensor tensor = Tensor.zeros(shape);
        for (int i = 0; i < tensor.length(); i++) {
            tensor.data()[i] = standardDeviation * random.nextGaussian();
        }
        return tensor;
    }

    static Tensor mask(int[] lengths, int steps) {
        Tensor mask = Tensor.zeros(lengths.length, steps);
        for (int sequence = 0; sequence < lengths.length; sequence++) {
            for (int t = 0; t < lengths[sequence]; t++) {
                mask.set(1.0, sequence, t);
            }
        }
        return mask;
    }

    /**
     * Targets for the head: per-step rows (all-zero padding rows past a sequence's end), or one row per sequence.
     * Softmax targets are one-hot or, every other row on average, a random soft distribution; sigmoid targets
     * are uniform in [0, 1].
     */
    static Tensor targets(ModelSpec spec, int[] lengths, int steps, SplittableRandom random) {
        int k = spec.outputSize();
        int batchSize = lengths.length;
        if (spec.head() == Head.LAST_STEP_SIGMOID) {
            Tensor targets = Tensor.zeros(batchSize, 1);
            for (int sequence = 0; sequence < batchSize; sequence++) {
                targets.set(random.nextDouble(), sequence, 0);
            }
            return targets;
        }
        if (spec.head().lastStepOnly()) {
            Tensor targets = Tensor.zeros(batchSize, k);
            for (int sequence = 0; sequence < batchSize; sequence++) {
                distribution(targets.data(), targets.offset(sequence, 0), k, random);
            }
            return targets;
        }
        Tensor targets = Tensor.zeros(batchSize, steps, k);
        for (int sequence = 0; sequence < batchSize; sequence++) {
            for (int t = 0; t < lengths[sequence]; t++) {
                distribution(targets.data(), targets.offset(sequence, t, 0), k, random);
            }
        }
        return targets;
    }

    private static void distribution(double[] data, int offset, int size, SplittableRandom random) {
        if (random.nextBoolean()) {
            data[offset + random.nextInt(size)] = 1.0;
            return;
        }
        double sum = 0;
        for (int i = 0; i < size; i++) {
            data[offset + i] = random.nextDouble(0.01, 1.0);
            sum += data[offset + i];
        }
        for (int i = 0; i < size; i++) {
            data[offset + i] /= sum;
        }
    }
}
