package org.bptt.reference.language;

import org.bptt.api.Activation;
import org.bptt.api.LanguageModelGradients;
import org.bptt.api.LanguageModelParameters;
import org.bptt.api.TokenBatch;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.mult.VectorVectorMult_DDRM;

/**
 * Backpropagation through time for the RNN language model ({@link RnnLanguageModel}), one backward sweep per
 * sequence from its last step, every line one term of the chain rule (as {@code AggregatedBptt} and Karpathy's
 * min-char-rnn). With N the number of predicted tokens of the batch and x_{t+1} the token step t predicts:
 * <pre>
 *   outputGradient_t        = (ŷ_t − onehot(x_{t+1})) / N               ∂L/∂o_t
 *   dU  += outputGradient_t h_tᵀ
 *   db₂ += outputGradient_t
 *   hiddenGradient          = Uᵀ outputGradient_t + hiddenGradientFromNext   ∂L/∂h_t, from J_t and every later J
 *   preActivationGradient   = f'(z_t) ⊙ hiddenGradient                  ∂L/∂z_t
 *   dW_h += preActivationGradient h_{t-1}ᵀ
 *   dW_e += preActivationGradient e_tᵀ
 *   db₁  += preActivationGradient
 *   column x_t of dL += W_eᵀ preActivationGradient                      ∂L/∂e_t, into the input token's column only
 *   hiddenGradientFromNext  = W_hᵀ preActivationGradient                what flows on to h_{t-1}
 * </pre>
 * The embedding gradient is the sparse update of e_t = L x_t: dL = Σ_t (∂L/∂e_t) x_tᵀ, and x_tᵀ picks one column,
 * so the product with the one-hot vector is never formed; columns of tokens that are never an input stay zero.
 * Workspaces are allocated once per call; the sweep allocates nothing per step.
 */
public final class LanguageModelBptt {

    private LanguageModelBptt() {
    }

    /** The loss and its exact gradients by full BPTT. */
    public static LanguageModelGradients gradients(RnnLanguageModel model, TokenBatch batch) {
        int embeddingSize = model.spec().embeddingSize();
        int hiddenSize = model.spec().hiddenSize();
        int vocabularySize = model.spec().vocabularySize();
        double divisor = batch.predictedTokens();
        Accumulators gradients = new Accumulators(model);
        Workspace workspace = new Workspace(embeddingSize, hiddenSize, vocabularySize);
        double lossSum = 0;
        for (int[] tokens : batch.sequences()) {
            LanguageModelTrajectory trajectory = model.forward(tokens);
            lossSum += trajectory.lossSum();
            backwardSweep(model, trajectory, divisor, gradients, workspace);
        }
        return new LanguageModelGradients(lossSum / divisor, gradients.result());
    }

    /**
     * One backward sweep over a sequence, from its last step to step 0.
     *
     * @param sequence  Not modified.
     * @param divisor   N: every gradient is of L = Σ J / N
     * @param gradients Modified: every accumulator gains this sequence's contribution.
     * @param workspace Modified.
     */
    static void backwardSweep(RnnLanguageModel model, LanguageModelTrajectory sequence, double divisor,
                              Accumulators gradients, Workspace workspace) {
        Activation activation = model.spec().activation();
        DMatrixRMaj outputGradient = workspace.outputGradient;
        DMatrixRMaj hiddenState = workspace.hiddenState;
        DMatrixRMaj previousHiddenState = workspace.previousHiddenState;
        DMatrixRMaj embedding = workspace.embedding;
        DMatrixRMaj hiddenGradient = workspace.hiddenGradient;
        DMatrixRMaj hiddenGradientFromNext = workspace.hiddenGradientFromNext;
        DMatrixRMaj preActivationGradient = workspace.preActivationGradient;
        DMatrixRMaj embeddingGradient = workspace.embeddingGradient;
        hiddenGradientFromNext.zero();                                                   // nothing flows back from beyond the last step
        for (int t = sequence.steps - 1; t >= 0; t--) {
            RnnLanguageModel.row(sequence.hiddenStates, t, hiddenState);                 // h_t
            previousHiddenState(sequence, t, previousHiddenState);                       // h_{t-1}
            RnnLanguageModel.row(sequence.embeddings, t, embedding);                     // e_t
            RnnLanguageModel.row(sequence.probabilities, t, outputGradient);             // outputGradient_t = ŷ_t
            outputGradient.data[sequence.target(t)] -= 1.0;                               //     − onehot(x_{t+1})
            CommonOps_DDRM.divide(outputGradient, divisor);                               //     / N
            VectorVectorMult_DDRM.addOuterProd(1.0, outputGradient, hiddenState, gradients.dU);  // dU += outputGradient_t h_tᵀ
            CommonOps_DDRM.addEquals(gradients.db2, outputGradient);                      // db₂ += outputGradient_t
            CommonOps_DDRM.multTransA(model.U, outputGradient, hiddenGradient);           // hiddenGradient = Uᵀ outputGradient_t
            CommonOps_DDRM.addEquals(hiddenGradient, hiddenGradientFromNext);              //     + hiddenGradientFromNext
            activationDerivative(activation, hiddenState, preActivationGradient);         // preActivationGradient = f'(z_t)
            CommonOps_DDRM.elementMult(preActivationGradient, hiddenGradient);            //     ⊙ hiddenGradient
            VectorVectorMult_DDRM.addOuterProd(1.0, preActivationGradient, previousHiddenState, gradients.dWh); // dW_h += … h_{t-1}ᵀ
            VectorVectorMult_DDRM.addOuterProd(1.0, preActivationGradient, embedding, gradients.dWe);           // dW_e += … e_tᵀ
            CommonOps_DDRM.addEquals(gradients.db1, preActivationGradient);               // db₁ += preActivationGradient
            CommonOps_DDRM.multTransA(model.We, preActivationGradient, embeddingGradient); // ∂L/∂e_t = W_eᵀ preActivationGradient
            addToColumn(gradients.dL, sequence.input(t), embeddingGradient);              // column x_t of dL += ∂L/∂e_t
            CommonOps_DDRM.multTransA(model.Wh, preActivationGradient, hiddenGradientFromNext); // hiddenGradientFromNext = W_hᵀ preActivationGradient
        }
    }

