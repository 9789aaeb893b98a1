package org.bptt.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.Capability;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.DataType;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.PluginInfo;
import org.bptt.api.Quantity;
import org.bptt.api.RnnImplementation;
import org.bptt.api.Tensor;
import org.bptt.api.Truncation;
import org.bptt.api.WrongComputation;
import org.bptt.core.cases.CaseGenerator;
import org.bptt.core.cases.SuiteCase;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.verify.CaseResult;
import org.bptt.core.verify.OracleComputation;
import org.bptt.core.verify.Status;
import org.bptt.core.verify.Verifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The known divergences are checked claims: DL4J's numbers match the models of its bugs ({@link Dl4jBugModels}), so
 * the gate calls them known; a plugin that is wrong inside the same class of cases in another way fails, naming
 * the claim and both distances; and each model reduces to the exact computation where its bug has no effect.
 */
class Dl4jBugModelsTest {

    private static final Verifier VERIFIER = new Verifier(TolerancePolicy.defaults(), Duration.ofSeconds(60));
    private static final LoadedPlugin DL4J = LoadedPlugin.of(Dl4jTestSupport.DL4J, "test");
    private static final LoadedPlugin ORACLE = LoadedPlugin.of(Dl4jTestSupport.REFERENCE, "test");
    private static final OracleComputation EXACT = new OracleComputation(Dl4jTestSupport.isolated(Dl4jTestSupport.REFERENCE));

    private static final String INPUT_GRADIENT_BUG = "DL4J bug: MultiLayerNetwork.calculateGradients";

    private static ModelSpec spec(Head head) {
        return new ModelSpec(Cell.ELMAN, 3, 4, head == Head.LAST_STEP_SIGMOID ? 1 : 3, Activation.TANH, head, true,
                LossReduction.MEAN_OVER_BATCH, DataType.FLOAT64);
    }

    private static List<String> failed(CaseResult result) {
        return result.comparisons().stream().filter(c -> !c.passed()).map(c -> c.quantity().name()).toList();
    }

    /** §1's case (KNOWN_DIVERGENCES.md, lengths 6, 2, 4): DL4J's dL/dx is the model's, so it is known. */
    @ParameterizedTest
    @EnumSource(value = Head.class, names = {"LAST_STEP_SOFTMAX", "LAST_STEP_SIGMOID"})
    void dl4jsInputGradientsMatchTheFeaturesMaskModel(Head head) {
        Case masked = CaseGenerator.generate("masked", spec(head), 3, 6, true, false, 3);
        CaseResult result = VERIFIER.verify(SuiteCase.fullBptt(masked), DL4J, ORACLE);
        assertEquals(Status.KNOWN_DIVERGENCE, result.status(), result.message());
        assertTrue(result.message().startsWith("known divergence: " + INPUT_GRADIENT_BUG), result.message());
        assertEquals(List.of("dL/dx"), failed(result));
    }

    /**
     * A DL4J whose dL/dx on masked last-step batches is wrong, but not the way §1 is (the exact dL/dx scaled by 1.5),
     * still claiming §1: the gate fails it, naming the claim and both distances.
     */
    @Test
    void anotherInputGradientBugInsideTheSameClassFails() {
        Case masked = CaseGenerator.generate("masked", spec(Head.LAST_STEP_SOFTMAX), 3, 6, true, false, 3);
        CaseResult result = VERIFIER.verify(SuiteCase.fullBptt(masked), LoadedPlugin.of(new ScaledInputGradients(), "test"),
                ORACLE);
        assertEquals(Status.FAILED, result.status(), result.message());
        assertTrue(result.message().matches("dL/dx: \\S+ \\(\\d+ of \\d+ elements beyond tolerance\\) from exact, \\S+ \\(\\d+"
                + " of \\d+ elements beyond tolerance\\) from the model of '" + java.util.regex.Pattern.quote(INPUT_GRADIENT_BUG)
                + ".*' — the known divergence no longer explains it .*"), result.message());
        assertEquals(List.of(), result.explanations());
    }

