package org.bptt.reference;

import static org.bptt.reference.TensorAssertions.assertSameGradients;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.bptt.api.Activation;
import org.bptt.api.Case;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The three exact algorithms (aggregated BPTT, naive BPTT, RTRL) give the same loss and gradients on every
 * activation × head × biases × mask × h_{-1} combination, for B ∈ {1, 3} and T ∈ {1, 2, 3, 17, 64}.
 *
 * <p>Tolerance: 1e-12 relative per element, plus an absolute floor of 1e-14 times the largest element of the
 * tensor. The three algorithms sum the same products in different orders (aggregated: Vᵀg + Wᵀp per step; naive: one
 * chain per loss term, summed afterwards; RTRL: Jacobians multiplied forward), so each element differs by
 * rounding, about ε = 1.1e-16 times the magnitude of the terms it sums, times the number of terms. An element that
 * is a near-cancelling sum of larger terms can therefore have a large error relative to itself, but not relative to
 * the size of those terms, which the tensor's largest element bounds in these well-scaled cases (the floor allows
 * ~90 ε of it, enough for 64-step sums).
 */
class TestAlgorithmsAgree extends ReferenceTestBase {

    static final double RELATIVE = 1e-12;
    static final double FLOOR = 1e-14;

    static Stream<Arguments> models() {
        List<Arguments> models = new ArrayList<>();
        for (Activation activation : Activation.values()) {
            for (Head head : Head.values()) {
                for (boolean biases : new boolean[] {true, false}) {
                    models.add(Arguments.of(activation, head, biases));
                }
            }
        }
        return models.stream();
    }

    @ParameterizedTest(name = "{0} {1} biases={2}")
    @MethodSource("models")
    void naiveAggregatedAndRtrlAgree(Activation activation, Head head, boolean biases) {
        int combination = 0;
        for (boolean masked : new boolean[] {false, true}) {
            for (boolean initialState : new boolean[] {false, true}) {
                for (int batchSize : new int[] {1, 3}) {
                    for (int steps : new int[] {1, 2, 3, 17, 64}) {
                        LossReduction reduction = LossReduction.values()[combination++ % LossReduction.values().length];
                        ModelSpec spec = ModelSpec.of(3, 4, 3).withActivation(activation).withHead(head)
                                .withBiases(biases).withReduction(reduction);
                        Case testCase = RandomCases.build(spec, batchSize, steps, masked, initialState, random);
                        GradientResult aggregated = AggregatedBptt.gradients(spec, testCase.parameters(), testCase.batch(),
                                new StepBackpropCounter());
                        GradientResult naive = NaiveBptt.gradients(spec, testCase.parameters(), testCase.batch(),
                                new StepBackpropCounter());
                        GradientResult rtrl = RealTimeRecurrentLearning.gradients(spec, testCase.parameters(), testCase.batch());
                        assertSameGradients(testCase.id() + " naive vs aggregated", aggregated, naive, RELATIVE, FLOOR);
                        assertSameGradients(testCase.id() + " rtrl vs aggregated", aggregated, rtrl, RELATIVE, FLOOR);
                    }
                }
            }
        }
    }
}
