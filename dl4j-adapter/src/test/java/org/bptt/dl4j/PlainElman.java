package org.bptt.dl4j;

import org.bptt.api.Batch;
import org.bptt.api.Head;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;

/**
 * The Elman RNN's forward pass and loss written out in plain loops, straight from the equations in
 * {@code org.bptt.api}'s package documentation: a second, independent oracle for these tests (it shares no code with
 * DL4J or the reference) and the function that {@link PlainFiniteDifferences} differentiates numerically.
 *
 * <pre>
 *   a_t = U x_t + W h_{t-1} + b,  h_t = f(a_t),  o_t = V h_t + c,  y_t = softmax(o_t) or sigmoid(o_t)
 *   L = (1/D) Σ_terms J,  J = −Σ_k target_k log y_k  (binary: −t log y − (1 − t) log(1 − y))
 * </pre>
 * h_{-1} is the batch's initial state or zero. Only the first {@code length(b)} steps of sequence b exist.
 */
final class PlainElman {

    /** Hidden states {@code [B, T, H]} (zero at masked steps), outputs as the head says, and the loss. */
    record Forward(Tensor hiddenStates, Tensor outputs, double loss) {
    }

    private PlainElman() {
    }

    static double loss(ModelSpec spec, Parameters parameters, Batch batch) {
        return forward(spec, parameters, batch).loss();
    }

    static Forward forward(ModelSpec spec, Parameters parameters, Batch batch) {
        int batchSize = batch.batchSize();
        int steps = batch.steps();
        Tensor hiddenStates = Tensor.zeros(batchSize, steps, spec.hiddenSize());
        Tensor outputs = spec.head().lastStepOnly() ? Tensor.zeros(batchSize, spec.outputSize())
                : Tensor.zeros(batchSize, steps, spec.outputSize());
        double lossSum = 0;
        for (int sequence = 0; sequence < batchSize; sequence++) {
            int length = batch.length(sequence);
            lossSum += run(spec, parameters, batch, sequence, initialState(spec, batch, sequence), 0, length - 1, 0,
                    hiddenStates, outputs);
        }
        return new Forward(hiddenStates, outputs, lossSum / divisor(spec, batch));
    }

    /**
     * The loss of a stretch of one sequence: steps {@code firstStep … lastStep} run from the given state
     * h_{firstStep−1}, and the loss terms of steps {@code firstLossStep … lastStep} are summed (not divided).
     */
    static double stretchLoss(ModelSpec spec, Parameters parameters, Batch batch, int sequence, double[] stateBefore,
                              int firstStep, int lastStep, int firstLossStep) {
        return run(spec, parameters, batch, sequence, stateBefore, firstStep, lastStep, firstLossStep, null, null);
    }

    static double divisor(ModelSpec spec, Batch batch) {
        return spec.reduction().divisor(batch.batchSize(), batch.lossTerms(spec.head()));
    }

    static double[] initialState(ModelSpec spec, Batch batch, int sequence) {
        double[] state = new double[spec.hiddenSize()];
        if (batch.initialState() != null) {
            for (int i = 0; i < state.length; i++) {
                state[i] = batch.initialState().get(sequence, i);
            }
        }
        return state;
    }

    /** Runs the steps, records hidden states and outputs when given somewhere to put them, returns the loss sum. */
    private static double run(ModelSpec spec, Parameters parameters, Batch batch, int sequence, double[] stateBefore,
                              int firstStep, int lastStep, int firstLossStep, Tensor hiddenStates, Tensor outputs) {
        int hiddenSize = spec.hiddenSize();
        int outputSize = spec.outputSize();
        int length = batch.length(sequence);
        double[] previous = stateBefore.clone();
        double lossSum = 0;
        for (int step = firstStep; step <= lastStep; step++) {
            double[] hidden = new double[hiddenSize];
            for (int i = 0; i < hiddenSize; i++) {
                double preActivation = spec.biases() ? parameters.get(ParameterNames.B).get(i) : 0.0;
                for (int j = 0; j < spec.inputSize(); j++) {
                    preActivation += parameters.get(ParameterNames.U).get(i, j) * batch.inputs().get(sequence, step, j);
                }
                for (int j = 0; j < hiddenSize; j++) {
                    preActivation += parameters.get(ParameterNames.W).get(i, j) * previous[j];
                }
                hidden[i] = spec.activation().apply(preActivation);
                if (hiddenStates != null) {
                    hiddenStates.set(hidden[i], sequence, step, i);
                }
            }
            previous = hidden;
            boolean hasLoss = spec.head() == Head.PER_STEP_SOFTMAX || step == length - 1;
            if (!hasLoss) {
                continue;
            }
            double[] probabilities = probabilities(spec, parameters, hidden);
            if (outputs != null) {
                for (int k = 0; k < outputSize; k++) {
                    if (spec.head() == Head.PER_STEP_SOFTMAX) {
                        outputs.set(probabilities[k], sequence, step, k);
                    } else {
                        outputs.set(probabilities[k], sequence, k);
                    }
                }
            }
            if (step >= firstLossStep) {
                lossSum += termLoss(spec, batch, sequence, step, probabilities);
            }
        }
        return lossSum;
    }

    /** The head's output y = softmax(V h + c) (or sigmoid) for the hidden state {@code hidden}. */
    static double[] probabilities(ModelSpec spec, Parameters parameters, double[] hidden) {
        double[] logits = new double[spec.outputSize()];
        for (int k = 0; k < logits.length; k++) {
            logits[k] = spec.biases() ? parameters.get(ParameterNames.C).get(k) : 0.0;
            for (int i = 0; i < hidden.length; i++) {
                logits[k] += parameters.get(ParameterNames.V).get(k, i) * hidden[i];
            }
        }
        return spec.head() == Head.LAST_STEP_SIGMOID ? new double[] {1.0 / (1.0 + Math.exp(-logits[0]))} : softmax(logits);
    }

    /** The loss term J of sequence {@code sequence} at step {@code step}, given the head's output there. */
    static double termLoss(ModelSpec spec, Batch batch, int sequence, int step, double[] probabilities) {
        if (spec.head() == Head.LAST_STEP_SIGMOID) {
            double target = batch.targets().get(sequence, 0);
            return -target * Math.log(probabilities[0]) - (1 - target) * Math.log(1 - probabilities[0]);
        }
        double loss = 0;
        for (int k = 0; k < probabilities.length; k++) {
            double target = spec.head() == Head.PER_STEP_SOFTMAX ? batch.targets().get(sequence, step, k)
                    : batch.targets().get(sequence, k);
            if (target != 0) {
                loss -= target * Math.log(probabilities[k]);
            }
        }
        return loss;
    }

    private static double[] softmax(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double logit : logits) {
            max = Math.max(max, logit);
        }
        double sum = 0;
        double[] probabilities = new double[logits.length];
        for (int k = 0; k < logits.length; k++) {
            probabilities[k] = Math.exp(logits[k] - max);
            sum += probabilities[k];
        }
        for (int k = 0; k < logits.length; k++) {
            probabilities[k] /= sum;
        }
        return probabilities;
    }
}
