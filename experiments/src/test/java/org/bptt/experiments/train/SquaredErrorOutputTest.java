package org.bptt.experiments.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.Cell;
import org.bptt.api.CellOptions;
import org.bptt.api.DataType;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.InvalidInputException;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.bptt.core.cases.CaseGenerator;
import org.bptt.core.plugins.PluginCallFailure;
import org.bptt.datasets.AddingProblem;
import org.bptt.datasets.PascanuTask;
import org.bptt.datasets.SequenceTask;
import org.bptt.experiments.TestCalls;
import org.bptt.reference.ReferenceAggregatedRnn;
import org.junit.jupiter.api.Test;

/** The squared-error outputs' loss and gradients, checked against central finite differences of the loss they define. */
class SquaredErrorOutputTest {

    private static final double STEP = 1e-6;

    @Test
    void gradientsOfAnElmanNetworkAreThoseOfFiniteDifferences() throws PluginCallFailure {
        SequenceTask task = new PascanuTask(PascanuTask.Kind.ADDING, 10);
        ModelSpec spec = task.spec(5, Activation.TANH);
        checkAgainstFiniteDifferences(spec, task.batch(6, 3L), parameters(spec, 1L), SquaredErrorOutput.Squash.LINEAR);
    }

    /** Hochreiter &amp; Schmidhuber's output: σ(o) with squared error, whose error signal carries the factor σ(1 − σ). */
    @Test
    void gradientsOfTheSigmoidOutputAreThoseOfFiniteDifferences() throws PluginCallFailure {
        AddingProblem task = new AddingProblem(6, true);
        ModelSpec spec = task.spec(4, Activation.TANH);
        checkAgainstFiniteDifferences(spec, task.batch(5, 8L), parameters(spec, 5L), SquaredErrorOutput.Squash.SIGMOID);
    }

    /** Sequences of different lengths (a mask): o reads each sequence's own last state. */
    @Test
    void gradientsOfAnLstmOnMaskedSequencesAreThoseOfFiniteDifferences() throws PluginCallFailure {
        AddingProblem task = new AddingProblem(8, true);
        ModelSpec spec = new ModelSpec(Cell.LSTM, CellOptions.lstm(false, false), task.inputSize(), 3,
                task.outputSize(), Activation.TANH, Head.LAST_STEP_SIGMOID, true, LossReduction.MEAN_OVER_BATCH,
                DataType.FLOAT64);
        Batch batch = task.batch(5, 4L);
        assertTrue(batch.mask() != null, "the batch has sequences of different lengths");
        checkAgainstFiniteDifferences(spec, batch, parameters(spec, 2L), SquaredErrorOutput.Squash.LINEAR);
    }

    /** o ≈ 6 against targets in [0, 1]: the error signal exceeds what σ(o) leaves room for, so s > 1 is needed. */
    @Test
    void largeErrorsAreCarriedByTheScaledTarget() throws PluginCallFailure {
        SequenceTask task = new PascanuTask(PascanuTask.Kind.MULTIPLICATION, 10);
        ModelSpec spec = task.spec(4, Activation.TANH);
        Parameters parameters = parameters(spec, 3L).with(ParameterNames.C, Tensor.of(new double[] {6.0}, 1));
        checkAgainstFiniteDifferences(spec, task.batch(4, 5L), parameters, SquaredErrorOutput.Squash.LINEAR);
    }

    /** L = (1/B) Σ_b (o_b − t_b)², with o_b = V h_b + c written out from the hidden states. */
    @Test
    void lossIsTheMeanSquaredErrorOfTheLinearOutput() throws PluginCallFailure {
        SequenceTask task = new PascanuTask(PascanuTask.Kind.ADDING, 10);
        ModelSpec spec = task.spec(3, Activation.TANH);
        Parameters parameters = parameters(spec, 4L);
        Batch batch = task.batch(3, 6L);
        SquaredErrorOutput output = new SquaredErrorOutput(TestCalls.isolated(new ReferenceAggregatedRnn()), spec,
                SquaredErrorOutput.Squash.LINEAR);
        SquaredErrorOutput.Prediction prediction = output.predict(parameters, batch);
        Tensor states = prediction.forward().hiddenStates();
        double expected = 0;
        for (int b = 0; b < 3; b++) {
            double o = parameters.get(ParameterNames.C).get(0);
            for (int j = 0; j < 3; j++) {
                o += parameters.get(ParameterNames.V).get(0, j) * states.get(b, batch.steps() - 1, j);
            }
            assertEquals(o, prediction.outputs().get(b, 0), 1e-15);
            expected += (o - batch.targets().get(b, 0)) * (o - batch.targets().get(b, 0)) / 3;
        }
        assertEquals(expected, prediction.loss(), 1e-15);
    }

    @Test
    void aHeadOtherThanTheSigmoidIsRefused() {
        ModelSpec softmax = new PascanuTask(PascanuTask.Kind.TEMPORAL_ORDER, 10).spec(3, Activation.TANH);
        assertThrows(InvalidInputException.class,
                () -> new SquaredErrorOutput(TestCalls.isolated(new ReferenceAggregatedRnn()), softmax,
                        SquaredErrorOutput.Squash.LINEAR));
    }

    private static Parameters parameters(ModelSpec spec, long seed) {
        return CaseGenerator.parameters(spec, CaseGenerator.Options.defaults(), new SplittableRandom(seed));
    }

    /** Every parameter's every element against central differences of L. */
    private static void checkAgainstFiniteDifferences(ModelSpec spec, Batch batch, Parameters parameters,
                                                      SquaredErrorOutput.Squash squash) throws PluginCallFailure {
        SquaredErrorOutput output = new SquaredErrorOutput(TestCalls.isolated(new ReferenceAggregatedRnn()), spec, squash);
        GradientResult gradients = output.gradients(parameters, batch, output.predict(parameters, batch));
        assertEquals(output.predict(parameters, batch).loss(), gradients.loss(), 0.0);
        int checked = 0;
        for (String name : parameters.byName().keySet()) {
            double[] values = parameters.get(name).data();
            for (int i = 0; i < values.length; i++) {
                Parameters up = parameters.copy();
                up.get(name).data()[i] = values[i] + STEP;
                Parameters down = parameters.copy();
                down.get(name).data()[i] = values[i] - STEP;
                double difference = (output.predict(up, batch).loss() - output.predict(down, batch).loss()) / (2 * STEP);
                double analytic = gradients.parameterGradients().get(name).data()[i];
                assertEquals(difference, analytic, 1e-7 * Math.max(1, Math.abs(difference)),
                        "dL/d" + name + "[" + i + "]");
                checked++;
            }
        }
        assertTrue(checked > 20, "checked " + checked + " elements");
    }
}
