package org.bptt.reference;

import static org.bptt.reference.TensorAssertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.bptt.api.Batch;
import org.bptt.api.Case;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Masks on the gated cells: a padded batch is the sum of its sequences, each run on its own at its own length; the
 * padded steps' inputs change nothing, and their hidden states, cell states and input gradients are zero.
 */
class TestGatedMasks extends ReferenceTestBase {

    private static final int[] LENGTHS = {6, 2, 4};
    private static final int STEPS = 6;

    @Test
    void aPaddedBatchIsTheSumOfItsSequencesRunAlone() {
        for (ModelSpec spec : GatedSpecs.everyOption(ModelSpec.of(2, 3, 4))) {
            Case testCase = RandomCases.build(spec, LENGTHS, STEPS, true, true, random);
            Parameters parameters = testCase.parameters();
            Batch batch = testCase.batch();
            GradientResult padded = AggregatedBptt.gradients(spec, parameters, batch, new StepBackpropCounter());
            ForwardResult forward = new RecurrentNetwork(spec, parameters).forward(batch);
            double lossSum = 0;
            Parameters gradientSum = Parameters.zeros(spec);
            for (int sequence = 0; sequence < LENGTHS.length; sequence++) {
                Batch alone = alone(batch, sequence, spec);
                GradientResult gradients = AggregatedBptt.gradients(spec, parameters, alone, new StepBackpropCounter());
                lossSum += gradients.loss();
                for (String name : gradientSum.byName().keySet()) {
                    for (int i = 0; i < gradientSum.get(name).length(); i++) {
                        gradientSum.get(name).data()[i] += gradients.parameterGradients().get(name).data()[i];
                    }
                }
                String what = spec.label() + " sequence " + sequence;
                for (int t = 0; t < STEPS; t++) {
                    for (int i = 0; i < spec.hiddenSize(); i++) {
                        double h = t < LENGTHS[sequence] ? gradients.hiddenStateGradients().get(0, t, i) : 0;
                        assertClose(what + " dL/dh[" + t + "]", h, padded.hiddenStateGradients().get(sequence, t, i), 1e-12, 1e-15);
                        if (t >= LENGTHS[sequence]) {
                            assertEquals(0.0, forward.hiddenStates().get(sequence, t, i), what + " padded h[" + t + "]");
                            if (spec.cell().hasCellState()) {
                                assertEquals(0.0, forward.cellStates().get(sequence, t, i), what + " padded c[" + t + "]");
                            }
                        }
                    }
                    for (int j = 0; j < spec.inputSize(); j++) {
                        double x = t < LENGTHS[sequence] ? gradients.inputGradients().get(0, t, j) : 0;
                        assertClose(what + " dL/dx[" + t + "]", x, padded.inputGradients().get(sequence, t, j), 1e-12, 1e-15);
                    }
                }
                assertClose(what + " dL/dh_{-1}", gradients.initialStateGradients(),
                        row(padded.initialStateGradients(), sequence), 1e-12, 1e-15);
                if (spec.cell().hasCellState()) {
                    assertClose(what + " dL/dc_{-1}", gradients.initialCellStateGradients(),
                            row(padded.initialCellStateGradients(), sequence), 1e-12, 1e-15);
                }
            }
            assertClose(spec.label() + " loss", lossSum, padded.loss(), 1e-12, 0);
            for (String name : gradientSum.byName().keySet()) {
                assertClose(spec.label() + " dL/d" + name, gradientSum.get(name), padded.parameterGradients().get(name), 1e-12, 1e-14);
            }
            Tensor noise = batch.inputs().copy();
            for (int sequence = 0; sequence < LENGTHS.length; sequence++) {
                for (int t = LENGTHS[sequence]; t < STEPS; t++) {
                    for (int j = 0; j < spec.inputSize(); j++) {
                        noise.set(1e6, sequence, t, j);
                    }
                }
            }
            Batch noisy = new Batch(noise, batch.targets(), batch.mask(), batch.initialState(), batch.initialCellState());
            assertEquals(forward.loss(), new RecurrentNetwork(spec, parameters).forward(noisy).loss(),
                    spec.label() + ": the inputs at padded steps changed the loss");
        }
    }

    /** Sequence {@code sequence} of {@code batch} as a batch of its own, cut to its length, without a mask. */
    private static Batch alone(Batch batch, int sequence, ModelSpec spec) {
        int length = LENGTHS[sequence];
        Tensor inputs = Tensor.zeros(1, length, spec.inputSize());
        Tensor targets = Tensor.zeros(1, length, spec.outputSize());
        for (int t = 0; t < length; t++) {
            for (int j = 0; j < spec.inputSize(); j++) {
                inputs.set(batch.inputs().get(sequence, t, j), 0, t, j);
            }
            for (int k = 0; k < spec.outputSize(); k++) {
                targets.set(batch.targets().get(sequence, t, k), 0, t, k);
            }
        }
        return new Batch(inputs, targets, null, row(batch.initialState(), sequence),
                batch.initialCellState() == null ? null : row(batch.initialCellState(), sequence));
    }

    /** Row {@code row} of a {@code [B, H]} tensor, as {@code [1, H]}. */
    private static Tensor row(Tensor tensor, int row) {
        int size = tensor.size(1);
        Tensor copy = Tensor.zeros(1, size);
        for (int i = 0; i < size; i++) {
            copy.set(tensor.get(row, i), 0, i);
        }
        return copy;
    }
}
