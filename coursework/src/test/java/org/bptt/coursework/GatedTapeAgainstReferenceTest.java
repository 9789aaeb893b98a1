package org.bptt.coursework;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.CellOptions;
import org.bptt.api.DataType;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Quantity;
import org.bptt.api.ResetPlacement;
import org.bptt.api.Tensor;
import org.bptt.core.cases.CaseGenerator;
import org.bptt.core.compare.IndexLabels;
import org.bptt.core.compare.QuantityComparison;
import org.bptt.core.compare.TensorComparator;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.reference.ReferenceAggregatedRnn;
import org.junit.jupiter.api.Test;

/**
 * The tape of a GRU (reset before and after the product) and an LSTM (with and without peepholes), with one, two or
 * no biases, every head, a given or zero h_{-1} (and c_{-1}), and with or without a mask that cuts the sequence
 * short: its loss, every parameter adjoint and the adjoints of x_t, h_t, h_{-1} and c_{-1} against the reference's
 * aggregated BPTT (a separate implementation on EJML) within the harness's default tolerance, and every parameter
 * adjoint against central finite differences of the reference's forward loss.
 */
class GatedTapeAgainstReferenceTest {

    private static final TensorComparator COMPARATOR = new TensorComparator(TolerancePolicy.defaults());

    /** A gated example with the case it is recorded from, which may carry a mask. */
    record Example(String where, Case source) {
    }

    static List<Example> gatedExamples() {
        SplittableRandom random = new SplittableRandom(20261206);
        List<CellOptions> options = new ArrayList<>();
        for (ResetPlacement placement : ResetPlacement.values()) {
            options.add(CellOptions.gru(placement, false));
            options.add(CellOptions.gru(placement, true));
        }
        for (boolean peepholes : new boolean[] {false, true}) {
            options.add(CellOptions.lstm(peepholes, false));
            options.add(CellOptions.lstm(peepholes, true));
        }
        List<Example> examples = new ArrayList<>();
        for (CellOptions cellOptions : options) {
            Cell cell = cellOptions.resetPlacement() != null ? Cell.GRU : Cell.LSTM;
            for (Head head : Head.values()) {
                for (boolean biases : new boolean[] {true, false}) {
                    if (!biases && cellOptions.twoBiases()) {
                        continue;
                    }
                    for (boolean initialState : new boolean[] {true, false}) {
                        for (boolean masked : new boolean[] {false, true}) {
                            int d = 1 + random.nextInt(3);
                            int h = 1 + random.nextInt(3);
                            int k = head == Head.LAST_STEP_SIGMOID ? 1 : 1 + random.nextInt(3);
                            int steps = 2 + random.nextInt(3);
                            LossReduction reduction = LossReduction.values()[random.nextInt(LossReduction.values().length)];
                            ModelSpec spec = new ModelSpec(cell, cellOptions, d, h, k, Activation.TANH, head, biases, reduction,
                                    DataType.FLOAT64);
                            Case generated = new ExplainCase(spec, steps, initialState, random.nextLong()).toCase();
                            int length = masked ? 1 + random.nextInt(steps - 1) : steps;
                            examples.add(new Example(generated.description() + (masked ? ", mask of length " + length : ""),
                                    masked ? withMask(generated, length) : generated));
                        }
                    }
                }
            }
        }
        return examples;
    }

    @Test
    void theExamplesCoverEveryCellOption() {
        List<Example> examples = gatedExamples();
        assertEquals(2 * 3 * 3 * 2 * 2 * 2, examples.size(), "(GRU × 2 placements + LSTM × 2) × 3 bias settings × 3 heads × h_{-1} × mask");
        assertTrue(examples.stream().anyMatch(e -> e.source().batch().mask() != null && e.source().batch().initialCellState() != null));
    }

