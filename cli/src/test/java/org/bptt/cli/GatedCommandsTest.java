package org.bptt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.bptt.reports.csv.VerifyTables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The commands on the gated cells: --cell, the cell options of gradcheck, gated spec files, the plugins' cells. */
class GatedCommandsTest {

    @TempDir
    Path folder;

    @Test
    void verifyRunsTheChosenCellsOnlyAndTheTablesNameTheCellAndItsOptions() throws IOException {
        CliRun run = CliRun.of("verify", "--impl", "reference-naive", "--suite", "quick", "--cell", "gru",
                "--layers", "1", "--direction", "forward", "--out", folder.toString());
        assertEquals(ExitCode.OK, run.exitCode(), run::toString);
        // QUICK has 12 one-layer forward GRU cases and 6 truncated GRU grid points under 4 truncations.
        assertTrue(run.out().contains("on 12 cases (+24 truncated-BPTT cases) of the quick suite (cells gru; 1 layer, forward; seed 42)"),
                run::toString);
        List<String> rows = Files.readAllLines(VerifyCommandTest.onlyRunFolder(folder).resolve(VerifyTables.CASES_FILE));
        List<String> header = Arrays.asList(rows.get(0).split(","));
        assertEquals(VerifyTables.CASE_COLUMNS, header);
        assertEquals(List.of("cell", "reset", "peepholes", "two_biases", "c0"), header.subList(header.size() - 5, header.size()),
                "the cell's columns come last");
        assertEquals(37, rows.size(), "a header and 36 cases");
        for (String row : rows.subList(1, rows.size())) {
            assertTrue(row.startsWith("gru-reset"), row);
            assertTrue(row.matches(".*,gru,(before|after),,(true|false),$"), row);
        }
    }

    @Test
    void byDefaultVerifyRunsTheCellsTheImplementationsRun() {
        CliRun lstmOnly = CliRun.of("verify", "--impl", "test-wrong-forget-gate", "--suite", "quick", "--out", folder.toString());
        assertTrue(lstmOnly.out().contains("(cells lstm; seed 42)"), lstmOnly::toString);
        CliRun elmanOnly = CliRun.of("verify", "--impl", "test-dropped-bias", "--suite", "quick", "--layers", "1",
                "--direction", "forward", "--out", folder.toString());
        assertTrue(elmanOnly.out().contains("on 50 cases (+24 truncated-BPTT cases) of the quick suite (cells elman; 1 layer, forward; seed 42)"),
                elmanOnly::toString);
    }

    @Test
    void byDefaultVerifyRunsEveryNetworkTheSuiteHoldsOneLayerStackedAndBidirectional() throws IOException {
        CliRun run = CliRun.of("verify", "--impl", "reference-naive", "--suite", "quick", "--cell", "gru", "--out", folder.toString());
        assertEquals(ExitCode.OK, run.exitCode(), run::toString);
        List<String> ids = Files.readAllLines(VerifyCommandTest.onlyRunFolder(folder).resolve(VerifyTables.CASES_FILE)).stream()
                .skip(1).map(row -> row.substring(0, row.indexOf(','))).toList();
        assertTrue(ids.stream().anyMatch(id -> id.startsWith("gru-reset")), "one-layer forward cases: " + ids);
        assertTrue(ids.stream().anyMatch(id -> id.matches("l[23]-gru.*")), "stacked forward cases: " + ids);
        assertTrue(ids.stream().anyMatch(id -> id.matches("l[123]-bi.*")), "bidirectional cases: " + ids);
    }

    @Test
    void aWrongGateGradientFailsTheGateNamingTheGateTensorAndIndex() {
        CliRun run = CliRun.of("verify", "--impl", "test-wrong-forget-gate", "--suite", "quick", "--out", folder.toString());
        assertEquals(ExitCode.DIVERGED, run.exitCode(), run::toString);
        assertTrue(run.out().matches("(?s).*FAILED\\s+test-wrong-forget-gate lstm-\\S+: dL/dW_f\\[row=2, col=1\\]: expected .*"),
                run::toString);
        assertFalse(run.out().contains("dL/dW_i["), run::toString);
    }