    /** DL4J's truncated BPTT (§2) matches the model of chunks recomputed from zero, on whole and short last chunks. */
    @Test
    void dl4jsTruncatedGradientsMatchTheChunkModel() {
        ModelSpec perStep = spec(Head.PER_STEP_SOFTMAX).withReduction(LossReduction.SUM);
        List<SuiteCase> cases = List.of(
                SuiteCase.truncated(CaseGenerator.generate("whole", perStep, 2, 6, false, false, 11), new Truncation(3, 3)),
                SuiteCase.truncated(CaseGenerator.generate("short", perStep, 2, 7, false, false, 12), new Truncation(3, 3)),
                SuiteCase.truncated(CaseGenerator.generate("k2", perStep, 3, 7, true, false, 13), new Truncation(4, 2)),
                SuiteCase.truncated(CaseGenerator.generate("last", spec(Head.LAST_STEP_SOFTMAX), 3, 7, true, false, 14),
                        new Truncation(3, 3)),
                SuiteCase.truncated(CaseGenerator.generate("sigmoid", spec(Head.LAST_STEP_SIGMOID), 3, 8, true, false, 15),
                        new Truncation(3, 5)));
        for (SuiteCase suiteCase : cases) {
            CaseResult result = VERIFIER.verify(suiteCase, DL4J, ORACLE);
            assertEquals(Status.KNOWN_DIVERGENCE, result.status(), suiteCase.id() + ": " + result.message());
        }
    }

    /** Where nothing is cut (k1 ≥ T) the chunk model is full BPTT, and dL/dx is not predicted (DL4J returns none). */
    @Test
    void theChunkModelIsFullBpttWhenNothingIsCut() {
        Case testCase = CaseGenerator.generate("uncut", spec(Head.PER_STEP_SOFTMAX), 3, 5, true, false, 21);
        GradientResult exact = Dl4jTestSupport.REFERENCE.gradients(testCase.spec(), testCase.parameters(), testCase.batch());
        GradientResult predicted = Dl4jBugModels.truncatedChunks(testCase.spec(), testCase.parameters(), testCase.batch(),
                new Truncation(5, 2), EXACT).gradients();
        assertEquals(null, predicted.inputGradients());
        assertEquals(exact.loss(), predicted.loss(), 1e-12 * Math.abs(exact.loss()));
        for (String name : testCase.spec().parameterNames()) {
            assertTrue(Dl4jTestSupport.maxAbsoluteDifference(exact.parameterGradients().get(name),
                    predicted.parameterGradients().get(name), null) < 1e-12, name);
        }
    }

    /**
     * §2 in a stack: every layer's backward pass recomputes its chunk from zero on the input it kept from the carried
     * forward pass, driven by the errors the layer above hands down. DL4J's truncated gradients of two- and
     * three-layer networks of each recurrent layer match that model (known, and checked), on whole and short last
     * chunks, with k2 ignored, per-step and last-step heads, masked.
     */
    @ParameterizedTest
    @EnumSource(Dl4jRecurrentLayer.class)
    void dl4jsTruncatedGradientsOfAStackMatchTheLayerByLayerChunkModel(Dl4jRecurrentLayer layer) {
        Cell cell = layer == Dl4jRecurrentLayer.SIMPLE_RNN ? Cell.ELMAN : Cell.LSTM;
        boolean peepholes = layer == Dl4jRecurrentLayer.GRAVES_LSTM;
        ModelSpec twoLayers = StackedCases.spec(cell, peepholes, Head.PER_STEP_SOFTMAX, org.bptt.api.Topology.forward(2));
        ModelSpec threeLayers = StackedCases.spec(cell, peepholes, Head.LAST_STEP_SIGMOID, org.bptt.api.Topology.forward(3));
        List<SuiteCase> cases = List.of(
                SuiteCase.truncated(stackedCase(twoLayers, 7, 51), new Truncation(3, 3)),
                SuiteCase.truncated(stackedCase(twoLayers, 8, 52), new Truncation(4, 2)),
                SuiteCase.truncated(stackedCase(threeLayers, 8, 53), new Truncation(3, 5)));
        RnnImplementation plugin = layer == Dl4jRecurrentLayer.SIMPLE_RNN ? Dl4jTestSupport.DL4J
                : Dl4jTestSupport.lstmPlugin(layer);
        for (SuiteCase suiteCase : cases) {
            CaseResult result = VERIFIER.verify(suiteCase, LoadedPlugin.of(plugin, "test"), ORACLE);
            String context = layer + " " + suiteCase.id() + " " + suiteCase.truncation() + ": " + result.message();
            assertEquals(Status.KNOWN_DIVERGENCE, result.status(), context);
            assertTrue(result.message().contains("§2c") && !result.message().contains("unchecked"), context);
            assertTrue(failed(result).stream().anyMatch(name -> name.startsWith("dL/dl1.")), context);
        }
    }

