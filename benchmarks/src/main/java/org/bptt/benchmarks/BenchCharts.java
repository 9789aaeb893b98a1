package org.bptt.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bptt.reports.RunFolder;
import org.bptt.reports.charts.ChartWriter;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The charts of a {@code bench} run, in {@code charts/} (PNG and SVG):
 * <ul>
 *   <li>{@code bench-time-<shape>-<mode>}: median time per call against T on log-log axes, one line per
 *       implementation, its fitted slope (T ≥ {@value BenchAnalysis#FROM_STEPS}) in the legend, and dotted reference
 *       lines of slope 1 and 2 through the aggregated reference's first point. The axes plot log₂ T and log₁₀ of
 *       the time, labelled with T and milliseconds (XChart's own log axes label only powers of ten, which T = 8 …
 *       512 barely reaches);</li>
 *   <li>{@code bench-throughput-<mode>}: GFLOP/s per shape as bars, one per implementation, at the longest T every
 *       shape was measured at (T = 256 on the full grid).</li>
 * </ul>
 */
public final class BenchCharts {

    /** The folder of a run that holds its charts. */
    public static final String DIRECTORY = "charts";

    private static final int WIDTH = 900;
    private static final int HEIGHT = 560;

    private BenchCharts() {
    }

    /** Writes every chart; returns the PNG files. */
    public static List<Path> write(RunFolder run, BenchGrid grid, BenchAnalysis analysis) throws IOException {
        List<Path> pngs = new ArrayList<>();
        Path directory = run.resolve(DIRECTORY);
        for (Mode mode : grid.modes()) {
            for (Shape shape : grid.shapes()) {
                XYChart chart = timeChart(grid, analysis, shape, mode, run.name());
                if (!chart.getSeriesCollection().isEmpty()) {
                    pngs.add(ChartWriter.save(chart, directory, "bench-time-" + shape + "-" + mode.benchmarkMethod()).get(0));
                }
            }
            int steps = throughputSteps(grid, analysis, mode);
            if (steps > 0) {
                pngs.add(ChartWriter.save(throughputChart(grid, analysis, mode, steps, run.name()), directory,
                        "bench-throughput-" + mode.benchmarkMethod()).get(0));
            }
        }
        return pngs;
    }

    /** Time per call against T, log-log, one series per implementation. */
    static XYChart timeChart(BenchGrid grid, BenchAnalysis analysis, Shape shape, Mode mode, String runName) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(String.format(Locale.ROOT, "%s, %s: median time per call (run %s)", mode.label(), shape, runName))
                .xAxisTitle("sequence length T (log scale)").yAxisTitle("ms per call (log scale)").build();
        Styler styler = chart.getStyler();
        chart.setCustomXAxisTickLabelsFormatter(BenchCharts::powerOfTwoLabel);
        chart.setCustomYAxisTickLabelsFormatter(exponent -> BenchText.significant(Math.pow(10, exponent)));
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setLegendLayout(Styler.LegendLayout.Vertical);
        styler.setChartTitleFont(styler.getChartTitleFont().deriveFont(13f));
        Map<String, BenchAnalysis.Slope> slopes = new LinkedHashMap<>();
        for (BenchAnalysis.Slope slope : analysis.slopes()) {
            if (slope.shape().equals(shape) && slope.mode() == mode && slope.precision() == grid.precision()) {
                slopes.put(slope.implementation(), slope);
            }
        }
        double[] firstPoint = null;
        for (String implementation : grid.implementations()) {
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (int t : grid.steps()) {
                analysis.measured(implementation, shape, t, mode, grid.precision()).ifPresent(result -> {
                    x.add(log2(t));
                    y.add(Math.log10(result.medianMs()));
                });
            }
            if (x.isEmpty()) {
                continue;
            }
            BenchAnalysis.Slope slope = slopes.get(implementation);
            String name = implementation + (slope == null || slope.fromStepsFit() == null ? ""
                    : String.format(Locale.ROOT, " (slope %.2f for T ≥ %d)", slope.slope(), BenchAnalysis.FROM_STEPS));
            XYSeries series = chart.addSeries(name, x, y);
            series.setMarker(SeriesMarkers.CIRCLE);
            if (implementation.equals(CostModel.AGGREGATED) || firstPoint == null) {
                firstPoint = new double[] {x.get(0), y.get(0), x.get(x.size() - 1)};
            }
        }
        if (firstPoint != null && firstPoint[2] > firstPoint[0]) {
            // Guides: what slope 1 (linear) and slope 2 (quadratic) look like on these axes: time × 2^power per
            // doubling of T, so log₁₀ time rises by power · log₁₀ 2 per unit of log₂ T.
            for (int power : new int[] {1, 2}) {
                List<Double> x = List.of(firstPoint[0], firstPoint[2]);
                List<Double> y = List.of(firstPoint[1], firstPoint[1] + power * Math.log10(2) * (firstPoint[2] - firstPoint[0]));
                XYSeries guide = chart.addSeries("guide: slope " + power, x, y);
                guide.setMarker(SeriesMarkers.NONE);
                guide.setLineStyle(new java.awt.BasicStroke(1f, java.awt.BasicStroke.CAP_BUTT,
                        java.awt.BasicStroke.JOIN_MITER, 10f, new float[] {3f, 4f}, 0f));
                guide.setLineColor(java.awt.Color.GRAY);
            }
        }
        return chart;
    }

    private static double log2(double value) {
        return Math.log(value) / Math.log(2);
    }

    /** The label of a log₂ T tick: T where it is a whole power of two, nothing in between. */
    static String powerOfTwoLabel(double exponent) {
        long rounded = Math.round(exponent);
        return Math.abs(exponent - rounded) < 1e-9 && rounded >= 0 && rounded < 62 ? Long.toString(1L << rounded) : "";
    }

    /** GFLOP/s per shape, bars per implementation, at T = {@code steps}. */
    static CategoryChart throughputChart(BenchGrid grid, BenchAnalysis analysis, Mode mode, int steps, String runName) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title(String.format(Locale.ROOT, "%s throughput at T = %d, by the FLOP model (run %s); 0 = not measured",
                        mode.label(), steps, runName))
                .xAxisTitle("shape BxdxHxK").yAxisTitle("GFLOP/s").build();
        Styler styler = chart.getStyler();
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setLegendLayout(Styler.LegendLayout.Horizontal);
        styler.setChartTitleFont(styler.getChartTitleFont().deriveFont(13f));
        List<String> shapes = grid.shapes().stream().map(Shape::toString).toList();
        for (String implementation : grid.implementations()) {
            List<Double> throughput = new ArrayList<>();
            boolean any = false;
            for (Shape shape : grid.shapes()) {
                double gflops = analysis.measured(implementation, shape, steps, mode, grid.precision())
                        .map(CellResult::gflops).orElse(0.0);
                any |= gflops > 0;
                throughput.add(gflops);
            }
            if (any) {
                chart.addSeries(implementation, shapes, throughput);
            }
        }
        return chart;
    }

    /** T = 256 when measured, else the longest T with a measurement on every shape by some implementation. */
    static int throughputSteps(BenchGrid grid, BenchAnalysis analysis, Mode mode) {
        int best = 0;
        for (int t : grid.steps()) {
            boolean everyShape = true;
            for (Shape shape : grid.shapes()) {
                boolean any = false;
                for (String implementation : grid.implementations()) {
                    any |= analysis.measured(implementation, shape, t, mode, grid.precision()).isPresent();
                }
                everyShape &= any;
            }
            if (everyShape) {
                if (t == BenchAnalysis.SPEED_STEPS) {
                    return t;
                }
                best = t;
            }
        }
        return best;
    }
}
