package org.bptt.experiments.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.InvalidInputException;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.bptt.core.cases.CaseGenerator;
import org.bptt.core.plugins.PluginCallFailure;
import org.bptt.datasets.AddingProblem;
import org.bptt.experiments.TestCalls;
import org.bptt.experiments.clipping.Clipping;
import org.bptt.reference.ReferenceAggregatedRnn;
import org.junit.jupiter.api.Test;

/** Pascanu et al.'s Ω: its value against a closed form, its gradient against finite differences. */
class NormPreservingRegulariserTest {

    /**
     * H = 1, one step: q = (w δ)²/g² = w²(1 − h²)² for tanh, so Ω = (w²(1 − h²)² − 1)², whatever g is; a second
     * sequence whose g² is below the bound is not counted.
     */
    @Test
    void oneUnitHasTheClosedForm() {
        double w = 1.7;
        double h = 0.3;
        Tensor states = Tensor.of(new double[] {h, 0.9}, 2, 1, 1);
        Tensor gradients = Tensor.of(new double[] {-0.4, 1e-11}, 2, 1, 1);
        NormPreservingRegulariser.Value value = NormPreservingRegulariser.of(Activation.TANH,
                Tensor.of(new double[] {w}, 1, 1), states, gradients, batch(2, 1));
        double q = w * w * (1 - h * h) * (1 - h * h);
        assertEquals((q - 1) * (q - 1), value.omega(), 1e-15);
        assertEquals(1, value.counted());
        // dΩ/dw = 2(q − 1) · 2w(1 − h²)², the derivative of the closed form
        assertEquals(2 * (q - 1) * 2 * w * (1 - h * h) * (1 - h * h), value.gradient().get(0, 0), 1e-14);
    }

    /** ∂Ω/∂W with h_k and g_k held constant (as their code differentiates), against central differences. */
    @Test
    void gradientIsThatOfFiniteDifferences() {
        for (Activation activation : new Activation[] {Activation.TANH, Activation.SIGMOID}) {
            SplittableRandom random = new SplittableRandom(7);
            int b = 3;
            int t = 4;
            int h = 5;
            Tensor w = random(random, 0.6, h, h);
            Tensor states = random(random, 0.9, b, t, h);
            if (activation == Activation.SIGMOID) {
                double[] data = states.data();
                for (int i = 0; i < data.length; i++) {
                    data[i] = 0.5 + data[i] / 2;       // in (0, 1)
                }
            }
            Tensor gradients = random(random, 1.0, b, t, h);
            Batch batch = batch(b, t);
            NormPreservingRegulariser.Value value = NormPreservingRegulariser.of(activation, w, states, gradients, batch);
            assertEquals(b * t, value.counted());
            double step = 1e-6;
            for (int i = 0; i < h * h; i++) {
                Tensor up = w.copy();
                up.data()[i] += step;
                Tensor down = w.copy();
                down.data()[i] -= step;
                double difference = (NormPreservingRegulariser.of(activation, up, states, gradients, batch).omega()
                        - NormPreservingRegulariser.of(activation, down, states, gradients, batch).omega()) / (2 * step);
                assertEquals(difference, value.gradient().data()[i], 1e-7 * Math.max(1, Math.abs(difference)),
                        activation + " dΩ/dW[" + i + "]");
            }
        }
    }

    /** SGD-CR trains an Elman network through the reference (the hidden-state gradients it needs); an LSTM is refused. */
    @Test
    void theTrainerAppliesItToElmanNetworksOnly() throws PluginCallFailure {
        AddingProblem task = new AddingProblem(6, false);
        ModelSpec spec = task.spec(4, Activation.TANH);
        Parameters initial = CaseGenerator.parameters(spec, CaseGenerator.Options.defaults(), new SplittableRandom(1));
        SgdTrainer.Settings settings = new SgdTrainer.Settings(0.1, 5, 4, Clipping.globalNorm(1), 5,
                4.0);
        SgdTrainer.Run run = new SgdTrainer(TestCalls.isolated(new ReferenceAggregatedRnn()), task, spec)
                .train(initial, new SplittableRandom(2), task.batch(10, 3L), settings, () -> { });
        assertEquals(5, run.steps().size());
        ModelSpec lstm = spec.withCell(org.bptt.api.Cell.LSTM, org.bptt.api.CellOptions.lstm(false, false));
        Parameters lstmInitial = CaseGenerator.parameters(lstm, CaseGenerator.Options.defaults(), new SplittableRandom(1));
        assertThrows(InvalidInputException.class, () -> new SgdTrainer(TestCalls.isolated(new ReferenceAggregatedRnn()),
                task, lstm).train(lstmInitial, new SplittableRandom(2), task.batch(10, 3L), settings, () -> { }));
    }

    private static Batch batch(int batchSize, int steps) {
        return new Batch(Tensor.zeros(batchSize, steps, 1), Tensor.zeros(batchSize, 1), null, null);
    }

    private static Tensor random(SplittableRandom random, double scale, int... shape) {
        Tensor tensor = Tensor.zeros(shape);
        double[] data = tensor.data();
        for (int i = 0; i < data.length; i++) {
            data[i] = scale * (2 * random.nextDouble() - 1);
        }
        return tensor;
    }
}
