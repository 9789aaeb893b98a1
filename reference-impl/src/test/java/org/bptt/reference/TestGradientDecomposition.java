package org.bptt.reference;

import static org.bptt.reference.TensorAssertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.bptt.api.Case;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.junit.jupiter.api.Test;

/** The per-lag decomposition adds up to the full gradients, and each part has the structure the chain rule gives it. */
class TestGradientDecomposition extends ReferenceTestBase {

    /** Same sums in another order (see {@link TestAlgorithmsAgree}). */
    private static final double RELATIVE = 1e-12;
    private static final double FLOOR = 1e-14;

    @Test
    void contributionsOfAllSequencesSumToTheGradients() {
        for (Head head : Head.values()) {
            for (boolean biases : new boolean[] {true, false}) {
                ModelSpec spec = ModelSpec.of(3, 4, 3).withHead(head).withBiases(biases).withReduction(LossReduction.MEAN_OVER_TERMS);
                Case testCase = RandomCases.build(spec, new int[] {6, 3}, 6, true, true, random);
                GradientResult gradients = AggregatedBptt.gradients(spec, testCase.parameters(), testCase.batch(), new StepBackpropCounter());
                Parameters sum = Parameters.zeros(spec);
                Tensor hiddenStateGradients = Tensor.zeros(2, 6, 4);
                for (int sequence = 0; sequence < 2; sequence++) {
                    GradientDecomposition decomposition = NaiveBptt.decompose(spec, testCase.parameters(), testCase.batch(), sequence);
                    int length = testCase.batch().length(sequence);
                    List<Integer> lossSteps = head.lastStepOnly() ? List.of(length - 1) : range(length);
                    assertEquals(lossSteps, decomposition.lossSteps(), spec.label() + " loss steps");
                    int expectedCount = head.lastStepOnly() ? length : length * (length + 1) / 2;
                    assertEquals(expectedCount, decomposition.contributions().size(), spec.label() + " contributions");
                    for (LagContribution contribution : decomposition.contributions()) {
                        for (String name : sum.byName().keySet()) {
                            add(sum.get(name), contribution.parameterGradients().get(name));
                        }
                        for (int i = 0; i < 4; i++) {
                            hiddenStateGradients.data()[hiddenStateGradients.offset(sequence, contribution.step(), i)]
                                    += contribution.hiddenStateGradient().get(i);
                        }
                        if (!biases) {
                            assertNull(contribution.parameterGradients().get(ParameterNames.B), "no b without biases");
                        }
                    }
                }
                for (String name : ParameterNames.ALL) {
                    assertClose(spec.label() + " Σ contributions to dL/d" + name, gradients.parameterGradients().get(name),
                            sum.get(name), RELATIVE, FLOOR);
                }
                assertClose(spec.label() + " Σ contributions to dL/dh", gradients.hiddenStateGradients(), hiddenStateGradients,
                        RELATIVE, FLOOR);
            }
        }
    }

    /** J(t) uses V and c at step t only; one step back, ∂J(t)/∂h_{t-1} = Wᵀ (f'(a_t) ⊙ ∂J(t)/∂h_t). */
    @Test
    void eachContributionHasTheChainRulesStructure() {
        ModelSpec spec = ModelSpec.of(3, 4, 3);
        Case testCase = RandomCases.build(spec, 1, 5, false, true, random);
        GradientDecomposition decomposition = NaiveBptt.decompose(spec, testCase.parameters(), testCase.batch(), 0);
        PlainElman forward = new PlainElman(spec, testCase.parameters(), testCase.batch(), 0);
        Tensor w = testCase.parameters().get(ParameterNames.W);
        for (LagContribution contribution : decomposition.contributions()) {
            assertEquals(contribution.lossStep() - contribution.step(), contribution.lag());
            if (contribution.step() < contribution.lossStep()) {
                assertEquals(0.0, contribution.parameterGradients().get(ParameterNames.V).norm(), "V contribution at lag " + contribution.lag());
                assertEquals(0.0, contribution.parameterGradients().get(ParameterNames.C).norm(), "c contribution at lag " + contribution.lag());
                LagContribution later = decomposition.contribution(contribution.lossStep(), contribution.step() + 1);
                double[] expected = new double[4];
                for (int j = 0; j < 4; j++) {
                    for (int i = 0; i < 4; i++) {
                        double h = forward.hiddenStates[later.step()][i];
                        expected[j] += w.get(i, j) * (1 - h * h) * later.hiddenStateGradient().get(i);
                    }
                }
                assertClose("∂J(" + contribution.lossStep() + ")/∂h_" + contribution.step(), Tensor.of(expected, 4),
                        contribution.hiddenStateGradient(), 1e-13, 1e-15);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> decomposition.contribution(2, 3));
    }

    private static List<Integer> range(int length) {
        return java.util.stream.IntStream.range(0, length).boxed().toList();
    }

    private static void add(Tensor sum, Tensor term) {
        for (int i = 0; i < sum.length(); i++) {
            sum.data()[i] += term.data()[i];
        }
    }
}
