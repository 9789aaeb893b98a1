package org.bptt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A jar dropped into a plugins folder is found without rebuilding anything, as a student's plugin would be. */
class PluginsFolderTest {

    /**
     * A plugin as a student would ship it: one class compiled against harness-api alone. Its arithmetic is borrowed
     * from the reference (found through ServiceLoader by id) so that it passes the gate.
     */
    private static final String STUDENT_PLUGIN = """
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
        assertTrue(verified.out().matches("(?s).*student-rnn\\s+\\d+\\s+[1-9]\\d*\\s+0\\s+0\\s+0\\s+\\d+\\s+reference-aggregated.*"),
                verified::toString);
        assertTrue(verified.out().contains("student-rnn lacks"), "skips name the missing capability\n" + verified);
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
        Path sources = Files.createDirectories(folder.resolve("src/edu/example"));
        Path source = Files.writeString(sources.resolve("StudentRnn.java"), STUDENT_PLUGIN);
        Path classes = Files.createDirectories(folder.resolve("classes"));
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        int status = compiler.run(null, null, null, "-d", classes.toString(), "-classpath", testClassPath(), source.toString());
        assertEquals(0, status, "the test plugin did not compile");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            add(out, "edu/example/StudentRnn.class", Files.readAllBytes(classes.resolve("edu/example/StudentRnn.class")));
            add(out, "META-INF/services/org.bptt.api.RnnImplementation", "edu.example.StudentRnn\n".getBytes(StandardCharsets.UTF_8));
        }
        return jar;
    }

    private static void add(JarOutputStream jar, String name, byte[] content) throws IOException {
        jar.putNextEntry(new JarEntry(name));
        OutputStream entry = jar;
        entry.write(content);
        jar.closeEntry();
    }

    /** Surefire may hide the class path behind a manifest-only jar; it also passes the real one as a property. */
    static String testClassPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    static List<String> javaCommand() {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", testClassPath());
    }
}
