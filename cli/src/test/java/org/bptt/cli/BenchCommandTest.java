package org.bptt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void aMalformedShapeIsAUserErrorNamingIt() {
        CliRun run = CliRun.of("bench", "--dry-run", "--shape", "16x64x128");
        assertEquals(ExitCode.USAGE, run.exitCode(), run::toString);
        assertTrue(run.err().contains("16x64x128"), run::toString);
        assertFalse(run.err().contains("\tat "), () -> "a user's mistake printed a stack trace\n" + run);
    }

    @Test
    void aMissingBaselineFolderIsAUserError() {
        CliRun run = CliRun.of("bench", "--quick", "--baseline", "no/such/run");
        assertEquals(ExitCode.USAGE, run.exitCode(), run::toString);
        assertTrue(run.err().contains("--baseline no/such/run is not a folder"), run::toString);
    }
}
