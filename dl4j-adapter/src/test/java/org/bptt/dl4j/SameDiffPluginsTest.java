package org.bptt.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.bptt.api.Batch;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.CellOptions;
import org.bptt.api.DataType;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterDeclaration;
import org.bptt.api.Parameters;
import org.bptt.api.Quantity;
import org.bptt.api.ResetPlacement;
import org.bptt.api.Results;
import org.bptt.api.Tensor;
import org.bptt.core.cases.CaseGenerator;
import org.bptt.core.cases.SuiteCase;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.verify.CaseResult;
import org.bptt.core.verify.KnownDivergences;
import org.bptt.core.verify.OracleComputation;
import org.bptt.core.verify.Status;
import org.bptt.core.verify.Verifier;
import org.junit.jupiter.api.Test;

/**
 * {@code samediff-gru} and {@code samediff-lstm} ({@link SameDiffGru}, {@link SameDiffLstm}) against the reference,
 * through harness-core's {@link Verifier} with no known-divergence list, as {@code bptt verify} runs them; and the
 * evidence, by central differences of each plugin's own forward loss ({@link PlainFiniteDifferences#gradient}), that
 * what they differ in is SameDiff's: the reference matches those differences, the plugin's gradients miss them.
 */
class SameDiffPluginsTest {

    private static final SameDiffGru GRU = new SameDiffGru();
    private static final SameDiffLstm LSTM = new SameDiffLstm();
    private static final Verifier VERIFIER = new Verifier(TolerancePolicy.defaults(), Duration.ofSeconds(120),
            KnownDivergences.none());
    private static final LoadedPlugin ORACLE = LoadedPlugin.of(Dl4jTestSupport.REFERENCE, "test");
    private static final OracleComputation EXACT = new OracleComputation(Dl4jTestSupport.isolated(Dl4jTestSupport.REFERENCE));
    /** What a correct gradient reaches against central differences, relative to the norm. */
    private static final double CENTRAL_DIFFERENCE_AGREEMENT = 1e-6;

    private static ModelSpec gruSpec(Head head, boolean biases, LossReduction reduction) {
        return LstmCases.spec(false, head, biases, reduction).withCell(Cell.GRU, CellOptions.gru(ResetPlacement.AFTER, false));
    }

    /**
     * The grid: head × mask × initial states × B ∈ {1, 3} × T ∈ {1, 2, 3, 17}, and for the LSTM peepholes or not;
     * biases, float64 or float32 and the reduction taking turns (for the LSTM also one bias or two).
     */
    private static List<Case> grid(Cell cell) {
        List<Case> cases = new ArrayList<>();
        int turn = 0;
        for (boolean peepholes : cell == Cell.LSTM ? new boolean[] {false, true} : new boolean[] {false}) {
            for (Head head : Head.values()) {
                for (boolean masked : new boolean[] {false, true}) {
                    for (boolean initialStates : new boolean[] {false, true}) {
                        for (int batchSize : new int[] {1, 3}) {
                            for (int steps : new int[] {1, 2, 3, 17}) {
                                boolean biases = turn % 3 != 0;
                                DataType dataType = turn / 2 % 2 == 0 ? DataType.FLOAT64 : DataType.FLOAT32;
                                LossReduction reduction = LossReduction.values()[turn % LossReduction.values().length];
                                long seed = 5000L + turn;
                                if (cell == Cell.LSTM) {
                                    ModelSpec spec = new ModelSpec(Cell.LSTM, CellOptions.lstm(peepholes, biases && turn % 4 == 1),
                                            3, 4, head == Head.LAST_STEP_SIGMOID ? 1 : 3, org.bptt.api.Activation.TANH, head,
                                            biases, reduction, dataType);
                                    cases.add(LstmCases.generate(spec, batchSize, steps, masked, initialStates, seed));
                                } else {
                                    ModelSpec spec = gruSpec(head, biases, reduction).withDataType(dataType);
                                    cases.add(CaseGenerator.generate("gru-" + turn, spec, batchSize, steps, masked,
                                            initialStates, seed));
                                }
                                turn++;
                            }
                        }
                    }
                }
            }
        }
        return cases;
    }

