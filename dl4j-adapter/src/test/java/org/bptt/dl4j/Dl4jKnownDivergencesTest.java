package org.bptt.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.DataType;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.Quantity;
import org.bptt.api.Tensor;
import org.bptt.api.Truncation;
import org.bptt.api.WrongComputation;
import org.bptt.core.cases.CaseGenerator;
import org.bptt.core.gradcheck.FiniteDifferences;
import org.bptt.core.gradcheck.GradientCheck;
import org.bptt.core.plugins.PluginCallFailure;
import org.deeplearning4j.nn.api.layers.RecurrentLayer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The evidence for KNOWN_DIVERGENCES.md that is not about truncated BPTT ({@link Dl4jTruncatedBpttTest}): each
 * test shows DL4J differing from finite differences in one specific way while the reference agrees with them.
 * Finite differences come from harness-core's {@link FiniteDifferences} (fourth-order central differences of
 * each implementation's own forward loss, on eight seeded elements per tensor to keep DL4J's share fast) or, where
 * DL4J is driven directly, from {@link PlainFiniteDifferences}.
 */
class Dl4jKnownDivergencesTest {

    /** What a correct gradient reaches against fourth-order finite differences (relative error, floor 1e-8). */
    private static final double FINITE_DIFFERENCE_AGREEMENT = 1e-6;
    /** A difference this large is an error in the mathematics, not rounding. */
    private static final double CLEAR_DISAGREEMENT = 1e-2;

    /**
     * Last-step heads with a mask: DL4J's dL/dx (from {@code MultiLayerNetwork.calculateGradients}) misses finite
     * differences of DL4J's own forward loss, while its parameter gradients (from
     * {@code computeGradientAndScore}) and all of the reference's gradients match. Calling calculateGradients
     * without the features mask gives the right dL/dx, which confirms the cause: calculateGradients hands the
     * features mask to the forward pass in place of the labels mask.
     */
    @ParameterizedTest
    @EnumSource(value = Head.class, names = {"LAST_STEP_SOFTMAX", "LAST_STEP_SIGMOID"})
    void inputGradientsOfMaskedLastStepHeadsMissFiniteDifferences(Head head) throws PluginCallFailure {
        ModelSpec spec = new ModelSpec(Cell.ELMAN, 3, 4, head == Head.LAST_STEP_SIGMOID ? 1 : 3, Activation.TANH, head, true,
                LossReduction.MEAN_OVER_BATCH, DataType.FLOAT64);
        Case testCase = CaseGenerator.generate("masked-last-step", spec, 3, 6, true, false, 3);
        Batch batch = testCase.batch();
        assertTrue(Dl4jKnownDivergences.inputGradientsDiverge(testCase), "the predicate must cover this case");
        assertTrue(batch.length(0) < 6 || batch.length(1) < 6 || batch.length(2) < 6, "the case needs a short sequence");

        FiniteDifferences finiteDifferences = new FiniteDifferences(FiniteDifferences.DEFAULT_EPSILON, 8, 17);
        GradientCheck dl4j = finiteDifferences.check(Dl4jTestSupport.isolated(Dl4jTestSupport.DL4J), testCase);
        GradientCheck reference = finiteDifferences.check(Dl4jTestSupport.isolated(Dl4jTestSupport.REFERENCE), testCase);
        assertTrue(reference.passed(FINITE_DIFFERENCE_AGREEMENT), reference::describe);
        for (String name : spec.parameterNames()) {
            assertTrue(dl4j.parameter(name).orElseThrow().passed(FINITE_DIFFERENCE_AGREEMENT), dl4j::describe);
        }
        assertTrue(dl4j.parameter("x").orElseThrow().maxRelativeError() > CLEAR_DISAGREEMENT, dl4j::describe);

        Tensor withoutFeaturesMask = calculateGradientsInputGradient(spec, testCase.parameters(), batch, false);
        Tensor withBothMasks = calculateGradientsInputGradient(spec, testCase.parameters(), batch, true);
        Tensor expected = Dl4jTestSupport.REFERENCE.gradients(spec, testCase.parameters(), batch).inputGradients();
        assertTrue(Dl4jTestSupport.compareInputGradients(spec, batch, expected, withoutFeaturesMask).passed(),
                "calculateGradients without the features mask should give the right dL/dx");
        assertFalse(Dl4jTestSupport.compareInputGradients(spec, batch, expected, withBothMasks).passed(),
                "calculateGradients with both masks is the divergence");
    }

