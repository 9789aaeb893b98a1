package org.bptt.reference;

import static org.bptt.reference.TensorAssertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.bptt.api.Activation;
import org.bptt.api.Case;
import org.bptt.api.ForwardResult;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.Tensor;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/** The shared forward pass against a plain, independent one, and the numerically stable losses. */
class TestForwardPass extends ReferenceTestBase {

    /** Both passes evaluate the same expressions in a slightly different order: agreement to rounding. */
    private static final double RELATIVE = 1e-13;

    @Test
    void matchesAPlainForwardPassOnEveryCombination() {
        for (Activation activation : Activation.values()) {
            for (Head head : Head.values()) {
                for (LossReduction reduction : LossReduction.values()) {
                    ModelSpec spec = ModelSpec.of(3, 4, 3).withActivation(activation).withHead(head)
                            .withReduction(reduction).withBiases(reduction != LossReduction.SUM);
                    Case testCase = RandomCases.build(spec, 3, 9, true, reduction == LossReduction.MEAN_OVER_BATCH, random);
                    ForwardResult result = new RecurrentNetwork(spec, testCase.parameters()).forward(testCase.batch());
                    double lossSum = 0;
                    for (int sequence = 0; sequence < 3; sequence++) {
                        PlainElman plain = new PlainElman(spec, testCase.parameters(), testCase.batch(), sequence);
                        lossSum += plain.lossSum;
                        for (int t = 0; t < plain.hiddenStates.length; t++) {
                            for (int i = 0; i < 4; i++) {
                                assertClose(testCase.id() + " h[" + sequence + "][" + t + "][" + i + "]",
                                        plain.hiddenStates[t][i], result.hiddenStates().get(sequence, t, i), RELATIVE, 1e-15);
                            }
                            if (plain.outputs[t] != null) {
                                for (int r = 0; r < spec.outputSize(); r++) {
                                    double actual = head.lastStepOnly() ? result.outputs().get(sequence, r)
                                            : result.outputs().get(sequence, t, r);
                                    assertClose(testCase.id() + " y[" + sequence + "][" + t + "][" + r + "]",
                                            plain.outputs[t][r], actual, RELATIVE, 1e-15);
                                }
                            }
                        }
                    }
                    double divisor = switch (reduction) {
                        case SUM -> 1;
                        case MEAN_OVER_BATCH -> 3;
                        case MEAN_OVER_TERMS -> testCase.batch().lossTerms(head);
                    };
                    assertClose(testCase.id() + " loss", lossSum / divisor, result.loss(), RELATIVE, 0);
                }
            }
        }
    }

    @Test
    void softmaxCrossEntropyStaysFiniteForHugeLogits() {
        // o = (1000, 0), target (0, 1): log y_1 = 0 − logsumexp(o) = −(1000 + log(1 + e^−1000)) = −1000 in doubles.
        DMatrixRMaj probabilities = new DMatrixRMaj(1, 2);
        double loss = OutputLayer.softmaxCrossEntropy(new DMatrixRMaj(1, 2, true, 1000, 0), new DMatrixRMaj(1, 2, true, 0, 1),
                probabilities, 0);
        assertEquals(1000.0, loss);
        assertEquals(1.0, probabilities.get(0));
        assertEquals(0.0, probabilities.get(1));
    }

    @Test
    void sigmoidCrossEntropyStaysFiniteForHugeLogits() {
        // J = y* softplus(−o) + (1 − y*) softplus(o); softplus(800) = 800 + log1p(e^−800) = 800, softplus(−800) ≈ e^−800 = 0.
        DMatrixRMaj probability = new DMatrixRMaj(1, 1);
        assertEquals(800.0, OutputLayer.sigmoidCrossEntropy(new DMatrixRMaj(new double[] {800}), new DMatrixRMaj(new double[] {0}), probability, 0));
        assertEquals(1.0, probability.get(0));
        assertEquals(800.0, OutputLayer.sigmoidCrossEntropy(new DMatrixRMaj(new double[] {-800}), new DMatrixRMaj(new double[] {1}), probability, 0));
        assertEquals(0.0, probability.get(0));
        // A moderate case against the textbook formula: o = 0.3, y* = 0.25.
        double sigma = 1 / (1 + Math.exp(-0.3));
        assertClose("BCE(0.3, 0.25)", -(0.25 * Math.log(sigma) + 0.75 * Math.log(1 - sigma)),
                OutputLayer.sigmoidCrossEntropy(new DMatrixRMaj(new double[] {0.3}), new DMatrixRMaj(new double[] {0.25}), probability, 0),
                1e-15, 0);
    }

    @Test
    void maskedStepsAreZeroAndDoNotChangeTheLoss() {
        ModelSpec spec = ModelSpec.of(3, 4, 3);
        Case testCase = RandomCases.build(spec, new int[] {6, 2, 4}, 6, true, false, random);
        ForwardResult result = new RecurrentNetwork(spec, testCase.parameters()).forward(testCase.batch());
        // Changing the inputs at masked steps must change nothing.
        Tensor inputs = testCase.batch().inputs().copy();
        for (int sequence = 0; sequence < 3; sequence++) {
            for (int t = testCase.batch().length(sequence); t < 6; t++) {
                for (int j = 0; j < 3; j++) {
                    inputs.set(1e6, sequence, t, j);
                }
                for (int i = 0; i < 4; i++) {
                    assertEquals(0.0, result.hiddenStates().get(sequence, t, i), "masked h[" + sequence + "][" + t + "]");
                }
            }
        }
        var changed = new org.bptt.api.Batch(inputs, testCase.batch().targets(), testCase.batch().mask(), null);
        assertEquals(result.loss(), new RecurrentNetwork(spec, testCase.parameters()).forward(changed).loss());
    }
}
