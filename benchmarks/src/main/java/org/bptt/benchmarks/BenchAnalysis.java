package org.bptt.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.bptt.api.DataType;
import org.bptt.api.Topology;

/**
 * What the measured cells say: the fitted slopes, the naive/aggregated ratios against the {@link CostModel}, and the
 * issue's performance targets, each passed, failed or not measured. Nothing here is timed: it reads
 * {@link CellResult}s.
 *
 * <p>Slopes are fitted for every recurrent cell; the ratios and the targets are the lecture's claims about the Elman
 * cell (and DL4J's SimpleRnn), and look at its cells alone.
 *
 * <p>Slopes and ratios are judged on T ≥ {@value #FROM_STEPS}, where the per-call constant costs (allocating the
 * result, copying the weights) no longer hide the growth with T.
 */
public final class BenchAnalysis {

    private static final org.bptt.api.Cell ELMAN = org.bptt.api.Cell.ELMAN;

    /** The smallest T the slope and ratio targets look at. */
    public static final int FROM_STEPS = 32;
    /** The sequence length of the speed target. */
    public static final int SPEED_STEPS = 256;
    /** Why a speed target is not judged on a grid without {@link #SPEED_STEPS}. */
    static final String NO_SPEED_STEPS = "not evaluated: this grid has no T = " + SPEED_STEPS;
    /** The fast twin of the aggregated reference, also held to the speed target. */
    public static final String FAST = "reference-fast";
    /** DL4J's plugin id, the speed target's yardstick. */
    public static final String DL4J = "dl4j";

    static final double RATIO_TOLERANCE = 0.15;
    static final double SLOPE_TOLERANCE = 0.1;
    static final double SPEED_FACTOR = 3.0;
    /** O(T·H) memory: the naive allocation at most this multiple of the aggregated one's, at every T. */
    static final double MEMORY_RATIO_LIMIT = 1.5;
    /** O(T·H) memory: the slope of the naive allocation against T at most this (O(T²·H) would give 2). */
    static final double MEMORY_SLOPE_LIMIT = 1.2;

    /**
     * A target's verdict. PASS and FAIL are said only when the {@link Bootstrap} confidence interval of what is
     * checked lies wholly on one side of the threshold; an interval across it is INCONCLUSIVE, with what would
     * decide it.
     */
    public enum Verdict {
        /** The interval lies within the requirement (at every T, for a target checked at several). */
        PASS,
        /** The interval lies wholly outside the requirement (at some T). */
        FAIL,
        /** The interval reaches across the threshold: the measurements cannot decide. */
        INCONCLUSIVE,
        /** Measured on the quick grid, which is a first look: its few samples decide nothing. */
        NOT_EVALUATED,
        /** What the target needs was not measured. */
        NOT_MEASURED
    }

    /**
     * The fitted slope of one implementation's median time against T (log-log, least squares).
     *
     * @param fromStepsFit the fit over T ≥ {@value #FROM_STEPS}; null with fewer than two such points
     * @param allStepsFit  the fit over every measured T; null with fewer than two points
     */
    public record Slope(String implementation, org.bptt.api.Cell rnnCell, Topology topology, Shape shape, Mode mode,
                        DataType precision,
                        List<Integer> steps,
                        Stats.PowerLawFit fromStepsFit, Stats.PowerLawFit allStepsFit) {

        /** The slope over T ≥ {@value #FROM_STEPS}, or NaN. */
        public double slope() {
            return fromStepsFit == null ? Double.NaN : fromStepsFit.slope();
        }
    }

    /**
     * Naive against aggregated at one shape and T.
     *
     * @param measured             naive median / aggregated median
     * @param forwardShare         φ: the aggregated forward-only median over its forward+backward median, or the FLOP
     *                             model's 1/3 when the forward pass was not measured at this shape and T (then
     *                             {@code forwardShareMeasured} is false); 1 for a forward-only ratio
     * @param predicted            {@link CostModel#predictedNaiveRatio} with that φ (1 forward only)
     * @param predictedByFlops     {@link CostModel#flopModelNaiveRatio}: every operation at the same rate
     */
    public record Ratio(Shape shape, int steps, Mode mode, DataType precision, double naiveMs, double aggregatedMs,
                        double measured, double forwardShare, boolean forwardShareMeasured, double predicted,
                        double predictedByFlops) {

        /** measured / predicted − 1. */
        public double deviation() {
            return measured / predicted - 1;
        }
    }

