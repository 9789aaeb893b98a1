package org.bptt.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.bptt.api.DataType;
import org.junit.jupiter.api.Test;

/**
 * The targets' verdicts on synthetic samples whose intervals are known by construction: tight samples around a
 * value inside the requirement PASS, tight samples around a value far outside it FAIL, and samples so spread that
 * their interval reaches across the threshold are INCONCLUSIVE, saying what would decide them. Nothing is timed.
 */
class VerdictTest extends BenchTestBase {

    private static final Shape SHAPE = Shape.GRID.get(1);
    private static final int T = 64;
    /** The aggregated call and its forward pass: φ = 4/10. */
    private static final double AGGREGATED_MS = 10;
    private static final double FORWARD_MS = 4;
    /** The step counts' prediction with φ = 0.4 and q = 3/4 (every grid shape): 1 + 63/2 · 3/4 · 0.6. */
    private static final double PREDICTED = 1 + 63 / 2.0 * 0.75 * 0.6;

    private CellResult cell(String implementation, Mode mode, int steps, double centre, double spread) {
        Cell cell = new Cell(implementation, org.bptt.api.Cell.ELMAN, SHAPE, steps, mode, DataType.FLOAT64);
        return new CellResult(cell, CellResult.Status.MEASURED, "", List.of(noisy(centre, spread, 8), noisy(centre, spread, 8)),
                Double.NaN, Double.NaN, Double.NaN, 1);
    }

    private BenchAnalysis.Target ratioTarget(double naiveOverPredicted, double naiveSpread) {
        List<CellResult> results = List.of(
                cell(CostModel.AGGREGATED, Mode.FORWARD_BACKWARD, T, AGGREGATED_MS, 0.005),
                cell(CostModel.AGGREGATED, Mode.FORWARD, T, FORWARD_MS, 0.005),
                cell(CostModel.NAIVE, Mode.FORWARD_BACKWARD, T, AGGREGATED_MS * PREDICTED * naiveOverPredicted, naiveSpread));
        return target(results, "naive/aggregated", grid("custom", List.of(T)));
    }

    private static BenchGrid grid(String name, List<Integer> steps) {
        return new BenchGrid(name, List.of(CostModel.AGGREGATED, CostModel.NAIVE, BenchAnalysis.DL4J),
                List.of(org.bptt.api.Cell.ELMAN), List.of(SHAPE), steps, List.of(Mode.FORWARD_BACKWARD, Mode.FORWARD),
                DataType.FLOAT64, BenchGrid.NAIVE_FLOP_BUDGET);
    }

    private static BenchAnalysis.Target target(List<CellResult> results, String prefix, BenchGrid grid) {
        return new BenchAnalysis(results).targets(grid).stream().filter(target -> target.target().startsWith(prefix))
                .findFirst().orElseThrow();
    }

    @Test
    void aRatioOnThePredictionWithTightSamplesPasses() {
        BenchAnalysis.Target target = ratioTarget(1.0, 0.005);
        assertEquals(BenchAnalysis.Verdict.PASS, target.verdict(), target.measured());
        assertTrue(target.measured().contains(String.format(java.util.Locale.ROOT, "vs %.2f", PREDICTED)), target.measured());
    }

    @Test
    void aRatioFarAboveThePredictionFails() {
        BenchAnalysis.Target target = ratioTarget(1.5, 0.005);
        assertEquals(BenchAnalysis.Verdict.FAIL, target.verdict(), target.measured());
    }

    @Test
    void aRatioNearTheBoundWithWideSamplesIsInconclusiveAndSaysWhatWouldDecideIt() {
        // 12% above the prediction, samples spread ±40%: the interval of the median reaches past +15%.
        BenchAnalysis.Target target = ratioTarget(1.12, 0.4);
        assertEquals(BenchAnalysis.Verdict.INCONCLUSIVE, target.verdict(), target.measured());
        assertTrue(target.measured().contains("INCONCLUSIVE") && target.measured().contains("T=64")
                && target.measured().contains("× the samples per cell"), target.measured());
    }

