package org.bptt.reference;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleSupplier;
import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.Case;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Aggregated BPTT's dL/dθ, dL/dx_t and dL/dh_{-1} against central differences of the loss,
 * (L(θ + ε) − L(θ − ε)) / 2ε with ε = 1e-5.
 *
 * <p>Tolerance: 1e-6 relative, plus an absolute floor of 1e-9. The central difference itself is off by its truncation
 * error, about ε²/6 · |∂³L| ≈ 1e-11 here, and by the rounding of L, about 1e-16 · |L| / ε ≈ 1e-10 for losses of
 * order 10: gradient elements much smaller than 1e-3 cannot be checked to 1e-6 relative, hence the floor.
 * ReLU cases are redrawn until every pre-activation is at least 1e-3 from the kink, far beyond what a perturbation of
 * 1e-5 can move it.
 */
class TestFiniteDifferences extends ReferenceTestBase {

    private static final double EPSILON = 1e-5;
    private static final double RELATIVE = 1e-6;
    private static final double ABSOLUTE = 1e-9;

    @Test
    void tanhPerStepWithBiasesMaskAndInitialState() {
        check(spec(Activation.TANH, Head.PER_STEP_SOFTMAX, true, LossReduction.SUM), 3, 17, true, true);
    }

    @Test
    void sigmoidLastStepSoftmaxWithoutBiases() {
        check(spec(Activation.SIGMOID, Head.LAST_STEP_SOFTMAX, false, LossReduction.MEAN_OVER_TERMS), 3, 17, true, true);
    }

    @Test
    void reluLastStepSigmoid() {
        check(spec(Activation.RELU, Head.LAST_STEP_SIGMOID, true, LossReduction.MEAN_OVER_BATCH), 3, 5, false, true);
    }

    @Test
    void reluPerStep() {
        check(spec(Activation.RELU, Head.PER_STEP_SOFTMAX, true, LossReduction.MEAN_OVER_TERMS), 1, 3, false, false);
    }

    @Test
    void identityPerStepWithoutBiasesMasked() {
        check(spec(Activation.IDENTITY, Head.PER_STEP_SOFTMAX, false, LossReduction.MEAN_OVER_TERMS), 3, 17, true, false);
    }

    private static ModelSpec spec(Activation activation, Head head, boolean biases, LossReduction reduction) {
        return ModelSpec.of(3, 4, 3).withActivation(activation).withHead(head).withBiases(biases).withReduction(reduction);
    }

    private void check(ModelSpec spec, int batchSize, int steps, boolean masked, boolean initialState) {
        Case testCase = awayFromReluKink(spec, batchSize, steps, masked, initialState);
        Parameters parameters = testCase.parameters();
        Batch batch = testCase.batch();
        GradientResult gradients = AggregatedBptt.gradients(spec, parameters, batch, new StepBackpropCounter());
        ElmanRnnLoss loss = (p, b) -> new RecurrentNetwork(spec, p).forward(b).loss();
        for (String name : parameters.byName().keySet()) {
            Tensor copy = parameters.get(name).copy();
            Parameters perturbed = parameters.with(name, copy);
            compare(testCase.id() + " dL/d" + name, copy, gradients.parameterGradients().get(name),
                    () -> loss.of(perturbed, batch));
        }
        Tensor inputs = batch.inputs().copy();
        Batch withInputs = new Batch(inputs, batch.targets(), batch.mask(), batch.initialState());
        compare(testCase.id() + " dL/dx", inputs, gradients.inputGradients(), () -> loss.of(parameters, withInputs));
        Tensor state = batch.initialState() == null ? Tensor.zeros(batchSize, spec.hiddenSize()) : batch.initialState().copy();
        Batch withState = new Batch(batch.inputs(), batch.targets(), batch.mask(), state);
        compare(testCase.id() + " dL/dh_{-1}", state, gradients.initialStateGradients(), () -> loss.of(parameters, withState));
    }

    /** The loss as a function of the parameters and the batch. */
    private interface ElmanRnnLoss {
        double of(Parameters parameters, Batch batch);
    }

    private static void compare(String what, Tensor variable, Tensor gradient, DoubleSupplier loss) {
        int checked = CentralDifferences.compare(what, variable, gradient, loss, EPSILON, RELATIVE, ABSOLUTE);
        assertTrue(checked > 0, what + ": every gradient element is zero, nothing was checked");
    }

    /** A random case; for ReLU, redrawn until no pre-activation lies within 1e-3 of 0. */
    private Case awayFromReluKink(ModelSpec spec, int batchSize, int steps, boolean masked, boolean initialState) {
        for (int attempt = 0; attempt < 1000; attempt++) {
            Case candidate = RandomCases.build(spec, batchSize, steps, masked, initialState, random);
            if (spec.activation() != Activation.RELU || smallestAbsolutePreActivation(candidate) >= 1e-3) {
                return candidate;
            }
        }
        throw new AssertionError("no ReLU case with pre-activations away from 0 in 1000 draws");
    }

    private static double smallestAbsolutePreActivation(Case candidate) {
        double smallest = Double.POSITIVE_INFINITY;
        for (int sequence = 0; sequence < candidate.batch().batchSize(); sequence++) {
            smallest = Math.min(smallest, new PlainElman(candidate.spec(), candidate.parameters(), candidate.batch(), sequence)
                    .smallestAbsolutePreActivation());
        }
        return smallest;
    }
}
