package org.bptt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The bench command's planning and its errors; the measuring itself is covered by the benchmarks module's smoke run. */
class BenchCommandTest {

    @Test
    void aDryRunOfTheFullGridStatesItsCellsAndExpectedRunTime() {
        CliRun run = CliRun.of("bench", "--dry-run");
        assertEquals(ExitCode.OK, run.exitCode(), run::toString);
        assertTrue(run.out().matches("(?s).*\\d+ cells to measure; expected run time about .*"), run::toString);
        assertTrue(run.out().contains("reference-naive"), run::toString);
    }

    @Test
    void aDryRunOfTheFullGridPlansTheGatedCellsAndCellSelectsThem() {
        CliRun full = CliRun.of("bench", "--dry-run", "--only", "reference-aggregated");
        assertEquals(ExitCode.OK, full.exitCode(), full::toString);
        assertTrue(full.out().contains("cells [elman, gru, lstm]"), full::toString);
        // 4 shapes × 7 T × 2 modes of each cell for the one implementation
        for (String cell : new String[] {"elman", "gru", "lstm"}) {
            assertTrue(full.out().matches("(?s).*\\n  " + cell + " +56 cells .*"), full::toString);
        }
        CliRun lstm = CliRun.of("bench", "--dry-run", "--only", "reference-aggregated", "--cell", "lstm");
        assertEquals(ExitCode.OK, lstm.exitCode(), lstm::toString);
        assertTrue(lstm.out().contains("cells [lstm]") && lstm.out().contains("56 cells to measure"), lstm::toString);
        CliRun quick = CliRun.of("bench", "--dry-run", "--quick", "--only", "reference-aggregated");
        assertTrue(quick.out().contains("cells [elman];"), "the quick grid stays the Elman cell's\n" + quick);
    }

    @Test
    void layersAndDirectionPlanEveryTopologyAndNameIt() {
        CliRun run = CliRun.of("bench", "--dry-run", "--quick", "--only", "reference-aggregated", "--layers", "1",
                "--layers", "2", "--direction", "bidirectional");
        assertEquals(ExitCode.OK, run.exitCode(), run::toString);
        assertTrue(run.out().contains("topologies [l1-bi, l2-bi];"), run::toString);
        // 2 shapes × 3 T × 2 modes of the quick grid's Elman cell, once per topology
        for (String network : new String[] {"l1-bi elman", "l2-bi elman"}) {
            assertTrue(run.out().matches("(?s).*\\n  " + network + " +12 cells .*"), run::toString);
        }
        CliRun plain = CliRun.of("bench", "--dry-run", "--quick", "--only", "reference-aggregated");
        assertFalse(plain.out().contains("topologies"), "the default grid is one forward layer, as before\n" + plain);
        CliRun zero = CliRun.of("bench", "--dry-run", "--layers", "0");
        assertEquals(ExitCode.USAGE, zero.exitCode(), zero::toString);
        assertTrue(zero.err().contains("--layers 0"), zero::toString);
    }

    @Test
    void implAddsToTheImplementationsOfOnly() {
        CliRun run = CliRun.of("bench", "--dry-run", "--only", "reference-fast", "--impl", "reference-naive",
                "--steps", "256", "--shape", "1x16x32x16");
        assertEquals(ExitCode.OK, run.exitCode(), run::toString);
        assertTrue(run.out().contains("[reference-fast, reference-naive]"), run::toString);
    }

    @Test
    void aNegativeCellBudgetIsAUserError() {
        CliRun run = CliRun.of("bench", "--dry-run", "--cell-budget", "-1");
        assertEquals(ExitCode.USAGE, run.exitCode(), run::toString);
        assertTrue(run.err().contains("--cell-budget"), run::toString);
    }

    @Test
    void anUnknownCellIsAUserErrorNamingIt() {
        CliRun run = CliRun.of("bench", "--dry-run", "--cell", "rnn");
        assertEquals(ExitCode.USAGE, run.exitCode(), run::toString);
        assertTrue(run.err().contains("'rnn'") && run.err().contains("elman, gru or lstm"), run::toString);
    }

    @Test
    void aMalformedShapeIsAUserErrorNamingIt() {
        CliRun run = CliRun.of("bench", "--dry-run", "--shape", "16x64x128");
        assertEquals(ExitCode.USAGE, run.exitCode(), run::toString);
        assertTrue(run.err().contains("16x64x128"), run::toString);
        assertFalse(run.err().contains("\tat "), () -> "a user's mistake printed a stack trace\n" + run);
    }

    @Test
    void theHelpPrintsEveryDescriptionWithoutAFormattingWarning() {
        // picocli formats descriptions with String.format and warns on System.err when one cannot be formatted
        // (an unescaped percent sign): the warning must not appear, and the sentence must come out whole.
        PrintStream originalErr = System.err;
        ByteArrayOutputStream picocliErr = new ByteArrayOutputStream();
        CliRun run;
        try {
            System.setErr(new PrintStream(picocliErr, true, StandardCharsets.UTF_8));
            run = CliRun.of("bench", "--help");
        } finally {
            System.setErr(originalErr);
        }
        String warnings = picocliErr.toString(StandardCharsets.UTF_8);
        assertEquals(ExitCode.OK, run.exitCode(), run::toString);
        assertFalse(warnings.contains("WARN"), () -> "picocli warned:\n" + warnings);
        assertTrue(run.out().replaceAll("\\s+", " ").contains("more than 10% slower"), run::toString);
    }

    @Test
    void aMissingBaselineFolderIsAUserError() {
        CliRun run = CliRun.of("bench", "--quick", "--baseline", "no/such/run");
        assertEquals(ExitCode.USAGE, run.exitCode(), run::toString);
        assertTrue(run.err().contains("--baseline no/such/run is not a folder"), run::toString);
    }
}