    /**
     * One target on one subject (a shape, usually).
     *
     * @param target   which target, e.g. {@code naive/aggregated ratio}
     * @param subject  what it was checked on, e.g. {@code reference-aggregated 16x64x128x64}
     * @param required the requirement in words
     * @param measured what was measured, in words
     */
    public record Target(String target, String subject, String required, String measured, Verdict verdict) {
    }

    private final List<CellResult> results;
    private final Map<String, CellResult> byKey = new LinkedHashMap<>();

    public BenchAnalysis(List<CellResult> results) {
        this.results = List.copyOf(results);
        for (CellResult result : results) {
            byKey.put(result.cell().key(), result);
        }
    }

    public List<CellResult> results() {
        return results;
    }

    /**
     * The implementations as the tables show them: the grid's, each followed by its own-call timings
     * ({@code dl4j (own call)}) when there are any.
     */
    public List<String> columns(BenchGrid grid) {
        List<String> columns = new ArrayList<>();
        for (String implementation : grid.implementations()) {
            columns.add(implementation);
            String ownCall = Cell.ownCallId(implementation);
            if (results.stream().anyMatch(result -> result.cell().implementation().equals(ownCall))) {
                columns.add(ownCall);
            }
        }
        return columns;
    }

    /**
     * For an own-call result: the median time through the SPI minus the library's own median, what the adapter (or
     * the protocol) adds; NaN for another result or when the SPI cell was not measured.
     */
    public double adapterOverheadMs(CellResult ownCall) {
        return BenchTables.adapterOverheadMs(ownCall, results);
    }

    /** The measured result of a cell of one layer read forwards, if any. */
    public Optional<CellResult> measured(String implementation, org.bptt.api.Cell rnnCell, Shape shape, int steps, Mode mode,
                                         DataType precision) {
        return measured(implementation, rnnCell, Topology.SINGLE, shape, steps, mode, precision);
    }

    /** The measured result of a cell, if any. */
    public Optional<CellResult> measured(String implementation, org.bptt.api.Cell rnnCell, Topology topology, Shape shape,
                                         int steps, Mode mode, DataType precision) {
        CellResult result = byKey.get(new Cell(implementation, rnnCell, shape, steps, mode, precision, topology).key());
        return result != null && result.measured() ? Optional.of(result) : Optional.empty();
    }

    /** A slope per implementation × cell × topology × shape × mode × precision with at least two measured T. */
    public List<Slope> slopes() {
        Map<String, List<CellResult>> series = new LinkedHashMap<>();
        for (CellResult result : results) {
            if (result.measured()) {
                Cell cell = result.cell();
                series.computeIfAbsent(cell.implementation() + "|" + cell.rnnCell() + "|" + cell.topology() + "|" + cell.shape() + "|" + cell.mode() + "|"
                        + cell.precision(),
                        key -> new ArrayList<>()).add(result);
            }
        }
        List<Slope> slopes = new ArrayList<>();
        for (List<CellResult> points : series.values()) {
            points.sort(java.util.Comparator.comparingInt(result -> result.cell().steps()));
            Cell cell = points.get(0).cell();
            List<Integer> steps = points.stream().map(result -> result.cell().steps()).toList();
            slopes.add(new Slope(cell.implementation(), cell.rnnCell(), cell.topology(), cell.shape(), cell.mode(),
                    cell.precision(), steps,
                    fit(points.stream().filter(result -> result.cell().steps() >= FROM_STEPS).toList()), fit(points)));
        }
        return slopes;
    }

    private static Stats.PowerLawFit fit(List<CellResult> points) {
        if (points.size() < 2) {
            return null;
        }
        double[] x = points.stream().mapToDouble(result -> result.cell().steps()).toArray();
        double[] y = points.stream().mapToDouble(CellResult::medianMs).toArray();
        return Stats.powerLaw(x, y);
    }

    /** Naive against aggregated wherever both were measured on the Elman cell. */
    public List<Ratio> ratios() {
        List<Ratio> ratios = new ArrayList<>();
        for (CellResult naive : results) {
            Cell cell = naive.cell();
            if (!naive.measured() || !cell.implementation().equals(CostModel.NAIVE) || cell.rnnCell() != ELMAN
                    || !cell.topology().single()) {
                continue;
            }
            measured(CostModel.AGGREGATED, ELMAN, cell.shape(), cell.steps(), cell.mode(), cell.precision())
                    .ifPresent(aggregated -> ratios.add(ratio(naive, aggregated)));
        }
        return ratios;
    }

