package org.bptt.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.bptt.reports.Provenance;
import org.bptt.reports.RunFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyCommandTest {

    @TempDir
    Path folder;

    @Test
    void theGateCatchesATransposedRecurrentMatrixAndADroppedBiasGradientNamingTensorAndIndex() throws IOException {
        CliRun run = CliRun.of("verify", "--impl", "test-transposed-w", "--impl", "test-dropped-bias",
                "--suite", "quick", "--out", folder.toString());

        assertEquals(ExitCode.DIVERGED, run.exitCode(), run::toString);
        // The recurrence is the first thing computed with W, so the first difference named is a hidden state.
        assertTrue(run.out().matches("(?s).*FAILED\\s+test-transposed-w \\S+: h\\[b=\\d+, t=\\d+, i=\\d+\\]: expected .*"),
                run::toString);
        assertTrue(run.out().matches("(?s).*FAILED\\s+test-dropped-bias \\S+: dL/db\\[i=\\d+\\]: expected \\S+, actual 0\\.0, .*"),
                run::toString);
        Path runFolder = onlyRunFolder();
        String cases = Files.readString(runFolder.resolve("verify-cases.csv"));
        assertTrue(cases.contains("test-dropped-bias") && cases.contains("FAILED"), cases);
        for (String file : List.of("run.json", "verify-quantities.csv", "verify-timings.csv", "allure-report/index.html",
                "allure-report.html", "charts/verify-errors-test-dropped-bias.png")) {
            assertTrue(Files.isRegularFile(runFolder.resolve(file)), () -> file + " is missing from " + runFolder);
        }
    }

    @Test
    void verifyPrintsItsWallTimeAndPaceAndRecordsThemInRunJson() throws IOException {
        CliRun run = CliRun.of("verify", "--impl", "reference-naive", "--suite", "quick", "--out", folder.toString());
        assertEquals(ExitCode.OK, run.exitCode(), run::toString);
        Path runFolder = onlyRunFolder();
        Provenance provenance = Provenance.readFrom(RunFolder.open(runFolder));
        double seconds = Double.parseDouble(provenance.extra().get(Provenance.WALL_TIME_SECONDS));
        double pace = Double.parseDouble(provenance.extra().get(Provenance.CASES_PER_SECOND));
        // The wall time is the run's, from run.json's start to its end; the pace counts the rows of verify-cases.csv.
        assertEquals(java.time.Duration.between(provenance.start(), provenance.end()).toNanos() / 1e9, seconds, 0.0005);
        long rows;
        try (Stream<String> lines = Files.lines(runFolder.resolve("verify-cases.csv"))) {
            rows = lines.count() - 1;
        }
        // run.json rounds the wall time to 1 ms and the pace to 0.1: on a run of a fraction of a second the first
        // rounding alone moves rows / seconds by up to pace × 0.0005 / seconds.
        assertEquals(rows / seconds, pace, 0.05 + pace * 0.0005 / (seconds - 0.0005), "pace of " + rows + " results in " + seconds + " s");
        assertTrue(run.out().contains("wall time:   " + provenance.extra().get(Provenance.WALL_TIME_SECONDS) + " s for "
                + rows + " case × implementation results, " + provenance.extra().get(Provenance.CASES_PER_SECOND)
                + " per second"), run::toString);
        // Beside them, the JVM options that shape them (the launcher's collector and JIT settings).
        assertEquals(String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()),
                provenance.extra().get("JVM options"));
    }

    @Test
    void junitXmlHasOneTestCasePerCaseAndImplementationAndFollowsTheJenkinsSchema() throws Exception {
        Path xml = folder.resolveSibling(folder.getFileName() + "-ci").resolve("verify.xml");
        CliRun run = CliRun.of("verify", "--impl", "reference-naive", "--impl", "test-dropped-bias", "--suite", "quick",
                "--cell", "elman", "--out", folder.toString(), "--junit-xml", xml.toString());
        assertEquals(ExitCode.DIVERGED, run.exitCode(), run::toString);
        assertTrue(run.out().contains("JUnit XML:   " + xml), run::toString);

        org.w3c.dom.Document document = JunitXmlFiles.readValid(xml);
        List<String> rows = Files.readAllLines(onlyRunFolder().resolve("verify-cases.csv"));
        org.w3c.dom.NodeList testCases = document.getElementsByTagName("testcase");
        assertEquals(rows.size() - 1, testCases.getLength(), "one test case per row of verify-cases.csv");
        long failedRows = rows.stream().filter(row -> row.contains(",FAILED,")).count();
        assertTrue(failedRows > 0, "the dropped bias gradient fails");
        assertEquals(Long.toString(failedRows), document.getDocumentElement().getAttribute("failures"));
        org.w3c.dom.Element failure = (org.w3c.dom.Element) document.getElementsByTagName("failure").item(0);
        assertTrue(failure.getAttribute("message").contains("dL/db["), failure.getAttribute("message"));
        assertEquals("verify.test-dropped-bias", ((org.w3c.dom.Element) failure.getParentNode()).getAttribute("classname"));
        org.w3c.dom.Element property = (org.w3c.dom.Element) document.getElementsByTagName("property").item(0);
        assertEquals("command", property.getAttribute("name"));
        assertTrue(property.getAttribute("value").contains("--junit-xml"), "the provenance: " + property.getAttribute("value"));
    }

    @Test
    void theSameSeedGivesByteIdenticalTables() throws IOException {
        Path first = folder.resolve("first");
        Path second = folder.resolve("second");
        assertEquals(ExitCode.OK, CliRun.of("verify", "--impl", "reference-naive", "--suite", "quick", "--seed", "7",
                "--out", first.toString()).exitCode());
        assertEquals(ExitCode.OK, CliRun.of("verify", "--impl", "reference-naive", "--suite", "quick", "--seed", "7",
                "--out", second.toString()).exitCode());
        for (String table : List.of("verify-cases.csv", "verify-quantities.csv")) {
            assertArrayEquals(Files.readAllBytes(onlyRunFolder(first).resolve(table)),
                    Files.readAllBytes(onlyRunFolder(second).resolve(table)), table + " differs between two runs with one seed");
        }
    }

    @Test
    void mistakesOnTheCommandLineAreNamedAndExitTwo() {
        assertUsageError(CliRun.of("verify", "--impl", "no-such-rnn", "--out", folder.toString()), "unknown implementation 'no-such-rnn'");
        assertUsageError(CliRun.of("verify", "--oracle", "nope", "--out", folder.toString()), "unknown implementation 'nope'");
        assertUsageError(CliRun.of("verify", "--shard", "5/4", "--out", folder.toString()), "shard index must be between 1 and 4, got 5");
        assertUsageError(CliRun.of("verify", "--suite", "huge", "--out", folder.toString()), "--suite");
        assertUsageError(CliRun.of("verify", "--timeout", "0", "--impl", "reference-naive", "--out", folder.toString()), "--timeout must be positive");
    }

    @Test
    void aBadTimeoutIsRefusedBeforeAnythingIsMade() {
        Path out = folder.resolve("never");
        for (String command : List.of("verify", "run")) {
            assertUsageError(CliRun.of(command, "--timeout", "-1", "--out", out.toString()), "--timeout must be positive, got -1");
            assertFalse(Files.exists(out), command + " made its output root before checking its options");
        }
    }

    private static void assertUsageError(CliRun run, String message) {
        assertEquals(ExitCode.USAGE, run.exitCode(), run::toString);
        assertTrue(run.err().contains(message), () -> "expected '" + message + "'\n" + run);
        assertFalse(run.err().contains("\tat "), () -> "a user's mistake printed a stack trace\n" + run);
    }

    private Path onlyRunFolder() throws IOException {
        return onlyRunFolder(folder);
    }

    static Path onlyRunFolder(Path root) throws IOException {
        try (Stream<Path> runs = Files.list(root)) {
            List<Path> folders = runs.filter(Files::isDirectory).toList();
            assertEquals(1, folders.size(), () -> "expected one run folder in " + root + ": " + folders);
            return folders.get(0);
        }
    }
}
