package org.bptt.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.bptt.reports.Provenance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --threads}: several threads write what one thread writes. The test plugins ({@link BrokenPlugins}) throw
 * when one instance is called while another call of it runs, as the SPI allows.
 */
class ParallelVerifyTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path folder;

    @Test
    void twoThreadsWriteTheTablesResultsAndRunRecordOfOneThread() throws IOException {
        Path one = verify("1");
        Path two = verify("2");

        for (String table : List.of("verify-cases.csv", "verify-quantities.csv")) {
            assertArrayEquals(Files.readAllBytes(one.resolve(table)), Files.readAllBytes(two.resolve(table)),
                    table + " differs between --threads 1 and --threads 2");
        }
        assertTrue(Files.readString(one.resolve("verify-cases.csv")).contains(",FAILED,"), "the broken plugins fail");
        assertTrue(Files.readString(one.resolve("verify-cases.csv")).lines().noneMatch(row -> row.contains(",ERROR,")),
                "no plugin was called concurrently, nothing else went wrong");

        // Every file of the run is there in both. The charts carry the run folder's name in their titles, so only
        // their names are compared; the HTML report's files have random names in every run, threads or not.
        assertEquals(relativeFiles(one), relativeFiles(two));
        for (Path file : relativeFiles(one)) {
            String name = file.getFileName().toString();
            if (file.startsWith("allure-results") && name.endsWith("-result.json")) {
                assertEquals(withoutTimes(JSON.readTree(one.resolve(file).toFile())),
                        withoutTimes(JSON.readTree(two.resolve(file).toFile())), file.toString());
            } else if (file.startsWith("allure-results") && (name.endsWith(".csv") || name.endsWith(".txt"))) {
                assertArrayEquals(Files.readAllBytes(one.resolve(file)), Files.readAllBytes(two.resolve(file)),
                        file.toString());
            }
        }

        assertEquals(withoutTimes(JSON.readTree(one.resolve("run.json").toFile())),
                withoutTimes(JSON.readTree(two.resolve("run.json").toFile())));
        assertEquals("2", JSON.readTree(two.resolve("run.json").toFile()).get("extra").get("threads").asText());
    }

    @Test
    void aThreadCountBelowOneIsRefused() {
        CliRun run = CliRun.of("verify", "--threads", "0", "--impl", "reference-naive", "--out", folder.toString());
        assertEquals(ExitCode.USAGE, run.exitCode(), run::toString);
        assertTrue(run.err().contains("--threads must be at least 1, got 0"), run::toString);
    }

    private Path verify(String threads) throws IOException {
        Path out = folder.resolve("threads-" + threads);
        CliRun run = CliRun.of("verify", "--impl", "reference-naive", "--impl", "test-dropped-bias", "--impl",
                "test-transposed-w", "--suite", "quick", "--cell", "elman", "--seed", "7", "--threads", threads,
                "--out", out.toString());
        assertEquals(ExitCode.DIVERGED, run.exitCode(), run::toString);
        return VerifyCommandTest.onlyRunFolder(out);
    }

    /** Every regular file under {@code root} but the HTML report's, relative to it, sorted. */
    private static List<Path> relativeFiles(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).map(root::relativize)
                    .filter(file -> !file.toString().startsWith("allure-report")).sorted().toList();
        }
    }

    /**
     * The JSON without what differs between any two runs: times (Allure's start and stop, run.json's start, end, wall
     * time and pace), the command line and the thread count.
     */
    private static JsonNode withoutTimes(JsonNode node) {
        JsonNode copy = node.deepCopy();
        strip(copy);
        return copy;
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.remove(List.of("start", "stop", "end", "commandLine", "threads", Provenance.WALL_TIME_SECONDS,
                    Provenance.CASES_PER_SECOND));
        }
        node.forEach(ParallelVerifyTest::strip);
    }
}