    private Ratio ratio(CellResult naive, CellResult aggregated) {
        Cell cell = naive.cell();
        double measuredRatio = naive.medianMs() / aggregated.medianMs();
        double byFlops = CostModel.flopModelNaiveRatio(cell.mode(), ELMAN, cell.shape(), cell.steps());
        if (cell.mode() == Mode.FORWARD) {
            return new Ratio(cell.shape(), cell.steps(), cell.mode(), cell.precision(), naive.medianMs(),
                    aggregated.medianMs(), measuredRatio, 1.0, false, 1.0, byFlops);
        }
        Optional<CellResult> forward = measured(CostModel.AGGREGATED, ELMAN, cell.shape(), cell.steps(), Mode.FORWARD, cell.precision());
        double forwardShare = forward.map(result -> Math.min(1.0, result.medianMs() / aggregated.medianMs()))
                .orElse(CostModel.FLOP_MODEL_FORWARD_SHARE);
        return new Ratio(cell.shape(), cell.steps(), cell.mode(), cell.precision(), naive.medianMs(),
                aggregated.medianMs(), measuredRatio, forwardShare, forward.isPresent(),
                CostModel.predictedNaiveRatio(ELMAN, cell.shape(), cell.steps(), forwardShare), byFlops);
    }

    /** Every target on every shape of the grid, forward + backward, in {@code precision}, on the Elman cell. */
    public List<Target> targets(BenchGrid grid) {
        List<Target> targets = new ArrayList<>();
        DataType precision = grid.precision();
        List<Slope> slopes = slopes();
        List<Ratio> ratios = ratios();
        for (Shape shape : grid.shapes()) {
            targets.add(ratioTarget(shape, precision, ratios));
        }
        for (Shape shape : grid.shapes()) {
            targets.add(slopeTarget(CostModel.NAIVE, 2.0, shape, precision, slopes));
        }
        for (Shape shape : grid.shapes()) {
            targets.add(slopeTarget(CostModel.AGGREGATED, 1.0, shape, precision, slopes));
        }
        for (String implementation : List.of(CostModel.AGGREGATED, FAST)) {
            if (!grid.implementations().contains(implementation)) {
                continue;
            }
            for (Shape shape : grid.shapes()) {
                targets.add(speedTarget(implementation, shape, precision, grid));
            }
        }
        if (grid.implementations().contains(FAST)) {
            for (Shape shape : grid.shapes()) {
                targets.addAll(parityTargets(shape, precision));
            }
        }
        for (Shape shape : grid.shapes()) {
            targets.add(memoryTarget(shape, precision));
        }
        if (grid.name().equals(BenchGrid.QUICK)) {
            return targets.stream().map(BenchAnalysis::notEvaluated).toList();
        }
        return targets;
    }

    /** A target measured on the quick grid: the figures stay, the verdict is not given. */
    private static Target notEvaluated(Target target) {
        if (target.verdict() == Verdict.NOT_MEASURED) {
            return target;
        }
        return new Target(target.target(), target.subject(), target.required(), "not evaluated on the quick grid (a"
                + " first look: one fork of three short iterations decides nothing; bptt bench gives the verdict); measured "
                + target.measured(), Verdict.NOT_EVALUATED);
    }

    /**
     * PASS when every interval lies within [from, to], FAIL when one lies wholly outside it, INCONCLUSIVE otherwise.
     */
    static Verdict decide(List<Bootstrap.Interval> intervals, double from, double to) {
        if (intervals.stream().anyMatch(interval -> interval.outside(from, to))) {
            return Verdict.FAIL;
        }
        return intervals.stream().allMatch(interval -> interval.within(from, to)) ? Verdict.PASS : Verdict.INCONCLUSIVE;
    }

    /** More samples than this, per cell, are not worth suggesting: hours of benchmark for one verdict. */
    static final double PRACTICAL_SAMPLES_FACTOR = 100;

