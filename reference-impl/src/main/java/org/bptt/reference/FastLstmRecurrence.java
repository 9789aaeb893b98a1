package org.bptt.reference;

import java.util.Arrays;
import java.util.Map;
import org.bptt.api.Activation;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;

/**
 * The LSTM in {@link FastAggregatedBptt}: the equations of {@link LstmCell} (forget gate, optional peepholes, one or
 * two bias vectors per gate) with the four gates' weights stacked, so that each step is one product for all gates.
 * In row form, with U = [U_i; U_f; U_g; U_o] {@code [4H, d]}, W likewise {@code [4H, H]} and b = b_* + b_h*
 * {@code [4H]}:
 * <pre>
 *   [a_i, a_f, a_g, a_o] = x_t Uᵀ + h_{t-1} Wᵀ + b      (then + p_i ⊙ c_{t-1}, + p_f ⊙ c_{t-1}, + p_o ⊙ c_t)
 *   i_t = σ(a_i), f_t = σ(a_f), g_t = tanh(a_g), c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t, o_t = σ(a_o), h_t = o_t ⊙ tanh(c_t)
 * </pre>
 * Backward, step by step from the last, as {@link LstmStepBackprop} writes it out: the gradients reaching h_t and
 * c_t give δ_t = [∂L/∂a_i, ∂L/∂a_f, ∂L/∂a_g, ∂L/∂a_o] and the gradient reaching c_{t-1}; the rest, for all gates at
 * once, is {@link FastRecurrence}'s, and db_h* = db_*.
 */
final class FastLstmRecurrence extends FastRecurrence {

    private static final int GATES = 4;

    /** b_* + b_h* of the gates i, f, g, o {@code [4H]}; zeros without biases. */
    private final double[] b;
    /** p_i, p_f, p_o {@code [H]}; zeros without peepholes. */
    private final double[] inputPeephole;
    private final double[] forgetPeephole;
    private final double[] outputPeephole;

    FastLstmRecurrence(ModelSpec spec, Parameters parameters) {
        super(spec.inputSize(), spec.hiddenSize(), GATES * spec.hiddenSize(),
                stacked(parameters, spec.hiddenSize() * spec.inputSize(),
                        ParameterNames.U_I, ParameterNames.U_F, ParameterNames.U_G, ParameterNames.U_O),
                stacked(parameters, spec.hiddenSize() * spec.hiddenSize(),
                        ParameterNames.W_I, ParameterNames.W_F, ParameterNames.W_G, ParameterNames.W_O));
        boolean twoBiases = spec.cellOptions().twoBiases();
        boolean peepholes = spec.cellOptions().peepholes();
        this.b = new double[gateWidth];
        if (spec.biases()) {
            double[] inputSide = stacked(parameters, hiddenSize,
                    ParameterNames.B_I, ParameterNames.B_F, ParameterNames.B_G, ParameterNames.B_O);
            double[] recurrentSide = twoBiases ? stacked(parameters, hiddenSize,
                    ParameterNames.B_HI, ParameterNames.B_HF, ParameterNames.B_HG, ParameterNames.B_HO) : new double[gateWidth];
            for (int i = 0; i < gateWidth; i++) {
                b[i] = inputSide[i] + recurrentSide[i];
            }
        }
        this.inputPeephole = peepholes ? parameters.get(ParameterNames.P_I).data().clone() : new double[hiddenSize];
        this.forgetPeephole = peepholes ? parameters.get(ParameterNames.P_F).data().clone() : new double[hiddenSize];
        this.outputPeephole = peepholes ? parameters.get(ParameterNames.P_O).data().clone() : new double[hiddenSize];
    }

    /** The four gates' tensors of {@code size} values each, one after the other. */
    private static double[] stacked(Parameters parameters, int size, String... names) {
        double[] stacked = new double[names.length * size];
        for (int gate = 0; gate < names.length; gate++) {
            System.arraycopy(parameters.get(names[gate]).data(), 0, stacked, gate * size, size);
        }
        return stacked;
    }

    @Override
    boolean hasCellState() {
        return true;
    }

    /** p_i, p_f and p_o's gradients. */
    @Override
    int extraGradientSize() {
        return 3 * hiddenSize;
    }

    /** Gates, c_t and h_t from z_t, the pre-activations without b and the peepholes' terms. */
    @Override
    void step(FastSequence sequence, int t, double[] preActivations, int at) {
        int h = hiddenSize;
        double[] previousCellState = t == 0 ? sequence.initialCellState : sequence.cellStates;
        int previousRow = t == 0 ? 0 : (t - 1) * h;
        int row = t * h;
        int gateRow = t * GATES * h;
        for (int j = 0; j < h; j++) {
            double previousC = previousCellState[previousRow + j];
            double i = sigmoid(preActivations[at + j] + b[j] + inputPeephole[j] * previousC);               // i_t
            double f = sigmoid(preActivations[at + h + j] + b[h + j] + forgetPeephole[j] * previousC);      // f_t
            double g = Math.tanh(preActivations[at + 2 * h + j] + b[2 * h + j]);                            // g_t
            double c = f * previousC + i * g;                                                               // c_t
            double o = sigmoid(preActivations[at + 3 * h + j] + b[3 * h + j] + outputPeephole[j] * c);      // o_t
            sequence.gates[gateRow + j] = i;
            sequence.gates[gateRow + h + j] = f;
            sequence.gates[gateRow + 2 * h + j] = g;
            sequence.gates[gateRow + 3 * h + j] = o;
            sequence.cellStates[row + j] = c;
            sequence.hiddenStates[row + j] = o * Math.tanh(c);                                              // h_t
        }
    }

