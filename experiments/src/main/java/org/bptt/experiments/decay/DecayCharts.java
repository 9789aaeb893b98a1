package org.bptt.experiments.decay;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bptt.api.Activation;
import org.bptt.core.cases.CaseGenerator.Rescaling;
import org.bptt.experiments.decay.DecayResult.Config;
import org.bptt.experiments.decay.DecayResult.CurvePoint;
import org.bptt.experiments.decay.DecayResult.Quantity;
import org.bptt.outputs.ChartSpec;
import org.bptt.outputs.ChartSpec.Axis;
import org.bptt.outputs.ChartSpec.Layout;
import org.bptt.outputs.ChartSpec.Legend;
import org.bptt.outputs.ChartSpec.Line;
import org.bptt.outputs.ChartSpec.Marker;
import org.bptt.outputs.ChartSpec.Series;

/**
 * The charts of a decay run: gradient norm against lag on a logarithmic scale, one solid line per σ_max (or ρ) for
 * the median over the seeds, and the bound (γσ_max)^lag dashed in the same colour. The y axis shows log₁₀ of the
 * norm on a linear scale: the curves span a hundred decades and more, which a log axis labels one tick per decade
 * and makes unreadable.
 * <ul>
 *   <li>{@code decay-hidden-<rescaling>-<activation>}: the oracle's ‖∂L/∂h_k‖ / ‖∂L/∂h_{T−1}‖;</li>
 *   <li>{@code decay-input-<rescaling>-<activation>}: ‖∂L/∂x_k‖ of the oracle (lines) and of every other
 *       implementation (about {@value #MARKER_POINTS} markers per curve, the colour of its σ_max or ρ, one marker
 *       shape per implementation), so that their agreement shows; with other
 *       implementations, both are medians over the comparison seeds, the ones every implementation ran.</li>
 * </ul>
 * A curve is drawn up to its first value that is zero, non-finite or below 1e-300 (a log scale cannot show those;
 * the CSV has every point). A bound is drawn only up to ten times the largest measured value on the chart: above
 * that it constrains nothing visible. With ρ rescaling the bound shown is the largest over the seeds, since each seed
 * has its own σ_max. The charts are specifications (plain data); the run writer draws them.
 */
public final class DecayCharts {

    /** Roughly how many markers a compared implementation's curve gets. */
    static final int MARKER_POINTS = 25;
    private static final double SMALLEST_DRAWN = 1e-300;
    private static final Layout LAYOUT = new Layout(900, 560, 12f, Legend.RIGHT, 5);

    private DecayCharts() {
    }

    /**
     * Every chart of {@code result}, in a stable order.
     *
     * @param titleSuffix appended to every title, e.g. the run folder's name
     */
    public static List<ChartSpec> charts(DecayResult result, String titleSuffix) {
        List<ChartSpec> charts = new ArrayList<>();
        DecayExperiment.Settings settings = result.settings();
        for (Rescaling rescaling : settings.rescalings()) {
            for (Activation activation : settings.activations()) {
                charts.add(hiddenChart(result, rescaling, activation, titleSuffix));
                charts.add(inputChart(result, rescaling, activation, titleSuffix));
            }
        }
        return charts;
    }

