package org.bptt.reference;

import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.ForwardResult;
import org.bptt.api.Head;
import org.bptt.api.ModelSpec;
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
 * last step otherwise. Both losses are computed from the logits o_t so that they stay finite when y_t rounds to 0 or
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
        this.U = Matrices.matrix(parameters.U());
        this.W = Matrices.matrix(parameters.W());
        this.V = Matrices.matrix(parameters.V());
        this.b = spec.biases() ? Matrices.matrix(parameters.b()) : new DMatrixRMaj(spec.hiddenSize(), 1);
        this.c = spec.biases() ? Matrices.matrix(parameters.c()) : new DMatrixRMaj(spec.outputSize(), 1);
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
            for (int t = 0; t < trajectory.length; t++) {
                Matrices.copyInto(trajectory.hiddenStates[t], hiddenStates, hiddenStates.offset(sequence, t, 0));
                if (trajectory.hasLoss(t)) {
                    int offset = lastStepOnly ? outputs.offset(sequence, 0) : outputs.offset(sequence, t, 0);
                    Matrices.copyInto(trajectory.outputs[t], outputs, offset);
                }
            }
            lossSum += trajectory.lossSum();
        }
        return new ForwardResult(hiddenStates, outputs, lossSum / divisor(batch));
    }

    /** The forward pass of one sequence of {@code batch}, keeping everything the backward pass needs. */
    SequenceTrajectory forward(Batch batch, int sequence) {
        int inputSize = spec.inputSize();
        int hiddenSize = spec.hiddenSize();
        int outputSize = spec.outputSize();
        int length = batch.length(sequence);
        DMatrixRMaj initialState = batch.initialState() == null
                ? new DMatrixRMaj(hiddenSize, 1)
                : Matrices.column(batch.initialState(), batch.initialState().offset(sequence, 0), hiddenSize);
        SequenceTrajectory trajectory = new SequenceTrajectory(length, initialState);
        DMatrixRMaj preActivation = new DMatrixRMaj(hiddenSize, 1);   // a_t, a workspace reused at every step
        DMatrixRMaj logits = new DMatrixRMaj(outputSize, 1);          // o_t, likewise
        for (int t = 0; t < length; t++) {
            DMatrixRMaj input = Matrices.column(batch.inputs(), batch.inputs().offset(sequence, t, 0), inputSize);
            DMatrixRMaj hiddenState = new DMatrixRMaj(hiddenSize, 1);
            CommonOps_DDRM.mult(U, input, preActivation);                                     // a_t = U x_t
            CommonOps_DDRM.multAdd(W, trajectory.previousHiddenState(t), preActivation);      //     + W h_{t-1}
            CommonOps_DDRM.addEquals(preActivation, b);                                       //     + b
            apply(spec.activation(), preActivation, hiddenState);                             // h_t = f(a_t)
            trajectory.inputs[t] = input;
            trajectory.hiddenStates[t] = hiddenState;
            DMatrixRMaj target = target(batch, sequence, t, length);
            if (target != null) {
                DMatrixRMaj output = new DMatrixRMaj(outputSize, 1);
                CommonOps_DDRM.mult(V, hiddenState, logits);                                  // o_t = V h_t
                CommonOps_DDRM.addEquals(logits, c);                                          //     + c
                trajectory.lossTerms[t] = spec.head() == Head.LAST_STEP_SIGMOID
                        ? sigmoidCrossEntropy(logits, target, output)                         // y_t = σ(o_t), J(t)
                        : softmaxCrossEntropy(logits, target, output);                        // y_t = softmax(o_t), J(t)
                trajectory.outputs[t] = output;
                trajectory.targets[t] = target;
            }
        }
        return trajectory;
    }

    /** The target of step t as a column, or null when step t has no loss term under the head. */
    private DMatrixRMaj target(Batch batch, int sequence, int t, int length) {
        Tensor targets = batch.targets();
        int outputSize = spec.outputSize();
        if (spec.head().lastStepOnly()) {
            return t == length - 1 ? Matrices.column(targets, targets.offset(sequence, 0), outputSize) : null;
        }
        return Matrices.column(targets, targets.offset(sequence, t, 0), outputSize);
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
     * Modified: probabilities. Not modified: logits, target.
     *
     * @return J
     */
    static double softmaxCrossEntropy(DMatrixRMaj logits, DMatrixRMaj target, DMatrixRMaj probabilities) {
        double max = CommonOps_DDRM.elementMax(logits);
        double sumOfExponentials = 0;
        for (int k = 0; k < logits.getNumElements(); k++) {
            sumOfExponentials += Math.exp(logits.data[k] - max);
        }
        double logSumExp = max + Math.log(sumOfExponentials);
        double loss = 0;
        for (int k = 0; k < logits.getNumElements(); k++) {
            double logProbability = logits.data[k] - logSumExp;
            probabilities.data[k] = Math.exp(logProbability);
            loss -= target.data[k] * logProbability;
        }
        return loss;
    }

    /**
     * y = σ(o) and J = −(y* log σ(o) + (1−y*) log(1−σ(o))) = y* softplus(−o) + (1−y*) softplus(o) for a single
     * logit o. Modified: probability. Not modified: logit, target.
     *
     * @return J
     */
    static double sigmoidCrossEntropy(DMatrixRMaj logit, DMatrixRMaj target, DMatrixRMaj probability) {
        double o = logit.data[0];
        double targetProbability = target.data[0];
        probability.data[0] = sigmoid(o);
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
