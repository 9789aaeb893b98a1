package org.bptt.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The rank test on examples whose answers are known independently: counted by hand, and the textbook example in
 * the documentation of SciPy's {@code mannwhitneyu} (from Wikipedia's "Mann–Whitney U test"), with the p-values
 * SciPy 1.17.1 prints for it.
 */
class MannWhitneyTest extends BenchTestBase {

    /** The documentation's example: ages of 5 male and 4 female participants. */
    private static final double[] MALES = {19, 22, 16, 29, 24};
    private static final double[] FEMALES = {20, 11, 17, 12};

    @Test
    void completelySeparatedSamplesOfThree() {
        // U = 9: every y above every x. Only 1 of the C(6, 3) = 20 equally likely rankings does that.
        MannWhitney greater = MannWhitney.greater(new double[] {4, 5, 6}, new double[] {1, 2, 3});
        assertEquals(9.0, greater.u());
        assertEquals(1.0 / 20, greater.pValue(), 1e-15);
        assertTrue(greater.exact());
        assertEquals(2.0 / 20, MannWhitney.twoSided(new double[] {4, 5, 6}, new double[] {1, 2, 3}).pValue(), 1e-15);
        // The other way round nothing is unusual: P(U ≥ 0) = 1.
        assertEquals(1.0, MannWhitney.greater(new double[] {1, 2, 3}, new double[] {4, 5, 6}).pValue(), 1e-15);
    }

    @Test
    void theDocumentedExampleExact() {
        // U1 = 17 of 20 pairs. P(U ≥ 17) = P(U ≤ 3) = (1 + 1 + 2 + 3) / C(9, 5) = 7/126 (the partitions of 0 … 3 into
        // at most 5 parts of at most 4); two-sided twice that: 1/9 (SciPy: 0.1111111111111111).
        MannWhitney test = MannWhitney.twoSided(MALES, FEMALES);
        assertEquals(17.0, test.u());
        assertEquals(1.0 / 9, test.pValue(), 1e-15);
        assertEquals(7.0 / 126, MannWhitney.greater(MALES, FEMALES).pValue(), 1e-15);
    }

    @Test
    void theDocumentedExampleByTheNormalApproximation() {
        // SciPy: mannwhitneyu(males, females, method="asymptotic").pvalue = 0.11134688653314041.
        MannWhitney test = MannWhitney.normalApproximation(MALES, FEMALES, true);
        assertEquals(17.0, test.u());
        assertEquals(0.11134688653314041, test.pValue(), 1e-12);
        assertFalse(test.exact());
    }

    @Test
    void tiesUseTheTieCorrectedNormalApproximation() {
        double[] a = {1, 2, 2, 3, 4, 5, 5, 6};
        double[] b = {3, 4, 4, 5, 6, 7, 8, 8};
        // SciPy: mannwhitneyu(a, b, alternative="less") gives U = 14, p = 0.031847988448895415; "a tends to be
        // smaller than b" is "b tends to be larger than a", whose U is 64 − 14 = 50.
        MannWhitney test = MannWhitney.greater(b, a);
        assertEquals(50.0, test.u());
        assertFalse(test.exact());
        assertEquals(0.031847988448895415, test.pValue(), 1e-12);
        // SciPy two-sided: 0.06369597689779083.
        assertEquals(0.06369597689779083, MannWhitney.twoSided(a, b).pValue(), 1e-12);
    }

    @Test
    void theExactDistributionIsAProbabilityDistributionSymmetricAboutHalfOfMN() {
        double[] distribution = MannWhitney.exactDistribution(7, 4);
        assertEquals(29, distribution.length);
        double sum = 0;
        for (int k = 0; k < distribution.length; k++) {
            sum += distribution[k];
            assertEquals(distribution[k], distribution[28 - k], 1e-15);
        }
        assertEquals(1.0, sum, 1e-12);
        // P(U = 0) = 1 / C(11, 4) = 1/330.
        assertEquals(1.0 / 330, distribution[0], 1e-15);
    }

    @Test
    void exactAndNormalAgreeForLargerSamples() {
        double[] x = noisy(105, 0.1, 25);
        double[] y = noisy(100, 0.1, 25);
        double exact = MannWhitney.greater(x, y).pValue();
        double normal = MannWhitney.normalApproximation(x, y, false).pValue();
        assertTrue(MannWhitney.greater(x, y).exact());
        assertEquals(exact, normal, 0.01, "exact " + exact + " vs normal " + normal);
    }

    @Test
    void normalTailAtKnownQuantiles() {
        // Standard normal table values.
        assertEquals(0.5, NormalDistribution.upperTail(0), 1e-16);
        assertEquals(0.025, NormalDistribution.upperTail(1.959963984540054), 1e-15);
        assertEquals(0.8413447460685429, NormalDistribution.upperTail(-1), 1e-15);
        assertEquals(2.866515718791939e-7, NormalDistribution.upperTail(5), 1e-20);
        assertEquals(1.0, NormalDistribution.erfc(0), 1e-16);
    }
}