    /**
     * Every GRU case passes exactly where no step with a non-zero previous state reaches the loss (T = 1 or every
     * sequence one step long, no given h_{-1}), and is otherwise a known divergence that names gru_bp (§8), in the
     * cell's gradients, dL/dx and dL/dh_{-1} only: h, y, the loss, dL/dV and dL/dc always agree.
     */
    @Test
    void gruPassesWhereGruBpIsRightAndIsAKnownDivergenceElsewhere() {
        Map<Status, Long> counts = assertGrid(GRU, grid(Cell.GRU),
                testCase -> SameDiffGru.someStepSeesANonZeroPreviousState(testCase.batch()), "ND4J bug: SameDiff's gru_bp");
        // At least the T = 1 cases without h_{-1} pass: 3 heads × 2 masks × 2 batch sizes (masks may shorten more).
        assertTrue(counts.get(Status.PASSED) >= 12, counts.toString());
        assertEquals(96, counts.get(Status.PASSED) + counts.get(Status.KNOWN_DIVERGENCE), counts.toString());
    }

    /**
     * Every LSTM case (peepholes or not, one or two biases, float64 and float32, masks) passes where h_{-1} = c_{-1}
     * (both zero when not given), and is otherwise a known divergence that names lstmLayer_bp's initial cell state (§9),
     * in the cell's gradients, dL/dx, dL/dh_{-1} and dL/dc_{-1} only.
     */
    @Test
    void lstmPassesWhereTheInitialStatesAreEqualAndIsAKnownDivergenceElsewhere() {
        Map<Status, Long> counts = assertGrid(LSTM, grid(Cell.LSTM),
                testCase -> SameDiffLstm.initialStatesDiffer(testCase.batch()),
                "ND4J bug: SameDiff's lstmLayer_bp computes the gradients of the forward pass from c_{-1} = h_{-1}");
        // Half the grid gives (random, so different) initial states; the other half starts from zero.
        assertEquals(Map.of(Status.PASSED, 96L, Status.KNOWN_DIVERGENCE, 96L), counts);
    }

    /** Checks each case's status against {@code diverges}; returns the counts by status. */
    private static Map<Status, Long> assertGrid(SameDiffRnnPlugin plugin, List<Case> cases,
                                                java.util.function.Predicate<Case> diverges, String explanation) {
        List<CaseResult> results = VERIFIER.verifyAll(cases.stream().map(SuiteCase::fullBptt).toList(),
                LoadedPlugin.of(plugin, "test"), ORACLE, null);
        for (int i = 0; i < cases.size(); i++) {
            Case testCase = cases.get(i);
            CaseResult result = results.get(i);
            String context = result.caseId() + " " + testCase.description() + " " + result.status() + ": " + result.message();
            if (diverges.test(testCase)) {
                assertEquals(Status.KNOWN_DIVERGENCE, result.status(), context);
                assertTrue(result.message().startsWith("known divergence: " + explanation), context);
                result.comparisons().stream().filter(comparison -> !comparison.passed()).forEach(comparison ->
                        assertTrue(SameDiffRnnPlugin.fromBackwardOp(testCase.spec(), comparison.quantity()),
                                context + ": " + comparison.quantity() + " does not come from the backward op"));
            } else {
                assertEquals(Status.PASSED, result.status(), context);
            }
        }
        return results.stream().collect(Collectors.groupingBy(CaseResult::status, Collectors.counting()));
    }

    /**
     * §8 through the plugin: on a GRU case with T = 3 (masked, a given h_{-1}), the reference's cell gradients, dL/dx
     * and dL/dh_{-1} match central differences of samediff-gru's own forward loss, samediff-gru's miss them by more
     * than 1 % of their norm, and its head gradients match.
     */
    @Test
    void gruGradientsMissFiniteDifferencesOfItsOwnForwardPass() {
        Case testCase = CaseGenerator.generate("gru-fd", gruSpec(Head.PER_STEP_SOFTMAX, true, LossReduction.SUM), 2, 3,
                true, true, 17);
        assertBackwardOpMissesFiniteDifferences(GRU, testCase);
    }

