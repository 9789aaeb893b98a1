package org.bptt.core.cases;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.bptt.api.Case;
import org.bptt.api.Truncation;
import org.junit.jupiter.api.Test;

/** The case labels: one owner of their keys, written in a stable order, k1 and k2 for truncated cases only. */
class CaseLabelTest {

    private static final Case CASE = Suite.QUICK.cases(3L).get(5);

    @Test
    void theKeysAreTheOnesEveryReportHasAlwaysRead() {
        assertEquals(List.of("spec", "activation", "head", "biases", "reduction", "dataType", "B", "T", "masked", "h0", "seed",
                "d", "H", "K", "k1", "k2"), Arrays.stream(CaseLabel.values()).map(CaseLabel::key).toList());
    }

    @Test
    void aFullBpttCaseIsDescribedWithoutTheTruncation() {
        var labels = CaseLabel.describe(SuiteCase.fullBptt(CASE));
        assertEquals(Arrays.stream(CaseLabel.values()).map(CaseLabel::key).toList().subList(0, 14), List.copyOf(labels.keySet()));
        assertEquals(CASE.spec().label(), labels.get(CaseLabel.SPEC.key()));
        assertEquals(Integer.toString(CASE.batch().steps()), labels.get(CaseLabel.STEPS.key()));
        assertEquals(Long.toString(CASE.seed()), labels.get(CaseLabel.SEED.key()));
    }

    @Test
    void aTruncatedCaseAddsK1AndK2() {
        var labels = CaseLabel.describe(SuiteCase.truncated(CASE, new Truncation(8, 3)));
        assertEquals("8", labels.get(CaseLabel.FORWARD_LENGTH.key()));
        assertEquals("3", labels.get(CaseLabel.BACKWARD_LENGTH.key()));
        assertEquals(16, labels.size());
    }
}
