package org.bptt.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.bptt.api.Activation;
import org.bptt.api.Cell;
import org.bptt.api.DataType;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.Quantity;
import org.bptt.api.RnnImplementation;
import org.bptt.api.Truncation;
import org.bptt.core.cases.CaseGenerator;
import org.bptt.core.cases.SuiteCase;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.plugins.PluginRegistry;
import org.junit.jupiter.api.Test;

/** Known divergences that a plugin declares itself, through {@link RnnImplementation#knownDivergence}. */
class DeclaredDivergenceTest {

    private static final PluginRegistry REGISTRY = PluginRegistry.discover(List.of());
    private static final LoadedPlugin ORACLE = REGISTRY.require("reference-aggregated");
    private static final RnnImplementation REFERENCE = ORACLE.implementation();
    private static final Verifier VERIFIER = new Verifier();

    private static final ModelSpec SPEC = new ModelSpec(Cell.ELMAN, 3, 4, 3, Activation.TANH, Head.PER_STEP_SOFTMAX, true,
            LossReduction.SUM, DataType.FLOAT64);
    private static final SuiteCase CASE = SuiteCase.fullBptt(CaseGenerator.generate("declared", SPEC, 2, 6, true, false, 17L));

    private static LoadedPlugin plugin(RnnImplementation implementation) {
        return LoadedPlugin.of(implementation, "test");
    }

    @Test
    void aDeclaredDivergenceIsReportedAsSuchWithTheExplanation() {
        CaseResult result = VERIFIER.verify(CASE, plugin(new TestPlugins.DeclaredDroppedBiasGradient(REFERENCE)), ORACLE);
        assertEquals(Status.KNOWN_DIVERGENCE, result.status(), result.message());
        assertTrue(result.message().startsWith("known divergence: " + TestPlugins.DeclaredDroppedBiasGradient.EXPLANATION),
                result.message());
        assertTrue(result.message().contains("(in this case: dL/db[i=0]: expected "),
                "the failure itself is still shown: " + result.message());
        assertEquals(List.of(TestPlugins.DeclaredDroppedBiasGradient.EXPLANATION), result.explanations(),
                "the explanation without the case's detail, as reports group by it");
    }

    @Test
    void aPluginWhoseKnownDivergenceThrowsFailsWithTheNormalMessage() {
        CaseResult plain = VERIFIER.verify(CASE, plugin(new TestPlugins.DroppedBiasGradient(REFERENCE)), ORACLE);
        CaseResult throwing = VERIFIER.verify(CASE, plugin(new TestPlugins.ThrowingExplanation(REFERENCE)), ORACLE);
        assertEquals(Status.FAILED, plain.status());
        assertEquals(Status.FAILED, throwing.status());
        assertEquals(plain.message(), throwing.message());
        assertEquals(plain.comparisons(), throwing.comparisons());
        // The run goes on: the next case is verified as usual.
        List<CaseResult> results = VERIFIER.verifyAll(List.of(CASE, CASE), plugin(new TestPlugins.ThrowingExplanation(REFERENCE)),
                ORACLE, null);
        assertEquals(List.of(Status.FAILED, Status.FAILED), results.stream().map(CaseResult::status).toList());
    }

    @Test
    void anExplanationForAQuantityThatPassedChangesNothing() {
        // A correct plugin explaining dL/dW: it passes, and is not even asked (nothing failed).
        TestPlugins.Explaining correct = new TestPlugins.Explaining(REFERENCE, "dL/dW", "W is stored transposed");
        CaseResult passed = VERIFIER.verify(CASE, plugin(correct), ORACLE);
        assertEquals(Status.PASSED, passed.status(), passed.message());
        assertEquals("", passed.message());
        assertEquals(List.of(), correct.askedAbout);
        // A wrong dL/db explained as a dL/dW divergence: still a failure, with the normal message.
        TestPlugins.Explaining wrongQuantity = new TestPlugins.Explaining(new TestPlugins.DroppedBiasGradient(REFERENCE), "dL/dW",
                "W is stored transposed");
        CaseResult failed = VERIFIER.verify(CASE, plugin(wrongQuantity), ORACLE);
        CaseResult plain = VERIFIER.verify(CASE, plugin(new TestPlugins.DroppedBiasGradient(REFERENCE)), ORACLE);
        assertEquals(Status.FAILED, failed.status());
        assertEquals(plain.message(), failed.message());
        assertEquals(List.of("dL/db"), wrongQuantity.askedAbout, "asked only about what failed");
        assertEquals(List.of(Optional.empty()), wrongQuantity.askedWith, "full BPTT: no truncation");
    }

