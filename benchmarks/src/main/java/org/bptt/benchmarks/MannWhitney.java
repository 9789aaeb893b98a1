package org.bptt.benchmarks;

import java.util.Arrays;
import org.apache.commons.statistics.inference.AlternativeHypothesis;
import org.apache.commons.statistics.inference.ContinuityCorrection;
import org.apache.commons.statistics.inference.MannWhitneyUTest;
import org.apache.commons.statistics.inference.PValueMethod;

/**
 * The Mann–Whitney U test (Wilcoxon rank-sum test), by Apache Commons Statistics' {@link MannWhitneyUTest}: do the
 * values of one sample tend to be larger than those of another? It uses only the order of the values, so one outlier
 * from a noisy neighbour cannot decide it, and it assumes no distribution.
 *
 * <p>U of sample x is the number of pairs (x_i, y_j) with x_i &gt; y_j, ties counting one half. The p-value is
 * exact (the distribution of U over all C(m+n, m) rankings) when there are no ties and m + n ≤
 * {@value #EXACT_LIMIT}; otherwise it is the normal approximation with the tie-corrected variance and a continuity
 * correction of ½. (These are the conventions of SciPy's {@code mannwhitneyu}, whose documented example the tests
 * reproduce.)
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
        return test(x, y, AlternativeHypothesis.GREATER_THAN, exactAllowed(x, y));
    }

    /** Two-sided: the alternative that the values of x and y differ in location, either way. */
    public static MannWhitney twoSided(double[] x, double[] y) {
        return test(x, y, AlternativeHypothesis.TWO_SIDED, exactAllowed(x, y));
    }

    /** The normal approximation (tie-corrected, continuity-corrected), whatever the sample sizes. */
    static MannWhitney normalApproximation(double[] x, double[] y, boolean twoSided) {
        return test(x, y, twoSided ? AlternativeHypothesis.TWO_SIDED : AlternativeHypothesis.GREATER_THAN, false);
    }

    private static MannWhitney test(double[] x, double[] y, AlternativeHypothesis alternative, boolean exact) {
        if (x.length == 0 || y.length == 0) {
            throw new IllegalArgumentException("the Mann-Whitney test needs two non-empty samples, got " + x.length
                    + " and " + y.length);
        }
        MannWhitneyUTest.Result result = MannWhitneyUTest.withDefaults()
                .with(alternative)
                .with(exact ? PValueMethod.EXACT : PValueMethod.ASYMPTOTIC)
                .with(ContinuityCorrection.ENABLED)
                .test(x, y);
        return new MannWhitney(result.getStatistic(), result.getPValue(), exact);
    }

    /** The exact distribution is used without ties and up to {@value #EXACT_LIMIT} values in all. */
    private static boolean exactAllowed(double[] x, double[] y) {
        if (x.length + y.length > EXACT_LIMIT) {
            return false;
        }
        double[] pooled = new double[x.length + y.length];
        System.arraycopy(x, 0, pooled, 0, x.length);
        System.arraycopy(y, 0, pooled, x.length, y.length);
        Arrays.sort(pooled);
        for (int i = 1; i < pooled.length; i++) {
            if (pooled[i] == pooled[i - 1]) {
                return false;
            }
        }
        return true;
    }
}
