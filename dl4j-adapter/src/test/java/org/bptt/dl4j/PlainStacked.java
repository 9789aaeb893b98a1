package org.bptt.dl4j;

import org.bptt.api.Batch;
import org.bptt.api.Cell;
import org.bptt.api.Head;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterName;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;

/**
 * A stacked, optionally bidirectional network of Elman or LSTM (one bias, optional peepholes) cells, written out in
 * plain loops from the package documentation of {@code org.bptt.api}: layer ℓ reads layer ℓ−1's output at the same
 * step, a reverse direction runs from each sequence's last valid step back to step 0, the directions are combined
 * (concatenated, summed, averaged or multiplied) and the head reads the top layer's output. Every state starts at
 * zero. An oracle for the DL4J tests that shares no code with DL4J or the reference, and the function
 * {@link PlainFiniteDifferences#gradient} differentiates.
 */
final class PlainStacked {

    /**
     * @param hiddenStates the top layer's states, its directions side by side, {@code [B, T, D·H]} (zero at masked
     *                     steps)
     * @param outputs      as the head says
     * @param loss         L, reduced as the spec says
     */
    record Forward(Tensor hiddenStates, Tensor outputs, double loss) {
    }

    private PlainStacked() {
    }

    static double loss(ModelSpec spec, Parameters parameters, Batch batch) {
        return forward(spec, parameters, batch).loss();
    }

    static Forward forward(ModelSpec spec, Parameters parameters, Batch batch) {
        int batchSize = batch.batchSize();
        int steps = batch.steps();
        int hiddenSize = spec.hiddenSize();
        int directions = spec.directions();
        Tensor hiddenStates = Tensor.zeros(batchSize, steps, directions * hiddenSize);
        Tensor outputs = spec.head().lastStepOnly() ? Tensor.zeros(batchSize, spec.outputSize())
                : Tensor.zeros(batchSize, steps, spec.outputSize());
        double lossSum = 0;
        for (int sequence = 0; sequence < batchSize; sequence++) {
            int length = batch.length(sequence);
            double[][] layerInput = new double[length][];
            for (int step = 0; step < length; step++) {
                layerInput[step] = new double[spec.inputSize()];
                for (int j = 0; j < spec.inputSize(); j++) {
                    layerInput[step][j] = batch.inputs().get(sequence, step, j);
                }
            }
            double[][][] states = null;
            for (int layer = 0; layer < spec.layers(); layer++) {
                states = new double[directions][][];
                for (int direction = 0; direction < directions; direction++) {
                    states[direction] = run(spec, parameters, layer, direction == 1, layerInput);
                }
                layerInput = combine(spec, states, length);
            }
            for (int step = 0; step < length; step++) {
                for (int direction = 0; direction < directions; direction++) {
                    for (int i = 0; i < hiddenSize; i++) {
                        hiddenStates.set(states[direction][step][i], sequence, step, direction * hiddenSize + i);
                    }
                }
                boolean hasLoss = spec.head() == Head.PER_STEP_SOFTMAX || step == length - 1;
                if (!hasLoss) {
                    continue;
                }
                double[] probabilities = PlainElman.probabilities(spec, parameters, layerInput[step]);
                for (int k = 0; k < spec.outputSize(); k++) {
                    if (spec.head() == Head.PER_STEP_SOFTMAX) {
                        outputs.set(probabilities[k], sequence, step, k);
                    } else {
                        outputs.set(probabilities[k], sequence, k);
                    }
                }
                lossSum += PlainElman.termLoss(spec, batch, sequence, step, probabilities);
            }
        }
        return new Forward(hiddenStates, outputs, lossSum / PlainElman.divisor(spec, batch));
    }

    /** One direction of one layer over the valid steps of a sequence: its states h_t, t = 0 … length − 1. */
    private static double[][] run(ModelSpec spec, Parameters parameters, int layer, boolean reverse, double[][] inputs) {
        int length = inputs.length;
        int hiddenSize = spec.hiddenSize();
        double[][] states = new double[length][];
        double[] hidden = new double[hiddenSize];
        double[] cell = new double[hiddenSize];
        for (int i = 0; i < length; i++) {
            int step = reverse ? length - 1 - i : i;
            if (spec.cell() == Cell.ELMAN) {
                hidden = elmanStep(spec, parameters, layer, reverse, inputs[step], hidden);
            } else {
                double[][] next = lstmStep(spec, parameters, layer, reverse, inputs[step], hidden, cell);
                hidden = next[0];
                cell = next[1];
            }
            states[step] = hidden;
        }
        return states;
    }

