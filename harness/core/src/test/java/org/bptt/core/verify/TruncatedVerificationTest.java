package org.bptt.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.bptt.api.Batch;
import org.bptt.api.GradientResult;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.RnnImplementation;
import org.bptt.api.Truncation;
import org.bptt.core.cases.CaseLabel;
import org.bptt.core.cases.Suite;
import org.bptt.core.cases.SuiteCase;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.plugins.PluginRegistry;
import org.junit.jupiter.api.Test;

class TruncatedVerificationTest {

    private static final PluginRegistry REGISTRY = PluginRegistry.discover(List.of());
    private static final LoadedPlugin ORACLE = REGISTRY.require("reference-aggregated");
    private static final RnnImplementation REFERENCE = ORACLE.implementation();
    private static final Verifier VERIFIER = new Verifier();
    private static final List<SuiteCase> DEFAULT = Suite.DEFAULT.truncatedCases(7L, java.util.EnumSet.of(org.bptt.api.Cell.ELMAN));

    private static LoadedPlugin plugin(RnnImplementation implementation) {
        return LoadedPlugin.of(implementation, "test");
    }

    /** The first DEFAULT truncated case with a per-step head, T = 17 and this truncation. */
    private static SuiteCase perStepCase(int k1, int k2) {
        return DEFAULT.stream().filter(c -> c.testCase().spec().head() == org.bptt.api.Head.PER_STEP_SOFTMAX
                        && c.testCase().batch().steps() == 17 && c.truncation().equals(new Truncation(k1, k2)))
                .findFirst().orElseThrow();
    }

    @Test
    void theNaiveReferencePassesTheDefaultTruncatedListAgainstTheAggregatedOne() {
        List<CaseResult> seen = new ArrayList<>();
        List<CaseResult> results = VERIFIER.verifyAll(DEFAULT, REGISTRY.require("reference-naive"), ORACLE, seen::add);
        assertEquals(results, seen, "each result is handed over as it comes");
        assertEquals(DEFAULT.stream().map(SuiteCase::id).toList(), results.stream().map(CaseResult::caseId).toList());
        List<String> notPassed = results.stream().filter(r -> r.status() != Status.PASSED)
                .map(r -> r.caseId() + " " + r.status() + ": " + r.message()).toList();
        assertTrue(notPassed.isEmpty(), String.join("\n", notPassed));
        CaseResult first = results.get(0);
        assertEquals(List.of("loss (gradients)", "dL/dU", "dL/dW", "dL/db", "dL/dV", "dL/dc", "dL/dx"),
                first.comparisons().stream().map(c -> c.quantity().name()).toList(), "the gradients of truncatedGradients() alone");
    }

    @Test
    void theResultNamesTheTruncatedCaseAndItsTruncation() {
        SuiteCase truncatedCase = perStepCase(8, 3);
        CaseResult result = VERIFIER.verify(truncatedCase, REGISTRY.require("reference-naive"), ORACLE);
        assertEquals(truncatedCase.testCase().id() + "-tbptt-k1_8-k2_3", result.caseId());
        assertEquals("8", result.parameters().get("k1"));
        assertEquals("3", result.parameters().get("k2"));
        List<String> keys = new ArrayList<>(CaseLabel.describe(SuiteCase.fullBptt(truncatedCase.testCase())).keySet());
        keys.addAll(List.of("k1", "k2"));
        assertEquals(keys, List.copyOf(result.parameters().keySet()));
    }

    @Test
    void ignoringTheBackwardLengthFailsNamingTheQuantityAndIndexWhereK2DiffersFromK1() {
        LoadedPlugin ignoresK2 = plugin(new TestPlugins.IgnoresBackwardLength(REFERENCE));
        CaseResult shorter = VERIFIER.verify(perStepCase(8, 3), ignoresK2, ORACLE);
        assertEquals(Status.FAILED, shorter.status(), shorter.message());
        // The loss is the full loss whatever the truncation; the first gradient compared is dL/dU.
        assertTrue(shorter.message().startsWith("dL/dU[row="), shorter.message());
        assertTrue(shorter.message().contains("expected ") && shorter.message().contains(", actual "), shorter.message());
        assertTrue(shorter.message().contains("dL/dV"), "the dropped losses also change dL/dV: " + shorter.message());
        assertEquals(Status.FAILED, VERIFIER.verify(perStepCase(3, 8), ignoresK2, ORACLE).status());
        // Where k2 = k1 it is right.
        assertEquals(Status.PASSED, VERIFIER.verify(perStepCase(4, 4), ignoresK2, ORACLE).status());
        assertEquals(Status.PASSED, VERIFIER.verify(perStepCase(17, 17), ignoresK2, ORACLE).status());
    }

    @Test
    void bothMustDeclareTruncatedBptt() {
        SuiteCase truncatedCase = perStepCase(4, 4);
        LoadedPlugin rtrl = REGISTRY.require("reference-rtrl");
        CaseResult withoutTruncation = VERIFIER.verify(truncatedCase, rtrl, ORACLE);
        assertEquals(Status.SKIPPED, withoutTruncation.status());
        assertEquals("reference-rtrl lacks TRUNCATED_BPTT", withoutTruncation.message());
        CaseResult oracleWithout = VERIFIER.verify(truncatedCase, ORACLE, rtrl);
        assertEquals(Status.SKIPPED, oracleWithout.status());
        assertEquals("oracle reference-rtrl lacks TRUNCATED_BPTT", oracleWithout.message());
        // The same plugin is verified on full BPTT as usual.
        assertEquals(Status.PASSED, VERIFIER.verify(SuiteCase.fullBptt(truncatedCase.testCase()), rtrl, ORACLE).status());
    }

    @Test
    void inputGradientsAreComparedOnlyWhenBothReturnThem() {
        CaseResult result = VERIFIER.verify(perStepCase(8, 3), plugin(new TestPlugins.NoTruncatedInputGradients(REFERENCE)),
                ORACLE);
        assertEquals(Status.PASSED, result.status(), result.message());
        assertEquals(List.of("loss (gradients)", "dL/dU", "dL/dW", "dL/db", "dL/dV", "dL/dc"),
                result.comparisons().stream().map(c -> c.quantity().name()).toList());
    }

    @Test
    void nanInATruncatedGradientIsGarbage() {
        CaseResult result = VERIFIER.verify(perStepCase(4, 4),
                plugin(new TestPlugins.NotANumberInTruncatedGradients(REFERENCE)), ORACLE);
        assertEquals(Status.ERROR, result.status());
        assertEquals("returned garbage: dL/dW has NaN at [row=0, col=1]", result.message());
    }

    @Test
    void aThrowingTruncatedCallIsAnErrorAndTheRunGoesOn() {
        RnnImplementation unimplemented = new TestPlugins.Delegating("unimplemented-tbptt", REFERENCE) {
            @Override
            public GradientResult truncatedGradients(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation) {
                throw new UnsupportedOperationException("not written yet");
            }
        };
        List<CaseResult> results = VERIFIER.verifyAll(List.of(perStepCase(4, 4), perStepCase(8, 3)), plugin(unimplemented),
                ORACLE, null);
        assertEquals(2, results.size());
        for (CaseResult result : results) {
            assertEquals(Status.ERROR, result.status());
            assertEquals("truncatedGradients() threw java.lang.UnsupportedOperationException: not written yet", result.message());
        }
    }
}