    @Test
    void anEstimateAHairFromTheThresholdSuggestsNoImpracticalSampleCount() {
        // A ratio estimated 14.9% above the prediction, its interval ±0.4 wide: deciding it against the +15% bound would
        // take (0.4 / 0.001)² times the samples, which is no advice; 1.00 ± 0.2 needs (0.2 / 0.15)² ≈ 1.8 times.
        String advice = BenchAnalysis.whatWouldDecide(List.of("T=64"),
                List.of(new Bootstrap.Interval(1.149, 0.75, 1.55)), 0.85, 1.15);
        assertTrue(advice.contains("no practical number of samples"), advice);
        String reachable = BenchAnalysis.whatWouldDecide(List.of("T=64"),
                List.of(new Bootstrap.Interval(1.00, 0.80, 1.20)), 0.85, 1.15);
        assertTrue(reachable.contains("about 2× the samples per cell"), reachable);
    }

    @Test
    void theForwardShareIsUncertainToo() {
        // The naive and aggregated cells are exact; only the forward pass is noisy (±50%): its uncertainty alone, carried
        // into the prediction, must leave the verdict open.
        List<CellResult> results = List.of(
                cell(CostModel.AGGREGATED, Mode.FORWARD_BACKWARD, T, AGGREGATED_MS, 0),
                cell(CostModel.AGGREGATED, Mode.FORWARD, T, FORWARD_MS, 0.5),
                cell(CostModel.NAIVE, Mode.FORWARD_BACKWARD, T, AGGREGATED_MS * PREDICTED, 0));
        BenchAnalysis.Target target = target(results, "naive/aggregated", grid("custom", List.of(T)));
        assertEquals(BenchAnalysis.Verdict.INCONCLUSIVE, target.verdict(), target.measured());
    }

    @Test
    void slopesAreJudgedByTheirIntervals() {
        List<Integer> steps = List.of(32, 64, 128, 256);
        List<CellResult> linear = new ArrayList<>();
        List<CellResult> quadratic = new ArrayList<>();
        for (int t : steps) {
            linear.add(cell(CostModel.AGGREGATED, Mode.FORWARD_BACKWARD, t, 0.1 * t, 0.01));
            quadratic.add(cell(CostModel.AGGREGATED, Mode.FORWARD_BACKWARD, t, 0.001 * t * t, 0.01));
        }
        assertEquals(BenchAnalysis.Verdict.PASS, target(linear, "aggregated slope", grid("custom", steps)).verdict());
        assertEquals(BenchAnalysis.Verdict.FAIL, target(quadratic, "aggregated slope", grid("custom", steps)).verdict());
    }

    @Test
    void theSpeedTargetPrefersDl4jsOwnCall() {
        List<Integer> steps = List.of(BenchAnalysis.SPEED_STEPS);
        CellResult ours = cell(CostModel.AGGREGATED, Mode.FORWARD_BACKWARD, BenchAnalysis.SPEED_STEPS, 10, 0.01);
        CellResult throughAdapter = cell(BenchAnalysis.DL4J, Mode.FORWARD_BACKWARD, BenchAnalysis.SPEED_STEPS, 50, 0.01);
        CellResult ownCall = cell(Cell.ownCallId(BenchAnalysis.DL4J), Mode.FORWARD_BACKWARD, BenchAnalysis.SPEED_STEPS, 20, 0.01);
        BenchAnalysis.Target adapterOnly = target(List.of(ours, throughAdapter), "aggregated ≥ 3×", grid("custom", steps));
        assertEquals(BenchAnalysis.Verdict.PASS, adapterOnly.verdict(), adapterOnly.measured());
        assertTrue(adapterOnly.measured().contains("through the adapter"), adapterOnly.measured());
        // DL4J's own call is 2× ours, not 5×: judged on it, the target fails.
        BenchAnalysis.Target fair = target(List.of(ours, throughAdapter, ownCall), "aggregated ≥ 3×", grid("custom", steps));
        assertEquals(BenchAnalysis.Verdict.FAIL, fair.verdict(), fair.measured());
        assertTrue(fair.measured().contains("own call"), fair.measured());
    }