    /**
     * §8's model ({@link SameDiffGruResetGate}) on the same case: samediff-gru's cell gradients, dL/dx and dL/dh_{-1}
     * are the model's to 1e-9 of their norm, while the model misses the reference's (which central differences
     * confirm, above) by more than 1 %; h, y, the loss and the head's gradients are the reference's.
     */
    @Test
    void gruBpIsTheResetGateModel() {
        Case testCase = CaseGenerator.generate("gru-model", gruSpec(Head.PER_STEP_SOFTMAX, true, LossReduction.SUM), 2, 3,
                true, true, 17);
        ModelSpec spec = testCase.spec();
        Results model = SameDiffGruResetGate.predict(spec, testCase.parameters(), testCase.batch(), null, EXACT);
        GradientResult actual = GRU.gradients(spec, testCase.parameters(), testCase.batch());
        GradientResult reference = Dl4jTestSupport.REFERENCE.gradients(spec, testCase.parameters(), testCase.batch());
        double worstMiss = 0;
        for (String name : spec.parameterNames()) {
            Tensor predicted = model.gradients().parameterGradients().get(name);
            assertTrue(relativeDifference(predicted, actual.parameterGradients().get(name)) < 1e-9, name);
            double miss = relativeDifference(predicted, reference.parameterGradients().get(name));
            if (SameDiffRnnPlugin.fromBackwardOp(spec, Quantity.gradientOf(name))) {
                worstMiss = Math.max(worstMiss, miss);
            } else {
                assertTrue(miss < 1e-12, name + " is the head's, exact");
            }
        }
        assertTrue(relativeDifference(model.gradients().inputGradients(), actual.inputGradients()) < 1e-9, "dL/dx");
        assertTrue(relativeDifference(model.gradients().initialStateGradients(), actual.initialStateGradients()) < 1e-9,
                "dL/dh_{-1}");
        assertTrue(worstMiss > 1e-2, "the model should miss the exact cell gradients, misses by " + worstMiss);
        assertEquals(reference.loss(), model.gradients().loss(), 1e-12);
    }

    /** Where every h_{t-1} is zero (one step, no h_{-1}) libnd4j's reset-gate error is the right one, 0: the model is exact. */
    @Test
    void theResetGateModelIsExactWhereEveryPreviousStateIsZero() {
        Case testCase = CaseGenerator.generate("gru-one-step", gruSpec(Head.LAST_STEP_SIGMOID, true, LossReduction.MEAN_OVER_BATCH),
                3, 1, false, false, 18);
        ModelSpec spec = testCase.spec();
        GradientResult model = SameDiffGruResetGate.predict(spec, testCase.parameters(), testCase.batch(), null, EXACT)
                .gradients();
        GradientResult reference = Dl4jTestSupport.REFERENCE.gradients(spec, testCase.parameters(), testCase.batch());
        for (String name : spec.parameterNames()) {
            assertTrue(Dl4jTestSupport.maxAbsoluteDifference(model.parameterGradients().get(name),
                    reference.parameterGradients().get(name), null) < 1e-14, name);
        }
        assertTrue(Dl4jTestSupport.maxAbsoluteDifference(model.inputGradients(), reference.inputGradients(), null) < 1e-14);
        assertTrue(Dl4jTestSupport.maxAbsoluteDifference(model.initialStateGradients(), reference.initialStateGradients(),
                null) < 1e-14);
    }

