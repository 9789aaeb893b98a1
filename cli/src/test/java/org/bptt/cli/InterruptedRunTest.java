package org.bptt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping {@code bptt verify} midway (Ctrl-C / SIGTERM) leaves only complete files, and the next run works. */
class InterruptedRunTest {

    @TempDir
    Path root;

    @Test
    void aStoppedRunLeavesOnlyCompleteFilesAndTheNextRunWorks() throws Exception {
        List<String> command = new ArrayList<>(PluginsFolderTest.javaCommand());
        command.addAll(List.of("org.bptt.cli.Main", "verify", "--impl", "reference-rtrl", "--suite", "full",
                "--out", root.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(root.resolveSibling(root.getFileName() + "-output.txt").toFile()).start();
        try {
            Path cases = waitForRows(process);
            process.destroy(); // SIGTERM, as Ctrl-C or a CI job's cancel sends
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "bptt did not stop on SIGTERM");

            Path run = cases.getParent();
            try (Stream<Path> files = Files.walk(run)) {
                List<Path> unfinished = files.filter(path -> path.getFileName().toString().startsWith(".")).toList();
                assertEquals(List.of(), unfinished, "half-written files left behind");
            }
            for (String table : List.of("verify-cases.csv", "verify-quantities.csv", "verify-timings.csv")) {
                assertComplete(run.resolve(table));
            }
            com.fasterxml.jackson.databind.JsonNode provenance = new ObjectMapper().readTree(run.resolve("run.json").toFile());
            assertTrue(provenance.has("commandLine"));
            // The interruption is recorded, with its time, and the console says where the partial results are.
            assertTrue(provenance.get("end").isTextual(), provenance.toString());
            assertTrue(provenance.get("extra").get("interrupted").asText().startsWith("stopped by a signal"),
                    provenance.toString());
            String output = Files.readString(root.resolveSibling(root.getFileName() + "-output.txt"));
            assertTrue(output.contains("interrupted: the results of the ") && output.contains(" are in " + run), output);
        } finally {
            process.destroyForcibly();
        }

        CliRun next = CliRun.of("verify", "--impl", "reference-naive", "--suite", "quick", "--out", root.toString());
        assertEquals(ExitCode.OK, next.exitCode(), next::toString);
    }

    /** Waits until the run has written at least one row to its cases table; returns the table. */
    private Path waitForRows(Process process) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            assertTrue(process.isAlive(), "bptt ended before it could be stopped");
            try (Stream<Path> files = Files.walk(root)) {
                for (Path table : files.filter(path -> path.getFileName().toString().equals("verify-cases.csv")).toList()) {
                    if (Files.readAllLines(table).size() > 2) {
                        return table;
                    }
                }
            } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException racingWithAWrite) {
                // a file moved into place while we looked: look again
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no rows written within 120 s");
    }

    /** Every record has as many fields as the header: no row was cut short. */
    private static void assertComplete(Path table) throws IOException {
        try (Reader reader = Files.newBufferedReader(table);
             CSVParser parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(reader)) {
            int columns = parser.getHeaderNames().size();
            for (CSVRecord record : parser) {
                assertEquals(columns, record.size(), () -> table + " line " + record.getRecordNumber() + " is incomplete");
            }
        }
    }
}
