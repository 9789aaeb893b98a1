package org.bptt.reference;

import java.util.Arrays;
import java.util.Map;
import org.bptt.api.Activation;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;

/**
 * The Elman cell in {@link FastAggregatedBptt}, in row form (h_t, x_t as rows): z_t = x_t Uᵀ + h_{t-1} Wᵀ,
 * h_t = f(z_t + b); backward, with g_t the gradient reaching h_t, δ_t = f'(a_t) ⊙ g_t (the rest is
 * {@link FastRecurrence}'s).
 */
final class FastElmanRecurrence extends FastRecurrence {

    private final Activation activation;
    /** b {@code [H]}; zeros without biases. */
    private final double[] b;

    FastElmanRecurrence(ModelSpec spec, Parameters parameters) {
        super(spec.inputSize(), spec.hiddenSize(), spec.hiddenSize(), parameters.get(ParameterNames.U).data().clone(),
                parameters.get(ParameterNames.W).data().clone());
        this.activation = spec.activation();
        this.b = spec.biases() ? parameters.get(ParameterNames.B).data().clone() : new double[hiddenSize];
    }

    @Override
    boolean hasCellState() {
        return false;
    }

    @Override
    void step(FastSequence sequence, int t, double[] preActivations, int at) {
        for (int i = 0; i < hiddenSize; i++) {
            sequence.hiddenStates[t * hiddenSize + i] = activation.apply(preActivations[at + i] + b[i]);
        }
    }

    /**
     * δ_t = f'(a_t) ⊙ g_t, f' from the output as {@link Activation#derivativeFromOutput} computes it, the same
     * expression with the activation chosen once instead of per element (so the JIT compiler vectorises the loop).
     */
    @Override
    void stepBackward(FastSequence sequence, int t, double[] hiddenGradients, int at, double[] sums, int extraOffset) {
        double[] hidden = sequence.hiddenStates;
        double[] deltas = sequence.preActivationGradients;
        int row = t * hiddenSize;
        switch (activation) {
            case TANH -> {
                for (int i = 0; i < hiddenSize; i++) {
                    double h = hidden[row + i];
                    deltas[row + i] = (1.0 - h * h) * hiddenGradients[at + i];
                }
            }
            case SIGMOID -> {
                for (int i = 0; i < hiddenSize; i++) {
                    double h = hidden[row + i];
                    deltas[row + i] = h * (1.0 - h) * hiddenGradients[at + i];
                }
            }
            default -> {
                for (int i = 0; i < hiddenSize; i++) {
                    deltas[row + i] = activation.derivativeFromOutput(hidden[row + i]) * hiddenGradients[at + i];
                }
            }
        }
    }

    @Override
    void parameterGradients(double[] sums, int uAt, int wAt, int bAt, int extraAt, Map<String, Tensor> gradients) {
        gradients.put(ParameterNames.U, Tensor.of(Arrays.copyOfRange(sums, uAt, wAt), hiddenSize, inputSize));
        gradients.put(ParameterNames.W, Tensor.of(Arrays.copyOfRange(sums, wAt, bAt), hiddenSize, hiddenSize));
        gradients.put(ParameterNames.B, Tensor.of(Arrays.copyOfRange(sums, bAt, bAt + hiddenSize), hiddenSize));
    }
}
