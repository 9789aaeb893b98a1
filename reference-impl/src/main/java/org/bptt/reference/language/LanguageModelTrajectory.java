package org.bptt.reference.language;

import org.ejml.data.DMatrixRMaj;

/**
 * Everything the forward pass of one token sequence keeps for the backward pass. Row t of each matrix over steps is
 * the step-t vector, transposed.
 */
final class LanguageModelTrajectory {

    /** n, the number of steps (predicted tokens) of the sequence. */
    final int steps;
    /** The sequence's token ids, n + 1 of them: step t reads tokens[t] and predicts tokens[t + 1]. */
    final int[] tokens;
    /** e_t = column tokens[t] of L, {@code [n, E]}. */
    final DMatrixRMaj embeddings;
    /** h_t, {@code [n, H]}. */
    final DMatrixRMaj hiddenStates;
    /** ŷ_t, {@code [n, |V|]}. */
    final DMatrixRMaj probabilities;
    /** J_t = −log ŷ_t[tokens[t + 1]], {@code [n]}. */
    final double[] lossTerms;

    LanguageModelTrajectory(int[] tokens, DMatrixRMaj embeddings, DMatrixRMaj hiddenStates, DMatrixRMaj probabilities,
                            double[] lossTerms) {
        this.steps = tokens.length - 1;
        this.tokens = tokens;
        this.embeddings = embeddings;
        this.hiddenStates = hiddenStates;
        this.probabilities = probabilities;
        this.lossTerms = lossTerms;
    }

    /** x_t, the input token id of step t. */
    int input(int t) {
        return tokens[t];
    }

    /** x_{t+1}, the token step t predicts. */
    int target(int t) {
        return tokens[t + 1];
    }

    /** Σ_t J_t. */
    double lossSum() {
        double sum = 0;
        for (double term : lossTerms) {
            sum += term;
        }
        return sum;
    }
}
