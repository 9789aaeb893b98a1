package org.bptt.experiments.decay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.bptt.api.Activation;
import org.bptt.api.Capability;
import org.bptt.api.GradientResult;
import org.bptt.api.InvalidInputException;
import org.bptt.api.Tensor;
import org.bptt.core.cases.CaseGenerator.Rescaling;
import org.bptt.core.cases.WeightInit;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.core.plugins.IsolatedPlugin;
import org.bptt.core.verify.KnownDivergence;
import org.bptt.core.verify.KnownDivergences;
import org.bptt.experiments.ForwardingPlugin;
import org.bptt.experiments.TestCalls;
import org.bptt.experiments.decay.DecayResult.Comparison;
import org.bptt.experiments.decay.DecayResult.Quantity;
import org.bptt.experiments.decay.DecayResult.Summary;
import org.bptt.outputs.ChartSpec;
import org.bptt.reference.ReferenceAggregatedRnn;
import org.bptt.reports.charts.ChartDrawing;
import org.bptt.reports.charts.ChartWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DecayExperimentTest {

    private static final IsolatedPlugin REFERENCE = TestCalls.isolated(new ReferenceAggregatedRnn());

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    private static DecayExperiment.Settings small(List<Activation> activations, List<Double> targets, int steps) {
        return new DecayExperiment.Settings(activations, List.of(Rescaling.LARGEST_SINGULAR_VALUE, Rescaling.SPECTRAL_RADIUS),
                targets, steps, 8, 3, 3, 2, 11L, WeightInit.XAVIER, TolerancePolicy.defaults());
    }

    @Test
    void theReferenceNeverBreaksTheBoundAndEveryConfigurationIsSummarised() {
        DecayExperiment.Settings settings = small(List.of(Activation.values()), List.of(0.5, 1.5, 3.0), 60);
        int[] cases = {0};
        DecayResult result = new DecayExperiment(settings).run(REFERENCE, List.of(), null, () -> cases[0]++);
        assertEquals(settings.cases(), cases[0], "progress is reported once per case");
        assertEquals(0, result.violations());
        assertTrue(result.problems().isEmpty(), result.problems().toString());
        assertEquals(settings.configs().size() * 2, result.summaries().size(), "a hidden and an input summary per configuration");
        for (Summary summary : result.summaries()) {
            assertTrue(summary.checkedPoints() > 0, summary.toString());
            assertTrue(summary.worstRatioToBound() <= 1 + DecayBound.allowance(60, 8), summary.toString());
        }
        assertEquals(settings.configs().size() * 2 * 60, result.curves().size());
    }

    /**
     * Gelfand's formula: for a linear network ‖(Wᵀ)^n g‖^(1/n) tends to ρ(W), so the fitted decay rate of the
     * identity network is its spectral radius, while the bound's factor σ_max is larger.
     */
    @Test
    void aLinearNetworkDecaysAtItsSpectralRadius() {
        DecayExperiment.Settings settings = new DecayExperiment.Settings(List.of(Activation.IDENTITY),
                List.of(Rescaling.SPECTRAL_RADIUS), List.of(0.5, 0.8), 200, 8, 3, 3, 3, 1L, WeightInit.XAVIER,
                TolerancePolicy.defaults());
        DecayResult result = new DecayExperiment(settings).run(REFERENCE, List.of(), null, () -> { });
        for (Summary summary : result.summaries()) {
            if (summary.quantity() == Quantity.HIDDEN_RATIO) {
                double rho = summary.config().target();
                assertEquals(rho, summary.fittedRateMedian(), 0.03 * rho, summary.toString());
                assertTrue(summary.gammaSigmaMax() > rho, "σ_max ≥ ρ, with equality only for normal W");
            }
        }
    }

    @Test
    void theSameSettingsGiveIdenticalTables() {
        DecayExperiment.Settings settings = small(List.of(Activation.TANH, Activation.RELU), List.of(0.9, 2.0), 30);
        IsolatedPlugin other = new ForwardingPlugin("copy", ForwardingPlugin.referenceCapabilitiesWithout(
                Capability.HIDDEN_STATE_GRADIENTS), result -> result).isolated();
        DecayResult first = new DecayExperiment(settings).run(REFERENCE, List.of(other), null, () -> { });
        DecayResult second = new DecayExperiment(settings).run(REFERENCE, List.of(other), null, () -> { });
        assertEquals(first.tables(), second.tables());
    }

    /**
     * The comparison normalises each curve by its own total norm, so an implementation whose gradients differ by a
     * constant factor agrees (a clamped output gradient does that), while one that changes a single step by 1e-6
     * does not.
     */
    @Test
    void aScaledCurveAgreesAndADistortedOneDoesNot() {
        DecayExperiment.Settings settings = small(List.of(Activation.TANH, Activation.SIGMOID), List.of(0.9), 40);
        IsolatedPlugin scaled = new ForwardingPlugin("scaled", ForwardingPlugin.referenceCapabilitiesWithout(
                Capability.HIDDEN_STATE_GRADIENTS), result -> withInputGradients(result, scale(result.inputGradients(), 3.0, -1))).isolated();
        IsolatedPlugin distorted = new ForwardingPlugin("distorted", ForwardingPlugin.referenceCapabilitiesWithout(
                Capability.HIDDEN_STATE_GRADIENTS), result -> withInputGradients(result, scale(result.inputGradients(), 1.0, 10))).isolated();
        DecayResult result = new DecayExperiment(settings).run(REFERENCE, List.of(scaled, distorted), null, () -> { });
        for (Comparison comparison : result.comparisons()) {
            if (comparison.implementation().equals("scaled")) {
                assertEquals(DecayResult.Verdict.AGREE, comparison.verdict(), comparison.toString());
                assertEquals(2 * 40, comparison.comparedPoints(), "two comparison seeds × 40 lags");
                assertTrue(comparison.perturbationResponse() < 1e-10, "a contracting network hardly amplifies rounding");
            } else {
                assertEquals(DecayResult.Verdict.DISAGREE, comparison.verdict(), comparison.toString());
                assertTrue(comparison.failedPoints() >= 2, comparison.toString());
            }
        }
        assertEquals(2 * 2 * 2, result.comparisons().size(), "2 rescalings × 2 activations × 2 implementations");
        assertEquals(2 * 2, result.disagreements().size(), "every configuration of the distorted one");
    }

    @Test
    void aKnownDivergenceIsReportedAsSuch() {
        DecayExperiment.Settings settings = small(List.of(Activation.TANH), List.of(0.9), 20);
        IsolatedPlugin distorted = new ForwardingPlugin("distorted", ForwardingPlugin.referenceCapabilitiesWithout(
                Capability.HIDDEN_STATE_GRADIENTS), result -> withInputGradients(result, scale(result.inputGradients(), 1.0, 3))).isolated();
        KnownDivergences known = new KnownDivergences(List.of(new KnownDivergence("distorted", testCase -> true,
                org.bptt.api.Quantity.INPUT_GRADIENTS, "step 3 is scaled on purpose")));
        DecayResult result = new DecayExperiment(settings).run(REFERENCE, List.of(distorted), known, () -> { });
        for (Comparison comparison : result.comparisons()) {
            assertEquals(DecayResult.Verdict.KNOWN_DIVERGENCE, comparison.verdict(), comparison.toString());
            assertTrue(comparison.note().contains("step 3 is scaled on purpose"), comparison.note());
        }
        assertTrue(result.disagreements().isEmpty());
    }

    /**
     * A plugin whose input gradient is NaN (as DL4J's is where ND4J's softmax underflows) and which explains that
     * through its own knownDivergence() after the call, like the DL4J adapter; and the same NaN unexplained.
     */
    @Test
    void aNaNCurveThatThePluginItselfExplainsIsAKnownDivergenceAndOneItDoesNotExplainDisagrees() {
        DecayExperiment.Settings settings = small(List.of(Activation.TANH), List.of(0.9), 20);
        String explanation = "this library's softmax gives NaN (its issue #5)";
        ForwardingPlugin nanGradients = new ForwardingPlugin("nan", ForwardingPlugin.referenceCapabilitiesWithout(
                Capability.HIDDEN_STATE_GRADIENTS), result -> withInputGradients(result, scale(result.inputGradients(), Double.NaN, 0)));
        List<String> askedAbout = new java.util.ArrayList<>();
        IsolatedPlugin explaining = TestCalls.isolated(new org.bptt.api.RnnImplementation() {
            @Override
            public org.bptt.api.PluginInfo info() {
                return new org.bptt.api.PluginInfo("explaining-nan", "test plugin", "1", "tests", "NaN, explained");
            }

            @Override
            public java.util.Set<Capability> capabilities() {
                return nanGradients.capabilities();
            }

            @Override
            public org.bptt.api.ForwardResult forward(org.bptt.api.ModelSpec spec, org.bptt.api.Parameters parameters,
                                                      org.bptt.api.Batch batch) {
                return nanGradients.forward(spec, parameters, batch);
            }

            @Override
            public GradientResult gradients(org.bptt.api.ModelSpec spec, org.bptt.api.Parameters parameters,
                                            org.bptt.api.Batch batch) {
                return nanGradients.gradients(spec, parameters, batch);
            }

            @Override
            public java.util.Optional<org.bptt.api.WrongComputation> knownDivergence(org.bptt.api.ModelSpec spec, org.bptt.api.Parameters parameters,
                                                              org.bptt.api.Batch batch, org.bptt.api.Truncation truncation,
                                                              org.bptt.api.Quantity quantity) {
                askedAbout.add(quantity.name() + (truncation == null ? "" : " truncated"));
                return java.util.Optional.of(org.bptt.api.WrongComputation.unchecked(explanation));
            }
        });
        DecayResult result = new DecayExperiment(settings).run(REFERENCE, List.of(explaining, nanGradients.isolated()), null,
                () -> { });
        assertEquals(2 * 2, result.comparisons().size(), "2 rescalings × 2 implementations");
        for (Comparison comparison : result.comparisons()) {
            if (comparison.implementation().equals("explaining-nan")) {
                assertEquals(DecayResult.Verdict.KNOWN_DIVERGENCE, comparison.verdict(), comparison.toString());
                assertEquals(0, comparison.failedPoints());
                assertEquals(comparison.comparedPoints(), comparison.knownDivergencePoints(), comparison.toString());
                assertTrue(comparison.note().contains(explanation), comparison.note());
            } else {
                assertEquals(DecayResult.Verdict.DISAGREE, comparison.verdict(), comparison.toString());
            }
        }
        assertTrue(askedAbout.stream().allMatch(org.bptt.api.Quantity.INPUT_GRADIENTS.name()::equals), askedAbout.toString());
        assertEquals(2, result.disagreements().size(), "only the unexplained plugin disagrees");
    }

    @Test
    void missingCapabilitiesAndPluginErrorsAreReportedAndTheRunGoesOn() {
        DecayExperiment.Settings settings = small(List.of(Activation.TANH, Activation.RELU), List.of(0.9), 20);
        IsolatedPlugin noRelu = new ForwardingPlugin("no-relu", ForwardingPlugin.referenceCapabilitiesWithout(
                Capability.RELU), result -> result).isolated();
        IsolatedPlugin throwing = new ForwardingPlugin("throwing", ForwardingPlugin.referenceCapabilitiesWithout(), result -> {
            throw new IllegalStateException("boom");
        }).isolated();
        DecayResult result = new DecayExperiment(settings).run(REFERENCE, List.of(noRelu, throwing), null, () -> { });
        assertTrue(result.problems().stream().anyMatch(problem -> problem.implementation().equals("no-relu")
                && problem.kind().equals("skipped") && problem.message().contains("RELU")), result.problems().toString());
        assertEquals(2 * 2 * 2, result.errors().size(), "throwing: 2 rescalings × 2 activations × 2 comparison seeds");
        assertTrue(result.errors().get(0).message().contains("boom"));
        assertTrue(result.summaries().stream().anyMatch(summary -> summary.implementation().equals("no-relu")),
                "the capable configurations of no-relu still ran");
        assertEquals(0, result.violations());
    }

    /** A compared plugin whose call hangs is reported once and left out; the oracle's sweep goes on. */
    @Test
    void aHungPluginIsLeftOutOfTheRestOfTheSweep() {
        DecayExperiment.Settings settings = small(List.of(Activation.TANH), List.of(0.9), 20);
        AtomicInteger calls = new AtomicInteger();
        IsolatedPlugin hanging = TestCalls.isolated(new ForwardingPlugin("hangs", ForwardingPlugin.referenceCapabilitiesWithout(
                Capability.HIDDEN_STATE_GRADIENTS), result -> {
                    calls.incrementAndGet();
                    TestCalls.hang();
                    return result;
                }), Duration.ofMillis(200));
        DecayResult result = new DecayExperiment(settings).run(REFERENCE, List.of(hanging), null, () -> { });
        assertEquals(1, calls.get(), "only the hung call reached the plugin");
        assertEquals(1, result.errors().size(), result.errors().toString());
        assertEquals("gradients() timed out after 200ms; hangs is left out of the rest of the sweep",
                result.errors().get(0).message());
        assertEquals(settings.configs().size() * 2, result.summaries().size(), "the oracle's hidden and input summaries");
        assertTrue(result.comparisons().isEmpty(), "nothing of the hung plugin to compare");
    }

    @Test
    void anOracleWithoutHiddenGradientsIsRefused() {
        IsolatedPlugin noHidden = new ForwardingPlugin("no-hidden", ForwardingPlugin.referenceCapabilitiesWithout(
                Capability.HIDDEN_STATE_GRADIENTS), result -> result).isolated();
        InvalidInputException error = assertThrows(InvalidInputException.class, () -> new DecayExperiment(
                DecayExperiment.Settings.quick()).run(noHidden, List.of(), null, () -> { }));
        assertTrue(error.getMessage().contains("HIDDEN_STATE_GRADIENTS"), error.getMessage());
    }

    @Test
    void chartsShowOneLinePerTargetForEveryImplementation() throws IOException {
        DecayExperiment.Settings settings = small(List.of(Activation.TANH), List.of(0.5, 0.9, 2.0), 30);
        IsolatedPlugin other = new ForwardingPlugin("copy", ForwardingPlugin.referenceCapabilitiesWithout(
                Capability.HIDDEN_STATE_GRADIENTS), result -> result).isolated();
        DecayResult result = new DecayExperiment(settings).run(REFERENCE, List.of(other), null, () -> { });
        List<ChartSpec> charts = DecayCharts.charts(result, "test");
        assertEquals(List.of("decay-hidden-largest-singular-value-tanh", "decay-input-largest-singular-value-tanh",
                "decay-hidden-spectral-radius-tanh", "decay-input-spectral-radius-tanh"),
                charts.stream().map(ChartSpec::name).toList());
        ChartSpec hidden = named(charts, "decay-hidden-largest-singular-value-tanh");
        for (String line : List.of("σmax = 0.5", "σmax = 0.9", "σmax = 2.0", "bound, σmax = 0.5")) {
            assertTrue(hidden.seriesNamed(line).isPresent(), "line " + line + " in " + names(hidden));
        }
        ChartSpec input = named(charts, "decay-input-spectral-radius-tanh");
        assertTrue(input.seriesNamed("copy, ρ = 0.9").isPresent(), names(input).toString());
        assertTrue(input.seriesNamed("reference-aggregated, ρ = 0.9").isPresent(), names(input).toString());
        assertTrue(result.curves().stream().anyMatch(point -> point.quantity() == Quantity.INPUT_NORM_COMPARISON_SEEDS
                && point.seeds() == settings.comparisonSeeds()), "the oracle is also summarised over the comparison seeds");
        assertTrue(ChartWriter.png(ChartDrawing.draw(hidden)).length > 1000);
    }

    @Test
    void everyImplementationComparedHasItsOwnMarkerShape() throws IOException {
        DecayExperiment.Settings settings = small(List.of(Activation.TANH), List.of(0.5, 0.9), 30);
        IsolatedPlugin first = new ForwardingPlugin("copy", ForwardingPlugin.referenceCapabilitiesWithout(
                Capability.HIDDEN_STATE_GRADIENTS), result -> result).isolated();
        IsolatedPlugin second = new ForwardingPlugin("twin", ForwardingPlugin.referenceCapabilitiesWithout(
                Capability.HIDDEN_STATE_GRADIENTS), result -> result).isolated();
        DecayResult result = new DecayExperiment(settings).run(REFERENCE, List.of(first, second), null, () -> { });
        ChartSpec input = named(DecayCharts.charts(result, "test"), "decay-input-spectral-radius-tanh");
        // The colour is ρ's, so within one ρ only the marker tells the implementations apart.
        ChartSpec.Series copy = input.seriesNamed("copy, ρ = 0.9").orElseThrow();
        ChartSpec.Series twin = input.seriesNamed("twin, ρ = 0.9").orElseThrow();
        assertEquals(copy.colour(), twin.colour());
        assertTrue(copy.marker() != twin.marker(), copy.marker() + " for both");
        assertEquals(copy.marker(), input.seriesNamed("copy, ρ = 0.5").orElseThrow().marker(), "one shape per implementation");
        assertTrue(input.title().contains("copy ●, twin ◆ (markers)"), input.title());
    }

    @Test
    void settingsRefuseNonsense() {
        assertThrows(InvalidInputException.class, () -> new DecayExperiment.Settings(List.of(Activation.TANH),
                List.of(Rescaling.NONE), List.of(1.0), 10, 4, 2, 2, 1, 1L, WeightInit.XAVIER, TolerancePolicy.defaults()));
        assertThrows(InvalidInputException.class, () -> new DecayExperiment.Settings(List.of(Activation.TANH),
                List.of(Rescaling.SPECTRAL_RADIUS), List.of(-1.0), 10, 4, 2, 2, 1, 1L, WeightInit.XAVIER, TolerancePolicy.defaults()));
        InvalidInputException error = assertThrows(InvalidInputException.class, () -> new DecayExperiment.Settings(
                List.of(Activation.TANH), List.of(Rescaling.SPECTRAL_RADIUS), List.of(1.0), 10, 4, 2, 2, 3, 1L,
                WeightInit.XAVIER, TolerancePolicy.defaults()));
        assertTrue(error.getMessage().contains("comparison seeds"), error.getMessage());
        assertFalse(DecayExperiment.Settings.quick().cases() > 200, "quick stays small");
    }

    private static ChartSpec named(List<ChartSpec> charts, String name) {
        return charts.stream().filter(chart -> chart.name().equals(name)).findFirst().orElseThrow();
    }

    private static List<String> names(ChartSpec chart) {
        return chart.series().stream().map(ChartSpec.Series::name).toList();
    }

    private static GradientResult withInputGradients(GradientResult result, Tensor inputGradients) {
        return new GradientResult(result.loss(), result.parameterGradients(), inputGradients,
                result.initialStateGradients(), result.hiddenStateGradients());
    }

    /** A copy scaled by {@code factor}, and step {@code distortedStep} (if ≥ 0) further by 1 + 1e-6. */
    private static Tensor scale(Tensor tensor, double factor, int distortedStep) {
        Tensor copy = tensor.copy();
        double[] data = copy.data();
        int width = tensor.size(2);
        for (int i = 0; i < data.length; i++) {
            data[i] *= factor;
            if (i / width == distortedStep) {
                data[i] *= 1 + 1e-6;
            }
        }
        return copy;
    }
}
