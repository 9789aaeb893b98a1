package org.bptt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bptt.api.Case;
import org.bptt.api.Head;
import org.bptt.datasets.Datasets;
import org.bptt.datasets.ElmanLetters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsCommandTest {

    @TempDir
    Path folder;

    @Test
    void theListingNamesEveryDatasetWithItsSizesTaskAndSource() {
        CliRun run = CliRun.of("datasets");
        assertEquals(ExitCode.OK, run.exitCode(), run::toString);
        for (String name : List.of("sentiment", "elman-xor", "elman-letters", "elman-sentences", "adding", "temporal-order", "text")) {
            assertTrue(run.out().lines().anyMatch(line -> line.startsWith(name + " ")), () -> name + " is not listed\n" + run);
        }
        // Elman's letters: six features in, six letters out, a prediction at every step.
        assertTrue(run.out().contains("elman-letters    d=6 K=6 per-step-softmax"), run::toString);
        assertTrue(run.out().contains("sentiment        d=17 K=1 last-step-sigmoid"), run::toString);
        assertTrue(run.out().contains("Elman (1990), Finding Structure in Time"), run::toString);
        assertTrue(run.out().contains("7 datasets"), run::toString);
    }

    /** The lines after "input:" and "target:", split into tokens. */
    private static List<List<String>> rows(String out, String label) {
        List<List<String>> rows = new ArrayList<>();
        out.lines().filter(line -> line.startsWith("  " + label + ":"))
                .forEach(line -> rows.add(Arrays.asList(line.substring(label.length() + 3).trim().split("\\s+"))));
        return rows;
    }

    @Test
    void showDecodesElmansLettersWithTheNextLetterAsTarget() {
        CliRun run = CliRun.of("datasets", "show", "elman-letters", "--count", "4", "--seed", "5", "-T", "12");
        assertEquals(ExitCode.OK, run.exitCode(), run::toString);
        List<List<String>> inputs = rows(run.out(), "input");
        List<List<String>> targets = rows(run.out(), "target");
        assertEquals(4, inputs.size(), run::toString);
        for (int example = 0; example < 4; example++) {
            List<String> input = inputs.get(example);
            List<String> target = targets.get(example);
            assertEquals(12, input.size());
            assertEquals(input.subList(1, 12), target.subList(0, 11), "each target is the next input");
            String letters = String.join("", input) + target.get(11);
            assertTrue(letters.matches("(ba|dii|guuu)*(b|d|di|g|gu|guu)?"), letters);
        }
        assertEquals(run.out(), CliRun.of("datasets", "show", "elman-letters", "--count", "4", "--seed", "5", "-T", "12").out());
        assertNotEquals(run.out(), CliRun.of("datasets", "show", "elman-letters", "--count", "4", "--seed", "6", "-T", "12").out());
    }

    @Test
    void showPrintsTheSentimentLabelAfterTheLetters() {
        CliRun run = CliRun.of("datasets", "show", "sentiment", "--count", "6");
        assertEquals(ExitCode.OK, run.exitCode(), run::toString);
        List<List<String>> inputs = rows(run.out(), "input");
        List<List<String>> targets = rows(run.out(), "target");
        for (int example = 0; example < inputs.size(); example++) {
            String letters = String.join("", inputs.get(example));
            boolean positive = letters.matches("((...)*)(fun|joy|win)(...)*");
            assertEquals(positive ? "positive" : "negative", targets.get(example).get(0), letters);
        }
    }

    @Test
    void showReadsATextFileAsWordsOrCharacters() throws IOException {
        Path file = folder.resolve("lines.txt");
        Files.writeString(file, "the cat sat\nthe mat\n", StandardCharsets.UTF_8);
        CliRun words = CliRun.of("datasets", "show", "text", "--file", file.toString(), "--tokens", "words", "--count", "5");
        assertEquals(ExitCode.OK, words.exitCode(), words::toString);
        for (List<String> input : rows(words.out(), "input")) {
            assertTrue(input.equals(List.of("the", "cat")) || input.equals(List.of("the")), input::toString);
        }
        assertTrue(words.out().contains("vocabulary of 4"), words::toString); // cat, mat, sat, the
        CliRun characters = CliRun.of("datasets", "show", "text", "--file", file.toString(), "--count", "1", "-T", "3");
        assertEquals(ExitCode.OK, characters.exitCode(), characters::toString);
        assertTrue(characters.out().contains("vocabulary of 8"), characters::toString); // space a c e h m s t
    }

    @Test
    void mistakesAreNamedAndExitTwo() throws IOException {
        assertUsageError(CliRun.of("datasets", "show", "mnist"), "unknown dataset 'mnist'");
        assertUsageError(CliRun.of("datasets", "show", "text"), "needs a text file");
        assertUsageError(CliRun.of("datasets", "show", "text", "--file", folder.resolve("gone.txt").toString()), "gone.txt does not exist");
        assertUsageError(CliRun.of("datasets", "show", "elman-xor", "--tokens", "words"), "--tokens is only for dataset 'text'");
        assertUsageError(CliRun.of("datasets", "show", "elman-xor", "--count", "0"), "--count must be at least 1");
        assertUsageError(CliRun.of("datasets", "show", "sentiment", "-T", "2"), "at least 3 steps");
        Path latin1 = folder.resolve("latin1.txt");
        Files.write(latin1, "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));
        assertUsageError(CliRun.of("datasets", "show", "text", "--file", latin1.toString()), "is not UTF-8");
        assertUsageError(CliRun.of("datasets", "show", "text", "--file", latin1.toString(), "--tokens", "bytes"), "unknown tokenization 'bytes'");
        assertUsageError(CliRun.of("verify", "--dataset", "nope", "--out", folder.toString()), "unknown dataset 'nope'");
        assertUsageError(CliRun.of("verify", "--file", latin1.toString(), "--out", folder.toString()), "give --dataset text");
        assertUsageError(CliRun.of("verify", "--dataset", "elman-xor", "--suite", "quick", "--out", folder.toString()),
                "--suite and --dataset both choose the cases");
    }

    @Test
    void datasetCasesCarryTheDatasetsSequences() {
        List<Case> cases = DatasetCases.cases(Datasets.create("elman-letters", null, null), 42L);
        assertEquals(DatasetCases.VARIANTS.size() * DatasetCases.BATCH_SIZES.size() * 2, cases.size());
        Set<String> ids = new HashSet<>();
        for (Case testCase : cases) {
            testCase.validate();
            assertTrue(ids.add(testCase.id()), "duplicate id " + testCase.id());
            assertEquals(Head.PER_STEP_SOFTMAX, testCase.spec().head());
            var batch = testCase.batch();
            for (int b = 0; b < batch.batchSize(); b++) {
                for (int step = 0; step < batch.steps(); step++) {
                    double[] features = new double[6];
                    for (int column = 0; column < 6; column++) {
                        features[column] = batch.inputs().get(b, step, column);
                    }
                    int letter = -1;
                    for (int candidate = 0; candidate < 6; candidate++) {
                        if (Arrays.equals(features, ElmanLetters.features(candidate))) {
                            letter = candidate;
                        }
                    }
                    assertTrue(letter >= 0, "input [" + b + ", " + step + "] of " + testCase.id() + " is no letter's features");
                    if (step > 0) {
                        assertEquals(1.0, batch.targets().get(b, step - 1, letter), "the previous target is this input's letter");
                    }
                }
            }
        }
        assertEquals(cases, DatasetCases.cases(Datasets.create("elman-letters", null, null), 42L));
        assertNotEquals(cases.get(0).batch(), DatasetCases.cases(Datasets.create("elman-letters", null, null), 43L).get(0).batch());
    }

    /** The gate end to end on real sequences: the naive reference passes every case, DL4J every case it can run. */
    @Test
    void verifyRunsTheGateOnADataset() throws IOException {
        Path out = folder.resolve("runs");
        CliRun run = CliRun.of("verify", "--dataset", "elman-letters", "--impl", "reference-naive", "--impl", "dl4j",
                "--out", out.toString());
        assertEquals(ExitCode.OK, run.exitCode(), run::toString);
        assertTrue(run.out().contains("on 12 cases (+0 truncated-BPTT cases) of the elman-letters dataset"), run::toString);
        assertTrue(run.out().matches("(?s).*reference-naive\\s+12\\s+12\\s+0\\s+0\\s+0\\s+0\\s+0 .*"), run::toString);
        // DL4J's gradients ignore a given h_{-1} (its forward pass takes it): the four cases of that variant are the
        // known divergence, checked against its model; the eight others pass.
        assertTrue(run.out().matches("(?s).*dl4j\\s+12\\s+8\\s+0\\s+4\\s+0\\s+0\\s+0 .*"), run::toString);
        assertTrue(run.out().contains("DL4J bug: a given h_{-1}"), run::toString);
        String table = Files.readString(VerifyCommandTest.onlyRunFolder(out).resolve("verify-cases.csv"));
        assertTrue(table.contains("dataset-elman-letters-tanh-bias-noh0-sum-B3-T24"), table);
        assertFalse(table.contains("FAILED"), table);
    }

    @Test
    void verifyRunsOnATextFileWithAMask() throws IOException {
        Path file = folder.resolve("corpus.txt");
        Files.writeString(file, "to be or not to be\nthat is the question\nwhether tis nobler in the mind to suffer\n");
        Path out = folder.resolve("runs");
        CliRun run = CliRun.of("verify", "--dataset", "text", "--file", file.toString(), "--tokens", "words",
                "--impl", "reference-naive", "--out", out.toString());
        assertEquals(ExitCode.OK, run.exitCode(), run::toString);
        // The longest line has 8 words, so 7 predictions: one length (7), 3 variants × B ∈ {1, 3} = 6 cases.
        assertTrue(run.out().matches("(?s).*reference-naive\\s+6\\s+6\\s+0\\s+0\\s+0\\s+0\\s+0 .*"), run::toString);
        String table = Files.readString(VerifyCommandTest.onlyRunFolder(out).resolve("verify-cases.csv"));
        int masked = List.of(table.lines().findFirst().orElseThrow().split(",")).indexOf("masked");
        assertTrue(table.lines().skip(1).anyMatch(line -> line.startsWith("dataset-text-") && line.split(",")[masked].equals("true")),
                "lines of different lengths share a batch under a mask:\n" + table);
    }

    private static void assertUsageError(CliRun run, String message) {
        assertEquals(ExitCode.USAGE, run.exitCode(), run::toString);
        assertTrue(run.err().contains(message), () -> "expected '" + message + "'\n" + run);
        assertFalse(run.err().contains("\tat "), () -> "a user's mistake printed a stack trace\n" + run);
    }
}
