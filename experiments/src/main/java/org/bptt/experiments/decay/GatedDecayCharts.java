package org.bptt.experiments.decay;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bptt.api.Cell;
import org.bptt.experiments.decay.GatedDecayExperiment.Config;
import org.bptt.experiments.decay.GatedDecayExperiment.Curve;
import org.bptt.experiments.decay.GatedDecayExperiment.CurvePoint;
import org.bptt.experiments.decay.GatedDecayExperiment.Result;
import org.bptt.outputs.ChartSpec;
import org.bptt.outputs.ChartSpec.Axis;
import org.bptt.outputs.ChartSpec.Layout;
import org.bptt.outputs.ChartSpec.Legend;
import org.bptt.outputs.ChartSpec.Line;
import org.bptt.outputs.ChartSpec.Series;

/**
 * The charts of the gated cells' decay: {@code decay-gated-<cell>-<curve>-sigma-<σ_max>}, log₁₀ of the curve's median
 * over the seeds against the lag, one line per value of the memory gate's bias (b_f or b_z). As in
 * {@link DecayCharts}, the y axis is log₁₀ on a linear scale and a line ends at its first value that is zero,
 * non-finite or below 1e-300. There is no bound to draw (see {@link GatedDecayExperiment}).
 */
public final class GatedDecayCharts {

    private static final double SMALLEST_DRAWN = 1e-300;
    private static final Layout LAYOUT = new Layout(900, 560, 12f, Legend.RIGHT, 5);

    private GatedDecayCharts() {
    }

    /**
     * Every chart of {@code result}: cell, then curve, then recurrent scale.
     *
     * @param titleSuffix appended to every title, e.g. the run folder's name
     */
    public static List<ChartSpec> charts(Result result, String titleSuffix) {
        GatedDecayExperiment.Settings settings = result.settings();
        List<ChartSpec> charts = new ArrayList<>();
        for (Cell cell : settings.cells()) {
            for (Curve curve : Curve.values()) {
                if (curve == Curve.CELL && !cell.hasCellState()) {
                    continue;
                }
                for (double scale : settings.recurrentScales()) {
                    charts.add(chart(result, cell, curve, scale, titleSuffix));
                }
            }
        }
        return charts;
    }

    /** {@code decay-gated-<cell>-<curve>-sigma-<scale>}. */
    public static ChartSpec chart(Result result, Cell cell, Curve curve, double scale, String titleSuffix) {
        GatedDecayExperiment.Settings settings = result.settings();
        String cellName = GatedDecayExperiment.cellName(cell);
        String gateBias = GatedDecayExperiment.memoryGateBias(cell);
        String title = String.format(Locale.ROOT, "%s, %s, σmax(W_*) = %s, T=%d, H=%d, %d seeds: %s%s", curve.symbol(),
                cellName, scale, settings.steps(), settings.hiddenSize(), settings.seeds(), result.oracleId(),
                titleSuffix == null || titleSuffix.isBlank() ? "" : ", " + titleSuffix);
        List<Series> series = new ArrayList<>();
        for (int i = 0; i < settings.gateBiases().size(); i++) {
            double bias = settings.gateBiases().get(i);
            List<CurvePoint> points = drawable(result.curve(new Config(cell, scale, bias), curve));
            if (points.isEmpty()) {
                continue;
            }
            series.add(Series.line(String.format(Locale.ROOT, "%s = %s", gateBias, bias),
                    points.stream().map(CurvePoint::lag).toList(),
                    points.stream().map(point -> Math.log10(point.median())).toList(),
                    ChartSpec.paletteColour(i), Line.SOLID));
        }
        String name = String.format(Locale.ROOT, "decay-gated-%s-%s-sigma-%s", cellName, curve.label(), scale);
        return new ChartSpec(name, title, Axis.linear("lag T − 1 − k"), Axis.linear("log10 " + curve.symbol()), List.of(),
                series, LAYOUT);
    }

    /** The leading points whose median can be drawn as a logarithm. */
    private static List<CurvePoint> drawable(List<CurvePoint> curve) {
        List<CurvePoint> points = new ArrayList<>();
        for (CurvePoint point : curve) {
            if (!(Double.isFinite(point.median()) && point.median() >= SMALLEST_DRAWN)) {
                break;
            }
            points.add(point);
        }
        return points;
    }
}