    @Test
    void theFastTwinIsHeldToEachOtherLibrarysOwnCallButDl4jToItsOwnTarget() {
        int steps = BenchAnalysis.SPEED_STEPS;
        String pytorch = "cmd:python3 examples/pytorch/rnn.py";
        String numpy = "cmd:python3 examples/numpy/rnn.py";
        BenchGrid grid = new BenchGrid("custom", List.of(BenchAnalysis.FAST, BenchAnalysis.DL4J, pytorch, numpy),
                List.of(org.bptt.api.Cell.ELMAN), List.of(SHAPE), List.of(steps), List.of(Mode.FORWARD_BACKWARD),
                DataType.FLOAT64, BenchGrid.NAIVE_FLOP_BUDGET);
        List<CellResult> results = List.of(
                cell(BenchAnalysis.FAST, Mode.FORWARD_BACKWARD, steps, 10, 0.01),
                cell(Cell.ownCallId(BenchAnalysis.DL4J), Mode.FORWARD_BACKWARD, steps, 20, 0.01),
                // PyTorch 1.2× slower than ours, tight: a pass; NumPy 1.25× faster: a fail.
                cell(pytorch, Mode.FORWARD_BACKWARD, steps, 100, 0.01),
                cell(Cell.ownCallId(pytorch), Mode.FORWARD_BACKWARD, steps, 12, 0.01),
                cell(Cell.ownCallId(numpy), Mode.FORWARD_BACKWARD, steps, 8, 0.01));
        List<BenchAnalysis.Target> parity = new BenchAnalysis(results).targets(grid).stream()
                .filter(target -> target.target().startsWith("fast twin ≥ another library's own-call")).toList();
        assertEquals(2, parity.size(), "one target per library timed through its own call, DL4J's aside: " + parity);
        assertEquals("reference-fast " + SHAPE + " vs " + pytorch, parity.get(0).subject());
        assertEquals(BenchAnalysis.Verdict.PASS, parity.get(0).verdict(), parity.get(0).measured());
        assertTrue(parity.get(0).measured().contains("1.20"), parity.get(0).measured());
        assertEquals(BenchAnalysis.Verdict.FAIL, parity.get(1).verdict(), parity.get(1).measured());
        // Spread samples around parity: neither side can be claimed.
        List<CellResult> spread = List.of(cell(BenchAnalysis.FAST, Mode.FORWARD_BACKWARD, steps, 10, 0.3),
                cell(Cell.ownCallId(pytorch), Mode.FORWARD_BACKWARD, steps, 10.5, 0.3));
        BenchAnalysis.Target undecided = new BenchAnalysis(spread).targets(grid).stream()
                .filter(target -> target.target().startsWith("fast twin ≥ another library's own-call")).findFirst()
                .orElseThrow();
        assertEquals(BenchAnalysis.Verdict.INCONCLUSIVE, undecided.verdict(), undecided.measured());
        assertTrue(undecided.measured().contains("to decide"), undecided.measured());
    }

    @Test
    void theSpeedTargetIsNotEvaluatedOnAGridWithoutT256() {
        // DL4J 50× slower than ours at T = 64: a FAIL or PASS here would judge the target at a T it does not state.
        List<Integer> steps = List.of(T);
        CellResult ours = cell(CostModel.AGGREGATED, Mode.FORWARD_BACKWARD, T, 10, 0.01);
        CellResult dl4j = cell(BenchAnalysis.DL4J, Mode.FORWARD_BACKWARD, T, 500, 0.01);
        BenchAnalysis.Target target = target(List.of(ours, dl4j), "aggregated ≥ 3×", grid("custom", steps));
        assertEquals(BenchAnalysis.Verdict.NOT_EVALUATED, target.verdict(), target.measured());
        assertTrue(target.measured().startsWith("not evaluated: this grid has no T = 256")
                && target.measured().contains("(at T = 64)"), target.measured());
        // Nothing measured at all on such a grid: still not evaluated, for the same reason.
        BenchAnalysis.Target nothing = target(List.of(ours), "aggregated ≥ 3×", grid("custom", steps));
        assertEquals(BenchAnalysis.Verdict.NOT_EVALUATED, nothing.verdict(), nothing.measured());
        assertEquals("not evaluated: this grid has no T = 256", nothing.measured());
    }

