package org.bptt.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bptt.core.verify.CaseResult;
import org.bptt.reports.allure.AllureResults;
import org.bptt.reports.csv.VerifyTables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyReportTest {

    private static final Instant START = Instant.parse("2025-01-02T03:04:05Z");

    @TempDir
    Path root;

    private static Provenance provenance() {
        return new Provenance(List.of("verify", "--suite", "fake"), "0.1.0", List.of(), List.of(42L), "fake",
                Map.of(), "unknown", "17", "vendor", "Linux", "6", "amd64", "cpu", 2, START, null, Map.of());
    }

    @Test
    void aKnownDivergenceHasItsChartAndDiffOnlyAsTheFirstCaseOfAnExplanation() throws IOException {
        FakeResults fake = new FakeResults(5);
        List<CaseResult> results = List.of(
                fake.failed("dl4j", "k1", "dL/dx", 9, org.bptt.core.verify.Status.KNOWN_DIVERGENCE,
                        "known divergence: mask bug (in this case: 1)"),
                fake.failed("dl4j", "k2", "dL/dx", 9, org.bptt.core.verify.Status.KNOWN_DIVERGENCE,
                        "known divergence: mask bug (in this case: 2)"),
                fake.failed("dl4j", "k3", "dL/dx", 9, org.bptt.core.verify.Status.KNOWN_DIVERGENCE,
                        "known divergence: mask bug" + CaseResult.EXPLANATION_SEPARATOR + "clamp (in this case: 3)"),
                fake.failed("dl4j", "k4", "dL/dx", 9, org.bptt.core.verify.Status.KNOWN_DIVERGENCE,
                        "known divergence: clamp (in this case: 4)"));
        RunFolder run = RunFolder.create(root, "verify", Clock.fixed(START, ZoneOffset.UTC));
        try (VerifyReport report = VerifyReport.start(run, provenance(), Clock.fixed(START, ZoneOffset.UTC))) {
            for (CaseResult result : results) {
                report.add(result);
            }
        }

        try (Stream<Path> charts = Files.list(run.resolve("charts/cases/dl4j"))) {
            assertEquals(List.of("k1.png", "k3.png"),
                    charts.map(chart -> chart.getFileName().toString()).sorted().toList(),
                    "k1 is the first of 'mask bug', k3 the first of 'clamp'; k2 and k4 show nothing new");
        }
        Map<String, Integer> attachments = new java.util.TreeMap<>();
        try (Stream<Path> files = Files.list(run.resolve(AllureResults.DIRECTORY))) {
            for (Path file : files.filter(file -> file.toString().endsWith("-result.json")).toList()) {
                com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
                attachments.put(json.get("name").asText(), json.get("attachments").size());
            }
        }
        assertEquals(Map.of("k1", 3, "k2", 1, "k3", 3, "k4", 1), attachments,
                "rows, diff and chart for the first of an explanation; the rows alone for the others");
    }

    @Test
    void aFinishedRunHasEveryOutput() throws IOException {
        List<CaseResult> results = new FakeResults(42).mixedRun();
        Clock end = Clock.fixed(START.plus(Duration.ofMinutes(3)), ZoneOffset.UTC);
        RunFolder run = RunFolder.create(root, "verify", Clock.fixed(START, ZoneOffset.UTC));

        VerifyReport.Outputs outputs;
        try (VerifyReport report = VerifyReport.start(run, provenance(), end)) {
            for (CaseResult result : results) {
                report.add(result);
            }
            outputs = report.finish();
        }

        assertEquals(START.plus(Duration.ofMinutes(3)), Provenance.readFrom(run).end());
        assertEquals(run.resolve("run.json"), outputs.provenance());
        for (Path table : outputs.tables()) {
            assertTrue(Files.isRegularFile(table), table.toString());
        }
        // Three case charts (two failures, one known divergence) and two implementation charts.
        assertEquals(5, outputs.charts().size(), outputs.charts().toString());
        assertEquals(run.resolve("allure-report/index.html"), outputs.reportIndex());
        assertTrue(Files.isRegularFile(outputs.singleFile()));
        assertEquals(results.size(), countEnding(run.resolve(AllureResults.DIRECTORY), "-result.json"));
        assertEquals(results.size(), countEnding(run.resolve("allure-report/data/test-cases"), ".json"));
        assertTrue(Files.readString(run.resolve("allure-results/environment.properties"))
                .contains("end=2025-01-02T03\\:07\\:05Z"));
        assertEquals(0, countEnding(run.path(), ".tmp"), "temporary files left behind");
        // Each implementation's verify-errors chart is attached to each of its results (a fixture of a container).
        assertEquals(2, countEnding(run.resolve(AllureResults.DIRECTORY), AllureResults.CONTAINER_SUFFIX));
        long dl4jResults = results.stream().filter(result -> result.implementationId().equals("dl4j")).count();
        long withChart = 0;
        try (Stream<Path> testCases = Files.list(run.resolve("allure-report/data/test-cases"))) {
            for (Path testCase : testCases.toList()) {
                String json = Files.readString(testCase);
                if (json.contains("charts/verify-errors-dl4j.png")) {
                    withChart++;
                }
            }
        }
        assertEquals(dl4jResults, withChart, "every dl4j result shows dl4j's chart");
    }

    @Test
    void anInterruptedRunKeepsItsProvenanceRowsAndResults() throws IOException {
        List<CaseResult> results = new FakeResults(42).mixedRun();
        RunFolder run = RunFolder.create(root, "verify", Clock.fixed(START, ZoneOffset.UTC));

        // As the CLI uses it: an exception (or Ctrl-C, through a shutdown hook) closes the report without finishing it.
        assertThrows(IllegalStateException.class, () -> {
            try (VerifyReport report = VerifyReport.start(run, provenance(), Clock.fixed(START, ZoneOffset.UTC))) {
                for (int i = 0; i < results.size(); i++) {
                    if (i == 6) {
                        throw new IllegalStateException("the JVM is going down");
                    }
                    report.add(results.get(i));
                }
            }
        });

        Provenance written = Provenance.readFrom(run);
        assertNotNull(written.start());
        assertNull(written.end(), "an unfinished run has no end time");
        assertEquals(6, Files.readAllLines(run.resolve(VerifyTables.CASES_FILE)).size() - 1);
        assertEquals(6, countEnding(run.resolve(AllureResults.DIRECTORY), "-result.json"));
        assertTrue(Files.isRegularFile(run.resolve("allure-results/categories.json")));
        assertTrue(Files.isRegularFile(run.resolve("charts/cases/dl4j/relu-B1-T40-s3.png")));
        assertEquals(0, countEnding(run.path(), ".tmp"), "temporary files left behind");
    }

    private static long countEnding(Path directory, String suffix) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(path -> path.getFileName().toString().endsWith(suffix)).count();
        }
    }
}
