package org.bptt.reference.language;

import java.util.SplittableRandom;
import org.bptt.api.LanguageModelParameters;
import org.bptt.api.LanguageModelSpec;
import org.bptt.api.Tensor;
import org.bptt.api.TokenBatch;

/**
 * The base of this package's tests: a seeded random source, fresh for each test method, and random parameters and
 * token batches drawn from it.
 */
abstract class LanguageModelTestBase {

    static final long SEED = 0x5eed_1a46L;

    protected final SplittableRandom random = new SplittableRandom(SEED);

    /** Every parameter uniform in [−scale, scale]. */
    LanguageModelParameters randomParameters(LanguageModelSpec spec, double scale) {
        LanguageModelParameters zeros = LanguageModelParameters.zeros(spec);
        LanguageModelParameters parameters = zeros;
        for (String name : LanguageModelParameters.NAMES) {
            Tensor tensor = zeros.get(name).copy();
            for (int i = 0; i < tensor.length(); i++) {
                tensor.data()[i] = random.nextDouble(-scale, scale);
            }
            parameters = parameters.with(name, tensor);
        }
        return parameters;
    }

    /** {@code batchSize} sequences of 2 … maxTokens random token ids in 0 … vocabularySize − 1 (different lengths). */
    TokenBatch randomBatch(int vocabularySize, int batchSize, int maxTokens) {
        int[][] sequences = new int[batchSize][];
        for (int sequence = 0; sequence < batchSize; sequence++) {
            int length = sequence == 0 ? maxTokens : random.nextInt(2, maxTokens + 1);
            sequences[sequence] = random.ints(length, 0, vocabularySize).toArray();
        }
        return new TokenBatch(sequences);
    }
}