    private static double sigmoid(double preActivation) {
        return Activation.SIGMOID.apply(preActivation);
    }

    /**
     * From the gradients reaching h_t ({@code hiddenGradients[at …]}) and c_t from step t+1 (the sequence's
     * {@link FastSequence#cellGradient}, replaced by the gradient reaching c_{t-1}): δ_t, and the peepholes'
     * gradients added to {@code sums[extraOffset …]} (p_i, p_f, p_o).
     */
    @Override
    void stepBackward(FastSequence sequence, int t, double[] hiddenGradients, int at, double[] sums, int extraOffset) {
        int h = hiddenSize;
        double[] previousCellState = t == 0 ? sequence.initialCellState : sequence.cellStates;
        int previousRow = t == 0 ? 0 : (t - 1) * h;
        int row = t * h;
        int gateRow = t * GATES * h;
        double[] gates = sequence.gates;
        double[] deltas = sequence.preActivationGradients;
        for (int j = 0; j < h; j++) {
            double i = gates[gateRow + j];
            double f = gates[gateRow + h + j];
            double g = gates[gateRow + 2 * h + j];
            double o = gates[gateRow + 3 * h + j];
            double c = sequence.cellStates[row + j];
            double previousC = previousCellState[previousRow + j];
            double hiddenGradient = hiddenGradients[at + j];
            double cellOutput = Math.tanh(c);                                                    // tanh(c_t)
            double outputGateDelta = hiddenGradient * cellOutput * o * (1 - o);                  // ∂L/∂a_o
            double cellGradient = sequence.cellGradient[j]                                       // ∂L/∂c_t: from the future,
                    + hiddenGradient * o * (1 - cellOutput * cellOutput)                         //   through h_t,
                    + outputPeephole[j] * outputGateDelta;                                       //   through o_t's peephole
            double inputGateDelta = cellGradient * g * i * (1 - i);                              // ∂L/∂a_i
            double forgetGateDelta = cellGradient * previousC * f * (1 - f);                     // ∂L/∂a_f
            double cellCandidateDelta = cellGradient * i * (1 - g * g);                          // ∂L/∂a_g
            sequence.cellGradient[j] = cellGradient * f                                          // ∂L/∂c_{t-1}
                    + inputPeephole[j] * inputGateDelta + forgetPeephole[j] * forgetGateDelta;
            sums[extraOffset + j] += inputGateDelta * previousC;                                 // dp_i
            sums[extraOffset + h + j] += forgetGateDelta * previousC;                            // dp_f
            sums[extraOffset + 2 * h + j] += outputGateDelta * c;                                // dp_o
            deltas[gateRow + j] = inputGateDelta;
            deltas[gateRow + h + j] = forgetGateDelta;
            deltas[gateRow + 2 * h + j] = cellCandidateDelta;
            deltas[gateRow + 3 * h + j] = outputGateDelta;
        }
    }

    @Override
    void parameterGradients(double[] sums, int uAt, int wAt, int bAt, int extraAt, Map<String, Tensor> gradients) {
        int h = hiddenSize;
        String[][] gates = {
                {ParameterNames.U_I, ParameterNames.W_I, ParameterNames.B_I, ParameterNames.B_HI},
                {ParameterNames.U_F, ParameterNames.W_F, ParameterNames.B_F, ParameterNames.B_HF},
                {ParameterNames.U_G, ParameterNames.W_G, ParameterNames.B_G, ParameterNames.B_HG},
                {ParameterNames.U_O, ParameterNames.W_O, ParameterNames.B_O, ParameterNames.B_HO}};
        for (int gate = 0; gate < GATES; gate++) {
            int u = uAt + gate * h * inputSize;
            int w = wAt + gate * h * h;
            int bias = bAt + gate * h;
            gradients.put(gates[gate][0], Tensor.of(Arrays.copyOfRange(sums, u, u + h * inputSize), h, inputSize));
            gradients.put(gates[gate][1], Tensor.of(Arrays.copyOfRange(sums, w, w + h * h), h, h));
            gradients.put(gates[gate][2], Tensor.of(Arrays.copyOfRange(sums, bias, bias + h), h));
            gradients.put(gates[gate][3], Tensor.of(Arrays.copyOfRange(sums, bias, bias + h), h));   // db_h* = db_*
        }
        String[] peepholes = {ParameterNames.P_I, ParameterNames.P_F, ParameterNames.P_O};
        for (int peephole = 0; peephole < peepholes.length; peephole++) {
            int p = extraAt + peephole * h;
            gradients.put(peepholes[peephole], Tensor.of(Arrays.copyOfRange(sums, p, p + h), h));
        }
    }
}
