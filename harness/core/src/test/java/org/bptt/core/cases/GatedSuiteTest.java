package org.bptt.core.cases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.bptt.api.Activation;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.CellOptions;
import org.bptt.api.Head;
import org.bptt.api.ResetPlacement;
import org.junit.jupiter.api.Test;

/** The gated cells' cases in the suites: after the Elman cases, a grid per cell, seeded, selectable by cell. */
class GatedSuiteTest {

    private static final long SEED = 42L;
    private static final Set<Cell> ELMAN = EnumSet.of(Cell.ELMAN);
    private static final Set<Cell> GATED = EnumSet.of(Cell.GRU, Cell.LSTM);
    private static final int VARIANTS = 6; // two placements (reset before/after, peepholes off/on) × one/two/no biases
    private static final int HEADS = Head.values().length;
    private static final int LENGTHS = Suite.LENGTHS.size();

    @Test
    void everySuiteStartsWithItsElmanCasesUnchangedThenTheGrusThenTheLstms() {
        for (Suite suite : Suite.values()) {
            List<Case> all = suite.cases(SEED);
            List<Case> elman = suite.cases(SEED, ELMAN);
            assertEquals(elman, all.subList(0, elman.size()), suite + ": the Elman cases come first, as they were");
            List<Case> gru = suite.cases(SEED, EnumSet.of(Cell.GRU));
            List<Case> lstm = suite.cases(SEED, EnumSet.of(Cell.LSTM));
            assertEquals(gru, all.subList(elman.size(), elman.size() + gru.size()));
            assertEquals(lstm, all.subList(elman.size() + gru.size(), all.size()));
            assertTrue(gru.stream().allMatch(c -> c.spec().cell() == Cell.GRU));
            assertTrue(lstm.stream().allMatch(c -> c.spec().cell() == Cell.LSTM));
            assertTrue(elman.stream().allMatch(c -> c.spec().cell() == Cell.ELMAN));
        }
    }

    @Test
    void defaultHasEveryVariantHeadMaskStateAndLengthOncePerCell() {
        for (Cell cell : GATED) {
            List<Case> cases = Suite.DEFAULT.cases(SEED, EnumSet.of(cell));
            int size = VARIANTS * HEADS * 2 * 2 * LENGTHS;
            assertEquals(size, cases.size());
            Set<List<Object>> combinations = cases.stream().map(c -> List.<Object>of(c.spec().cellOptions(), c.spec().biases(),
                    c.spec().head(), c.batch().mask() != null, c.batch().initialState() != null, c.batch().steps()))
                    .collect(Collectors.toSet());
            assertEquals(size, combinations.size(), "every combination exactly once");
            for (Case testCase : cases) {
                boolean unmaskedWithStates = testCase.batch().mask() == null && testCase.batch().initialState() != null;
                assertEquals(unmaskedWithStates ? 1 : 3, testCase.batch().batchSize(), testCase.id());
                assertEquals(Activation.TANH, testCase.spec().activation());
                assertEquals(Suite.INPUT_SIZE, testCase.spec().inputSize());
                assertEquals(Suite.HIDDEN_SIZE, testCase.spec().hiddenSize());
            }
            assertEquals(Set.of(true, false), cases.stream().map(c -> c.spec().cellOptions().twoBiases()).collect(Collectors.toSet()));
        }
    }

    @Test
    void theVariantsAreEveryOptionOfTheCellWithOneTwoOrNoBiases() {
        Set<String> gru = Suite.DEFAULT.cases(SEED, EnumSet.of(Cell.GRU)).stream().map(c -> c.spec().label().split("/")[0]
                + "/" + c.spec().label().split("/")[2]).collect(Collectors.toSet());
        assertEquals(Set.of("gru-reset-before/bias", "gru-reset-before/two-biases", "gru-reset-before/nobias",
                "gru-reset-after/bias", "gru-reset-after/two-biases", "gru-reset-after/nobias"), gru);
        Set<String> lstm = Suite.DEFAULT.cases(SEED, EnumSet.of(Cell.LSTM)).stream().map(c -> c.spec().label().split("/")[0]
                + "/" + c.spec().label().split("/")[2]).collect(Collectors.toSet());
        assertEquals(Set.of("lstm/bias", "lstm/two-biases", "lstm/nobias",
                "lstm-peepholes/bias", "lstm-peepholes/two-biases", "lstm-peepholes/nobias"), lstm);
    }

    @Test
    void everyDeclaredParameterIsDrawnAndAnLstmWithInitialStatesHasCMinusOne() {
        for (Case testCase : Suite.DEFAULT.cases(SEED, GATED)) {
            testCase.validate();
            assertEquals(testCase.spec().parameterNames(), List.copyOf(testCase.parameters().byName().keySet()), testCase.id());
            boolean states = testCase.batch().initialState() != null;
            if (testCase.spec().cell() == Cell.LSTM && states) {
                assertNotNull(testCase.batch().initialCellState(), testCase.id());
            } else {
                assertNull(testCase.batch().initialCellState(), testCase.id());
            }
        }
    }

