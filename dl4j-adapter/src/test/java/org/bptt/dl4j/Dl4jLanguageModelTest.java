package org.bptt.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.bptt.api.Activation;
import org.bptt.api.DataType;
import org.bptt.api.LanguageModelForward;
import org.bptt.api.LanguageModelGradients;
import org.bptt.api.LanguageModelImplementation;
import org.bptt.api.LanguageModelParameters;
import org.bptt.api.LanguageModelSpec;
import org.bptt.api.Quantity;
import org.bptt.api.Tensor;
import org.bptt.api.TokenBatch;
import org.bptt.core.compare.IndexLabels;
import org.bptt.core.compare.QuantityComparison;
import org.bptt.core.compare.TensorComparator;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.reference.language.ReferenceLanguageModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * DL4J's language model ({@code EmbeddingSequenceLayer} + {@code SimpleRnn} + softmax {@code RnnOutputLayer})
 * against the reference {@code reference-lm} on the same weights: loss, hidden states, probabilities and every
 * parameter gradient, under the harness's default {@link TolerancePolicy} for doubles
 * (max(1e-12, 1e-9·|value|, 16 ulp)·√T; its javadoc gives the reasons). The reference's gradients are checked against
 * finite differences in reference-impl (TestLanguageModelFiniteDifferences), so agreement here means DL4J is right.
 */
class Dl4jLanguageModelTest {

    private static final LanguageModelImplementation DL4J = new Dl4jLanguageModel();
    private static final LanguageModelImplementation REFERENCE = new ReferenceLanguageModel();
    private static final TensorComparator COMPARATOR = new TensorComparator(TolerancePolicy.defaults());

    private final SplittableRandom random = new SplittableRandom(0x1a46_d14aL);

    @ParameterizedTest
    @EnumSource(Activation.class)
    void agreesWithTheReferenceOnARaggedBatch(Activation activation) {
        LanguageModelSpec spec = new LanguageModelSpec(7, 3, 5, activation);
        LanguageModelParameters parameters = randomParameters(spec);
        TokenBatch batch = new TokenBatch(new int[][] {
            {0, 3, 6, 2, 2, 5, 1, 4}, {6, 1}, {2, 2, 0, 4, 3}});   // lengths 8, 2, 5: steps 7, 1, 4
        assertAllPass(compare(spec, parameters, batch));
    }

    @Test
    void agreesOnALargerVocabularyWithTokensNeverUsed() {
        LanguageModelSpec spec = new LanguageModelSpec(30, 6, 8, Activation.SIGMOID);
        LanguageModelParameters parameters = randomParameters(spec);
        int[][] sequences = new int[4][];
        for (int sequence = 0; sequence < sequences.length; sequence++) {
            sequences[sequence] = random.ints(3 + 4 * sequence, 0, 12).toArray();   // ids ≥ 12 never occur
        }
        TokenBatch batch = new TokenBatch(sequences);
        assertAllPass(compare(spec, parameters, batch));
        Tensor embeddingGradient = DL4J.gradients(spec, parameters, batch).gradients().L();
        for (int row = 0; row < spec.embeddingSize(); row++) {
            for (int column = 12; column < spec.vocabularySize(); column++) {
                assertEquals(0.0, embeddingGradient.get(row, column), "dL/dL[" + row + ", " + column + "] of an unused token");
            }
        }
    }

    /** A uniform predictor (U = 0, b₂ = 0) has perplexity exactly |V| in DL4J too. */
    @Test
    void uniformPredictorHasPerplexityEqualToTheVocabularySize() {
        LanguageModelSpec spec = new LanguageModelSpec(11, 3, 4, Activation.TANH);
        LanguageModelParameters parameters = randomParameters(spec)
                .with("U", Tensor.zeros(11, 4)).with("b2", Tensor.zeros(11));
        LanguageModelForward forward = DL4J.forward(spec, parameters, new TokenBatch(new int[][] {{1, 2, 3}, {4, 5}}));
        assertEquals(11.0, forward.perplexity(), 1e-12 * 11);
    }

    /** One network per spec serves batches of any length (EmbeddingSequenceLayer infers its input length). */
    @Test
    void oneCachedNetworkTakesBatchesOfDifferentLengths() {
        LanguageModelSpec spec = new LanguageModelSpec(6, 2, 3, Activation.TANH);
        LanguageModelParameters parameters = randomParameters(spec);
        assertAllPass(compare(spec, parameters, new TokenBatch(new int[][] {{1, 2, 3, 4, 5, 0, 1, 2, 3}})));
        assertAllPass(compare(spec, parameters, new TokenBatch(new int[][] {{5, 4}, {3, 2, 1}})));
        assertAllPass(compare(spec, parameters, new TokenBatch(new int[][] {{0, 1, 2, 3, 4, 5, 4, 3, 2, 1, 0, 1}})));
    }