    /** target = h_{t-1}: row t−1 of the hidden states, or h_{-1} = 0 for t = 0. Modified: target. */
    private static void previousHiddenState(LanguageModelTrajectory sequence, int t, DMatrixRMaj target) {
        if (t == 0) {
            target.zero();
        } else {
            RnnLanguageModel.row(sequence.hiddenStates, t - 1, target);
        }
    }

    /** derivative = f'(z_t), elementwise, from h_t = f(z_t). Modified: derivative. Not modified: hiddenState. */
    private static void activationDerivative(Activation activation, DMatrixRMaj hiddenState, DMatrixRMaj derivative) {
        for (int i = 0; i < hiddenState.getNumElements(); i++) {
            derivative.data[i] = activation.derivativeFromOutput(hiddenState.data[i]);
        }
    }

    /** Column {@code column} of matrix += vector. Modified: matrix. Not modified: vector. */
    private static void addToColumn(DMatrixRMaj matrix, int column, DMatrixRMaj vector) {
        for (int row = 0; row < matrix.numRows; row++) {
            matrix.data[row * matrix.numCols + column] += vector.data[row];
        }
    }

    /** The gradient accumulators, in the parameters' shapes; zero when made. */
    static final class Accumulators {
        final DMatrixRMaj dL;
        final DMatrixRMaj dWe;
        final DMatrixRMaj dWh;
        final DMatrixRMaj db1;
        final DMatrixRMaj dU;
        final DMatrixRMaj db2;

        Accumulators(RnnLanguageModel model) {
            dL = new DMatrixRMaj(model.L.numRows, model.L.numCols);
            dWe = new DMatrixRMaj(model.We.numRows, model.We.numCols);
            dWh = new DMatrixRMaj(model.Wh.numRows, model.Wh.numCols);
            db1 = new DMatrixRMaj(model.b1.numRows, 1);
            dU = new DMatrixRMaj(model.U.numRows, model.U.numCols);
            db2 = new DMatrixRMaj(model.b2.numRows, 1);
        }

        LanguageModelParameters result() {
            return new LanguageModelParameters(
                    RnnLanguageModel.tensor(dL, dL.numRows, dL.numCols),
                    RnnLanguageModel.tensor(dWe, dWe.numRows, dWe.numCols),
                    RnnLanguageModel.tensor(dWh, dWh.numRows, dWh.numCols),
                    RnnLanguageModel.tensor(db1, db1.numRows),
                    RnnLanguageModel.tensor(dU, dU.numRows, dU.numCols),
                    RnnLanguageModel.tensor(db2, db2.numRows));
        }
    }

    /** The backward sweep's vectors, allocated once per call. */
    static final class Workspace {
        /** ∂L/∂o_t, {@code [|V|, 1]}. */
        final DMatrixRMaj outputGradient;
        /** h_t, {@code [H, 1]}. */
        final DMatrixRMaj hiddenState;
        /** h_{t-1}, {@code [H, 1]}. */
        final DMatrixRMaj previousHiddenState;
        /** e_t, {@code [E, 1]}. */
        final DMatrixRMaj embedding;
        /** ∂L/∂h_t, {@code [H, 1]}. */
        final DMatrixRMaj hiddenGradient;
        /** What step t+1 sends back to h_t, {@code [H, 1]}. */
        final DMatrixRMaj hiddenGradientFromNext;
        /** ∂L/∂z_t, {@code [H, 1]}. */
        final DMatrixRMaj preActivationGradient;
        /** ∂L/∂e_t, {@code [E, 1]}. */
        final DMatrixRMaj embeddingGradient;

        Workspace(int embeddingSize, int hiddenSize, int vocabularySize) {
            outputGradient = new DMatrixRMaj(vocabularySize, 1);
            hiddenState = new DMatrixRMaj(hiddenSize, 1);
            previousHiddenState = new DMatrixRMaj(hiddenSize, 1);
            embedding = new DMatrixRMaj(embeddingSize, 1);
            hiddenGradient = new DMatrixRMaj(hiddenSize, 1);
            hiddenGradientFromNext = new DMatrixRMaj(hiddenSize, 1);
            preActivationGradient = new DMatrixRMaj(hiddenSize, 1);
            embeddingGradient = new DMatrixRMaj(embeddingSize, 1);
        }
    }
}