    @Test
    void gradcheckTakesTheCellAndItsOptionsAndChecksEveryGateAndCMinusOne() {
        CliRun run = CliRun.of("gradcheck", "--impl", "reference-aggregated", "--cell", "lstm", "--peepholes", "--two-biases",
                "--initial-state", "--mask", "-T", "4", "-B", "2");
        assertEquals(ExitCode.OK, run.exitCode(), run::toString);
        assertTrue(run.out().contains("lstm-peepholes/per-step-softmax/two-biases/"), run::toString);
        assertTrue(run.out().contains(", with h_{-1}, with c_{-1}"), run::toString);
        for (String parameter : new String[] {"U_i", "W_f", "b_g", "b_ho", "p_i", "p_f", "p_o", "V", "x", "h0", "c0"}) {
            assertTrue(run.out().contains("reference-aggregated   " + parameter + " "), () -> "no line for " + parameter + "\n" + run);
        }
        CliRun gru = CliRun.of("gradcheck", "--impl", "reference-naive", "--cell", "gru", "--reset", "before", "-T", "3");
        assertEquals(ExitCode.OK, gru.exitCode(), gru::toString);
        assertTrue(gru.out().contains("gru-reset-before/"), gru::toString);
        assertTrue(gru.out().contains("reference-naive        W_n "), gru::toString);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--reset=before                    | --reset is a GRU option; the elman cell has no reset gate",
        "--cell=gru --peepholes            | --peepholes is an LSTM option; the gru cell has no cell state to look at",
        "--two-biases                      | --two-biases is a GRU or LSTM option",
        "--cell=lstm --activation=relu     | --activation is the Elman cell's",
        "--cell=lstm --two-biases --no-biases | --two-biases and --no-biases contradict each other",
        "--cell=conv                       | Invalid value for option '--cell'"})
    void optionsThatDoNotFitTheCellAreNamedAndExitTwo(String options, String message) {
        String[] args = ("gradcheck " + options).split(" ");
        CliRun run = CliRun.of(args);
        assertEquals(ExitCode.USAGE, run.exitCode(), run::toString);
        assertTrue(run.err().contains(message), run::toString);
        assertFalse(run.err().contains("\tat "), () -> "a user's mistake printed a stack trace\n" + run);
    }

    @Test
    void gradcheckReadsAGatedSpecFile() throws IOException {
        Path spec = folder.resolve("gru.json");
        Files.writeString(spec, """
                { "cell": "gru", "reset": "before", "twoBiases": true, "inputSize": 2, "hiddenSize": 2, "steps": 3,
                  "parameters": { "W_z": [[0.5, -0.25], [0.125, 0.75]] } }
                """);
        CliRun run = CliRun.of("gradcheck", "--impl", "reference-aggregated", "--spec", spec.toString());
        assertEquals(ExitCode.OK, run.exitCode(), run::toString);
        assertTrue(run.out().contains("gru-reset-before/per-step-softmax/two-biases/d2-H2-K3/"), run::toString);
        assertTrue(run.out().contains("reference-aggregated   b_hz "), run::toString);

        Path elmanName = folder.resolve("lstm.json");
        Files.writeString(elmanName, """
                { "cell": "lstm", "parameters": { "W": [[1]] } }
                """);
        CliRun refused = CliRun.of("gradcheck", "--spec", elmanName.toString());
        assertEquals(ExitCode.USAGE, refused.exitCode(), refused::toString);
        assertTrue(refused.err().contains("unknown parameter 'W'; the lstm/per-step-softmax/bias/d3-H4-K3/sum model declares [U_i,"),
                refused::toString);
    }

    @Test
    void pluginsListsEachPluginsCellsAndOptions() {
        CliRun run = CliRun.of("plugins");
        assertEquals(ExitCode.OK, run.exitCode(), run::toString);
        assertEquals("lstm", cellsLine(run.out(), "test-wrong-forget-gate"));
        assertEquals("elman (tanh, sigmoid, relu, identity)", cellsLine(run.out(), "test-dropped-bias"));
        assertEquals("elman (tanh, sigmoid, relu, identity); gru (reset before, reset after, two biases); "
                + "lstm (peepholes, two biases, c_{-1})", cellsLine(run.out(), "reference-naive"));
    }

    /** The text after {@code cells:} in the block that {@code bptt plugins} prints for {@code id}. */
    private static String cellsLine(String out, String id) {
        List<String> lines = out.lines().toList();
        int start = lines.indexOf(id);
        assertTrue(start >= 0, () -> id + " is not listed:\n" + out);
        for (int i = start + 1; i < lines.size() && lines.get(i).startsWith("  "); i++) {
            if (lines.get(i).startsWith("  cells:")) {
                return lines.get(i).substring("  cells:".length()).trim();
            }
        }
        throw new AssertionError("no cells line for " + id + ":\n" + out);
    }
}