    /** Where nothing is cut (k1 ≥ T) the chunk model of a three-layer LSTM stack is full BPTT, layer by layer. */
    @Test
    void theChunkModelOfAStackIsFullBpttWhenNothingIsCut() {
        ModelSpec spec = StackedCases.spec(Cell.LSTM, true, Head.PER_STEP_SOFTMAX, org.bptt.api.Topology.forward(3));
        Case testCase = stackedCase(spec, 6, 54);
        GradientResult exact = Dl4jTestSupport.REFERENCE.gradients(spec, testCase.parameters(), testCase.batch());
        GradientResult predicted = Dl4jBugModels.truncatedChunks(spec, testCase.parameters(), testCase.batch(),
                new Truncation(6, 2), EXACT).gradients();
        assertEquals(exact.loss(), predicted.loss(), 1e-12 * Math.abs(exact.loss()));
        for (String name : spec.parameterNames()) {
            assertTrue(Dl4jTestSupport.maxAbsoluteDifference(exact.parameterGradients().get(name),
                    predicted.parameterGradients().get(name), null) < 1e-12, name);
        }
    }

    private static Case stackedCase(ModelSpec spec, int steps, long seed) {
        return new Case("stacked-" + spec.layers() + "-T" + steps, spec.label(), spec, StackedCases.parameters(spec, seed),
                StackedCases.batch(spec, steps, true, seed), seed);
    }

    /**
     * The sigmoid head's §1 transformation: at each sequence's last step, the per-step softmax over (o, 0) with the
     * target (t, 1 − t) is the sigmoid head's own loss, so on a batch without a mask (one loss term per sequence, at
     * T − 1) the transformed case's dL/dx is the exact one.
     */
    @Test
    void theSigmoidTransformationGivesTheSigmoidLossAtTheLastStep() {
        Case unmasked = CaseGenerator.generate("unmasked", spec(Head.LAST_STEP_SIGMOID), 3, 5, false, false, 22);
        Tensor exact = Dl4jTestSupport.REFERENCE.gradients(unmasked.spec(), unmasked.parameters(), unmasked.batch())
                .inputGradients();
        // Without a mask every step is unmasked: zero labels before the last one add p(o_t) terms, so compare only
        // the last step, which no later step's loss reaches.
        Tensor transformed = Dl4jBugModels.lossAtEveryUnmaskedStep(unmasked.spec(), unmasked.parameters(),
                unmasked.batch(), EXACT).inputGradients();
        for (int sequence = 0; sequence < 3; sequence++) {
            for (int i = 0; i < 3; i++) {
                assertEquals(exact.get(sequence, 4, i), transformed.get(sequence, 4, i), 1e-12);
            }
        }
    }

    /**
     * §3, now compared instead of skipped: from a given h_{-1}, DL4J's h, y, loss, dL/dV and dL/dc are right (they pass
     * against the exact values), and its recurrent gradients and dL/dx are the known divergence, matching its model.
     */
    @ParameterizedTest
    @EnumSource(value = Head.class)
    void aGivenInitialStateIsComparedAndItsRecurrentGradientsAreTheModelledDivergence(Head head) {
        Case given = CaseGenerator.generate("h0", spec(head), 3, 5, true, true, 5);
        CaseResult result = VERIFIER.verify(SuiteCase.fullBptt(given), DL4J, ORACLE);
        assertEquals(Status.KNOWN_DIVERGENCE, result.status(), result.message());
        assertTrue(result.message().startsWith("known divergence: DL4J bug: a given h_{-1}"), result.message());
        Set<String> passed = result.comparisons().stream().filter(c -> c.passed()).map(c -> c.quantity().name())
                .collect(Collectors.toSet());
        assertTrue(passed.containsAll(List.of("h", "y", "loss", "loss (gradients)", "dL/dV", "dL/dc")), passed.toString());
        assertTrue(Set.of("dL/dU", "dL/dW", "dL/db", "dL/dx").containsAll(failed(result)), failed(result).toString());
    }

    /** With h_{-1} = 0 given, the §3 model is the exact computation (recomputing from zero changes nothing). */
    @Test
    void theInitialStateModelIsExactFromAZeroState() {
        Case given = CaseGenerator.generate("h0", spec(Head.PER_STEP_SOFTMAX), 2, 4, false, true, 6);
        Batch zero = new Batch(given.batch().inputs(), given.batch().targets(), null,
                Tensor.zeros(given.batch().initialState().shape()));
        GradientResult exact = Dl4jTestSupport.REFERENCE.gradients(given.spec(), given.parameters(), zero);
        GradientResult predicted = Dl4jBugModels.givenInitialState(given.spec(), given.parameters(), zero, null, EXACT)
                .gradients();
        for (String name : given.spec().parameterNames()) {
            assertTrue(Dl4jTestSupport.maxAbsoluteDifference(exact.parameterGradients().get(name),
                    predicted.parameterGradients().get(name), null) < 1e-12, name);
        }
        assertTrue(Dl4jTestSupport.maxAbsoluteDifference(exact.inputGradients(), predicted.inputGradients(), null) < 1e-12);
    }

