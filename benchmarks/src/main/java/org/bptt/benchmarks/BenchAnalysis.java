package org.bptt.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.bptt.api.DataType;

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

    /** A target's verdict. */
    public enum Verdict { PASS, FAIL, NOT_MEASURED }

    /**
     * The fitted slope of one implementation's median time against T (log-log, least squares).
     *
     * @param fromStepsFit the fit over T ≥ {@value #FROM_STEPS}; null with fewer than two such points
     * @param allStepsFit  the fit over every measured T; null with fewer than two points
     */
    public record Slope(String implementation, org.bptt.api.Cell rnnCell, Shape shape, Mode mode, DataType precision,
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

    /** The measured result of a cell, if any. */
    public Optional<CellResult> measured(String implementation, org.bptt.api.Cell rnnCell, Shape shape, int steps, Mode mode,
                                         DataType precision) {
        CellResult result = byKey.get(new Cell(implementation, rnnCell, shape, steps, mode, precision).key());
        return result != null && result.measured() ? Optional.of(result) : Optional.empty();
    }

    /** A slope per implementation × cell × shape × mode × precision with at least two measured T. */
    public List<Slope> slopes() {
        Map<String, List<CellResult>> series = new LinkedHashMap<>();
        for (CellResult result : results) {
            if (result.measured()) {
                Cell cell = result.cell();
                series.computeIfAbsent(cell.implementation() + "|" + cell.rnnCell() + "|" + cell.shape() + "|" + cell.mode() + "|"
                        + cell.precision(),
                        key -> new ArrayList<>()).add(result);
            }
        }
        List<Slope> slopes = new ArrayList<>();
        for (List<CellResult> points : series.values()) {
            points.sort(java.util.Comparator.comparingInt(result -> result.cell().steps()));
            Cell cell = points.get(0).cell();
            List<Integer> steps = points.stream().map(result -> result.cell().steps()).toList();
            slopes.add(new Slope(cell.implementation(), cell.rnnCell(), cell.shape(), cell.mode(), cell.precision(), steps,
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
            if (!naive.measured() || !cell.implementation().equals(CostModel.NAIVE) || cell.rnnCell() != ELMAN) {
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
        for (Shape shape : grid.shapes()) {
            targets.add(memoryTarget(shape, precision));
        }
        return targets;
    }

    private Target ratioTarget(Shape shape, DataType precision, List<Ratio> ratios) {
        String name = "naive/aggregated time within 15% of the step counts' prediction (T ≥ " + FROM_STEPS + ")";
        String required = "|measured / predicted − 1| ≤ 0.15 at every measured T ≥ " + FROM_STEPS
                + ", predicted = 1 + (T − 1)/2 · q · (1 − φ), φ the aggregated forward pass's measured share of its call";
        List<Ratio> checked = ratios.stream().filter(ratio -> ratio.shape().equals(shape) && ratio.precision() == precision
                && ratio.mode() == Mode.FORWARD_BACKWARD && ratio.steps() >= FROM_STEPS).toList();
        String subject = "reference " + shape;
        if (checked.isEmpty()) {
            return new Target(name, subject, required, "no T ≥ " + FROM_STEPS + " with both measured", Verdict.NOT_MEASURED);
        }
        List<String> parts = new ArrayList<>();
        boolean pass = true;
        for (Ratio ratio : checked) {
            parts.add(String.format(Locale.ROOT, "T=%d: %.2f vs %.2f (%+.0f%%; φ = %.2f%s)", ratio.steps(), ratio.measured(),
                    ratio.predicted(), 100 * ratio.deviation(), ratio.forwardShare(),
                    ratio.forwardShareMeasured() ? "" : " by the FLOP model: forward not measured"));
            pass &= Math.abs(ratio.deviation()) <= RATIO_TOLERANCE;
        }
        return new Target(name, subject, required, String.join("; ", parts), pass ? Verdict.PASS : Verdict.FAIL);
    }

    private static Target slopeTarget(String implementation, double expected, Shape shape, DataType precision, List<Slope> slopes) {
        String name = String.format(Locale.ROOT, "%s slope %.1f ± %.1f (T ≥ %d)", implementation.equals(CostModel.NAIVE)
                ? "naive" : "aggregated", expected, SLOPE_TOLERANCE, FROM_STEPS);
        String required = String.format(Locale.ROOT, "log-log slope of time against T in [%.1f, %.1f]",
                expected - SLOPE_TOLERANCE, expected + SLOPE_TOLERANCE);
        String subject = implementation + " " + shape;
        Optional<Slope> slope = slopes.stream().filter(s -> s.implementation().equals(implementation) && s.rnnCell() == ELMAN && s.shape().equals(shape)
                && s.mode() == Mode.FORWARD_BACKWARD && s.precision() == precision).findFirst();
        if (slope.isEmpty() || slope.get().fromStepsFit() == null) {
            return new Target(name, subject, required, "fewer than two measured T ≥ " + FROM_STEPS, Verdict.NOT_MEASURED);
        }
        Stats.PowerLawFit fit = slope.get().fromStepsFit();
        String measured = String.format(Locale.ROOT, "%.3f%s over %d points, T = %s", fit.slope(),
                Double.isNaN(fit.standardError()) ? "" : String.format(Locale.ROOT, " ± %.3f (standard error)", fit.standardError()),
                fit.points(), slope.get().steps().stream().filter(t -> t >= FROM_STEPS).toList());
        boolean pass = Math.abs(fit.slope() - expected) <= SLOPE_TOLERANCE;
        return new Target(name, subject, required, measured, pass ? Verdict.PASS : Verdict.FAIL);
    }

    private Target speedTarget(String implementation, Shape shape, DataType precision, BenchGrid grid) {
        String name = implementation.equals(FAST) ? "fast twin ≥ 3× DL4J forward+backward throughput at T = 256"
                : "aggregated ≥ 3× DL4J forward+backward throughput at T = 256";
        String subject = implementation + " " + shape;
        int steps = SPEED_STEPS;
        String note = "";
        if (!grid.steps().contains(SPEED_STEPS)) {
            // A sub-grid without T = 256: judge at the longest T both were measured at, and say so.
            steps = -1;
            for (int t : grid.steps()) {
                if (measured(implementation, ELMAN, shape, t, Mode.FORWARD_BACKWARD, precision).isPresent()
                        && measured(DL4J, ELMAN, shape, t, Mode.FORWARD_BACKWARD, precision).isPresent()) {
                    steps = t;
                }
            }
            note = steps < 0 ? "" : " (at T = " + steps + ": this grid has no T = 256)";
        }
        String required = "GFLOP/s ≥ 3 × DL4J's on the same shape and T";
        Optional<CellResult> ours = measured(implementation, ELMAN, shape, steps, Mode.FORWARD_BACKWARD, precision);
        Optional<CellResult> dl4j = measured(DL4J, ELMAN, shape, steps, Mode.FORWARD_BACKWARD, precision);
        if (ours.isEmpty() || dl4j.isEmpty()) {
            return new Target(name, subject, required, "not both measured" + note, Verdict.NOT_MEASURED);
        }
        double factor = ours.get().gflops() / dl4j.get().gflops();
        String measured = String.format(Locale.ROOT, "%.2f vs %.2f GFLOP/s: %.2f×%s", ours.get().gflops(),
                dl4j.get().gflops(), factor, note);
        return new Target(name, subject, required, measured, factor >= SPEED_FACTOR ? Verdict.PASS : Verdict.FAIL);
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
                    || !cell.shape().equals(shape)
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
