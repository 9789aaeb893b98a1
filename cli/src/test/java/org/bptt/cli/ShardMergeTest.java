package org.bptt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A suite split across CI jobs with --shard, merged by bptt report, holds what one unsplit run holds. */
class ShardMergeTest {

    @TempDir
    Path root;

    @Test
    void mergedShardsHoldEveryRowOfTheWholeSuiteAndOneReport() throws IOException {
        Path whole = verify(root.resolve("whole"));
        Path first = verify(root.resolve("first"), "--shard", "1/2");
        Path second = verify(root.resolve("second"), "--shard", "2/2");

        CliRun merged = CliRun.of("report", first.toString(), second.toString(), "--out", root.resolve("merged").toString());
        assertEquals(ExitCode.OK, merged.exitCode(), merged::toString);
        Path mergedFolder = VerifyCommandTest.onlyRunFolder(root.resolve("merged"));

        for (String table : List.of("verify-cases.csv", "verify-quantities.csv")) {
            List<String> expected = Files.readAllLines(whole.resolve(table));
            List<String> actual = Files.readAllLines(mergedFolder.resolve(table));
            assertEquals(expected.get(0), actual.get(0), table + " header");
            // Each shard lists its grid cases before its truncated cases, so only the order of the rows may differ.
            assertEquals(expected.stream().sorted().toList(), actual.stream().sorted().toList(), table + " rows");
        }
        assertEquals(resultFiles(whole), resultFiles(mergedFolder));
        assertTrue(Files.isRegularFile(mergedFolder.resolve("allure-report/index.html")));
        assertTrue(Files.readString(mergedFolder.resolve("run.json")).contains("merged from 2 run folders"));
    }

    @Test
    void aFolderThatIsNoRunFolderIsAUserError() throws IOException {
        CliRun run = CliRun.of("report", Files.createDirectories(root.resolve("empty")).toString());
        assertEquals(ExitCode.USAGE, run.exitCode(), run::toString);
        assertTrue(run.err().contains("is not a run folder: it has no allure-results/"), run::toString);
    }

    private static Path verify(Path out, String... shard) throws IOException {
        List<String> args = new java.util.ArrayList<>(List.of("verify", "--impl", "reference-naive", "--suite", "quick",
                "--out", out.toString()));
        args.addAll(List.of(shard));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(ExitCode.OK, run.exitCode(), run::toString);
        return VerifyCommandTest.onlyRunFolder(out);
    }

    private static long resultFiles(Path runFolder) throws IOException {
        try (Stream<Path> files = Files.list(runFolder.resolve("allure-results"))) {
            return files.filter(path -> path.getFileName().toString().endsWith("-result.json")).count();
        }
    }
}
