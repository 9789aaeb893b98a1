package org.bptt.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.Capability;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.DataType;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Quantity;
import org.bptt.api.RnnImplementation;
import org.bptt.api.Tensor;
import org.bptt.core.cases.CaseGenerator;
import org.bptt.core.cases.Suite;
import org.bptt.core.cases.SuiteCase;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.plugins.PluginRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VerifierTest {

    private static final PluginRegistry REGISTRY = PluginRegistry.discover(List.of());
    private static final LoadedPlugin ORACLE = REGISTRY.require("reference-aggregated");
    private static final RnnImplementation REFERENCE = ORACLE.implementation();
    private static final Verifier VERIFIER = new Verifier(TolerancePolicy.defaults(), Duration.ofSeconds(30));
    /** A short timeout for the plugins that hang. */
    private static final Verifier IMPATIENT = new Verifier(TolerancePolicy.defaults(), Duration.ofMillis(200));

    private static final ModelSpec SPEC = new ModelSpec(Cell.ELMAN, 3, 4, 3, Activation.TANH, Head.PER_STEP_SOFTMAX, true,
            LossReduction.SUM, DataType.FLOAT64);

    private static SuiteCase caseWith(int steps, boolean masked, boolean initialState) {
        return SuiteCase.fullBptt(CaseGenerator.generate("tanh-T" + steps, SPEC, 2, steps, masked, initialState, 31L + steps));
    }

    private static LoadedPlugin plugin(RnnImplementation implementation) {
        return LoadedPlugin.of(implementation, "test");
    }

    @ParameterizedTest
    @ValueSource(strings = {"reference-naive", "reference-rtrl", "reference-aggregated"})
    void everyReferencePluginPassesTheDefaultSuiteAgainstTheAggregatedOne(String id) {
        List<SuiteCase> cases = Suite.DEFAULT.cases(7L, EnumSet.of(Cell.ELMAN)).stream().map(SuiteCase::fullBptt).toList();
        List<CaseResult> results = VERIFIER.verifyAll(cases, REGISTRY.require(id), ORACLE, null);
        assertEquals(cases.size(), results.size());
        List<String> notPassed = results.stream().filter(r -> r.status() != Status.PASSED)
                .map(r -> r.caseId() + " " + r.status() + ": " + r.message()).toList();
        assertTrue(notPassed.isEmpty(), notPassed.size() + " not passed:\n" + String.join("\n", notPassed.subList(0, Math.min(10, notPassed.size()))));
        // Everything both offer was compared: h, y, 2 losses, 5 parameter gradients, x, h_{-1}, h gradients.
        CaseResult first = results.get(2);
        assertEquals(List.of("h", "y", "loss", "loss (gradients)", "dL/dU", "dL/dW", "dL/db", "dL/dV", "dL/dc", "dL/dx",
                "dL/dh_{-1}", "dL/dh"), first.comparisons().stream().map(c -> c.quantity().name()).toList());
    }

    @Test
    void aTransposedRecurrentMatrixFailsNamingTheFirstWrongHiddenState() {
        CaseResult result = VERIFIER.verify(caseWith(5, false, false), plugin(new TestPlugins.TransposedRecurrence(REFERENCE)), ORACLE);
        assertEquals(Status.FAILED, result.status(), result.message());
        // h_0 does not involve W (h_{-1} = 0): the first wrong value is at t = 1.
        assertTrue(result.message().startsWith("h[b=0, t=1, i="), result.message());
        assertTrue(result.message().contains("expected ") && result.message().contains(", actual "), result.message());
        assertTrue(result.message().contains("dL/dW"), "the later failures are listed: " + result.message());
    }

    @Test
    void aDroppedBiasGradientFailsNamingDbAndItsIndex() {
        CaseResult result = VERIFIER.verify(caseWith(17, true, true), plugin(new TestPlugins.DroppedBiasGradient(REFERENCE)), ORACLE);
        assertEquals(Status.FAILED, result.status());
        assertTrue(result.message().startsWith("dL/db[i=0]: expected "), result.message());
        assertTrue(result.message().contains(", actual 0.0, "), result.message());
        assertTrue(result.comparisons().stream().filter(c -> !c.passed()).allMatch(c -> c.quantity().name().equals("dL/db")),
                "only dL/db is wrong");
    }

    @Test
    void aKnownDivergenceIsReportedAsSuchWithItsExplanation() {
        KnownDivergences known = new KnownDivergences(List.of(new KnownDivergence("no-db", c -> c.spec().biases(), Quantity.gradientOf("b"),
                TestPlugins.droppedBiasGradientModel("this library does not train the hidden bias (see its issue #1)"))));
        Verifier verifier = new Verifier(TolerancePolicy.defaults(), Duration.ofSeconds(30), known);
        CaseResult result = verifier.verify(caseWith(3, false, false), plugin(new TestPlugins.DroppedBiasGradient(REFERENCE)), ORACLE);
        assertEquals(Status.KNOWN_DIVERGENCE, result.status());
        assertTrue(result.message().contains("does not train the hidden bias"), result.message());
        assertTrue(result.message().contains("dL/db[i="), result.message());
        // A different failure by the same plugin is still a failure.
        CaseResult other = verifier.verify(caseWith(3, false, false), plugin(new TestPlugins.TransposedRecurrence(REFERENCE)), ORACLE);
        assertEquals(Status.FAILED, other.status());
    }

    @Test
    void aThrowingPluginIsAnErrorWithTheExceptionAndTheRunGoesOn() {
        TestPlugins.Throwing throwing = new TestPlugins.Throwing(REFERENCE);
        List<CaseResult> seen = new ArrayList<>();
        List<CaseResult> results = VERIFIER.verifyAll(List.of(caseWith(2, false, false), caseWith(3, false, false)),
                plugin(throwing), ORACLE, seen::add);
        assertEquals(2, results.size());
        assertEquals(results, seen, "each result is handed over as it comes");
        for (CaseResult result : results) {
            assertEquals(Status.ERROR, result.status());
            assertEquals("forward() threw java.lang.IllegalStateException: native library not found", result.message());
        }
    }

    @Test
    void aHangingCallTimesOutAndTheNextCaseRuns() {
        TestPlugins.Hanging hanging = new TestPlugins.Hanging(REFERENCE, 2);
        List<CaseResult> results = IMPATIENT.verifyAll(List.of(caseWith(2, false, false), caseWith(3, false, false)),
                plugin(hanging), ORACLE, null);
        assertEquals(Status.ERROR, results.get(0).status());
        assertEquals("gradients() timed out after 200ms", results.get(0).message());
        assertEquals(Status.PASSED, results.get(1).status(), results.get(1).message());
    }

    @Test
    void aCallThatIgnoresInterruptsBlocksOnlyItsOwnInstance() {
        TestPlugins.Stubborn stubborn = new TestPlugins.Stubborn(REFERENCE);
        try {
            List<CaseResult> results = IMPATIENT.verifyAll(List.of(caseWith(2, false, false), caseWith(3, false, false)),
                    plugin(stubborn), ORACLE, null);
            assertEquals("forward() timed out after 200ms", results.get(0).message());
            assertEquals(Status.ERROR, results.get(1).status());
            assertTrue(results.get(1).message().contains("still running"), results.get(1).message());
            // Another implementation is not held up.
            assertEquals(Status.PASSED, IMPATIENT.verify(caseWith(3, false, false), ORACLE, ORACLE).status());
        } finally {
            stubborn.release();
        }
    }

    @Test
    void nanInTheOutputsIsGarbage() {
        CaseResult result = VERIFIER.verify(caseWith(3, false, false), plugin(new TestPlugins.NotANumber(REFERENCE)), ORACLE);
        assertEquals(Status.ERROR, result.status());
        assertEquals("returned garbage: y has NaN at [b=0, t=0, k=1]", result.message());
    }

    @Test
    void aGradientOfTheWrongShapeIsGarbage() {
        CaseResult result = VERIFIER.verify(caseWith(3, false, false), plugin(new TestPlugins.WrongShape(REFERENCE)), ORACLE);
        assertEquals(Status.ERROR, result.status());
        assertEquals("returned garbage: dL/dW has shape [3, 4], expected [4, 4]", result.message());
    }

    @Test
    void aPluginCannotChangeTheCaseItIsGiven() {
        SuiteCase testCase = caseWith(3, false, false);
        Tensor weightsBefore = testCase.testCase().parameters().get(ParameterNames.W).copy();
        CaseResult result = VERIFIER.verify(testCase, plugin(new TestPlugins.Vandal(REFERENCE)), ORACLE);
        assertEquals(Status.FAILED, result.status(), "it computed with zeroed weights and inputs");
        assertEquals(weightsBefore, testCase.testCase().parameters().get(ParameterNames.W));
        assertEquals(Status.PASSED, VERIFIER.verify(testCase, ORACLE, ORACLE).status());
    }

    @Test
    void aMissingCapabilityIsSkippedWithTheReason() {
        Set<Capability> noMasksNoState = EnumSet.copyOf(REFERENCE.capabilities());
        noMasksNoState.removeAll(EnumSet.of(Capability.MASKS, Capability.INITIAL_STATE));
        CaseResult result = VERIFIER.verify(caseWith(3, true, true), plugin(new TestPlugins.Limited(REFERENCE, noMasksNoState)), ORACLE);
        assertEquals(Status.SKIPPED, result.status());
        assertEquals("limited lacks MASKS, INITIAL_STATE", result.message());
        assertEquals(Status.PASSED, VERIFIER.verify(caseWith(3, false, false), plugin(new TestPlugins.Limited(REFERENCE, noMasksNoState)),
                ORACLE).status());
    }

    @Test
    void optionalQuantitiesAreComparedOnlyWhenBothOfferThem() {
        Set<Capability> basic = EnumSet.copyOf(REFERENCE.capabilities());
        basic.removeAll(EnumSet.of(Capability.HIDDEN_STATES, Capability.INPUT_GRADIENTS, Capability.INITIAL_STATE_GRADIENTS,
                Capability.HIDDEN_STATE_GRADIENTS));
        CaseResult result = VERIFIER.verify(caseWith(3, false, true), plugin(new TestPlugins.Limited(REFERENCE, basic)), ORACLE);
        assertEquals(Status.PASSED, result.status());
        assertEquals(List.of("y", "loss", "loss (gradients)", "dL/dU", "dL/dW", "dL/db", "dL/dV", "dL/dc"),
                result.comparisons().stream().map(c -> c.quantity().name()).toList());
    }

    @Test
    void theOracleComputesInDoubleEvenForAFloat32Case() {
        Set<Capability> withFloat32 = EnumSet.copyOf(REFERENCE.capabilities());
        withFloat32.add(Capability.FLOAT32);
        Case float32Case = CaseGenerator.generate("f32", SPEC.withDataType(DataType.FLOAT32), 2, 4, false, false, 3L);
        // The reference lacks FLOAT32; it is asked for FLOAT64, so this is not skipped.
        CaseResult result = VERIFIER.verify(SuiteCase.fullBptt(float32Case), plugin(new TestPlugins.Limited(REFERENCE, withFloat32)), ORACLE);
        assertEquals(Status.PASSED, result.status(), result.message());
        assertEquals("float32", result.parameters().get("dataType"));
    }

    @Test
    void anInvalidCaseIsAnErrorNamingTheField() {
        Case valid = caseWith(3, false, false).testCase();
        Tensor badInputs = valid.batch().inputs().copy();
        badInputs.set(Double.NaN, 1, 2, 0);
        Case invalid = new Case("bad", "NaN input", valid.spec(), valid.parameters(),
                new Batch(badInputs, valid.batch().targets(), null, null), 0);
        CaseResult result = VERIFIER.verify(SuiteCase.fullBptt(invalid), ORACLE, ORACLE);
        assertEquals(Status.ERROR, result.status());
        assertEquals("invalid case: inputs[1, 2, 0] is NaN; every element must be finite", result.message());
    }

    @Test
    void theResultDescribesTheCaseInAStableOrder() {
        SuiteCase testCase = caseWith(3, true, false);
        CaseResult result = VERIFIER.verify(testCase, REGISTRY.require("reference-naive"), ORACLE);
        // The fourteen labels from before the choice of cell, then the cell (an Elman case has no cell options).
        assertEquals(List.of("spec", "activation", "head", "biases", "reduction", "dataType", "B", "T", "masked", "h0", "seed",
                "d", "H", "K", "cell"), List.copyOf(result.parameters().keySet()));
        assertEquals("3", result.parameters().get("T"));
        assertEquals("true", result.parameters().get("masked"));
        assertEquals(Long.toString(testCase.testCase().seed()), result.parameters().get("seed"));
        assertEquals("reference-naive", result.implementationId());
        assertEquals("reference-aggregated", result.oracleId());
        assertTrue(result.nanos() > 0);
    }
}
