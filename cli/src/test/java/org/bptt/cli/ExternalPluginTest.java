package org.bptt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bptt verify --impl 'cmd:...'} end to end: the examples in {@code examples/} (NumPy by hand, PyTorch's
 * nn.RNN) against the reference, a process that dies on every case, and a command that cannot start. Needs Debian's
 * {@code /usr/bin/python3} with {@code python3-numpy} (and {@code python3-torch} for the PyTorch test); a test is
 * skipped, saying so, only when that module is missing ({@code ./run-tests} installs both).
 */
class ExternalPluginTest {

    private static final String PYTHON = "/usr/bin/python3";
    /** What the plugin throws for one failed call. */
    private static final String EXTERNAL_FAILURE = org.bptt.external.ExternalProcessException.class.getName();

    @TempDir
    Path folder;

    /** The repository root: the tests run in cli. */
    private static Path root() {
        for (Path path = Path.of("").toAbsolutePath(); path != null; path = path.getParent()) {
            if (Files.isRegularFile(path.resolve("examples/protocol.py"))) {
                return path;
            }
        }
        throw new IllegalStateException("examples/protocol.py not found above " + Path.of("").toAbsolutePath());
    }

    private static void assumePythonHas(String module, String debianPackage) throws Exception {
        boolean found = false;
        if (Files.isExecutable(Path.of(PYTHON))) {
            Process process = new ProcessBuilder(PYTHON, "-c", "import " + module).redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            found = process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0;
        }
        assumeTrue(found, PYTHON + " cannot import " + module + ": install " + debianPackage + " (./run-tests does)");
    }

    private String example(String name) {
        return "cmd:" + PYTHON + " " + root().resolve("examples/" + name + "/rnn.py");
    }

