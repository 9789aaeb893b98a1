package org.bptt.reference.mistakes;

import static org.bptt.reference.mistakes.ElmanMistake.AVERAGED_TWICE;
import static org.bptt.reference.mistakes.ElmanMistake.BIAS_GRADIENT_OVERWRITTEN;
import static org.bptt.reference.mistakes.ElmanMistake.DERIVATIVE_OF_PRE_ACTIVATION;
import static org.bptt.reference.mistakes.ElmanMistake.FUTURE_GRADIENT_DROPPED;
import static org.bptt.reference.mistakes.ElmanMistake.HIDDEN_BIAS_GRADIENT_LOST;
import static org.bptt.reference.mistakes.ElmanMistake.INITIAL_STATE_IGNORED;
import static org.bptt.reference.mistakes.ElmanMistake.INPUT_GRADIENT_NOT_PROPAGATED;
import static org.bptt.reference.mistakes.ElmanMistake.LOSS_AVERAGED_WHERE_SUMMED;
import static org.bptt.reference.mistakes.ElmanMistake.OUTPUT_BIAS_GRADIENT_LOST;
import static org.bptt.reference.mistakes.ElmanMistake.OUTPUT_GRADIENT_SIGN;
import static org.bptt.reference.mistakes.ElmanMistake.PADDED_STEPS_COUNTED;
import static org.bptt.reference.mistakes.ElmanMistake.RECURRENT_GRADIENT_WITH_CURRENT_STATE;
import static org.bptt.reference.mistakes.ElmanMistake.RECURRENT_WEIGHTS_NOT_TRANSPOSED;
import static org.bptt.reference.mistakes.ElmanMistake.TANH_DERIVATIVE_WITHOUT_SQUARE;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Results;
import org.bptt.api.Tensor;

/**
 * Full BPTT of a one-layer Elman network, written as min-char-rnn writes it (one forward loop, one reversed loop,
 * one equation per line), with each catalogued {@link ElmanMistake} a flag that changes its one line. Without flags it
 * is the exact computation (a test holds it to the reference). Per sequence, for t = 0 … length−1:
 * <pre>
 *   a_t = U x_t + W h_{t−1} + b,   h_t = f(a_t),   o_t = V h_t + c,   y_t = softmax(o_t)  (σ for the sigmoid head)
 *   L = Σ J_t / divisor
 * </pre>
 * and backwards, for t = length−1 … 0,
 * <pre>
 *   dL/do_t = (y_t − y*_t) / divisor                 (at loss steps)
 *   dL/dh_t = Vᵀ dL/do_t + Wᵀ dL/da_{t+1}
 *   dL/da_t = f'(a_t) ⊙ dL/dh_t
 *   dL/dU += dL/da_t x_tᵀ,  dL/dW += dL/da_t h_{t−1}ᵀ,  dL/db += dL/da_t,  dL/dx_t = Uᵀ dL/da_t
 * </pre>
 * Plain double arrays: the cases it serves are small, and readability is the point.
 */
final class MistakenElmanBptt {

    private final ModelSpec spec;
    private final Set<ElmanMistake> mistakes;
    private final double[][] u;
    private final double[][] w;
    private final double[] b;
    private final double[][] v;
    private final double[] c;

    /** @param mistakes the lines done wrongly; empty for the exact computation */
    MistakenElmanBptt(ModelSpec spec, Parameters parameters, Set<ElmanMistake> mistakes) {
        this.spec = spec;
        this.mistakes = mistakes.isEmpty() ? EnumSet.noneOf(ElmanMistake.class) : EnumSet.copyOf(mistakes);
        int hidden = spec.hiddenSize();
        this.u = matrix(parameters.get(ParameterNames.U));
        this.w = matrix(parameters.get(ParameterNames.W));
        this.b = spec.biases() ? parameters.get(ParameterNames.B).data().clone() : new double[hidden];
        this.v = matrix(parameters.get(ParameterNames.V));
        this.c = spec.biases() ? parameters.get(ParameterNames.C).data().clone() : new double[spec.outputSize()];
    }

