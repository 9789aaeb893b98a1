package org.bptt.core.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.bptt.api.CataloguedMistake;
import org.bptt.api.Cell;
import org.bptt.core.cases.Suite;
import org.bptt.core.cases.SuiteCase;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.plugins.PluginRegistry;
import org.bptt.core.verify.CaseResult;
import org.bptt.core.verify.Status;
import org.bptt.core.verify.Verifier;
import org.bptt.reference.mistakes.ElmanMistake;
import org.junit.jupiter.api.Test;

/**
 * A student's Elman RNN with one catalogued mistake, written independently of the catalogue's models
 * ({@link StudentElman}), is diagnosed with exactly that mistake on the quick suite's Elman cases; a correct one
 * gets no diagnosis; two mistakes at once are named together.
 */
class DiagnosisTest {

    private static final PluginRegistry REGISTRY = PluginRegistry.discover(List.of());
    private static final LoadedPlugin ORACLE = REGISTRY.require("reference-aggregated");
    private static final List<SuiteCase> CASES = Suite.QUICK.cases(7L, Set.of(Cell.ELMAN)).stream()
            .map(SuiteCase::fullBptt).toList();
    private static final Verifier VERIFIER = new Verifier();

    private static List<CaseResult> verify(StudentElman student) {
        return VERIFIER.verifyAll(CASES, LoadedPlugin.of(student, "tests"), ORACLE, null);
    }

    @Test
    void theCatalogueIsOnTheClassPath() {
        MistakeCatalogues catalogues = MistakeCatalogues.fromClassPath();
        assertTrue(catalogues.problems().isEmpty(), catalogues.problems().toString());
        assertTrue(catalogues.mistakes().size() >= 12, "at least a dozen mistakes");
    }

    @Test
    void eachElmanMistakeIsDiagnosedAsItself() {
        for (ElmanMistake elmanMistake : ElmanMistake.values()) {
            CataloguedMistake mistake = MistakeCatalogues.fromClassPath().mistakes().stream()
                    .filter(m -> m.name().equals(elmanMistake.id())).findFirst().orElseThrow();
            List<CaseResult> results = verify(new StudentElman(mistake.name()));
            List<CaseResult> failed = results.stream().filter(r -> r.status() == Status.FAILED).toList();
            assertFalse(failed.isEmpty(), mistake.name() + " shows on no case of the quick suite");
            assertTrue(results.stream().allMatch(r -> r.status() == Status.PASSED || r.status() == Status.FAILED),
                    mistake.name() + ": " + results.stream().filter(r -> r.status() == Status.ERROR).map(CaseResult::message).toList());
            for (CaseResult result : failed) {
                assertTrue(Diagnosis.explanationsIn(result.diagnosis()).contains(Set.of(mistake.name())),
                        mistake.name() + " on " + result.caseId() + ": " + result.diagnosis() + " (" + result.message() + ")");
            }
            ImplementationDiagnosis diagnosis = ImplementationDiagnosis.of(results);
            assertEquals(mistake.name(), diagnosis.names(), diagnosis.describe());
        }
    }

    @Test
    void aCorrectImplementationGetsNoDiagnosis() {
        List<CaseResult> results = verify(new StudentElman());
        for (CaseResult result : results) {
            assertEquals(Status.PASSED, result.status(), result.caseId() + ": " + result.message());
            assertEquals("", result.diagnosis());
        }
        assertEquals("", ImplementationDiagnosis.of(results).describe());
    }

    @Test
    void twoMistakesAtOnceAreNamedTogether() {
        List<CaseResult> results = verify(new StudentElman("output-gradient-sign", "recurrent-gradient-with-h-t"));
        List<CaseResult> failed = results.stream().filter(r -> r.status() == Status.FAILED).toList();
        assertEquals(results.size(), failed.size(), "both mistakes change dL/dW on every case");
        for (CaseResult result : failed) {
            assertEquals(List.of(Set.of("output-gradient-sign", "recurrent-gradient-with-h-t")),
                    Diagnosis.explanationsIn(result.diagnosis()), result.caseId() + ": " + result.diagnosis());
        }
        assertEquals("output-gradient-sign + recurrent-gradient-with-h-t", ImplementationDiagnosis.of(results).names());
    }

    @Test
    void aMistakeOutsideTheCatalogueIsSaidPlainly() {
        List<CaseResult> results = verify(new StudentElman(StudentElman.UNCATALOGUED));
        List<CaseResult> failed = results.stream().filter(r -> r.status() == Status.FAILED).toList();
        assertFalse(failed.isEmpty());
        for (CaseResult result : failed) {
            assertTrue(result.diagnosis().startsWith("no catalogued mistake explains dL/dV; first difference at dL/dV["),
                    result.diagnosis());
        }
        ImplementationDiagnosis diagnosis = ImplementationDiagnosis.of(results);
        assertFalse(diagnosis.explained());
        assertEquals("no catalogued mistake explains all " + failed.size() + " failed cases (" + failed.size()
                + " unexplained)", diagnosis.describe());
    }
}