    @Test
    void aBlankOrNullExplanationExplainsNothing() {
        for (String explanation : new String[] {null, "  "}) {
            TestPlugins.Explaining blank = new TestPlugins.Explaining(new TestPlugins.DroppedBiasGradient(REFERENCE), "dL/db", explanation);
            assertEquals(Status.FAILED, VERIFIER.verify(CASE, plugin(blank), ORACLE).status());
        }
    }

    @Test
    void theListIsConsultedFirst() {
        KnownDivergences listed = new KnownDivergences(List.of(new KnownDivergence("declared-no-db", c -> true, Quantity.gradientOf("b"),
                TestPlugins.droppedBiasGradientModel("the list's explanation"))));
        Verifier verifier = new Verifier(VERIFIER.policy(), VERIFIER.callTimeout(), listed);
        CaseResult result = verifier.verify(CASE, plugin(new TestPlugins.DeclaredDroppedBiasGradient(REFERENCE)), ORACLE);
        assertEquals(Status.KNOWN_DIVERGENCE, result.status());
        assertTrue(result.message().startsWith("known divergence: the list's explanation ("), result.message());
    }

    @Test
    void anExplanationWithParenthesesIsRecoveredWholeFromTheMessage() {
        // Reports group known divergences by explanation: one that contains " (h" or " (dL/" must not be cut there.
        String explanation = "bias bug (h = 0 after each chunk) (dL/db of the library's own layer; §1)";
        KnownDivergences listed = new KnownDivergences(List.of(new KnownDivergence("declared-no-db", c -> true,
                Quantity.gradientOf("b"), TestPlugins.droppedBiasGradientModel(explanation))));
        Verifier verifier = new Verifier(VERIFIER.policy(), VERIFIER.callTimeout(), listed);
        CaseResult result = verifier.verify(CASE, plugin(new TestPlugins.DeclaredDroppedBiasGradient(REFERENCE)), ORACLE);
        assertEquals(Status.KNOWN_DIVERGENCE, result.status(), result.message());
        assertEquals(List.of(explanation), result.explanations());
        assertEquals(List.of(), VERIFIER.verify(CASE, plugin(new TestPlugins.DroppedBiasGradient(REFERENCE)),
                ORACLE).explanations(), "a failure has no explanation");
    }

    @Test
    void aTruncatedCaseAsksWithItsTruncation() {
        Truncation truncation = new Truncation(4, 2);
        TestPlugins.Explaining ignoresK2 = new TestPlugins.Explaining(new TestPlugins.IgnoresBackwardLength(REFERENCE), "dL/dU",
                "this library ignores k2");
        CaseResult result = VERIFIER.verify(SuiteCase.truncated(CASE.testCase(), truncation), plugin(ignoresK2), ORACLE);
        // dL/dU is explained, but the other wrong gradients are not.
        assertEquals(Status.FAILED, result.status(), result.message());
        assertTrue(ignoresK2.askedAbout.contains("dL/dU") && ignoresK2.askedAbout.contains("dL/dW"), ignoresK2.askedAbout.toString());
        assertTrue(ignoresK2.askedWith.stream().allMatch(asked -> asked.equals(Optional.of(truncation))));
    }

    @Test
    void nonFiniteValuesThatThePluginExplainsAreAKnownDivergenceWithTheGarbageMessage() {
        String explanation = "this library's softmax returns NaN for a row whose logits all underflow (its issue #2)";
        CaseResult plain = VERIFIER.verify(CASE, plugin(new TestPlugins.NotANumber(REFERENCE)), ORACLE);
        assertEquals(Status.ERROR, plain.status(), plain.message());
        TestPlugins.Explaining explaining = new TestPlugins.Explaining(new TestPlugins.NotANumber(REFERENCE), "y", explanation);
        CaseResult result = VERIFIER.verify(CASE, plugin(explaining), ORACLE);
        assertEquals(Status.KNOWN_DIVERGENCE, result.status(), result.message());
        assertTrue(result.message().startsWith("known divergence: " + explanation), result.message());
        assertTrue(result.message().contains(plain.message()), "the garbage is still shown: " + result.message());
        assertEquals(List.of("y"), explaining.askedAbout, "asked about the non-finite quantity only");
    }