    /**
     * What would decide an inconclusive target: the intervals that reach across [from, to], and about how many times
     * the samples per cell would narrow them enough if their centres held.
     */
    static String whatWouldDecide(List<String> labels, List<Bootstrap.Interval> intervals, double from, double to) {
        List<String> undecided = new ArrayList<>();
        double factor = 1;
        for (int i = 0; i < intervals.size(); i++) {
            Bootstrap.Interval interval = intervals.get(i);
            if (!interval.within(from, to) && !interval.outside(from, to)) {
                undecided.add(labels.get(i));
                factor = Math.max(factor, interval.samplesFactorToDecide(from, to));
            }
        }
        String more = Double.isNaN(factor) ? "nothing: an estimate on the threshold itself is decided by no number of samples"
                : factor > PRACTICAL_SAMPLES_FACTOR ? String.format(Locale.ROOT, "no practical number of samples (about"
                        + " %.0f× these): an estimate this close to the threshold is, for what the target asks, on it",
                        Math.ceil(factor))
                : String.format(Locale.ROOT, "about %.0f× the samples per cell (more --forks, or a larger --cell-budget)"
                        + " if the estimates held, or a quieter machine", Math.ceil(factor));
        return " — INCONCLUSIVE: the " + Math.round(100 * Bootstrap.LEVEL) + "% interval reaches across the threshold at "
                + String.join(", ", undecided) + "; to decide: " + more;
    }

    private Target ratioTarget(Shape shape, DataType precision, List<Ratio> ratios) {
        String name = "naive/aggregated time within 15% of the step counts' prediction (T ≥ " + FROM_STEPS + ")";
        String required = "the " + Math.round(100 * Bootstrap.LEVEL) + "% interval of measured / predicted − 1 within"
                + " ±0.15 at every measured T ≥ " + FROM_STEPS + ", predicted = 1 + (T − 1)/2 · q · (1 − φ), φ the aggregated"
                + " forward pass's measured share of its call (its uncertainty included)";
        List<Ratio> checked = ratios.stream().filter(ratio -> ratio.shape().equals(shape) && ratio.precision() == precision
                && ratio.mode() == Mode.FORWARD_BACKWARD && ratio.steps() >= FROM_STEPS).toList();
        String subject = "reference " + shape;
        if (checked.isEmpty()) {
            return new Target(name, subject, required, "no T ≥ " + FROM_STEPS + " with both measured", Verdict.NOT_MEASURED);
        }
        List<String> parts = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        List<Bootstrap.Interval> intervals = new ArrayList<>();
        for (Ratio ratio : checked) {
            Bootstrap.Interval deviation = deviationInterval(ratio);
            Bootstrap.Interval share = forwardShareInterval(ratio);
            intervals.add(deviation);
            labels.add("T=" + ratio.steps());
            parts.add(String.format(Locale.ROOT, "T=%d: %.2f vs %.2f (%+.0f%% [%+.0f%%, %+.0f%%]; φ = %s)", ratio.steps(),
                    ratio.measured(), ratio.predicted(), 100 * deviation.estimate(), 100 * deviation.low(),
                    100 * deviation.high(), share == null ? String.format(Locale.ROOT, "%.2f by the FLOP model: forward"
                            + " not measured", ratio.forwardShare()) : share.text("%.2f")));
        }
        Verdict verdict = decide(intervals, -RATIO_TOLERANCE, RATIO_TOLERANCE);
        String measured = String.join("; ", parts)
                + (verdict == Verdict.INCONCLUSIVE ? whatWouldDecide(labels, intervals, -RATIO_TOLERANCE, RATIO_TOLERANCE) : "");
        return new Target(name, subject, required, measured, verdict);
    }

    /** The cells a ratio was computed from: naive, aggregated (forward+backward), and the aggregated forward if measured. */
    private List<CellResult> ratioCells(Ratio ratio) {
        List<CellResult> cells = new ArrayList<>();
        cells.add(measured(CostModel.NAIVE, ELMAN, ratio.shape(), ratio.steps(), ratio.mode(), ratio.precision()).orElseThrow());
        cells.add(measured(CostModel.AGGREGATED, ELMAN, ratio.shape(), ratio.steps(), ratio.mode(), ratio.precision()).orElseThrow());
        if (ratio.forwardShareMeasured()) {
            cells.add(measured(CostModel.AGGREGATED, ELMAN, ratio.shape(), ratio.steps(), Mode.FORWARD, ratio.precision())
                    .orElseThrow());
        }
        return cells;
    }