    private static double[] elmanStep(ModelSpec spec, Parameters parameters, int layer, boolean reverse, double[] x,
                                      double[] previous) {
        double[] hidden = new double[spec.hiddenSize()];
        for (int i = 0; i < hidden.length; i++) {
            hidden[i] = spec.activation().apply(affine(spec, parameters, layer, reverse, "", i, x, previous));
        }
        return hidden;
    }

    /** The LSTM's step: {h_t, c_t} from x_t, h_{t-1}, c_{t-1}. */
    private static double[][] lstmStep(ModelSpec spec, Parameters parameters, int layer, boolean reverse, double[] x,
                                       double[] previousHidden, double[] previousCell) {
        int hiddenSize = spec.hiddenSize();
        double[] hidden = new double[hiddenSize];
        double[] cell = new double[hiddenSize];
        boolean peepholes = spec.cellOptions().peepholes();
        for (int unit = 0; unit < hiddenSize; unit++) {
            double input = affine(spec, parameters, layer, reverse, "_i", unit, x, previousHidden);
            double forget = affine(spec, parameters, layer, reverse, "_f", unit, x, previousHidden);
            if (peepholes) {
                input += tensor(parameters, layer, reverse, ParameterNames.P_I).get(unit) * previousCell[unit];
                forget += tensor(parameters, layer, reverse, ParameterNames.P_F).get(unit) * previousCell[unit];
            }
            double candidate = Math.tanh(affine(spec, parameters, layer, reverse, "_g", unit, x, previousHidden));
            cell[unit] = sigmoid(forget) * previousCell[unit] + sigmoid(input) * candidate;
            double output = affine(spec, parameters, layer, reverse, "_o", unit, x, previousHidden);
            if (peepholes) {
                output += tensor(parameters, layer, reverse, ParameterNames.P_O).get(unit) * cell[unit];
            }
            hidden[unit] = sigmoid(output) * Math.tanh(cell[unit]);
        }
        return new double[][] {hidden, cell};
    }

    /** {@code U<gate> x + W<gate> h + b<gate>} for one unit; {@code gate} is "" for the Elman cell, else "_i", ... */
    private static double affine(ModelSpec spec, Parameters parameters, int layer, boolean reverse, String gate,
                                 int unit, double[] x, double[] h) {
        Tensor u = tensor(parameters, layer, reverse, "U" + gate);
        Tensor w = tensor(parameters, layer, reverse, "W" + gate);
        double sum = spec.biases() ? tensor(parameters, layer, reverse, "b" + gate).get(unit) : 0.0;
        for (int j = 0; j < x.length; j++) {
            sum += u.get(unit, j) * x[j];
        }
        for (int j = 0; j < h.length; j++) {
            sum += w.get(unit, j) * h[j];
        }
        return sum;
    }

    /** A layer's output per step: the forward states, or both directions combined as the topology says. */
    private static double[][] combine(ModelSpec spec, double[][][] states, int length) {
        if (!spec.bidirectional()) {
            return states[0];
        }
        int hiddenSize = spec.hiddenSize();
        double[][] combined = new double[length][];
        for (int step = 0; step < length; step++) {
            double[] forward = states[0][step];
            double[] backward = states[1][step];
            double[] out = new double[spec.topology().layerOutputSize(hiddenSize)];
            for (int i = 0; i < hiddenSize; i++) {
                switch (spec.topology().combine()) {
                    case CONCAT -> {
                        out[i] = forward[i];
                        out[hiddenSize + i] = backward[i];
                    }
                    case SUM -> out[i] = forward[i] + backward[i];
                    case MEAN -> out[i] = (forward[i] + backward[i]) / 2;
                    case PRODUCT -> out[i] = forward[i] * backward[i];
                }
            }
            combined[step] = out;
        }
        return combined;
    }

    private static Tensor tensor(Parameters parameters, int layer, boolean reverse, String base) {
        return parameters.get(ParameterName.of(layer, reverse, base).toString());
    }

    private static double sigmoid(double value) {
        return 1.0 / (1.0 + Math.exp(-value));
    }
}