    /** The forward pass and the gradients as computed with the mistakes. */
    Results run(Batch batch) {
        int batchSize = batch.batchSize();
        int steps = batch.steps();
        int d = spec.inputSize();
        int hiddenSize = spec.hiddenSize();
        int k = spec.outputSize();
        boolean lastStepHead = spec.head().lastStepOnly();

        Tensor hiddenStates = Tensor.zeros(batchSize, steps, hiddenSize);
        Tensor outputs = lastStepHead ? Tensor.zeros(batchSize, k) : Tensor.zeros(batchSize, steps, k);
        Tensor inputGradients = Tensor.zeros(batchSize, steps, d);
        Tensor initialStateGradients = Tensor.zeros(batchSize, hiddenSize);
        Tensor hiddenStateGradients = Tensor.zeros(batchSize, steps, hiddenSize);
        double[][] dU = new double[hiddenSize][d];
        double[][] dW = new double[hiddenSize][hiddenSize];
        double[] db = new double[hiddenSize];
        double[][] dV = new double[k][hiddenSize];
        double[] dc = new double[k];

        int[] lengths = new int[batchSize];
        int lossTerms = 0;
        for (int sequence = 0; sequence < batchSize; sequence++) {
            lengths[sequence] = mistakes.contains(PADDED_STEPS_COUNTED) ? steps : batch.length(sequence);
            lossTerms += lastStepHead ? 1 : lengths[sequence];
        }
        double divisor = divisor(batchSize, lossTerms);

        double summedLoss = 0;
        for (int sequence = 0; sequence < batchSize; sequence++) {
            int length = lengths[sequence];
            // forward
            double[][] x = new double[length][];
            double[][] a = new double[length][];
            double[][] h = new double[length][];
            double[] initialState = initialState(batch, sequence);
            for (int t = 0; t < length; t++) {
                x[t] = row(batch.inputs(), sequence, t);
                double[] previous = t == 0 ? initialState : h[t - 1];
                a[t] = add(add(multiply(u, x[t]), multiply(w, previous)), b);   // a_t = U x_t + W h_{t−1} + b
                h[t] = new double[hiddenSize];
                for (int i = 0; i < hiddenSize; i++) {
                    h[t][i] = spec.activation().apply(a[t][i]);                  // h_t = f(a_t)
                }
                setRow(hiddenStates, h[t], sequence, t);
            }
            double[][] outputGradient = new double[length][];                  // dL/do_t, null where no loss
            for (int t = lastStepHead ? length - 1 : 0; t < length; t++) {
                double[] o = add(multiply(v, h[t]), c);                          // o_t = V h_t + c
                double[] target = lastStepHead ? row(batch.targets(), sequence) : row(batch.targets(), sequence, t);
                double[] y = new double[k];
                summedLoss += spec.head() == Head.LAST_STEP_SIGMOID ? sigmoidCrossEntropy(o, target, y)
                        : softmaxCrossEntropy(o, target, y);                     // y_t, J_t
                if (lastStepHead) {
                    setRow(outputs, y, sequence);
                } else {
                    setRow(outputs, y, sequence, t);
                }
                outputGradient[t] = new double[k];
                for (int j = 0; j < k; j++) {
                    double error = mistakes.contains(OUTPUT_GRADIENT_SIGN) ? target[j] - y[j] : y[j] - target[j];
                    outputGradient[t][j] = error / divisor;                      // dL/do_t = (y_t − y*_t) / divisor
                }
            }
            // backward
            double[] fromNext = new double[hiddenSize];                          // Wᵀ dL/da_{t+1}
            for (int t = length - 1; t >= 0; t--) {
                double[] hiddenGradient = mistakes.contains(FUTURE_GRADIENT_DROPPED) ? new double[hiddenSize] : fromNext.clone();
                if (outputGradient[t] != null) {
                    addOuterProduct(dV, outputGradient[t], h[t]);                // dL/dV += dL/do_t h_tᵀ
                    if (!mistakes.contains(OUTPUT_BIAS_GRADIENT_LOST)) {
                        addTo(dc, outputGradient[t]);                            // dL/dc += dL/do_t
                    }
                    addTo(hiddenGradient, multiplyTransposed(v, outputGradient[t]));   // dL/dh_t = Vᵀ dL/do_t + …
                }
                setRow(hiddenStateGradients, hiddenGradient, sequence, t);
                double[] preActivationGradient = new double[hiddenSize];
                for (int i = 0; i < hiddenSize; i++) {
                    preActivationGradient[i] = activationDerivative(a[t][i], h[t][i]) * hiddenGradient[i];  // dL/da_t
                }
                double[] previous = t == 0 ? initialState : h[t - 1];
                addOuterProduct(dU, preActivationGradient, x[t]);                // dL/dU += dL/da_t x_tᵀ
                addOuterProduct(dW, preActivationGradient,
                        mistakes.contains(RECURRENT_GRADIENT_WITH_CURRENT_STATE) ? h[t] : previous);  // dL/dW += dL/da_t h_{t−1}ᵀ
                if (!mistakes.contains(HIDDEN_BIAS_GRADIENT_LOST) && (!mistakes.contains(BIAS_GRADIENT_OVERWRITTEN) || t == 0)) {
                    addTo(db, preActivationGradient);                            // dL/db += dL/da_t
                }
                if (!mistakes.contains(INPUT_GRADIENT_NOT_PROPAGATED)) {
                    setRow(inputGradients, multiplyTransposed(u, preActivationGradient), sequence, t);  // dL/dx_t = Uᵀ dL/da_t
                }
                fromNext = mistakes.contains(RECURRENT_WEIGHTS_NOT_TRANSPOSED) ? multiply(w, preActivationGradient)
                        : multiplyTransposed(w, preActivationGradient);          // Wᵀ dL/da_t, to h_{t−1}
            }
            setRow(initialStateGradients, fromNext, sequence);                   // dL/dh_{-1}
        }
        double loss = summedLoss / divisor;

        Map<String, Tensor> gradients = new LinkedHashMap<>();
        gradients.put(ParameterNames.U, tensor(dU));
        gradients.put(ParameterNames.W, tensor(dW));
        if (spec.biases()) {
            gradients.put(ParameterNames.B, Tensor.of(db, hiddenSize));
        }
        gradients.put(ParameterNames.V, tensor(dV));
        if (spec.biases()) {
            gradients.put(ParameterNames.C, Tensor.of(dc, k));
        }
        ForwardResult forward = new ForwardResult(hiddenStates, outputs, loss);
        GradientResult gradientResult = new GradientResult(loss, new Parameters(gradients), inputGradients,
                initialStateGradients, hiddenStateGradients);
        return new Results(forward, gradientResult);
    }