    /**
     * §11: a bidirectional LSTM network with a mask that shortens a sequence reads the padding; every quantity DL4J
     * gives is the model's (the network run unmasked, the loss kept at the real loss steps), for each head and both
     * LSTM layers, one and two layers.
     */
    @ParameterizedTest
    @EnumSource(value = Head.class)
    void bidirectionalLstmsMatchTheUnmaskedRecurrenceModel(Head head) {
        for (Dl4jRecurrentLayer layer : List.of(Dl4jRecurrentLayer.LSTM, Dl4jRecurrentLayer.GRAVES_LSTM)) {
            for (int layers : new int[] {1, 2}) {
                ModelSpec spec = StackedCases.spec(Cell.LSTM, layer == Dl4jRecurrentLayer.GRAVES_LSTM, head,
                        org.bptt.api.Topology.bidirectional(layers, org.bptt.api.Combine.CONCAT));
                Batch batch = StackedCases.batch(spec, 7, true, 40L + layers);
                Case masked = new Case("bidirectional-" + layers, spec.label(), spec, StackedCases.parameters(spec,
                        90L + layers), batch, 40L + layers);
                CaseResult result = VERIFIER.verify(SuiteCase.fullBptt(masked),
                        LoadedPlugin.of(Dl4jTestSupport.lstmPlugin(layer), "test"), ORACLE);
                String context = layer + " " + layers + " layers: " + result.message();
                assertEquals(Status.KNOWN_DIVERGENCE, result.status(), context);
                assertTrue(result.message().contains("§11") && !result.message().contains("unchecked"), context);
            }
        }
    }

    /**
     * §11 under {@code LastTimeStep} (plugin dl4j-lstm-last-time-step): the top layer gets its mask back but its
     * backward pass leaks into the padding, the layers below run unmasked, and the hidden states are those of the
     * network unmasked. DL4J's every quantity is the model's ({@link Dl4jLastTimeStepLstmModel}), checked, for both
     * last-step heads, one, two and three layers and each combine mode.
     */
    @ParameterizedTest
    @EnumSource(value = Head.class, names = {"LAST_STEP_SOFTMAX", "LAST_STEP_SIGMOID"})
    void lastTimeStepBidirectionalLstmsMatchTheirModel(Head head) {
        LoadedPlugin plugin = LoadedPlugin.of(new Dl4jLstmLastTimeStep(), "test");
        List<org.bptt.api.Topology> topologies = List.of(
                org.bptt.api.Topology.bidirectional(1, org.bptt.api.Combine.CONCAT),
                org.bptt.api.Topology.bidirectional(1, org.bptt.api.Combine.PRODUCT),
                org.bptt.api.Topology.bidirectional(2, org.bptt.api.Combine.SUM),
                org.bptt.api.Topology.bidirectional(2, org.bptt.api.Combine.CONCAT),
                org.bptt.api.Topology.bidirectional(3, org.bptt.api.Combine.MEAN));
        for (org.bptt.api.Topology topology : topologies) {
            ModelSpec spec = StackedCases.spec(Cell.LSTM, false, head, topology);
            Batch batch = StackedCases.batch(spec, 7, true, 60L + topology.layers());
            Case masked = new Case("last-time-step-" + topology.label(), spec.label(), spec,
                    StackedCases.parameters(spec, 70L + topology.layers()), batch, 60L + topology.layers());
            CaseResult result = VERIFIER.verify(SuiteCase.fullBptt(masked), plugin, ORACLE);
            String context = topology.label() + ": " + result.message();
            assertEquals(Status.KNOWN_DIVERGENCE, result.status(), context);
            assertTrue(result.message().contains("§11") && !result.message().contains("unchecked"), context);
        }
    }

