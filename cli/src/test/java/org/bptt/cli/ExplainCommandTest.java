package org.bptt.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.bptt.api.Case;
import org.bptt.api.ForwardResult;
import org.bptt.api.ModelSpec;
import org.bptt.core.cases.CaseGenerator;
import org.bptt.core.plugins.PluginRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExplainCommandTest {

    @TempDir
    Path folder;

    @Test
    void explainWritesTheDrawingTheClosedFormTheTapeAndTheTableWithAnAllureReport() throws Exception {
        CliRun run = CliRun.of("explain", "-T", "3", "--out", folder.toString());
        assertEquals(ExitCode.OK, run.exitCode(), run::toString);
        // Written by hand from a_t = U x_t + W h_{t-1} + b, h_t = tanh(a_t), y_t = softmax(V h_t + c), h_{-1} = 0.
        assertTrue(run.out().contains("closed form:  y_2 = softmax(V tanh(U x_2 + W tanh(U x_1 + W tanh(U x_0 + b) + b) + b) + c)"),
                run::toString);
        assertTrue(run.out().contains("by reverse sweep, forward mode and BPTT table agree with reference-aggregated"), run::toString);
        Path runFolder = onlyRunFolder();
        for (String file : List.of("explain.md", "explain.html", "unrolled.svg", "tape.csv", "run.json",
                "allure-report/index.html", "allure-report.html")) {
            assertTrue(Files.isRegularFile(runFolder.resolve(file)), () -> file + " missing\n" + run);
        }
        DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(runFolder.resolve("unrolled.svg").toFile());
        String markdown = Files.readString(runFolder.resolve("explain.md"));
        for (String section : List.of("# The unrolled network", "# The closed form", "# The tape (forward)",
                "# The reverse sweep (adjoints)", "# Forward mode", "# The BPTT table", "| w_0 | input | U |")) {
            assertTrue(markdown.contains(section), () -> "explain.md lacks " + section);
        }
        String html = Files.readString(runFolder.resolve("explain.html"));
        assertTrue(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""), "the SVG is inline in the HTML");
        List<String> tape = Files.readAllLines(runFolder.resolve("tape.csv"));
        assertEquals("kind,node,name,operation,formula,inputs,value,adjoint,from,to,rule,term", tape.get(0));
        assertTrue(tape.get(1).startsWith("node,w_0,U,leaf,U,,"), tape.get(1));
        try (Stream<Path> results = Files.list(runFolder.resolve("allure-results"))) {
            List<Path> files = results.toList();
            assertEquals(1, files.stream().filter(f -> f.toString().endsWith("-result.json")).count(), files::toString);
            assertEquals(4, files.stream().filter(f -> f.toString().contains("-attachment.")).count(), files::toString);
        }
    }

    @Test
    void aGruAndAnLstmAreExplainedWithTheirGatesAndAgreeWithTheReference() throws Exception {
        Path gru = folder.resolve("gru");
        CliRun gruRun = CliRun.of("explain", "--no-allure", "--cell", "gru", "--reset", "before", "--two-biases", "--initial-state",
                "-T", "2", "--out", gru.toString());
        assertEquals(ExitCode.OK, gruRun.exitCode(), gruRun::toString);
        assertTrue(gruRun.out().contains("gru-reset-before/per-step-softmax/two-biases/d2-H2-K2/sum, B=1, T=2, random h_{-1}"),
                gruRun::toString);
        assertTrue(gruRun.out().contains("dL/dW_n =     [["), gruRun::toString);
        assertTrue(gruRun.out().contains("by reverse sweep, BPTT table agree with reference-aggregated"), gruRun::toString);
        String gruMarkdown = Files.readString(onlyRunFolder(gru).resolve("explain.md"));
        // The first entries of the tape, by the GRU's equations: r_0 = σ(U_r x_0 + b_r + W_r h_{-1} + b_hr).
        for (String expected : List.of("| w_0 | input | U_r |", "| w_1 | input | x_0 |", "| w_2 | w_0 · w_1 | U_r x_0 |",
                "a_{r,0}", "| r_0 |", "W_n (r_1 ⊙ h_0)", "n_0 = tanh(U_n x_0 + b_n + W_n (r_0 ⊙ h_{-1}) + b_hn)",
                "# The BPTT table", "∂L/∂h_k from the right")) {
            assertTrue(gruMarkdown.contains(expected), () -> "the GRU's explain.md lacks " + expected);
        }

        Path lstm = folder.resolve("lstm");
        CliRun lstmRun = CliRun.of("explain", "--no-allure", "--cell", "lstm", "--peepholes", "-T", "3", "--out", lstm.toString());
        assertEquals(ExitCode.OK, lstmRun.exitCode(), lstmRun::toString);
        Path lstmFolder = onlyRunFolder(lstm);
        String lstmMarkdown = Files.readString(lstmFolder.resolve("explain.md"));
        for (String expected : List.of("| c_2 |", "| tanh(c_1) |", "p_o ⊙ c_0", "| s_0 |", "∂L/∂c_k from the right",
                "c_1 = f_1 ⊙ c_0 + i_1 ⊙ g_1")) {
            assertTrue(lstmMarkdown.contains(expected), () -> "the LSTM's explain.md lacks " + expected);
        }
        DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(lstmFolder.resolve("unrolled.svg").toFile());
        List<String> tape = Files.readAllLines(lstmFolder.resolve("tape.csv"));
        assertTrue(tape.stream().anyMatch(line -> line.startsWith("node,") && line.contains(",i_0,gate,")), "i_0 is a gate node");
        assertTrue(tape.stream().anyMatch(line -> line.startsWith("adjoint-term,") && line.contains(" ⊙ (1 − w_")),
                "a tanh or gate rule in the reverse sweep");
    }

    @Test
    void aCellOptionOfAnotherCellIsAUsageError() {
        CliRun run = CliRun.of("explain", "--cell", "gru", "--peepholes", "--out", folder.toString());
        assertEquals(ExitCode.USAGE, run.exitCode(), run::toString);
        assertTrue(run.err().contains("--peepholes is an LSTM option"), run::toString);
    }

    @Test
    void theSameSeedWritesByteIdenticalFiles() throws IOException {
        Path first = folder.resolve("first");
        Path second = folder.resolve("second");
        assertEquals(ExitCode.OK, CliRun.of("explain", "--no-allure", "--activation", "relu", "--initial-state", "--out", first.toString()).exitCode());
        assertEquals(ExitCode.OK, CliRun.of("explain", "--no-allure", "--activation", "relu", "--initial-state", "--out", second.toString()).exitCode());
        Path a = onlyRunFolder(first);
        Path b = onlyRunFolder(second);
        for (String file : List.of("explain.md", "explain.html", "unrolled.svg", "tape.csv")) {
            assertArrayEquals(Files.readAllBytes(a.resolve(file)), Files.readAllBytes(b.resolve(file)), file);
        }
    }

    @Test
    void aWrongAnswerIsNamedWithTheStepWhereItDepartsAndExitsOne() throws IOException {
        // h_1 right (from the reference plugin's forward pass of the same seeded case), h_2 deliberately wrong.
        Case source = CaseGenerator.generate("x", ModelSpec.of(2, 2, 2), 1, 3, false, false, 7);
        ForwardResult forward = PluginRegistry.discover().require("reference-aggregated").implementation()
                .forward(source.spec(), source.parameters(), source.batch());
        String h1 = "[" + forward.hiddenStates().get(0, 1, 0) + ", " + forward.hiddenStates().get(0, 1, 1) + "]";
        Path answers = Files.writeString(folder.resolve("answers.json"), """
                {"spec": {"inputSize": 2, "hiddenSize": 2, "outputSize": 2, "steps": 3, "activation": "tanh"},
                 "seed": 7,
                 "answers": {"h_1": %s, "h_2": [0.5, -0.5]}}""".formatted(h1));
        CliRun run = CliRun.of("explain", "--check", answers.toString(), "--no-allure", "--out", folder.toString());
        assertEquals(ExitCode.DIVERGED, run.exitCode(), run::toString);
        assertTrue(run.out().contains("RIGHT  h_1"), run::toString);
        assertTrue(run.out().contains("WRONG  h_2: correct value ["), run::toString);
        // Tape of d = H = K = 2 with biases and h_{-1} = 0 (see AnswerCheckTest): h_2 is w_26 = tanh(w_25).
        assertTrue(run.out().contains("first departs at tape step w_26 = tanh(w_25)   (h_2)"), run::toString);
        assertTrue(run.out().contains("1 right, 1 wrong"), run::toString);
        assertTrue(Files.readString(onlyRunFolder().resolve("check.txt")).contains("WRONG  h_2"));
    }

    @Test
    void aMalformedAnswersFileNamesTheFieldAndExitsTwo() throws IOException {
        Path answers = Files.writeString(folder.resolve("bad.json"), """
                {"spec": {"steps": "three"}, "answers": {"h_1": [0.1, 0.2]}}""");
        CliRun run = CliRun.of("explain", "--check", answers.toString(), "--out", folder.toString());
        assertEquals(ExitCode.USAGE, run.exitCode(), run::toString);
        assertTrue(run.err().contains("bad.json: field 'spec.steps' must be an integer, got \"three\""), run::toString);
        assertFalse(run.err().contains("\tat "), run::toString);
    }

    @Test
    void brokenJsonAndAMissingFileAreSaidInTheUsersTerms() throws IOException {
        Path truncated = Files.writeString(folder.resolve("truncated.json"), "{\"spec\": {\"steps\": 3");
        CliRun broken = CliRun.of("explain", "--check", truncated.toString(), "--out", folder.toString());
        assertEquals(ExitCode.USAGE, broken.exitCode(), broken::toString);
        assertTrue(broken.err().contains("truncated.json is not valid JSON: "), broken::toString);
        assertTrue(broken.err().contains("(line 1, column "), broken::toString);
        assertFalse(broken.err().contains("Source:") || broken.err().contains("REDACTED"), broken::toString);

        Path missing = folder.resolve("nope.json");
        CliRun absent = CliRun.of("explain", "--check", missing.toString(), "--out", folder.toString());
        assertEquals(ExitCode.USAGE, absent.exitCode(), absent::toString);
        assertTrue(absent.err().contains("the answers file " + missing + " does not exist"), absent::toString);
    }

    @Test
    void aTapeTooLargeToReadIsRefusedWithTheLimit() {
        CliRun run = CliRun.of("explain", "-T", "40", "-H", "4", "--out", folder.toString());
        assertEquals(ExitCode.USAGE, run.exitCode(), run::toString);
        assertTrue(run.err().contains("T·H·(d + H) = 40·4·(2 + 4) = 960 is too large for a readable tape; the limit is 256"),
                run::toString);
    }

    @Test
    void aTwoLayerBidirectionalNetworkIsDrawnWithItsGradientsPerSchemeNameCheckedByFiniteDifferences() throws Exception {
        CliRun run = CliRun.of("explain", "--layers", "2", "--direction", "bidirectional", "--combine", "sum", "-T", "2",
                "--initial-state", "--out", folder.toString());
        assertEquals(ExitCode.OK, run.exitCode(), run::toString);
        assertTrue(run.out().contains("/2-layers-bidirectional-sum, B=1, T=2, random h_{-1}"), run::toString);
        assertTrue(run.out().contains("dL/dl1.reverse.W = [["), run::toString);
        assertTrue(run.out().contains("agrees with finite differences"), run::toString);
        assertTrue(run.out().contains("for a one-layer forward network only"), run::toString);
        Path runFolder = onlyRunFolder();
        for (String file : List.of("explain.md", "explain.html", "unrolled.svg", "run.json")) {
            assertTrue(Files.isRegularFile(runFolder.resolve(file)), () -> file + " missing\n" + run);
        }
        DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(runFolder.resolve("unrolled.svg").toFile());
        String markdown = Files.readString(runFolder.resolve("explain.md"));
        // Every parameter of the scheme: 2 layers × 2 directions × (U, W, b), then the head's V and c.
        for (String name : List.of("U", "W", "b", "l0.reverse.U", "l0.reverse.W", "l0.reverse.b", "l1.U", "l1.W", "l1.b",
                "l1.reverse.U", "l1.reverse.W", "l1.reverse.b", "V", "c")) {
            assertTrue(markdown.contains("| " + name + " | "), () -> "explain.md lacks the row of " + name);
            assertTrue(markdown.contains("agrees: dL/d" + name + ":"), () -> "explain.md lacks the check of " + name);
        }
        assertTrue(markdown.contains("| l1.reverse.W | layer 1, reverse direction |"), markdown);
        assertTrue(markdown.contains("# Explained for one forward layer only"), markdown);
    }

    @Test
    void aBadTopologyIsAUsageErrorNamingTheOption() {
        CliRun forward = CliRun.of("explain", "--combine", "sum", "--out", folder.toString());
        assertEquals(ExitCode.USAGE, forward.exitCode(), forward::toString);
        assertTrue(forward.err().contains("--combine is for a bidirectional network; add --direction bidirectional"), forward::toString);
        CliRun tooLong = CliRun.of("explain", "--layers", "2", "-T", "4", "--out", folder.toString());
        assertEquals(ExitCode.USAGE, tooLong.exitCode(), tooLong::toString);
        assertTrue(tooLong.err().contains("a stacked or bidirectional network is drawn for T <= 3"), tooLong::toString);
        CliRun fourLayers = CliRun.of("explain", "--layers", "4", "--out", folder.toString());
        assertEquals(ExitCode.USAGE, fourLayers.exitCode(), fourLayers::toString);
        assertTrue(fourLayers.err().contains("--layers 4"), fourLayers::toString);
    }

    private Path onlyRunFolder() throws IOException {
        return onlyRunFolder(folder);
    }

    private static Path onlyRunFolder(Path root) throws IOException {
        try (Stream<Path> entries = Files.list(root)) {
            List<Path> runs = entries.filter(Files::isDirectory).filter(p -> p.getFileName().toString().endsWith("-explain")).toList();
            assertEquals(1, runs.size(), runs::toString);
            return runs.get(0);
        }
    }
}