    @Test
    void everyAdjointOfAGatedTapeEqualsTheReferenceGradient() {
        for (Example example : gatedExamples()) {
            Case source = example.source();
            Tape tape = Tape.record(source);
            GradientResult reference = new ReferenceAggregatedRnn().gradients(source.spec(), source.parameters(), source.batch());
            int steps = tape.length();
            assertTrue(COMPARATOR.compareScalar(new Quantity("L"), reference.loss(), tape.node("L").value()[0][0],
                    DataType.FLOAT64, steps).passed(), () -> "L in " + example.where());
            for (String parameter : ParameterNames.ALL) {
                Tensor expected = reference.parameterGradients().get(parameter);
                double[][] adjoint = tape.parameterGradient(parameter);
                if (expected == null) {
                    assertNull(adjoint, example.where());
                    continue;
                }
                compare("dL/d" + parameter, expected, SmallMatrices.toTensor(adjoint, expected.rank() == 1), steps, example);
            }
            for (int t = 0; t < steps; t++) {
                compare("dL/dh_" + t, slice(reference.hiddenStateGradients(), t),
                        SmallMatrices.toTensor(tape.adjoint(tape.indexOf("h_" + t)), true), steps, example);
                compare("dL/dx_" + t, slice(reference.inputGradients(), t),
                        SmallMatrices.toTensor(tape.adjoint(tape.indexOf("x_" + t)), true), steps, example);
            }
            int hidden = source.spec().hiddenSize();
            if (source.batch().initialState() != null) {
                compare("dL/dh_{-1}", Tensor.of(reference.initialStateGradients().data(), hidden),
                        SmallMatrices.toTensor(tape.adjoint(tape.indexOf("h_{-1}")), true), steps, example);
            }
            if (source.batch().initialCellState() != null) {
                compare("dL/dc_{-1}", Tensor.of(reference.initialCellStateGradients().data(), hidden),
                        SmallMatrices.toTensor(tape.adjoint(tape.indexOf("c_{-1}")), true), steps, example);
            }
        }
    }

    /**
     * Each parameter adjoint against (L(θ + ε) − L(θ − ε)) / 2ε of the reference's forward pass: truncation error
     * ~ε² ≈ 1e-10 and rounding ~1e-16/ε ≈ 1e-11, so 1e-7 is a wide margin that still catches a missing or wrong
     * chain-rule term (those are of order 1e-3 to 1).
     */
    @Test
    void everyParameterAdjointOfAGatedTapeEqualsFiniteDifferencesOfTheReferenceLoss() {
        double epsilon = 1e-5;
        for (Example example : gatedExamples()) {
            Case source = example.source();
            Tape tape = Tape.record(source);
            for (String parameter : source.parameters().byName().keySet()) {
                Tensor value = source.parameters().get(parameter);
                double[][] adjoint = tape.parameterGradient(parameter);
                for (int element = 0; element < value.length(); element++) {
                    double finiteDifference = (loss(source, parameter, element, +epsilon) - loss(source, parameter, element, -epsilon))
                            / (2 * epsilon);
                    int row = value.rank() == 1 ? element : element / value.size(1);
                    int column = value.rank() == 1 ? 0 : element % value.size(1);
                    double error = Math.abs(adjoint[row][column] - finiteDifference);
                    int index = element;
                    assertTrue(error < 1e-7, () -> "dL/d" + parameter + "[" + index + "]: tape " + adjoint[row][column]
                            + ", finite differences " + finiteDifference + " in " + example.where());
                }
            }
        }
    }

    /** The same case with a mask of ones on its first {@code length} steps and zeros after. */
    static Case withMask(Case source, int length) {
        Batch batch = source.batch();
        double[] mask = new double[batch.steps()];
        java.util.Arrays.fill(mask, 0, length, 1.0);
        Batch masked = new Batch(batch.inputs(), batch.targets(), Tensor.of(mask, 1, batch.steps()), batch.initialState(),
                batch.initialCellState());
        Case result = new Case(source.id() + "-masked", source.description(), source.spec(), source.parameters(), masked,
                source.seed());
        result.validate();
        return result;
    }

    private static double loss(Case source, String parameter, int element, double delta) {
        Tensor shifted = source.parameters().get(parameter).copy();
        shifted.data()[element] += delta;
        Parameters parameters = source.parameters().with(parameter, shifted);
        return new ReferenceAggregatedRnn().forward(source.spec(), parameters, source.batch()).loss();
    }

    /** Row t of a {@code [1, T, n]} tensor, as {@code [n]}. */
    private static Tensor slice(Tensor perStep, int t) {
        int n = perStep.size(2);
        double[] row = new double[n];
        System.arraycopy(perStep.data(), perStep.offset(0, t, 0), row, 0, n);
        return Tensor.of(row, n);
    }

    private static void compare(String quantity, Tensor expected, Tensor actual, int steps, Example example) {
        QuantityComparison comparison = COMPARATOR.compare(new Quantity(quantity), expected, actual, null,
                IndexLabels.generic(expected.rank()), DataType.FLOAT64, steps);
        assertTrue(comparison.passed(), () -> comparison.describe() + " in " + example.where());
    }
}
