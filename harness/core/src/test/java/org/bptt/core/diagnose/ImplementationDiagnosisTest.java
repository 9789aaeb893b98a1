package org.bptt.core.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bptt.core.verify.CaseResult;
import org.bptt.core.verify.Status;
import org.junit.jupiter.api.Test;

/** The mistakes that explain all of an implementation's failures, read from its cases' diagnoses. */
class ImplementationDiagnosisTest {

    private static CaseResult failed(String diagnosis) {
        return new CaseResult("case", "student", "reference-aggregated", Status.FAILED, "dL/dW beyond tolerance",
                List.of(), Map.of(), 1, diagnosis);
    }

    private static CaseResult passed() {
        return new CaseResult("case", "student", "reference-aggregated", Status.PASSED, "", List.of(), Map.of(), 1);
    }

    @Test
    void theTextOfACaseNamesItsAlternatives() {
        assertEquals(List.of(Set.of("a"), Set.of("b", "c")), Diagnosis.explanationsIn("a or b + c: what a does"));
        assertEquals(List.of(), Diagnosis.explanationsIn("no catalogued mistake explains dL/dW; first difference at dL/dW[0, 1]: x"));
        assertEquals(List.of(), Diagnosis.explanationsIn(""));
    }

    @Test
    void casesThatShowOneMistakeAndCasesThatShowTwoAreCoveredByBoth() {
        ImplementationDiagnosis diagnosis = ImplementationDiagnosis.of(List.of(
                failed("sign: x"), failed("sign + initial: x; y"), passed(), failed("sign or other: x")));
        assertEquals(List.of(Set.of("initial", "sign")), diagnosis.explanations());
        assertEquals("initial + sign explain all 3 failed cases", diagnosis.describe());
    }

    @Test
    void oneMistakeExplainingEveryCaseIsNamedAlone() {
        ImplementationDiagnosis diagnosis = ImplementationDiagnosis.of(List.of(failed("sign or other: x"), failed("sign: x")));
        assertEquals("sign", diagnosis.names());
        assertEquals("sign explains all 2 failed cases", diagnosis.describe());
    }

    @Test
    void anUnexplainedCaseLeavesTheImplementationUnexplained() {
        ImplementationDiagnosis diagnosis = ImplementationDiagnosis.of(List.of(failed("sign: x"),
                failed("no catalogued mistake explains dL/dV; first difference at dL/dV[0, 0]")));
        assertFalse(diagnosis.explained());
        assertEquals("no catalogued mistake explains all 2 failed cases (1 unexplained)", diagnosis.describe());
    }

    @Test
    void nothingFailedNothingToSay() {
        ImplementationDiagnosis diagnosis = ImplementationDiagnosis.of(List.of(passed()));
        assertEquals("", diagnosis.describe());
        assertTrue(diagnosis.explanations().isEmpty());
    }
}