    /** The divisor of the summed loss: the spec's, or what a mistaken reduction makes of it. */
    private double divisor(int batchSize, int lossTerms) {
        double divisor = spec.reduction().divisor(batchSize, lossTerms);
        if (mistakes.contains(LOSS_AVERAGED_WHERE_SUMMED) && spec.reduction() == LossReduction.SUM) {
            divisor = lossTerms;
        }
        if (mistakes.contains(AVERAGED_TWICE)) {
            divisor *= spec.reduction().divisor(batchSize, lossTerms);
        }
        return divisor;
    }

    /** f'(a_t), which the exact computation reads from h_t = f(a_t). */
    private double activationDerivative(double preActivation, double output) {
        if (mistakes.contains(TANH_DERIVATIVE_WITHOUT_SQUARE) && spec.activation() == Activation.TANH) {
            return 1 - output;
        }
        if (mistakes.contains(DERIVATIVE_OF_PRE_ACTIVATION)) {
            return spec.activation().derivativeFromOutput(preActivation);
        }
        return spec.activation().derivativeFromOutput(output);
    }

    private double[] initialState(Batch batch, int sequence) {
        if (batch.initialState() == null || mistakes.contains(INITIAL_STATE_IGNORED)) {
            return new double[spec.hiddenSize()];
        }
        return row(batch.initialState(), sequence);
    }

