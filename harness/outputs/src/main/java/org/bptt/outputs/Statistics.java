package org.bptt.outputs;

import java.util.Arrays;
import java.util.Collection;

/**
 * Order statistics of a sample, for the tables and charts of every command (decay curves, training runs, bench
 * timings).
 *
 * <p><b>NaN rule.</b> Every statistic here is over the <em>finite</em> values only: NaN and ±∞ are left out (count
 * them with {@link #nonFinite}), and a sample without a finite value gives NaN. A diverged run or an overflowing
 * gradient norm thus never drags a median to infinity, nor makes it NaN while other values exist (the decay curves
 * record how many seeds were finite at each lag). Timings, the bench's samples, are always finite.
 */
public final class Statistics {

    private Statistics() {
    }

    /** The finite values, sorted. */
    public static double[] finiteSorted(double[] values) {
        return Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
    }

    public static double[] finiteSorted(Collection<Double> values) {
        return finiteSorted(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** The median of the finite values (the mean of the middle two for an even count), NaN when there are none. */
    public static double median(double[] values) {
        double[] sorted = finiteSorted(values);
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /** The smallest finite value, NaN when there are none. */
    public static double min(double[] values) {
        double[] sorted = finiteSorted(values);
        return sorted.length == 0 ? Double.NaN : sorted[0];
    }

    /** The largest finite value, NaN when there are none. */
    public static double max(double[] values) {
        double[] sorted = finiteSorted(values);
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
    }

    /** The number of NaN or infinite values. */
    public static int nonFinite(double[] values) {
        return (int) Arrays.stream(values).filter(value -> !Double.isFinite(value)).count();
    }
}
