package org.bptt.coursework;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bptt.api.Activation;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.DataType;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Quantity;
import org.bptt.api.Tensor;
import org.bptt.core.compare.IndexLabels;
import org.bptt.core.compare.QuantityComparison;
import org.bptt.core.compare.TensorComparator;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.reference.ReferenceAggregatedRnn;
import org.junit.jupiter.api.Test;

/**
 * The tape's reverse sweep, the forward-mode recursion and the BPTT table against the reference plugin
 * (reference-aggregated, a separate implementation on EJML), on random specs covering every activation, head,
 * reduction, with and without biases and h_{-1}, within the harness's default tolerance policy.
 */
class TapeAgainstReferenceTest {

    private static final TensorComparator COMPARATOR = new TensorComparator(TolerancePolicy.defaults());

    /** Random small examples: every activation × head × reduction × biases × h_{-1}, random sizes, T and seed. */
    static List<ExplainCase> randomExamples() {
        SplittableRandom random = new SplittableRandom(20261127);
        List<ExplainCase> examples = new ArrayList<>();
        for (Activation activation : Activation.values()) {
            for (Head head : Head.values()) {
                for (LossReduction reduction : LossReduction.values()) {
                    for (boolean biases : new boolean[] {true, false}) {
                        for (boolean initialState : new boolean[] {true, false}) {
                            int d = 1 + random.nextInt(3);
                            int h = 1 + random.nextInt(3);
                            int k = head == Head.LAST_STEP_SIGMOID ? 1 : 1 + random.nextInt(3);
                            int steps = 1 + random.nextInt(4);
                            ModelSpec spec = new ModelSpec(Cell.ELMAN, d, h, k, activation, head, biases, reduction, DataType.FLOAT64);
                            examples.add(new ExplainCase(spec, steps, initialState, random.nextLong()));
                        }
                    }
                }
            }
        }
        return examples;
    }

    @Test
    void everyAdjointOfTheTapeEqualsTheReferenceGradient() {
        for (ExplainCase example : randomExamples()) {
            Case source = example.toCase();
            Tape tape = Tape.record(source);
            GradientResult reference = new ReferenceAggregatedRnn().gradients(source.spec(), source.parameters(), source.batch());
            String where = example.describe();
            assertPasses(COMPARATOR.compareScalar(new Quantity("L"), reference.loss(), tape.node("L").value()[0][0], DataType.FLOAT64,
                    example.steps()), where);
            for (String parameter : ParameterNames.ALL) {
                Tensor expected = reference.parameterGradients().get(parameter);
                double[][] adjoint = tape.parameterGradient(parameter);
                if (expected == null) {
                    assertEquals(null, adjoint, where);
                    continue;
                }
                compare("dL/d" + parameter, expected, SmallMatrices.toTensor(adjoint, expected.rank() == 1), example, where);
            }
            for (int t = 0; t < example.steps(); t++) {
                compare("dL/dh_" + t, slice(reference.hiddenStateGradients(), t),
                        SmallMatrices.toTensor(tape.adjoint(tape.indexOf("h_" + t)), true), example, where);
                compare("dL/dx_" + t, slice(reference.inputGradients(), t),
                        SmallMatrices.toTensor(tape.adjoint(tape.indexOf("x_" + t)), true), example, where);
            }
            if (example.initialState()) {
                compare("dL/dh_{-1}", Tensor.of(reference.initialStateGradients().data(), source.spec().hiddenSize()),
                        SmallMatrices.toTensor(tape.adjoint(tape.indexOf("h_{-1}")), true), example, where);
            }
        }
    }

    @Test
    void theTapesForwardValuesEqualTheReferenceForwardPass() {
        for (ExplainCase example : randomExamples()) {
            Case source = example.toCase();
            Tape tape = Tape.record(source);
            ForwardResult reference = new ReferenceAggregatedRnn().forward(source.spec(), source.parameters(), source.batch());
            for (int t = 0; t < example.steps(); t++) {
                compare("h_" + t, slice(reference.hiddenStates(), t), SmallMatrices.toTensor(tape.node("h_" + t).value(), true),
                        example, example.describe());
            }
            int last = example.steps() - 1;
            Tensor lastOutput = source.spec().head().lastStepOnly()
                    ? Tensor.of(reference.outputs().data(), source.spec().outputSize())
                    : slice(reference.outputs(), last);
            compare("y_" + last, lastOutput, SmallMatrices.toTensor(tape.node("y_" + last).value(), true), example,
                    example.describe());
        }
    }

