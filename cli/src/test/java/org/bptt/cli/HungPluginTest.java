package org.bptt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.bptt.api.LanguageModelImplementation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin that never answers does not hang a command: {@code gradcheck}, {@code decay}, {@code train} and
 * {@code lm} with {@code --timeout 5} each end within the timeout plus a few seconds, name the plugin and the call
 * that timed out, and exit 1. The {@code cmd:} plugin is {@code hanging-rnn.sh} (it answers the hello, then nothing);
 * the language model is a jar in a plugins folder whose calls sleep until interrupted.
 */
class HungPluginTest {

    /** The timeout given to every command, in seconds. */
    private static final int TIMEOUT = 5;
    /** How long a command may take past its timeout: starting, the reference's own work, and one interrupt grace. */
    private static final Duration SLACK = Duration.ofSeconds(25);

    private static final String HANGING_LANGUAGE_MODEL = """
            package edu.example;

            import org.bptt.api.*;

            public final class HangingLanguageModel implements LanguageModelImplementation {
                public PluginInfo info() {
                    return new PluginInfo("test-lm-hangs", "Test: never answers", "1", "tests", "");
                }

                public LanguageModelForward forward(LanguageModelSpec spec, LanguageModelParameters parameters, TokenBatch batch) {
                    return hang();
                }

                public LanguageModelGradients gradients(LanguageModelSpec spec, LanguageModelParameters parameters,
                                                        TokenBatch batch) {
                    return hang();
                }

                private static <T> T hang() {
                    try {
                        Thread.sleep(Long.MAX_VALUE);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new IllegalStateException("interrupted");
                }
            }
            """;

    @TempDir
    Path folder;

    private static String hangingCommand() throws URISyntaxException {
        Path script = Path.of(HungPluginTest.class.getResource("hanging-rnn.sh").toURI());
        return "cmd:sh '" + script + "'";
    }

    /** Runs bptt, checking it ends in time and exits 1. */
    private static CliRun runInTime(String... args) {
        long start = System.nanoTime();
        CliRun run = CliRun.of(args);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(Duration.ofSeconds(TIMEOUT).plus(SLACK)) < 0, "took " + took + "\n" + run);
        assertEquals(ExitCode.DIVERGED, run.exitCode(), run::toString);
        return run;
    }

    @Test
    void gradcheckReportsTheHungPluginAndEnds() throws Exception {
        String id = hangingCommand();
        CliRun run = runInTime("gradcheck", "--impl", id, "--timeout", Integer.toString(TIMEOUT));
        assertTrue(run.out().contains(id + " ERROR: gradients() timed out after 5s"), run::toString);
    }

    @Test
    void decayLeavesTheHungPluginOutAndEnds() throws Exception {
        String id = hangingCommand();
        CliRun run = runInTime("decay", "--quick", "--impl", id, "--timeout", Integer.toString(TIMEOUT),
                "--activations", "tanh", "--targets", "0.9", "--out", folder.toString());
        assertTrue(run.out().contains("error " + id), run::toString);
        assertTrue(run.out().contains("gradients() timed out after 5s; " + id + " is left out of the rest of the sweep"),
                run::toString);
        assertTrue(run.out().contains("bound violations (every implementation and curve): 0"), "the oracle's sweep ran\n" + run);
    }

    @Test
    void trainReportsTheHungPluginAndLeavesTheRestOfTheGridOut() throws Exception {
        String id = hangingCommand();
        CliRun run = runInTime("train", "--quick", "--impl", id, "--timeout", Integer.toString(TIMEOUT), "--out",
                folder.toString());
        assertTrue(run.err().contains("error: T=5, clipping none, seed 1: " + id + ": forward() timed out after 5s"),
                run::toString);
        assertTrue(run.err().contains("not run: " + id + " timed out earlier"), run::toString);
    }

    @Test
    void reproduceStopsAtTheHungPluginAndCheckpointsNothingItDidNotFinish() throws Exception {
        String id = hangingCommand();
        Path out = folder.resolve("reproduce");
        CliRun run = runInTime("reproduce", "le2015", "--quick", "--impl", id, "--timeout", Integer.toString(TIMEOUT),
                "--out", out.toString(), "--threads", "1");
        assertEquals(ExitCode.DIVERGED, run.exitCode(), run::toString);
        assertTrue(run.err().contains("error: 0000-adding-fixed-length-T10-tanh-sgd-c-s1: " + id + ": forward() timed out after 5s"),
                run::toString);
        assertTrue(run.err().contains("run the same command again to resume"), run::toString);
        try (var cells = Files.list(out.resolve("cells"))) {
            assertEquals(0, cells.count(), "the hung cell is not checkpointed");
        }

        // On two threads the other worker goes on while the first waits for the timeout: the cell it finished
        // (the LSTM cell, which this plugin lacks: its result is that) is checkpointed, the hung one is not.
        Path parallel = folder.resolve("reproduce-parallel");
        CliRun twoThreads = runInTime("reproduce", "le2015", "--quick", "--impl", id, "--timeout",
                Integer.toString(TIMEOUT), "--out", parallel.toString(), "--threads", "2");
        assertTrue(twoThreads.err().contains("error: 0000-adding-fixed-length-T10-tanh-sgd-c-s1: " + id
                + ": forward() timed out after 5s"), twoThreads::toString);
        try (var cells = Files.list(parallel.resolve("cells"))) {
            List<String> names = cells.map(cell -> cell.getFileName().toString()).toList();
            assertTrue(!names.contains("0000-adding-fixed-length-T10-tanh-sgd-c-s1.cell"), "the hung cell: " + names);
            assertTrue(names.contains("0001-adding-fixed-length-T10-lstm-sgd-c-s1.cell"), "the finished cell: " + names);
        }
    }

    @Test
    void lmReportsTheHungLanguageModelAndEnds() throws IOException {
        Path plugins = Files.createDirectories(folder.resolve("plugins"));
        TestPluginJar.build(folder, plugins.resolve("hanging-lm.jar"), "edu.example.HangingLanguageModel",
                HANGING_LANGUAGE_MODEL, LanguageModelImplementation.class);
        CliRun run = runInTime("lm", "--plugins", plugins.toString(), "--impl", "test-lm-hangs", "--timeout",
                Integer.toString(TIMEOUT), "--out", folder.resolve("runs").toString());
        assertTrue(run.out().matches("(?s).*\\ntest-lm-hangs\\s+-\\s+-\\s+ERROR: forward\\(\\) timed out after 5s\\n.*"),
                run::toString);
        assertTrue(run.out().contains("bptt lm: DISAGREEMENT with reference-lm"), run::toString);
    }
}
