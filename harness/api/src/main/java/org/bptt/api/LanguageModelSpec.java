package org.bptt.api;

import java.util.Locale;
import java.util.Objects;

/**
 * The architecture of the RNN language model ({@link LanguageModelImplementation}).
 *
 * @param vocabularySize |V|, the number of distinct tokens (token ids are 0 … |V| − 1), at least 1
 * @param embeddingSize  E, the size of an embedding e_t, at least 1
 * @param hiddenSize     H, the size of h_t, at least 1
 * @param activation     f in h_t = f(z_t)
 */
public record LanguageModelSpec(int vocabularySize, int embeddingSize, int hiddenSize, Activation activation) {

    public LanguageModelSpec {
        InvalidInputException.require(vocabularySize >= 1, "vocabularySize (|V|) must be at least 1, got %d", vocabularySize);
        InvalidInputException.require(embeddingSize >= 1, "embeddingSize (E) must be at least 1, got %d", embeddingSize);
        InvalidInputException.require(hiddenSize >= 1, "hiddenSize (H) must be at least 1, got %d", hiddenSize);
        InvalidInputException.require(activation != null, "activation must be given");
    }

    public LanguageModelSpec withActivation(Activation value) {
        return new LanguageModelSpec(vocabularySize, embeddingSize, hiddenSize, Objects.requireNonNull(value));
    }

    /** A short label such as {@code sigmoid/V12-E8-H16}. */
    public String label() {
        return activation.name().toLowerCase(Locale.ROOT) + "/V" + vocabularySize + "-E" + embeddingSize + "-H" + hiddenSize;
    }
}
