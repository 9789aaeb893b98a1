package org.bptt.reference;

import org.bptt.api.Batch;
import org.bptt.api.Head;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;

/**
 * An independent, deliberately plain forward pass for the tests: double arrays and loops, no EJML, none of the
 * reference's code. It keeps a_t, h_t and y_t of one sequence, indexed [t][i].
 */
final class PlainElman {

    final double[][] preActivations;
    final double[][] hiddenStates;
    /** y_t at steps with a loss term, null elsewhere. */
    final double[][] outputs;
    /** Σ_t J(t), unreduced. */
    final double lossSum;

    PlainElman(ModelSpec spec, Parameters parameters, Batch batch, int sequence) {
        int d = spec.inputSize();
        int h = spec.hiddenSize();
        int k = spec.outputSize();
        int length = batch.length(sequence);
        preActivations = new double[length][h];
        hiddenStates = new double[length][h];
        outputs = new double[length][];
        double[] previous = new double[h];
        if (batch.initialState() != null) {
            for (int i = 0; i < h; i++) {
                previous[i] = batch.initialState().get(sequence, i);
            }
        }
        double loss = 0;
        for (int t = 0; t < length; t++) {
            for (int i = 0; i < h; i++) {
                double a = spec.biases() ? parameters.get(ParameterNames.B).get(i) : 0;
                for (int j = 0; j < d; j++) {
                    a += parameters.get(ParameterNames.U).get(i, j) * batch.inputs().get(sequence, t, j);
                }
                for (int j = 0; j < h; j++) {
                    a += parameters.get(ParameterNames.W).get(i, j) * previous[j];
                }
                preActivations[t][i] = a;
                hiddenStates[t][i] = activate(spec, a);
            }
            previous = hiddenStates[t];
            boolean lossStep = !spec.head().lastStepOnly() || t == length - 1;
            if (!lossStep) {
                continue;
            }
            double[] logits = new double[k];
            for (int r = 0; r < k; r++) {
                logits[r] = spec.biases() ? parameters.get(ParameterNames.C).get(r) : 0;
                for (int i = 0; i < h; i++) {
                    logits[r] += parameters.get(ParameterNames.V).get(r, i) * hiddenStates[t][i];
                }
            }
            if (spec.head() == Head.LAST_STEP_SIGMOID) {
                double y = 1 / (1 + Math.exp(-logits[0]));
                double target = batch.targets().get(sequence, 0);
                outputs[t] = new double[] {y};
                loss += -(target * Math.log(y) + (1 - target) * Math.log(1 - y));
            } else {
                double sum = 0;
                for (double logit : logits) {
                    sum += Math.exp(logit);
                }
                outputs[t] = new double[k];
                for (int r = 0; r < k; r++) {
                    outputs[t][r] = Math.exp(logits[r]) / sum;
                    double target = spec.head().lastStepOnly() ? batch.targets().get(sequence, r) : batch.targets().get(sequence, t, r);
                    loss += -target * Math.log(outputs[t][r]);
                }
            }
        }
        lossSum = loss;
    }

    private static double activate(ModelSpec spec, double a) {
        return switch (spec.activation()) {
            case TANH -> Math.tanh(a);
            case SIGMOID -> 1 / (1 + Math.exp(-a));
            case RELU -> Math.max(a, 0);
            case IDENTITY -> a;
        };
    }

    /** The smallest |a_t[i]| of the sequence: how close a ReLU case comes to the kink at 0. */
    double smallestAbsolutePreActivation() {
        double smallest = Double.POSITIVE_INFINITY;
        for (double[] step : preActivations) {
            for (double a : step) {
                smallest = Math.min(smallest, Math.abs(a));
            }
        }
        return smallest;
    }
}
