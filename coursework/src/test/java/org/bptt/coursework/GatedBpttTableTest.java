package org.bptt.coursework;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bptt.api.Batch;
import org.bptt.api.Case;
import org.bptt.api.DataType;
import org.bptt.api.GradientResult;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Quantity;
import org.bptt.api.Tensor;
import org.bptt.core.compare.IndexLabels;
import org.bptt.core.compare.QuantityComparison;
import org.bptt.core.compare.TensorComparator;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.reference.ReferenceAggregatedRnn;
import org.junit.jupiter.api.Test;

/**
 * A gated cell's BPTT table, on the examples of {@link GatedTapeAgainstReferenceTest}: its contributions sum to the
 * reference's aggregated gradients, and the state gradients it shows arriving at each step from the right are those
 * of an independent computation: the reference's gradient with respect to the initial state of the rest of the
 * sequence, started from the tape's h_k (and c_k).
 */
class GatedBpttTableTest {

    private static final TensorComparator COMPARATOR = new TensorComparator(TolerancePolicy.defaults());

    @Test
    void theContributionsOfAGatedTableSumToTheReferenceGradient() {
        for (GatedTapeAgainstReferenceTest.Example example : GatedTapeAgainstReferenceTest.gatedExamples()) {
            Case source = example.source();
            Tape tape = Tape.record(source);
            BpttTable table = BpttTable.of(tape);
            GradientResult reference = new ReferenceAggregatedRnn().gradients(source.spec(), source.parameters(), source.batch());
            int length = tape.length();
            int expectedRows = source.spec().head().lastStepOnly() ? length : length * (length + 1) / 2;
            assertEquals(expectedRows, table.rows().size(), example.where());
            assertEquals(length, table.steps().size(), example.where());
            for (String parameter : ParameterNames.ALL) {
                Tensor expected = reference.parameterGradients().get(parameter);
                if (expected == null) {
                    assertNull(table.sum(parameter), example.where());
                    continue;
                }
                compare("Σ table " + parameter, expected, table.sum(parameter), length, example.where());
                Tensor bySteps = Tensor.zeros(expected.shape());
                for (BpttTable.StepRow step : table.steps()) {
                    Tensor contribution = step.contributions().get(parameter);
                    for (int i = 0; i < bySteps.length(); i++) {
                        bySteps.data()[i] += contribution.data()[i];
                    }
                }
                compare("Σ steps " + parameter, expected, bySteps, length, example.where());
            }
        }
    }

    /**
     * What reaches h_k (and c_k) from the right is the gradient of the later loss terms with respect to the state
     * at k: run the reference on steps k + 1 … of the sequence from h_{-1} = h_k, c_{-1} = c_k, and rescale by the
     * ratio of the two losses' divisors.
     */
    @Test
    void theStateGradientsFromTheRightAreTheReferencesInitialStateGradientsOfTheRestOfTheSequence() {
        int compared = 0;
        for (GatedTapeAgainstReferenceTest.Example example : GatedTapeAgainstReferenceTest.gatedExamples()) {
            Case source = example.source();
            Tape tape = Tape.record(source);
            BpttTable table = BpttTable.of(tape);
            ModelSpec spec = source.spec();
            int length = tape.length();
            for (BpttTable.StepRow step : table.steps()) {
                int k = step.step();
                if (k == length - 1) {
                    assertEquals(0, SmallMatrices.norm(step.hiddenFromTheRight()), example.where());
                    continue;
                }
                Batch rest = rest(source, tape, k);
                GradientResult reference = new ReferenceAggregatedRnn().gradients(spec, source.parameters(), rest);
                double scale = spec.reduction().divisor(1, rest.lossTerms(spec.head()))
                        / spec.reduction().divisor(1, source.batch().lossTerms(spec.head()));
                compare("dL/dh_" + k + " from the right", scaled(reference.initialStateGradients(), scale),
                        SmallMatrices.toTensor(step.hiddenFromTheRight(), true), length, example.where());
                compare("dL/dh_" + k + " from the right (tape)", scaled(reference.initialStateGradients(), scale),
                        SmallMatrices.toTensor(tape.gradientFromTheRight("h_" + k, k), true), length, example.where());
                if (spec.cell().hasCellState()) {
                    compare("dL/dc_" + k + " from the right", scaled(reference.initialCellStateGradients(), scale),
                            SmallMatrices.toTensor(step.cellFromTheRight(), true), length, example.where());
                } else {
                    assertNull(step.cellFromTheRight());
                }
                compared++;
            }
        }
        assertTrue(compared > 100, "enough steps with a later step compared: " + compared);
    }

    /** Steps k + 1 … length − 1 of the case's sequence, unmasked, from the tape's h_k (and c_k). */
    private static Batch rest(Case source, Tape tape, int k) {
        ModelSpec spec = source.spec();
        Batch batch = source.batch();
        int steps = tape.length() - k - 1;
        int d = spec.inputSize();
        int outputs = spec.outputSize();
        double[] inputs = new double[steps * d];
        System.arraycopy(batch.inputs().data(), batch.inputs().offset(0, k + 1, 0), inputs, 0, steps * d);
        Tensor targets;
        if (spec.head().lastStepOnly()) {
            targets = batch.targets().copy();
        } else {
            double[] perStep = new double[steps * outputs];
            System.arraycopy(batch.targets().data(), batch.targets().offset(0, k + 1, 0), perStep, 0, steps * outputs);
            targets = Tensor.of(perStep, 1, steps, outputs);
        }
        int h = spec.hiddenSize();
        Tensor hidden = Tensor.of(SmallMatrices.toTensor(tape.node("h_" + k).value(), true).data(), 1, h);
        Tensor cell = spec.cell().hasCellState() ? Tensor.of(SmallMatrices.toTensor(tape.node("c_" + k).value(), true).data(), 1, h) : null;
        return new Batch(Tensor.of(inputs, 1, steps, d), targets, null, hidden, cell);
    }

    private static Tensor scaled(Tensor gradient, double scale) {
        double[] values = new double[gradient.length()];
        for (int i = 0; i < values.length; i++) {
            values[i] = gradient.data()[i] * scale;
        }
        return Tensor.of(values, values.length);
    }

    private static void compare(String quantity, Tensor expected, Tensor actual, int steps, String where) {
        QuantityComparison comparison = COMPARATOR.compare(new Quantity(quantity), expected, actual, null,
                IndexLabels.generic(expected.rank()), DataType.FLOAT64, steps);
        assertTrue(comparison.passed(), () -> comparison.describe() + " in " + where);
    }
}
