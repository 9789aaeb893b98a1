package org.bptt.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.bptt.api.Batch;
import org.bptt.api.Case;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterDeclaration;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Quantity;
import org.bptt.api.Tensor;
import org.bptt.api.Truncation;
import org.deeplearning4j.nn.api.layers.RecurrentLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The evidence for KNOWN_DIVERGENCES.md §7: where {@code dl4j-lstm} and {@code dl4j-graves-lstm} differ from the
 * exact values, finite differences side with the reference. Finite differences are {@link PlainFiniteDifferences}'
 * central differences of {@link PlainLstm}'s loss, its truncated objective or a stated mixture; plain Java, because
 * DL4J's LSTM forward pass is too slow to difference element by element in a test. Each test runs on both DL4J
 * layers, and with peepholes on GravesLSTM.
 */
class Dl4jLstmKnownDivergencesTest {

    /** What a correct gradient reaches against PlainFiniteDifferences' central differences, relative to the norm. */
    private static final double CENTRAL_DIFFERENCE_AGREEMENT = 1e-6;
    /** A difference this large is an error in the mathematics, not rounding. */
    private static final double CLEAR_DISAGREEMENT = 1e-2;

    /**
     * §1 recurs: with a mask that shortens some sequence, a last-step head's dL/dx from
     * {@code MultiLayerNetwork.calculateGradients} misses finite differences of the loss (of {@link PlainLstm}, at
     * every unmasked input), which the reference matches, while DL4J's parameter gradients agree with the
     * reference's. {@code calculateGradients} called without the features mask gets dL/dx right, which confirms the
     * cause: the bug is in the network, not in the layer.
     */
    @ParameterizedTest(name = "{0} peepholes={1} {2}")
    @CsvSource({"LSTM, false, LAST_STEP_SOFTMAX", "LSTM, false, LAST_STEP_SIGMOID",
            "GRAVES_LSTM, true, LAST_STEP_SOFTMAX", "GRAVES_LSTM, true, LAST_STEP_SIGMOID"})
    void inputGradientsOfMaskedLastStepHeadsMissFiniteDifferences(Dl4jRecurrentLayer layer, boolean peepholes, Head head) {
        ModelSpec spec = LstmCases.spec(peepholes, head, true, LossReduction.MEAN_OVER_BATCH);
        Case testCase = LstmCases.generate(spec, 3, 6, true, false, 3);
        Batch batch = testCase.batch();
        assertTrue(Dl4jKnownDivergences.inputGradientsDiverge(testCase), "the case needs a sequence shorter than T");
        Tensor numeric = PlainFiniteDifferences.gradient(batch.inputs(), inputs -> PlainLstm.loss(spec,
                testCase.parameters(), new Batch(inputs, batch.targets(), batch.mask(), null)));

        GradientResult reference = Dl4jTestSupport.REFERENCE.gradients(spec, testCase.parameters(), batch);
        GradientResult dl4j = Dl4jTestSupport.lstmPlugin(layer).gradients(spec, testCase.parameters(), batch);
        assertTrue(maskedDifference(reference.inputGradients(), numeric, batch) < CENTRAL_DIFFERENCE_AGREEMENT,
                "the reference's dL/dx should match finite differences");
        assertTrue(maskedDifference(dl4j.inputGradients(), numeric, batch) > CLEAR_DISAGREEMENT,
                "DL4J's dL/dx was expected to miss finite differences clearly");
        assertEquals(List.of(), Dl4jTestSupport.failures(spec.label(),
                Dl4jTestSupport.compareParameterGradients(spec, batch, reference, dl4j)), "DL4J's parameter gradients");
        Tensor withoutFeaturesMask = Dl4jKnownDivergencesTest.calculateGradientsInputGradient(layer, spec,
                testCase.parameters(), batch, false);
        assertTrue(maskedDifference(withoutFeaturesMask, numeric, batch) < CENTRAL_DIFFERENCE_AGREEMENT,
                "calculateGradients without the features mask should give the right dL/dx");
    }

    /** max |a − b| / ‖b‖ over the unmasked steps of per-step tensors {@code [B, T, F]}. */
    private static double maskedDifference(Tensor actual, Tensor expected, Batch batch) {
        return Dl4jTestSupport.maxAbsoluteDifference(actual, expected, batch.mask()) / expected.norm();
    }