    /** Per-step heads pass the same array as features and labels mask, so the swap is harmless there. */
    @Test
    void inputGradientsOfMaskedPerStepHeadsAreRight() throws PluginCallFailure {
        ModelSpec spec = new ModelSpec(Cell.ELMAN, 3, 4, 3, Activation.TANH, Head.PER_STEP_SOFTMAX, true, LossReduction.SUM,
                DataType.FLOAT64);
        Case testCase = CaseGenerator.generate("masked-per-step", spec, 3, 6, true, false, 3);
        assertFalse(Dl4jKnownDivergences.inputGradientsDiverge(testCase));
        GradientCheck dl4j = new FiniteDifferences(FiniteDifferences.DEFAULT_EPSILON, 8, 17)
                .check(Dl4jTestSupport.isolated(Dl4jTestSupport.DL4J), testCase);
        assertTrue(dl4j.passed(FINITE_DIFFERENCE_AGREEMENT), dl4j::describe);
    }

    /**
     * §3: why a given h_{-1} is a known divergence. DL4J can start from a given h_{-1} only through its stored RNN state; set
     * as the truncated-BPTT state (with k1 = k2 = T, so nothing is truncated) it reaches the forward pass: the
     * loss, dV and dc match finite differences of the loss from that h_{-1}. But dU, dW and db miss them, because
     * SimpleRnn's backprop recomputes the hidden states from h = 0. The reference matches all five.
     */
    @Test
    void aGivenInitialStateReachesTheForwardPassButNotTheRecurrentGradients() {
        ModelSpec spec = new ModelSpec(Cell.ELMAN, 3, 4, 3, Activation.TANH, Head.PER_STEP_SOFTMAX, true, LossReduction.SUM,
                DataType.FLOAT64);
        int steps = 5;
        Case testCase = CaseGenerator.generate("initial-state", spec, 2, steps, false, true, 5);
        Batch batch = testCase.batch();
        Parameters numeric = PlainFiniteDifferences.parameterGradients(spec, testCase.parameters(), batch);
        double expectedLoss = PlainElman.loss(spec, testCase.parameters(), batch);
        Parameters reference = Dl4jTestSupport.REFERENCE.gradients(spec, testCase.parameters(), batch).parameterGradients();

        MultiLayerNetwork network = Dl4jNetwork.build(Dl4jNetwork.Key.of(Dl4jRecurrentLayer.SIMPLE_RNN, spec, new org.bptt.api.Truncation(steps, steps)));
        Dl4jNetwork.setParameters(network, Dl4jRecurrentLayer.SIMPLE_RNN, spec, testCase.parameters());
        Dl4jBatch data = Dl4jBatch.of(spec, batch, org.nd4j.linalg.api.buffer.DataType.DOUBLE);
        INDArray initialState = Dl4jLayout.array(batch.initialState().data().clone(),
                org.nd4j.linalg.api.buffer.DataType.DOUBLE, batch.batchSize(), spec.hiddenSize());
        ((RecurrentLayer) network.getLayer(0)).rnnSetTBPTTState(Map.of("prevAct", initialState));
        network.setInput(data.features());
        network.setLabels(data.labels());
        network.computeGradientAndScore();
        double loss = network.score() * batch.batchSize();
        Parameters dl4j = Dl4jNetwork.parameterGradients(network.gradient().gradientForVariable(), 1.0, Dl4jRecurrentLayer.SIMPLE_RNN, spec);

        assertTrue(Math.abs(loss - expectedLoss) < 1e-12 * Math.abs(expectedLoss),
                "DL4J's loss from h_{-1}: " + loss + " vs " + expectedLoss);
        for (String name : spec.parameterNames()) {
            assertTrue(relativeDifference(reference.get(name), numeric.get(name)) < FINITE_DIFFERENCE_AGREEMENT,
                    "reference dL/d" + name + " from h_{-1} vs finite differences");
        }
        for (String name : List.of("V", "c")) {
            assertTrue(relativeDifference(dl4j.get(name), numeric.get(name)) < FINITE_DIFFERENCE_AGREEMENT,
                    "DL4J dL/d" + name + " from h_{-1} vs finite differences");
        }
        for (String name : List.of("U", "W", "b")) {
            assertTrue(relativeDifference(dl4j.get(name), numeric.get(name)) > CLEAR_DISAGREEMENT,
                    "DL4J dL/d" + name + " from h_{-1} was expected to miss finite differences");
        }
    }

