package org.bptt.dl4j;

import org.bptt.api.Batch;
import org.bptt.api.Head;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;

/**
 * The LSTM's forward pass and loss written out in plain loops, straight from the equations in {@code org.bptt.api}'s
 * package documentation, as {@link PlainElman} is for the Elman cell: an oracle that shares no code with DL4J or the
 * reference, and the function that finite differences differentiate where harness-core's cannot (a given c_{-1},
 * the truncated-BPTT objective).
 *
 * <pre>
 *   i_t = σ(U_i x_t + W_i h_{t-1} + p_i ⊙ c_{t-1} + b_i)     f_t = σ(U_f x_t + W_f h_{t-1} + p_f ⊙ c_{t-1} + b_f)
 *   g_t = tanh(U_g x_t + W_g h_{t-1} + b_g)                 c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
 *   o_t = σ(U_o x_t + W_o h_{t-1} + p_o ⊙ c_t + b_o)         h_t = o_t ⊙ tanh(c_t)
 * </pre>
 * (peephole terms only with peepholes, bias terms only with biases; one bias per gate). The head and loss are
 * {@link PlainElman}'s. Only the first {@code length(b)} steps of sequence b exist.
 */
final class PlainLstm {

    /** Hidden and cell states {@code [B, T, H]} (zero at masked steps), outputs as the head says, and the loss. */
    record Forward(Tensor hiddenStates, Tensor cellStates, Tensor outputs, double loss) {
    }

    private PlainLstm() {
    }

    static double loss(ModelSpec spec, Parameters parameters, Batch batch) {
        return forward(spec, parameters, batch).loss();
    }

    static Forward forward(ModelSpec spec, Parameters parameters, Batch batch) {
        int batchSize = batch.batchSize();
        int steps = batch.steps();
        Tensor hiddenStates = Tensor.zeros(batchSize, steps, spec.hiddenSize());
        Tensor cellStates = Tensor.zeros(batchSize, steps, spec.hiddenSize());
        Tensor outputs = spec.head().lastStepOnly() ? Tensor.zeros(batchSize, spec.outputSize())
                : Tensor.zeros(batchSize, steps, spec.outputSize());
        double lossSum = 0;
        for (int sequence = 0; sequence < batchSize; sequence++) {
            lossSum += run(spec, parameters, batch, sequence, row(batch.initialState(), sequence, spec.hiddenSize()),
                    row(batch.initialCellState(), sequence, spec.hiddenSize()), 0, batch.length(sequence) - 1, 0,
                    hiddenStates, cellStates, outputs);
        }
        return new Forward(hiddenStates, cellStates, outputs, lossSum / PlainElman.divisor(spec, batch));
    }

    /**
     * The loss of a stretch of one sequence: steps {@code firstStep … lastStep} run from the given states
     * h_{firstStep−1}, c_{firstStep−1}, and the loss terms of steps {@code firstLossStep … lastStep} are summed
     * (not divided).
     */
    static double stretchLoss(ModelSpec spec, Parameters parameters, Batch batch, int sequence, double[] hiddenBefore,
                              double[] cellBefore, int firstStep, int lastStep, int firstLossStep) {
        return run(spec, parameters, batch, sequence, hiddenBefore, cellBefore, firstStep, lastStep, firstLossStep,
                null, null, null);
    }

    /** Row {@code sequence} of a {@code [B, H]} state, or zeros when the state is null. */
    static double[] row(Tensor state, int sequence, int hiddenSize) {
        double[] values = new double[hiddenSize];
        if (state != null) {
            for (int i = 0; i < hiddenSize; i++) {
                values[i] = state.get(sequence, i);
            }
        }
        return values;
    }

    /** Runs the steps, records states and outputs when given somewhere to put them, returns the loss sum. */
    private static double run(ModelSpec spec, Parameters parameters, Batch batch, int sequence, double[] hiddenBefore,
                              double[] cellBefore, int firstStep, int lastStep, int firstLossStep, Tensor hiddenStates,
                              Tensor cellStates, Tensor outputs) {
        int hiddenSize = spec.hiddenSize();
        int length = batch.length(sequence);
        boolean peepholes = spec.cellOptions().peepholes();
        double[] hidden = hiddenBefore.clone();
        double[] cell = cellBefore.clone();
        double lossSum = 0;
        for (int step = firstStep; step <= lastStep; step++) {
            double[] x = new double[spec.inputSize()];
            for (int j = 0; j < x.length; j++) {
                x[j] = batch.inputs().get(sequence, step, j);
            }
            double[] nextHidden = new double[hiddenSize];
            double[] nextCell = new double[hiddenSize];
            for (int unit = 0; unit < hiddenSize; unit++) {
                double inputGate = sigmoid(affine(spec, parameters, "i", unit, x, hidden)
                        + (peepholes ? parameters.get(ParameterNames.P_I).get(unit) * cell[unit] : 0));
                double forgetGate = sigmoid(affine(spec, parameters, "f", unit, x, hidden)
                        + (peepholes ? parameters.get(ParameterNames.P_F).get(unit) * cell[unit] : 0));
                double candidate = Math.tanh(affine(spec, parameters, "g", unit, x, hidden));
                nextCell[unit] = forgetGate * cell[unit] + inputGate * candidate;
                double outputGate = sigmoid(affine(spec, parameters, "o", unit, x, hidden)
                        + (peepholes ? parameters.get(ParameterNames.P_O).get(unit) * nextCell[unit] : 0));
                nextHidden[unit] = outputGate * Math.tanh(nextCell[unit]);
                if (hiddenStates != null) {
                    hiddenStates.set(nextHidden[unit], sequence, step, unit);
                    cellStates.set(nextCell[unit], sequence, step, unit);
                }
            }
            hidden = nextHidden;
            cell = nextCell;
            boolean hasLoss = spec.head() == Head.PER_STEP_SOFTMAX || step == length - 1;
            if (!hasLoss) {
                continue;
            }
            double[] probabilities = PlainElman.probabilities(spec, parameters, hidden);
            if (outputs != null) {
                for (int k = 0; k < probabilities.length; k++) {
                    if (spec.head() == Head.PER_STEP_SOFTMAX) {
                        outputs.set(probabilities[k], sequence, step, k);
                    } else {
                        outputs.set(probabilities[k], sequence, k);
                    }
                }
            }
            if (step >= firstLossStep) {
                lossSum += PlainElman.termLoss(spec, batch, sequence, step, probabilities);
            }
        }
        return lossSum;
    }

    /** U_gate x + W_gate h + b_gate for one unit; {@code gate} is the subscript: i, f, g or o. */
    private static double affine(ModelSpec spec, Parameters parameters, String gate, int unit, double[] x, double[] h) {
        double sum = spec.biases() ? parameters.get("b_" + gate).get(unit) : 0.0;
        Tensor u = parameters.get("U_" + gate);
        Tensor w = parameters.get("W_" + gate);
        for (int j = 0; j < x.length; j++) {
            sum += u.get(unit, j) * x[j];
        }
        for (int j = 0; j < h.length; j++) {
            sum += w.get(unit, j) * h[j];
        }
        return sum;
    }

    private static double sigmoid(double value) {
        return 1.0 / (1.0 + Math.exp(-value));
    }
}