    /**
     * §2c recurs, with a different cause (§7): chunked BPTT with k1 = k2 = 3 on T = 6 (two whole chunks, so the
     * window definitions coincide). Finite differences of the truncated objective side with the reference on every
     * parameter; DL4J matches them on dV and dc (the output layer sees the carried states) and clearly misses on the
     * recurrent layer's gradients.
     */
    @ParameterizedTest(name = "{0} peepholes={1}")
    @CsvSource({"LSTM, false", "GRAVES_LSTM, false", "GRAVES_LSTM, true"})
    void laterChunksLoseTheCarriedStateInTheCellGradients(Dl4jRecurrentLayer layer, boolean peepholes) {
        ModelSpec spec = LstmCases.spec(peepholes, Head.PER_STEP_SOFTMAX, true, LossReduction.SUM);
        Case testCase = LstmCases.generate(spec, 2, 6, false, false, 11);
        Truncation truncation = new Truncation(3, 3);
        Parameters numeric = PlainFiniteDifferences.truncatedParameterGradients(spec, testCase.parameters(),
                testCase.batch(), truncation);
        Parameters reference = Dl4jTestSupport.REFERENCE.truncatedGradients(spec, testCase.parameters(),
                testCase.batch(), truncation).parameterGradients();
        Parameters dl4j = Dl4jTestSupport.lstmPlugin(layer).truncatedGradients(spec, testCase.parameters(), testCase.batch(), truncation)
                .parameterGradients();
        for (String name : testCase.parameters().byName().keySet()) {
            assertAgree("reference", reference, numeric, name);
        }
        assertAgree("DL4J", dl4j, numeric, ParameterNames.V);
        assertAgree("DL4J", dl4j, numeric, ParameterNames.C);
        assertTrue(differenceOverCell(spec, dl4j, numeric) > CLEAR_DISAGREEMENT,
                "DL4J's cell gradients were expected to miss the truncated objective's finite differences");
    }

    /**
     * The truncated-BPTT predicates of {@link Dl4jKnownDivergences} hold for the LSTMs as for SimpleRnn: on every
     * (k1, k2) ∈ {1, 2, 3, 5}², T = 5, B = 3 with a mask, each head, DL4J agrees with the reference exactly where
     * nothing is predicted to diverge, and clearly differs where something is.
     */
    @ParameterizedTest(name = "{0} peepholes={1}")
    @CsvSource({"LSTM, false", "GRAVES_LSTM, true"})
    void truncationDivergesExactlyWhereThePredicatesSay(Dl4jRecurrentLayer layer, boolean peepholes) {
        List<String> problems = new ArrayList<>();
        for (Head head : Head.values()) {
            ModelSpec spec = LstmCases.spec(peepholes, head, true, LossReduction.SUM);
            problems.addAll(Dl4jTruncatedBpttTest.checkPredicates(Dl4jTestSupport.lstmPlugin(layer),
                    LstmCases.generate(spec, 3, 5, true, false, 60 + head.ordinal())));
        }
        assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
    }

