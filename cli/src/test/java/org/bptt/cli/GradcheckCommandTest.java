package org.bptt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GradcheckCommandTest {

    @TempDir
    Path folder;

    @Test
    void everyReferenceAlgorithmAgreesWithFiniteDifferences() {
        CliRun run = CliRun.of("gradcheck", "--impl", "reference-aggregated", "--impl", "reference-naive",
                "--impl", "reference-rtrl", "-T", "4", "-B", "2", "--mask", "--initial-state");
        assertEquals(ExitCode.OK, run.exitCode(), run::toString);
        for (String parameter : new String[] {"U", "W", "b", "V", "c", "x", "h0"}) {
            assertTrue(run.out().contains("reference-naive        " + parameter + " "), () -> "no line for " + parameter + "\n" + run);
        }
        assertTrue(run.out().contains("all gradients agree with finite differences"), run::toString);
    }

    @Test
    void theReadmeExampleSaysWhichDifferenceIsAKnownDl4jDivergenceAndPasses() throws Exception {
        // dL/dx of DL4J's masked last-step head is its features-mask bug (KNOWN_DIVERGENCES.md §1), as verify says.
        Path xml = folder.resolve("gradcheck.xml");
        CliRun run = CliRun.of("gradcheck", "--impl", "dl4j", "--impl", "reference-aggregated", "-T", "17", "-B", "3",
                "--mask", "--activation", "relu", "--head", "last_step_softmax", "--junit-xml", xml.toString());
        assertEquals(ExitCode.OK, run.exitCode(), run::toString);
        assertTrue(run.out().matches("(?s).*dl4j\\s+x\\s.*KNOWN DIVERGENCE \\[1].*"), run::toString);
        assertTrue(run.out().contains("[1] DL4J bug: MultiLayerNetwork.calculateGradients"), run::toString);
        assertFalse(run.out().contains("FAIL"), run::toString);
        org.w3c.dom.Document document = JunitXmlFiles.readValid(xml);
        // One test case per implementation and checked gradient: U, W, b, V, c and x, each passed.
        assertEquals(12, document.getElementsByTagName("testcase").getLength());
        assertEquals(0, document.getElementsByTagName("failure").getLength());
        assertTrue(document.getElementsByTagName("system-out").item(0).getTextContent()
                .startsWith("known divergence: DL4J bug"));
    }

    @Test
    void aDroppedBiasGradientFailsTheCheckAndExitsOne() {
        CliRun run = CliRun.of("gradcheck", "--impl", "test-dropped-bias");
        assertEquals(ExitCode.DIVERGED, run.exitCode(), run::toString);
        assertTrue(run.out().matches("(?s).*test-dropped-bias\\s+b\\s.*FAIL.*"), run::toString);
        assertTrue(run.out().contains("GRADIENT CHECK FAILED"), run::toString);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--steps=0           | --steps (T) must be at least 1, got 0",
        "--batch=0           | --batch (B) must be at least 1, got 0",
        "--hidden-size=-1    | hiddenSize (H) must be at least 1, got -1",
        "--input-size=0      | inputSize (d) must be at least 1, got 0",
        "--activation=swish  | unknown activation 'swish'; expected one of tanh, sigmoid, relu, identity",
        "--head=attention    | Invalid value for option '--head'"})
    void badOptionsNameTheFieldAndExitTwoWithoutAStackTrace(String option, String message) {
        CliRun run = CliRun.of("gradcheck", option);
        assertEquals(ExitCode.USAGE, run.exitCode(), run::toString);
        assertTrue(run.err().contains(message), run::toString);
        assertFalse(run.err().contains("\tat "), () -> "a user's mistake printed a stack trace\n" + run);
    }

    @Test
    void aSpecFileGivesTheWeightsAndItsMistakesAreNamed() throws IOException {
        Path good = write("good.json", """
                {"inputSize": 2, "hiddenSize": 2, "outputSize": 2, "activation": "sigmoid", "biases": false,
                 "steps": 3, "parameters": {"W": [[0.5, -0.25], [0.125, 0.75]]}}""");
        CliRun run = CliRun.of("gradcheck", "--impl", "reference-aggregated", "--spec", good.toString());
        assertEquals(ExitCode.OK, run.exitCode(), run::toString);
        assertTrue(run.out().contains("sigmoid/per-step-softmax/nobias/d2-H2-K2"), run::toString);

        assertUserError(write("nan.json", """
                {"inputSize": 2, "hiddenSize": 2, "outputSize": 2, "parameters": {"W": [[0.5, NaN], [0, 1]]}}"""),
                "W[0, 1] is NaN; every element must be finite");
        assertUserError(write("infinite-input.json", """
                {"inputSize": 1, "hiddenSize": 2, "outputSize": 2, "batchSize": 1, "steps": 2, "inputs": [[[1], [Infinity]]]}"""),
                "inputs[0, 1, 0] is Infinity; every element must be finite");
        assertUserError(write("shape.json", """
                {"inputSize": 2, "hiddenSize": 3, "outputSize": 2, "parameters": {"W": [[1, 0], [0, 1]]}}"""),
                "W has shape [2, 2], expected [3, 3]");
        assertUserError(write("ragged.json", """
                {"inputSize": 2, "hiddenSize": 2, "outputSize": 2, "parameters": {"U": [[1, 0], [0]]}}"""),
                "parameters.U: ragged array at depth 1 (expected 2 elements, got 1)");
        assertUserError(write("zero-steps.json", """
                {"steps": 0}"""), "steps (T) must be at least 1, got 0");
        assertUserError(write("typo.json", """
                {"hiddenSise": 4}"""), "unknown field 'hiddenSise'");
        assertUserError(write("activation.json", """
                {"activation": "softsign"}"""), "unknown activation 'softsign'");
        assertUserError(write("broken.json", """
                {"inputSize": 2,,}"""), "not valid JSON at line 1");
        assertUserError(folder.resolve("missing.json"), "spec file not found");
        // T = 2 inputs against "steps": 3 names the two fields involved, not the generated targets.
        assertUserError(write("short-inputs.json", """
                {"inputSize": 1, "steps": 3, "inputs": [[[0.5], [0.25]]]}"""),
                "'inputs' has T = 2 steps per sequence but 'steps' is 3");
        assertUserError(write("wide-inputs.json", """
                {"inputSize": 2, "steps": 1, "inputs": [[[0.5, 1, 2]]]}"""),
                "'inputs' has d = 3 values per step but 'inputSize' is 2");
    }

    private void assertUserError(Path spec, String message) {
        CliRun run = CliRun.of("gradcheck", "--impl", "reference-aggregated", "--spec", spec.toString());
        assertEquals(ExitCode.USAGE, run.exitCode(), run::toString);
        assertTrue(run.err().contains(message), () -> "expected '" + message + "'\n" + run);
        assertFalse(run.err().contains("\tat "), () -> "a user's mistake printed a stack trace\n" + run);
    }

    private Path write(String name, String json) throws IOException {
        return Files.writeString(folder.resolve(name), json);
    }
}
