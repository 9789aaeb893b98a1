package org.bptt.core.cases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.EnumSet;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.ResetPlacement;
import org.bptt.api.Truncation;
import org.junit.jupiter.api.Test;

/** The case labels: one owner of their keys, written in a stable order, k1 and k2 for truncated cases only. */
class CaseLabelTest {

    private static final Case CASE = Suite.QUICK.cases(3L).get(5);

    @Test
    void theKeysAreTheOnesEveryReportHasAlwaysRead() {
        // The keys from before the choice of cell, in their order, with the cell's and its options' before k1 and k2,
        // which end a truncated case's labels.
        assertEquals(List.of("spec", "activation", "head", "biases", "reduction", "dataType", "B", "T", "masked", "h0", "seed",
                "d", "H", "K", "cell", "reset", "peepholes", "twoBiases", "c0", "k1", "k2"),
                Arrays.stream(CaseLabel.values()).map(CaseLabel::key).toList());
    }

    @Test
    void aFullBpttCaseIsDescribedWithoutTheTruncation() {
        var labels = CaseLabel.describe(SuiteCase.fullBptt(CASE));
        // An Elman case: the fourteen labels of every case, then its cell, and none of the gated cells' options.
        List<String> expected = new ArrayList<>(Arrays.stream(CaseLabel.values()).map(CaseLabel::key).toList().subList(0, 14));
        expected.add(CaseLabel.CELL.key());
        assertEquals(expected, List.copyOf(labels.keySet()));
        assertEquals("elman", labels.get(CaseLabel.CELL.key()));
        assertEquals(CASE.spec().label(), labels.get(CaseLabel.SPEC.key()));
        assertEquals(Integer.toString(CASE.batch().steps()), labels.get(CaseLabel.STEPS.key()));
        assertEquals(Long.toString(CASE.seed()), labels.get(CaseLabel.SEED.key()));
    }

    @Test
    void aTruncatedCaseAddsK1AndK2() {
        var labels = CaseLabel.describe(SuiteCase.truncated(CASE, new Truncation(8, 3)));
        assertEquals("8", labels.get(CaseLabel.FORWARD_LENGTH.key()));
        assertEquals("3", labels.get(CaseLabel.BACKWARD_LENGTH.key()));
        assertEquals(17, labels.size(), "the fourteen labels of every case, k1, k2 and the cell");
    }

    @Test
    void aGatedCaseNamesItsCellAndOptions() {
        Case lstm = Suite.QUICK.cases(3L, EnumSet.of(Cell.LSTM)).stream()
                .filter(c -> c.spec().cellOptions().peepholes() && c.batch().initialState() != null).findFirst().orElseThrow();
        var labels = CaseLabel.describe(SuiteCase.fullBptt(lstm));
        assertEquals("lstm", labels.get(CaseLabel.CELL.key()));
        assertEquals("true", labels.get(CaseLabel.PEEPHOLES.key()));
        assertEquals(Boolean.toString(lstm.spec().cellOptions().twoBiases()), labels.get(CaseLabel.TWO_BIASES.key()));
        assertEquals("true", labels.get(CaseLabel.INITIAL_CELL_STATE.key()));
        assertFalse(labels.containsKey(CaseLabel.RESET_PLACEMENT.key()), "an LSTM has no reset gate");

        Case gru = Suite.QUICK.cases(3L, EnumSet.of(Cell.GRU)).stream()
                .filter(c -> c.spec().cellOptions().resetPlacement() == ResetPlacement.BEFORE).findFirst().orElseThrow();
        var gruLabels = CaseLabel.describe(SuiteCase.fullBptt(gru));
        assertEquals("gru", gruLabels.get(CaseLabel.CELL.key()));
        assertEquals("before", gruLabels.get(CaseLabel.RESET_PLACEMENT.key()));
        assertFalse(gruLabels.containsKey(CaseLabel.PEEPHOLES.key()), "a GRU has no peepholes");
        assertFalse(gruLabels.containsKey(CaseLabel.INITIAL_CELL_STATE.key()), "a GRU has no cell state");
    }
}
