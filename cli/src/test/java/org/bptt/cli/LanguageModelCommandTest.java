package org.bptt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code bptt lm} end to end, in-process: DL4J's language model agrees with the reference on the built-in corpus
 * and on a text file, a model that drops the embedding gradient is caught (exit 1), and a user's mistakes exit 2.
 */
class LanguageModelCommandTest {

    @TempDir
    Path folder;

    @Test
    void dl4jAgreesWithTheReferenceOnTheBuiltInCorpusAndTheTablesSayWhy() throws IOException {
        CliRun run = CliRun.of("lm", "--impl", "dl4j-lm", "--out", folder.toString());
        assertEquals(ExitCode.OK, run.exitCode(), run::toString);
        assertTrue(run.out().contains("bptt lm: every implementation agrees with reference-lm"), run::toString);
        assertTrue(run.out().matches("(?s).*\\ndl4j-lm\\s+\\d\\.\\d{10}\\s+\\d+\\.\\d{6}\\s+PASS\\n.*"), run::toString);
        List<CSVRecord> rows = read(runFolder().resolve("lm-comparison.csv"));
        // loss, h, y, loss (gradients) and the six parameter gradients
        assertEquals(List.of("loss", "h", "y", "loss (gradients)", "dL/dL", "dL/dW_e", "dL/dW_h", "dL/db1", "dL/dU", "dL/db2"),
                rows.stream().map(row -> row.get("quantity")).toList());
        for (CSVRecord row : rows) {
            assertEquals("true", row.get("passed"), row::toString);
            assertTrue(Integer.parseInt(row.get("elements")) > 0, row::toString);
            assertTrue(Double.parseDouble(row.get("error_ratio")) <= 1.0, row::toString);
        }
        assertTrue(Files.exists(runFolder().resolve("run.json")));
        List<CSVRecord> losses = read(runFolder().resolve("lm-losses.csv"));
        assertEquals(List.of("reference-lm", "dl4j-lm"), losses.stream().map(row -> row.get("implementation")).toList());
    }

    @Test
    void everyInstalledModelIsComparedAndAMissingEmbeddingGradientFailsWithExitOne() throws IOException {
        CliRun run = CliRun.of("lm", "--out", folder.toString());
        assertEquals(ExitCode.DIVERGED, run.exitCode(), run::toString);
        assertTrue(run.out().matches("(?s).*\\ndl4j-lm\\s+\\S+\\s+\\S+\\s+PASS\\n.*"), run::toString);
        assertTrue(run.out().matches("(?s).*\\ntest-lm-frozen-embeddings\\s+\\S+\\s+\\S+\\s+FAIL\\n.*"), run::toString);
        assertTrue(run.out().contains("bptt lm: DISAGREEMENT with reference-lm"), run::toString);
        List<CSVRecord> failed = read(runFolder().resolve("lm-comparison.csv")).stream()
                .filter(row -> row.get("passed").equals("false")).toList();
        assertEquals(1, failed.size(), failed::toString);
        assertEquals("test-lm-frozen-embeddings", failed.get(0).get("implementation"));
        assertEquals("dL/dL", failed.get(0).get("quantity"));
        assertEquals(0.0, Double.parseDouble(failed.get(0).get("actual")));
    }

    @Test
    void aTextFileCutIntoCharactersWithTrainingShowsThePerplexityFall() throws IOException {
        Path text = Files.writeString(folder.resolve("text.txt"), "abcab cab\nbca\nz\n", StandardCharsets.UTF_8);
        CliRun run = CliRun.of("lm", "--impl", "dl4j-lm", "--file", text.toString(), "--tokens", "chars",
                "--activation", "tanh", "--train", "50", "--out", folder.resolve("runs").toString());
        assertEquals(ExitCode.OK, run.exitCode(), run::toString);
        // "abcab cab" and "bca": 8 + 2 predicted tokens, |V| = 5 (a, b, c, space, z); "z" alone predicts nothing.
        assertTrue(run.out().contains("2 sequences, 10 predicted tokens, |V| = 5, 1 one-token lines left out"), run::toString);
        Path runFolder;
        try (Stream<Path> runs = Files.list(folder.resolve("runs"))) {
            runFolder = runs.filter(Files::isDirectory).findFirst().orElseThrow(); // beside it: its hidden lock file
        }
        List<CSVRecord> steps = read(runFolder.resolve("lm-training.csv"));
        assertEquals(51, steps.size());
        double first = Double.parseDouble(steps.get(0).get("perplexity"));
        double last = Double.parseDouble(steps.get(50).get("perplexity"));
        assertTrue(last < first / 2, "perplexity " + first + " → " + last);
    }

    @Test
    void theSameSeedWritesByteIdenticalTables() throws IOException {
        for (String out : new String[] {"first", "second"}) {
            CliRun run = CliRun.of("lm", "--impl", "dl4j-lm", "--train", "3", "--out", folder.resolve(out).toString());
            assertEquals(ExitCode.OK, run.exitCode(), run::toString);
        }
        for (String table : new String[] {"lm-comparison.csv", "lm-losses.csv", "lm-training.csv"}) {
            assertEquals(Files.readString(onlyRun(folder.resolve("first")).resolve(table)),
                    Files.readString(onlyRun(folder.resolve("second")).resolve(table)), table);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--tokens=syllables           | unknown tokenization 'syllables'; expected chars or words",
        "--impl=no-such-lm            | no language model with id 'no-such-lm'",
        "--embedding-size=0           | --embedding-size (E) must be at least 1, got 0",
        "--activation=swish           | unknown activation 'swish'"})
    void badOptionsNameTheProblemAndExitTwo(String option, String message) {
        String[] args = option.startsWith("--tokens")
                ? new String[] {"lm", "--file", folder.resolve("missing.txt").toString(), option, "--out", folder.toString()}
                : new String[] {"lm", option, "--out", folder.toString()};
        CliRun run = CliRun.of(args);
        assertEquals(ExitCode.USAGE, run.exitCode(), run::toString);
        assertTrue(run.err().contains(message), run::toString);
        assertFalse(run.err().contains("\tat "), () -> "a user's mistake printed a stack trace\n" + run);
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = folder.resolve("missing.txt");
        CliRun run = CliRun.of("lm", "--file", missing.toString(), "--out", folder.toString());
        assertEquals(ExitCode.USAGE, run.exitCode(), run::toString);
        assertTrue(run.err().contains("text file " + missing + " does not exist"), run::toString);
    }

    @Test
    void tokensWithoutAFileIsAMistake() {
        CliRun run = CliRun.of("lm", "--tokens", "chars", "--out", folder.toString());
        assertEquals(ExitCode.USAGE, run.exitCode(), run::toString);
        assertTrue(run.err().contains("--tokens applies to --file"), run::toString);
    }

    private Path runFolder() throws IOException {
        return onlyRun(folder);
    }

    private static Path onlyRun(Path root) throws IOException {
        try (Stream<Path> runs = Files.list(root)) {
            List<Path> all = runs.filter(Files::isDirectory).toList();
            assertEquals(1, all.size(), all::toString);
            return all.get(0);
        }
    }

    private static List<CSVRecord> read(Path csv) throws IOException {
        try (Reader reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8);
             CSVParser parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(reader)) {
            return parser.getRecords();
        }
    }
}
