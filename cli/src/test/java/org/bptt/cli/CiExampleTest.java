package org.bptt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * Runs the commands the CI examples (ci-examples/github-actions.yml, gitlab-ci.yml) call, through the same script:
 * two shards of the gate, each writing JUnit XML, then the merge into one run folder with one report.
 */
class CiExampleTest {

    private static final Path SCRIPT = Path.of("..", "ci-examples", "bptt-gate.sh").toAbsolutePath().normalize();

    @TempDir
    Path workspace;

    @Test
    void twoShardsAndTheMergeRunAsTheExamplesCallThem() throws Exception {
        for (String example : List.of("github-actions.yml", "gitlab-ci.yml")) {
            String text = Files.readString(SCRIPT.resolveSibling(example));
            assertTrue(text.contains("ci-examples/bptt-gate.sh shard") && text.contains("ci-examples/bptt-gate.sh merge"),
                    example + " calls the script this test runs");
        }
        // bptt itself, as the built launcher would run it (the test class path holds the built modules).
        Path bptt = workspace.resolve("bptt");
        Files.writeString(bptt, "#!/usr/bin/env bash\nexec '" + String.join("' '", PluginsFolderTest.javaCommand())
                + "' -Djava.awt.headless=true org.bptt.cli.Main \"$@\"\n");
        assertTrue(bptt.toFile().setExecutable(true));

        assertEquals(0, gate("shard", "1", "2"));
        assertEquals(0, gate("shard", "2", "2"));
        assertEquals(0, gate("merge"));

        int testCases = 0;
        for (int shard = 1; shard <= 2; shard++) {
            Document junit = JunitXmlFiles.readValid(workspace.resolve("gate/junit/shard-" + shard + ".xml"));
            testCases += junit.getElementsByTagName("testcase").getLength();
        }
        Path merged = VerifyCommandTest.onlyRunFolder(workspace.resolve("gate/merged"));
        assertEquals(Files.readAllLines(merged.resolve("verify-cases.csv")).size() - 1, testCases,
                "the shards' JUnit XML holds one test case per row of the merged table");
        assertTrue(Files.isRegularFile(merged.resolve("allure-report/index.html")));
        assertTrue(Files.isRegularFile(merged.resolve("allure-report.html")));
    }

    private int gate(String... step) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(step));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workspace.toFile()).redirectErrorStream(true)
                .redirectOutput(workspace.resolve("gate-" + String.join("-", step) + ".log").toFile());
        builder.environment().put("BPTT", workspace.resolve("bptt").toString());
        builder.environment().put("BPTT_ARGS", "--impl reference-naive --suite quick --cell elman");
        Process process = builder.start();
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "the gate step " + List.of(step) + " did not end");
        if (process.exitValue() != 0) {
            try (Stream<Path> logs = Files.list(workspace).filter(path -> path.toString().endsWith(".log"))) {
                for (Path log : logs.toList()) {
                    System.err.println(log + ":\n" + Files.readString(log));
                }
            }
        }
        return process.exitValue();
    }
}
