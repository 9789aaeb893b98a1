package org.bptt.reference.language;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import org.bptt.api.Activation;
import org.bptt.api.InvalidInputException;
import org.bptt.api.LanguageModelForward;
import org.bptt.api.LanguageModelGradients;
import org.bptt.api.LanguageModelImplementation;
import org.bptt.api.LanguageModelParameters;
import org.bptt.api.LanguageModelSpec;
import org.bptt.api.Tensor;
import org.bptt.api.TokenBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The reference language model's forward pass, its sanity properties and its plugin registration. */
class TestRnnLanguageModel extends LanguageModelTestBase {

    /**
     * A uniform predictor (U = 0, b₂ = 0) gives ŷ_t = 1/|V| for every token, so every J_t = log |V| and the
     * perplexity is exactly |V|, whatever the embeddings, the recurrence and the text.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 26, 1000})
    void uniformPredictorHasPerplexityEqualToTheVocabularySize(int vocabularySize) {
        LanguageModelSpec spec = new LanguageModelSpec(vocabularySize, 3, 4, Activation.SIGMOID);
        LanguageModelParameters parameters = randomParameters(spec, 1.0)
                .with("U", Tensor.zeros(vocabularySize, 4)).with("b2", Tensor.zeros(vocabularySize));
        TokenBatch batch = randomBatch(vocabularySize, 3, 9);
        LanguageModelForward forward = new ReferenceLanguageModel().forward(spec, parameters, batch);
        assertEquals(vocabularySize, forward.perplexity(), 1e-12 * vocabularySize);
        assertEquals(Math.log(vocabularySize), forward.loss(), 1e-14 * Math.max(1, Math.log(vocabularySize)));
        LanguageModelGradients gradients = new ReferenceLanguageModel().gradients(spec, parameters, batch);
        assertEquals(vocabularySize, gradients.perplexity(), 1e-12 * vocabularySize);
    }

    /** Loss, hidden states and probabilities against {@link PlainLanguageModel}'s one-hot products and plain loops. */
    @ParameterizedTest
    @EnumSource(Activation.class)
    void forwardAgreesWithThePlainOneHotModel(Activation activation) {
        LanguageModelSpec spec = new LanguageModelSpec(6, 4, 5, activation);
        LanguageModelParameters parameters = randomParameters(spec, 1.0);
        TokenBatch batch = randomBatch(6, 4, 8);
        LanguageModelForward forward = new RnnLanguageModel(spec, parameters).forward(batch);
        PlainLanguageModel plain = new PlainLanguageModel(spec, parameters, batch);
        assertEquals(plain.lossSum / batch.predictedTokens(), forward.loss(), 1e-13 * forward.loss());
        for (int b = 0; b < batch.batchSize(); b++) {
            for (int t = 0; t < batch.maxSteps(); t++) {
                for (int j = 0; j < spec.hiddenSize(); j++) {
                    double expected = t < batch.steps(b) ? plain.hiddenStates[b][t][j] : 0.0;
                    assertEquals(expected, forward.hiddenStates().get(b, t, j), 1e-13, "h[" + b + "," + t + "," + j + "]");
                }
                for (int k = 0; k < spec.vocabularySize(); k++) {
                    double expected = t < batch.steps(b) ? plain.probabilities[b][t][k] : 0.0;
                    assertEquals(expected, forward.probabilities().get(b, t, k), 1e-13, "ŷ[" + b + "," + t + "," + k + "]");
                }
            }
        }
    }

    /**
     * dL/dL is non-zero exactly in the columns of tokens that are some step's input: not in those of tokens that
     * never occur, nor of a token that occurs only as the last token of a sequence (a target, never an input).
     */
    @Test
    void embeddingGradientIsNonZeroOnlyInTheColumnsOfInputTokens() {
        LanguageModelSpec spec = new LanguageModelSpec(10, 3, 4, Activation.TANH);
        LanguageModelParameters parameters = randomParameters(spec, 1.0);
        TokenBatch batch = new TokenBatch(new int[][] {{2, 5, 2, 7}, {5, 9}});   // inputs 2, 5; 7 and 9 only targets
        Tensor embeddingGradient = new ReferenceLanguageModel().gradients(spec, parameters, batch).gradients().L();
        Set<Integer> nonZeroColumns = new TreeSet<>();
        for (int row = 0; row < spec.embeddingSize(); row++) {
            for (int column = 0; column < spec.vocabularySize(); column++) {
                if (embeddingGradient.get(row, column) != 0) {
                    nonZeroColumns.add(column);
                }
            }
        }
        assertEquals(Set.of(2, 5), nonZeroColumns);
        for (int row = 0; row < spec.embeddingSize(); row++) {
            assertTrue(embeddingGradient.get(row, 2) != 0 && embeddingGradient.get(row, 5) != 0,
                    "every element of a used column is non-zero for generic weights");
        }
    }

    @Test
    void isFoundByServiceLoaderAsReferenceLm() {
        Set<String> ids = new TreeSet<>();
        ServiceLoader.load(LanguageModelImplementation.class).forEach(plugin -> ids.add(plugin.info().id()));
        assertTrue(ids.contains(ReferenceLanguageModel.ID), "found: " + ids);
    }

    @Test
    void tokenOutsideTheVocabularyIsRejectedNamingWhere() {
        LanguageModelSpec spec = new LanguageModelSpec(4, 2, 2, Activation.SIGMOID);
        LanguageModelParameters parameters = randomParameters(spec, 1.0);
        InvalidInputException error = assertThrows(InvalidInputException.class, () -> new ReferenceLanguageModel()
                .forward(spec, parameters, new TokenBatch(new int[][] {{0, 1}, {3, 4, 1}})));
        assertEquals("token sequence 1, position 1: token id 4 is outside the vocabulary 0 … 3", error.getMessage());
    }

    @Test
    void aTokenBatchCountsStepsAndMasksBeyondEachSequence() {
        TokenBatch batch = new TokenBatch(new int[][] {{4, 1, 2, 3}, {0, 9}});
        assertEquals(3, batch.maxSteps());
        assertEquals(4, batch.predictedTokens());                       // 3 + 1
        assertEquals(Tensor.of(new double[] {1, 1, 1, 1, 0, 0}, 2, 3), batch.mask());
        assertEquals(2, batch.input(0, 2));
        assertEquals(3, batch.target(0, 2));
        InvalidInputException error = assertThrows(InvalidInputException.class, () -> new TokenBatch(new int[][] {{1, 2}, {7}}));
        assertEquals("token sequence 1 has 1 tokens; a sequence needs at least 2 (one input and the next token to predict)",
                error.getMessage());
    }

    @Test
    void parameterOfTheWrongShapeIsRejectedByName() {
        LanguageModelSpec spec = new LanguageModelSpec(4, 2, 3, Activation.SIGMOID);
        LanguageModelParameters parameters = randomParameters(spec, 1.0).with("L", Tensor.zeros(4, 2));
        InvalidInputException error = assertThrows(InvalidInputException.class, () -> new ReferenceLanguageModel()
                .gradients(spec, parameters, new TokenBatch(new int[][] {{0, 1}})));
        assertEquals("L has shape [4, 2], expected [2, 4]", error.getMessage());
    }
}
