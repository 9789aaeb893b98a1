package org.bptt.outputs;

import java.awt.Color;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A chart as plain data: what to draw, not how. The experiments and the bench build these; the run writer in the
 * reports module draws them (with XChart) as {@code charts/<name>.png} and {@code charts/<name>.svg}. So the code
 * that knows what a chart shows needs no drawing library, and every chart of a run is drawn by one piece of code.
 *
 * <p>Two kinds: an <b>x-y chart</b> ({@code categories} empty), whose series are points joined by a line and/or
 * marked; and a <b>bar chart</b> ({@code categories} given), whose series give one value per category, drawn as bars
 * side by side.
 *
 * @param name       the file base name, e.g. {@code decay-hidden-spectral-radius-tanh}: letters, digits, '.', '_'
 *                   or '-', starting with a letter or digit
 * @param title      the title drawn above the chart
 * @param xAxis      the horizontal axis
 * @param yAxis      the vertical axis
 * @param categories empty for an x-y chart; for a bar chart, the labels along the x axis
 * @param series     in the order of the legend; later series are drawn over earlier ones. Names are unique.
 * @param layout     size, title size, legend place and marker size
 */
public record ChartSpec(String name, String title, Axis xAxis, Axis yAxis, List<String> categories,
                        List<Series> series, Layout layout) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /** The colours series take in turn when a chart has no reason to choose: eight of Matplotlib's "tab10". */
    public static final List<Color> PALETTE = List.of(
            new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd),
            new Color(0xff7f0e), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf));

    /**
     * @throws IllegalArgumentException naming the chart and the series when the data cannot be drawn: a name that is
     *         not a file name, two series of one name, an x-y series with unequal x and y counts or no point, a bar
     *         series without one value per category or with a line or marker, a bar chart's x axis other than linear
     *         with its values for labels, a value a logarithmic axis cannot show
     */
    public ChartSpec {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(xAxis, "xAxis");
        Objects.requireNonNull(yAxis, "yAxis");
        Objects.requireNonNull(layout, "layout");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("chart name '" + name
                    + "' must be letters, digits, '.', '_' or '-' (it names the chart's files)");
        }
        categories = List.copyOf(categories);
        series = List.copyOf(series);
        if (!categories.isEmpty() && (xAxis.scale() != Scale.LINEAR || xAxis.tickLabels() != TickLabels.VALUES)) {
            throw new IllegalArgumentException("chart " + name + ": a bar chart's x axis is its categories, linear and "
                    + "labelled with them");
        }
        Set<String> names = new HashSet<>();
        for (Series one : series) {
            if (!names.add(one.name())) {
                throw new IllegalArgumentException("chart " + name + ": two series are called '" + one.name() + "'");
            }
            if (categories.isEmpty()) {
                checkXy(name, one);
            } else {
                checkBars(name, categories, one);
            }
            checkLogarithmic(name, one.name(), "x", xAxis, one.x());
            checkLogarithmic(name, one.name(), "y", yAxis, one.y());
        }
    }

    private static void checkXy(String chart, Series series) {
        if (series.x().size() != series.y().size()) {
            throw new IllegalArgumentException("chart " + chart + ", series '" + series.name() + "': " + series.x().size()
                    + " x values but " + series.y().size() + " y values");
        }
        if (series.x().isEmpty()) {
            throw new IllegalArgumentException("chart " + chart + ", series '" + series.name() + "' has no point");
        }
    }

    private static void checkBars(String chart, List<String> categories, Series series) {
        if (!series.x().isEmpty() || series.y().size() != categories.size()) {
            throw new IllegalArgumentException("chart " + chart + ", series '" + series.name() + "': a bar chart's series"
                    + " has no x values and one y value per category (" + categories.size() + "), not "
                    + series.x().size() + " x and " + series.y().size() + " y values");
        }
        if (series.line() != Line.NONE || series.marker() != Marker.NONE) {
            throw new IllegalArgumentException("chart " + chart + ", series '" + series.name()
                    + "': a bar chart's series are bars, with no line and no marker");
        }
    }

    private static void checkLogarithmic(String chart, String series, String axisName, Axis axis, List<Double> values) {
        if (axis.scale() != Scale.LOGARITHMIC) {
            return;
        }
        for (double value : values) {
            if (!(value > 0 && Double.isFinite(value))) {
                throw new IllegalArgumentException("chart " + chart + ", series '" + series + "': " + value
                        + " cannot be drawn on the logarithmic " + axisName + " axis (leave it out, or say where it is drawn)");
            }
        }
    }

    /** True for a bar chart, false for an x-y chart. */
    public boolean isBarChart() {
        return !categories.isEmpty();
    }

    /** The series of that name, if the chart has one. */
    public Optional<Series> seriesNamed(String seriesName) {
        return series.stream().filter(one -> one.name().equals(seriesName)).findFirst();
    }

    /** The {@code index}-th colour of the {@link #PALETTE}, round and round. */
    public static Color paletteColour(int index) {
        return PALETTE.get(Math.floorMod(index, PALETTE.size()));
    }

    /** How the points of a series are joined. */
    public enum Line {
        SOLID,
        DASHED,
        /** Thin and dotted: for guides that are not data. */
        DOTTED,
        /** Not joined: markers only, or bars. */
        NONE
    }

    /** What marks each point of a series. */
    public enum Marker {
        NONE,
        CIRCLE,
        DIAMOND,
        SQUARE,
        TRIANGLE_UP
    }

    /** How an axis maps values to positions. */
    public enum Scale {
        LINEAR,
        /** Every value must be positive and finite; ticks at powers of ten. */
        LOGARITHMIC
    }

    /** What an axis's tick labels say. */
    public enum TickLabels {
        /** The value itself, in the drawing library's number format. */
        VALUES,
        /**
         * The values are base-2 logarithms (of a length T, say), so that equal steps are doublings: a tick at a whole
         * number e is labelled 2^e, ticks in between are left blank.
         */
        POWERS_OF_TWO,
        /** The values are base-10 logarithms: a tick at v is labelled 10^v, as {@link Table#significant} writes it. */
        POWERS_OF_TEN
    }

    /**
     * An axis.
     *
     * @param title      drawn along the axis
     * @param scale      linear or logarithmic
     * @param min        the lowest value shown, or null for the data's
     * @param max        the highest value shown, or null for the data's
     * @param tickLabels what the tick labels say
     */
    public record Axis(String title, Scale scale, Double min, Double max, TickLabels tickLabels) {

        public Axis {
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(scale, "scale");
            Objects.requireNonNull(tickLabels, "tickLabels");
            if (min != null && max != null && !(min < max)) {
                throw new IllegalArgumentException("axis '" + title + "': min " + min + " is not below max " + max);
            }
        }

        /** A linear axis fitted to the data, labelled with the values. */
        public static Axis linear(String title) {
            return new Axis(title, Scale.LINEAR, null, null, TickLabels.VALUES);
        }

        /** A logarithmic axis fitted to the data. */
        public static Axis logarithmic(String title) {
            return new Axis(title, Scale.LOGARITHMIC, null, null, TickLabels.VALUES);
        }

        /** The same axis showing exactly {@code lowest} to {@code highest}. */
        public Axis between(double lowest, double highest) {
            return new Axis(title, scale, lowest, highest, tickLabels);
        }

        /** The same axis with other tick labels. */
        public Axis labelled(TickLabels labels) {
            return new Axis(title, scale, min, max, labels);
        }
    }

    /**
     * One series.
     *
     * @param name   its legend entry
     * @param x      the x values of an x-y chart's points; empty in a bar chart
     * @param y      the y values: one per x, or one per category in a bar chart
     * @param colour of its line, markers or bars (with alpha, for faint markers)
     * @param line   how its points are joined ({@link Line#NONE} in a bar chart)
     * @param marker what marks its points ({@link Marker#NONE} in a bar chart)
     */
    public record Series(String name, List<Double> x, List<Double> y, Color colour, Line line, Marker marker) {

        public Series {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(colour, "colour");
            Objects.requireNonNull(line, "line");
            Objects.requireNonNull(marker, "marker");
            x = List.copyOf(x);
            y = List.copyOf(y);
        }

        /** Points joined by a line, unmarked. */
        public static Series line(String name, List<? extends Number> x, List<Double> y, Color colour, Line line) {
            return new Series(name, doubles(x), y, colour, line, Marker.NONE);
        }

        /** Points marked, not joined. */
        public static Series points(String name, List<? extends Number> x, List<Double> y, Color colour, Marker marker) {
            return new Series(name, doubles(x), y, colour, Line.NONE, marker);
        }

        /** Points joined by a solid line and marked. */
        public static Series markedLine(String name, List<? extends Number> x, List<Double> y, Color colour, Marker marker) {
            return markedLine(name, x, y, colour, Line.SOLID, marker);
        }

        /** Points joined by a line of the given style and marked. */
        public static Series markedLine(String name, List<? extends Number> x, List<Double> y, Color colour, Line line,
                                        Marker marker) {
            return new Series(name, doubles(x), y, colour, line, marker);
        }

        /** A bar chart's series: one value per category. */
        public static Series bars(String name, List<Double> values, Color colour) {
            return new Series(name, List.of(), values, colour, Line.NONE, Marker.NONE);
        }

        private static List<Double> doubles(List<? extends Number> values) {
            return values.stream().map(Number::doubleValue).toList();
        }
    }

    /**
     * How the chart is laid out.
     *
     * @param width      in pixels
     * @param height     in pixels
     * @param titleSize  the title's font size, in points
     * @param legend     where the legend goes
     * @param markerSize the markers' size, in pixels
     */
    public record Layout(int width, int height, float titleSize, Legend legend, int markerSize) {

        public Layout {
            Objects.requireNonNull(legend, "legend");
            if (width <= 0 || height <= 0 || !(titleSize > 0) || markerSize <= 0) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "a chart layout needs positive sizes, got %dx%d, title %s, markers %d",
                        width, height, titleSize, markerSize));
            }
        }
    }

    /** Where the legend goes: always outside the plot, so that it never hides data. */
    public enum Legend {
        /** Right of the plot, one entry per row. */
        RIGHT,
        /** Below the plot, entries side by side. */
        BELOW_IN_ROWS,
        /** Below the plot, one entry per row. */
        BELOW_IN_A_COLUMN
    }
}
