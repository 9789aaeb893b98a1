package org.bptt.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.Case;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.bptt.core.cases.CaseGenerator;
import org.bptt.core.cases.Suite;
import org.bptt.datasets.Dataset;

/**
 * Verification cases on a dataset's sequences: inputs, targets and mask come from the dataset, the weights (and
 * h_{-1}) from the case generator, all from one seed. For each of {@link #VARIANTS} × B ∈ {@link #BATCH_SIZES} ×
 * the dataset's {@link Dataset#lengths()}, a model of the dataset's d, K and head with H = {@value #HIDDEN_SIZE}.
 * Each case's seed is {@link Suite#caseSeed} of the run's seed and the case id, as in the built-in suites.
 */
final class DatasetCases {

    /** The model variants every dataset is verified with. */
    record Variant(Activation activation, boolean biases, boolean initialState, LossReduction reduction) {
        String id() {
            return activation.name().toLowerCase(Locale.ROOT) + "-" + (biases ? "bias" : "nobias") + "-"
                    + (initialState ? "h0" : "noh0") + "-" + switch (reduction) { // the built-in suites' short names
                        case SUM -> "sum";
                        case MEAN_OVER_BATCH -> "meanb";
                        case MEAN_OVER_TERMS -> "meant";
                    };
        }
    }

    /**
     * tanh with biases from h = 0, the loss summed; sigmoid without biases, the loss averaged over the batch; and
     * tanh with biases from a random h_{-1}, the loss averaged over the loss terms.
     */
    static final List<Variant> VARIANTS = List.of(
            new Variant(Activation.TANH, true, false, LossReduction.SUM),
            new Variant(Activation.SIGMOID, false, false, LossReduction.MEAN_OVER_BATCH),
            new Variant(Activation.TANH, true, true, LossReduction.MEAN_OVER_TERMS));
    static final List<Integer> BATCH_SIZES = List.of(1, 3);
    static final int HIDDEN_SIZE = 5;

    private DatasetCases() {
    }

    /** The cases, in a stable order (T varying fastest); the same dataset and seed give equal cases. */
    static List<Case> cases(Dataset dataset, long seed) {
        List<Case> cases = new ArrayList<>();
        for (Variant variant : VARIANTS) {
            for (int batchSize : BATCH_SIZES) {
                for (int steps : dataset.lengths()) {
                    cases.add(build(dataset, variant, batchSize, steps, seed));
                }
            }
        }
        return List.copyOf(cases);
    }

    private static Case build(Dataset dataset, Variant variant, int batchSize, int steps, long seed) {
        String id = "dataset-" + dataset.name() + "-" + variant.id() + "-B" + batchSize + "-T" + steps;
        long caseSeed = Suite.caseSeed(seed, id);
        SplittableRandom random = new SplittableRandom(caseSeed);
        ModelSpec spec = dataset.spec(HIDDEN_SIZE, variant.activation(), variant.biases(), variant.reduction());
        Parameters parameters = CaseGenerator.parameters(spec, CaseGenerator.Options.defaults(), random.split());
        Batch data = dataset.batch(batchSize, steps, random.nextLong());
        Tensor initialState = variant.initialState() ? uniform(random.split(), 0.5, batchSize, HIDDEN_SIZE) : null;
        Batch batch = new Batch(data.inputs(), data.targets(), data.mask(), initialState);
        String description = String.format(Locale.ROOT, "%s data (%s), %s, B=%d, T=%d%s, %s, weights %s", dataset.name(),
                dataset.task(), spec.label(), batchSize, batch.steps(), data.mask() == null ? "" : " (masked)",
                variant.initialState() ? "given h_{-1}" : "h_{-1} = 0", CaseGenerator.Options.defaults().describe());
        return new Case(id, description, spec, parameters, batch, caseSeed);
    }

    /** A tensor of independent uniforms on (−range, range). */
    private static Tensor uniform(SplittableRandom random, double range, int... shape) {
        Tensor tensor = Tensor.zeros(shape);
        double[] values = tensor.data();
        for (int index = 0; index < values.length; index++) {
            values[index] = range * (2 * random.nextDouble() - 1);
        }
        return tensor;
    }
}
