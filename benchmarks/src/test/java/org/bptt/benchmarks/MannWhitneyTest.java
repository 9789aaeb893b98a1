package org.bptt.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.statistics.distribution.NormalDistribution;
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
    void completelySeparatedSamplesOfSevenAndFourHaveTheSmallestExactP() {
        // Every x above every y: U = 28, and 1 of the C(11, 4) = 330 equally likely rankings does that.
        double[] x = {5, 6, 7, 8, 9, 10, 11};
        double[] y = {1, 2, 3, 4};
        MannWhitney test = MannWhitney.greater(x, y);
        assertEquals(28.0, test.u());
        assertTrue(test.exact());
        assertEquals(1.0 / 330, test.pValue(), 1e-15);
        // U = 0 + 0 + 1 + 2 + 3 + 4 + 4 = 14 = m·n/2: by symmetry P(U ≥ 14) = P(U ≤ 14), and the two add up to
        // 1 + P(U = 14), so the one-sided p is above one half.
        double[] middle = {0.5, 1, 3, 5, 7, 9, 10};
        double[] others = {2, 4, 6, 8};
        MannWhitney central = MannWhitney.greater(middle, others);
        assertEquals(14.0, central.u());
        assertTrue(central.pValue() > 0.5, "p = " + central.pValue());
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
    void theNormalDistributionBehindTheApproximationHasTheTableValues() {
        // Standard normal table values, from the library the asymptotic p-values come from.
        NormalDistribution normal = NormalDistribution.of(0, 1);
        assertEquals(0.5, normal.survivalProbability(0), 1e-16);
        assertEquals(0.025, normal.survivalProbability(1.959963984540054), 1e-15);
        assertEquals(0.8413447460685429, normal.survivalProbability(-1), 1e-15);
        assertEquals(2.866515718791939e-7, normal.survivalProbability(5), 1e-20);
    }
}
