package org.bptt.reports.csv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.bptt.core.compare.ElementDiff;
import org.bptt.core.compare.QuantityComparison;
import org.bptt.core.verify.CaseResult;
import org.bptt.core.verify.Status;
import org.bptt.reports.FakeResults;
import org.bptt.reports.RunFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyTablesTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"), ZoneOffset.UTC);

    @TempDir
    Path root;

    @Test
    void headersAreTheDocumentedColumns() throws IOException {
        RunFolder run = RunFolder.create(root, "verify", CLOCK);
        try (VerifyTables tables = new VerifyTables(run)) {
            assertEquals(VerifyTables.CASE_COLUMNS, parse(tables.path(VerifyTables.CASES_FILE)).header());
            assertEquals(VerifyTables.QUANTITY_COLUMNS, parse(tables.path(VerifyTables.QUANTITIES_FILE)).header());
            assertEquals(VerifyTables.TIMING_COLUMNS, parse(tables.path(VerifyTables.TIMINGS_FILE)).header());
        }
        String documentation = Files.readString(Path.of("COLUMNS.md"));
        List<String> all = new ArrayList<>(VerifyTables.CASE_COLUMNS);
        all.addAll(VerifyTables.QUANTITY_COLUMNS);
        all.addAll(VerifyTables.TIMING_COLUMNS);
        for (String column : all) {
            assertTrue(documentation.contains("| `" + column + "`") || documentation.contains(", `" + column + "`"),
                    "COLUMNS.md does not document column " + column);
        }
    }

    @Test
    void tablesExistAndAreEmptyFromTheStart() throws IOException {
        RunFolder run = RunFolder.create(root, "verify", CLOCK);
        new VerifyTables(run);
        assertEquals(0, parse(run.resolve(VerifyTables.CASES_FILE)).rows().size());
        assertEquals(List.of(VerifyTables.CASES_FILE, VerifyTables.QUANTITIES_FILE, VerifyTables.TIMINGS_FILE).stream()
                .sorted().toList(), fileNames(run.path()));
    }

    @Test
    void everyValueRoundTripsExactly() throws IOException {
        List<CaseResult> results = new FakeResults(42).mixedRun();
        RunFolder run = RunFolder.create(root, "verify", CLOCK);
        try (VerifyTables tables = new VerifyTables(run)) {
            results.forEach(tables::add);
        }

        List<CaseResult> ordered = results.stream()
                .sorted(java.util.Comparator.comparing(CaseResult::implementationId)).toList();
        Table cases = parse(run.resolve(VerifyTables.CASES_FILE));
        assertEquals(ordered.size(), cases.rows().size());
        for (int i = 0; i < ordered.size(); i++) {
            CaseResult result = ordered.get(i);
            CSVRecord row = cases.rows().get(i);
            assertEquals(result.caseId(), row.get("case_id"));
            assertEquals(result.implementationId(), row.get("implementation"));
            assertEquals(FakeResults.ORACLE, row.get("oracle"));
            assertEquals(result.status().name(), row.get("status"));
            assertEquals(result.message(), row.get("message"));
            assertEquals(result.parameters().get("spec"), row.get("spec"));
            assertEquals(result.parameters().get("dataType"), row.get("dtype"));
            assertEquals(result.parameters().get("T"), row.get("T"));
            assertEquals(result.parameters().get("seed"), row.get("seed"));
            assertEquals("weightInit=uniform(-0.5, 0.5)", row.get("other_parameters"));
            assertEquals(Integer.toString(result.comparisons().size()), row.get("quantities"));
        }

        Table quantities = parse(run.resolve(VerifyTables.QUANTITIES_FILE));
        int rowIndex = 0;
        for (CaseResult result : ordered) {
            for (QuantityComparison comparison : result.comparisons()) {
                CSVRecord row = quantities.rows().get(rowIndex++);
                ElementDiff worst = comparison.worst();
                assertEquals(result.caseId(), row.get("case_id"));
                assertEquals(comparison.quantity().name(), row.get("quantity"));
                assertEquals(Integer.toString(comparison.elements()), row.get("elements"));
                assertEquals(Integer.toString(comparison.failed()), row.get("failed"));
                assertEquals(worst.index(), row.get("worst_index"));
                assertSameDouble(worst.expected(), row.get("expected"));
                assertSameDouble(worst.actual(), row.get("actual"));
                assertSameDouble(worst.absError(), row.get("abs_error"));
                assertSameDouble(worst.relError(), row.get("rel_error"));
                assertSameDouble(worst.ulpError(), row.get("ulp_error"));
                assertSameDouble(worst.allowed(), row.get("allowed"));
                assertSameDouble(worst.errorRatio(), row.get("error_ratio"));
            }
        }
        assertEquals(rowIndex, quantities.rows().size());

        Table timings = parse(run.resolve(VerifyTables.TIMINGS_FILE));
        for (int i = 0; i < ordered.size(); i++) {
            assertEquals(Long.toString(ordered.get(i).nanos()), timings.rows().get(i).get("nanos"));
        }
    }

    @Test
    void theAwkwardValuesSurviveAsWritten() throws IOException {
        CaseResult awkward = new FakeResults(1).awkward("student-rnn", "awkward");
        RunFolder run = RunFolder.create(root, "verify", CLOCK);
        try (VerifyTables tables = new VerifyTables(run)) {
            tables.add(awkward);
        }
        Table quantities = parse(run.resolve(VerifyTables.QUANTITIES_FILE));
        assertEquals("NaN", quantities.rows().get(0).get("actual"));
        assertEquals("0.30000000000000004", quantities.rows().get(0).get("expected"));
        assertEquals("-0.0", quantities.rows().get(1).get("expected"));
        assertEquals("4.9E-324", quantities.rows().get(2).get("expected"));
        assertEquals("Infinity", quantities.rows().get(2).get("error_ratio"));
        assertEquals("has shape [3, 4], expected [4, 3]", quantities.rows().get(4).get("worst_index"));

        CSVRecord caseRow = parse(run.resolve(VerifyTables.CASES_FILE)).rows().get(0);
        // The NaN ratio of loss counts as worse than the infinite ratio of y.
        assertEquals("loss", caseRow.get("worst_quantity"));
        assertEquals("NaN", caseRow.get("worst_error_ratio"));
        assertEquals("3", caseRow.get("failed_quantities"));
        assertTrue(caseRow.get("message").contains("\"not finite\"\nand"), caseRow.get("message"));
    }

    @Test
    void skippedAndErrorCasesHaveACaseRowAndNoQuantityRows() throws IOException {
        FakeResults fake = new FakeResults(3);
        RunFolder run = RunFolder.create(root, "verify", CLOCK);
        try (VerifyTables tables = new VerifyTables(run)) {
            tables.add(fake.skipped("dl4j", "a"));
            tables.add(fake.error("dl4j", "b"));
        }
        Table cases = parse(run.resolve(VerifyTables.CASES_FILE));
        assertEquals(List.of("SKIPPED", "ERROR"), cases.rows().stream().map(r -> r.get("status")).toList());
        assertEquals("", cases.rows().get(0).get("worst_quantity"));
        assertEquals("", cases.rows().get(0).get("worst_error_ratio"));
        assertEquals("0", cases.rows().get(1).get("quantities"));
        assertEquals(0, parse(run.resolve(VerifyTables.QUANTITIES_FILE)).rows().size());
    }

    @Test
    void rowsAreOrderedByImplementationThenArrival() throws IOException {
        FakeResults fake = new FakeResults(5);
        RunFolder run = RunFolder.create(root, "verify", CLOCK);
        try (VerifyTables tables = new VerifyTables(run)) {
            tables.add(fake.passed("zeta", "case-1"));
            tables.add(fake.passed("alpha", "case-2"));
            tables.add(fake.passed("zeta", "case-0"));
            tables.add(fake.passed("alpha", "case-1"));
        }
        List<String> keys = parse(run.resolve(VerifyTables.CASES_FILE)).rows().stream()
                .map(row -> row.get("implementation") + "/" + row.get("case_id")).toList();
        assertEquals(List.of("alpha/case-2", "alpha/case-1", "zeta/case-1", "zeta/case-0"), keys);
    }

    @Test
    void aFailedCaseCarriesItsDiagnosis() throws IOException {
        String diagnosis = "output-gradient-sign: the output gradient with the wrong sign";
        CaseResult failed = new FakeResults(8).failed("student", "case-1", "dL/dW", 5, Status.FAILED, "dL/dW beyond tolerance")
                .withDiagnosis(diagnosis);
        CaseResult passed = new FakeResults(8).passed("student", "case-2");
        RunFolder run = RunFolder.create(root, "verify", CLOCK);
        try (VerifyTables tables = new VerifyTables(run)) {
            tables.add(failed);
            tables.add(passed);
        }
        var rows = parse(run.resolve(VerifyTables.CASES_FILE)).rows();
        assertEquals(diagnosis, rows.get(0).get("diagnosis"));
        assertEquals("", rows.get(1).get("diagnosis"));
    }

    @Test
    void theSameResultsGiveByteIdenticalTablesExceptTimings() throws IOException {
        List<CaseResult> first = new FakeResults(42).mixedRun();
        // The same results with other wall times, as a second run with the same seed would give.
        List<CaseResult> second = new FakeResults(42).mixedRun().stream()
                .map(r -> new CaseResult(r.caseId(), r.implementationId(), r.oracleId(), r.status(), r.message(),
                        r.comparisons(), r.parameters(), r.nanos() + 12_345))
                .toList();
        RunFolder runA = RunFolder.create(root, "verify", CLOCK);
        RunFolder runB = RunFolder.create(root, "verify", CLOCK);
        try (VerifyTables a = new VerifyTables(runA); VerifyTables b = new VerifyTables(runB, 4)) {
            first.forEach(a::add);
            second.forEach(b::add);
        }
        for (String table : List.of(VerifyTables.CASES_FILE, VerifyTables.QUANTITIES_FILE)) {
            assertArrayEquals(Files.readAllBytes(runA.resolve(table)), Files.readAllBytes(runB.resolve(table)), table);
        }
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(runA.resolve(VerifyTables.TIMINGS_FILE)),
                Files.readAllBytes(runB.resolve(VerifyTables.TIMINGS_FILE))));
    }

    @Test
    void rowsWrittenBeforeACrashSurviveIt() throws IOException {
        List<CaseResult> results = new FakeResults(7).mixedRun();
        RunFolder run = RunFolder.create(root, "verify", CLOCK);
        VerifyTables tables = new VerifyTables(run);
        // A run that dies while working on its fifth case: close() is never reached.
        RuntimeException crash = assertThrows(RuntimeException.class, () -> {
            for (int i = 0; i < results.size(); i++) {
                if (i == 4) {
                    throw new RuntimeException("out of memory in case " + results.get(i).caseId());
                }
                tables.add(results.get(i));
            }
        });
        assertTrue(crash.getMessage().startsWith("out of memory"));

        List<String> expectedIds = results.subList(0, 4).stream()
                .sorted(java.util.Comparator.comparing(CaseResult::implementationId))
                .map(CaseResult::caseId).toList();
        assertEquals(expectedIds, parse(run.resolve(VerifyTables.CASES_FILE)).rows().stream()
                .map(row -> row.get("case_id")).toList());
        int quantityRows = results.subList(0, 4).stream().mapToInt(r -> r.comparisons().size()).sum();
        assertEquals(quantityRows, parse(run.resolve(VerifyTables.QUANTITIES_FILE)).rows().size());
        assertEquals(4, parse(run.resolve(VerifyTables.TIMINGS_FILE)).rows().size());
        assertEquals(3, fileNames(run.path()).size(), "temporary files left: " + fileNames(run.path()));
    }

    @Test
    void rewritingEveryNthAddKeepsTheRowsOfTheLastRewrite() throws IOException {
        List<CaseResult> results = new FakeResults(8).mixedRun();
        RunFolder run = RunFolder.create(root, "verify", CLOCK);
        VerifyTables tables = new VerifyTables(run, 3);
        for (int i = 0; i < 5; i++) {
            tables.add(results.get(i));
        }
        assertEquals(3, parse(run.resolve(VerifyTables.CASES_FILE)).rows().size());
        tables.close();
        assertEquals(5, parse(run.resolve(VerifyTables.CASES_FILE)).rows().size());
    }

    @Test
    void rewritingByIntervalWaitsForTheIntervalOrTheEnd() throws IOException {
        List<CaseResult> results = new FakeResults(8).mixedRun();
        RunFolder run = RunFolder.create(root, "verify", CLOCK);
        VerifyTables tables = new VerifyTables(run, java.time.Duration.ofHours(1));
        for (int i = 0; i < 5; i++) {
            tables.add(results.get(i));
        }
        assertEquals(0, parse(run.resolve(VerifyTables.CASES_FILE)).rows().size(), "rewritten before the interval");
        tables.close();
        assertEquals(5, parse(run.resolve(VerifyTables.CASES_FILE)).rows().size());

        RunFolder eager = RunFolder.create(root, "verify", CLOCK);
        VerifyTables everyTime = new VerifyTables(eager, java.time.Duration.ofNanos(1));
        everyTime.add(results.get(0));
        assertEquals(1, parse(eager.resolve(VerifyTables.CASES_FILE)).rows().size(), "not rewritten after the interval");
    }

    @Test
    void theAttachmentCsvIsTheCasesRowsOfTheQuantitiesTable() throws IOException {
        CaseResult result = new FakeResults(9).failed("dl4j", "x", "dL/dW", 12, org.bptt.core.verify.Status.FAILED, "m");
        RunFolder run = RunFolder.create(root, "verify", CLOCK);
        try (VerifyTables tables = new VerifyTables(run)) {
            tables.add(result);
        }
        assertEquals(Files.readString(run.resolve(VerifyTables.QUANTITIES_FILE)), VerifyTables.quantityRowsCsv(result));
    }

    @Test
    void refusesANonPositiveRewriteInterval() throws IOException {
        RunFolder run = RunFolder.create(root, "verify", CLOCK);
        assertThrows(IllegalArgumentException.class, () -> new VerifyTables(run, 0));
    }

    private static void assertSameDouble(double expected, String text) {
        double parsed = Double.parseDouble(text);
        assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(parsed),
                "'" + text + "' does not parse back to " + expected);
    }

    record Table(List<String> header, List<CSVRecord> rows) {
    }

    static Table parse(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             CSVParser parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader)) {
            return new Table(parser.getHeaderNames(), parser.getRecords());
        }
    }

    static List<String> fileNames(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }
}