    /**
     * With large weights some target probabilities fall below 1e-10, and DL4J's loss is then the cross-entropy of
     * probabilities clamped to [1e-10, 1 − 1e-10] (LossMCXENT's softmaxClipEps): it equals the clamped loss of the
     * reference's own probabilities, not the exact loss, while every gradient still agrees with the reference (whose
     * gradients finite differences confirm). The adapter declares the loss, and only the loss, as a known divergence.
     */
    @Test
    void aClampedScoreIsTheClampedCrossEntropyAndIsDeclared() {
        LanguageModelSpec spec = new LanguageModelSpec(22, 8, 16, Activation.SIGMOID);
        LanguageModelParameters parameters = scaled(randomParameters(spec), 6.0);
        TokenBatch batch = new TokenBatch(new int[][] {
            random.ints(12, 0, 22).toArray(), random.ints(9, 0, 22).toArray(), random.ints(5, 0, 22).toArray()});
        LanguageModelForward reference = REFERENCE.forward(spec, parameters, batch);
        double epsilon = 1e-10;
        double clampedLossSum = 0;
        int clamped = 0;
        for (int b = 0; b < batch.batchSize(); b++) {
            for (int t = 0; t < batch.steps(b); t++) {
                double probability = reference.probabilities().get(b, t, batch.target(b, t));
                clamped += probability < epsilon || probability > 1 - epsilon ? 1 : 0;
                clampedLossSum -= Math.log(Math.min(Math.max(probability, epsilon), 1 - epsilon));
            }
        }
        assertTrue(clamped > 0, "the case must have a clamped target probability to show anything");
        double clampedLoss = clampedLossSum / batch.predictedTokens();
        List<QuantityComparison> comparisons = compare(spec, parameters, batch);
        for (QuantityComparison comparison : comparisons) {
            boolean isLoss = comparison.quantity().name().startsWith("loss");
            assertEquals(!isLoss, comparison.passed(), comparison.describe());
            assertEquals(isLoss, DL4J.knownDivergence(spec, parameters, batch, comparison.quantity()).isPresent(),
                    comparison.quantity().name());
        }
        QuantityComparison againstClamped = COMPARATOR.compareScalar(Quantity.LOSS, clampedLoss,
                DL4J.forward(spec, parameters, batch).loss(), DataType.FLOAT64, batch.maxSteps());
        assertTrue(againstClamped.passed(), againstClamped.describe());
        assertTrue(DL4J.knownDivergence(spec, scaled(parameters, 0.1), batch, Quantity.LOSS).isEmpty(),
                "small weights clamp nothing, so nothing is declared");
    }

    @Test
    void isFoundByServiceLoaderAsDl4jLm() {
        TreeSet<String> ids = new TreeSet<>();
        ServiceLoader.load(LanguageModelImplementation.class).forEach(plugin -> ids.add(plugin.info().id()));
        assertTrue(ids.contains(Dl4jLanguageModel.ID), "found: " + ids);
    }

    private static List<QuantityComparison> compare(LanguageModelSpec spec, LanguageModelParameters parameters,
                                                    TokenBatch batch) {
        int steps = batch.maxSteps();
        Tensor mask = batch.mask();
        List<QuantityComparison> comparisons = new ArrayList<>();
        LanguageModelForward expectedForward = REFERENCE.forward(spec, parameters, batch);
        LanguageModelForward actualForward = DL4J.forward(spec, parameters, batch);
        comparisons.add(COMPARATOR.compareScalar(Quantity.LOSS, expectedForward.loss(), actualForward.loss(), DataType.FLOAT64, steps));
        comparisons.add(COMPARATOR.compare(Quantity.HIDDEN_STATES, expectedForward.hiddenStates(), actualForward.hiddenStates(), mask,
                IndexLabels.HIDDEN_PER_STEP, DataType.FLOAT64, steps));
        comparisons.add(COMPARATOR.compare(Quantity.OUTPUTS, expectedForward.probabilities(), actualForward.probabilities(), mask,
                IndexLabels.OUTPUT_PER_STEP, DataType.FLOAT64, steps));
        LanguageModelGradients expected = REFERENCE.gradients(spec, parameters, batch);
        LanguageModelGradients actual = DL4J.gradients(spec, parameters, batch);
        comparisons.add(COMPARATOR.compareScalar(Quantity.GRADIENT_LOSS, expected.loss(), actual.loss(), DataType.FLOAT64, steps));
        for (String name : LanguageModelParameters.NAMES) {
            Tensor expectedGradient = expected.gradients().get(name);
            comparisons.add(COMPARATOR.compare(Quantity.gradientOf(name), expectedGradient, actual.gradients().get(name), null,
                    IndexLabels.generic(expectedGradient.rank()), DataType.FLOAT64, steps));
        }
        return comparisons;
    }

    private static void assertAllPass(List<QuantityComparison> comparisons) {
        assertEquals(3 + 1 + LanguageModelParameters.NAMES.size(), comparisons.size());
        StringBuilder failures = new StringBuilder();
        for (QuantityComparison comparison : comparisons) {
            assertTrue(comparison.elements() > 0, comparison.quantity() + ": nothing compared");
            if (!comparison.passed()) {
                failures.append('\n').append(comparison.describe());
            }
        }
        assertTrue(failures.length() == 0, "DL4J differs from the reference:" + failures);
    }

    private static LanguageModelParameters scaled(LanguageModelParameters parameters, double factor) {
        LanguageModelParameters result = parameters;
        for (String name : LanguageModelParameters.NAMES) {
            Tensor tensor = parameters.get(name).copy();
            for (int i = 0; i < tensor.length(); i++) {
                tensor.data()[i] *= factor;
            }
            result = result.with(name, tensor);
        }
        return result;
    }

    private LanguageModelParameters randomParameters(LanguageModelSpec spec) {
        LanguageModelParameters parameters = LanguageModelParameters.zeros(spec);
        for (String name : LanguageModelParameters.NAMES) {
            Tensor tensor = parameters.get(name).copy();
            for (int i = 0; i < tensor.length(); i++) {
                tensor.data()[i] = random.nextDouble(-0.8, 0.8);
            }
            parameters = parameters.with(name, tensor);
        }
        return parameters;
    }
}
