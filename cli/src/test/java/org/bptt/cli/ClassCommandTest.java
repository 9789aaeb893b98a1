package org.bptt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.bptt.api.RnnImplementation;
import org.bptt.reports.marking.ClassReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bptt class} on a class made here: a correct plugin jar, a program that answers wrongly, one that crashes,
 * one that hangs, one that prints garbage, one that exits before its hello, an answers sheet with two wrong answers, and
 * a folder that is no submission. Each gets its own line, the class goes on, and the run exits 1 (not everyone
 * passed). The programs are standard-library Python ({@code class_student.py}), so any {@code python3} runs them.
 */
@EnabledOnOs(OS.LINUX)
class ClassCommandTest {

    @TempDir
    Path folder;

    @Test
    void everyStudentGetsTheirOwnLineAndTheClassGoesOn() throws IOException {
        Path submissions = Files.createDirectories(folder.resolve("submissions"));
        Path good = Files.createDirectories(submissions.resolve("good"));
        TestPluginJar.build(folder.resolve("build"), good.resolve("student-rnn.jar"), "edu.example.StudentRnn",
                PluginsFolderTest.STUDENT_PLUGIN, RnnImplementation.class);
        for (String mode : List.of("wrong", "crash", "hang", "garbage", "no-hello")) {
            Path student = Files.createDirectories(submissions.resolve(mode));
            try (InputStream program = ClassCommandTest.class.getResourceAsStream("class_student.py")) {
                Files.copy(program, student.resolve("student.py"));
            }
            Files.writeString(student.resolve(Submission.COMMAND_FILE), "# how to run my program\npython3 student.py " + mode + "\n");
        }
        Files.createDirectories(submissions.resolve("empty"));
        // An answers sheet: h_1, h_2 and L right, dL/dh_1 without the path through h_2 and a dL/dW built on it
        // (coursework/README.md, where the sheet is written out).
        Files.copy(ClassExamplesTest.root().resolve("coursework/examples/answers.json"), submissions.resolve("sam.json"));

        CliRun first = CliRun.of("class", submissions.toString(), "--out", folder.resolve("first").toString(),
                "--timeout", "2");
        assertEquals(ExitCode.DIVERGED, first.exitCode(), first::toString);
        Path run = onlyRun(folder.resolve("first"));
        Map<String, CSVRecord> lines = classTable(run);
        assertEquals(List.of("crash", "empty", "garbage", "good", "hang", "no-hello", "sam", "wrong"), List.copyOf(lines.keySet()),
                "one line per student, sorted by name");

        CSVRecord correct = lines.get("good");
        assertEquals("passed", correct.get("outcome"), correct::toString);
        assertEquals("jar: student-rnn.jar", correct.get("submission"));
        assertTrue(Integer.parseInt(correct.get("passed")) > 0, correct::toString);
        assertEquals("0", correct.get("failed"));
        assertEquals("0", correct.get("quantities_failed"));

        CSVRecord wrong = lines.get("wrong");
        assertEquals("failed", wrong.get("outcome"), wrong::toString);
        assertEquals("0", wrong.get("errors"));
        assertTrue(wrong.get("failed_quantities").contains("dL/dW"), wrong::toString);
        assertEquals("cmd: python3 student.py wrong", wrong.get("submission"));

        CSVRecord sheet = lines.get("sam");
        assertEquals("failed", sheet.get("outcome"), sheet::toString);
        assertEquals("answers: sam.json", sheet.get("submission"));
        assertEquals("1", sheet.get("cases"));
        assertEquals("3", sheet.get("quantities_passed"), sheet::toString);
        assertEquals("dL/dh_1 dL/dW", sheet.get("failed_quantities"), sheet::toString);
        assertTrue(Files.isRegularFile(run.resolve("students/sam/explain.html")), "the explanation with the check");

        assertError(lines.get("crash"), "exited with code 1");
        assertTrue(lines.get("crash").get("message").contains("index out of range in my backward pass"), "its stderr is quoted");
        assertError(lines.get("hang"), "did not answer within 2 s");
        assertError(lines.get("garbage"), "printed a line that is not JSON");
        assertEquals("not-run", lines.get("no-hello").get("outcome"));
        assertTrue(lines.get("no-hello").get("message").contains("No module named 'numpy'"), lines.get("no-hello")::toString);
        assertEquals("not-run", lines.get("empty").get("outcome"));
        assertTrue(lines.get("empty").get("message").startsWith("not a submission: no 'cmd' file"), lines.get("empty")::toString);
        for (CSVRecord line : lines.values()) {
            assertFalse(line.get("message").contains(System.getProperty("java.io.tmpdir") + "/bptt-class-"),
                    "the working folder is not named: " + line);
        }

        // Each student's own report to hand back, and the class's.
        for (String student : lines.keySet()) {
            assertTrue(Files.isRegularFile(run.resolve("students").resolve(student).resolve("allure-report.html")), student);
        }
        assertTrue(Files.isRegularFile(run.resolve("allure-report.html")));
        assertTrue(Files.isRegularFile(run.resolve("charts/class-outcomes.png")));
        assertTrue(Files.isRegularFile(run.resolve("charts/class-students-per-quantity.png")));
        // Each program ran in a copy: what it wrote without a path is not in the submission or where bptt runs.
        assertFalse(Files.exists(submissions.resolve("wrong/scratch.txt")));
        assertFalse(Files.exists(Path.of("scratch.txt").toAbsolutePath()));

        // The same class, suite and seed: the same table, the wall time aside.
        CliRun second = CliRun.of("class", submissions.toString(), "--out", folder.resolve("second").toString(),
                "--timeout", "2");
        assertEquals(ExitCode.DIVERGED, second.exitCode(), second::toString);
        assertEquals(withoutSeconds(run), withoutSeconds(onlyRun(folder.resolve("second"))));
    }

