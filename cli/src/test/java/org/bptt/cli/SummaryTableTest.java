package org.bptt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
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
    void eachExplanationIsPrintedOnceWithItsCountAndACaseWithTwoCountsUnderEach() {
        List<CaseResult> results = List.of(
                known("a", "mask bug (§1) (in this case: dL/dx 3 × allowed)"),
                known("b", "mask bug (§1) (in this case: dL/dx 7 × allowed)"),
                known("c", "mask bug (§1)" + CaseResult.EXPLANATION_SEPARATOR + "clamped score (in this case: loss)"));
        StringWriter text = new StringWriter();
        SummaryTable.print(new PrintWriter(text), results);
        String printed = text.toString();
        assertTrue(printed.contains("      3  (dl4j 3) mask bug (§1)\n"), printed);
        assertTrue(printed.contains("      1  (dl4j 1) clamped score\n"), printed);
        assertFalse(printed.contains("in this case"), "a case's own detail splits no group: " + printed);
    }

    private static CaseResult known(String caseId, String explanations) {
        return new CaseResult(caseId, "dl4j", "reference-aggregated", Status.KNOWN_DIVERGENCE,
                CaseResult.KNOWN_DIVERGENCE_PREFIX + explanations, List.of(), Map.of(), 1);
    }

    @Test
    void namesTheMistakesThatExplainAllOfAnImplementationsFailures() {
        List<CaseResult> results = List.of(
                failed("student-a", "case-1", "output-gradient-sign: the output gradient with the wrong sign"),
                failed("student-a", "case-2", "output-gradient-sign + initial-state-ignored: both"),
                failed("student-b", "case-1", "no catalogued mistake explains dL/dV; first difference at dL/dV[0, 0]"),
                new CaseResult("case-1", "student-c", "reference-aggregated", Status.PASSED, "", List.of(), Map.of(), 1));
        StringWriter text = new StringWriter();
        SummaryTable.print(new PrintWriter(text), results);
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

    @Test
    void anIllConditionedCaseIsCountedApartListedAndDoesNotFailTheGate() {
        List<CaseResult> results = List.of(
                new CaseResult("a", "impl", "oracle", Status.PASSED, "", List.of(), Map.of(), 0),
                new CaseResult("chaotic", "impl", "oracle", Status.ILL_CONDITIONED,
                        "ill-conditioned: ... (amplification 9.0e+15: h 9.0e+15) ...; failed: h", List.of(), Map.of(), 0));
        StringWriter text = new StringWriter();
        SummaryTable.print(new PrintWriter(text, true), results);
        String out = text.toString();
        String header = out.lines().filter(line -> line.startsWith("implementation")).findFirst().orElseThrow();
        String row = out.lines().filter(line -> line.startsWith("impl ")).findFirst().orElseThrow();
        assertEquals(List.of("implementation", "cases", "passed", "failed", "known", "ill-cond.", "error", "skipped", "oracle"),
                List.of(header.trim().split("\\s+")));
        assertEquals(List.of("impl", "2", "1", "0", "0", "1", "0", "0", "oracle"), List.of(row.trim().split("\\s+")));
        assertTrue(out.contains("Ill-conditioned, neither passed nor failed: rounding alone moves these cases beyond tolerance (1):"), out);
        assertTrue(out.contains("impl chaotic: ill-conditioned: ... (amplification 9.0e+15"), out);
        assertEquals(ExitCode.OK, SummaryTable.exitCode(results));
    }
}
