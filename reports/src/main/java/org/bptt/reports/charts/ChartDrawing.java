package org.bptt.reports.charts;

import java.awt.BasicStroke;
import java.util.Optional;
import java.util.function.Function;
import org.bptt.outputs.ChartSpec;
import org.bptt.outputs.ChartSpec.Axis;
import org.bptt.outputs.ChartSpec.Series;
import org.bptt.outputs.Table;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.AxesChart;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws a {@link ChartSpec} with XChart: the one place where the charts the experiments and the bench specify become
 * pictures. (The verify charts are built from case results in this module, as XChart charts from the start.)
 */
public final class ChartDrawing {

    static {
        Headless.ensure();
    }

    /** {@link ChartSpec.Line#DOTTED}: thin short dashes, so that a guide never reads as data. */
    private static final BasicStroke DOTTED = new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
            new float[] {3f, 4f}, 0f);

    /**
     * {@link ChartSpec.Line#DASHED}: long dashes with clear gaps. XChart's own dash is 3 on, 3 off, which at one pixel
     * reads as dotted, so a legend saying "dashed" would not match the line.
     */
    private static final BasicStroke DASHED = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
            new float[] {9f, 5f}, 0f);

    private ChartDrawing() {
    }

    /** The chart {@code spec} describes: an {@link XYChart}, or a {@link CategoryChart} for a bar chart. */
    public static Chart<?, ?> draw(ChartSpec spec) {
        return spec.isBarChart() ? barChart(spec) : xyChart(spec);
    }

    private static XYChart xyChart(ChartSpec spec) {
        XYChart chart = new XYChartBuilder().width(spec.layout().width()).height(spec.layout().height())
                .title(spec.title()).xAxisTitle(spec.xAxis().title()).yAxisTitle(spec.yAxis().title()).build();
        layOut(chart, spec);
        for (Series series : spec.series()) {
            XYSeries drawn = chart.addSeries(series.name(), series.x(), series.y());
            drawn.setLineColor(series.colour());
            drawn.setMarkerColor(series.colour());
            drawn.setLineStyle(stroke(series.line()));
            drawn.setMarker(marker(series.marker()));
        }
        return chart;
    }

    private static CategoryChart barChart(ChartSpec spec) {
        CategoryChart chart = new CategoryChartBuilder().width(spec.layout().width()).height(spec.layout().height())
                .title(spec.title()).xAxisTitle(spec.xAxis().title()).yAxisTitle(spec.yAxis().title()).build();
        layOut(chart, spec);
        for (Series series : spec.series()) {
            CategorySeries drawn = chart.addSeries(series.name(), spec.categories(), series.y());
            drawn.setFillColor(series.colour());
        }
        return chart;
    }

    /** Title size, legend, marker size, and both axes' scale, range and tick labels. */
    private static void layOut(AxesChart<? extends AxesChartStyler, ?> chart, ChartSpec spec) {
        AxesChartStyler styler = chart.getStyler();
        styler.setChartTitleFont(styler.getChartTitleFont().deriveFont(spec.layout().titleSize()));
        styler.setMarkerSize(spec.layout().markerSize());
        switch (spec.layout().legend()) {
            case RIGHT -> styler.setLegendPosition(Styler.LegendPosition.OutsideE);
            case BELOW_IN_ROWS -> {
                styler.setLegendPosition(Styler.LegendPosition.OutsideS);
                styler.setLegendLayout(Styler.LegendLayout.Horizontal);
            }
            case BELOW_IN_A_COLUMN -> {
                styler.setLegendPosition(Styler.LegendPosition.OutsideS);
                styler.setLegendLayout(Styler.LegendLayout.Vertical);
            }
        }
        Axis x = spec.xAxis();
        styler.setXAxisLogarithmic(x.scale() == ChartSpec.Scale.LOGARITHMIC);
        styler.setXAxisMin(x.min());
        styler.setXAxisMax(x.max());
        tickLabels(x).ifPresent(chart::setCustomXAxisTickLabelsFormatter);
        Axis y = spec.yAxis();
        styler.setYAxisLogarithmic(y.scale() == ChartSpec.Scale.LOGARITHMIC);
        styler.setYAxisMin(y.min());
        styler.setYAxisMax(y.max());
        tickLabels(y).ifPresent(chart::setCustomYAxisTickLabelsFormatter);
    }

    /** The labelling of {@link ChartSpec.TickLabels}, or empty for XChart's own number format. */
    static Optional<Function<Double, String>> tickLabels(Axis axis) {
        return switch (axis.tickLabels()) {
            case VALUES -> Optional.empty();
            case POWERS_OF_TWO -> Optional.of(ChartDrawing::powerOfTwo);
            case POWERS_OF_TEN -> Optional.of(exponent -> Table.significant(Math.pow(10, exponent)));
        };
    }

    /** 2^e at a whole e (as a whole number), nothing in between. */
    static String powerOfTwo(double exponent) {
        long rounded = Math.round(exponent);
        return Math.abs(exponent - rounded) < 1e-9 && rounded >= 0 && rounded < 62 ? Long.toString(1L << rounded) : "";
    }

    private static BasicStroke stroke(ChartSpec.Line line) {
        return switch (line) {
            case SOLID -> SeriesLines.SOLID;
            case DASHED -> DASHED;
            case DOTTED -> DOTTED;
            case NONE -> SeriesLines.NONE;
        };
    }

    private static Marker marker(ChartSpec.Marker marker) {
        return switch (marker) {
            case NONE -> SeriesMarkers.NONE;
            case CIRCLE -> SeriesMarkers.CIRCLE;
            case DIAMOND -> SeriesMarkers.DIAMOND;
            case SQUARE -> SeriesMarkers.SQUARE;
            case TRIANGLE_UP -> SeriesMarkers.TRIANGLE_UP;
        };
    }
}
