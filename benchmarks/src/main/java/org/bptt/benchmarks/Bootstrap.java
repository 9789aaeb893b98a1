package org.bptt.benchmarks;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.bptt.outputs.Statistics;

/**
 * Confidence intervals of what the targets compute from medians (a ratio of two cells' medians, a prediction from a
 * third, a fitted slope), by a bootstrap that resamples each cell the way its samples were taken: first its forks
 * (with replacement), then each chosen fork's iterations (with replacement). A difference between forks (a JIT
 * decision, a memory layout one JVM happened to take) thus widens the interval as it should; with a single fork it
 * cannot be seen, and the interval is that of the iterations alone.
 *
 * <p>The intervals are percentile intervals at {@value #LEVEL} from {@value #REPLICATES} replicates. Every cell's
 * resampling is seeded from the cell's key, so the same measurements always give the same interval, and a
 * re-analysis ({@code bench --reanalyse}) gives the verdicts of the run.
 */
public final class Bootstrap {

    /** Replicates per interval. */
    public static final int REPLICATES = 2000;
    /** The confidence level of every interval. */
    public static final double LEVEL = 0.95;

    private Bootstrap() {
    }

    /**
     * An estimate (from the measured medians) and its confidence interval.
     *
     * @param estimate the quantity computed from the cells' medians
     * @param low      the interval's lower end
     * @param high     its upper end
     */
    public record Interval(double estimate, double low, double high) {

        /** True when the whole interval lies in [from, to]. */
        public boolean within(double from, double to) {
            return low >= from && high <= to;
        }

        /** True when the whole interval lies outside [from, to]. */
        public boolean outside(double from, double to) {
            return high < from || low > to;
        }

        /** Half the interval's width. */
        public double halfWidth() {
            return (high - low) / 2;
        }

        /**
         * About how many times the samples per cell it would take for an interval of the same centre to clear the
         * nearer of {@code from} and {@code to}: the width shrinks as one over the square root of the samples. NaN
         * when the estimate sits on a bound (no number of samples decides that).
         */
        public double samplesFactorToDecide(double from, double to) {
            double distance = Math.min(Math.abs(estimate - from), Math.abs(estimate - to));
            return distance == 0 ? Double.NaN : Math.pow(halfWidth() / distance, 2);
        }

        /** E.g. {@code 1.23 [1.10, 1.31]} with {@code format} {@code %.2f}. */
        public String text(String format) {
            return String.format(Locale.ROOT, format + " [" + format + ", " + format + "]", estimate, low, high);
        }
    }

    /**
     * {@link #REPLICATES} bootstrap replicates of a cell's median time, resampled fork by fork as the class comment
     * says, seeded from the cell's key.
     */
    public static double[] medians(CellResult result) {
        SplittableRandom random = new SplittableRandom(result.cell().key().hashCode() * 0x9E3779B97F4A7C15L);
        double[][] forks = result.samplesByFork().stream().filter(fork -> fork.length > 0).toArray(double[][]::new);
        if (forks.length == 0) {
            throw new IllegalArgumentException("no samples to resample in " + result.cell());
        }
        double[] replicates = new double[REPLICATES];
        for (int r = 0; r < REPLICATES; r++) {
            int size = 0;
            double[][] chosen = new double[forks.length][];
            for (int f = 0; f < forks.length; f++) {
                chosen[f] = forks[random.nextInt(forks.length)];
                size += chosen[f].length;
            }
            double[] pooled = new double[size];
            int position = 0;
            for (double[] fork : chosen) {
                for (int i = 0; i < fork.length; i++) {
                    pooled[position++] = fork[random.nextInt(fork.length)];
                }
            }
            replicates[r] = Statistics.median(pooled);
        }
        return replicates;
    }

    /**
     * The interval of a quantity of several cells' medians: {@code quantity} applied to the measured medians gives the
     * estimate, applied to each replicate's medians (replicate r of every cell together) the replicates.
     *
     * @param cells    the cells the quantity reads, in the order {@code quantity} expects their medians
     * @param quantity from the cells' medians (same order) to the quantity
     */
    public static Interval interval(java.util.List<CellResult> cells, ToDoubleFunction<double[]> quantity) {
        double[][] replicates = new double[cells.size()][];
        double[] measured = new double[cells.size()];
        for (int c = 0; c < cells.size(); c++) {
            replicates[c] = medians(cells.get(c));
            measured[c] = cells.get(c).medianMs();
        }
        double[] values = new double[REPLICATES];
        double[] medians = new double[cells.size()];
        for (int r = 0; r < REPLICATES; r++) {
            for (int c = 0; c < cells.size(); c++) {
                medians[c] = replicates[c][r];
            }
            values[r] = quantity.applyAsDouble(medians);
        }
        return percentile(quantity.applyAsDouble(measured), values);
    }

    /** The percentile interval at {@link #LEVEL} of {@code replicates} around {@code estimate}. */
    static Interval percentile(double estimate, double[] replicates) {
        double[] sorted = replicates.clone();
        Arrays.sort(sorted);
        double tail = (1 - LEVEL) / 2;
        return new Interval(estimate, quantile(sorted, tail), quantile(sorted, 1 - tail));
    }

    /** The p-quantile of sorted values, interpolating linearly between order statistics. */
    private static double quantile(double[] sorted, double p) {
        double position = p * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(sorted.length - 1, below + 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