    /**
     * measured / predicted − 1 with its interval: in each replicate the naive and aggregated medians and, through φ,
     * the aggregated forward median vary together, so φ's uncertainty is carried into the prediction's.
     */
    Bootstrap.Interval deviationInterval(Ratio ratio) {
        double fixedShare = ratio.forwardShare();
        return Bootstrap.interval(ratioCells(ratio), medians -> {
            double share = medians.length > 2 ? Math.min(1.0, medians[2] / medians[1]) : fixedShare;
            double predicted = CostModel.predictedNaiveRatio(ELMAN, ratio.shape(), ratio.steps(), share);
            return medians[0] / medians[1] / predicted - 1;
        });
    }

    /** φ with its interval, or null when the forward pass was not measured (φ is then the FLOP model's 1/3). */
    Bootstrap.Interval forwardShareInterval(Ratio ratio) {
        if (!ratio.forwardShareMeasured()) {
            return null;
        }
        List<CellResult> cells = ratioCells(ratio);
        return Bootstrap.interval(List.of(cells.get(1), cells.get(2)), medians -> Math.min(1.0, medians[1] / medians[0]));
    }

    private Target slopeTarget(String implementation, double expected, Shape shape, DataType precision, List<Slope> slopes) {
        String name = String.format(Locale.ROOT, "%s slope %.1f ± %.1f (T ≥ %d)", implementation.equals(CostModel.NAIVE)
                ? "naive" : "aggregated", expected, SLOPE_TOLERANCE, FROM_STEPS);
        String required = String.format(Locale.ROOT, "the %d%% interval of the log-log slope of time against T within"
                + " [%.1f, %.1f]", Math.round(100 * Bootstrap.LEVEL), expected - SLOPE_TOLERANCE, expected + SLOPE_TOLERANCE);
        String subject = implementation + " " + shape;
        Optional<Slope> slope = slopes.stream().filter(s -> s.implementation().equals(implementation) && s.rnnCell() == ELMAN && s.topology().single() && s.shape().equals(shape)
                && s.mode() == Mode.FORWARD_BACKWARD && s.precision() == precision).findFirst();
        if (slope.isEmpty() || slope.get().fromStepsFit() == null) {
            return new Target(name, subject, required, "fewer than two measured T ≥ " + FROM_STEPS, Verdict.NOT_MEASURED);
        }
        Stats.PowerLawFit fit = slope.get().fromStepsFit();
        List<Integer> steps = slope.get().steps().stream().filter(t -> t >= FROM_STEPS).toList();
        Bootstrap.Interval interval = slopeInterval(implementation, shape, precision, steps, fit.slope());
        double from = expected - SLOPE_TOLERANCE;
        double to = expected + SLOPE_TOLERANCE;
        Verdict verdict = decide(List.of(interval), from, to);
        String measured = String.format(Locale.ROOT, "%s%s over %d points, T = %s", interval.text("%.3f"),
                Double.isNaN(fit.standardError()) ? "" : String.format(Locale.ROOT, " (the fit's standard error %.3f)",
                        fit.standardError()), fit.points(), steps)
                + (verdict == Verdict.INCONCLUSIVE ? whatWouldDecide(List.of("the slope"), List.of(interval), from, to) : "");
        return new Target(name, subject, required, measured, verdict);
    }

    /** The fitted slope over {@code steps} with its interval: each replicate fits the replicate medians. */
    private Bootstrap.Interval slopeInterval(String implementation, Shape shape, DataType precision, List<Integer> steps,
                                             double estimate) {
        List<CellResult> cells = steps.stream().map(t -> measured(implementation, ELMAN, shape, t, Mode.FORWARD_BACKWARD,
                precision).orElseThrow()).toList();
        double[] x = steps.stream().mapToDouble(Integer::doubleValue).toArray();
        Bootstrap.Interval interval = Bootstrap.interval(cells, medians -> Stats.powerLaw(x, medians).slope());
        return new Bootstrap.Interval(estimate, interval.low(), interval.high());
    }