    @Test
    void nonFiniteValuesThatThePluginDoesNotExplainStayAnError() {
        CaseResult plain = VERIFIER.verify(CASE, plugin(new TestPlugins.NotANumber(REFERENCE)), ORACLE);
        TestPlugins.Explaining explaining = new TestPlugins.Explaining(new TestPlugins.NotANumber(REFERENCE), "loss",
                "explains the loss, which is finite");
        CaseResult result = VERIFIER.verify(CASE, plugin(explaining), ORACLE);
        assertEquals(Status.ERROR, result.status(), result.message());
        assertEquals(plain.message(), result.message());
        assertEquals(List.of("y"), explaining.askedAbout);
    }

    @Test
    void aWrongShapeIsAnErrorWhateverThePluginExplains() {
        TestPlugins.Explaining explaining = new TestPlugins.Explaining(new TestPlugins.WrongShape(REFERENCE), "dL/dW",
                "explains dL/dW");
        CaseResult result = VERIFIER.verify(CASE, plugin(explaining), ORACLE);
        assertEquals(Status.ERROR, result.status(), result.message());
        assertTrue(result.message().startsWith("returned garbage: dL/dW has shape"), result.message());
        assertEquals(List.of(), explaining.askedAbout, "a malformed result is not a divergence to explain");
    }

    @Test
    void aClaimWhoseModelPredictsOtherNumbersFailsNamingTheClaimAndBothDistances() {
        // Wrong inside the claimed class (dL/db), but not the way the claimed bug is: dL/db halved, not dropped.
        TestPlugins.Explaining halved = new TestPlugins.Explaining(new TestPlugins.HalvedBiasGradient(REFERENCE), "dL/db",
                TestPlugins.droppedBiasGradientModel(TestPlugins.DeclaredDroppedBiasGradient.EXPLANATION));
        CaseResult result = VERIFIER.verify(CASE, plugin(halved), ORACLE);
        assertEquals(Status.FAILED, result.status(), result.message());
        assertTrue(result.message().startsWith("dL/db: "), result.message());
        assertTrue(result.message().contains(" from exact, "), result.message());
        assertTrue(result.message().contains(" from the model of '" + TestPlugins.DeclaredDroppedBiasGradient.EXPLANATION
                + "' — the known divergence no longer explains it"), result.message());
        // Both distances are the absolute error of the worst element, and halving makes it |dL/db[i]| / 2 from the
        // exact value and from the model's zero alike.
        java.util.regex.Matcher distances = java.util.regex.Pattern.compile("dL/db: (\\S+) \\(\\d of 4 elements beyond"
                + " tolerance\\) from exact, (\\S+) \\(\\d of 4 elements beyond tolerance\\) from the model of .*")
                .matcher(result.message());
        assertTrue(distances.matches(), result.message());
        assertEquals(distances.group(1), distances.group(2));
        java.util.Set<String> halves = new java.util.HashSet<>();
        for (double value : REFERENCE.gradients(CASE.testCase().spec(), CASE.testCase().parameters(),
                CASE.testCase().batch()).parameterGradients().get("b").data()) {
            halves.add(String.format(java.util.Locale.ROOT, "%.1e", Math.abs(value) / 2));
        }
        assertTrue(halves.contains(distances.group(1)), halves + " " + result.message());
        assertEquals(List.of(), result.explanations());
    }

    @Test
    void aClaimWhoseModelFitsIsKnownAndAFixedBugFailsItsClaim() {
        // Behaves exactly like the declared bug: known.
        CaseResult known = VERIFIER.verify(CASE, plugin(new TestPlugins.DeclaredDroppedBiasGradient(REFERENCE)), ORACLE);
        assertEquals(Status.KNOWN_DIVERGENCE, known.status(), known.message());
        // The library fixed its bug: nothing fails, so nothing is asked, and the case passes.
        TestPlugins.Explaining fixed = new TestPlugins.Explaining(REFERENCE, "dL/db",
                TestPlugins.droppedBiasGradientModel(TestPlugins.DeclaredDroppedBiasGradient.EXPLANATION));
        assertEquals(Status.PASSED, VERIFIER.verify(CASE, plugin(fixed), ORACLE).status());
    }

