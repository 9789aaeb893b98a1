package org.bptt.benchmarks;

/**
 * The mean and the one fit the benchmark tables need (medians, as every command takes them:
 * {@link org.bptt.outputs.Statistics}).
 */
public final class Stats {

    private Stats() {
    }

    /** The arithmetic mean; NaN for no values. */
    public static double mean(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (double value : values) {
            sum += value;
        }
        return sum / values.length;
    }

    /**
     * Half the width of the 99.9% confidence interval of the mean, Student's t over the samples (JMH's score error,
     * computed the same way for the own-call timings); NaN with fewer than three samples.
     */
    public static double meanError(double[] values) {
        int n = values.length;
        if (n < 3) {
            return Double.NaN;
        }
        double mean = mean(values);
        double squares = 0;
        for (double value : values) {
            squares += (value - mean) * (value - mean);
        }
        double standardError = Math.sqrt(squares / (n - 1) / n);
        return org.apache.commons.statistics.distribution.TDistribution.of(n - 1).inverseSurvivalProbability(0.0005)
                * standardError;
    }

    /**
     * A straight line fitted by least squares to (log x, log y): on log-log axes, time ∝ T^slope. A slope of 1 is
     * linear in T, 2 quadratic.
     *
     * @param slope         the exponent
     * @param intercept     log y at log x = 0 (natural logarithms)
     * @param standardError the slope's standard error (NaN with fewer than three points)
     * @param points        how many points were fitted
     */
    public record PowerLawFit(double slope, double intercept, double standardError, int points) {

        /** The fitted y at x. */
        public double at(double x) {
            return Math.exp(intercept + slope * Math.log(x));
        }
    }

    /**
     * Fits y = e^intercept · x^slope to positive points by least squares in log-log space.
     *
     * @throws IllegalArgumentException with fewer than two points, or a non-positive value
     */
    public static PowerLawFit powerLaw(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("a fit needs as many x as y values, got " + x.length + " and " + y.length);
        }
        if (x.length < 2) {
            throw new IllegalArgumentException("a slope needs at least two points, got " + x.length);
        }
        int n = x.length;
        double[] logX = new double[n];
        double[] logY = new double[n];
        for (int i = 0; i < n; i++) {
            if (!(x[i] > 0) || !(y[i] > 0)) {
                throw new IllegalArgumentException("log-log fit of a non-positive point (" + x[i] + ", " + y[i] + ")");
            }
            logX[i] = Math.log(x[i]);
            logY[i] = Math.log(y[i]);
        }
        double meanX = mean(logX);
        double meanY = mean(logY);
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < n; i++) {
            sxx += (logX[i] - meanX) * (logX[i] - meanX);
            sxy += (logX[i] - meanX) * (logY[i] - meanY);
        }
        if (sxx == 0) {
            throw new IllegalArgumentException("a slope needs at least two different x values");
        }
        double slope = sxy / sxx;
        double intercept = meanY - slope * meanX;
        double standardError = Double.NaN;
        if (n >= 3) {
            double residuals = 0;
            for (int i = 0; i < n; i++) {
                double residual = logY[i] - (intercept + slope * logX[i]);
                residuals += residual * residual;
            }
            standardError = Math.sqrt(residuals / (n - 2) / sxx);
        }
        return new PowerLawFit(slope, intercept, standardError, n);
    }
}