    @Test
    void forwardModeContractedWithTheDirectGradientsGivesTheReferenceGradient() {
        for (ExplainCase example : randomExamples()) {
            Case source = example.toCase();
            ForwardMode forwardMode = ForwardMode.of(Tape.record(source));
            GradientResult reference = new ReferenceAggregatedRnn().gradients(source.spec(), source.parameters(), source.batch());
            List<String> expectedParameters = source.spec().biases() ? List.of("U", "W", "b") : List.of("U", "W");
            assertEquals(expectedParameters, forwardMode.parameters());
            for (String parameter : forwardMode.parameters()) {
                Tensor expected = reference.parameterGradients().get(parameter);
                compare("dL/d" + parameter + " (forward mode)", expected,
                        SmallMatrices.toTensor(forwardMode.contractedGradient(parameter), expected.rank() == 1), example,
                        example.describe());
            }
        }
    }

    /**
     * Each element of ∂h_t/∂θ against a central finite difference of the reference's own forward pass, h_t(θ + ε)
     * − h_t(θ − ε) over 2ε: second-order error ~ε² ≈ 1e-10 and rounding ~1e-16/ε ≈ 1e-10, so 1e-7 is a wide margin
     * that still catches any wrong term (those are of order 0.01 to 1).
     */
    @Test
    void everyForwardModeDerivativeEqualsFiniteDifferencesOfTheReferenceHiddenStates() {
        double epsilon = 1e-5;
        for (ExplainCase example : randomExamples().subList(0, 40)) {
            Case source = example.toCase();
            ForwardMode forwardMode = ForwardMode.of(Tape.record(source));
            for (String parameter : forwardMode.parameters()) {
                Tensor value = source.parameters().get(parameter);
                for (int element = 0; element < value.length(); element++) {
                    Tensor plus = hidden(source, parameter, element, +epsilon);
                    Tensor minus = hidden(source, parameter, element, -epsilon);
                    int p = value.rank() == 1 ? element : element / value.size(1);
                    int q = value.rank() == 1 ? 0 : element % value.size(1);
                    for (int t = 0; t < example.steps(); t++) {
                        double[][][] jacobian = forwardMode.jacobian(parameter, t);
                        for (int i = 0; i < source.spec().hiddenSize(); i++) {
                            double finiteDifference = (plus.get(0, t, i) - minus.get(0, t, i)) / (2 * epsilon);
                            double error = Math.abs(jacobian[i][p][q] - finiteDifference);
                            int step = t;
                            int row = i;
                            assertTrue(error < 1e-7, () -> "∂h_" + step + "[" + row + "]/∂" + parameter + "[" + p + "][" + q
                                    + "]: forward mode " + jacobian[row][p][q] + ", finite differences " + finiteDifference
                                    + " in " + example.describe());
                        }
                    }
                }
            }
        }
    }

    @Test
    void theBpttTableSumsToTheReferenceGradient() {
        for (ExplainCase example : randomExamples()) {
            Case source = example.toCase();
            BpttTable table = BpttTable.of(Tape.record(source));
            GradientResult reference = new ReferenceAggregatedRnn().gradients(source.spec(), source.parameters(), source.batch());
            int lossTerms = source.spec().head().lastStepOnly() ? 1 : example.steps();
            int expectedRows = source.spec().head().lastStepOnly() ? example.steps() : example.steps() * (example.steps() + 1) / 2;
            assertEquals(expectedRows, table.rows().size(), example.describe());
            assertTrue(lossTerms >= 1);
            for (String parameter : ParameterNames.ALL) {
                Tensor expected = reference.parameterGradients().get(parameter);
                if (expected != null) {
                    compare("Σ table " + parameter, expected, table.sum(parameter), example, example.describe());
                }
            }
            int lagTerms = table.lags().stream().mapToInt(BpttTable.LagNorms::terms).sum();
            assertEquals(table.rows().size(), lagTerms, "every row is counted under exactly one lag");
        }
    }

    private static Tensor hidden(Case source, String parameter, int element, double delta) {
        Tensor shifted = source.parameters().get(parameter).copy();
        shifted.data()[element] += delta;
        Parameters parameters = source.parameters().with(parameter, shifted);
        return new ReferenceAggregatedRnn().forward(source.spec(), parameters, source.batch()).hiddenStates();
    }

    /** Row t of a {@code [1, T, n]} tensor, as {@code [n]}. */
    private static Tensor slice(Tensor perStep, int t) {
        int n = perStep.size(2);
        double[] row = new double[n];
        System.arraycopy(perStep.data(), perStep.offset(0, t, 0), row, 0, n);
        return Tensor.of(row, n);
    }

    private static void compare(String quantity, Tensor expected, Tensor actual, ExplainCase example, String where) {
        QuantityComparison comparison = COMPARATOR.compare(new Quantity(quantity), expected, actual, null,
                IndexLabels.generic(expected.rank()), DataType.FLOAT64, example.steps());
        assertPasses(comparison, where);
    }

    private static void assertPasses(QuantityComparison comparison, String where) {
        assertTrue(comparison.passed(), () -> comparison.describe() + " in " + where);
    }
}