    /** {@code decay-hidden-<rescaling>-<activation>}: the oracle's hidden-state ratio curves. */
    public static ChartSpec hiddenChart(DecayResult result, Rescaling rescaling, Activation activation, String titleSuffix) {
        DecayExperiment.Settings settings = result.settings();
        String symbol = rescaling == Rescaling.SPECTRAL_RADIUS ? "ρ" : "σmax";
        String title = String.format(Locale.ROOT, "‖∂L/∂h_k‖ / ‖∂L/∂h_T‖, %s, W rescaled to %s, T=%d, H=%d, %d seeds%s",
                activation.name().toLowerCase(Locale.ROOT), symbol, settings.steps(), settings.hiddenSize(),
                settings.seeds(), suffix(titleSuffix));
        List<Series> series = new ArrayList<>();
        List<List<CurvePoint>> curves = new ArrayList<>();
        for (double target : settings.targets()) {
            curves.add(curve(result, result.oracleId(), Quantity.HIDDEN_RATIO, new Config(rescaling, target, activation)));
        }
        double ceiling = Math.log10(largestMedian(curves)) + 1;
        for (int i = 0; i < curves.size(); i++) {
            Color colour = ChartSpec.paletteColour(i);
            String label = String.format(Locale.ROOT, "%s = %s", symbol, settings.targets().get(i));
            addLine(series, label, curves.get(i), colour);
            addBound(series, "bound, " + label, curves.get(i), colour, ceiling);
        }
        return chart("decay-hidden-" + fileSuffix(rescaling, activation), title,
                "log10 ‖∂L/∂h_k‖ / ‖∂L/∂h_T‖  (dashed: bound)", series);
    }

    /** {@code decay-input-<rescaling>-<activation>}: every implementation's input-gradient curves. */
    public static ChartSpec inputChart(DecayResult result, Rescaling rescaling, Activation activation, String titleSuffix) {
        DecayExperiment.Settings settings = result.settings();
        String symbol = rescaling == Rescaling.SPECTRAL_RADIUS ? "ρ" : "σmax";
        List<String> others = result.curves().stream().map(CurvePoint::implementation).distinct()
                .filter(id -> !id.equals(result.oracleId())).toList();
        // With others, the oracle is drawn over the seeds they ran on, so that lines and markers show the same cases.
        Quantity oracleQuantity = others.isEmpty() ? Quantity.INPUT_NORM : Quantity.INPUT_NORM_COMPARISON_SEEDS;
        int seeds = others.isEmpty() ? settings.seeds() : settings.comparisonSeeds();
        String title = String.format(Locale.ROOT, "‖∂L/∂x_k‖, %s, W rescaled to %s, T=%d, %d seeds: %s%s%s",
                activation.name().toLowerCase(Locale.ROOT), symbol, settings.steps(), seeds, result.oracleId(),
                others.isEmpty() ? "" : " (lines), " + markersOf(others) + " (markers)", suffix(titleSuffix));
        List<Series> series = new ArrayList<>();
        List<List<CurvePoint>> oracleCurves = new ArrayList<>();
        for (double target : settings.targets()) {
            oracleCurves.add(curve(result, result.oracleId(), oracleQuantity, new Config(rescaling, target, activation)));
        }
        double ceiling = Math.log10(largestMedian(oracleCurves)) + 1;
        for (int i = 0; i < oracleCurves.size(); i++) {
            Color colour = ChartSpec.paletteColour(i);
            double target = settings.targets().get(i);
            String label = String.format(Locale.ROOT, "%s = %s", symbol, target);
            addLine(series, result.oracleId() + ", " + label, oracleCurves.get(i), colour);
            addBound(series, "bound, " + label, oracleCurves.get(i), colour, ceiling);
            // The colour says ρ (or σmax), the marker says which implementation: one marker shape per implementation.
            for (int j = 0; j < others.size(); j++) {
                addPoints(series, others.get(j) + ", " + label, curve(result, others.get(j), Quantity.INPUT_NORM,
                        new Config(rescaling, target, activation)), colour, OTHER_MARKERS.get(j % OTHER_MARKERS.size()));
            }
        }
        return chart("decay-input-" + fileSuffix(rescaling, activation), title, "log10 ‖∂L/∂x_k‖  (dashed: bound)",
                series);
    }

    /** {@code <rescaling>-<activation>}, e.g. {@code spectral-radius-tanh}. */
    private static String fileSuffix(Rescaling rescaling, Activation activation) {
        return Config.rescalingName(rescaling) + "-" + activation.name().toLowerCase(Locale.ROOT);
    }

