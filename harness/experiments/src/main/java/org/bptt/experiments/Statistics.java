package org.bptt.experiments;

import java.util.Arrays;
import java.util.Collection;

/** Order statistics over the finite values of a sample (NaN and infinities are left out and counted separately). */
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