    @Test
    void theQuickGridEvaluatesNoTarget() {
        List<CellResult> results = List.of(
                cell(CostModel.AGGREGATED, Mode.FORWARD_BACKWARD, T, AGGREGATED_MS, 0.005),
                cell(CostModel.AGGREGATED, Mode.FORWARD, T, FORWARD_MS, 0.005),
                cell(CostModel.NAIVE, Mode.FORWARD_BACKWARD, T, AGGREGATED_MS * PREDICTED * 1.5, 0.005));
        for (BenchAnalysis.Target target : new BenchAnalysis(results).targets(grid(BenchGrid.QUICK, List.of(T)))) {
            assertTrue(target.verdict() == BenchAnalysis.Verdict.NOT_EVALUATED
                    || target.verdict() == BenchAnalysis.Verdict.NOT_MEASURED, target.toString());
            if (target.verdict() == BenchAnalysis.Verdict.NOT_EVALUATED) {
                assertTrue(target.measured().startsWith("not evaluated on the quick grid"), target.measured());
            }
        }
    }

    @Test
    void theBootstrapIsReproducibleAndBracketsTheMedian() {
        CellResult result = cell(CostModel.AGGREGATED, Mode.FORWARD_BACKWARD, T, 10, 0.2);
        double[] first = Bootstrap.medians(result);
        assertArrayEquals(first, Bootstrap.medians(result), "the same samples give the same replicates");
        Bootstrap.Interval interval = Bootstrap.interval(List.of(result), medians -> medians[0]);
        double[] samples = result.samples();
        java.util.Arrays.sort(samples);
        assertTrue(interval.low() <= result.medianMs() && result.medianMs() <= interval.high(), interval.toString());
        assertTrue(samples[0] <= interval.low() && interval.high() <= samples[samples.length - 1], interval.toString());
        // Identical samples leave nothing to resample: the interval is the point.
        CellResult exact = cell(CostModel.AGGREGATED, Mode.FORWARD_BACKWARD, T, 10, 0);
        Bootstrap.Interval point = Bootstrap.interval(List.of(exact), medians -> medians[0]);
        assertEquals(10, point.low());
        assertEquals(10, point.high());
    }

    @Test
    void theForkSpreadIsTheRangeOfTheForksMediansOverTheMedian() {
        Cell cell = new Cell(CostModel.AGGREGATED, org.bptt.api.Cell.ELMAN, SHAPE, T, Mode.FORWARD, DataType.FLOAT64);
        CellResult result = new CellResult(cell, CellResult.Status.MEASURED, "",
                List.of(new double[] {9, 10, 11}, new double[] {11, 12, 13}), Double.NaN, Double.NaN, Double.NaN, 1);
        // Fork medians 10 and 12; the median of all six samples is 11.
        assertEquals(2.0 / 11, result.forkSpread(), 1e-15);
    }

    @Test
    void anIntervalSaysHowManyTimesTheSamplesWouldDecideIt() {
        // Centre 0.10, half-width 0.10, bound 0.15: a half-width of 0.05 decides it, a quarter of the width, so 4× the
        // samples (the width shrinks as one over the square root of the samples).
        Bootstrap.Interval interval = new Bootstrap.Interval(0.10, 0.0, 0.20);
        assertEquals(4.0, interval.samplesFactorToDecide(-0.15, 0.15), 1e-12);
        assertEquals(BenchAnalysis.Verdict.INCONCLUSIVE, BenchAnalysis.decide(List.of(interval), -0.15, 0.15));
        assertEquals(BenchAnalysis.Verdict.PASS, BenchAnalysis.decide(List.of(new Bootstrap.Interval(0, -0.1, 0.1)), -0.15, 0.15));
        assertEquals(BenchAnalysis.Verdict.FAIL, BenchAnalysis.decide(List.of(new Bootstrap.Interval(0, -0.1, 0.1),
                new Bootstrap.Interval(0.3, 0.2, 0.4)), -0.15, 0.15));
    }
}
