package org.bptt.reports.allure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.bptt.core.verify.CaseResult;
import org.bptt.core.verify.Status;
import org.bptt.reports.FakeResults;
import org.bptt.reports.RunFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AllureReportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;

    private static Clock at(String instant) {
        return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
    }

    /** A run folder holding Allure results for {@code results}. */
    private RunFolder runWith(List<CaseResult> results, Clock clock) throws IOException {
        RunFolder run = RunFolder.create(root, "verify", clock);
        AllureResults allure = AllureResults.in(run, clock);
        for (CaseResult result : results) {
            allure.add(result);
        }
        allure.writeCategories();
        allure.writeExecutor(run.name(), run.earlierRuns().size() + 1L);
        return run;
    }

    @Test
    void theGeneratorAcceptsTheResults() throws IOException {
        List<CaseResult> results = new FakeResults(42).mixedRun();
        RunFolder run = runWith(results, at("2025-01-02T03:04:05Z"));

        Path index = AllureReport.generate(run.resolve(AllureResults.DIRECTORY), run.resolve("allure-report"), null);

        assertEquals(run.resolve("allure-report/index.html"), index);
        assertTrue(Files.isRegularFile(index));
        assertEquals(results.size(), count(run.resolve("allure-report/data/test-cases")));
        JsonNode statistic = JSON.readTree(run.resolve("allure-report/widgets/summary.json").toFile()).get("statistic");
        // mixedRun: 5 passed, 2 failed, 1 known divergence (unknown: its own colour, not a failure), 1 error
        // (broken), 1 skipped.
        assertEquals(5, statistic.get("passed").asInt());
        assertEquals(2, statistic.get("failed").asInt());
        assertEquals(1, statistic.get("unknown").asInt());
        assertEquals(1, statistic.get("broken").asInt());
        assertEquals(1, statistic.get("skipped").asInt());
        assertEquals(10, statistic.get("total").asInt());

        for (Path testCase : list(run.resolve("allure-report/data/test-cases"))) {
            // Allure leaves testStage out of a result with neither steps nor attachments (a skip, an error).
            for (JsonNode attachment : JSON.readTree(testCase.toFile()).path("testStage").path("attachments")) {
                assertTrue(Files.isRegularFile(run.resolve("allure-report/data/attachments/"
                        + attachment.get("source").asText())), "missing attachment " + attachment);
            }
        }
    }

    @Test
    void theReportFilesEachResultUnderItsCategory() throws IOException {
        RunFolder run = runWith(new FakeResults(42).mixedRun(), at("2025-01-02T03:04:05Z"));
        AllureReport.generate(run.resolve(AllureResults.DIRECTORY), run.resolve("allure-report"), null);

        Map<String, Set<String>> casesByCategory = new TreeMap<>();
        for (JsonNode category : JSON.readTree(run.resolve("allure-report/data/categories.json").toFile()).get("children")) {
            Set<String> names = new TreeSet<>();
            collectLeafNames(category, names);
            casesByCategory.put(category.get("name").asText(), names);
        }
        assertEquals(Map.of(
                AllureResults.CATEGORY_DIVERGENCE, Set.of("relu-B1-T40-s3", "awkward-B2-T2-s7"),
                AllureResults.CATEGORY_KNOWN_DIVERGENCE + ": " + FakeResults.KNOWN_EXPLANATION,
                Set.of("sigmoid-last-step-B2-T6-s5"),
                AllureResults.CATEGORY_PLUGIN_ERROR, Set.of("identity-B1-T3-s6"),
                AllureResults.CATEGORY_UNSUPPORTED, Set.of("masked-B4-T9-s4")), casesByCategory);
    }

    @Test
    void theReportMakesNoRequestToAnotherHost() throws IOException {
        RunFolder run = runWith(new FakeResults(1).mixedRun(), at("2025-01-02T03:04:05Z"));
        Path index = AllureReport.generate(run.resolve(AllureResults.DIRECTORY), run.resolve("allure-report"), null);
        Path single = AllureReport.generateSingleFile(run.resolve(AllureResults.DIRECTORY), run.resolve("report.html"));

        for (Path html : List.of(index, single)) {
            String text = Files.readString(html);
            assertFalse(text.contains("googletagmanager"), html + " loads the analytics script");
            assertFalse(text.matches("(?s).*(src|href)=\"https?://.*"), html + " loads something from another host");
        }
    }

    @Test
    void theSingleFileReportIsOneFileWithTheDataInside() throws IOException {
        RunFolder run = runWith(new FakeResults(1).mixedRun(), at("2025-01-02T03:04:05Z"));
        Path single = AllureReport.generateSingleFile(run.resolve(AllureResults.DIRECTORY), run.resolve("report.html"));

        assertEquals(run.resolve("report.html"), single);
        String html = Files.readString(single);
        assertTrue(html.contains("d('data/test-cases/"), "the test cases are not inlined");
        assertTrue(html.contains("d('data/attachments/"), "the attachments are not inlined");
        assertEquals(List.of(AllureResults.DIRECTORY, "report.html"),
                list(run.path()).stream().map(p -> p.getFileName().toString()).sorted().toList());
    }

    @Test
    void trendsCarryOverFromThePreviousRunInTheSameRoot() throws IOException {
        List<CaseResult> firstResults = new FakeResults(42).mixedRun();
        RunFolder first = runWith(firstResults, at("2025-01-02T03:04:05Z"));
        AllureReport.generateForRun(first);

        // The second run: the first case now fails.
        List<CaseResult> secondResults = new ArrayList<>(new FakeResults(42).mixedRun());
        CaseResult flipped = secondResults.get(0);
        secondResults.set(0, new FakeResults(7).failed(flipped.implementationId(), flipped.caseId(), "h", 5,
                Status.FAILED, "h beyond tolerance"));
        RunFolder second = runWith(secondResults, at("2025-01-03T03:04:05Z"));
        assertEquals(Optional.of(first.resolve("allure-report")), AllureReport.previousReport(second));
        AllureReport.generateForRun(second);

        JsonNode trend = JSON.readTree(second.resolve("allure-report/history/history-trend.json").toFile());
        assertEquals(2, trend.size(), trend.toString());
        assertEquals(4, trend.get(0).get("data").get("passed").asInt(), "latest run first");
        assertEquals(5, trend.get(1).get("data").get("passed").asInt());

        String historyId = AllureResults.historyId(flipped);
        JsonNode history = JSON.readTree(second.resolve("allure-report/history/history.json").toFile()).get(historyId);
        // Newest first: this run's verdict, then the first run's.
        assertEquals(2, history.get("items").size(), history.toString());
        assertEquals("failed", history.get("items").get(0).get("status").asText());
        assertEquals("passed", history.get("items").get(1).get("status").asText());
        assertTrue(Files.isRegularFile(second.resolve(AllureReport.SINGLE_FILE)));
    }

    @Test
    void previousReportSkipsEarlierRunsWithoutAReport() throws IOException {
        RunFolder withReport = runWith(new FakeResults(1).mixedRun(), at("2025-01-01T00:00:00Z"));
        AllureReport.generate(withReport.resolve(AllureResults.DIRECTORY), withReport.resolve("allure-report"), null);
        RunFolder interrupted = RunFolder.create(root, "verify", at("2025-01-02T00:00:00Z"));
        RunFolder current = RunFolder.create(root, "verify", at("2025-01-03T00:00:00Z"));

        assertEquals(Optional.of(withReport.resolve("allure-report")), AllureReport.previousReport(current));
        assertEquals(Optional.empty(), AllureReport.previousReport(withReport));
        assertTrue(Files.isDirectory(interrupted.path()));
    }

    @Test
    void regeneratingReplacesTheOldReport() throws IOException {
        RunFolder run = runWith(new FakeResults(1).mixedRun(), at("2025-01-02T03:04:05Z"));
        Path results = run.resolve(AllureResults.DIRECTORY);
        AllureReport.generate(results, run.resolve("allure-report"), null);
        Files.writeString(run.resolve("allure-report/stale.txt"), "from the old report");

        AllureReport.generate(results, run.resolve("allure-report"), null);

        assertFalse(Files.exists(run.resolve("allure-report/stale.txt")));
        assertEquals(List.of("allure-report", AllureResults.DIRECTORY),
                list(run.path()).stream().map(p -> p.getFileName().toString()).sorted().toList(),
                "temporary folders left behind");
    }

    private static void collectLeafNames(JsonNode node, Set<String> names) {
        if (!node.has("children")) {
            names.add(node.get("name").asText());
            return;
        }
        for (JsonNode child : node.get("children")) {
            collectLeafNames(child, names);
        }
    }

    private static long count(Path directory) throws IOException {
        return list(directory).size();
    }

    private static List<Path> list(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.sorted().toList();
        }
    }
}
