package org.bptt.reports.charts;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bptt.core.compare.ElementDiff;
import org.bptt.core.compare.QuantityComparison;
import org.bptt.core.verify.CaseResult;
import org.bptt.core.verify.Status;
import org.bptt.reports.Results;
import org.bptt.reports.RunFolder;
import org.bptt.reports.RunOutputs;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.Styler;

/**
 * The charts of a {@code verify} run, on logarithmic axes (errors span many decades):
 * <ul>
 *   <li>per implementation, {@code charts/verify-errors-<implementation>}: for each quantity, the worst error ratio
 *       (error / allowance, ≤ 1 passes) over all its cases, with the tolerance line at 1;</li>
 *   <li>per failed case, {@code charts/cases/<implementation>/<case>}: for each quantity, the worst element's
 *       relative error |a − e| / max(|e|, |a|) next to the relative error allowed at that element,
 *       allowed / max(|e|, |a|). The two bars stand in the same proportion as the error and its allowance.</li>
 * </ul>
 * Each title names the run folder, whose run.json says how the numbers were produced.
 */
public final class VerifyCharts {

    static {
        Headless.ensure();
    }

    private static final int WIDTH = 900;
    private static final int HEIGHT = 520;
    private static final float TITLE_SIZE = 13f;

    private VerifyCharts() {
    }

    /**
     * The error chart of one implementation over all its results with comparisons.
     *
     * @param runName the run folder's name, shown in the title
     */
    public static CategoryChart implementationChart(String implementationId, List<CaseResult> results, String runName) {
        // The comparisons that count, and apart from them those a known divergence excuses (Results.excused).
        Map<String, Double> worstRatioByQuantity = new LinkedHashMap<>();
        Map<String, Double> worstExcusedByQuantity = new LinkedHashMap<>();
        Map<String, Integer> casesByQuantity = new LinkedHashMap<>();
        for (CaseResult result : results) {
            if (!implementationId.equals(result.implementationId())) {
                continue;
            }
            for (QuantityComparison comparison : Results.comparisons(result)) {
                if (comparison.worst() == null) {
                    continue;
                }
                String quantity = comparison.quantity().name();
                double ratio = Results.errorRatio(comparison);
                worstRatioByQuantity.putIfAbsent(quantity, 0.0);
                (Results.excused(result, comparison) ? worstExcusedByQuantity : worstRatioByQuantity)
                        .merge(quantity, ratio, (a, b) -> Double.compare(a, b) >= 0 ? a : b);
                casesByQuantity.merge(quantity, 1, Integer::sum);
            }
        }
        List<String> quantities = new ArrayList<>(worstRatioByQuantity.keySet());
        int count = quantities.size();
        List<Double> all = new ArrayList<>(worstRatioByQuantity.values());
        List<String> excusedQuantities = quantities.stream().filter(worstExcusedByQuantity::containsKey).toList();
        excusedQuantities.forEach(quantity -> all.add(worstExcusedByQuantity.get(quantity)));
        boolean anyExcused = !excusedQuantities.isEmpty();
        LogAxisValues ratios = LogAxisValues.of(all, 1.0);
        int cases = casesByQuantity.values().stream().mapToInt(Integer::intValue).max().orElse(0);

        CategoryChart chart = newChart(implementationId + ": worst error / allowance per quantity over " + cases
                + " cases (run " + runName + ")", "quantity", "worst error / allowance (log)");
        if (quantities.isEmpty()) {
            // XChart cannot draw an empty category chart; one empty category keeps the file valid and says why.
            quantities = List.of("nothing compared");
            ratios = LogAxisValues.of(List.of(0.0), 1.0);
            count = 1;
        }
        chart.addSeries(withNote("worst error / allowance", ratios.note()), quantities, ratios.drawn().subList(0, count));
        if (anyExcused) {
            // A quantity no known divergence touched has no bar of this series: it stays at the axis floor.
            List<Double> excusedDrawn = new ArrayList<>();
            for (String quantity : quantities) {
                int index = excusedQuantities.indexOf(quantity);
                excusedDrawn.add(index < 0 ? ratios.floor() : ratios.drawn().get(count + index));
            }
            chart.addSeries(KNOWN_SERIES, quantities, excusedDrawn).setFillColor(KNOWN_COLOUR);
        }
        addToleranceLine(chart, quantities, "tolerance (error = allowance)");
        fitAxis(chart, ratios);
        return chart;
    }

    /** The series of the comparisons known divergences excuse, drawn apart from those that count. */
    public static final String KNOWN_SERIES = "known divergences (excused, shown apart)";
    /** Allure's colour of the "unknown" status, which the report gives known divergences. */
    private static final java.awt.Color KNOWN_COLOUR = new java.awt.Color(0xd3, 0x5e, 0xbe);

