package org.bptt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bptt.reports.Provenance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bptt decay and bptt train end to end on small settings: tables and charts written, the bound never broken. */
class DecayAndTrainCommandTest {

    @TempDir
    Path root;

    @Test
    void decayWritesItsTablesAndChartsAndNoPointBreaksTheBound() throws IOException {
        CliRun run = CliRun.of("decay", "--quick", "--activations=tanh,sigmoid", "--impl", "reference-naive",
                "--out", root.toString());
        assertEquals(ExitCode.OK, run.exitCode(), run::toString);
        assertTrue(run.out().contains("bound violations (every implementation and curve): 0"), run::toString);
        Path folder = VerifyCommandTest.onlyRunFolder(root);
        for (String file : new String[] {"run.json", "decay-summary.csv", "decay-curves.csv",
            "charts/decay-hidden-largest-singular-value-tanh.png", "charts/decay-hidden-largest-singular-value-tanh.svg"}) {
            assertTrue(Files.isRegularFile(folder.resolve(file)), () -> file + " missing in " + folder);
        }
    }

    @Test
    void trainWritesItsTablesAndChartsThroughTheRunWriter() throws IOException {
        CliRun run = CliRun.of("train", "--task", "adding", "--quick", "--lengths", "5", "--seeds", "1", "--steps", "20",
                "--hidden", "4", "--batch", "4", "--clip", "none", "--out", root.toString());
        assertEquals(ExitCode.OK, run.exitCode(), run::toString);
        Path folder = VerifyCommandTest.onlyRunFolder(root);
        assertTrue(run.out().contains("run folder: " + folder), run::toString);
        for (String file : new String[] {"run.json", "train-summary.csv", "train-runs.csv", "train-evaluations.csv",
            "train-steps.csv", "charts/train-success-adding.png", "charts/train-success-adding.svg",
            "charts/train-loss-adding-none.png", "charts/train-gradient-norm-adding-none.svg"}) {
            assertTrue(Files.isRegularFile(folder.resolve(file)), () -> file + " missing in " + folder);
        }
        assertNotNull(Provenance.fromJson(Files.readString(folder.resolve("run.json"))).end(), "run.json has its end time");
    }

    @Test
    void anUnknownTaskIsAUserError() {
        CliRun run = CliRun.of("train", "--task", "copying", "--quick", "--out", root.toString());
        assertEquals(ExitCode.USAGE, run.exitCode(), run::toString);
        assertTrue(run.err().contains("copying"), run::toString);
        assertFalse(run.err().contains("\tat "), () -> "a user's mistake printed a stack trace\n" + run);
    }
}