    /**
     * Without padding there is nothing to read or leak into: the {@code LastTimeStep} model of a three-layer network
     * (its lower layers driven by the top layer's input errors, their outputs summed) is the exact computation.
     */
    @Test
    void theLastTimeStepModelIsExactWithoutPadding() {
        ModelSpec spec = StackedCases.spec(Cell.LSTM, false, Head.LAST_STEP_SOFTMAX,
                org.bptt.api.Topology.bidirectional(3, org.bptt.api.Combine.SUM));
        Parameters parameters = StackedCases.parameters(spec, 80);
        Batch batch = StackedCases.batch(spec, 5, false, 81);
        ForwardResult exactForward = Dl4jTestSupport.REFERENCE.forward(spec, parameters, batch);
        GradientResult exact = Dl4jTestSupport.REFERENCE.gradients(spec, parameters, batch);
        org.bptt.api.Results predicted = Dl4jLastTimeStepLstmModel.predict(spec, parameters, batch, null, EXACT);
        assertTrue(Dl4jTestSupport.maxAbsoluteDifference(exactForward.hiddenStates(), predicted.forward().hiddenStates(),
                null) < 1e-12);
        assertTrue(Dl4jTestSupport.maxAbsoluteDifference(exactForward.outputs(), predicted.forward().outputs(), null) < 1e-12);
        assertEquals(exact.loss(), predicted.gradients().loss(), 1e-12 * Math.abs(exact.loss()));
        for (String name : spec.parameterNames()) {
            assertTrue(Dl4jTestSupport.maxAbsoluteDifference(exact.parameterGradients().get(name),
                    predicted.gradients().parameterGradients().get(name), null) < 1e-12, name);
        }
    }

    /**
     * §5 through the gate's non-finite path: on the underflow case of {@code Dl4jSoftmaxUnderflowTest} DL4J's loss and
     * gradients are NaN, and the model predicts each of them non-finite, so the case is known, not an error.
     */
    @Test
    void theSoftmaxUnderflowIsKnownBecauseTheModelPredictsTheNaN() {
        ModelSpec spec = new ModelSpec(Cell.ELMAN, 1, 1, 2, Activation.RELU, Head.PER_STEP_SOFTMAX, true, LossReduction.SUM,
                DataType.FLOAT64);
        Parameters parameters = new Parameters(java.util.Map.of("U", Tensor.of(new double[] {1}, 1, 1),
                "W", Tensor.of(new double[] {0}, 1, 1), "b", Tensor.of(new double[] {0}, 1),
                "V", Tensor.of(new double[] {-750, -749}, 2, 1), "c", Tensor.of(new double[] {0, 0}, 2)));
        Batch batch = new Batch(Tensor.of(new double[] {1, -1}, 1, 2, 1), Tensor.of(new double[] {1, 0, 0, 1}, 1, 2, 2),
                null, null);
        Case underflow = new Case("underflow", "logits that all underflow exp at step 0", spec, parameters, batch, 1L);
        CaseResult result = VERIFIER.verify(SuiteCase.fullBptt(underflow), DL4J, ORACLE);
        assertEquals(Status.KNOWN_DIVERGENCE, result.status(), result.message());
        assertTrue(result.message().contains("ActivationSoftmax") && result.message().contains("not finite: "),
                result.message());
    }

    /** DL4J's plugin, its dL/dx of masked last-step heads replaced by the exact one scaled by 1.5. */
    private static final class ScaledInputGradients implements RnnImplementation {
        private final Dl4jSimpleRnn dl4j = new Dl4jSimpleRnn();

        @Override
        public PluginInfo info() {
            return new PluginInfo("dl4j-scaled-dx", "DL4J with another dL/dx bug", "0", "tests", "a deliberately broken DL4J");
        }

        @Override
        public Set<Capability> capabilities() {
            return dl4j.capabilities();
        }

        @Override
        public ForwardResult forward(ModelSpec spec, Parameters parameters, Batch batch) {
            return dl4j.forward(spec, parameters, batch);
        }

        @Override
        public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
            GradientResult right = dl4j.gradients(spec, parameters, batch);
            Tensor scaled = Dl4jTestSupport.REFERENCE.gradients(spec, parameters, batch).inputGradients().copy();
            double[] values = scaled.data();
            for (int i = 0; i < values.length; i++) {
                values[i] *= 1.5;
            }
            return new GradientResult(right.loss(), right.parameterGradients(), scaled, null, null);
        }

        @Override
        public Optional<WrongComputation> knownDivergence(ModelSpec spec, Parameters parameters, Batch batch,
                                                          Truncation truncation, Quantity quantity) {
            return dl4j.knownDivergence(spec, parameters, batch, truncation, quantity);
        }
    }
}