    @Test
    void idsNameTheCellItsOptionsAndAreUniqueAndFileNameSafe() {
        List<Case> all = Suite.FULL.cases(SEED);
        Set<String> ids = new HashSet<>();
        for (Case testCase : all) {
            assertTrue(ids.add(testCase.id()), "duplicate id " + testCase.id());
            assertTrue(testCase.id().matches("[a-zA-Z0-9_-]+"), testCase.id());
        }
        for (Case testCase : Suite.DEFAULT.cases(SEED, GATED)) {
            CellOptions options = testCase.spec().cellOptions();
            String expectedStart = switch (testCase.spec().cell()) {
                case GRU -> options.resetPlacement() == ResetPlacement.BEFORE ? "gru-resetbefore-" : "gru-resetafter-";
                case LSTM -> options.peepholes() ? "lstm-peepholes-" : "lstm-";
                case ELMAN -> throw new AssertionError("an Elman case among the gated ones: " + testCase.id());
            };
            assertTrue(testCase.id().startsWith(expectedStart), testCase.id());
            String biases = options.twoBiases() ? "-twobias-" : testCase.spec().biases() ? "-bias-" : "-nobias-";
            assertTrue(testCase.id().contains(biases), testCase.id());
            String states = testCase.spec().cell() == Cell.LSTM ? "h0c0" : "h0";
            assertTrue(testCase.id().contains(testCase.batch().initialState() != null ? "-" + states + "-" : "-no" + states + "-"),
                    testCase.id());
            assertTrue(testCase.id().endsWith("-B" + testCase.batch().batchSize() + "-T" + testCase.batch().steps()), testCase.id());
        }
    }

    @Test
    void quickIsTwelveDefaultCasesPerCellCoveringEveryVariantHeadLengthAndBothSettings() {
        for (Cell cell : GATED) {
            List<Case> quick = Suite.QUICK.cases(SEED, EnumSet.of(cell));
            assertEquals(2 * VARIANTS, quick.size());
            Map<String, Case> byId = Suite.DEFAULT.cases(SEED, EnumSet.of(cell)).stream()
                    .collect(Collectors.toMap(Case::id, Function.identity()));
            quick.forEach(c -> assertEquals(byId.get(c.id()), c, c.id() + " is DEFAULT's case"));
            assertEquals(VARIANTS, quick.stream().map(c -> List.of(c.spec().cellOptions(), c.spec().biases())).distinct().count());
            assertEquals(HEADS, quick.stream().map(c -> c.spec().head()).distinct().count());
            assertEquals(LENGTHS, quick.stream().map(c -> c.batch().steps()).distinct().count());
            assertEquals(2, quick.stream().map(c -> c.batch().mask() != null).distinct().count());
            assertEquals(2, quick.stream().map(c -> c.batch().initialState() != null).distinct().count());
            assertEquals(2, quick.stream().map(c -> c.batch().batchSize()).distinct().count());
        }
    }

    @Test
    void fullIsTheUnthinnedGridContainingDefault() {
        for (Cell cell : GATED) {
            List<Case> full = Suite.FULL.cases(SEED, EnumSet.of(cell));
            assertEquals(VARIANTS * HEADS * 2 * 2 * Suite.BATCH_SIZES.size() * LENGTHS, full.size());
            assertTrue(full.containsAll(Suite.DEFAULT.cases(SEED, EnumSet.of(cell))));
        }
    }

    @Test
    void truncatedCasesWrapDefaultCasesAndMeetEveryVariantAtEachLength() {
        for (Cell cell : GATED) {
            Set<Cell> only = EnumSet.of(cell);
            List<SuiteCase> defaults = Suite.DEFAULT.truncatedCases(SEED, only);
            assertEquals(2 * HEADS * 2 * 4, defaults.size());
            assertEquals(HEADS * 2 * 4, Suite.QUICK.truncatedCases(SEED, only).size());
            assertEquals(2 * HEADS * 2 * VARIANTS * 4, Suite.FULL.truncatedCases(SEED, only).size());
            Map<String, Case> byId = Suite.DEFAULT.cases(SEED, only).stream().collect(Collectors.toMap(Case::id, Function.identity()));
            for (SuiteCase truncated : defaults) {
                assertEquals(byId.get(truncated.testCase().id()), truncated.testCase(), truncated.id());
                assertNull(truncated.testCase().batch().initialState());
            }
            for (int steps : Suite.TRUNCATED_LENGTHS) {
                assertEquals(VARIANTS, defaults.stream().filter(c -> c.testCase().batch().steps() == steps)
                        .map(c -> List.of(c.testCase().spec().cellOptions(), c.testCase().spec().biases())).distinct().count());
            }
        }
        List<SuiteCase> all = Suite.DEFAULT.truncatedCases(SEED);
        List<SuiteCase> elman = Suite.DEFAULT.truncatedCases(SEED, ELMAN);
        assertEquals(elman, all.subList(0, elman.size()), "the Elman truncated cases come first, as they were");
    }

    @Test
    void theSameSeedGivesEqualGatedCasesAndAnotherSeedOtherWeights() {
        List<Case> cases = Suite.QUICK.cases(SEED, GATED);
        assertEquals(cases, Suite.QUICK.cases(SEED, GATED));
        List<Case> other = Suite.QUICK.cases(SEED + 1, GATED);
        for (int i = 0; i < cases.size(); i++) {
            assertEquals(cases.get(i).id(), other.get(i).id());
            assertTrue(!cases.get(i).parameters().equals(other.get(i).parameters()), cases.get(i).id());
        }
    }
}