    private Target speedTarget(String implementation, Shape shape, DataType precision, BenchGrid grid) {
        String name = implementation.equals(FAST) ? "fast twin ≥ 3× DL4J forward+backward throughput at T = 256"
                : "aggregated ≥ 3× DL4J forward+backward throughput at T = 256";
        String subject = implementation + " " + shape;
        int steps = SPEED_STEPS;
        String note = "";
        if (!grid.steps().contains(SPEED_STEPS)) {
            // A sub-grid without T = 256: the target is not judged (it is stated at T = 256), but the factor at the
            // longest T both were measured at is shown for information.
            steps = -1;
            for (int t : grid.steps()) {
                if (measured(implementation, ELMAN, shape, t, Mode.FORWARD_BACKWARD, precision).isPresent()
                        && measured(DL4J, ELMAN, shape, t, Mode.FORWARD_BACKWARD, precision).isPresent()) {
                    steps = t;
                }
            }
            note = steps < 0 ? "" : " (at T = " + steps + ")";
        }
        boolean atSpeedSteps = steps == SPEED_STEPS;
        String required = "the " + Math.round(100 * Bootstrap.LEVEL) + "% interval of its GFLOP/s over DL4J's on the"
                + " same shape and T at least 3 (DL4J timed through its own call where it was, else through the adapter)";
        Optional<CellResult> ours = measured(implementation, ELMAN, shape, steps, Mode.FORWARD_BACKWARD, precision);
        Optional<CellResult> dl4jOwn = measured(Cell.ownCallId(DL4J), ELMAN, shape, steps, Mode.FORWARD_BACKWARD, precision);
        Optional<CellResult> dl4j = dl4jOwn.isPresent() ? dl4jOwn
                : measured(DL4J, ELMAN, shape, steps, Mode.FORWARD_BACKWARD, precision);
        if (ours.isEmpty() || dl4j.isEmpty()) {
            return atSpeedSteps ? new Target(name, subject, required, "not both measured", Verdict.NOT_MEASURED)
                    : new Target(name, subject, required, NO_SPEED_STEPS, Verdict.NOT_EVALUATED);
        }
        // The same work on both sides, so the ratio of GFLOP/s is DL4J's time over ours.
        Bootstrap.Interval factor = Bootstrap.interval(List.of(ours.get(), dl4j.get()), medians -> medians[1] / medians[0]);
        Verdict verdict = decide(List.of(factor), SPEED_FACTOR, Double.POSITIVE_INFINITY);
        String measured = String.format(Locale.ROOT, "%.2f vs %.2f GFLOP/s (DL4J %s): %s×%s", ours.get().gflops(),
                dl4j.get().gflops(), dl4jOwn.isPresent() ? "own call" : "through the adapter", factor.text("%.2f"), note)
                + (atSpeedSteps && verdict == Verdict.INCONCLUSIVE ? whatWouldDecide(List.of("the factor"), List.of(factor), SPEED_FACTOR,
                Double.POSITIVE_INFINITY) : "");
        if (!atSpeedSteps) {
            return new Target(name, subject, required, NO_SPEED_STEPS + "; measured " + measured, Verdict.NOT_EVALUATED);
        }
        return new Target(name, subject, required, measured, verdict);
    }

    /**
     * The fast twin at least as fast as each other library timed through its own call (PyTorch, NumPy: a {@code cmd:}
     * program's {@code bench} answer; DL4J has the stricter 3× target), one target per library, at T = 256 on the
     * Elman cell, forward + backward. A grid without such a library, or without T = 256, has none.
     */
    private List<Target> parityTargets(Shape shape, DataType precision) {
        Optional<CellResult> ours = measured(FAST, ELMAN, shape, SPEED_STEPS, Mode.FORWARD_BACKWARD, precision);
        if (ours.isEmpty()) {
            return List.of();
        }
        List<Target> targets = new ArrayList<>();
        for (CellResult other : results) {
            Cell cell = other.cell();
            if (!cell.isOwnCall() || cell.pluginId().equals(DL4J) || other.status() != CellResult.Status.MEASURED
                    || cell.rnnCell() != ELMAN || !cell.topology().single() || !cell.shape().equals(shape)
                    || cell.steps() != SPEED_STEPS || cell.mode() != Mode.FORWARD_BACKWARD || cell.precision() != precision) {
                continue;
            }
            String name = "fast twin ≥ another library's own-call forward+backward throughput at T = 256";
            String subject = FAST + " " + shape + " vs " + cell.pluginId();
            String required = "the " + Math.round(100 * Bootstrap.LEVEL) + "% interval of its GFLOP/s over the"
                    + " library's own call on the same shape and T at least 1, both with the same threads";
            if (ours.get().threads() != other.threads()) {
                targets.add(new Target(name, subject, required, String.format(Locale.ROOT, "not evaluated: %d threads"
                        + " against %d (bptt bench --threads 1 gives one each)", ours.get().threads(), other.threads()),
                        Verdict.NOT_EVALUATED));
                continue;
            }
            // The same work on both sides, so the ratio of GFLOP/s is the other library's time over ours.
            Bootstrap.Interval factor = Bootstrap.interval(List.of(ours.get(), other), medians -> medians[1] / medians[0]);
            Verdict verdict = decide(List.of(factor), 1.0, Double.POSITIVE_INFINITY);
            String measured = String.format(Locale.ROOT, "%.2f vs %.2f GFLOP/s (own call): %s×", ours.get().gflops(),
                    other.gflops(), factor.text("%.2f"))
                    + (verdict == Verdict.INCONCLUSIVE ? whatWouldDecide(List.of("the factor"), List.of(factor), 1.0,
                    Double.POSITIVE_INFINITY) : "");
            targets.add(new Target(name, subject, required, measured, verdict));
        }
        return targets;
    }