    /** The cases table of the only run under {@code out}: one record per case. */
    private static List<CSVRecord> caseRecords(Path out) throws IOException {
        Path run;
        try (Stream<Path> runs = Files.list(out)) {
            run = runs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        try (Reader reader = Files.newBufferedReader(run.resolve("verify-cases.csv"));
             CSVParser parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(reader)) {
            return parser.getRecords();
        }
    }

    /** Each case as "status message", for counting and for failure messages. */
    private List<String> caseRows() throws IOException {
        return caseRecords(folder).stream().map(row -> row.get("status") + " " + row.get("message")).toList();
    }

    @Test
    void theHandWrittenNumpyRnnPassesTheQuickSuite() throws Exception {
        assumePythonHas("numpy", "python3-numpy");
        CliRun run = CliRun.of("verify", "--impl", example("numpy"), "--suite", "quick", "--cell", "elman", "--out", folder.toString());
        assertEquals(ExitCode.OK, run.exitCode(), run::toString);
        List<String> rows = caseRows();
        // 50 cases compared against the reference; the 24 truncated-BPTT cases are skipped (not declared).
        assertEquals(50, rows.stream().filter(row -> row.startsWith("PASSED")).count(), () -> String.join("\n", rows));
        assertEquals(24, rows.stream().filter(row -> row.contains("lacks TRUNCATED_BPTT")).count(), () -> String.join("\n", rows));
    }

    @Test
    void theHandWrittenNumpyGruAndLstmPassTheQuickSuiteByDefault() throws Exception {
        assumePythonHas("numpy", "python3-numpy");
        CliRun run = CliRun.of("verify", "--impl", example("numpy"), "--suite", "quick", "--out", folder.toString());
        assertEquals(ExitCode.OK, run.exitCode(), run::toString);
        assertTrue(run.out().contains("(cells elman, gru, lstm; seed 42)"), run::toString);
        List<String> rows = caseRows();
        // Every cell the example declares: 50 Elman, 12 GRU and 12 LSTM cases; the 72 truncated ones are not declared.
        assertEquals(74, rows.stream().filter(row -> row.startsWith("PASSED")).count(), () -> String.join("\n", rows));
        assertEquals(12, caseRecords(folder).stream().filter(row -> "PASSED".equals(row.get("status")) && "gru".equals(row.get("cell")))
                .count(), () -> String.join("\n", rows));
        assertEquals(72, rows.stream().filter(row -> row.contains("lacks TRUNCATED_BPTT")).count(), () -> String.join("\n", rows));
    }

    @Test
    void pytorchsRnnPassesTheCasesItCanRun() throws Exception {
        assumePythonHas("torch", "python3-torch");
        CliRun run = CliRun.of("verify", "--impl", example("pytorch"), "--suite", "quick", "--out", folder.toString());
        assertEquals(ExitCode.OK, run.exitCode(), run::toString);
        List<String> rows = caseRows();
        assertTrue(rows.stream().filter(row -> row.startsWith("PASSED")).count() >= 20, () -> String.join("\n", rows));
        assertTrue(rows.stream().anyMatch(row -> row.contains("lacks SIGMOID")), () -> String.join("\n", rows));
        assertTrue(rows.stream().noneMatch(row -> row.startsWith("FAILED") || row.startsWith("ERROR")), () -> String.join("\n", rows));
    }

    @Test
    void gradcheckTakesACmdImplementation() throws Exception {
        assumePythonHas("numpy", "python3-numpy");
        CliRun run = CliRun.of("gradcheck", "--impl", example("numpy"), "-T", "4", "-B", "2", "--mask",
                "--initial-state", "--activation", "sigmoid", "--head", "last_step_softmax");
        assertEquals(ExitCode.OK, run.exitCode(), run::toString);
        assertTrue(run.out().contains("all gradients agree with finite differences"), run::toString);
    }

    @Test
    void aProcessThatDiesOnEveryCaseIsAnErrorPerCaseAndTheRunGoesOn() throws Exception {
        Path script = folder.resolve("dies.py");
        Files.writeString(script, String.join("\n",
                "import json, sys",
                "for line in sys.stdin:",
                "    request = json.loads(line)",
                "    if request['op'] != 'hello':",
                "        sys.exit('no BPTT today')",
                "    print(json.dumps({'id': request['id'], 'ok': True, 'name': 'dies', 'capabilities': ",
                "        ['TANH', 'SIGMOID', 'RELU', 'IDENTITY', 'PER_STEP_SOFTMAX', 'LAST_STEP_SOFTMAX',",
                "         'LAST_STEP_SIGMOID', 'BIASES', 'NO_BIASES', 'MASKS', 'INITIAL_STATE', 'FLOAT64']}), flush=True)", ""));
        Path out = folder.resolve("runs");
        CliRun run = CliRun.of("verify", "--impl", "cmd:" + PYTHON + " " + script, "--suite", "quick", "--shard", "1/5",
                "--out", out.toString());
        assertEquals(ExitCode.DIVERGED, run.exitCode(), run::toString);
        assertTrue(run.out().contains("closed its output before answering: it exited with code 1; it restarts for the next call;"
                + " its stderr ends with:"), run::toString);
        assertTrue(run.out().contains("no BPTT today"), run::toString);
        List<String> rows = caseRecords(out).stream().map(row -> row.get("status") + " " + row.get("message")).toList();
        // Every case it can run is an error of its own (the process restarts each time); none stops the run.
        long errors = rows.stream().filter(row -> row.startsWith("ERROR forward() threw " + EXTERNAL_FAILURE
                + ": cmd:" + PYTHON + " " + script + ": forward of case ")).count();
        long truncated = rows.stream().filter(row -> row.startsWith("SKIPPED") && row.endsWith("lacks TRUNCATED_BPTT")).count();
        assertEquals(10, errors, () -> String.join("\n", rows));
        assertEquals(rows.size(), errors + truncated, () -> String.join("\n", rows));
    }

    @Test
    void aProgramThatAnswersTheHelloWithGarbageIsAFailingPluginAndTheRunStops() throws Exception {
        Path script = Files.writeString(folder.resolve("chatty.py"), String.join("\n",
                "import sys",
                "for line in sys.stdin:",
                "    print('Hello! I am an RNN.', flush=True)", ""));
        CliRun run = CliRun.of("verify", "--impl", "cmd:" + PYTHON + " " + script, "--out", folder.toString());
        assertEquals(ExitCode.DIVERGED, run.exitCode(), run::toString);
        assertTrue(run.err().contains("'Hello! I am an RNN.'; it was killed, and bptt stops"), run::toString);
        assertFalse(run.err().contains("restarts"), run::toString);
        assertFalse(run.err().contains("\tat "), "no stack trace for a failing plugin\n" + run);
    }

    @Test
    void aCommandThatCannotStartIsAUsageError() {
        CliRun run = CliRun.of("verify", "--impl", "cmd:/no/such/rnn --fast", "--out", folder.toString());
        assertEquals(ExitCode.USAGE, run.exitCode(), run::toString);
        assertTrue(run.err().contains("cmd:/no/such/rnn --fast: hello: cannot start /no/such/rnn"), run::toString);
        assertFalse(run.err().contains("\tat "), "no stack trace for a user's mistake\n" + run);
    }
}
