package org.bptt.experiments.train;

import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bptt.experiments.Statistics;
import org.bptt.experiments.clipping.Clipping;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The charts of a training run, as XChart objects (writing them is the caller's business):
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
    private static final int WIDTH = 1000;
    private static final int HEIGHT = 560;
    private static final Color[] COLORS = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd),
        new Color(0xff7f0e), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)};

    private TrainingCharts() {
    }

    /**
     * Every chart, by file base name, in a stable order.
     *
     * @param titleSuffix appended to every title, e.g. the run folder's name
     */
    public static Map<String, XYChart> charts(TrainingResult result, String titleSuffix) {
        Map<String, XYChart> charts = new LinkedHashMap<>();
        String task = result.settings().task();
        charts.put("train-success-" + task, successChart(result, titleSuffix));
        for (Clipping clipping : result.settings().clippings()) {
            String name = fileSafe(clipping.label());
            charts.put("train-loss-" + task + "-" + name, lossChart(result, clipping, titleSuffix));
            charts.put("train-gradient-norm-" + task + "-" + name, gradientNormChart(result, clipping, titleSuffix));
        }
        return charts;
    }

    /** A clipping label as a file-name part: {@code norm:1.0} → {@code norm-1.0}. */
    static String fileSafe(String label) {
        return label.replaceAll("[^A-Za-z0-9._-]", "-");
    }

    /** Success rate against T, per clipping rule. */
    public static XYChart successChart(TrainingResult result, String titleSuffix) {
        TrainingExperiment.Settings settings = result.settings();
        XYChart chart = newChart(String.format(Locale.ROOT, "%s, %s, η=%s: final success rate vs T, %d seeds%s",
                        settings.task(), result.implementation(), settings.learningRate(), settings.seeds(),
                        suffix(titleSuffix)),
                "T (minimal sequence length)", "success rate");
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        List<Integer> lengths = settings.lengths();
        for (int i = 0; i < settings.clippings().size(); i++) {
            Clipping clipping = settings.clippings().get(i);
            Color color = COLORS[i % COLORS.length];
            List<Double> medians = lengths.stream().map(length -> result.medianSuccessRate(length, clipping)).toList();
            XYSeries median = chart.addSeries("clipping " + clipping.label() + " (median)", lengths, zeroForNaN(medians));
            median.setLineColor(color);
            median.setMarkerColor(color);
            median.setMarker(SeriesMarkers.CIRCLE);
            List<Integer> runLengths = new ArrayList<>();
            List<Double> runRates = new ArrayList<>();
            for (TrainingResult.RunRecord run : result.runs()) {
                if (run.clipping().equals(clipping) && !run.failed()) {
                    runLengths.add(run.length());
                    runRates.add(run.finalSuccessRate());
                }
            }
            if (!runLengths.isEmpty()) {
                XYSeries runs = chart.addSeries("clipping " + clipping.label() + " (runs)", runLengths, runRates);
                runs.setLineStyle(SeriesLines.NONE);
                runs.setMarker(SeriesMarkers.DIAMOND);
                runs.setMarkerColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), 110));
            }
        }
        List<Double> chance = lengths.stream().map(length -> result.chanceSuccessRate()).toList();
        XYSeries chanceLine = chart.addSeries("chance (input ignored)", lengths, chance);
        chanceLine.setLineStyle(SeriesLines.DASH_DASH);
        chanceLine.setLineColor(Color.GRAY);
        chanceLine.setMarker(SeriesMarkers.NONE);
        return chart;
    }

    private static List<Double> zeroForNaN(List<Double> values) {
        return values.stream().map(value -> Double.isNaN(value) ? 0.0 : value).toList();
    }

    /** Evaluation loss against the step, one line per T. */
    public static XYChart lossChart(TrainingResult result, Clipping clipping, String titleSuffix) {
        TrainingExperiment.Settings settings = result.settings();
        XYChart chart = newChart(String.format(Locale.ROOT,
                        "%s, %s, clipping %s, η=%s: evaluation loss, median of %d seeds%s", settings.task(),
                        result.implementation(), clipping.label(), settings.learningRate(), settings.seeds(),
                        suffix(titleSuffix)),
                "SGD step", "loss on the evaluation batch");
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
            addMedianLine(chart, "T=" + length, byStep, COLORS[i % COLORS.length], false);
        }
        return chart;
    }

    /** Gradient norm (before clipping) against the step, log axis, one line per T. */
    public static XYChart gradientNormChart(TrainingResult result, Clipping clipping, String titleSuffix) {
        TrainingExperiment.Settings settings = result.settings();
        int window = Math.max(1, settings.steps() / WINDOWS);
        XYChart chart = newChart(String.format(Locale.ROOT,
                        "%s, %s, clipping %s: ‖dL/dθ‖ before clipping, median of %d seeds of the max per %d steps%s",
                        settings.task(), result.implementation(), clipping.label(), settings.seeds(), window,
                        suffix(titleSuffix)),
                "SGD step", "gradient norm (log)");
        chart.getStyler().setYAxisLogarithmic(true);
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
            addMedianLine(chart, "T=" + length, byWindow, COLORS[i % COLORS.length], true);
        }
        return chart;
    }

    /** One line through the medians of the values at each x; on a log axis, points that cannot be drawn are left out. */
    private static void addMedianLine(XYChart chart, String name, Map<Integer, List<Double>> valuesByX, Color color,
                                      boolean logAxis) {
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
        XYSeries series = chart.addSeries(name, xs, ys);
        series.setLineColor(color);
        series.setMarker(SeriesMarkers.NONE);
    }

    private static String suffix(String titleSuffix) {
        return titleSuffix == null || titleSuffix.isBlank() ? "" : " (" + titleSuffix + ")";
    }

    private static XYChart newChart(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setChartTitleFont(chart.getStyler().getChartTitleFont().deriveFont(12f));
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setMarkerSize(6);
        return chart;
    }
}
