package org.bptt.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StatsTest extends BenchTestBase {

    private static final double[] STEPS = {8, 16, 32, 64, 128, 256, 512};

    @Test
    void anExactPowerLawGivesItsExponentAndFactor() {
        double[] y = new double[STEPS.length];
        for (int i = 0; i < STEPS.length; i++) {
            y[i] = 3 * STEPS[i] * STEPS[i];
        }
        Stats.PowerLawFit fit = Stats.powerLaw(STEPS, y);
        assertEquals(2.0, fit.slope(), 1e-12);
        assertEquals(Math.log(3), fit.intercept(), 1e-12);
        assertEquals(0.0, fit.standardError(), 1e-12);
        assertEquals(3 * 100.0 * 100.0, fit.at(100), 1e-6);
    }

    @Test
    void noisyLinearAndQuadraticTimesGiveSlopesNearOneAndTwo() {
        // ±5% noise on each point: the slope's error is about 0.05 / (ln 2 · √28) ≈ 0.014; 0.05 is over three of it.
        double[] linear = new double[STEPS.length];
        double[] quadratic = new double[STEPS.length];
        double[] noise = noisy(1, 0.05, 2 * STEPS.length);
        for (int i = 0; i < STEPS.length; i++) {
            linear[i] = 0.02 * STEPS[i] * noise[i];
            quadratic[i] = 0.001 * STEPS[i] * STEPS[i] * noise[STEPS.length + i];
        }
        assertEquals(1.0, Stats.powerLaw(STEPS, linear).slope(), 0.05);
        assertEquals(2.0, Stats.powerLaw(STEPS, quadratic).slope(), 0.05);
    }

    @Test
    void aConstantCostFlattensTheSlopeAtShortLengths() {
        // t = 1 + T: the fit over 8 … 512 sees the constant at short T, so the slope is below 1; from T = 32 on closer.
        double[] y = new double[STEPS.length];
        for (int i = 0; i < STEPS.length; i++) {
            y[i] = 1 + STEPS[i];
        }
        double all = Stats.powerLaw(STEPS, y).slope();
        double longOnly = Stats.powerLaw(java.util.Arrays.copyOfRange(STEPS, 2, 7), java.util.Arrays.copyOfRange(y, 2, 7)).slope();
        assertTrue(all < longOnly && longOnly < 1.0, all + " < " + longOnly + " < 1");
    }

    @Test
    void twoPointsHaveNoStandardErrorAndFewerOrBadPointsNoFit() {
        assertTrue(Double.isNaN(Stats.powerLaw(new double[] {1, 2}, new double[] {1, 4}).standardError()));
        assertThrows(IllegalArgumentException.class, () -> Stats.powerLaw(new double[] {1}, new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> Stats.powerLaw(new double[] {1, 2}, new double[] {1, 0}));
        assertThrows(IllegalArgumentException.class, () -> Stats.powerLaw(new double[] {2, 2}, new double[] {1, 3}));
    }
}
