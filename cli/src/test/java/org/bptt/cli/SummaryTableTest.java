package org.bptt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
