package org.bptt.benchmarks;

/**
 * The Mann–Whitney U test (Wilcoxon rank-sum test): do the values of one sample tend to be larger than those of
 * another? It uses only the order of the values, so one outlier from a noisy neighbour cannot decide it, and it
 * assumes no distribution.
 *
 * <p>U of sample x is the number of pairs (x_i, y_j) with x_i &gt; y_j, ties counting one half. Under the null
 * hypothesis (both samples from one distribution) U has mean m·n/2. The p-value is exact (the distribution of U
 * counted over all C(m+n, m) rankings) when there are no ties and m + n ≤ {@value #EXACT_LIMIT}; otherwise it is the
 * normal approximation with the tie-corrected variance
 * <pre>
 *   σ² = m·n/12 · ((N + 1) − Σ_ties (t³ − t) / (N (N − 1))),   N = m + n
 * </pre>
 * and a continuity correction of ½. (These are the conventions of SciPy's {@code mannwhitneyu}, whose documented
 * example the tests reproduce.)
 *
 * @param u      U of the first sample
 * @param pValue the p-value of the alternative tested
 * @param exact  true for the exact distribution, false for the normal approximation
 */
public record MannWhitney(double u, double pValue, boolean exact) {

    /** Exact p-values up to this total sample size (without ties). */
    public static final int EXACT_LIMIT = 60;

    /** One-sided: the alternative that the values of x tend to be larger than those of y. */
    public static MannWhitney greater(double[] x, double[] y) {
        return test(x, y, Alternative.GREATER);
    }

    /** Two-sided: the alternative that the values of x and y differ in location, either way. */
    public static MannWhitney twoSided(double[] x, double[] y) {
        return test(x, y, Alternative.TWO_SIDED);
    }

    private enum Alternative { GREATER, TWO_SIDED }

    private static MannWhitney test(double[] x, double[] y, Alternative alternative) {
        int m = x.length;
        int n = y.length;
        if (m == 0 || n == 0) {
            throw new IllegalArgumentException("the Mann-Whitney test needs two non-empty samples, got " + m + " and " + n);
        }
        double u = uStatistic(x, y);
        double tieTerm = tieTerm(x, y);
        if (tieTerm == 0 && m + n <= EXACT_LIMIT) {
            double[] distribution = exactDistribution(m, n);
            int observed = (int) u;
            double atLeast = 0;
            for (int k = observed; k < distribution.length; k++) {
                atLeast += distribution[k];
            }
            if (alternative == Alternative.GREATER) {
                return new MannWhitney(u, atLeast, true);
            }
            double atMost = 0;
            for (int k = 0; k <= observed; k++) {
                atMost += distribution[k];
            }
            return new MannWhitney(u, Math.min(1.0, 2 * Math.min(atLeast, atMost)), true);
        }
        return normalApproximation(x, y, u, tieTerm, alternative == Alternative.TWO_SIDED);
    }

    /** The normal approximation (tie-corrected, continuity-corrected), whatever the sample sizes. */
    static MannWhitney normalApproximation(double[] x, double[] y, boolean twoSided) {
        return normalApproximation(x, y, uStatistic(x, y), tieTerm(x, y), twoSided);
    }

    /** U of x: the pairs (x_i, y_j) with x_i &gt; y_j, ties counting one half. */
    static double uStatistic(double[] x, double[] y) {
        double u = 0;
        for (double xi : x) {
            for (double yj : y) {
                u += xi > yj ? 1 : xi == yj ? 0.5 : 0;
            }
        }
        return u;
    }

    private static MannWhitney normalApproximation(double[] x, double[] y, double u, double tieTerm, boolean twoSided) {
        int m = x.length;
        int n = y.length;
        int total = m + n;
        double mean = m * (double) n / 2;
        double variance = m * (double) n / 12 * ((total + 1) - tieTerm / ((double) total * (total - 1)));
        if (variance <= 0) {
            // Every value equal: no evidence either way.
            return new MannWhitney(u, 1.0, false);
        }
        double sd = Math.sqrt(variance);
        if (!twoSided) {
            double z = (u - mean - 0.5) / sd;
            return new MannWhitney(u, NormalDistribution.upperTail(z), false);
        }
        double z = (Math.abs(u - mean) - 0.5) / sd;
        return new MannWhitney(u, Math.min(1.0, 2 * NormalDistribution.upperTail(z)), false);
    }

    /** Σ (t³ − t) over the groups of tied values in the pooled sample (0 without ties). */
    private static double tieTerm(double[] x, double[] y) {
        double[] pooled = new double[x.length + y.length];
        System.arraycopy(x, 0, pooled, 0, x.length);
        System.arraycopy(y, 0, pooled, x.length, y.length);
        java.util.Arrays.sort(pooled);
        double sum = 0;
        int start = 0;
        while (start < pooled.length) {
            int end = start + 1;
            while (end < pooled.length && pooled[end] == pooled[start]) {
                end++;
            }
            double t = end - start;
            sum += t * t * t - t;
            start = end;
        }
        return sum;
    }

    /**
     * P(U = k) for k = 0 … m·n under the null hypothesis, from the counts c(i, j, k) of rankings of i + j values
     * with U = k: c(i, j, k) = c(i − 1, j, k − j) + c(i, j − 1, k) (the largest value belongs to x, adding j to U,
     * or to y), c(0, j, 0) = c(i, 0, 0) = 1. Both terms are positive, so doubles count without cancellation.
     */
    static double[] exactDistribution(int m, int n) {
        // counts[j] holds c(i, j, ·) for the current i; it starts as c(0, j, ·) = [1].
        double[][] counts = new double[n + 1][];
        for (int j = 0; j <= n; j++) {
            counts[j] = new double[] {1};
        }
        for (int i = 1; i <= m; i++) {
            double[][] next = new double[n + 1][];
            next[0] = new double[] {1};
            for (int j = 1; j <= n; j++) {
                double[] row = new double[i * j + 1];
                double[] withoutLargestInY = next[j - 1];      // c(i, j − 1, k)
                double[] withLargestInX = counts[j];           // c(i − 1, j, k − j)
                for (int k = 0; k < withoutLargestInY.length; k++) {
                    row[k] += withoutLargestInY[k];
                }
                for (int k = 0; k < withLargestInX.length; k++) {
                    row[k + j] += withLargestInX[k];
                }
                next[j] = row;
            }
            counts = next;
        }
        double[] distribution = counts[n];
        double total = 0;
        for (double count : distribution) {
            total += count;
        }
        for (int k = 0; k < distribution.length; k++) {
            distribution[k] /= total;
        }
        return distribution;
    }
}
