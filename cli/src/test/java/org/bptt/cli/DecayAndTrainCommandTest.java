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
    void decayOfTheGatedCellsWritesTheirCurvesBesideElmans() throws IOException {
        CliRun run = CliRun.of("decay", "--quick", "--cell", "elman", "--cell", "gru", "--cell", "lstm",
                "--activations=tanh", "--targets=0.9", "--rescaling=sigma-max", "--impl", "none", "--steps", "12",
                "--hidden", "3", "--seeds", "1", "--recurrent-sigma-max", "1.0", "--gate-bias", "0,6",
                "--out", root.toString());
        assertEquals(ExitCode.OK, run.exitCode(), run::toString);
        assertTrue(run.out().contains("bound violations (every implementation and curve): 0"), run::toString);
        assertTrue(run.out().contains("gated cells [gru, lstm]"), run::toString);
        Path folder = VerifyCommandTest.onlyRunFolder(root);
        for (String file : new String[] {"decay-summary.csv", "decay-gated-summary.csv", "decay-gated-curves.csv",
            "decay-gated-problems.csv", "charts/decay-hidden-largest-singular-value-tanh.png",
            "charts/decay-gated-gru-hidden-sigma-1.0.png", "charts/decay-gated-lstm-hidden-sigma-1.0.svg",
            "charts/decay-gated-lstm-cell-sigma-1.0.png"}) {
            assertTrue(Files.isRegularFile(folder.resolve(file)), () -> file + " missing in " + folder);
        }
        // one summary row per cell, gate bias and curve: GRU hidden, LSTM hidden and cell, for b = 0 and 6
        assertEquals(1 + 6, Files.readAllLines(folder.resolve("decay-gated-summary.csv")).size());
    }

    @Test
    void decayOfAGatedCellAloneLeavesElmansSweepOut() throws IOException {
        CliRun run = CliRun.of("decay", "--quick", "--cell", "lstm", "--steps", "6", "--hidden", "2", "--seeds", "1",
                "--recurrent-sigma-max", "0.5", "--gate-bias", "1", "--out", root.toString());
        assertEquals(ExitCode.OK, run.exitCode(), run::toString);
        assertFalse(run.out().contains("bound violations"), run::toString);
        Path folder = VerifyCommandTest.onlyRunFolder(root);
        assertFalse(Files.exists(folder.resolve("decay-summary.csv")), "no Elman sweep was asked for");
        assertTrue(Files.isRegularFile(folder.resolve("decay-gated-curves.csv")));
    }

    @Test
    void anUnknownCellIsAUserError() {
        CliRun run = CliRun.of("decay", "--quick", "--cell", "rnn", "--out", root.toString());
        assertEquals(ExitCode.USAGE, run.exitCode(), run::toString);
        assertTrue(run.err().contains("'rnn'") && run.err().contains("elman, gru or lstm"), run::toString);
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
