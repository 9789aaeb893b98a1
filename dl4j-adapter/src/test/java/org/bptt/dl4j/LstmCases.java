package org.bptt.dl4j;

import java.util.Locale;
import java.util.SplittableRandom;

import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.CellOptions;
import org.bptt.api.DataType;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterDeclaration;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.bptt.core.cases.CaseGenerator;

/**
 * Seeded LSTM cases for these tests: the batch (inputs, targets, mask, h_{-1}) as harness-core's
 * {@link CaseGenerator} draws it for a model of the same sizes and head, and LSTM weights drawn here (the core's
 * generator draws Elman weights only): every matrix uniform in ±√(6 / (fan-in + fan-out)) (Xavier), biases and
 * peepholes uniform in ±0.5, and a given c_{-1} uniform in ±0.5 whenever h_{-1} is given.
 */
final class LstmCases {

    private LstmCases() {
    }

    /** An LSTM model d = 3, H = 4, K = 3 (1 for the sigmoid head), float64. */
    static ModelSpec spec(boolean peepholes, Head head, boolean biases, LossReduction reduction) {
        return new ModelSpec(Cell.LSTM, CellOptions.lstm(peepholes, false), 3, 4, head == Head.LAST_STEP_SIGMOID ? 1 : 3,
                Activation.TANH, head, biases, reduction, DataType.FLOAT64);
    }

    /**
     * A seeded random LSTM case.
     *
     * @param initialStates whether the batch gives h_{-1} and c_{-1} (otherwise both are zero)
     */
    static Case generate(ModelSpec spec, int batchSize, int steps, boolean masked, boolean initialStates, long seed) {
        ModelSpec elman = new ModelSpec(Cell.ELMAN, spec.inputSize(), spec.hiddenSize(), spec.outputSize(),
                Activation.TANH, spec.head(), spec.biases(), spec.reduction(), spec.dataType());
        Batch drawn = CaseGenerator.generate("batch", elman, batchSize, steps, masked, initialStates, seed).batch();
        SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        Parameters parameters = Parameters.of(spec, declaration -> draw(declaration, random));
        Tensor initialCellState = initialStates ? uniform(random, 0.5, batchSize, spec.hiddenSize()) : null;
        Batch batch = new Batch(drawn.inputs(), drawn.targets(), drawn.mask(), drawn.initialState(), initialCellState);
        String id = String.format(Locale.ROOT, "%s-%s-%s%s%s-B%d-T%d-s%d", spec.cellOptions().peepholes() ? "lstm-peepholes" : "lstm",
                spec.head().name().toLowerCase(Locale.ROOT).replace('_', '-'), spec.biases() ? "bias" : "nobias",
                masked ? "-mask" : "", initialStates ? "-h0c0" : "", batchSize, steps, seed);
        String description = String.format(Locale.ROOT, "%s, B=%d, T=%d, %s, %s", spec.label(), batchSize, steps,
                masked ? "masked" : "unmasked", initialStates ? "given h_{-1} and c_{-1}" : "h_{-1} = c_{-1} = 0");
        Case testCase = new Case(id, description, spec, parameters, batch, seed);
        testCase.validate();
        return testCase;
    }

    private static Tensor draw(ParameterDeclaration declaration, SplittableRandom random) {
        int[] shape = declaration.shape();
        double bound = shape.length == 2 ? Math.sqrt(6.0 / (shape[0] + shape[1])) : 0.5;
        return uniform(random, bound, shape);
    }

    private static Tensor uniform(SplittableRandom random, double bound, int... shape) {
        Tensor tensor = Tensor.zeros(shape);
        for (int i = 0; i < tensor.length(); i++) {
            tensor.data()[i] = random.nextDouble(-bound, bound);
        }
        return tensor;
    }
}
