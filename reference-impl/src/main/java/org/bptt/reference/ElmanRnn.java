package org.bptt.reference;

import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.ForwardResult;
import org.bptt.api.Head;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The Elman RNN's forward pass, shared by every reference algorithm:
 * <pre>
 *   a_t = U x_t + W h_{t-1} + b
 *   h_t = f(a_t)
 *   o_t = V h_t + c
 *   y_t = softmax(o_t)          (sigmoid(o_t) for {@link Head#LAST_STEP_SIGMOID})
 *   J(t) = −Σ_k y*_k log y_k    (binary cross-entropy −(y* log σ(o) + (1−y*) log(1−σ(o))) for the sigmoid head)
 *   L = Σ_b Σ_t J(b, t) / divisor,   divisor = {@link org.bptt.api.LossReduction#divisor}(B, number of loss terms)
 * </pre>
 * Each sequence runs from h_{-1} (the batch's initial state, or zero) up to its last unmasked step and stops there.
 * Outputs and losses are computed only at steps with a loss term: every step for {@link Head#PER_STEP_SOFTMAX}, the
 * last step otherwise. The products that do not depend on the recurrence, U x_t and V h_t, are done for every step
 * at once (one matrix product over the steps); the recurrence a_t = U x_t + W h_{t-1} + b runs step by step. Both losses are computed from the logits o_t so that they stay finite when y_t rounds to 0 or
 * 1: log y_k = o_k − logsumexp(o), log σ(o) = −softplus(−o), log(1 − σ(o)) = −softplus(o).
 *
 * <p>The model copies the parameters on construction; the caller's tensors are never modified.
 */
public final class ElmanRnn {

    private final ModelSpec spec;
    /** The equations' parameters as EJML matrices; b and c are zero columns when the spec has no biases. */
    final DMatrixRMaj U;
    final DMatrixRMaj W;
    final DMatrixRMaj b;
    final DMatrixRMaj V;
    final DMatrixRMaj c;

    /** A model with a copy of {@code parameters}, which must match {@code spec} (see {@link Parameters#validate}). */
    public ElmanRnn(ModelSpec spec, Parameters parameters) {
        this.spec = spec;
        this.U = Matrices.matrix(parameters.get(ParameterNames.U));
        this.W = Matrices.matrix(parameters.get(ParameterNames.W));
        this.V = Matrices.matrix(parameters.get(ParameterNames.V));
        this.b = spec.biases() ? Matrices.matrix(parameters.get(ParameterNames.B)) : new DMatrixRMaj(spec.hiddenSize(), 1);
        this.c = spec.biases() ? Matrices.matrix(parameters.get(ParameterNames.C)) : new DMatrixRMaj(spec.outputSize(), 1);
    }

    public ModelSpec spec() {
        return spec;
    }

    /** The divisor turning Σ J into L for this batch: {@code reduction.divisor(B, batch.lossTerms(head))}. */
    public double divisor(Batch batch) {
        return spec.reduction().divisor(batch.batchSize(), batch.lossTerms(spec.head()));
    }

    /**
     * The forward pass of every sequence of {@code batch}. Hidden states and outputs at masked steps are zero.
     *
     * @return h_t {@code [B, T, H]}, y_t ({@code [B, T, K]} per step, {@code [B, K]} for last-step heads) and L
     */
    public ForwardResult forward(Batch batch) {
        int batchSize = batch.batchSize();
        int steps = batch.steps();
        int hiddenSize = spec.hiddenSize();
        int outputSize = spec.outputSize();
        boolean lastStepOnly = spec.head().lastStepOnly();
        Tensor hiddenStates = Tensor.zeros(batchSize, steps, hiddenSize);
        Tensor outputs = lastStepOnly ? Tensor.zeros(batchSize, outputSize) : Tensor.zeros(batchSize, steps, outputSize);
        double lossSum = 0;
        for (int sequence = 0; sequence < batchSize; sequence++) {
            SequenceTrajectory trajectory = forward(batch, sequence);
            Matrices.copyInto(trajectory.hiddenStates, hiddenStates, hiddenStates.offset(sequence, 0, 0));
            int offset = lastStepOnly ? outputs.offset(sequence, 0) : outputs.offset(sequence, 0, 0);
            Matrices.copyInto(trajectory.outputs, outputs, offset);
            lossSum += trajectory.lossSum();
        }
        return new ForwardResult(hiddenStates, outputs, lossSum / divisor(batch));
    }

    /**
     * The forward pass of one sequence of {@code batch}, keeping everything the backward pass needs. The products
     * that do not depend on the recurrence are done for every step at once (row t of a matrix over steps is the
     * step-t vector, transposed); the recurrence itself runs step by step.
     */
    SequenceTrajectory forward(Batch batch, int sequence) {
        int inputSize = spec.inputSize();
        int hiddenSize = spec.hiddenSize();
        int outputSize = spec.outputSize();
        int length = batch.length(sequence);
        int firstLossStep = spec.head().lastStepOnly() ? length - 1 : 0;
        DMatrixRMaj initialState = batch.initialState() == null
                ? new DMatrixRMaj(hiddenSize, 1)
                : Matrices.column(batch.initialState(), batch.initialState().offset(sequence, 0), hiddenSize);
        DMatrixRMaj inputs = Matrices.rows(batch.inputs(), batch.inputs().offset(sequence, 0, 0), length, inputSize);

        DMatrixRMaj inputProjections = new DMatrixRMaj(length, hiddenSize);
        CommonOps_DDRM.multTransB(inputs, U, inputProjections);                      // row t: (U x_t)ᵀ, every step at once
        DMatrixRMaj hiddenStates = new DMatrixRMaj(length, hiddenSize);
        DMatrixRMaj preActivation = new DMatrixRMaj(hiddenSize, 1);                  // a_t, a workspace reused at every step
        DMatrixRMaj hiddenState = new DMatrixRMaj(hiddenSize, 1);                    // h_t, likewise
        DMatrixRMaj previousHiddenState = initialState.copy();                       // h_{t-1}
        for (int t = 0; t < length; t++) {
            Matrices.getRow(inputProjections, t, preActivation);                     // a_t = U x_t
            CommonOps_DDRM.multAdd(W, previousHiddenState, preActivation);           //     + W h_{t-1}
            CommonOps_DDRM.addEquals(preActivation, b);                              //     + b
            apply(spec.activation(), preActivation, hiddenState);                    // h_t = f(a_t)
            Matrices.setRow(hiddenStates, t, hiddenState);
            previousHiddenState.setTo(hiddenState);
        }

        DMatrixRMaj lossHiddenStates = CommonOps_DDRM.extract(hiddenStates, firstLossStep, length, 0, hiddenSize);
        DMatrixRMaj logits = new DMatrixRMaj(length - firstLossStep, outputSize);
        CommonOps_DDRM.multTransB(lossHiddenStates, V, logits);                     // row: (V h_t)ᵀ, every loss step at once
        Matrices.addToEveryRow(logits, c);                                          //     + cᵀ
        DMatrixRMaj targets = targets(batch, sequence, firstLossStep, length);
        DMatrixRMaj outputs = new DMatrixRMaj(logits.numRows, outputSize);
        double[] lossTerms = new double[length];
        for (int row = 0; row < logits.numRows; row++) {
            lossTerms[firstLossStep + row] = spec.head() == Head.LAST_STEP_SIGMOID
                    ? sigmoidCrossEntropy(logits, targets, outputs, row)                // y_t = σ(o_t), J(t)
                    : softmaxCrossEntropy(logits, targets, outputs, row);               // y_t = softmax(o_t), J(t)
        }
        return new SequenceTrajectory(length, firstLossStep, initialState, inputs, hiddenStates, outputs, targets,
                lossTerms);
    }

    /** The targets of the loss steps firstLossStep … length−1 of one sequence, one per row. */
    private DMatrixRMaj targets(Batch batch, int sequence, int firstLossStep, int length) {
        Tensor targets = batch.targets();
        int offset = spec.head().lastStepOnly() ? targets.offset(sequence, 0) : targets.offset(sequence, firstLossStep, 0);
        return Matrices.rows(targets, offset, length - firstLossStep, spec.outputSize());
    }

    /** hiddenState = f(preActivation), elementwise. Modified: hiddenState. Not modified: preActivation. */
    static void apply(Activation activation, DMatrixRMaj preActivation, DMatrixRMaj hiddenState) {
        for (int i = 0; i < preActivation.getNumElements(); i++) {
            hiddenState.data[i] = activation.apply(preActivation.data[i]);
        }
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
}
