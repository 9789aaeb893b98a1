package org.bptt.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bptt.outputs.Statistics;

/**
 * Compares a run with an earlier run of the same grid on the same machine, cell by cell, and flags a slowdown only
 * when it is statistically clear and large enough to matter, so that a shared, noisy machine does not cry wolf:
 * <ul>
 *   <li>a one-sided Mann–Whitney U test over the JMH iteration samples of the two runs (each sample is one
 *       iteration's mean time per call) gives p &lt; {@value #SIGNIFICANCE}: the new samples tend to be slower; and</li>
 *   <li>the median time per call grew by more than {@value #MINIMUM_SLOWDOWN_PERCENT}%.</li>
 * </ul>
 * The same two conditions the other way round mark a clear speed-up (for information). With fewer than four
 * samples a side no comparison can reach p &lt; 0.01 (the smallest one-sided p of 3 against 3 samples is 1/20): a
 * {@code --quick} run can be compared, but it cannot flag anything.
 */
public final class Baseline {

    /** The significance level of the rank test. */
    public static final double SIGNIFICANCE = 0.01;
    /** The smallest slowdown of the median flagged, in percent. */
    public static final double MINIMUM_SLOWDOWN_PERCENT = 10;

    /** What the comparison of one cell says. */
    public enum Verdict {
        /** Clearly slower: p &lt; 0.01 and the median more than 10% slower. */
        REGRESSION,
        /** Clearly faster, by the same two conditions. */
        IMPROVEMENT,
        /** Neither: within noise, or too small a change to flag. */
        NO_CLEAR_CHANGE,
        /** Measured in one run only. */
        NOT_COMPARED
    }

    /**
     * One cell compared.
     *
     * @param change         current median / baseline median − 1 (positive: slower)
     * @param pSlower        one-sided p-value of "the current samples are larger" (NaN when not compared)
     * @param pFaster        one-sided p-value of "the current samples are smaller"
     * @param exact          whether the p-values are exact (no ties, few samples) or the normal approximation
     */
    public record Comparison(Cell cell, int baselineSamples, int currentSamples, double baselineMedianMs,
                             double currentMedianMs, double change, double pSlower, double pFaster, boolean exact,
                             Verdict verdict) {
    }

    private Baseline() {
    }

    /** Compares every cell measured in either run (the baseline given by its samples, keyed by {@link Cell#key()}). */
    public static List<Comparison> compare(Map<String, CellSamples> baseline, List<CellResult> current) {
        List<Comparison> comparisons = new ArrayList<>();
        Map<String, CellSamples> remaining = new LinkedHashMap<>(baseline);
        for (CellResult result : current) {
            if (!result.measured()) {
                continue;
            }
            CellSamples before = remaining.remove(result.cell().key());
            if (before == null) {
                comparisons.add(new Comparison(result.cell(), 0, result.samples().length, Double.NaN, result.medianMs(),
                        Double.NaN, Double.NaN, Double.NaN, false, Verdict.NOT_COMPARED));
                continue;
            }
            comparisons.add(compare(result.cell(), before.samples(), result.samples()));
        }
        for (CellSamples before : remaining.values()) {
            comparisons.add(new Comparison(before.cell(), before.samples().length, 0, Statistics.median(before.samples()),
                    Double.NaN, Double.NaN, Double.NaN, Double.NaN, false, Verdict.NOT_COMPARED));
        }
        return comparisons;
    }

    /** Compares one cell's samples: the rank test both ways and the change of the median. */
    public static Comparison compare(Cell cell, double[] baselineSamples, double[] currentSamples) {
        double baselineMedian = Statistics.median(baselineSamples);
        double currentMedian = Statistics.median(currentSamples);
        double change = currentMedian / baselineMedian - 1;
        MannWhitney slower = MannWhitney.greater(currentSamples, baselineSamples);
        MannWhitney faster = MannWhitney.greater(baselineSamples, currentSamples);
        double threshold = MINIMUM_SLOWDOWN_PERCENT / 100;
        Verdict verdict = Verdict.NO_CLEAR_CHANGE;
        if (slower.pValue() < SIGNIFICANCE && change > threshold) {
            verdict = Verdict.REGRESSION;
        } else if (faster.pValue() < SIGNIFICANCE && change < -threshold) {
            verdict = Verdict.IMPROVEMENT;
        }
        return new Comparison(cell, baselineSamples.length, currentSamples.length, baselineMedian, currentMedian, change,
                slower.pValue(), faster.pValue(), slower.exact(), verdict);
    }

    /** True when any comparison is a regression. */
    public static boolean anyRegression(List<Comparison> comparisons) {
        return comparisons.stream().anyMatch(comparison -> comparison.verdict() == Verdict.REGRESSION);
    }

    /** The rule, for logs and reports. */
    public static String rule() {
        return String.format(Locale.ROOT, "a slowdown is flagged when a one-sided Mann-Whitney U test over the JMH"
                + " iteration samples gives p < %s and the median time per call grew by more than %.0f%%",
                SIGNIFICANCE, MINIMUM_SLOWDOWN_PERCENT);
    }

    /**
     * The samples of one cell of an earlier run.
     *
     * @param samples every iteration sample, ms per call
     */
    public record CellSamples(Cell cell, double[] samples) {
    }
}
