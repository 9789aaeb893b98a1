package org.bptt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bptt.api.RnnImplementation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A jar dropped into a plugins folder is found without rebuilding anything, as a student's plugin would be. */
class PluginsFolderTest {

    /**
     * A plugin as a student would ship it: one class compiled against harness-api alone. Its arithmetic is borrowed
     * from the reference (found through ServiceLoader by id) so that it passes the gate.
     */
    static final String STUDENT_PLUGIN = """
            package edu.example;

            import java.util.*;
            import org.bptt.api.*;

            public final class StudentRnn implements RnnImplementation {
                private RnnImplementation borrowed;

                private RnnImplementation borrowed() {
                    if (borrowed == null) {
                        for (RnnImplementation candidate : ServiceLoader.load(RnnImplementation.class)) {
                            if (candidate.info().id().equals("reference-aggregated")) {
                                borrowed = candidate;
                            }
                        }
                    }
                    return borrowed;
                }

                public PluginInfo info() {
                    return new PluginInfo("student-rnn", "A student's Elman RNN", "0.1", "a student", "coursework");
                }

                public Set<Capability> capabilities() {
                    return EnumSet.of(Capability.TANH, Capability.PER_STEP_SOFTMAX, Capability.BIASES, Capability.FLOAT64);
                }

                public ForwardResult forward(ModelSpec spec, Parameters parameters, Batch batch) {
                    return borrowed().forward(spec, parameters, batch);
                }

                public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
                    return borrowed().gradients(spec, parameters, batch);
                }
            }
            """;

    @TempDir
    Path folder;

    @Test
    void aJarInThePluginsFolderIsListedAndVerified() throws IOException {
        Path plugins = Files.createDirectories(folder.resolve("plugins"));
        Path jar = buildPluginJar(plugins.resolve("student-rnn.jar"));

        CliRun listed = CliRun.of("plugins", "--plugins", plugins.toString());
        assertEquals(ExitCode.OK, listed.exitCode(), listed::toString);
        assertTrue(listed.out().contains("student-rnn\n  name:         A student's Elman RNN"), listed::toString);
        assertTrue(listed.out().contains("source:       " + jar), listed::toString);
        assertTrue(listed.out().contains("reference-aggregated"), listed::toString);

        CliRun verified = CliRun.of("verify", "--plugins", plugins.toString(), "--impl", "student-rnn", "--suite", "quick",
                "--out", folder.resolve("reports").toString());
        assertEquals(ExitCode.OK, verified.exitCode(), verified::toString);
        assertTrue(verified.out().matches("(?s).*student-rnn\\s+\\d+\\s+[1-9]\\d*\\s+0\\s+0\\s+0\\s+0\\s+\\d+\\s+reference-aggregated.*"),
                verified::toString);
        assertTrue(verified.out().contains("student-rnn lacks"), "skips name the missing capability\n" + verified);
    }

    @Test
    void aPluginsFolderThatDoesNotExistIsAnErrorNamingIt() throws IOException {
        Path missing = folder.resolve("nonexistent");
        CliRun run = CliRun.of("plugins", "--plugins", missing.toString());
        assertEquals(ExitCode.USAGE, run.exitCode(), run::toString);
        assertTrue(run.err().contains("--plugins " + missing + ": no such folder"), run::toString);
        Path file = Files.writeString(folder.resolve("a-file"), "");
        CliRun notAFolder = CliRun.of("plugins", "--plugins", file.toString());
        assertEquals(ExitCode.USAGE, notAFolder.exitCode(), notAFolder::toString);
        assertTrue(notAFolder.err().contains("not a folder"), notAFolder::toString);
    }

    @Test
    void aBrokenJarIsReportedAndTheOthersStillLoad() throws IOException {
        Path plugins = Files.createDirectories(folder.resolve("plugins"));
        Files.writeString(plugins.resolve("broken.jar"), "this is not a zip file");

        CliRun listed = CliRun.of("plugins", "--plugins", plugins.toString());
        assertEquals(ExitCode.OK, listed.exitCode(), listed::toString);
        assertTrue(listed.out().contains("NOT LOADED " + plugins.resolve("broken.jar") + "\n  is not a readable jar"), listed::toString);
        assertTrue(listed.out().contains("reference-aggregated"), listed::toString);
    }

    private Path buildPluginJar(Path jar) throws IOException {
        return TestPluginJar.build(folder, jar, "edu.example.StudentRnn", STUDENT_PLUGIN, RnnImplementation.class);
    }

    /** Surefire may hide the class path behind a manifest-only jar; it also passes the real one as a property. */
    static String testClassPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    static List<String> javaCommand() {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", testClassPath());
    }
}