    @Test
    void theModelPredictsOncePerCase() {
        java.util.concurrent.atomic.AtomicInteger predictions = new java.util.concurrent.atomic.AtomicInteger();
        TestPlugins.TransposedRecurrence transposed = new TestPlugins.TransposedRecurrence(REFERENCE);
        org.bptt.api.WrongComputation counted = new org.bptt.api.WrongComputation() {
            @Override
            public String description() {
                return "W is read transposed";
            }

            @Override
            public org.bptt.api.Results predict(ModelSpec spec, org.bptt.api.Parameters parameters, org.bptt.api.Batch batch,
                                                Truncation truncation, org.bptt.api.ExactComputation exact) {
                predictions.incrementAndGet();
                return TestPlugins.computedBy(transposed, description()).predict(spec, parameters, batch, truncation, exact);
            }
        };
        RnnImplementation claimsEverything = new TestPlugins.Delegating("claims-all", transposed) {
            @Override
            public Optional<org.bptt.api.WrongComputation> knownDivergence(ModelSpec spec, org.bptt.api.Parameters parameters,
                    org.bptt.api.Batch batch, Truncation truncation, Quantity quantity) {
                return Optional.of(counted);
            }
        };
        CaseResult result = VERIFIER.verify(CASE, plugin(claimsEverything), ORACLE);
        assertEquals(Status.KNOWN_DIVERGENCE, result.status(), result.message());
        assertTrue(result.comparisons().stream().filter(c -> !c.passed()).count() > 1, "several quantities fail");
        assertEquals(1, predictions.get());
    }

    @Test
    void aClaimWithoutAModelIsKnownAndSaysItIsUnchecked() {
        KnownDivergences listed = new KnownDivergences(List.of(new KnownDivergence("half-db", c -> true,
                Quantity.gradientOf("b"), "nobody modelled this yet")));
        Verifier verifier = new Verifier(VERIFIER.policy(), VERIFIER.callTimeout(), listed);
        CaseResult result = verifier.verify(CASE, plugin(new TestPlugins.HalvedBiasGradient(REFERENCE)), ORACLE);
        assertEquals(Status.KNOWN_DIVERGENCE, result.status(), result.message());
        assertEquals(List.of("unchecked: nobody modelled this yet"), result.explanations());
    }

    @Test
    void nonFiniteValuesThatTheModelDoesNotPredictStayAnError() {
        // Claims the NaN output with a model of finite outputs (the exact computation): not explained.
        org.bptt.api.WrongComputation finite = TestPlugins.computedBy(REFERENCE, "outputs are exact");
        TestPlugins.Explaining explaining = new TestPlugins.Explaining(new TestPlugins.NotANumber(REFERENCE), "y", finite);
        CaseResult result = VERIFIER.verify(CASE, plugin(explaining), ORACLE);
        assertEquals(Status.ERROR, result.status(), result.message());
        assertTrue(result.message().contains("the model of 'outputs are exact' does not predict y to be non-finite"),
                result.message());
    }

    /**
     * An oracle of stored vectors knows the case's exact values only: a model that asks it about another batch can be
     * neither confirmed nor refuted, so the claim is known but unchecked, and says so.
     */
    @Test
    void aModelTheOracleCannotComputeIsKnownButUnchecked() {
        RnnImplementation onlyTheCase = new TestPlugins.Delegating("stored", REFERENCE) {
            @Override
            public org.bptt.api.ForwardResult forward(ModelSpec spec, org.bptt.api.Parameters parameters,
                                                      org.bptt.api.Batch batch) {
                return delegate.forward(spec, parameters, known(batch));
            }

            @Override
            public org.bptt.api.GradientResult gradients(ModelSpec spec, org.bptt.api.Parameters parameters,
                                                         org.bptt.api.Batch batch) {
                return delegate.gradients(spec, parameters, known(batch));
            }

            private org.bptt.api.Batch known(org.bptt.api.Batch batch) {
                if (!batch.equals(CASE.testCase().batch())) {
                    throw new IllegalStateException("no stored vector holds this case");
                }
                return batch;
            }
        };
        org.bptt.api.WrongComputation asksAboutAnotherBatch = new org.bptt.api.WrongComputation() {
            @Override
            public String description() {
                return "dL/db computed on the first sequence only";
            }

            @Override
            public org.bptt.api.Results predict(ModelSpec spec, org.bptt.api.Parameters parameters, org.bptt.api.Batch batch,
                                                Truncation truncation, org.bptt.api.ExactComputation exact) {
                org.bptt.api.Batch other = new org.bptt.api.Batch(batch.inputs(), batch.targets(), null, null);
                return new org.bptt.api.Results(exact.forward(spec, parameters, other), exact.gradients(spec, parameters, other));
            }
        };
        TestPlugins.Explaining claiming = new TestPlugins.Explaining(new TestPlugins.DroppedBiasGradient(REFERENCE), "dL/db",
                asksAboutAnotherBatch);
        CaseResult result = VERIFIER.verify(CASE, plugin(claiming), LoadedPlugin.of(onlyTheCase, "test"));
        assertEquals(Status.KNOWN_DIVERGENCE, result.status(), result.message());
        assertEquals(List.of("unchecked: dL/db computed on the first sequence only"), result.explanations());
    }
}
