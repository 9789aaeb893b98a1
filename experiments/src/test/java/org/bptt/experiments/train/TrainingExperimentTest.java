package org.bptt.experiments.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.bptt.api.Activation;
import org.bptt.api.Capability;
import org.bptt.api.InvalidInputException;
import org.bptt.core.plugins.IsolatedPlugin;
import org.bptt.experiments.ForwardingPlugin;
import org.bptt.experiments.TestCalls;
import org.bptt.experiments.clipping.Clipping;
import org.bptt.outputs.ChartSpec;
import org.bptt.outputs.Table;
import org.bptt.reference.ReferenceAggregatedRnn;
import org.bptt.reports.charts.ChartDrawing;
import org.bptt.reports.charts.ChartWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TrainingExperimentTest {

    private static final IsolatedPlugin REFERENCE = TestCalls.isolated(new ReferenceAggregatedRnn());

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    private static TrainingExperiment.Settings tiny(String task, List<Integer> lengths) {
        return new TrainingExperiment.Settings(task, lengths, 2, 1L, List.of(Clipping.none(), Clipping.globalNorm(0.5)),
                6, Activation.TANH, 0.9, 0.5, 40, 8, 30, 10, true, 0.5, 2.0);
    }

    @Test
    void everyRunIsRecordedAndTheTablesAreDeterministic() {
        TrainingExperiment.Settings settings = tiny("adding", List.of(5, 8));
        long[] steps = {0};
        TrainingResult first = new TrainingExperiment(settings).run(REFERENCE, () -> steps[0]++);
        assertEquals(settings.totalSteps(), steps[0]);
        assertEquals(2 * 2 * 2, first.runs().size());
        TrainingResult second = new TrainingExperiment(settings).run(REFERENCE, () -> { });
        assertEquals(first.tables(), second.tables());
        Table summary = first.summaryTable();
        assertEquals(2 * 2, summary.rows().size());
        assertEquals(List.of("adding", "reference-aggregated", "5", "none", "2"), summary.rows().get(0).subList(0, 5));
        assertEquals(2 * 2 * 2 * 40, first.stepTable().rows().size());
        assertEquals(2 * 2 * 2 * 5, first.evaluationTable().rows().size(), "evaluations at steps 0, 10, 20, 30, 40");
    }

    /** Each clipping rule starts from the same weights and sees the same batches: the first (unclipped) losses agree. */
    @Test
    void clippingRulesAreComparedOnIdenticalRuns() {
        TrainingResult result = new TrainingExperiment(tiny("temporal-order", List.of(10))).run(REFERENCE, () -> { });
        for (long seed = 1; seed <= 2; seed++) {
            long finalSeed = seed;
            List<TrainingResult.RunRecord> pair = result.runs().stream().filter(run -> run.seed() == finalSeed).toList();
            assertEquals(2, pair.size());
            assertEquals(pair.get(0).initialLoss(), pair.get(1).initialLoss());
            assertEquals(pair.get(0).run().steps().get(0).loss(), pair.get(1).run().steps().get(0).loss());
        }
    }

    @Test
    void anImplementationWithoutMasksIsToldToUseFixedLengths() {
        IsolatedPlugin noMasks = new ForwardingPlugin("no-masks", ForwardingPlugin.referenceCapabilitiesWithout(Capability.MASKS),
                result -> result).isolated();
        InvalidInputException error = assertThrows(InvalidInputException.class,
                () -> new TrainingExperiment(tiny("adding", List.of(5))).run(noMasks, () -> { }));
        assertTrue(error.getMessage().contains("MASKS") && error.getMessage().contains("fixed-length"), error.getMessage());
    }

    /** The first gradients() call hangs: it ends that run after the timeout, and no other run calls the plugin again. */
    @Test
    void aHungCallEndsItsRunAndTheRestOfTheGridIsNotRun() {
        AtomicInteger calls = new AtomicInteger();
        IsolatedPlugin hanging = TestCalls.isolated(new ForwardingPlugin("hangs", ForwardingPlugin.referenceCapabilitiesWithout(),
                result -> {
                    calls.incrementAndGet();
                    TestCalls.hang();
                    return result;
                }), Duration.ofMillis(200));
        TrainingExperiment.Settings settings = tiny("adding", List.of(5, 8));
        long[] steps = {0};
        TrainingResult result = new TrainingExperiment(settings).run(hanging, () -> steps[0]++);
        assertEquals(1, calls.get(), "only the hung call reached the plugin");
        assertEquals(settings.totalSteps(), steps[0], "progress still counts every step of the grid");
        List<String> errors = result.errors();
        assertEquals(2 * 2 * 2, errors.size(), "every run of 2 lengths × 2 seeds × 2 rules is recorded as failed");
        assertEquals("T=5, clipping none, seed 1: hangs: gradients() timed out after 200ms; the rest of the grid is not run",
                errors.get(0));
        assertTrue(errors.subList(1, errors.size()).stream().allMatch(error -> error.endsWith(": not run: hangs timed out earlier")),
                errors::toString);
    }

    @Test
    void aTooShortLengthIsRefusedUpFront() {
        InvalidInputException error = assertThrows(InvalidInputException.class, () -> tiny("temporal-order", List.of(5)));
        assertTrue(error.getMessage().contains("T ≥ 10"), error.getMessage());
    }

    @Test
    void chartsCoverSuccessLossAndGradientNorm() throws IOException {
        TrainingResult result = new TrainingExperiment(tiny("adding", List.of(5, 8))).run(REFERENCE, () -> { });
        List<ChartSpec> charts = TrainingCharts.charts(result, "test");
        assertEquals(List.of("train-success-adding", "train-loss-adding-none", "train-gradient-norm-adding-none",
                "train-loss-adding-norm-0.5", "train-gradient-norm-adding-norm-0.5"),
                charts.stream().map(ChartSpec::name).toList());
        ChartSpec success = named(charts, "train-success-adding");
        assertTrue(success.seriesNamed("clipping none (median)").isPresent());
        assertTrue(success.seriesNamed("chance (input ignored)").isPresent());
        assertEquals(2, named(charts, "train-loss-adding-none").series().size(), "one line per T");
        assertTrue(ChartWriter.png(ChartDrawing.draw(named(charts, "train-gradient-norm-adding-none"))).length > 1000);
    }

    private static ChartSpec named(List<ChartSpec> charts, String name) {
        return charts.stream().filter(chart -> chart.name().equals(name)).findFirst().orElseThrow();
    }
}