    /**
     * Why NO_BIASES holds the output bias at zero instead of using {@code hasBias(false)}: an
     * {@code RnnOutputLayer} built without a bias computes gradients, but its forward pass
     * ({@code RnnOutputLayer.activate}, used by {@code feedForward}, {@code output} and
     * {@code rnnActivateUsingStoredState}) adds the bias unconditionally and throws a NullPointerException.
     */
    @Test
    void anRnnOutputLayerWithoutBiasCannotRunForward() {
        MultiLayerNetwork network = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .dataType(org.nd4j.linalg.api.buffer.DataType.DOUBLE)
                .updater(new NoOp())
                .list()
                .layer(new SimpleRnn.Builder().nIn(3).nOut(4).activation(org.nd4j.linalg.activations.Activation.TANH).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4).nOut(3).hasBias(false)
                        .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build())
                .build());
        network.init();
        assertEquals(Set.of("0_W", "0_RW", "0_b", "1_W"), network.paramTable().keySet());
        INDArray features = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.DOUBLE, 2, 3, 5);
        INDArray labels = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.DOUBLE, 2, 3, 5);
        labels.get(NDArrayIndex.all(), NDArrayIndex.point(0), NDArrayIndex.all()).assign(1.0);
        network.setInput(features);
        network.setLabels(labels);
        network.computeGradientAndScore();
        assertTrue(Double.isFinite(network.score()), "the gradient path works without the bias");
        NullPointerException crash = assertThrows(NullPointerException.class, () -> network.feedForward(features));
        assertTrue(java.util.Arrays.stream(crash.getStackTrace()).anyMatch(frame ->
                frame.getClassName().equals("org.deeplearning4j.nn.layers.recurrent.RnnOutputLayer")
                        && frame.getMethodName().equals("activate")), "crashes in RnnOutputLayer.activate");
    }

    /** knownDivergence names the calculateGradients bug for dL/dx of last-step heads whose mask masks something only. */
    @Test
    void theInputGradientBugIsDeclaredWhereItApplies() {
        Dl4jSimpleRnn dl4j = new Dl4jSimpleRnn();
        ModelSpec lastStep = new ModelSpec(Cell.ELMAN, 3, 4, 3, Activation.TANH, Head.LAST_STEP_SOFTMAX, true, LossReduction.SUM,
                DataType.FLOAT64);
        Case maskedCase = CaseGenerator.generate("masked", lastStep, 3, 6, true, false, 3);
        Parameters weights = maskedCase.parameters();
        Batch masked = maskedCase.batch();
        String explanation = dl4j.knownDivergence(lastStep, weights, masked, null, Quantity.INPUT_GRADIENTS).orElseThrow().description();
        assertTrue(explanation.startsWith("DL4J bug: MultiLayerNetwork.calculateGradients"), explanation);
        assertTrue(explanation.contains("KNOWN_DIVERGENCES.md §1"), explanation);
        assertEquals(Optional.empty(), dl4j.knownDivergence(lastStep, weights, masked, null, Quantity.gradientOf("U")));
        Case perStep = CaseGenerator.generate("masked", lastStep.withHead(Head.PER_STEP_SOFTMAX), 3, 6, true, false, 3);
        assertEquals(Optional.empty(), dl4j.knownDivergence(perStep.spec(), perStep.parameters(), perStep.batch(), null,
                Quantity.INPUT_GRADIENTS));
        // B = 1: the mask is all ones, handed to DL4J as no mask, and dL/dx is right.
        Batch allOnes = CaseGenerator.generate("one", lastStep, 1, 6, true, false, 3).batch();
        assertEquals(Optional.empty(), dl4j.knownDivergence(lastStep, weights, allOnes, null, Quantity.INPUT_GRADIENTS));
        GradientResult expected = Dl4jTestSupport.REFERENCE.gradients(lastStep, CaseGenerator.generate("one", lastStep, 1, 6,
                true, false, 3).parameters(), allOnes);
        GradientResult actual = dl4j.gradients(lastStep, CaseGenerator.generate("one", lastStep, 1, 6, true, false, 3)
                .parameters(), allOnes);
        assertTrue(Dl4jTestSupport.compareInputGradients(lastStep, allOnes, expected.inputGradients(),
                actual.inputGradients()).passed());
    }

    /**
     * Truncated explanations say which causes apply (in the case's detail: the description is the same for every
     * case). With T ≤ k1 there is one chunk and no bug: BPTT(5, 2) on T = 5
     * differs from the definition only because DL4J ignores k2, and indeed DL4J then returns exactly full BPTT.
     * With whole chunks after the first (T = 6, k1 = k2 = 3) only the h = 0 bug applies; with a short last chunk
     * (T = 7) the chunk-start difference of definition joins it.
     */
    @Test
    void truncatedExplanationsSayWhetherABugOrTheDefinitionApplies() {
        Dl4jSimpleRnn dl4j = new Dl4jSimpleRnn();
        ModelSpec spec = new ModelSpec(Cell.ELMAN, 3, 4, 3, Activation.TANH, Head.PER_STEP_SOFTMAX, true, LossReduction.SUM,
                DataType.FLOAT64);
        Case oneChunk = CaseGenerator.generate("one-chunk", spec, 2, 5, false, false, 8);
        Truncation ignoredK2 = new Truncation(5, 2);
        String recurrent = dl4j.knownDivergence(spec, oneChunk.parameters(), oneChunk.batch(), ignoredK2,
                Quantity.gradientOf("U")).orElseThrow().caseDetail();
        assertEquals("k1 = 5, k2 = 2: §2a", recurrent, "DL4J ignores k2, and no bug applies");
        String output = dl4j.knownDivergence(spec, oneChunk.parameters(), oneChunk.batch(), ignoredK2,
                Quantity.gradientOf("V")).orElseThrow().description();
        assertTrue(output.startsWith("Difference of definition, not a bug"), output);
        Parameters full = Dl4jTestSupport.REFERENCE.gradients(spec, oneChunk.parameters(), oneChunk.batch()).parameterGradients();
        Parameters truncated = dl4j.truncatedGradients(spec, oneChunk.parameters(), oneChunk.batch(), ignoredK2).parameterGradients();
        for (String name : spec.parameterNames()) {
            assertTrue(Dl4jTestSupport.COMPARATOR.compare(Quantity.gradientOf(name), full.get(name), truncated.get(name), null,
                    org.bptt.core.compare.IndexLabels.generic(full.get(name).rank()), DataType.FLOAT64, 5).passed(),
                    "DL4J's BPTT(5, 2) on T = 5 is full BPTT: dL/d" + name);
        }

        Case whole = CaseGenerator.generate("whole", spec, 2, 6, false, false, 11);
        Batch wholeChunks = whole.batch();
        WrongComputation bugOnly = dl4j.knownDivergence(spec, whole.parameters(), wholeChunks, new Truncation(3, 3),
                Quantity.gradientOf("W")).orElseThrow();
        assertTrue(bugOnly.description().contains("DL4J bug: SimpleRnn.tbpttBackpropGradient"), bugOnly.description());
        assertEquals("k1 = 3, k2 = 3: §2c", bugOnly.caseDetail(), "the bug alone applies");
        assertEquals(Optional.empty(), dl4j.knownDivergence(spec, whole.parameters(), wholeChunks, new Truncation(3, 3),
                Quantity.gradientOf("V")),
                "dV and dc are right with whole chunks and k2 = k1");

        Case shortLast = CaseGenerator.generate("short", spec, 2, 7, false, false, 12);
        String both = dl4j.knownDivergence(spec, shortLast.parameters(), shortLast.batch(), new Truncation(3, 3),
                Quantity.gradientOf("b")).orElseThrow().caseDetail();
        assertEquals("k1 = 3, k2 = 3: §2c, §2b", both, "the bug and the chunk start's difference of definition");

        for (Quantity quantity : List.of(Quantity.GRADIENT_LOSS, Quantity.gradientOf("U"), Quantity.gradientOf("V"),
                Quantity.INPUT_GRADIENTS)) {
            assertEquals(Optional.empty(), dl4j.knownDivergence(spec, whole.parameters(), wholeChunks, new Truncation(6, 8),
                    quantity),
                    "nothing is cut: " + quantity);
        }
    }

    /**
     * DL4J's MCXENT score clamps probabilities to [1e-10, 1 − 1e-10]. In the DEFAULT suite (seed 42) relu at T = 64
     * saturates the softmax: DL4J's loss is the loss of the reference's own outputs with that clamp applied, the
     * gradients (not clamped by MCXENT) agree, and knownDivergence explains the losses, for this batch only.
     */
    @Test
    void theClampedSoftmaxScoreIsDeclaredForTheBatchThatHitIt() {
        Case clamped = org.bptt.core.cases.Suite.DEFAULT.cases(42L).stream()
                .filter(c -> c.id().equals("relu-lastsoftmax-bias-nomask-noh0-meant-B3-T64")).findFirst().orElseThrow();
        ModelSpec spec = clamped.spec();
        Batch batch = clamped.batch();
        Dl4jSimpleRnn dl4j = new Dl4jSimpleRnn();
        double dl4jLoss = dl4j.forward(spec, clamped.parameters(), batch).loss();

        Tensor referenceOutputs = Dl4jTestSupport.REFERENCE.forward(spec, clamped.parameters(), batch).outputs();
        double exact = 0;
        double clampedLoss = 0;
        for (int sequence = 0; sequence < batch.batchSize(); sequence++) {
            for (int output = 0; output < spec.outputSize(); output++) {
                double target = batch.targets().get(sequence, output);
                double probability = referenceOutputs.get(sequence, output);
                exact -= target * Math.log(probability);
                clampedLoss -= target * Math.log(Math.min(Math.max(probability, 1e-10), 1 - 1e-10));
            }
        }
        double divisor = spec.reduction().divisor(batch.batchSize(), batch.lossTerms(spec.head()));
        assertTrue(Math.abs(exact / divisor - dl4jLoss) > 1, "the clamp changes the loss: " + dl4jLoss + " vs " + exact / divisor);
        assertEquals(clampedLoss / divisor, dl4jLoss, 1e-9 * dl4jLoss, "DL4J's loss is the clamped loss");

        Parameters weights = clamped.parameters();
        String explanation = dl4j.knownDivergence(spec, weights, copy(batch), null, Quantity.LOSS).orElseThrow().description();
        assertTrue(explanation.contains("DL4J's LossMCXENT clamps softmax probabilities"), explanation);
        assertTrue(dl4j.knownDivergence(spec, weights, batch, null, Quantity.GRADIENT_LOSS).isPresent());
        assertEquals(Optional.empty(), dl4j.knownDivergence(spec, weights, batch, null, Quantity.gradientOf("U")),
                "MCXENT's gradient is not clamped");
        GradientResult expected = Dl4jTestSupport.REFERENCE.gradients(spec, clamped.parameters(), batch);
        GradientResult actual = dl4j.gradients(spec, clamped.parameters(), batch);
        List<String> failures = Dl4jTestSupport.failures("clamped", Dl4jTestSupport.compareParameterGradients(spec, batch,
                expected, actual));
        assertEquals(List.of("clamped: loss (gradients)"), failures.stream().map(f -> f.substring(0, f.indexOf(" 1 of"))).toList());

        Case other = CaseGenerator.generate("other", spec, 3, 64, false, false, 1);
        assertEquals(Optional.empty(), dl4j.knownDivergence(spec, other.parameters(), other.batch(), null, Quantity.LOSS),
                "the explanation holds for the weights and batch that clamp only");
        dl4j.forward(spec, other.parameters(), other.batch());
        assertEquals(explanation, dl4j.knownDivergence(spec, weights, batch, null, Quantity.LOSS).orElseThrow().description(),
                "decided from the arguments alone: a call on other data in between changes nothing");
    }

    private static Batch copy(Batch batch) {
        return new Batch(batch.inputs().copy(), batch.targets().copy(), batch.mask() == null ? null : batch.mask().copy(),
                batch.initialState() == null ? null : batch.initialState().copy());
    }

    /** dL/dx from {@code MultiLayerNetwork.calculateGradients} with SimpleRnn, with or without the features mask. */
    private static Tensor calculateGradientsInputGradient(ModelSpec spec, Parameters parameters, Batch batch,
                                                          boolean withFeaturesMask) {
        return calculateGradientsInputGradient(Dl4jRecurrentLayer.SIMPLE_RNN, spec, parameters, batch, withFeaturesMask);
    }

    /** dL/dx from {@code MultiLayerNetwork.calculateGradients}, with or without the features mask. */
    static Tensor calculateGradientsInputGradient(Dl4jRecurrentLayer layer, ModelSpec spec, Parameters parameters,
                                                  Batch batch, boolean withFeaturesMask) {
        MultiLayerNetwork network = Dl4jNetwork.build(Dl4jNetwork.Key.of(layer, spec, null));
        Dl4jNetwork.setParameters(network, layer, spec, parameters);
        Dl4jBatch data = Dl4jBatch.of(spec, batch, org.nd4j.linalg.api.buffer.DataType.DOUBLE);
        INDArray inputGradient = network.calculateGradients(data.features(), data.labels(),
                withFeaturesMask ? data.featureMask() : null, data.labelMask()).getSecond();
        Tensor gradient = Dl4jLayout.fromTimeLast(inputGradient);
        double divisor = spec.reduction().divisor(batch.batchSize(), batch.lossTerms(spec.head()));
        for (int i = 0; i < gradient.length(); i++) {
            gradient.data()[i] /= divisor;
        }
        return gradient;
    }

    /** max |a − b| / ‖b‖. */
    private static double relativeDifference(Tensor actual, Tensor expected) {
        return Dl4jTestSupport.maxAbsoluteDifference(actual, expected, null) / expected.norm();
    }
}
