package org.bptt.experiments.decay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DecayRateTest {

    @Test
    void aGeometricCurveHasItsRatioAsRate() {
        double[] values = new double[50];
        for (int lag = 0; lag < values.length; lag++) {
            values[lag] = 3 * Math.pow(0.9, lag);
        }
        assertEquals(0.9, DecayRate.fit(values), 1e-12);
        for (int lag = 0; lag < values.length; lag++) {
            values[lag] = Math.pow(1.5, lag);
        }
        assertEquals(1.5, DecayRate.fit(values), 1e-12);
    }

    @Test
    void aZeroOrAnUnderflowEndsTheFittedRange() {
        assertEquals(0.5, DecayRate.fit(new double[] {1, 0.5, 0, 0.125}), 1e-15);
        assertEquals(2, DecayRate.fittableLags(new double[] {1, 0.5, 1e-300, 0.125}));
        assertEquals(2, DecayRate.fittableLags(new double[] {1, 0.5, Double.NaN, 0.125}));
        assertTrue(Double.isNaN(DecayRate.fit(new double[] {1, 0})), "one point has no slope");
    }
}