    /**
     * §3 for the LSTMs: why a given h_{-1}, c_{-1} is a known divergence of the cell gradients. Set as the truncated-BPTT state
     * (k1 = k2 = T, nothing truncated), a given h_{-1}, c_{-1} reaches DL4J's forward pass: the loss, dV and dc match
     * the loss from that state. The cell gradients miss its finite differences, and instead equal, to rounding, the
     * gradients of a mixture that shows the cause: errors ∂J/∂h_t from the forward pass that started at the given
     * state, propagated through states recomputed from h = c = 0 ({@code backpropGradient}'s own forward pass).
     */
    @ParameterizedTest(name = "{0} peepholes={1}")
    @CsvSource({"LSTM, false", "GRAVES_LSTM, true"})
    void aGivenInitialStateReachesTheForwardPassButNotTheCellGradients(Dl4jRecurrentLayer layer, boolean peepholes) {
        ModelSpec spec = LstmCases.spec(peepholes, Head.PER_STEP_SOFTMAX, true, LossReduction.SUM);
        int steps = 5;
        Case testCase = LstmCases.generate(spec, 2, steps, false, true, 5);
        Batch batch = testCase.batch();
        Parameters numeric = PlainFiniteDifferences.parameterGradients(spec, testCase.parameters(), batch);
        double expectedLoss = PlainLstm.loss(spec, testCase.parameters(), batch);

        MultiLayerNetwork network = Dl4jNetwork.build(Dl4jNetwork.Key.of(layer, spec, new Truncation(steps, steps)));
        Dl4jNetwork.setParameters(network, layer, spec, testCase.parameters());
        Dl4jBatch data = Dl4jBatch.of(spec, batch, org.nd4j.linalg.api.buffer.DataType.DOUBLE);
        Map<String, INDArray> state = Map.of(
                "prevAct", Dl4jLayout.array(batch.initialState().data().clone(), org.nd4j.linalg.api.buffer.DataType.DOUBLE,
                        batch.batchSize(), spec.hiddenSize()),
                "prevMem", Dl4jLayout.array(batch.initialCellState().data().clone(),
                        org.nd4j.linalg.api.buffer.DataType.DOUBLE, batch.batchSize(), spec.hiddenSize()));
        // LSTM's forward pass with stored state reads the truncated-BPTT state, GravesLSTM's the rnnTimeStep state.
        ((RecurrentLayer) network.getLayer(0)).rnnSetTBPTTState(state);
        network.rnnSetPreviousState(0, state);
        network.setInput(data.features());
        network.setLabels(data.labels());
        network.computeGradientAndScore();
        double loss = network.score() * batch.batchSize();
        Parameters dl4j = Dl4jNetwork.parameterGradients(network.gradient().gradientForVariable(), 1.0, layer, spec);
        network.rnnClearPreviousState();

        assertEquals(expectedLoss, loss, 1e-12 * Math.abs(expectedLoss), "DL4J's loss from h_{-1}, c_{-1}");
        assertAgree("DL4J", dl4j, numeric, ParameterNames.V);
        assertAgree("DL4J", dl4j, numeric, ParameterNames.C);
        assertTrue(differenceOverCell(spec, dl4j, numeric) > CLEAR_DISAGREEMENT,
                "DL4J's cell gradients from h_{-1}, c_{-1} were expected to miss finite differences");
        Parameters mixture = mixtureGradients(spec, testCase.parameters(), batch);
        for (ParameterDeclaration declaration : spec.cell().parameters(spec)) {
            assertAgree("DL4J (against the mixture)", dl4j, mixture, declaration.name());
        }
        Parameters reference = Dl4jTestSupport.REFERENCE.gradients(spec, testCase.parameters(), batch).parameterGradients();
        for (String name : testCase.parameters().byName().keySet()) {
            assertAgree("reference", reference, numeric, name);
        }
        // So the plugins take the initial states and compare what is right (Dl4jLstmVerificationTest).
        assertTrue(Dl4jTestSupport.lstmPlugin(layer).capabilities().containsAll(List.of(
                org.bptt.api.Capability.INITIAL_STATE, org.bptt.api.Capability.INITIAL_CELL_STATE)));
    }

    /**
     * §4 recurs, declared from the call's arguments alone: with an output bias c that makes the reference's softmax
     * give some target class a probability below LossMCXENT's clamp, a new plugin instance that has made no call yet
     * explains the loss (not the gradients: MCXENT's gradient is not clamped); the unchanged weights on the same batch
     * get no explanation, and a call on them in between changes nothing.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Dl4jRecurrentLayer.class, names = {"LSTM", "GRAVES_LSTM"})
    void theClampedScoreIsDeclaredFromTheArgumentsAlone(Dl4jRecurrentLayer layer) {
        ModelSpec spec = LstmCases.spec(false, Head.PER_STEP_SOFTMAX, true, LossReduction.SUM);
        Case plain = LstmCases.generate(spec, 3, 6, false, false, 4000L);
        Batch batch = plain.batch();
        // An output bias that puts the logits of classes 0, 1, 2 about 40 apart: exp(-40) is far below the clamp.
        Tensor spreadC = plain.parameters().get(ParameterNames.C).copy();
        for (int k = 0; k < spreadC.length(); k++) {
            spreadC.data()[k] += 40 * (1 - k);
        }
        Parameters saturated = plain.parameters().with(ParameterNames.C, spreadC);
        Tensor exactOutputs = Dl4jTestSupport.REFERENCE.forward(spec, saturated, batch).outputs();
        assertTrue(smallestTargetProbability(batch, exactOutputs) < Dl4jScoreClamping.SOFTMAX_EPSILON,
                "the case needs a target probability that LossMCXENT clamps");

        Dl4jRnnPlugin plugin = layer == Dl4jRecurrentLayer.LSTM ? new Dl4jLstm() : new Dl4jGravesLstm();
        String explanation = plugin.knownDivergence(spec, saturated, batch, null, Quantity.LOSS).orElseThrow().description();
        assertTrue(explanation.contains("DL4J's LossMCXENT clamps softmax probabilities"), explanation);
        assertEquals(Optional.empty(), plugin.knownDivergence(spec, saturated, batch, null,
                Quantity.gradientOf(ParameterNames.V)), "MCXENT's gradient is not clamped");
        assertEquals(Optional.empty(), plugin.knownDivergence(spec, plain.parameters(), batch, null, Quantity.LOSS),
                "the explanation holds for the weights that clamp only");
        plugin.gradients(spec, plain.parameters(), batch);
        assertEquals(explanation, plugin.knownDivergence(spec, saturated, batch, null, Quantity.LOSS).orElseThrow().description(),
                "decided from the arguments alone: a call on other weights in between changes nothing");
    }

    /** The smallest probability that per-step {@code outputs} give a target class (target &gt; 0). */
    private static double smallestTargetProbability(Batch batch, Tensor outputs) {
        double smallest = 1;
        for (int i = 0; i < outputs.length(); i++) {
            if (batch.targets().data()[i] > 0) {
                smallest = Math.min(smallest, outputs.data()[i]);
            }
        }
        return smallest;
    }

