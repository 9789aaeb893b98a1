package org.bptt.reports.charts;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.bptt.reports.AtomicFiles;
import org.knowm.xchart.ChartEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * Saves an XChart chart as PNG (for reports and Allure) and SVG (for write-ups), each written atomically. Every chart
 * of bptt-harness (verify errors, timings, decay curves) goes through here. Rendering runs headless: this class sets
 * {@code java.awt.headless=true} unless the property was set already, before any chart is built.
 */
public final class ChartWriter {

    static {
        Headless.ensure();
    }

    private static final Pattern BASE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private ChartWriter() {
    }

    /**
     * Writes {@code <directory>/<baseName>.png} and {@code <directory>/<baseName>.svg}.
     *
     * @param baseName the file name without extension: letters, digits, '.', '_' or '-'
     * @return the PNG and the SVG, in that order
     */
    public static List<Path> save(Chart<?, ?> chart, Path directory, String baseName) throws IOException {
        Path png = savePng(chart, directory, baseName);
        Path svg = directory.resolve(baseName + ".svg");
        // XChart's default grid lines are dashed, and the SVG encoder writes every dash as a path of its own (about
        // 2 MB for a log-scale chart): solid hairlines look the same at a glance and keep the file small.
        if (chart.getStyler() instanceof org.knowm.xchart.style.AxesChartStyler styler) {
            styler.setPlotGridLinesStroke(new java.awt.BasicStroke(0.4f));
        }
        AtomicFiles.write(svg, out -> ChartEncoder.saveChart(chart, out, "svg"));
        return List.of(png, svg);
    }

    /** Writes {@code <directory>/<baseName>.png} only: for the many small per-case charts. */
    public static Path savePng(Chart<?, ?> chart, Path directory, String baseName) throws IOException {
        if (baseName == null || !BASE_NAME.matcher(baseName).matches()) {
            throw new IllegalArgumentException("chart file name '" + baseName
                    + "' must be letters, digits, '.', '_' or '-' (see ChartWriter.safeName)");
        }
        Path png = directory.resolve(baseName + ".png");
        AtomicFiles.write(png, out -> ChartEncoder.saveChart(chart, out, "png"));
        return png;
    }

    /** The chart as PNG bytes. */
    public static byte[] png(Chart<?, ?> chart) throws IOException {
        return ChartEncoder.getBytes(chart, "png");
    }

    /**
     * Turns any text (a case id, a plugin id, a quantity such as {@code dL/dW}) into a file-name-safe base name:
     * characters other than letters, digits, '.', '_' and '-' become '_'.
     */
    public static String safeName(String text) {
        String safe = text.replaceAll("[^A-Za-z0-9._-]", "_");
        return safe.isEmpty() || !Character.isLetterOrDigit(safe.charAt(0)) ? "x" + safe : safe;
    }
}
