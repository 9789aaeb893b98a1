package org.bptt.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bptt reproduce}: a quick preset run whole, and the same grid on two shards merged, write the same files. */
class ReproduceCommandTest {

    @Test
    void mergedShardsWriteTheFilesOfOneRunByteForByte(@TempDir Path temp) throws IOException {
        Path whole = temp.resolve("whole");
        CliRun single = CliRun.of("reproduce", "hochreiter1997", "--quick", "--out", whole.toString());
        assertEquals(0, single.exitCode(), single.toString());
        assertTrue(single.out().contains("reproduce-sequences"), single.toString());
        assertTrue(Files.exists(whole.resolve("allure-report/index.html")), "the Allure report");
        assertTrue(Files.exists(whole.resolve("charts/reproduce-fraction-wrong-adding.png")), "the chart");

        Path first = temp.resolve("shard-1");
        Path second = temp.resolve("shard-2");
        Path merged = temp.resolve("merged");
        for (String[] args : List.of(
                new String[] {"reproduce", "hochreiter1997", "--quick", "--shard", "1/2", "--out", first.toString()},
                new String[] {"reproduce", "hochreiter1997", "--quick", "--shard", "2/2", "--out", second.toString()})) {
            CliRun shard = CliRun.of(args);
            assertEquals(0, shard.exitCode(), shard.toString());
            assertTrue(shard.out().contains("--merge"), "a shard says how to merge: " + shard);
        }
        CliRun incomplete = CliRun.of("reproduce", "hochreiter1997", "--quick", "--merge", first.toString(),
                "--out", temp.resolve("incomplete").toString());
        assertEquals(ExitCode.USAGE, incomplete.exitCode(), incomplete.toString());
        assertTrue(incomplete.err().contains("have no checkpoint"), incomplete.toString());

        CliRun merge = CliRun.of("reproduce", "hochreiter1997", "--quick", "--merge", first.toString(), second.toString(),
                "--out", merged.toString());
        assertEquals(0, merge.exitCode(), merge.toString());
        List<Path> compared = outputs(whole);
        assertTrue(compared.size() >= 4 + 2 + 4, "tables, chart files and Allure results: " + compared);
        assertEquals(compared, outputs(merged));
        for (Path file : compared) {
            assertArrayEquals(Files.readAllBytes(whole.resolve(file)), Files.readAllBytes(merged.resolve(file)),
                    file.toString());
        }

        // bptt report merges the same shards into a new folder under --out, checkpoints included, so that the
        // merged folder is a reproduction's folder itself and can be reported again.
        Path reports = temp.resolve("reports");
        CliRun report = CliRun.of("report", first.toString(), second.toString(), "--out", reports.toString());
        assertEquals(0, report.exitCode(), report.toString());
        Path reported = VerifyCommandTest.onlyRunFolder(reports);
        assertEquals(compared, outputs(reported));
        for (Path file : compared) {
            assertArrayEquals(Files.readAllBytes(whole.resolve(file)), Files.readAllBytes(reported.resolve(file)),
                    file.toString());
        }
        try (Stream<Path> cells = Files.list(reported.resolve("cells"))) {
            assertEquals(4, cells.count(), "the merged folder holds the grid's checkpoints");
        }
        CliRun again = CliRun.of("report", reported.toString());
        assertEquals(0, again.exitCode(), again.toString());
        assertArrayEquals(Files.readAllBytes(whole.resolve("reproduce-cells.csv")),
                Files.readAllBytes(reported.resolve("reproduce-cells.csv")));

        CliRun half = CliRun.of("report", first.toString());
        assertEquals(0, half.exitCode(), half.toString());
        assertTrue(half.out().contains("2 of the 4 cells are checkpointed"), half.toString());
        assertEquals(3, Files.readAllLines(first.resolve("reproduce-cells.csv")).size(), "a shard reported alone: its 2 cells");
    }

    @Test
    void aSelectionTrainsItsCellsOnTheFastReferenceAndTabulatesThem(@TempDir Path temp) throws IOException {
        CliRun run = CliRun.of("reproduce", "hochreiter1997", "--quick", "--select", "T=10", "--out", temp.toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("selected: T=10 (2 of the grid's 4 cells)"), run.toString());
        List<String> rows = Files.readAllLines(temp.resolve("reproduce-cells.csv"));
        assertEquals(3, rows.size(), "a header and the two selected cells: " + rows);
        assertTrue(rows.get(1).startsWith("adding,10,lstm-1997,SGD,1,reference-fast,"), rows.get(1));
        assertTrue(rows.get(2).startsWith("adding,10,tanh,SGD,1,reference-fast,"), rows.get(2));

        CliRun wrong = CliRun.of("reproduce", "hochreiter1997", "--quick", "--select", "network=gru",
                "--out", temp.resolve("wrong").toString());
        assertEquals(ExitCode.USAGE, wrong.exitCode(), wrong.toString());
        assertTrue(wrong.err().contains("network has no value 'gru'") && wrong.err().contains("lstm-1997, tanh"),
                wrong.toString());
    }

    @Test
    void anUnknownPresetIsAUsageError() {
        CliRun run = CliRun.of("reproduce", "bengio1994");
        assertEquals(ExitCode.USAGE, run.exitCode());
        assertTrue(run.err().contains("pascanu2013, hochreiter1997, hochreiter1997-online, le2015"), run.toString());
    }

    /** The tables, charts and Allure results of a run folder, relative to it, sorted. */
    private static List<Path> outputs(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).map(folder::relativize)
                    .filter(file -> (file.getNameCount() == 1 && file.toString().endsWith(".csv")) || file.startsWith("charts")
                            || file.startsWith("allure-results"))
                    .sorted().toList();
        }
    }
}
