package org.bptt.reports.allure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.bptt.core.verify.CaseResult;
import org.bptt.reports.FakeResults;
import org.bptt.reports.Provenance;
import org.bptt.reports.RunFolder;
import org.bptt.reports.VerifyReport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens the generated report in a real browser (headless chromium) and reads what it shows. Skipped, with the reason,
 * only when chromium is not installed. The run folder is kept under {@code target/browser-check/}, with the
 * screenshots {@value #SCREENSHOT} and {@value #CASE_SCREENSHOT}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportInBrowserTest {

    static final String SCREENSHOT = "report-screenshot.png";
    static final String CASE_SCREENSHOT = "report-screenshot-case.png";

    private static final ObjectMapper JSON = new ObjectMapper();
    /** mixedRun's verdicts as Allure counts them: the known divergence is unknown, the plugin error broken. */
    private static final Map<String, Integer> EXPECTED_STATUSES = Map.of("passed", 5, "failed", 2, "unknown", 1,
            "broken", 1, "skipped", 1);
    private static final int EXPECTED_CASES = 10;

    @TempDir
    static Path temporary;

    private Chromium chromium;
    private RunFolder run;
    private VerifyReport.Outputs outputs;

    @BeforeAll
    void generateTheReport() throws IOException {
        chromium = Chromium.find(temporary).orElse(null);
        Assumptions.assumeTrue(chromium != null,
                "chromium is not installed (apt-get install -y chromium): cannot open the report in a browser");

        run = RunFolder.create(Path.of("target", "browser-check"), "verify", Clock.systemDefaultZone());
        Provenance provenance = Provenance.capture(List.of("verify", "--suite", "fake"), "test", List.of(),
                List.of(42L), "fake mixed run", Map.of("float64.relative", "1.0E-10"), Map.of(), Path.of("."),
                Instant.now());
        List<CaseResult> results = new FakeResults(42).mixedRun();
        try (VerifyReport report = VerifyReport.start(run, provenance, Clock.systemUTC())) {
            for (CaseResult result : results) {
                report.add(result);
            }
            outputs = report.finish();
        }
        assertEquals(EXPECTED_CASES, results.size());
    }

    @Test
    void theServedReportShowsEveryCaseAndItsStatus() throws Exception {
        try (ReportServer server = new ReportServer(outputs.reportIndex().getParent())) {
            String dom = chromium.dumpDom(server.url("index.html"));

            assertEquals(Integer.toString(EXPECTED_CASES), casesShown(dom), "the summary widget's test case count");
            assertEquals(EXPECTED_STATUSES, statusesShown(dom), "the suites widget's status bar");
            assertTrue(dom.contains(AllureResults.CATEGORY_KNOWN_DIVERGENCE), "the categories widget");

            chromium.screenshot(server.url("index.html"), run.resolve(SCREENSHOT), 1400, 1000);
        }
        BufferedImage screenshot = ImageIO.read(run.resolve(SCREENSHOT).toFile());
        assertEquals(1400, screenshot.getWidth());
    }

    @Test
    void aFailedCaseShowsItsChart() throws Exception {
        Path report = outputs.reportIndex().getParent();
        JsonNode testCase = testCaseNamed(report, "relu-B1-T40-s3");
        JsonNode chart = null;
        for (JsonNode attachment : testCase.get("testStage").get("attachments")) {
            if (attachment.get("type").asText().equals("image/png")) {
                chart = attachment;
            }
        }
        assertTrue(chart != null, "the failed case has no chart attached: " + testCase);
        String source = chart.get("source").asText();

        try (ReportServer server = new ReportServer(report)) {
            // Allure's route to a test result, with one attachment opened.
            String url = server.url("index.html#testresult/" + testCase.get("uid").asText() + "?attachment="
                    + chart.get("uid").asText());
            String dom = chromium.dumpDom(url);

            assertTrue(dom.contains("relu-B1-T40-s3"), "the test result page is not shown");
            assertTrue(dom.contains("<code>relu-B1-T40-s3</code>") && dom.contains("Outcome: FAILED"),
                    "the case's description (descriptionHtml) is not on the page");
            assertTrue(dom.contains("<img class=\"attachment__media\" src=\"data/attachments/" + source + "\">"),
                    "the chart is not on the page");
            assertTrue(server.requests().contains("GET /data/attachments/" + source + " 200"),
                    "the browser did not load the chart image; requests: " + server.requests());
            chromium.screenshot(url, run.resolve(CASE_SCREENSHOT), 1400, 1000);
        }
        BufferedImage served = ImageIO.read(report.resolve("data/attachments/" + source).toFile());
        assertTrue(served != null && served.getWidth() > 0, "the served chart is not a PNG image");
    }

    @Test
    void theSingleFileReportOpensFromFileUrl() throws Exception {
        String dom = chromium.dumpDom(outputs.singleFile().toUri().toString());

        // The single file keeps every case that did not pass and one summary per implementation's passed cases (of
        // one cell and head) and per skip reason: mixedRun's 5 passed cases of two implementations are 2 summaries.
        assertEquals(Integer.toString(EXPECTED_CASES - 3), casesShown(dom), "the summary widget's test case count");
        Map<String, Integer> condensed = new java.util.HashMap<>(EXPECTED_STATUSES);
        condensed.put("passed", 2);
        assertEquals(condensed, statusesShown(dom), "the suites widget's status bar");
    }

    /** The number in the summary widget ("10 test cases"). */
    private static String casesShown(String dom) {
        Matcher count = Pattern.compile("<div class=\"splash__title\">\\s*(\\d+)\\s*</div>\\s*"
                + "<div class=\"splash__subtitle\">\\s*test cases\\s*</div>").matcher(dom);
        assertTrue(count.find(), "no test case count in the page:\n" + abbreviate(dom));
        return count.group(1);
    }

    /** The status counts of the first status bar: the suites widget of the overview. */
    private static Map<String, Integer> statusesShown(String dom) {
        Matcher bar = Pattern.compile("<div class=\"bar\">(.*?)</div></div>", Pattern.DOTALL).matcher(dom);
        assertTrue(bar.find(), "no status bar in the page:\n" + abbreviate(dom));
        Map<String, Integer> statuses = new LinkedHashMap<>();
        Matcher fill = Pattern.compile("bar__fill_status_(\\w+)\"[^>]*>(\\d+)<").matcher(bar.group(1) + "</div>");
        while (fill.find()) {
            statuses.put(fill.group(1), Integer.parseInt(fill.group(2)));
        }
        return statuses;
    }

    private static JsonNode testCaseNamed(Path report, String name) throws IOException {
        try (Stream<Path> files = Files.list(report.resolve("data/test-cases"))) {
            for (Path file : files.toList()) {
                JsonNode testCase = JSON.readTree(file.toFile());
                if (testCase.get("name").asText().equals(name)) {
                    return testCase;
                }
            }
        }
        throw new AssertionError("no test case named " + name + " in " + report);
    }

    private static String abbreviate(String text) {
        return text.length() > 3000 ? text.substring(0, 3000) + "…" : text;
    }
}
