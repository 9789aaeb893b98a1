package org.bptt.api;

import java.util.Arrays;

/**
 * A minibatch of token sequences for the RNN language model ({@link LanguageModelImplementation}). Sequences may
 * have different lengths: sequence b is {@code sequences[b]}, its {@code n_b} token ids. Its step t
 * (0 ≤ t &lt; n_b − 1) reads token {@code sequences[b][t]} and predicts token {@code sequences[b][t + 1]}, so it has
 * {@code n_b − 1} steps and as many predicted tokens: the first token is only an input, the last only a target.
 *
 * @param sequences the token ids, one array per sequence, each at least 2 long. The arrays are shared, not copied:
 *                  nobody changes them afterwards.
 */
public record TokenBatch(int[][] sequences) {

    public TokenBatch {
        InvalidInputException.require(sequences != null && sequences.length >= 1, "a token batch needs at least one sequence");
        for (int sequence = 0; sequence < sequences.length; sequence++) {
            InvalidInputException.require(sequences[sequence] != null && sequences[sequence].length >= 2,
                    "token sequence %d has %d tokens; a sequence needs at least 2 (one input and the next token to predict)",
                    sequence, sequences[sequence] == null ? 0 : sequences[sequence].length);
        }
    }

    /** B, the number of sequences. */
    public int batchSize() {
        return sequences.length;
    }

    /** The number of steps (predicted tokens) of sequence {@code sequence}: its token count minus one. */
    public int steps(int sequence) {
        return sequences[sequence].length - 1;
    }

    /** T, the steps of the longest sequence: the time dimension of per-step tensors. */
    public int maxSteps() {
        return Arrays.stream(sequences).mapToInt(tokens -> tokens.length - 1).max().orElse(0);
    }

    /** N, the number of predicted tokens of the whole batch: Σ_b (n_b − 1). The loss is a mean over these. */
    public int predictedTokens() {
        int total = 0;
        for (int[] tokens : sequences) {
            total += tokens.length - 1;
        }
        return total;
    }

    /**
     * The mask of per-step tensors, {@code [B, T]}: 1 at the steps of each sequence, 0 beyond them (so comparisons
     * skip those steps).
     */
    public Tensor mask() {
        int steps = maxSteps();
        Tensor mask = Tensor.zeros(sequences.length, steps);
        for (int sequence = 0; sequence < sequences.length; sequence++) {
            java.util.Arrays.fill(mask.data(), sequence * steps, sequence * steps + steps(sequence), 1.0);
        }
        return mask;
    }

    /** The input token id of step {@code step} of sequence {@code sequence}. */
    public int input(int sequence, int step) {
        return sequences[sequence][step];
    }

    /** The token id step {@code step} of sequence {@code sequence} predicts: the next one. */
    public int target(int sequence, int step) {
        return sequences[sequence][step + 1];
    }

    /**
     * Checks every token id lies in the vocabulary of {@code spec}.
     *
     * @throws InvalidInputException naming the sequence, the position and the id
     */
    public void validate(LanguageModelSpec spec) {
        for (int sequence = 0; sequence < sequences.length; sequence++) {
            for (int position = 0; position < sequences[sequence].length; position++) {
                int id = sequences[sequence][position];
                InvalidInputException.require(id >= 0 && id < spec.vocabularySize(),
                        "token sequence %d, position %d: token id %d is outside the vocabulary 0 … %d",
                        sequence, position, id, spec.vocabularySize() - 1);
            }
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TokenBatch that && Arrays.deepEquals(sequences, that.sequences);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(sequences);
    }

    @Override
    public String toString() {
        return "TokenBatch[B=" + sequences.length + ", T=" + maxSteps() + ", N=" + predictedTokens() + "]";
    }
}