    /**
     * The chart of one case: per quantity, the worst element's relative error against the relative error allowed
     * there. Empty when nothing was compared (a skipped case or a plugin error).
     */
    public static Optional<CategoryChart> caseChart(CaseResult result, String runName) {
        List<String> quantities = new ArrayList<>();
        List<Double> relativeErrors = new ArrayList<>();
        List<Double> relativeAllowances = new ArrayList<>();
        for (QuantityComparison comparison : Results.comparisons(result)) {
            ElementDiff worst = comparison.worst();
            if (worst == null) {
                continue;
            }
            quantities.add(worst.isMalformed() ? comparison.quantity() + " (malformed)"
                    : (comparison.quantity() + " " + worst.index()).trim());
            relativeErrors.add(worst.relError());
            double magnitude = Math.max(Math.abs(worst.expected()), Math.abs(worst.actual()));
            // Where both values are 0 any allowance is unbounded in relative terms: NaN, drawn at the top.
            relativeAllowances.add(magnitude > 0 ? worst.allowed() / magnitude : Double.NaN);
        }
        if (quantities.isEmpty()) {
            return Optional.empty();
        }
        List<Double> all = new ArrayList<>(relativeErrors);
        all.addAll(relativeAllowances);
        LogAxisValues scaled = LogAxisValues.of(all, Collections.min(positiveOrOne(all)));
        int count = quantities.size();
        List<Double> errorsDrawn = scaled.drawn().subList(0, count);
        List<Double> allowancesDrawn = scaled.drawn().subList(count, 2 * count);

        CategoryChart chart = newChart(result.implementationId() + " vs " + result.oracleId() + ", case "
                + result.caseId() + ": " + result.status() + " (run " + runName + ")",
                "quantity, worst element", "relative error (log)");
        chart.getStyler().setXAxisLabelRotation(count > 4 ? 30 : 0);
        chart.addSeries(withNote("worst relative error", scaled.note()), quantities, errorsDrawn);
        chart.addSeries("relative error allowed there", quantities, allowancesDrawn);
        fitAxis(chart, scaled);
        return Optional.of(chart);
    }

    /** True for the results that get a chart of their own: those beyond tolerance. */
    public static boolean needsCaseChart(CaseResult result) {
        return (result.status() == Status.FAILED || result.status() == Status.KNOWN_DIVERGENCE
                || result.status() == Status.ILL_CONDITIONED)
                && Results.worstQuantity(result).isPresent();
    }

    /**
     * Writes one error chart per implementation into {@code charts/}.
     *
     * @return the files written, PNG then SVG for each implementation
     */
    public static List<Path> writeImplementationCharts(RunFolder run, List<CaseResult> results) throws IOException {
        List<Path> written = new ArrayList<>();
        for (String implementation : results.stream().map(CaseResult::implementationId).distinct().sorted().toList()) {
            written.addAll(writeImplementationChart(run, implementation, results));
        }
        return written;
    }

    /**
     * Writes the error chart of one implementation into {@code charts/}.
     *
     * @return the PNG, then the SVG
     */
    public static List<Path> writeImplementationChart(RunFolder run, String implementation, List<CaseResult> results)
            throws IOException {
        CategoryChart chart = implementationChart(implementation, results, run.name());
        return ChartWriter.save(chart, run.resolve(RunOutputs.CHARTS), "verify-errors-" + ChartWriter.safeName(implementation));
    }

    /**
     * Writes the case chart into {@code charts/cases/<implementation>/} when {@link #needsCaseChart} says so.
     *
     * @return the PNG written, if any
     */
    public static Optional<Path> writeCaseChart(RunFolder run, CaseResult result) throws IOException {
        if (!needsCaseChart(result)) {
            return Optional.empty();
        }
        Optional<CategoryChart> chart = caseChart(result, run.name());
        if (chart.isEmpty()) {
            return Optional.empty();
        }
        Path directory = run.resolve(RunOutputs.CHARTS + "/cases/" + ChartWriter.safeName(result.implementationId()));
        return Optional.of(ChartWriter.savePng(chart.get(), directory, ChartWriter.safeName(result.caseId())));
    }

    private static CategoryChart newChart(String title, String xTitle, String yTitle) {
        CategoryChart chart = new CategoryChartBuilder().width(Math.max(WIDTH, titleWidth(title))).height(HEIGHT)
                .title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        // XChart leaves out category labels closer than its spacing hint (every other one on 15 quantities): the
        // smallest hint labels every bar; the rotation keeps long labels apart.
        chart.getStyler().setXAxisTickMarkSpacingHint(1);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setChartTitleFont(chart.getStyler().getChartTitleFont().deriveFont(TITLE_SIZE));
        chart.getStyler().setOverlapped(false);
        chart.getStyler().setXAxisLabelRotation(30);
        return chart;
    }

    /** The width that shows {@code title} whole in the charts' title font, with a margin on each side. */
    static int titleWidth(String title) {
        java.awt.Font font = new CategoryChartBuilder().build().getStyler().getChartTitleFont().deriveFont(TITLE_SIZE);
        java.awt.image.BufferedImage scratch = new java.awt.image.BufferedImage(1, 1, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D graphics = scratch.createGraphics();
        try {
            return (int) Math.ceil(graphics.getFontMetrics(font).getStringBounds(title, graphics).getWidth()) + 40;
        } finally {
            graphics.dispose();
        }
    }

    private static void addToleranceLine(CategoryChart chart, List<String> categories, String name) {
        List<Double> ones = Collections.nCopies(categories.size(), 1.0);
        CategorySeries line = chart.addSeries(name, categories, ones);
        line.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
    }

    private static void fitAxis(CategoryChart chart, LogAxisValues values) {
        chart.getStyler().setYAxisMin(values.floor());
        chart.getStyler().setYAxisMax(values.ceiling());
    }

    private static String withNote(String name, String note) {
        return note.isEmpty() ? name : name + " (" + note + ")";
    }

    private static List<Double> positiveOrOne(List<Double> values) {
        List<Double> positive = values.stream().filter(v -> v > 0 && Double.isFinite(v)).toList();
        return positive.isEmpty() ? List.of(1.0) : positive;
    }
}
