package org.bptt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.bptt.core.verify.CaseResult;
import org.bptt.core.verify.Status;
import org.junit.jupiter.api.Test;

class SummaryTableTest {

    @Test
    void aSkipThatLacksSeveralCapabilitiesCountsUnderEach() {
        assertEquals(List.of("dl4j-lstm lacks GRU_RESET_AFTER", "dl4j-lstm lacks TWO_BIASES"),
                SummaryTable.skipReasonsOf("dl4j-lstm lacks GRU_RESET_AFTER, TWO_BIASES"));
        assertEquals(List.of("oracle vectors lacks LSTM"), SummaryTable.skipReasonsOf("oracle vectors lacks LSTM"));
    }

    @Test
    void anyOtherReasonIsKeptWhole() {
        assertEquals(List.of("RTRL stores dh/dθ: too large, 3 GB"), SummaryTable.skipReasonsOf("RTRL stores dh/dθ: too large, 3 GB"));
    }

    @Test
    void namesTheMistakesThatExplainAllOfAnImplementationsFailures() {
        List<CaseResult> results = List.of(
                failed("student-a", "case-1", "output-gradient-sign: the output gradient with the wrong sign"),
                failed("student-a", "case-2", "output-gradient-sign + initial-state-ignored: both"),
                failed("student-b", "case-1", "no catalogued mistake explains dL/dV; first difference at dL/dV[0, 0]"),
                new CaseResult("case-1", "student-c", "reference-aggregated", Status.PASSED, "", List.of(), Map.of(), 1));
        java.io.StringWriter text = new java.io.StringWriter();
        SummaryTable.print(new java.io.PrintWriter(text), results);
        String printed = text.toString();
        assertTrue(printed.contains("diagnosis: output-gradient-sign + initial-state-ignored: both"), printed);
        assertTrue(printed.contains("  student-a: initial-state-ignored + output-gradient-sign explain all 2 failed cases"), printed);
        assertTrue(printed.contains("  student-b: no catalogued mistake explains all 1 failed case (1 unexplained)"), printed);
        assertFalse(printed.contains("student-c:"), printed);
        assertTrue(printed.contains("    output-gradient-sign: the output gradient with the wrong sign: y* − y instead of y − y*"),
                printed);
        assertTrue(printed.contains("    initial-state-ignored: "), printed);
    }

    private static CaseResult failed(String implementation, String caseId, String diagnosis) {
        return new CaseResult(caseId, implementation, "reference-aggregated", Status.FAILED, "dL/dW beyond tolerance",
                List.of(), Map.of(), 1, diagnosis);
    }
}
