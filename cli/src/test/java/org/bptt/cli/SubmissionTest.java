package org.bptt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bptt.cli.Submission.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What each entry of a class folder is, in the order of precedence the README gives. */
class SubmissionTest {

    @TempDir
    Path classFolder;

    private Path folder(String name, String... files) throws IOException {
        Path folder = Files.createDirectories(classFolder.resolve(name));
        for (String file : files) {
            Files.writeString(folder.resolve(file), "");
        }
        return folder;
    }

    @Test
    void eachEntryIsOneStudentOfTheFirstKindThatFits() throws IOException {
        Path commandFolder = folder("ada", "rnn.py", "rnn.jar", "answers.json");
        Files.writeString(commandFolder.resolve("cmd"), "# my program\n\n  ./run.sh --fast  \nignored\n");
        Path runFolder = folder("ben", "train.py");
        Files.writeString(runFolder.resolve("run"), "python3 train.py\n");
        folder("chloe", "model.py", "rnn.jar");
        folder("dmitri", "helpers.py", "rnn.py", "main.py");
        folder("eve", "helpers.py", "rnn.py");
        folder("fay", "only.py", "notes.txt");
        folder("gus", "answers.json", "notes.txt");
        folder("hal", "a.py", "b.py");
        folder("ivy", "notes.txt");
        folder("jo", "one.jar", "two.jar");
        Path emptyCommand = folder("kim");
        Files.writeString(emptyCommand.resolve("cmd"), "# nothing yet\n");
        Files.writeString(classFolder.resolve("lee.jar"), "");
        Files.writeString(classFolder.resolve("max.json"), "{}");
        Files.writeString(classFolder.resolve("notes.txt"), "");
        Files.createDirectories(classFolder.resolve(".git"));
        Files.writeString(classFolder.resolve("README.md"), "# the class of 2026");

        List<Submission> submissions = Submission.findAll(classFolder);
        assertEquals(List.of("ada", "ben", "chloe", "dmitri", "eve", "fay", "gus", "hal", "ivy", "jo", "kim", "lee", "max",
                "notes.txt"), submissions.stream().map(Submission::student).toList(), "hidden entries and a README are no students");
        assertKind(submissions.get(0), Kind.COMMAND, "./run.sh --fast");
        assertKind(submissions.get(1), Kind.COMMAND, "python3 train.py");
        assertEquals(Kind.JAR, submissions.get(2).kind(), "a jar before a script");
        assertKind(submissions.get(3), Kind.PYTHON, "main.py");
        assertKind(submissions.get(4), Kind.PYTHON, "rnn.py");
        assertKind(submissions.get(5), Kind.PYTHON, "only.py");
        assertEquals(Kind.ANSWERS, submissions.get(6).kind());
        assertUnknown(submissions.get(7), "cannot tell which of its 2 scripts [a.py, b.py] to run");
        assertUnknown(submissions.get(8), "no 'cmd' file, jar, Python script or answers.json in it");
        assertUnknown(submissions.get(9), "it holds 2 jars");
        assertUnknown(submissions.get(10), "its file 'cmd' names no command");
        assertEquals(Kind.JAR, submissions.get(11).kind());
        assertEquals(Kind.ANSWERS, submissions.get(12).kind());
        assertUnknown(submissions.get(13), "neither a folder, a .jar nor a .json");

        assertEquals("cmd: ./run.sh --fast", submissions.get(0).describe("python3"));
        assertEquals("cmd: /usr/bin/python3 main.py", submissions.get(3).describe("/usr/bin/python3"));
        assertEquals("jar: lee.jar", submissions.get(11).describe("python3"));
    }

    @Test
    void aScriptNameIsOneWordOfTheCommand() {
        assertEquals("rnn.py", ClassJob.quoted("rnn.py"));
        // Split like a POSIX shell splits it (the cmd: plugin's CommandWords): one word each.
        assertEquals("'my rnn.py'", ClassJob.quoted("my rnn.py"));
        assertEquals("'ada'\\''s rnn.py'", ClassJob.quoted("ada's rnn.py"));
    }

    private static void assertKind(Submission submission, Kind kind, String entry) {
        assertEquals(kind, submission.kind(), submission::toString);
        assertEquals(entry, submission.entry(), submission::toString);
    }

    private static void assertUnknown(Submission submission, String why) {
        assertEquals(Kind.UNKNOWN, submission.kind(), submission::toString);
        assertTrue(submission.entry().contains(why), submission::toString);
    }
}
