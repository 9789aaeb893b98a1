package org.bptt.experiments.train;

import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bptt.experiments.clipping.Clipping;
import org.bptt.outputs.ChartSpec;
import org.bptt.outputs.ChartSpec.Axis;
import org.bptt.outputs.ChartSpec.Layout;
import org.bptt.outputs.ChartSpec.Legend;
import org.bptt.outputs.ChartSpec.Line;
import org.bptt.outputs.ChartSpec.Marker;
import org.bptt.outputs.ChartSpec.Series;
import org.bptt.outputs.Statistics;

/**
 * The charts of a training run, as specifications (plain data; the run writer draws them):
 * <ul>
 *   <li>{@code train-success-<task>}: the final success rate against T, the median over the seeds as a line per
 *       clipping rule, every run as a faint marker, and the chance level dashed;</li>
 *   <li>{@code train-loss-<task>-<clipping>}: the evaluation loss against the step, one line per T (median over the
 *       seeds whose run reached that evaluation);</li>
 *   <li>{@code train-gradient-norm-<task>-<clipping>}: the gradient norm before clipping against the step, on a log
 *       axis, one line per T: the median over the seeds of the largest norm in each window of
 *       steps/{@value #WINDOWS} steps, so that spikes stay visible.</li>
 * </ul>
 */
public final class TrainingCharts {

    /** The gradient-norm curves are cut into this many windows. */
    static final int WINDOWS = 250;
    private static final Layout LAYOUT = new Layout(1000, 560, 12f, Legend.RIGHT, 6);
    /** How opaque the marker of each single run is (of 255): faint, so that the median line stands out. */
    private static final int RUN_MARKER_ALPHA = 110;

    private TrainingCharts() {
    }

    /**
     * Every chart, in a stable order.
     *
     * @param titleSuffix appended to every title, e.g. the run folder's name
     */
    public static List<ChartSpec> charts(TrainingResult result, String titleSuffix) {
        List<ChartSpec> charts = new ArrayList<>();
        charts.add(successChart(result, titleSuffix));
        for (Clipping clipping : result.settings().clippings()) {
            charts.add(lossChart(result, clipping, titleSuffix));
            charts.add(gradientNormChart(result, clipping, titleSuffix));
        }
        return charts;
    }

    /** A clipping label as a file-name part: {@code norm:1.0} → {@code norm-1.0}. */
    static String fileSafe(String label) {
        return label.replaceAll("[^A-Za-z0-9._-]", "-");
    }

    /** {@code train-success-<task>}: success rate against T, per clipping rule. */
    public static ChartSpec successChart(TrainingResult result, String titleSuffix) {
        TrainingExperiment.Settings settings = result.settings();
        String title = String.format(Locale.ROOT, "%s, %s, η=%s: final success rate vs T, %d seeds%s",
                settings.task(), result.implementation(), settings.learningRate(), settings.seeds(), suffix(titleSuffix));
        List<Series> series = new ArrayList<>();
        List<Integer> lengths = settings.lengths();
        for (int i = 0; i < settings.clippings().size(); i++) {
            Clipping clipping = settings.clippings().get(i);
            Color colour = ChartSpec.paletteColour(i);
            List<Double> medians = lengths.stream().map(length -> result.medianSuccessRate(length, clipping)).toList();
            series.add(Series.markedLine("clipping " + clipping.label() + " (median)", lengths, zeroForNaN(medians),
                    colour, Marker.CIRCLE));
            List<Integer> runLengths = new ArrayList<>();
            List<Double> runRates = new ArrayList<>();
            for (TrainingResult.RunRecord run : result.runs()) {
                if (run.clipping().equals(clipping) && !run.failed()) {
                    runLengths.add(run.length());
                    runRates.add(run.finalSuccessRate());
                }
            }
            if (!runLengths.isEmpty()) {
                Color faint = new Color(colour.getRed(), colour.getGreen(), colour.getBlue(), RUN_MARKER_ALPHA);
                series.add(Series.points("clipping " + clipping.label() + " (runs)", runLengths, runRates, faint,
                        Marker.DIAMOND));
            }
        }
        List<Double> chance = lengths.stream().map(length -> result.chanceSuccessRate()).toList();
        series.add(Series.line("chance (input ignored)", lengths, chance, Color.GRAY, Line.DASHED));
        return new ChartSpec("train-success-" + settings.task(), title, Axis.linear("T (minimal sequence length)"),
                Axis.linear("success rate").between(0.0, 1.0), List.of(), series, LAYOUT);
    }

