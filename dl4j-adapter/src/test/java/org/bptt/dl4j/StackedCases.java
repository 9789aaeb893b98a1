package org.bptt.dl4j;

import java.util.SplittableRandom;

import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.Cell;
import org.bptt.api.CellOptions;
import org.bptt.api.DataType;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.bptt.api.Topology;
import org.bptt.core.cases.CaseGenerator;

/**
 * Seeded stacked and bidirectional models for these tests: d = 3, H = 4, K = 3 (1 for the sigmoid head), float64,
 * the batch as harness-core's {@link CaseGenerator} draws it (masked: sequences of different lengths), and every
 * weight uniform in ±0.6 (enough to keep tanh and the gates away from saturation and the products of states from
 * vanishing).
 */
final class StackedCases {

    private StackedCases() {
    }

    /** A model of {@code cell} (the Elman cell with tanh; the LSTM with one bias) over {@code topology}. */
    static ModelSpec spec(Cell cell, boolean peepholes, Head head, Topology topology) {
        return new ModelSpec(cell, cell == Cell.LSTM ? CellOptions.lstm(peepholes, false) : CellOptions.NONE, 3, 4,
                head == Head.LAST_STEP_SIGMOID ? 1 : 3, Activation.TANH, head, true, LossReduction.MEAN_OVER_BATCH,
                DataType.FLOAT64, topology);
    }

    static Parameters parameters(ModelSpec spec, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return Parameters.of(spec, declaration -> {
            Tensor tensor = Tensor.zeros(declaration.shape());
            for (int i = 0; i < tensor.length(); i++) {
                tensor.data()[i] = random.nextDouble(-0.6, 0.6);
            }
            return tensor;
        });
    }

    /** B = 3 sequences of up to {@code steps} steps, masked to different lengths when {@code masked}. */
    static Batch batch(ModelSpec spec, int steps, boolean masked, long seed) {
        ModelSpec oneLayer = new ModelSpec(Cell.ELMAN, spec.inputSize(), spec.hiddenSize(), spec.outputSize(),
                Activation.TANH, spec.head(), spec.biases(), spec.reduction(), spec.dataType());
        Batch batch = CaseGenerator.generate("batch", oneLayer, 3, steps, masked, false, seed).batch();
        batch.validate(spec);
        return batch;
    }

    /**
     * Parameters whose every element is distinct (and positive, so none is confused with a zero bias): element i
     * of the model's parameters, counted in declared order, is {@code 1 + i / 1000}.
     */
    static Parameters distinct(ModelSpec spec) {
        int[] counter = {0};
        return Parameters.of(spec, declaration -> {
            Tensor tensor = Tensor.zeros(declaration.shape());
            for (int i = 0; i < tensor.length(); i++) {
                tensor.data()[i] = 1 + counter[0]++ / 1000.0;
            }
            return tensor;
        });
    }
}
