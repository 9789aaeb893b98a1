package org.bptt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --layers} and {@code --direction} on verify, gradcheck and export, and the PyTorch and NumPy examples on
 * stacked and bidirectional cases (skipped, saying so, when /usr/bin/python3 lacks torch or numpy).
 */
class StackedCommandsTest {

    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path folder;

    private static Path root() {
        for (Path path = Path.of("").toAbsolutePath(); path != null; path = path.getParent()) {
            if (Files.isRegularFile(path.resolve("examples/protocol.py"))) {
                return path;
            }
        }
        throw new IllegalStateException("examples/protocol.py not found above " + Path.of("").toAbsolutePath());
    }

    private static void assumePythonHas(String module) throws Exception {
        boolean found = false;
        if (Files.isExecutable(Path.of(PYTHON))) {
            Process process = new ProcessBuilder(PYTHON, "-c", "import " + module).redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            found = process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0;
        }
        assumeTrue(found, PYTHON + " cannot import " + module);
    }

    private static List<String> caseRows(Path out) throws IOException {
        return Files.readAllLines(VerifyCommandTest.onlyRunFolder(out).resolve("verify-cases.csv"));
    }

    @Test
    void verifyRunsTheChosenLayersAndDirectionsAndTheTablesSayWhichTheyAre() throws IOException {
        CliRun run = CliRun.of("verify", "--impl", "reference-naive", "--suite", "quick", "--layers", "2", "--direction",
                "bidirectional", "--out", folder.toString());
        assertEquals(ExitCode.OK, run.exitCode(), run::toString);
        // QUICK holds one two-layer bidirectional case per cell.
        assertTrue(run.out().contains("on 3 cases (+0 truncated-BPTT cases) of the quick suite (cells elman, gru, lstm; "
                + "2 layers, bidirectional; seed 42)"), run::toString);
        List<String> rows = caseRows(folder);
        assertEquals(4, rows.size(), rows::toString);
        for (String row : rows.subList(1, rows.size())) {
            assertTrue(row.startsWith("l2-biconcat-") && row.contains("PASSED") && row.contains("layers=2;direction=bidirectional;combine=concat"), row);
        }
    }

    @Test
    void gradcheckBuildsAStackedOrBidirectionalCase() {
        CliRun run = CliRun.of("gradcheck", "--impl", "reference-aggregated", "--cell", "lstm", "--layers", "2", "--direction",
                "bidirectional", "--combine", "product", "--mask", "--initial-state", "-T", "4");
        assertEquals(ExitCode.OK, run.exitCode(), run::toString);
        assertTrue(run.out().contains("all gradients agree with finite differences"), run::toString);
        assertTrue(run.out().contains("l1.reverse.W_f"), run::toString);
        CliRun refused = CliRun.of("gradcheck", "--impl", "reference-aggregated", "--combine", "sum");
        assertEquals(ExitCode.USAGE, refused.exitCode(), refused::toString);
        assertTrue(refused.err().contains("--combine is for a bidirectional network; add --direction bidirectional"), refused::toString);
    }

    @Test
    void exportedStackedVectorsAreVerifiedAgainst() throws IOException {
        Path vectors = folder.resolve("vectors");
        CliRun export = CliRun.of("export", "--suite", "quick", "--layers", "2", "--direction", "forward", "--direction",
                "bidirectional", "--out", vectors.toString());
        assertEquals(ExitCode.OK, export.exitCode(), export::toString);
        assertTrue(export.out().contains("exporting 6 cases (+0 truncated-BPTT cases; cells elman, gru, lstm; 2 layers, "
                + "forward or bidirectional)"), export::toString);
        Path runs = folder.resolve("runs");
        CliRun verify = CliRun.of("verify", "--impl", "reference-naive", "--cases", vectors.toString(), "--out", runs.toString());
        assertEquals(ExitCode.OK, verify.exitCode(), verify::toString);
        List<String> rows = caseRows(runs);
        assertEquals(7, rows.size(), rows::toString);
        assertTrue(rows.subList(1, 7).stream().allMatch(row -> row.startsWith("l2-") && row.contains(",PASSED,")), rows::toString);
    }

    @Test
    void pytorchRunsEveryStackedAndBidirectionalCaseItCanExpress() throws Exception {
        assumePythonHas("torch");
        CliRun run = CliRun.of("verify", "--impl", "cmd:" + PYTHON + " " + root().resolve("examples/pytorch/rnn.py"),
                "--suite", "quick", "--layers", "1", "--layers", "2", "--direction", "forward", "--direction", "bidirectional",
                "--out", folder.toString());
        assertEquals(ExitCode.OK, run.exitCode(), run::toString);
        List<String> rows = caseRows(folder);
        // Every two-layer case passes, or is skipped for what PyTorch cannot express.
        List<String> stacked = rows.stream().filter(row -> row.startsWith("l2-")).toList();
        assertEquals(6, stacked.size(), () -> String.join("\n", rows));
        for (String row : stacked) {
            assertTrue(row.contains(",PASSED,") || row.matches(".*,SKIPPED,.* lacks (GRU_RESET_BEFORE|LSTM_PEEPHOLES|SIGMOID),.*"), row);
        }
        assertTrue(stacked.stream().anyMatch(row -> row.startsWith("l2-biconcat-") && row.contains(",PASSED,")), () -> String.join("\n", rows));
        assertTrue(rows.stream().noneMatch(row -> row.contains(",FAILED,") || row.contains(",ERROR,")), () -> String.join("\n", rows));
    }

    @Test
    void theNumpyStackPassesEveryTwoLayerForwardCase() throws Exception {
        assumePythonHas("numpy");
        CliRun run = CliRun.of("verify", "--impl", "cmd:" + PYTHON + " " + root().resolve("examples/numpy/stacked.py"),
                "--layers", "2", "--out", folder.toString());
        assertEquals(ExitCode.OK, run.exitCode(), run::toString);
        List<String> rows = caseRows(folder);
        // DEFAULT: nine two-layer forward cases per cell; their truncated cases are skipped (not declared).
        assertEquals(27, rows.stream().filter(row -> row.startsWith("l2-") && row.contains(",PASSED,")).count(), () -> String.join("\n", rows));
        assertEquals(12, rows.stream().filter(row -> row.contains("lacks TRUNCATED_BPTT")).count(), () -> String.join("\n", rows));
    }
}
