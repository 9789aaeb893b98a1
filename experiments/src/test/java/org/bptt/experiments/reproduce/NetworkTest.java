package org.bptt.experiments.reproduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.bptt.core.cases.CaseGenerator;
import org.bptt.datasets.PascanuTask;
import org.junit.jupiter.api.Test;

/** The initialisations of trainingRNNs' RNN.py (lines 95-140) and the IRNN's, checked on their defining properties. */
class NetworkTest {

    private static final PascanuTask TASK = new PascanuTask(PascanuTask.Kind.ADDING, 20);

    @Test
    void smartTanhKeepsFifteenWeightsPerUnitAndSpectralRadius095() {
        ModelSpec spec = Network.SMART_TANH.spec(TASK, 50);
        Parameters parameters = Network.SMART_TANH.initialise(spec, new SplittableRandom(1));
        Tensor w = parameters.get(ParameterNames.W);
        for (int from = 0; from < 50; from++) {
            int nonZero = 0;
            for (int to = 0; to < 50; to++) {
                nonZero += w.get(to, from) != 0 ? 1 : 0;
            }
            assertEquals(15, nonZero, "their row " + from + " of W_hh (our column)");
        }
        assertEquals(0.95, CaseGenerator.spectralRadius(w), 1e-9);
        assertEquals(0.0, maxAbs(parameters.get(ParameterNames.B)), 0.0);
        assertEquals(0.0, maxAbs(parameters.get(ParameterNames.C)), 0.0);
    }

    /** The sample standard deviation of 2500 draws of N(0, σ²) is within 5 % of σ (its relative error is about 1.4 %). */
    @Test
    void gaussianInitialisationsHaveTheirStandardDeviations() {
        assertEquals(0.01, standardDeviation(Network.SIGMOID), 0.0005);
        assertEquals(0.1, standardDeviation(Network.BASIC_TANH), 0.005);
    }

    @Test
    void theIrnnStartsFromTheIdentityWithZeroBiases() {
        ModelSpec spec = Network.IRNN.spec(TASK, 6);
        Parameters parameters = Network.IRNN.initialise(spec, new SplittableRandom(2));
        Tensor w = parameters.get(ParameterNames.W);
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 6; j++) {
                assertEquals(i == j ? 1.0 : 0.0, w.get(i, j), 0.0);
            }
        }
        assertEquals(0.0, maxAbs(parameters.get(ParameterNames.B)), 0.0);
        assertTrue(maxAbs(parameters.get(ParameterNames.U)) > 0);
        parameters.validate(spec);
    }

    @Test
    void theLstmHasEveryDeclaredParameter() {
        ModelSpec spec = Network.LSTM.spec(TASK, 4);
        Network.LSTM.initialise(spec, new SplittableRandom(3)).validate(spec);
    }

    private static double standardDeviation(Network network) {
        ModelSpec spec = network.spec(TASK, 50);
        double[] w = network.initialise(spec, new SplittableRandom(4)).get(ParameterNames.W).data();
        double sum = 0;
        for (double value : w) {
            sum += value * value;
        }
        return Math.sqrt(sum / w.length);
    }

    private static double maxAbs(Tensor tensor) {
        double largest = 0;
        for (double value : tensor.data()) {
            largest = Math.max(largest, Math.abs(value));
        }
        return largest;
    }
}
