package org.bptt.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.datasets.text.TextDataset;
import org.bptt.datasets.text.TokenCorpus;
import org.bptt.datasets.text.Tokenization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {

    @TempDir
    Path folder;

    @Test
    void everyDatasetIsListedByName() {
        assertEquals(List.of("sentiment", "elman-xor", "elman-letters", "elman-sentences", "adding", "temporal-order", "text"),
                Datasets.names());
        for (Dataset dataset : Datasets.all()) {
            assertEquals(dataset.name(), Datasets.create(dataset.name(), null, null).name());
            assertTrue(!dataset.source().isBlank() && !dataset.task().isBlank() && !dataset.description().isBlank(), dataset.name());
        }
    }

    @Test
    void everyBatchFitsTheModelItsDatasetImpliesAndDependsOnlyOnTheSeed() {
        for (Dataset dataset : Datasets.all()) {
            ModelSpec spec = dataset.spec(4, Activation.TANH, true, LossReduction.SUM);
            for (int steps : dataset.lengths()) {
                Batch batch = dataset.batch(3, steps, 17L);
                batch.validate(spec); // shapes, finite values, targets distributions, mask ones-then-zeros
                assertTrue(batch.steps() >= steps || dataset.name().equals("sentiment"), dataset.name() + " T=" + steps);
                assertEquals(batch, dataset.batch(3, steps, 17L), dataset.name() + ": same seed, same batch");
                assertNotEquals(batch, dataset.batch(3, steps, 18L), dataset.name() + ": another seed, another batch");
            }
        }
    }

    @Test
    void theAddingProblemsTargetIsComputedFromItsMarkedInputs() {
        Dataset adding = Datasets.create("adding", null, null);
        for (Example example : adding.examples(20, 20, 3L)) {
            double sum = 0;
            int marks = 0;
            for (double[] step : example.inputs()) {
                if (step[1] == 1.0) {
                    sum += step[0];
                    marks++;
                }
            }
            assertEquals(2, marks);
            assertEquals(0.5 + sum / 4, example.targets()[0][0], 1e-15);
            assertTrue(example.length() >= 20 && example.length() <= 22, "T … T + T/10");
        }
    }

    @Test
    void theTemporalOrderClassIsTheOrderOfXAndY() {
        Dataset temporalOrder = Datasets.create("temporal-order", null, null);
        for (Example example : temporalOrder.examples(20, 20, 3L)) {
            String relevant = String.join("", example.inputTokens()).replaceAll("[^XY]", "");
            assertEquals(2, relevant.length());
            String expected = switch (relevant) {
                case "XX" -> "Q";
                case "XY" -> "R";
                case "YX" -> "S";
                default -> "U";
            };
            assertEquals(List.of(expected), example.targetTokens());
        }
    }

    @Test
    void aTextFileBecomesNextTokenExamples() throws IOException {
        Path file = folder.resolve("poem.txt");
        Files.writeString(file, "abcab\nx\nbca\n");
        Dataset text = Datasets.create("text", file, Tokenization.CHARACTERS);
        assertEquals(4, text.inputSize(), "the vocabulary is a, b, c, x");
        assertEquals(List.of(4), text.lengths(), "8 and 32 both capped at the 4 predictions of the longest line, abcab");
        java.util.Set<String> lines = new java.util.HashSet<>();
        for (Example example : text.examples(30, 3, 5L)) {
            assertTrue(example.length() <= 3);
            for (int step = 0; step + 1 < example.length(); step++) {
                assertEquals(example.inputTokens().get(step + 1), example.targetTokens().get(step), "targets are the next tokens");
            }
            String window = String.join("", example.inputTokens()) + example.targetTokens().get(example.length() - 1);
            assertTrue("abcab".contains(window) || "bca".equals(window), "'" + window + "' is not a window of a line of two tokens or more");
            lines.add(window.length() == 4 ? "abcab" : window);
        }
        assertEquals(java.util.Set.of("abcab", "bca"), lines, "both usable lines are drawn, never the one-token line");
        Batch batch = text.batch(30, 3, 5L);
        batch.validate(text.spec(2, Activation.TANH, false, LossReduction.MEAN_OVER_TERMS));
        assertTrue(batch.mask() != null, "windows of 3 and 2 steps share the batch");
    }

    @Test
    void unknownNamesAndMissingFilesAreNamed() {
        DatasetAssertions.assertMessage(() -> Datasets.create("mnist", null, null), "unknown dataset 'mnist'", "elman-letters", "text");
        DatasetAssertions.assertMessage(() -> Datasets.create("text", null, null), "needs a text file");
        DatasetAssertions.assertMessage(() -> Datasets.create("elman-xor", folder.resolve("a.txt"), null), "only for dataset 'text'");
        DatasetAssertions.assertMessage(() -> Datasets.create("text", folder.resolve("none.txt"), Tokenization.WORDS), "none.txt", "does not exist");
        DatasetAssertions.assertMessage(() -> new TextDataset(TokenCorpus.fromText("a\nb", Tokenization.WORDS), "two.txt"),
                "two.txt", "no line has two tokens (cut into words)");
    }
}
