package org.bptt.reports.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogAxisValuesTest {

    @Test
    void keepsPositiveFiniteValuesAndSpansThemByADecadeEachSide() {
        LogAxisValues values = LogAxisValues.of(List.of(0.02, 3.0, 450.0), 1.0);
        assertEquals(List.of(0.02, 3.0, 450.0), values.drawn());
        assertEquals(1e-3, values.floor(), 1e-18);
        assertEquals(1e3, values.ceiling(), 1e-9);
        assertEquals("", values.note());
    }

    @Test
    void movesZerosToTheFloorAndNonFiniteValuesToTheCeilingAndSaysSo() {
        LogAxisValues values = LogAxisValues.of(Arrays.asList(0.0, 5e-7, Double.NaN, 20.0, Double.POSITIVE_INFINITY), 1.0);
        assertEquals(1e-8, values.floor(), 1e-22);
        assertEquals(1e2, values.ceiling(), 1e-12);
        assertEquals(List.of(values.floor(), 5e-7, values.ceiling(), 20.0, values.ceiling()), values.drawn());
        assertEquals("0 drawn at 1e-8; NaN or ∞ drawn at 1e2", values.note());
    }

    @Test
    void alwaysIncludesTheValueThatMustBeShown() {
        LogAxisValues values = LogAxisValues.of(List.of(1e-12, 1e-11), 1.0);
        assertEquals(1e1, values.ceiling(), 1e-12);
        assertEquals(1e-13, values.floor(), 1e-27);
    }
}
