package org.bptt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class in {@code examples/class}, four students' NumPy Elman RNNs with one classic BPTT mistake each, marked
 * with the correct NumPy example ({@code examples/numpy}) as a fifth student: each of the four fails exactly in the
 * gradients its mistake reaches, and the correct one passes. Needs {@code /usr/bin/python3} with NumPy (skipped,
 * saying so, without it; {@code ./run-tests} installs it).
 */
@EnabledOnOs(OS.LINUX)
class ClassExamplesTest {

    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path folder;

    @Test
    void eachStudentFailsInTheGradientsTheirMistakeReachesAndTheReferencePasses() throws Exception {
        assumeNumpy();
        Path root = root();
        Path submissions = Files.createDirectories(folder.resolve("class"));
        try (Stream<Path> students = Files.list(root.resolve("examples/class"))) {
            for (Path student : students.filter(Files::isDirectory).toList()) {
                copyFolder(student, submissions.resolve(student.getFileName().toString()));
            }
        }
        copyFolder(root.resolve("examples/numpy"), submissions.resolve("reference"));

        CliRun run = CliRun.of("class", submissions.toString(), "--handout", root.resolve("examples/protocol.py").toString(),
                "--python", PYTHON, "--out", folder.resolve("out").toString());
        assertEquals(ExitCode.DIVERGED, run.exitCode(), run::toString);
        Map<String, CSVRecord> lines = ClassCommandTest.classTable(ClassCommandTest.onlyRun(folder.resolve("out")));
        assertEquals(List.of("ada", "ben", "chloe", "dmitri", "reference"), List.copyOf(lines.keySet()));

        assertEquals("passed", lines.get("reference").get("outcome"), lines.get("reference")::toString);
        // Which gradients a mistake reaches follows from where it sits in the backward step
        //   dy -> dV, dc;   dh = V^T dy + dhnext;   dhraw = tanh'(a) dh -> dU, dW, db;   dhnext = W^T dhraw:
        // tanh' written as 1 - h, and dhnext never added, both change dhraw (so dU, dW, db) but not dy (dV, dc);
        // dW accumulated with h_t instead of h_{t-1} changes dW alone (nothing downstream reads it); a bias
        // gradient never accumulated changes db alone.
        assertFailedIn(lines.get("ada"), "dL/dU dL/dW dL/db");
        assertFailedIn(lines.get("ben"), "dL/dW");
        assertFailedIn(lines.get("chloe"), "dL/dU dL/dW dL/db");
        assertFailedIn(lines.get("dmitri"), "dL/db");

        // Each student's one mistake is named, and it explains every case the student failed.
        assertDiagnosed(lines.get("ada"), "tanh-derivative-1-minus-h");
        assertDiagnosed(lines.get("ben"), "recurrent-gradient-with-h-t");
        assertDiagnosed(lines.get("chloe"), "future-gradient-dropped");
        assertDiagnosed(lines.get("dmitri"), "hidden-bias-gradient-lost");
        assertEquals("", lines.get("reference").get("diagnosis"));
    }

    private static void assertDiagnosed(CSVRecord line, String mistake) {
        assertEquals(mistake + " explains all " + line.get("failed") + " failed cases", line.get("diagnosis"), line::toString);
    }

    private static void assertFailedIn(CSVRecord line, String quantities) {
        assertEquals("failed", line.get("outcome"), line::toString);
        assertEquals("0", line.get("errors"), line::toString);
        assertEquals(quantities, line.get("failed_quantities"), line::toString);
    }

    private static void assumeNumpy() throws Exception {
        boolean found = false;
        if (Files.isExecutable(Path.of(PYTHON))) {
            Process process = new ProcessBuilder(PYTHON, "-c", "import numpy").redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            found = process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0;
        }
        assumeTrue(found, PYTHON + " cannot import numpy: install python3-numpy (./run-tests does)");
    }

    /** The repository root: the tests run in cli. */
    static Path root() {
        for (Path path = Path.of("").toAbsolutePath(); path != null; path = path.getParent()) {
            if (Files.isDirectory(path.resolve("examples/class"))) {
                return path;
            }
        }
        throw new IllegalStateException("examples/class not found above " + Path.of("").toAbsolutePath());
    }

    private static void copyFolder(Path source, Path target) throws IOException {
        try (Stream<Path> tree = Files.walk(source)) {
            for (Path path : tree.filter(path -> !path.toString().contains("__pycache__")).toList()) {
                Path copy = target.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(path, copy);
                }
            }
        }
    }
}
