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
        if (baseName == null || !BASE_NAME.matcher(baseName).matches()) {
            throw new IllegalArgumentException("chart file name '" + baseName
                    + "' must be letters, digits, '.', '_' or '-' (see ChartWriter.safeName)");
        }
        Path png = directory.resolve(baseName + ".png");
        Path svg = directory.resolve(baseName + ".svg");
        AtomicFiles.write(png, out -> ChartEncoder.saveChart(chart, out, "png"));
        AtomicFiles.write(svg, out -> ChartEncoder.saveChart(chart, out, "svg"));
        return List.of(png, svg);
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
