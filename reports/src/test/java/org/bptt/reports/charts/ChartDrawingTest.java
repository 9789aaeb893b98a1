package org.bptt.reports.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.util.List;
import org.bptt.outputs.ChartSpec;
import org.bptt.outputs.ChartSpec.Axis;
import org.bptt.outputs.ChartSpec.Layout;
import org.bptt.outputs.ChartSpec.Legend;
import org.bptt.outputs.ChartSpec.Line;
import org.bptt.outputs.ChartSpec.Marker;
import org.bptt.outputs.ChartSpec.Series;
import org.bptt.outputs.ChartSpec.TickLabels;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** What a chart specification becomes in XChart. */
class ChartDrawingTest {

    private static final Color FAINT_RED = new Color(255, 0, 0, 110);

    @Test
    void anXyChartKeepsItsSeriesStylesAxesAndLayout() {
        ChartSpec spec = new ChartSpec("train-success-adding", "success rate vs T", Axis.linear("T"),
                Axis.linear("success rate").between(0, 1), List.of(), List.of(
                        Series.markedLine("median", List.of(5, 10), List.of(0.9, 0.1), Color.BLUE, Marker.CIRCLE),
                        Series.points("runs", List.of(5, 5, 10), List.of(0.8, 1.0, 0.1), FAINT_RED, Marker.DIAMOND),
                        Series.line("chance", List.of(5, 10), List.of(0.5, 0.5), Color.GRAY, Line.DASHED)),
                new Layout(1000, 560, 12f, Legend.RIGHT, 6));

        XYChart chart = assertInstanceOf(XYChart.class, ChartDrawing.draw(spec));

        assertEquals("success rate vs T", chart.getTitle());
        assertEquals("T", chart.getXAxisTitle());
        assertEquals(1000, chart.getWidth());
        assertEquals(560, chart.getHeight());
        assertEquals(0.0, chart.getStyler().getYAxisMin());
        assertEquals(1.0, chart.getStyler().getYAxisMax());
        assertEquals(12f, chart.getStyler().getChartTitleFont().getSize2D());
        assertEquals(6, chart.getStyler().getMarkerSize());
        assertEquals(Styler.LegendPosition.OutsideE, chart.getStyler().getLegendPosition());
        assertEquals(List.of("median", "runs", "chance"), chart.getSeriesCollection().stream().map(XYSeries::getName).toList());
        XYSeries median = chart.getSeries("median");
        assertEquals(SeriesLines.SOLID, median.getLineStyle());
        assertEquals(SeriesMarkers.CIRCLE, median.getMarker());
        assertEquals(Color.BLUE, median.getLineColor());
        XYSeries runs = chart.getSeries("runs");
        assertEquals(SeriesLines.NONE, runs.getLineStyle());
        assertEquals(SeriesMarkers.DIAMOND, runs.getMarker());
        assertEquals(FAINT_RED, runs.getMarkerColor());
        // Dashed is drawn as long dashes: XChart's DASH_DASH (3 on, 3 off) reads as dotted next to a legend saying dashed.
        float[] dashes = chart.getSeries("chance").getLineStyle().getDashArray();
        assertTrue(dashes != null && dashes.length == 2 && dashes[0] >= 2.5f * SeriesLines.DASH_DASH.getDashArray()[0]
                && dashes[0] > dashes[1], java.util.Arrays.toString(dashes));
        assertEquals(SeriesMarkers.NONE, chart.getSeries("chance").getMarker());
        assertEquals(List.of(5.0, 5.0, 10.0), java.util.Arrays.stream(runs.getXData()).boxed().toList());
    }

    @Test
    void logarithmicAxesAndExponentLabels() {
        ChartSpec spec = new ChartSpec("bench-time", "time", Axis.linear("T").labelled(TickLabels.POWERS_OF_TWO),
                Axis.logarithmic("ms"), List.of(), List.of(Series.line("x", List.of(3, 4), List.of(0.5, 2.0), Color.BLUE,
                        Line.DOTTED)), new Layout(900, 560, 13f, Legend.BELOW_IN_A_COLUMN, 8));

        XYChart chart = (XYChart) ChartDrawing.draw(spec);

        assertTrue(chart.getStyler().isYAxisLogarithmic());
        assertEquals(Styler.LegendPosition.OutsideS, chart.getStyler().getLegendPosition());
        assertEquals(Styler.LegendLayout.Vertical, chart.getStyler().getLegendLayout());
        // log₂ T = 3 is T = 8; between whole exponents there is no T to name.
        assertEquals("8", ChartDrawing.tickLabels(spec.xAxis()).orElseThrow().apply(3.0));
        assertEquals("", ChartDrawing.tickLabels(spec.xAxis()).orElseThrow().apply(3.5));
        // log₁₀ of a time: 10^-1.5 ms = 0.031623 ms, to four significant digits.
        assertEquals("0.03162", ChartDrawing.tickLabels(Axis.linear("ms").labelled(TickLabels.POWERS_OF_TEN))
                .orElseThrow().apply(-1.5));
        assertTrue(ChartDrawing.tickLabels(Axis.linear("lag")).isEmpty(), "plain values keep XChart's own format");
    }

    @Test
    void aBarChartHasOneBarPerCategoryAndSeries() {
        ChartSpec spec = new ChartSpec("bench-throughput", "GFLOP/s", Axis.linear("shape"), Axis.linear("GFLOP/s"),
                List.of("1x16x32x16", "16x64x128x64"), List.of(Series.bars("dl4j", List.of(0.5, 3.0), Color.GREEN)),
                new Layout(900, 560, 13f, Legend.BELOW_IN_ROWS, 8));

        CategoryChart chart = assertInstanceOf(CategoryChart.class, ChartDrawing.draw(spec));

        assertEquals(List.of("1x16x32x16", "16x64x128x64"), List.copyOf(chart.getSeries("dl4j").getXData()));
        assertEquals(Color.GREEN, chart.getSeries("dl4j").getFillColor());
        assertEquals(Styler.LegendLayout.Horizontal, chart.getStyler().getLegendLayout());
    }
}
