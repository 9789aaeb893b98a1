package org.bptt.experiments.reproduce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.bptt.api.Batch;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.bptt.core.plugins.IsolatedPlugin;
import org.bptt.core.plugins.PluginCallFailure;
import org.bptt.datasets.AddingProblem;
import org.bptt.experiments.TestCalls;
import org.bptt.experiments.clipping.Clipping;
import org.bptt.experiments.train.SgdTrainer;
import org.bptt.reference.ReferenceAggregatedRnn;
import org.junit.jupiter.api.Test;

/**
 * {@link Network#LSTM_1997}: the harness's LSTM with its forget gate held at exactly 1 is the cell of Hochreiter
 * &amp; Schmidhuber 1997 (input and output gates only), its gradients are those of finite differences, and training
 * never moves the forget gate.
 */
class Lstm1997Test {

    private static final AddingProblem TASK = new AddingProblem(8, true);
    private static final int H = 3;

    /** The reference's hidden states equal a forward pass written here with no forget gate at all: c_t = c_{t-1} + i ⊙ g. */
    @Test
    void itsStatesAreThoseOfACellWithoutAForgetGate() throws PluginCallFailure {
        ModelSpec spec = Network.LSTM_1997.spec(TASK, H);
        Parameters parameters = Network.LSTM_1997.initialise(spec, new SplittableRandom(1));
        Batch batch = TASK.batch(4, 2L);
        ForwardResult result = reference().forward(spec, parameters, batch);
        for (int b = 0; b < batch.batchSize(); b++) {
            double[] h = new double[H];
            double[] c = new double[H];
            for (int t = 0; t < batch.length(b); t++) {
                double[] x = {batch.inputs().get(b, t, 0), batch.inputs().get(b, t, 1)};
                double[] i = gate(parameters, "i", x, h, true);
                double[] g = gate(parameters, "g", x, h, false);
                double[] o = gate(parameters, "o", x, h, true);
                for (int j = 0; j < H; j++) {
                    c[j] = c[j] + i[j] * g[j];
                    h[j] = o[j] * Math.tanh(c[j]);
                    assertEquals(h[j], result.hiddenStates().get(b, t, j), 1e-15, "h[" + b + "][" + t + "][" + j + "]");
                }
            }
        }
    }

    /** Section 5.4: weights in [−0.1, 0.1], input gate biases −3 for the first block and −6 for the second. */
    @Test
    void itStartsAsTheAddingExperimentOfThePaper() {
        ModelSpec spec = Network.LSTM_1997.spec(TASK, 4);
        Parameters parameters = Network.LSTM_1997.initialise(spec, new SplittableRandom(7));
        parameters.validate(spec);
        assertArrayEquals(new double[] {-3, -3, -6, -6}, parameters.get(ParameterNames.B_I).data(), 0.0);
        for (String name : new String[] {ParameterNames.U_I, ParameterNames.W_O, ParameterNames.B_G, ParameterNames.V}) {
            for (double value : parameters.get(name).data()) {
                assertTrue(Math.abs(value) <= 0.1 && value != 0, name + " = " + value);
            }
        }
    }

    /** Every parameter's gradient, the forget gate's (zero) included, against central finite differences of the loss. */
    @Test
    void itsGradientsAreThoseOfFiniteDifferences() throws PluginCallFailure {
        ModelSpec spec = Network.LSTM_1997.spec(TASK, H);
        Parameters parameters = Network.LSTM_1997.initialise(spec, new SplittableRandom(3));
        Batch batch = TASK.batch(4, 5L);
        IsolatedPlugin reference = reference();
        GradientResult gradients = reference.gradients(spec, parameters, batch);
        double step = 1e-6;
        for (String name : parameters.byName().keySet()) {
            double[] values = parameters.get(name).data();
            for (int k = 0; k < values.length; k++) {
                Parameters up = parameters.copy();
                up.get(name).data()[k] = values[k] + step;
                Parameters down = parameters.copy();
                down.get(name).data()[k] = values[k] - step;
                double difference = (reference.forward(spec, up, batch).loss()
                        - reference.forward(spec, down, batch).loss()) / (2 * step);
                assertEquals(difference, gradients.parameterGradients().get(name).data()[k],
                        1e-8 * Math.max(1, Math.abs(difference)), "dL/d" + name + "[" + k + "]");
            }
        }
        assertArrayEquals(new double[H], gradients.parameterGradients().get(ParameterNames.B_F).data(), 0.0);
    }

    /** f(1 − f) = 0 makes the forget gate's gradients exactly zero, so SGD leaves U_f, W_f and b_f where they started. */
    @Test
    void trainingNeverMovesTheForgetGate() throws PluginCallFailure {
        ModelSpec spec = Network.LSTM_1997.spec(TASK, H);
        Parameters initial = Network.LSTM_1997.initialise(spec, new SplittableRandom(4));
        SgdTrainer.Run run = new SgdTrainer(reference(), TASK, spec).train(initial, new SplittableRandom(5),
                TASK.batch(10, 6L), new SgdTrainer.Settings(0.5, 20, 10, Clipping.none(), 20), () -> { });
        assertFalse(run.diverged());
        for (String name : new String[] {ParameterNames.U_F, ParameterNames.W_F, ParameterNames.B_F}) {
            assertArrayEquals(initial.get(name).data(), run.parameters().get(name).data(), 0.0, name);
        }
        assertFalse(java.util.Arrays.equals(initial.get(ParameterNames.U_I).data(),
                run.parameters().get(ParameterNames.U_I).data()), "the other weights were trained");
    }

    private static IsolatedPlugin reference() {
        return TestCalls.isolated(new ReferenceAggregatedRnn());
    }

    /** σ or tanh of U_* x + W_* h + b_* for gate * (its parameters named U_*, W_*, b_*). */
    private static double[] gate(Parameters parameters, String gate, double[] x, double[] h, boolean sigmoid) {
        Tensor u = parameters.get("U_" + gate);
        Tensor w = parameters.get("W_" + gate);
        Tensor bias = parameters.get("b_" + gate);
        double[] out = new double[H];
        for (int j = 0; j < H; j++) {
            double a = bias.get(j);
            for (int k = 0; k < x.length; k++) {
                a += u.get(j, k) * x[k];
            }
            for (int k = 0; k < H; k++) {
                a += w.get(j, k) * h[k];
            }
            out[j] = sigmoid ? 1 / (1 + Math.exp(-a)) : Math.tanh(a);
        }
        return out;
    }
}