    private static List<Double> zeroForNaN(List<Double> values) {
        return values.stream().map(value -> Double.isNaN(value) ? 0.0 : value).toList();
    }

    /** {@code train-loss-<task>-<clipping>}: evaluation loss against the step, one line per T. */
    public static ChartSpec lossChart(TrainingResult result, Clipping clipping, String titleSuffix) {
        TrainingExperiment.Settings settings = result.settings();
        String title = String.format(Locale.ROOT, "%s, %s, clipping %s, η=%s: evaluation loss, median of %d seeds%s",
                settings.task(), result.implementation(), clipping.label(), settings.learningRate(), settings.seeds(),
                suffix(titleSuffix));
        List<Series> series = new ArrayList<>();
        for (int i = 0; i < settings.lengths().size(); i++) {
            int length = settings.lengths().get(i);
            Map<Integer, List<Double>> byStep = new LinkedHashMap<>();
            for (TrainingResult.RunRecord run : result.runs(length, clipping)) {
                if (run.failed()) {
                    continue;
                }
                for (SgdTrainer.Evaluation evaluation : run.run().evaluations()) {
                    byStep.computeIfAbsent(evaluation.step(), step -> new ArrayList<>()).add(evaluation.loss());
                }
            }
            addMedianLine(series, "T=" + length, byStep, ChartSpec.paletteColour(i), false);
        }
        return new ChartSpec("train-loss-" + settings.task() + "-" + fileSafe(clipping.label()), title,
                Axis.linear("SGD step"), Axis.linear("loss on the evaluation batch"), List.of(), series, LAYOUT);
    }

    /** {@code train-gradient-norm-<task>-<clipping>}: gradient norm before clipping, log axis, one line per T. */
    public static ChartSpec gradientNormChart(TrainingResult result, Clipping clipping, String titleSuffix) {
        TrainingExperiment.Settings settings = result.settings();
        int window = Math.max(1, settings.steps() / WINDOWS);
        String title = String.format(Locale.ROOT,
                "%s, %s, clipping %s: ‖dL/dθ‖ before clipping, median of %d seeds of the max per %d steps%s",
                settings.task(), result.implementation(), clipping.label(), settings.seeds(), window,
                suffix(titleSuffix));
        List<Series> series = new ArrayList<>();
        for (int i = 0; i < settings.lengths().size(); i++) {
            int length = settings.lengths().get(i);
            Map<Integer, List<Double>> byWindow = new LinkedHashMap<>();
            for (TrainingResult.RunRecord run : result.runs(length, clipping)) {
                if (run.failed()) {
                    continue;
                }
                List<SgdTrainer.Step> steps = run.run().steps();
                for (int start = 0; start < steps.size(); start += window) {
                    double largest = 0;
                    for (int step = start; step < Math.min(steps.size(), start + window); step++) {
                        double norm = steps.get(step).gradientNorm();
                        largest = Double.isFinite(norm) ? Math.max(largest, norm) : Double.POSITIVE_INFINITY;
                    }
                    byWindow.computeIfAbsent(steps.get(start).step(), step -> new ArrayList<>()).add(largest);
                }
            }
            addMedianLine(series, "T=" + length, byWindow, ChartSpec.paletteColour(i), true);
        }
        return new ChartSpec("train-gradient-norm-" + settings.task() + "-" + fileSafe(clipping.label()), title,
                Axis.linear("SGD step"), Axis.logarithmic("gradient norm (log)"), List.of(), series, LAYOUT);
    }

    /** One line through the medians of the values at each x; on a log axis, points that cannot be drawn are left out. */
    private static void addMedianLine(List<Series> series, String name, Map<Integer, List<Double>> valuesByX,
                                      Color colour, boolean logAxis) {
        List<Integer> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (Map.Entry<Integer, List<Double>> entry : valuesByX.entrySet()) {
            double median = Statistics.median(entry.getValue().stream().mapToDouble(Double::doubleValue).toArray());
            if (Double.isFinite(median) && (!logAxis || median > 0)) {
                xs.add(entry.getKey());
                ys.add(median);
            }
        }
        if (xs.isEmpty()) {
            return;
        }
        series.add(Series.line(name, xs, ys, colour, Line.SOLID));
    }

    private static String suffix(String titleSuffix) {
        return titleSuffix == null || titleSuffix.isBlank() ? "" : " (" + titleSuffix + ")";
    }
}
