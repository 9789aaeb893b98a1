package org.bptt.benchmarks;

import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bptt.outputs.ChartSpec;
import org.bptt.outputs.ChartSpec.Axis;
import org.bptt.outputs.ChartSpec.Layout;
import org.bptt.outputs.ChartSpec.Legend;
import org.bptt.outputs.ChartSpec.Line;
import org.bptt.outputs.ChartSpec.Marker;
import org.bptt.outputs.ChartSpec.Series;
import org.bptt.outputs.ChartSpec.TickLabels;

/**
 * The charts of a {@code bench} run, as specifications that the run writer draws into {@code charts/} (PNG and SVG):
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

    private static final Layout TIME_LAYOUT = new Layout(900, 560, 13f, Legend.BELOW_IN_A_COLUMN, 8);
    private static final Layout THROUGHPUT_LAYOUT = new Layout(900, 560, 13f, Legend.BELOW_IN_ROWS, 8);

    private BenchCharts() {
    }

    /**
     * Every chart of the run, in a stable order: per mode and cell, the time charts of its shapes, then its
     * throughput.
     */
    public static List<ChartSpec> charts(BenchGrid grid, BenchAnalysis analysis, String runName) {
        List<ChartSpec> charts = new ArrayList<>();
        for (Mode mode : grid.modes()) {
            for (BenchGrid.Network network : grid.networks()) {
                for (Shape shape : grid.shapes()) {
                    ChartSpec chart = timeChart(grid, analysis, network, shape, mode, runName);
                    if (!chart.series().isEmpty()) {
                        charts.add(chart);
                    }
                }
                int steps = throughputSteps(grid, analysis, network, mode);
                if (steps > 0) {
                    charts.add(throughputChart(grid, analysis, network, mode, steps, runName));
                }
            }
        }
        return charts;
    }

    /**
     * The name part and title part of a network: empty for one Elman layer read forwards (its charts keep their
     * names), else e.g. {@code lstm-}, {@code l2-bi-lstm-}.
     */
    private static String cellPart(BenchGrid.Network network, String separator) {
        return network.prefix().replace(" ", separator);
    }

    /**
     * {@code bench-time-<shape>-<mode>} ({@code bench-time-<cell>-<shape>-<mode>} for a gated cell): time per call
     * against T, log-log, one series per implementation.
     */
    static ChartSpec timeChart(BenchGrid grid, BenchAnalysis analysis, BenchGrid.Network network, Shape shape, Mode mode,
                               String runName) {
        String title = String.format(Locale.ROOT, "%s, %s%s: median time per call (run %s)", mode.label(),
                cellPart(network, " "), shape, runName);
        List<Series> series = new ArrayList<>();
        Map<String, BenchAnalysis.Slope> slopes = new LinkedHashMap<>();
        for (BenchAnalysis.Slope slope : analysis.slopes()) {
            if (slope.rnnCell() == network.rnnCell() && slope.topology().equals(network.topology())
                    && slope.shape().equals(shape) && slope.mode() == mode
                    && slope.precision() == grid.precision()) {
                slopes.put(slope.implementation(), slope);
            }
        }
        double[] firstPoint = null;
        List<String> columns = analysis.columns(grid);
        for (int i = 0; i < columns.size(); i++) {
            String implementation = columns.get(i);
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (int t : grid.steps()) {
                analysis.measured(implementation, network.rnnCell(), network.topology(), shape, t, mode, grid.precision()).ifPresent(result -> {
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
            series.add(Series.markedLine(name, x, y, ChartSpec.paletteColour(i), Marker.CIRCLE));
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
                series.add(Series.line("guide: slope " + power, x, y, Color.GRAY, Line.DOTTED));
            }
        }
        return new ChartSpec("bench-time-" + cellPart(network, "-") + shape + "-" + mode.benchmarkMethod(), title,
                Axis.linear("sequence length T (log scale)").labelled(TickLabels.POWERS_OF_TWO),
                Axis.linear("ms per call (log scale)").labelled(TickLabels.POWERS_OF_TEN), List.of(), series, TIME_LAYOUT);
    }

    private static double log2(double value) {
        return Math.log(value) / Math.log(2);
    }

    /**
     * {@code bench-throughput-<mode>} ({@code bench-throughput-<cell>-<mode>} for a gated cell): GFLOP/s per shape,
     * bars per implementation, at T = {@code steps}.
     */
    static ChartSpec throughputChart(BenchGrid grid, BenchAnalysis analysis, BenchGrid.Network network, Mode mode,
                                     int steps, String runName) {
        String title = String.format(Locale.ROOT, "%s%s throughput at T = %d, by the FLOP model (run %s); 0 = not measured",
                cellPart(network, " "), mode.label(), steps, runName);
        List<Series> series = new ArrayList<>();
        List<String> shapes = grid.shapes().stream().map(Shape::toString).toList();
        List<String> columns = analysis.columns(grid);
        for (int i = 0; i < columns.size(); i++) {
            String implementation = columns.get(i);
            List<Double> throughput = new ArrayList<>();
            boolean any = false;
            for (Shape shape : grid.shapes()) {
                double gflops = analysis.measured(implementation, network.rnnCell(), network.topology(), shape, steps, mode, grid.precision())
                        .map(CellResult::gflops).orElse(0.0);
                any |= gflops > 0;
                throughput.add(gflops);
            }
            if (any) {
                series.add(Series.bars(implementation, throughput, ChartSpec.paletteColour(i)));
            }
        }
        return new ChartSpec("bench-throughput-" + cellPart(network, "-") + mode.benchmarkMethod(), title, Axis.linear("shape BxdxHxK"),
                Axis.linear("GFLOP/s"), shapes, series, THROUGHPUT_LAYOUT);
    }

    /** T = 256 when measured, else the longest T with a measurement of {@code network} on every shape by some implementation. */
    static int throughputSteps(BenchGrid grid, BenchAnalysis analysis, BenchGrid.Network network, Mode mode) {
        int best = 0;
        for (int t : grid.steps()) {
            boolean everyShape = true;
            for (Shape shape : grid.shapes()) {
                boolean any = false;
                for (String implementation : grid.implementations()) {
                    any |= analysis.measured(implementation, network.rnnCell(), network.topology(), shape, t, mode, grid.precision()).isPresent();
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
