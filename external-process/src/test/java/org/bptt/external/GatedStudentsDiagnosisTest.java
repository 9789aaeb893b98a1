package org.bptt.external;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.bptt.api.Cell;
import org.bptt.core.cases.Suite;
import org.bptt.core.cases.SuiteCase;
import org.bptt.core.diagnose.ImplementationDiagnosis;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.plugins.PluginRegistry;
import org.bptt.core.verify.CaseResult;
import org.bptt.core.verify.Status;
import org.bptt.core.verify.Verifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A student's GRU or LSTM with one catalogued gated mistake is diagnosed with exactly that mistake: the students are
 * the NumPy examples' hand-written BPTT ({@code examples/numpy/gru.py}, {@code lstm.py}) with the mistake edited into
 * a copy, so they are computed independently of the catalogue's models, which predict each mistake from the exact
 * computation of another parametrisation. Needs Debian's {@code /usr/bin/python3} with {@code python3-numpy}.
 */
@EnabledOnOs(OS.LINUX)
class GatedStudentsDiagnosisTest {

    private static final String PYTHON = "/usr/bin/python3";
    private static final LoadedPlugin ORACLE = PluginRegistry.discover(List.of()).require("reference-aggregated");
    private static final Verifier VERIFIER = new Verifier();

    @TempDir
    Path folder;

    @BeforeAll
    static void pythonHasNumpy() throws Exception {
        boolean found = false;
        if (Files.isExecutable(Path.of(PYTHON))) {
            Process process = new ProcessBuilder(PYTHON, "-c", "import numpy").redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            found = process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0;
        }
        assumeTrue(found, PYTHON + " cannot import numpy: install python3-numpy (./run-tests does)");
    }

    @Test
    void resetOnTheWrongSide() throws IOException {
        assertDiagnosed("gru-reset-on-wrong-side", Cell.GRU, "gru.py",
                "self.reset_after = spec[\"cellOptions\"][\"resetPlacement\"] == \"after\"",
                "self.reset_after = spec[\"cellOptions\"][\"resetPlacement\"] != \"after\"");
    }

    @Test
    void theUpdateGateTheOtherWayRound() throws IOException {
        assertDiagnosed("gru-update-gate-convention", Cell.GRU, "gru.py",
                "h = (1.0 - z) * n + z * h_prev", "h = z * n + (1.0 - z) * h_prev",
                "dn = dh * (1.0 - z)", "dn = dh * z",
                "dz = dh * (h_prev - n)", "dz = dh * (n - h_prev)",
                "dh_prev = dh * z", "dh_prev = dh * (1.0 - z)");
    }

    @Test
    void theGrusResetAndUpdateGatesSwapped() throws IOException {
        assertDiagnosed("gates-swapped", Cell.GRU, "gru.py",
                "_r\"]", "_Q\"]", "_z\"]", "_r\"]", "_Q\"]", "_z\"]",
                "hr\"]", "hQ\"]", "hz\"]", "hr\"]", "hQ\"]", "hz\"]",
                "(\"r\", da_r)", "(\"Q\", da_r)", "(\"z\", da_z)", "(\"r\", da_z)", "(\"Q\", da_r)", "(\"z\", da_r)");
    }

    @Test
    void theLstmsInputAndForgetGatesSwapped() throws IOException {
        assertDiagnosed("gates-swapped", Cell.LSTM, "lstm.py",
                "\"i\"", "\"Q\"", "\"f\"", "\"i\"", "\"Q\"", "\"f\"",
                "p_i\"]", "p_Q\"]", "p_f\"]", "p_i\"]", "p_Q\"]", "p_f\"]");
    }

    /**
     * Copies the NumPy example, applies the edits (pairs of text and replacement, in order, each of which must
     * occur), and checks that the quick suite's cases of {@code cell} fail and are explained by {@code mistake} alone.
     */
    private void assertDiagnosed(String mistake, Cell cell, String file, String... edits) throws IOException {
        Path examples = root().resolve("examples");
        Path student = folder.resolve("numpy");
        Files.createDirectories(student);
        Files.copy(examples.resolve("protocol.py"), folder.resolve("protocol.py"));
        try (var files = Files.list(examples.resolve("numpy"))) {
            for (Path source : files.filter(p -> p.toString().endsWith(".py")).toList()) {
                Files.copy(source, student.resolve(source.getFileName()));
            }
        }
        Path edited = student.resolve(file);
        String text = Files.readString(edited);
        for (int i = 0; i < edits.length; i += 2) {
            assertTrue(text.contains(edits[i]), file + " no longer contains " + edits[i]);
            text = text.replace(edits[i], edits[i + 1]);
        }
        Files.writeString(edited, text);

        List<SuiteCase> cases = Suite.QUICK.cases(11L, Set.of(cell)).stream()
                .filter(c -> c.spec().cell() == cell).map(SuiteCase::fullBptt).toList();
        try (ExternalRnn rnn = ExternalRnn.start("cmd:" + PYTHON + " " + student.resolve("rnn.py"), Duration.ofSeconds(60))) {
            List<CaseResult> results = VERIFIER.verifyAll(cases, LoadedPlugin.of(rnn, "tests"), ORACLE, null);
            List<CaseResult> failed = results.stream().filter(r -> r.status() == Status.FAILED).toList();
            assertTrue(!failed.isEmpty(), mistake + " shows on no case: " + results.stream().map(CaseResult::message).toList());
            assertTrue(results.stream().noneMatch(r -> r.status() == Status.ERROR),
                    results.stream().filter(r -> r.status() == Status.ERROR).map(CaseResult::message).toList().toString());
            ImplementationDiagnosis diagnosis = ImplementationDiagnosis.of(results);
            assertEquals(mistake, diagnosis.names(), diagnosis.describe() + ": "
                    + failed.stream().map(r -> r.caseId() + " " + r.diagnosis()).toList());
        }
    }

    private static Path root() {
        for (Path path = Path.of("").toAbsolutePath(); path != null; path = path.getParent()) {
            if (Files.isRegularFile(path.resolve("examples/protocol.py"))) {
                return path;
            }
        }
        throw new IllegalStateException("examples/protocol.py not found above " + Path.of("").toAbsolutePath());
    }
}
