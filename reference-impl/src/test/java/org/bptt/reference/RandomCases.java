package org.bptt.reference;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.bptt.api.Batch;
import org.bptt.api.Case;
import org.bptt.api.Head;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterDeclaration;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;

/**
 * Small random verification cases for this module's tests (the harness's own case generator lives in another
 * module), for every cell. Weights are scaled so that hidden states neither explode nor saturate over 64 steps:
 * input weights (U, U_*) ~ N(0, 1/d), recurrent weights (W, W_*) ~ N(0, 0.8²/H), V ~ N(0, 1/H), biases ~ N(0, 0.1²),
 * peepholes ~ N(0, 0.5²); inputs ~ N(0, 1); h_{-1} and c_{-1} ~ N(0, 0.5²).
 */
final class RandomCases {

    private RandomCases() {
    }

    /**
     * A valid case.
     *
     * @param masked       whether the batch has a mask; each sequence then has a random length in 1 … T
     * @param initialState whether the batch gives h_{-1}, and c_{-1} for a cell with a cell state
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
        int[] stateShape = Batch.stateShape(spec, batchSize);      // [B, H], or [L, D, B, H] for a stack
        Tensor initial = initialState ? gaussian(random, 0.5, stateShape) : null;
        Tensor initialCell = initialState && spec.cell().hasCellState() ? gaussian(random, 0.5, stateShape) : null;
        Batch batch = new Batch(inputs, targets, mask, initial, initialCell);
        String id = spec.label().replace('/', '_') + "-B" + batchSize + "-T" + steps
                + (masked ? "-masked" : "") + (initialState ? "-h0" : "") + (initialCell != null ? "-c0" : "");
        Case result = new Case(id, "random case for the reference's own tests", spec, parameters, batch, SEED_UNKNOWN);
        result.validate();
        return result;
    }

    /** Cases are drawn from the caller's random stream; their own seed is not recorded. */
    private static final long SEED_UNKNOWN = 0;

    /** Every parameter {@code spec} declares, drawn in the declared order (for Elman: U, W, b, V, c). */
    static Parameters parameters(ModelSpec spec, SplittableRandom random) {
        Map<String, Tensor> tensors = new HashMap<>();
        for (ParameterDeclaration declaration : spec.parameters()) {
            tensors.put(declaration.name(), gaussian(random, standardDeviation(spec, declaration), declaration.shape()));
        }
        return new Parameters(tensors);
    }

    /** The scale of a parameter's draw, by what it is (see the class documentation). */
    private static double standardDeviation(ModelSpec spec, ParameterDeclaration declaration) {
        List<String> dimensions = declaration.dimensions();
        if (dimensions.equals(List.of("H", "d"))) {
            return 1 / Math.sqrt(spec.inputSize());
        }
        if (dimensions.equals(List.of("H", "H"))) {
            return 0.8 / Math.sqrt(spec.hiddenSize());
        }
        if (dimensions.equals(List.of("K", "H"))) {
            return 1 / Math.sqrt(spec.hiddenSize());
        }
        if (dimensions.get(dimensions.size() - 1).equals("2H")) {            // a layer or head reading [h→; h←]
            return 1 / Math.sqrt(2 * spec.hiddenSize());
        }
        return PEEPHOLES.contains(declaration.name()) ? 0.5 : 0.1;
    }

    private static final Set<String> PEEPHOLES = Set.of(ParameterNames.P_I, ParameterNames.P_F, ParameterNames.P_O);

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
