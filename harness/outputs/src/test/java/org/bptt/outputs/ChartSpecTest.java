package org.bptt.outputs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.util.List;
import org.bptt.outputs.ChartSpec.Axis;
import org.bptt.outputs.ChartSpec.Layout;
import org.bptt.outputs.ChartSpec.Legend;
import org.bptt.outputs.ChartSpec.Line;
import org.bptt.outputs.ChartSpec.Marker;
import org.bptt.outputs.ChartSpec.Series;
import org.junit.jupiter.api.Test;

class ChartSpecTest {

    private static final Layout LAYOUT = new Layout(640, 400, 12f, Legend.RIGHT, 5);

    private static ChartSpec xy(String name, Axis y, Series... series) {
        return new ChartSpec(name, "title", Axis.linear("x"), y, List.of(), List.of(series), LAYOUT);
    }

    private static Series line(String name, List<Double> y) {
        return Series.line(name, List.of(1, 2, 3).subList(0, y.size()), y, Color.BLUE, Line.SOLID);
    }

    @Test
    void findsASeriesByName() {
        ChartSpec chart = xy("decay-tanh", Axis.linear("y"), line("a", List.of(1.0, 2.0)), line("b", List.of(3.0)));
        assertEquals(List.of(3.0), chart.seriesNamed("b").orElseThrow().y());
        assertTrue(chart.seriesNamed("c").isEmpty());
        assertFalse(chart.isBarChart());
    }

    @Test
    void refusesWhatCannotBeDrawnNamingTheChartAndSeries() {
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> xy("c", Axis.linear("y"), line("a", List.of(1.0)), line("a", List.of(2.0))));
        assertTrue(twice.getMessage().contains("chart c") && twice.getMessage().contains("'a'"), twice.getMessage());

        IllegalArgumentException counts = assertThrows(IllegalArgumentException.class, () -> xy("c", Axis.linear("y"),
                new Series("s", List.of(1.0, 2.0), List.of(1.0), Color.BLUE, Line.SOLID, Marker.NONE)));
        assertTrue(counts.getMessage().contains("2 x values but 1 y values"), counts.getMessage());

        assertThrows(IllegalArgumentException.class, () -> xy("c", Axis.linear("y"), line("empty", List.of())));

        IllegalArgumentException logarithmic = assertThrows(IllegalArgumentException.class,
                () -> xy("c", Axis.logarithmic("norm"), line("s", List.of(1.0, 0.0))));
        assertTrue(logarithmic.getMessage().contains("0.0 cannot be drawn on the logarithmic y axis"),
                logarithmic.getMessage());

        IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
                () -> xy("charts/c", Axis.linear("y"), line("s", List.of(1.0))));
        assertTrue(name.getMessage().contains("'charts/c'"), name.getMessage());
    }

    @Test
    void aBarChartHasOneValuePerCategoryAndNoLines() {
        ChartSpec bars = new ChartSpec("throughput", "GFLOP/s", Axis.linear("shape"), Axis.linear("GFLOP/s"),
                List.of("1x16x32x16", "16x64x128x64"), List.of(Series.bars("dl4j", List.of(1.5, 2.5), Color.RED)),
                LAYOUT);
        assertTrue(bars.isBarChart());

        IllegalArgumentException tooFew = assertThrows(IllegalArgumentException.class, () -> new ChartSpec("t", "t",
                Axis.linear("shape"), Axis.linear("y"), List.of("a", "b"), List.of(Series.bars("s", List.of(1.0), Color.RED)),
                LAYOUT));
        assertTrue(tooFew.getMessage().contains("one y value per category (2)"), tooFew.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ChartSpec("t", "t", Axis.linear("shape"), Axis.linear("y"),
                List.of("a"), List.of(line("s", List.of(1.0))), LAYOUT));
        assertThrows(IllegalArgumentException.class, () -> new ChartSpec("t", "t", Axis.logarithmic("shape"),
                Axis.linear("y"), List.of("a"), List.of(Series.bars("s", List.of(1.0), Color.RED)), LAYOUT));
    }

    @Test
    void anAxisRangeMustBeARange() {
        assertEquals(1.0, Axis.linear("rate").between(0, 1).max());
        assertThrows(IllegalArgumentException.class, () -> Axis.linear("rate").between(1, 1));
    }

    @Test
    void thePaletteGoesRoundAndRound() {
        assertEquals(ChartSpec.PALETTE.get(0), ChartSpec.paletteColour(ChartSpec.PALETTE.size()));
        assertEquals(ChartSpec.PALETTE.get(1), ChartSpec.paletteColour(1));
    }
}
