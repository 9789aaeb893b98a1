package org.bptt.outputs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StatisticsTest {

    private static final double NAN = Double.NaN;
    private static final double INF = Double.POSITIVE_INFINITY;

    @Test
    void medianOfOddAndEvenCounts() {
        assertEquals(3.0, Statistics.median(new double[] {5, 1, 3}));
        assertEquals(2.5, Statistics.median(new double[] {4, 1, 3, 2}));
        assertTrue(Double.isNaN(Statistics.median(new double[0])));
    }

    @Test
    void nonFiniteValuesAreLeftOutAndCounted() {
        double[] sample = {3, NAN, -INF, 1, INF};
        // The finite values are 1 and 3: their median is 2, whatever the three others are.
        assertEquals(2.0, Statistics.median(sample));
        assertEquals(1.0, Statistics.min(sample));
        assertEquals(3.0, Statistics.max(sample));
        assertEquals(3, Statistics.nonFinite(sample));
    }

    @Test
    void aSampleWithoutAFiniteValueHasNoStatistics() {
        double[] sample = {NAN, INF, -INF};
        assertTrue(Double.isNaN(Statistics.median(sample)));
        assertTrue(Double.isNaN(Statistics.min(sample)));
        assertTrue(Double.isNaN(Statistics.max(sample)));
    }

    @Test
    void theSampleIsNotReordered() {
        double[] sample = {5, 1, 3};
        Statistics.median(sample);
        assertEquals(5.0, sample[0]);
        assertEquals(1.0, sample[1]);
    }
}
