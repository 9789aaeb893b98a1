package org.bptt.reference.language;

import org.bptt.api.Activation;
import org.bptt.api.LanguageModelForward;
import org.bptt.api.LanguageModelParameters;
import org.bptt.api.LanguageModelSpec;
import org.bptt.api.Tensor;
import org.bptt.api.TokenBatch;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The forward pass of the RNN language model, one sequence at a time, from h_{-1} = 0:
 * <pre>
 *   e_t = L x_t                         column x_t of L: a lookup, no one-hot product
 *   z_t = W_h h_{t-1} + W_e e_t + b₁
 *   h_t = f(z_t)
 *   o_t = U h_t + b₂
 *   ŷ_t = softmax(o_t)
 *   J_t = −log ŷ_t[x_{t+1}] = logsumexp(o_t) − o_t[x_{t+1}]
 *   L   = (1/N) Σ_b Σ_t J_t             N = {@link TokenBatch#predictedTokens()}
 * </pre>
 * The loss is computed from the logits (log ŷ_k = o_k − logsumexp(o)) so it stays finite when a probability rounds
 * to 0. The model copies the parameters on construction; the caller's tensors are never modified.
 */
public final class RnnLanguageModel {

    private final LanguageModelSpec spec;
    /** The equations' parameters as EJML matrices (biases as columns). */
    final DMatrixRMaj L;
    final DMatrixRMaj We;
    final DMatrixRMaj Wh;
    final DMatrixRMaj b1;
    final DMatrixRMaj U;
    final DMatrixRMaj b2;

    /** A model with a copy of {@code parameters}, which must match {@code spec} ({@link LanguageModelParameters#validate}). */
    public RnnLanguageModel(LanguageModelSpec spec, LanguageModelParameters parameters) {
        this.spec = spec;
        this.L = matrix(parameters.L());
        this.We = matrix(parameters.We());
        this.Wh = matrix(parameters.Wh());
        this.b1 = matrix(parameters.b1());
        this.U = matrix(parameters.U());
        this.b2 = matrix(parameters.b2());
    }

    public LanguageModelSpec spec() {
        return spec;
    }

    /**
     * The forward pass of every sequence of {@code batch}.
     *
     * @return h_t {@code [B, T, H]}, ŷ_t {@code [B, T, |V|]} (zero beyond each sequence's steps) and L
     */
    public LanguageModelForward forward(TokenBatch batch) {
        int batchSize = batch.batchSize();
        int steps = batch.maxSteps();
        int hiddenSize = spec.hiddenSize();
        int vocabularySize = spec.vocabularySize();
        Tensor hiddenStates = Tensor.zeros(batchSize, steps, hiddenSize);
        Tensor probabilities = Tensor.zeros(batchSize, steps, vocabularySize);
        double lossSum = 0;
        for (int sequence = 0; sequence < batchSize; sequence++) {
            LanguageModelTrajectory trajectory = forward(batch.sequences()[sequence]);
            System.arraycopy(trajectory.hiddenStates.data, 0, hiddenStates.data(), hiddenStates.offset(sequence, 0, 0),
                    trajectory.hiddenStates.getNumElements());
            System.arraycopy(trajectory.probabilities.data, 0, probabilities.data(), probabilities.offset(sequence, 0, 0),
                    trajectory.probabilities.getNumElements());
            lossSum += trajectory.lossSum();
        }
        return new LanguageModelForward(hiddenStates, probabilities, lossSum / batch.predictedTokens());
    }

    /** The forward pass of one sequence of token ids (at least two), keeping everything BPTT needs. */
    LanguageModelTrajectory forward(int[] tokens) {
        int steps = tokens.length - 1;
        int embeddingSize = spec.embeddingSize();
        int hiddenSize = spec.hiddenSize();
        int vocabularySize = spec.vocabularySize();
        DMatrixRMaj embeddings = new DMatrixRMaj(steps, embeddingSize);
        DMatrixRMaj hiddenStates = new DMatrixRMaj(steps, hiddenSize);
        DMatrixRMaj probabilities = new DMatrixRMaj(steps, vocabularySize);
        double[] lossTerms = new double[steps];
        DMatrixRMaj embedding = new DMatrixRMaj(embeddingSize, 1);        // e_t, a workspace reused at every step
        DMatrixRMaj preActivation = new DMatrixRMaj(hiddenSize, 1);       // z_t, likewise
        DMatrixRMaj hiddenState = new DMatrixRMaj(hiddenSize, 1);         // h_t
        DMatrixRMaj previousHiddenState = new DMatrixRMaj(hiddenSize, 1); // h_{t-1}, h_{-1} = 0
        DMatrixRMaj logits = new DMatrixRMaj(vocabularySize, 1);          // o_t
        for (int t = 0; t < steps; t++) {
            column(L, tokens[t], embedding);                                  // e_t = L x_t (column x_t of L)
            CommonOps_DDRM.mult(We, embedding, preActivation);                // z_t = W_e e_t
            CommonOps_DDRM.multAdd(Wh, previousHiddenState, preActivation);   //     + W_h h_{t-1}
            CommonOps_DDRM.addEquals(preActivation, b1);                      //     + b₁
            apply(spec.activation(), preActivation, hiddenState);             // h_t = f(z_t)
            CommonOps_DDRM.mult(U, hiddenState, logits);                      // o_t = U h_t
            CommonOps_DDRM.addEquals(logits, b2);                             //     + b₂
            lossTerms[t] = softmaxCrossEntropy(logits, tokens[t + 1], probabilities, t); // ŷ_t, J_t
            setRow(embeddings, t, embedding);
            setRow(hiddenStates, t, hiddenState);
            previousHiddenState.setTo(hiddenState);
        }
        return new LanguageModelTrajectory(tokens, embeddings, hiddenStates, probabilities, lossTerms);
    }

    /**
     * Row {@code row} of probabilities = softmax(logits)ᵀ, and J = −log ŷ[target] = logsumexp(o) − o[target], with
     * logsumexp(o) = max(o) + log Σ_k e^(o_k − max(o)), which neither overflows nor takes log 0.
     * Modified: that row of probabilities. Not modified: logits.
     *
     * @return J
     */
    static double softmaxCrossEntropy(DMatrixRMaj logits, int target, DMatrixRMaj probabilities, int row) {
        int size = logits.getNumElements();
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < size; k++) {
            max = Math.max(max, logits.data[k]);
        }
        double sumOfExponentials = 0;
        for (int k = 0; k < size; k++) {
            sumOfExponentials += Math.exp(logits.data[k] - max);
        }
        double logSumExp = max + Math.log(sumOfExponentials);
        int offset = row * size;
        for (int k = 0; k < size; k++) {
            probabilities.data[offset + k] = Math.exp(logits.data[k] - logSumExp);
        }
        return logSumExp - logits.data[target];
    }

    /** hiddenState = f(preActivation), elementwise. Modified: hiddenState. Not modified: preActivation. */
    static void apply(Activation activation, DMatrixRMaj preActivation, DMatrixRMaj hiddenState) {
        for (int i = 0; i < preActivation.getNumElements(); i++) {
            hiddenState.data[i] = activation.apply(preActivation.data[i]);
        }
    }

    /** target = column {@code column} of matrix. Modified: target. Not modified: matrix. */
    static void column(DMatrixRMaj matrix, int column, DMatrixRMaj target) {
        for (int row = 0; row < matrix.numRows; row++) {
            target.data[row] = matrix.data[row * matrix.numCols + column];
        }
    }

    /** target = (row {@code row} of matrix)ᵀ. Modified: target. Not modified: matrix. */
    static void row(DMatrixRMaj matrix, int row, DMatrixRMaj target) {
        System.arraycopy(matrix.data, row * matrix.numCols, target.data, 0, matrix.numCols);
    }

    /** Row {@code row} of matrix = vectorᵀ. Modified: matrix. Not modified: vector. */
    static void setRow(DMatrixRMaj matrix, int row, DMatrixRMaj vector) {
        System.arraycopy(vector.data, 0, matrix.data, row * matrix.numCols, matrix.numCols);
    }

    /** A copy of a rank-2 tensor {@code [rows, columns]} as a matrix, or of a rank-1 tensor {@code [n]} as a column. */
    static DMatrixRMaj matrix(Tensor tensor) {
        int rows = tensor.size(0);
        int columns = tensor.rank() == 1 ? 1 : tensor.size(1);
        return new DMatrixRMaj(rows, columns, true, tensor.data());
    }

    /** A tensor of the given shape holding a copy of {@code matrix}'s elements in row-major order. */
    static Tensor tensor(DMatrixRMaj matrix, int... shape) {
        return Tensor.of(java.util.Arrays.copyOf(matrix.data, matrix.getNumElements()), shape);
    }
}