    private Target memoryTarget(Shape shape, DataType precision) {
        String name = "naive extra memory O(T·H), not O(T²·H)";
        String required = String.format(Locale.ROOT, "naive bytes allocated per call ≤ %.1f × aggregated's at every T,"
                + " and their slope against T (T ≥ %d) ≤ %.1f", MEMORY_RATIO_LIMIT, FROM_STEPS, MEMORY_SLOPE_LIMIT);
        String subject = "reference " + shape;
        List<Double> steps = new ArrayList<>();
        List<Double> naiveAllocations = new ArrayList<>();
        double worstRatio = 0;
        int worstAt = 0;
        double worstPeakRatio = Double.NaN;
        for (CellResult naive : results) {
            Cell cell = naive.cell();
            if (!naive.measured() || !cell.implementation().equals(CostModel.NAIVE) || cell.rnnCell() != ELMAN
                    || !cell.topology().single() || !cell.shape().equals(shape)
                    || cell.mode() != Mode.FORWARD_BACKWARD || cell.precision() != precision
                    || Double.isNaN(naive.allocBytesPerCall())) {
                continue;
            }
            Optional<CellResult> aggregated = measured(CostModel.AGGREGATED, ELMAN, shape, cell.steps(), Mode.FORWARD_BACKWARD, precision);
            if (aggregated.isEmpty() || Double.isNaN(aggregated.get().allocBytesPerCall())) {
                continue;
            }
            double ratio = naive.allocBytesPerCall() / aggregated.get().allocBytesPerCall();
            if (ratio > worstRatio) {
                worstRatio = ratio;
                worstAt = cell.steps();
            }
            double peakRatio = naive.peakHeapBytes() / aggregated.get().peakHeapBytes();
            if (!Double.isNaN(peakRatio) && (Double.isNaN(worstPeakRatio) || peakRatio > worstPeakRatio)) {
                worstPeakRatio = peakRatio;
            }
            if (cell.steps() >= FROM_STEPS) {
                steps.add((double) cell.steps());
                naiveAllocations.add(naive.allocBytesPerCall());
            }
        }
        if (worstAt == 0) {
            return new Target(name, subject, required, "no T with both allocations measured", Verdict.NOT_MEASURED);
        }
        double slope = Double.NaN;
        if (steps.size() >= 2) {
            slope = Stats.powerLaw(steps.stream().mapToDouble(Double::doubleValue).toArray(),
                    naiveAllocations.stream().mapToDouble(Double::doubleValue).toArray()).slope();
        }
        String measured = String.format(Locale.ROOT, "allocation ratio at most %.2f (T=%d); naive allocation slope %s;"
                        + " peak heap ratio at most %s", worstRatio, worstAt,
                Double.isNaN(slope) ? "not fitted (fewer than two T ≥ " + FROM_STEPS + ")" : String.format(Locale.ROOT, "%.2f", slope),
                Double.isNaN(worstPeakRatio) ? "not probed" : String.format(Locale.ROOT, "%.2f", worstPeakRatio));
        boolean pass = worstRatio <= MEMORY_RATIO_LIMIT && (Double.isNaN(slope) || slope <= MEMORY_SLOPE_LIMIT);
        return new Target(name, subject, required, measured, pass ? Verdict.PASS : Verdict.FAIL);
    }
}