    /** y = softmax(o) and J = −Σ y* log y, with log y = o − logsumexp(o). Modified: y. */
    private static double softmaxCrossEntropy(double[] o, double[] target, double[] y) {
        double max = Double.NEGATIVE_INFINITY;
        for (double value : o) {
            max = Math.max(max, value);
        }
        double sum = 0;
        for (double value : o) {
            sum += Math.exp(value - max);
        }
        double logSumExp = max + Math.log(sum);
        double loss = 0;
        for (int j = 0; j < o.length; j++) {
            y[j] = Math.exp(o[j] - logSumExp);
            loss -= target[j] * (o[j] - logSumExp);
        }
        return loss;
    }

    /** y = σ(o) and J = y* softplus(−o) + (1 − y*) softplus(o) for the single logit. Modified: y. */
    private static double sigmoidCrossEntropy(double[] o, double[] target, double[] y) {
        y[0] = 1 / (1 + Math.exp(-o[0]));
        return target[0] * softplus(-o[0]) + (1 - target[0]) * softplus(o[0]);
    }

    private static double softplus(double z) {
        return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
    }

    private static double[][] matrix(Tensor tensor) {
        double[][] matrix = new double[tensor.size(0)][tensor.size(1)];
        for (int i = 0; i < matrix.length; i++) {
            System.arraycopy(tensor.data(), i * matrix[i].length, matrix[i], 0, matrix[i].length);
        }
        return matrix;
    }

    private static Tensor tensor(double[][] matrix) {
        int columns = matrix[0].length;
        double[] data = new double[matrix.length * columns];
        for (int i = 0; i < matrix.length; i++) {
            System.arraycopy(matrix[i], 0, data, i * columns, columns);
        }
        return Tensor.of(data, matrix.length, columns);
    }

    /** The last dimension's vector at {@code index} (all but the last index given). */
    private static double[] row(Tensor tensor, int... index) {
        int size = tensor.size(tensor.rank() - 1);
        int offset = tensor.offset(Arrays.copyOf(index, tensor.rank()));
        return Arrays.copyOfRange(tensor.data(), offset, offset + size);
    }

    private static void setRow(Tensor tensor, double[] values, int... index) {
        int offset = tensor.offset(Arrays.copyOf(index, tensor.rank()));
        System.arraycopy(values, 0, tensor.data(), offset, values.length);
    }

    private static double[] multiply(double[][] matrix, double[] vector) {
        double[] result = new double[matrix.length];
        for (int i = 0; i < matrix.length; i++) {
            for (int j = 0; j < vector.length; j++) {
                result[i] += matrix[i][j] * vector[j];
            }
        }
        return result;
    }

    private static double[] multiplyTransposed(double[][] matrix, double[] vector) {
        double[] result = new double[matrix[0].length];
        for (int i = 0; i < matrix.length; i++) {
            for (int j = 0; j < result.length; j++) {
                result[j] += matrix[i][j] * vector[i];
            }
        }
        return result;
    }

    private static double[] add(double[] left, double[] right) {
        double[] sum = left.clone();
        addTo(sum, right);
        return sum;
    }

    /** Modified: target. */
    private static void addTo(double[] target, double[] values) {
        for (int i = 0; i < target.length; i++) {
            target[i] += values[i];
        }
    }

    /** target += column rowᵀ. Modified: target. */
    private static void addOuterProduct(double[][] target, double[] column, double[] row) {
        for (int i = 0; i < column.length; i++) {
            for (int j = 0; j < row.length; j++) {
                target[i][j] += column[i] * row[j];
            }
        }
    }
}
