package org.bptt.reference;

import org.bptt.api.Parameters;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.mult.VectorVectorMult_DDRM;

/**
 * The weights of one gate of a gated cell (or of the GRU's candidate, or the LSTM's cell candidate), and the affine
 * map they make, in two parts:
 * <pre>
 *   input part      U_* x + b_*
 *   recurrent part  W_* h + b_h*
 * </pre>
 * A gate's pre-activation is their sum; the GRU's candidate applies its reset gate between them. An absent bias
 * (one bias vector, or none) is a zero column, so its term vanishes; its gradient is accumulated all the same and
 * left out of the result ({@link ParameterGradients}).
 *
 * <p>The gate copies its parameters on construction; the caller's tensors are never modified.
 */
final class GateWeights {

    /** The names of U_*, W_*, b_* and b_h*, under which the gradients accumulate. */
    private final String inputWeightsName;
    private final String recurrentWeightsName;
    private final String biasName;
    private final String recurrentBiasName;
    /** U_* {@code [H, d]}, W_* {@code [H, H]}, b_* and b_h* {@code [H, 1]}. */
    final DMatrixRMaj inputWeights;
    final DMatrixRMaj recurrentWeights;
    final DMatrixRMaj bias;
    final DMatrixRMaj recurrentBias;

    GateWeights(Parameters parameters, int hiddenSize, String inputWeightsName, String recurrentWeightsName,
                String biasName, String recurrentBiasName) {
        this.inputWeightsName = inputWeightsName;
        this.recurrentWeightsName = recurrentWeightsName;
        this.biasName = biasName;
        this.recurrentBiasName = recurrentBiasName;
        this.inputWeights = Matrices.matrix(parameters.get(inputWeightsName));
        this.recurrentWeights = Matrices.matrix(parameters.get(recurrentWeightsName));
        this.bias = Matrices.columnOrZeros(parameters.get(biasName), hiddenSize);
        this.recurrentBias = Matrices.columnOrZeros(parameters.get(recurrentBiasName), hiddenSize);
    }

    /** preActivation = U_* x + b_*. Modified: preActivation. Not modified: input. */
    void inputPart(DMatrixRMaj input, DMatrixRMaj preActivation) {
        CommonOps_DDRM.mult(inputWeights, input, preActivation);  // U_* x
        CommonOps_DDRM.addEquals(preActivation, bias);            //   + b_*
    }

    /** preActivation += W_* h + b_h*. Modified: preActivation. Not modified: hiddenState. */
    void addRecurrentPart(DMatrixRMaj hiddenState, DMatrixRMaj preActivation) {
        CommonOps_DDRM.multAdd(recurrentWeights, hiddenState, preActivation);  // + W_* h
        CommonOps_DDRM.addEquals(preActivation, recurrentBias);                // + b_h*
    }

    /** preActivation = U_* x + b_* + W_* h + b_h*. Modified: preActivation. */
    void preActivation(DMatrixRMaj input, DMatrixRMaj hiddenState, DMatrixRMaj preActivation) {
        inputPart(input, preActivation);
        addRecurrentPart(hiddenState, preActivation);
    }

    /**
     * The input part's share of the chain rule, given δ, the gradient reaching the input part:
     * <pre>
     *   dU_* += δ xᵀ
     *   db_* += δ
     *   inputGradient += U_*ᵀ δ
     * </pre>
     * Modified: gradients, inputGradient. Not modified: δ, input.
     */
    void backwardInputPart(DMatrixRMaj delta, DMatrixRMaj input, ParameterGradients gradients, DMatrixRMaj inputGradient) {
        VectorVectorMult_DDRM.addOuterProd(1.0, delta, input, gradients.get(inputWeightsName));   // dU_* += δ xᵀ
        CommonOps_DDRM.addEquals(gradients.get(biasName), delta);                                  // db_* += δ
        CommonOps_DDRM.multAddTransA(inputWeights, delta, inputGradient);                         // inputGradient += U_*ᵀ δ
    }

    /**
     * The recurrent part's share of the chain rule, given δ, the gradient reaching the recurrent part, and the state
     * h it was applied to:
     * <pre>
     *   dW_* += δ hᵀ
     *   db_h* += δ
     *   hiddenGradient += W_*ᵀ δ
     * </pre>
     * Modified: gradients, hiddenGradient. Not modified: δ, hiddenState.
     */
    void backwardRecurrentPart(DMatrixRMaj delta, DMatrixRMaj hiddenState, ParameterGradients gradients,
                               DMatrixRMaj hiddenGradient) {
        VectorVectorMult_DDRM.addOuterProd(1.0, delta, hiddenState, gradients.get(recurrentWeightsName));  // dW_* += δ hᵀ
        CommonOps_DDRM.addEquals(gradients.get(recurrentBiasName), delta);                                  // db_h* += δ
        CommonOps_DDRM.multAddTransA(recurrentWeights, delta, hiddenGradient);                             // hiddenGradient += W_*ᵀ δ
    }

    /** Both parts' shares: {@link #backwardInputPart} and {@link #backwardRecurrentPart}. */
    void backward(DMatrixRMaj delta, DMatrixRMaj input, DMatrixRMaj hiddenState, ParameterGradients gradients,
                  DMatrixRMaj inputGradient, DMatrixRMaj hiddenGradient) {
        backwardInputPart(delta, input, gradients, inputGradient);
        backwardRecurrentPart(delta, hiddenState, gradients, hiddenGradient);
    }
}
