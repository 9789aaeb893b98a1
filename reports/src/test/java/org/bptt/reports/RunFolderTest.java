package org.bptt.reports;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunFolderTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"), ZoneOffset.UTC);

    @TempDir
    Path root;

    @Test
    void unfinishedWritesAreDeletedAndCompleteFilesKept() throws IOException {
        RunFolder run = RunFolder.create(root, "verify", Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"), ZoneOffset.UTC));
        run.writeAtomically("verify-cases.csv", out -> out.write("case_id\n".getBytes(StandardCharsets.UTF_8)));
        Files.writeString(run.resolve(".verify-cases.csv.8231.tmp"), "case_id\nhalf a ro");
        Files.createDirectories(run.resolve("charts"));
        Files.writeString(run.resolve("charts/.verify-errors-dl4j.png.77.tmp"), "not yet a PNG");
        Files.createDirectories(run.resolve(".allure-report.123456789/data"));
        Files.createDirectories(run.resolve("allure-report"));

        assertEquals(3, run.deleteUnfinishedWrites());
        assertEquals(List.of("allure-report", "charts", "verify-cases.csv"), fileNames(run.path()));
        assertEquals(List.of(), fileNames(run.resolve("charts")));
    }

    @Test
    void theNextRunDeletesWhatAKilledRunLeftButNeverTouchesARunThatStillGoes() throws IOException {
        // A run killed outright: its folder and its lock file, which no process holds any more.
        Path killed = Files.createDirectories(root.resolve("20250101-000000-verify/allure-results"));
        Files.writeString(root.resolve(".20250101-000000-verify.lock"), "");
        Files.writeString(killed.resolve(".abc-result.json.123.tmp"), "{\"half");
        Files.writeString(killed.resolve("abc-result.json"), "{}");
        Files.writeString(killed.resolveSibling(".verify-cases.csv.456.tmp"), "case_id\nhalf a ro");
        // A run of this process that is still going: its lock is held.
        RunFolder live = RunFolder.create(root, "verify", CLOCK);
        Files.writeString(live.resolve(".verify-cases.csv.789.tmp"), "being written");

        RunFolder next = RunFolder.create(root, "verify", CLOCK);

        assertEquals(List.of("abc-result.json"), fileNames(killed));
        assertEquals(List.of("allure-results"), fileNames(killed.getParent()));
        assertTrue(Files.exists(live.resolve(".verify-cases.csv.789.tmp")), "a live run's write was deleted");
        assertTrue(Files.notExists(root.resolve(".20250101-000000-verify.lock")), "the dead run's lock file stays");
        assertTrue(Files.exists(root.resolve("." + live.name() + ".lock")));
        assertTrue(Files.exists(root.resolve("." + next.name() + ".lock")));
    }

    @Test
    void openingAFolderOfAKilledRunDeletesItsUnfinishedWrites() throws IOException {
        Path killed = Files.createDirectories(root.resolve("20250101-000000-verify"));
        Files.writeString(root.resolve(".20250101-000000-verify.lock"), "");
        Files.writeString(killed.resolve(".verify-cases.csv.456.tmp"), "case_id\nhalf a ro");
        Files.writeString(killed.resolve("verify-cases.csv"), "case_id\n");

        RunFolder.open(killed);

        assertEquals(List.of("verify-cases.csv"), fileNames(killed));
    }

    @Test
    void namesTheFolderByStartTimeAndCommandAndKeepsNamesUnique() throws IOException {
        RunFolder first = RunFolder.create(root.resolve("out"), "verify", CLOCK);
        RunFolder second = RunFolder.create(root.resolve("out"), "verify", CLOCK);
        RunFolder third = RunFolder.create(root.resolve("out"), "verify", CLOCK);

        assertEquals("20250102-030405-verify", first.name());
        assertEquals("20250102-030405-verify-2", second.name());
        assertEquals("20250102-030405-verify-3", third.name());
        assertTrue(Files.isDirectory(third.path()));
    }

    @Test
    void usesTheClocksZone() throws IOException {
        Clock berlin = Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"), ZoneOffset.ofHours(1));
        assertEquals("20250102-040405-bench", RunFolder.create(root, "bench", berlin).name());
    }

    @Test
    void refusesACommandThatIsNotAFileName() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> RunFolder.create(root, "../verify", CLOCK));
        assertTrue(error.getMessage().contains("'../verify'"), error.getMessage());
    }

    @Test
    void resolveStaysInsideTheFolder() throws IOException {
        RunFolder run = RunFolder.create(root, "verify", CLOCK);
        assertEquals(run.path().resolve("charts/a.png"), run.resolve("charts/a.png"));
        assertThrows(IllegalArgumentException.class, () -> run.resolve("../escape.csv"));
        assertThrows(IllegalArgumentException.class, () -> run.resolve("/etc/passwd"));
    }

    @Test
    void writeAtomicallyReplacesTheFileAndLeavesNoTemporaryFile() throws IOException {
        RunFolder run = RunFolder.create(root, "verify", CLOCK);
        run.writeAtomically("tables/t.csv", out -> out.write("first\n".getBytes(StandardCharsets.UTF_8)));
        Path written = run.writeAtomically("tables/t.csv", out -> out.write("second\n".getBytes(StandardCharsets.UTF_8)));

        assertEquals("second\n", Files.readString(written));
        assertEquals(List.of("t.csv"), fileNames(run.resolve("tables")));
    }

    @Test
    void aWriteThatFailsHalfWayKeepsThePreviousFileAndLeavesNoTemporaryFile() throws IOException {
        RunFolder run = RunFolder.create(root, "verify", CLOCK);
        byte[] complete = "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8);
        run.writeAtomically("t.csv", out -> out.write(complete));

        IOException failure = assertThrows(IOException.class, () -> run.writeAtomically("t.csv", out -> {
            out.write("a,b\n1,2\n3,".getBytes(StandardCharsets.UTF_8));
            out.flush();
            throw new IOException("disk gone");
        }));

        assertEquals("disk gone", failure.getMessage());
        assertArrayEquals(complete, Files.readAllBytes(run.resolve("t.csv")));
        assertEquals(List.of("t.csv"), fileNames(run.path()));
    }

    @Test
    void aWriteThatFailsBeforeAnyFileExistedLeavesNothing() throws IOException {
        RunFolder run = RunFolder.create(root, "verify", CLOCK);
        assertThrows(IllegalStateException.class, () -> run.writeAtomically("t.csv", out -> {
            out.write(1);
            throw new IllegalStateException("bug");
        }));
        assertEquals(List.of(), fileNames(run.path()));
    }

    @Test
    void earlierRunsAreTheSiblingsThatStartedBeforeOldestFirst() throws IOException {
        RunFolder older = RunFolder.create(root, "verify",
                Clock.fixed(Instant.parse("2024-12-31T23:59:59Z"), ZoneOffset.UTC));
        RunFolder sameSecond = RunFolder.create(root, "verify", CLOCK);
        RunFolder current = RunFolder.create(root, "verify", CLOCK);
        Files.createDirectory(root.resolve("not-a-run"));
        RunFolder later = RunFolder.create(root, "verify", Clock.fixed(Instant.parse("2025-02-01T00:00:00Z"), ZoneOffset.UTC));

        assertEquals(List.of(older.path(), sameSecond.path()), current.earlierRuns());
        assertEquals(List.of(), older.earlierRuns());
        assertEquals(3, later.earlierRuns().size());
    }

    static List<String> fileNames(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }
}