    @Test
    void aHangingStudentIsStoppedByTheTimeLimit() throws IOException {
        Path submissions = Files.createDirectories(folder.resolve("submissions"));
        Path student = Files.createDirectories(submissions.resolve("hang"));
        try (InputStream program = ClassCommandTest.class.getResourceAsStream("class_student.py")) {
            Files.copy(program, student.resolve("main.py"));
        }
        Files.writeString(student.resolve("cmd"), "python3 main.py hang\n");
        // The call timeout leaves python3 time to start and answer its hello on a loaded machine (1 s did not, in a
        // CI run beside two training runs); the hung case then costs those 5 s, past the time limit of 0.5 s.
        CliRun run = CliRun.of("class", submissions.toString(), "--out", folder.resolve("out").toString(),
                "--timeout", "5", "--time-limit", "0.5");
        assertEquals(ExitCode.DIVERGED, run.exitCode(), run::toString);
        CSVRecord line = classTable(onlyRun(folder.resolve("out"))).get("hang");
        assertEquals("time-limit", line.get("outcome"), line::toString);
        assertTrue(line.get("message").startsWith("stopped by the time limit of 0.5 s after "), line::toString);
        assertTrue(Integer.parseInt(line.get("not_run")) > 0, line::toString);
    }

    @Test
    void aFolderThatIsNotThereIsTheUsersMistake() {
        CliRun run = CliRun.of("class", folder.resolve("no-such-class").toString(), "--out", folder.toString());
        assertEquals(ExitCode.USAGE, run.exitCode(), run::toString);
        assertTrue(run.err().contains("no-such-class"), run::toString);
    }

    private static void assertError(CSVRecord line, String problem) {
        assertEquals("error", line.get("outcome"), line::toString);
        assertTrue(Integer.parseInt(line.get("errors")) > 0, line::toString);
        assertTrue(line.get("message").contains(problem), () -> "'" + problem + "' in " + line);
    }

    static Path onlyRun(Path root) throws IOException {
        try (Stream<Path> runs = Files.list(root)) {
            List<Path> folders = runs.filter(Files::isDirectory).toList();
            assertEquals(1, folders.size(), folders::toString);
            return folders.get(0);
        }
    }

    /** class.csv by student. */
    static Map<String, CSVRecord> classTable(Path run) throws IOException {
        Map<String, CSVRecord> lines = new LinkedHashMap<>();
        try (Reader reader = Files.newBufferedReader(run.resolve(ClassReport.STUDENTS_TABLE + ".csv"))) {
            for (CSVRecord record : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader)) {
                lines.put(record.get("student"), record);
            }
        }
        return lines;
    }

    /** class.csv's rows without the last column, {@code seconds}. */
    static List<List<String>> withoutSeconds(Path run) throws IOException {
        assertEquals("seconds", ClassReport.STUDENT_COLUMNS.get(ClassReport.STUDENT_COLUMNS.size() - 1));
        List<List<String>> rows = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(run.resolve(ClassReport.STUDENTS_TABLE + ".csv"))) {
            for (CSVRecord record : CSVFormat.DEFAULT.parse(reader)) {
                rows.add(record.toList().subList(0, record.size() - 1));
            }
        }
        return rows;
    }
}
