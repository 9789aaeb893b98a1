package org.bptt.reference;

import org.bptt.api.Head;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The head of every cell: the output layer and the loss of the steps that have a loss term, forward and backward.
 * <pre>
 *   o_t = V h_t + c
 *   y_t = softmax(o_t)          (sigmoid(o_t) for {@link Head#LAST_STEP_SIGMOID})
 *   J(t) = −Σ_k y*_k log y_k    (binary cross-entropy −(y* log σ(o) + (1−y*) log(1−σ(o))) for the sigmoid head)
 * </pre>
 * It does not depend on the recurrence, so both directions are done for every loss step at once, as matrix
 * products over steps (row t of a matrix over steps is the step-t vector, transposed). Both losses are computed
 * from the logits o_t so that they stay finite when y_t rounds to 0 or 1: log y_k = o_k − logsumexp(o),
 * log σ(o) = −softplus(−o), log(1 − σ(o)) = −softplus(o).
 *
 * <p>The layer copies V and c on construction; the caller's tensors are never modified.
 */
final class OutputLayer {

    private final ModelSpec spec;
    /** V {@code [K, H]} and c {@code [K, 1]}; c is zero when the spec has no biases. */
    final DMatrixRMaj V;
    final DMatrixRMaj c;

    OutputLayer(ModelSpec spec, Parameters parameters) {
        this.spec = spec;
        this.V = Matrices.matrix(parameters.get(ParameterNames.V));
        this.c = Matrices.columnOrZeros(parameters.get(ParameterNames.C), spec.outputSize());
    }

    /**
     * The outputs and loss terms of the loss steps firstLossStep … length−1.
     *
     * @param lossHiddenStates row r: h_tᵀ of loss step t = firstLossStep + r. Not modified.
     * @param targets          row r: the target of loss step t = firstLossStep + r. Not modified.
     * @param outputs          Modified: row r is set to y_tᵀ.
     * @param lossTerms        J per step of the sequence. Modified: J(t) at every loss step.
     */
    void forward(DMatrixRMaj lossHiddenStates, int firstLossStep, DMatrixRMaj targets, DMatrixRMaj outputs, double[] lossTerms) {
        DMatrixRMaj logits = new DMatrixRMaj(lossHiddenStates.numRows, spec.outputSize());
        CommonOps_DDRM.multTransB(lossHiddenStates, V, logits);                      // row: (V h_t)ᵀ, every loss step at once
        Matrices.addToEveryRow(logits, c);                                          //     + cᵀ
        for (int row = 0; row < logits.numRows; row++) {
            lossTerms[firstLossStep + row] = spec.head() == Head.LAST_STEP_SIGMOID
                    ? sigmoidCrossEntropy(logits, targets, outputs, row)                // y_t = σ(o_t), J(t)
                    : softmaxCrossEntropy(logits, targets, outputs, row);               // y_t = softmax(o_t), J(t)
        }
    }

    /**
     * The output layer's backward pass for the loss steps whose {@code used} flag is set (all of them in full BPTT;
     * truncation can drop some), for both heads (softmax with cross-entropy and sigmoid with binary cross-entropy
     * both have dJ/do = y − y*). With G the matrix whose row for loss step t is outputGradient_tᵀ (zero for unused
     * steps):
     * <pre>
     *   outputGradient_t = (y_t − target_t) / divisor
     *   dV += Gᵀ H_loss                      (= Σ_t outputGradient_t h_tᵀ)
     *   dc += Σ_t outputGradient_t
     *   outputHiddenGradients = G V          (row: (Vᵀ outputGradient_t)ᵀ, the gradient J(t) sends to h_t)
     * </pre>
     *
     * @param sequence  Not modified.
     * @param used      per step: whether its loss term is backpropagated. Not modified.
     * @param divisor   the loss reduction's divisor: every gradient is of L = Σ J / divisor
     * @param gradients Modified: dV and dc.
     * @return outputHiddenGradients, {@code [loss steps, H]} ({@code [loss steps, 2H]} over a stack whose top layer
     *         concatenates its directions): row {@link SequenceTrajectory#lossRow}(t) is
     *         ∂(J(t)/divisor)/∂h_t through the output layer (zero for unused steps)
     */
    DMatrixRMaj backward(SequenceTrajectory sequence, boolean[] used, double divisor, ParameterGradients gradients) {
        DMatrixRMaj outputGradients = new DMatrixRMaj(sequence.lossSteps(), spec.outputSize());
        CommonOps_DDRM.subtract(sequence.outputs, sequence.targets, outputGradients);   // outputGradient_t = y_t − target_t
        CommonOps_DDRM.divide(outputGradients, divisor);                                 //                   / divisor
        for (int t = sequence.firstLossStep; t < sequence.length; t++) {
            if (!used[t]) {
                zeroRow(outputGradients, sequence.lossRow(t));                          // a loss truncation drops
            }
        }
        DMatrixRMaj lossHiddenStates = sequence.lossHiddenStates();
        CommonOps_DDRM.multAddTransA(outputGradients, lossHiddenStates, gradients.get(ParameterNames.V)); // dV += Gᵀ H_loss
        Matrices.addRowSums(outputGradients, gradients.get(ParameterNames.C));          // dc += Σ_t outputGradient_t
        DMatrixRMaj outputHiddenGradients = new DMatrixRMaj(sequence.lossSteps(), V.numCols);   // H, or the top layer's output size
        CommonOps_DDRM.mult(outputGradients, V, outputHiddenGradients);                  // row: (Vᵀ outputGradient_t)ᵀ
        return outputHiddenGradients;
    }

    /**
     * y = softmax(o) and J = −Σ_k y*_k log y_k, with log y_k = o_k − logsumexp(o) and
     * logsumexp(o) = max(o) + log Σ_k e^(o_k − max(o)), which neither overflows nor takes log 0.
     * All three are read or written in row {@code row}, one step's vector. Modified: that row of probabilities.
     * Not modified: logits, targets.
     *
     * @return J
     */
    static double softmaxCrossEntropy(DMatrixRMaj logits, DMatrixRMaj targets, DMatrixRMaj probabilities, int row) {
        int size = logits.numCols;
        int offset = row * size;
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < size; k++) {
            max = Math.max(max, logits.data[offset + k]);
        }
        double sumOfExponentials = 0;
        for (int k = 0; k < size; k++) {
            sumOfExponentials += Math.exp(logits.data[offset + k] - max);
        }
        double logSumExp = max + Math.log(sumOfExponentials);
        double loss = 0;
        for (int k = 0; k < size; k++) {
            double logProbability = logits.data[offset + k] - logSumExp;
            probabilities.data[offset + k] = Math.exp(logProbability);
            loss -= targets.data[offset + k] * logProbability;
        }
        return loss;
    }

    /**
     * y = σ(o) and J = −(y* log σ(o) + (1−y*) log(1−σ(o))) = y* softplus(−o) + (1−y*) softplus(o) for a single
     * logit o, the single element of row {@code row}. Modified: that row of probabilities. Not modified: logits,
     * targets.
     *
     * @return J
     */
    static double sigmoidCrossEntropy(DMatrixRMaj logits, DMatrixRMaj targets, DMatrixRMaj probabilities, int row) {
        double o = logits.data[row];
        double targetProbability = targets.data[row];
        probabilities.data[row] = sigmoid(o);
        return targetProbability * softplus(-o) + (1 - targetProbability) * softplus(o);
    }

    /** σ(z) = 1/(1 + e^(−z)), evaluated without overflow for either sign of z. */
    static double sigmoid(double z) {
        if (z >= 0) {
            return 1 / (1 + Math.exp(-z));
        }
        double exponential = Math.exp(z);
        return exponential / (1 + exponential);
    }

    /** softplus(z) = log(1 + e^z) = max(z, 0) + log1p(e^(−|z|)), exact for large |z|. */
    static double softplus(double z) {
        return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
    }

    private static void zeroRow(DMatrixRMaj matrix, int row) {
        java.util.Arrays.fill(matrix.data, row * matrix.numCols, (row + 1) * matrix.numCols, 0.0);
    }
}