    private static String suffix(String titleSuffix) {
        return titleSuffix == null || titleSuffix.isBlank() ? "" : ", " + titleSuffix;
    }

    private static List<CurvePoint> curve(DecayResult result, String implementation, Quantity quantity, Config config) {
        return result.curves().stream()
                .filter(point -> point.implementation().equals(implementation) && point.quantity() == quantity
                        && point.config().equals(config))
                .toList();
    }

    private static double largestMedian(List<List<CurvePoint>> curves) {
        double largest = 1e-300;
        for (List<CurvePoint> curve : curves) {
            for (CurvePoint point : drawable(curve, CurvePoint::median)) {
                largest = Math.max(largest, point.median());
            }
        }
        return largest;
    }

    /** The leading points whose value can be drawn on a log axis. */
    private static List<CurvePoint> drawable(List<CurvePoint> curve, java.util.function.ToDoubleFunction<CurvePoint> value) {
        List<CurvePoint> points = new ArrayList<>();
        for (CurvePoint point : curve) {
            double y = value.applyAsDouble(point);
            if (!(Double.isFinite(y) && y >= SMALLEST_DRAWN)) {
                break;
            }
            points.add(point);
        }
        return points;
    }

    private static void addLine(List<Series> series, String name, List<CurvePoint> curve, Color colour) {
        List<CurvePoint> points = drawable(curve, CurvePoint::median);
        if (points.isEmpty()) {
            return;
        }
        series.add(Series.line(name, points.stream().map(CurvePoint::lag).toList(),
                points.stream().map(point -> Math.log10(point.median())).toList(), colour, Line.SOLID));
    }

    /** Every few points of a curve, as markers of one shape. */
    private static void addPoints(List<Series> series, String name, List<CurvePoint> curve, Color colour, Marker marker) {
        int every = Math.max(1, curve.size() / MARKER_POINTS);
        List<CurvePoint> points = drawable(curve, CurvePoint::median).stream()
                .filter(point -> point.lag() % every == 0).toList();
        if (points.isEmpty()) {
            return;
        }
        series.add(Series.points(name, points.stream().map(CurvePoint::lag).toList(),
                points.stream().map(point -> Math.log10(point.median())).toList(), colour, marker));
    }

    /** The marker shapes of the implementations compared with the oracle, in order. */
    private static final List<Marker> OTHER_MARKERS = List.of(Marker.CIRCLE, Marker.DIAMOND, Marker.SQUARE,
            Marker.TRIANGLE_UP);

    /** {@code dl4j ●, numpy ◆}: which marker is whose, for the title. */
    private static String markersOf(List<String> others) {
        List<String> symbols = List.of("●", "◆", "■", "▲");
        List<String> named = new ArrayList<>();
        for (int j = 0; j < others.size(); j++) {
            named.add(others.get(j) + " " + symbols.get(j % symbols.size()));
        }
        return String.join(", ", named);
    }

    /**
     * The bound as a dashed line, from its log₁₀ (finite where the bound itself underflows), down to the lowest
     * measured point on the chart and up to {@code ceiling} (a log₁₀).
     */
    private static void addBound(List<Series> series, String name, List<CurvePoint> curve, Color colour, double ceiling) {
        List<CurvePoint> points = curve.stream()
                .filter(point -> Double.isFinite(point.log10Bound()) && point.log10Bound() <= ceiling
                        && point.log10Bound() >= Math.log10(SMALLEST_DRAWN))
                .toList();
        if (points.size() < 2) {
            return;
        }
        series.add(Series.line(name, points.stream().map(CurvePoint::lag).toList(),
                points.stream().map(CurvePoint::log10Bound).toList(), colour, Line.DASHED));
    }

    private static ChartSpec chart(String name, String title, String yTitle, List<Series> series) {
        return new ChartSpec(name, title, Axis.linear("lag T − k"), Axis.linear(yTitle), List.of(), series, LAYOUT);
    }
}