    /**
     * Numerically, the cell parameters' gradient of M(θ) = Σ_b Σ_t e_t^b · h_t^b(θ; h_{-1} = c_{-1} = 0), with the
     * errors e_t^b = ∂J/∂h_t = Vᵀ(y_t − target_t) held constant at the forward pass from the batch's h_{-1}, c_{-1}
     * (per-step softmax head, summed loss). This is what backpropagating the right output errors through the
     * wrong (zero-started) states gives.
     */
    private static Parameters mixtureGradients(ModelSpec spec, Parameters parameters, Batch batch) {
        Tensor outputs = PlainLstm.forward(spec, parameters, batch).outputs();
        Tensor v = parameters.get(ParameterNames.V);
        int hiddenSize = spec.hiddenSize();
        Tensor errors = Tensor.zeros(batch.batchSize(), batch.steps(), hiddenSize);
        for (int sequence = 0; sequence < batch.batchSize(); sequence++) {
            for (int step = 0; step < batch.steps(); step++) {
                for (int unit = 0; unit < hiddenSize; unit++) {
                    double error = 0;
                    for (int k = 0; k < spec.outputSize(); k++) {
                        error += v.get(k, unit) * (outputs.get(sequence, step, k) - batch.targets().get(sequence, step, k));
                    }
                    errors.set(error, sequence, step, unit);
                }
            }
        }
        Batch fromZero = new Batch(batch.inputs(), batch.targets(), batch.mask(), null, null);
        Map<String, Tensor> gradients = new java.util.LinkedHashMap<>();
        for (ParameterDeclaration declaration : spec.cell().parameters(spec)) {
            String name = declaration.name();
            gradients.put(name, PlainFiniteDifferences.gradient(parameters.get(name), perturbed -> {
                Tensor hidden = PlainLstm.forward(spec, parameters.with(name, perturbed), fromZero).hiddenStates();
                double sum = 0;
                for (int i = 0; i < hidden.length(); i++) {
                    sum += errors.data()[i] * hidden.data()[i];
                }
                return sum;
            }));
        }
        return new Parameters(gradients);
    }

    private static void assertAgree(String who, Parameters actual, Parameters numeric, String name) {
        double difference = relativeDifference(actual.get(name), numeric.get(name));
        assertTrue(difference < CENTRAL_DIFFERENCE_AGREEMENT, who + " dL/d" + name
                + " should match finite differences; differs by " + difference + " of its norm");
    }

    /** The largest relative difference over the cell's parameters. */
    private static double differenceOverCell(ModelSpec spec, Parameters actual, Parameters numeric) {
        double largest = 0;
        for (ParameterDeclaration declaration : spec.cell().parameters(spec)) {
            largest = Math.max(largest, relativeDifference(actual.get(declaration.name()), numeric.get(declaration.name())));
        }
        return largest;
    }

    /** max |a − b| / ‖b‖. */
    private static double relativeDifference(Tensor actual, Tensor expected) {
        return Dl4jTestSupport.maxAbsoluteDifference(actual, expected, null) / expected.norm();
    }
}