    /**
     * §9 through the plugin: on an LSTM case with peepholes and given h_{-1} ≠ c_{-1}, samediff-lstm's forward pass
     * (h, the loss) is the reference's, its cell gradients, dL/dx, dL/dh_{-1} and dL/dc_{-1} miss central
     * differences of its own forward loss, which the reference matches. With c_{-1} set equal to h_{-1} the same
     * case agrees with the reference in every quantity: only the initial cell state is mishandled.
     */
    @Test
    void lstmGradientsMissFiniteDifferencesUnlessTheInitialStatesAreEqual() {
        ModelSpec spec = LstmCases.spec(true, Head.LAST_STEP_SOFTMAX, true, LossReduction.MEAN_OVER_BATCH);
        Case testCase = LstmCases.generate(spec, 2, 3, true, true, 23);
        assertBackwardOpMissesFiniteDifferences(LSTM, testCase);

        Batch given = testCase.batch();
        Batch equalStates = new Batch(given.inputs(), given.targets(), given.mask(), given.initialState(),
                given.initialState().copy());
        GradientResult expected = Dl4jTestSupport.REFERENCE.gradients(spec, testCase.parameters(), equalStates);
        GradientResult actual = LSTM.gradients(spec, testCase.parameters(), equalStates);
        List<String> failures = new ArrayList<>(Dl4jTestSupport.failures("h_{-1} = c_{-1}",
                Dl4jTestSupport.compareParameterGradients(spec, equalStates, expected, actual)));
        failures.addAll(Dl4jTestSupport.failures("h_{-1} = c_{-1}", List.of(
                Dl4jTestSupport.compareInputGradients(spec, equalStates, expected.inputGradients(), actual.inputGradients()),
                Dl4jTestSupport.COMPARATOR.compare(Quantity.INITIAL_STATE_GRADIENTS, expected.initialStateGradients(),
                        actual.initialStateGradients(), null, org.bptt.core.compare.IndexLabels.generic(2), spec.dataType(), 3),
                Dl4jTestSupport.COMPARATOR.compare(Quantity.INITIAL_CELL_STATE_GRADIENTS, expected.initialCellStateGradients(),
                        actual.initialCellStateGradients(), null, org.bptt.core.compare.IndexLabels.generic(2), spec.dataType(), 3))));
        assertEquals(List.of(), failures);
    }

    private static void assertBackwardOpMissesFiniteDifferences(SameDiffRnnPlugin plugin, Case testCase) {
        ModelSpec spec = testCase.spec();
        Parameters parameters = testCase.parameters();
        Batch batch = testCase.batch();
        assertEquals(Dl4jTestSupport.REFERENCE.forward(spec, parameters, batch).loss(),
                plugin.forward(spec, parameters, batch).loss(), 1e-12, "the forward pass agrees");
        GradientResult reference = Dl4jTestSupport.REFERENCE.gradients(spec, parameters, batch);
        GradientResult actual = plugin.gradients(spec, parameters, batch);
        double worstMiss = 0;
        for (ParameterDeclaration declaration : spec.parameters()) {
            String name = declaration.name();
            Tensor numeric = PlainFiniteDifferences.gradient(parameters.get(name),
                    perturbed -> plugin.forward(spec, parameters.with(name, perturbed), batch).loss());
            assertAgree("the reference's dL/d" + name, reference.parameterGradients().get(name), numeric);
            if (SameDiffRnnPlugin.fromBackwardOp(spec, Quantity.gradientOf(name))) {
                worstMiss = Math.max(worstMiss, relativeDifference(actual.parameterGradients().get(name), numeric));
            } else {
                assertAgree(plugin.info().id() + "'s head gradient dL/d" + name, actual.parameterGradients().get(name), numeric);
            }
        }
        Tensor numericInputs = PlainFiniteDifferences.gradient(batch.inputs(), perturbed -> plugin.forward(spec, parameters,
                new Batch(perturbed, batch.targets(), batch.mask(), batch.initialState(), batch.initialCellState())).loss());
        assertAgree("the reference's dL/dx", reference.inputGradients(), numericInputs);
        worstMiss = Math.max(worstMiss, relativeDifference(actual.inputGradients(), numericInputs));
        Tensor numericInitial = PlainFiniteDifferences.gradient(batch.initialState(), perturbed -> plugin.forward(spec,
                parameters, new Batch(batch.inputs(), batch.targets(), batch.mask(), perturbed, batch.initialCellState())).loss());
        assertAgree("the reference's dL/dh_{-1}", reference.initialStateGradients(), numericInitial);
        worstMiss = Math.max(worstMiss, relativeDifference(actual.initialStateGradients(), numericInitial));
        assertTrue(worstMiss > 1e-2, plugin.info().id() + "'s backward op was expected to miss finite differences by"
                + " more than 1 %, misses by " + worstMiss);
    }

    private static void assertAgree(String who, Tensor actual, Tensor numeric) {
        double difference = relativeDifference(actual, numeric);
        assertTrue(difference < CENTRAL_DIFFERENCE_AGREEMENT, who + " should match finite differences; differs by "
                + difference + " of its norm");
    }

    /** max |a − b| / ‖b‖. */
    private static double relativeDifference(Tensor actual, Tensor expected) {
        return Dl4jTestSupport.maxAbsoluteDifference(actual, expected, null) / expected.norm();
    }
}
