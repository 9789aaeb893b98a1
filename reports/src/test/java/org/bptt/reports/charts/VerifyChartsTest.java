package org.bptt.reports.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.bptt.api.Quantity;
import org.bptt.core.compare.ElementDiff;
import org.bptt.core.compare.QuantityComparison;
import org.bptt.core.verify.CaseResult;
import org.bptt.core.verify.Status;
import org.bptt.reports.FakeResults;
import org.bptt.reports.RunFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;

class VerifyChartsTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"), ZoneOffset.UTC);

    @TempDir
    Path root;

    @Test
    void implementationChartShowsTheWorstRatioOfEachQuantityOverItsCasesAndTheToleranceLine() {
        FakeResults fake = new FakeResults(11);
        List<CaseResult> results = List.of(
                fake.passed("dl4j", "a"),
                fake.failed("dl4j", "b", "dL/dW", 40.0, Status.FAILED, "dL/dW beyond tolerance"),
                fake.passed("dl4j", "c"),
                fake.skipped("dl4j", "d"),
                fake.failed("other", "b", "loss", 1e6, Status.FAILED, "not this implementation"));

        CategoryChart chart = VerifyCharts.implementationChart("dl4j", results, "run-1");

        CategorySeries ratios = chart.getSeries("worst error / allowance");
        assertEquals(FakeResults.QUANTITIES, List.copyOf(ratios.getXData()));
        double[] drawn = ratios.getYData();
        for (int q = 0; q < FakeResults.QUANTITIES.size(); q++) {
            double worst = 0;
            for (CaseResult result : results.subList(0, 3)) {
                worst = Math.max(worst, result.comparisons().get(q).worst().errorRatio());
            }
            assertEquals(worst, drawn[q], 0.0, FakeResults.QUANTITIES.get(q));
        }
        assertEquals(40.0, drawn[FakeResults.QUANTITIES.indexOf("dL/dW")], 1e-6);
        CategorySeries tolerance = chart.getSeries("tolerance (error = allowance)");
        assertTrue(java.util.Arrays.stream(tolerance.getYData()).allMatch(y -> y == 1.0));
        assertEquals(CategorySeries.CategorySeriesRenderStyle.Line, tolerance.getChartCategorySeriesRenderStyle().orElseThrow());
        assertTrue(chart.getStyler().isYAxisLogarithmic());
        assertTrue(chart.getTitle().contains("dl4j") && chart.getTitle().contains("3 cases")
                && chart.getTitle().contains("run-1"), chart.getTitle());
    }

    @Test
    void theWorstErrorIsAmongTheComparisonsThatCountWithKnownDivergencesApart() {
        List<CaseResult> results = new FakeResults(42).mixedRun();
        CaseResult known = results.stream().filter(result -> result.status() == Status.KNOWN_DIVERGENCE).findFirst()
                .orElseThrow();
        int dc = FakeResults.QUANTITIES.indexOf("dL/dc");

        CategoryChart chart = VerifyCharts.implementationChart("dl4j", results, "run-1");

        double excused = known.comparisons().get(dc).worst().errorRatio();
        assertEquals(excused, chart.getSeries(VerifyCharts.KNOWN_SERIES).getYData()[dc], 0.0);
        double counted = chart.getSeries("worst error / allowance").getYData()[dc];
        assertTrue(counted < excused, "the known divergence's " + excused + " is not among those that count: " + counted);
        double expected = 0;
        for (CaseResult result : results) {
            if (result.implementationId().equals("dl4j") && result != known && !result.comparisons().isEmpty()) {
                expected = Math.max(expected, result.comparisons().get(dc).worst().errorRatio());
            }
        }
        assertEquals(expected, counted, 0.0);
        // The title is whole: the chart is as wide as its title needs.
        assertTrue(chart.getWidth() >= VerifyCharts.titleWidth(chart.getTitle()), chart.getTitle());
    }

    @Test
    void caseChartShowsRelativeErrorNextToTheRelativeAllowance() {
        ElementDiff worst = FakeResults.element("dL/dW", "[row=1, col=2]", 0.5, 0.5001, 1e-6);
        CaseResult result = new CaseResult("c", "dl4j", FakeResults.ORACLE, Status.FAILED, "m",
                List.of(new QuantityComparison(new Quantity("dL/dW"), 4, 1, worst, List.of(worst))), java.util.Map.of(), 1);

        CategoryChart chart = VerifyCharts.caseChart(result, "run-1").orElseThrow();

        // |a − e| / max(|e|, |a|) = 1e-4 / 0.5001; allowance 1e-6 / 0.5001: a factor 100 apart, as error and allowance.
        double error = chart.getSeries("worst relative error").getYData()[0];
        double allowance = chart.getSeries("relative error allowed there").getYData()[0];
        assertEquals(1e-4 / 0.5001, error, 1e-15);
        assertEquals(1e-6 / 0.5001, allowance, 1e-17);
        assertEquals(List.of("dL/dW [row=1, col=2]"), List.copyOf(chart.getSeries("worst relative error").getXData()));
    }

    @Test
    void caseChartIsEmptyWhenNothingWasCompared() {
        assertTrue(VerifyCharts.caseChart(new FakeResults(1).skipped("dl4j", "s"), "r").isEmpty());
        assertFalse(VerifyCharts.needsCaseChart(new FakeResults(1).error("dl4j", "e")));
        assertFalse(VerifyCharts.needsCaseChart(new FakeResults(1).passed("dl4j", "p")));
        assertTrue(VerifyCharts.needsCaseChart(new FakeResults(1).awkward("dl4j", "w")));
    }

    @Test
    void writesOneChartPerImplementationAndOnePerFailedCase() throws IOException {
        List<CaseResult> results = new FakeResults(42).mixedRun();
        RunFolder run = RunFolder.create(root, "verify", CLOCK);

        List<Path> implementationCharts = VerifyCharts.writeImplementationCharts(run, results);
        List<Path> caseCharts = new ArrayList<>();
        for (CaseResult result : results) {
            VerifyCharts.writeCaseChart(run, result).ifPresent(caseCharts::add);
        }

        assertEquals(List.of(run.resolve("charts/verify-errors-dl4j.png"), run.resolve("charts/verify-errors-dl4j.svg"),
                run.resolve("charts/verify-errors-student-rnn.png"), run.resolve("charts/verify-errors-student-rnn.svg")),
                implementationCharts);
        for (Path svg : implementationCharts.stream().filter(path -> path.toString().endsWith(".svg")).toList()) {
            // Dashed grid lines once made every dash a path of its own: 2 MB for one chart.
            assertTrue(Files.size(svg) < 300_000, svg + " is " + Files.size(svg) + " bytes");
        }
        // mixedRun: dl4j has one failure and one known divergence, student-rnn one awkward failure.
        assertEquals(List.of(run.resolve("charts/cases/dl4j/relu-B1-T40-s3.png"),
                run.resolve("charts/cases/dl4j/sigmoid-last-step-B2-T6-s5.png"),
                run.resolve("charts/cases/student-rnn/awkward-B2-T2-s7.png")), caseCharts);
        for (Path chart : caseCharts) {
            assertTrue(Files.size(chart) > 1000, chart + " is too small to be a chart");
            assertFalse(Files.exists(Path.of(chart.toString().replace(".png", ".svg"))), "per-case charts are PNG only");
        }
    }

    @Test
    void anImplementationWithNothingComparedStillGetsAValidChart() throws IOException {
        RunFolder run = RunFolder.create(root, "verify", CLOCK);
        List<Path> written = VerifyCharts.writeImplementationCharts(run, List.of(new FakeResults(2).skipped("x", "s")));
        assertEquals(2, written.size());
        assertTrue(Files.size(written.get(0)) > 1000);
    }
}
