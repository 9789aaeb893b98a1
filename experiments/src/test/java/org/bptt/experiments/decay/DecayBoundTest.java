package org.bptt.experiments.decay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.bptt.api.Activation;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.DataType;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Tensor;
import org.bptt.core.cases.CaseGenerator;
import org.bptt.core.cases.CaseGenerator.Rescaling;
import org.bptt.core.cases.WeightInit;
import org.bptt.reference.ReferenceAggregatedRnn;
import org.junit.jupiter.api.Test;

class DecayBoundTest {

    private final ReferenceAggregatedRnn reference = new ReferenceAggregatedRnn();

    /**
     * On random cases (sizes, lengths, heads, weight inits and rescaling targets drawn from a seeded generator), every
     * measured ratio ‖∂L/∂h_k‖ / ‖∂L/∂h_{T−1}‖ stays below (γσ_max)^lag × (1 + the stated allowance).
     */
    @Test
    void theBoundHoldsOnRandomCasesForEveryActivation() {
        SplittableRandom random = new SplittableRandom(20240611L);
        for (Activation activation : Activation.values()) {
            int checked = 0;
            double worst = 0;
            for (int draw = 0; draw < 8; draw++) {
                int hiddenSize = 2 + random.nextInt(23);
                int steps = 5 + random.nextInt(76);
                Head head = random.nextBoolean() ? Head.LAST_STEP_SOFTMAX : Head.LAST_STEP_SIGMOID;
                ModelSpec spec = new ModelSpec(Cell.ELMAN, 1 + random.nextInt(5), hiddenSize, head == Head.LAST_STEP_SIGMOID ? 1 : 3,
                        activation, head, random.nextBoolean(), LossReduction.SUM, DataType.FLOAT64);
                CaseGenerator.Options options = new CaseGenerator.Options(WeightInit.values()[random.nextInt(3)],
                        random.nextBoolean() ? Rescaling.LARGEST_SINGULAR_VALUE : Rescaling.SPECTRAL_RADIUS,
                        0.3 + 2.7 * random.nextDouble());
                long seed = random.nextLong();
                Case testCase = CaseGenerator.generate("bound", spec, 1, steps, false, random.nextBoolean(), seed, options);
                GradientResult result = reference.gradients(spec, testCase.parameters(), testCase.batch());
                double factor = activation.gamma() * CaseGenerator.largestSingularValue(testCase.parameters().get(ParameterNames.W));
                double[] norms = hiddenNormsByLag(result.hiddenStateGradients());
                for (int lag = 1; lag < steps; lag++) {
                    double ratio = norms[lag] / norms[0];
                    double bound = Math.pow(factor, lag);
                    if (!(bound > 1e-280 && ratio > 1e-280 && Double.isFinite(ratio) && Double.isFinite(bound))) {
                        continue; // outside the range where the comparison is made (see DecayBound)
                    }
                    checked++;
                    worst = Math.max(worst, ratio / bound);
                    assertTrue(ratio <= bound * (1 + DecayBound.allowance(lag, hiddenSize)), String.format(
                            "%s, case %s (seed %d): ratio %s at lag %d exceeds (γσ_max)^lag = %s", activation,
                            testCase.description(), seed, ratio, lag, bound));
                }
            }
            assertTrue(checked > 100, activation + ": only " + checked + " points checked");
            assertTrue(worst <= 1 + 1e-9, activation + ": worst ratio / bound " + worst);
        }
    }

    /**
     * With the identity activation and W a multiple c of an orthogonal matrix, every singular value is c and
     * ‖Wᵀ v‖ = c‖v‖, so the ratio is exactly c^lag: the bound is attained, and the measurement may differ from it
     * only by rounding. The stated allowance must cover that rounding, and no more is needed.
     */
    @Test
    void theAllowanceCoversRoundingWhereTheBoundIsAttained() {
        int hiddenSize = 24;
        int steps = 300;
        for (double c : new double[] {0.9, 1.0, 1.05}) {
            ModelSpec spec = new ModelSpec(Cell.ELMAN, 3, hiddenSize, 2, Activation.IDENTITY, Head.LAST_STEP_SOFTMAX, true,
                    LossReduction.SUM, DataType.FLOAT64);
            Case testCase = CaseGenerator.generate("tight", spec, 1, steps, false, false, 5L,
                    new CaseGenerator.Options(WeightInit.ORTHOGONAL, Rescaling.LARGEST_SINGULAR_VALUE, c));
            GradientResult result = reference.gradients(spec, testCase.parameters(), testCase.batch());
            double[] norms = hiddenNormsByLag(result.hiddenStateGradients());
            double sigmaMax = CaseGenerator.largestSingularValue(testCase.parameters().get(ParameterNames.W));
            for (int lag = 1; lag < steps; lag++) {
                double ratio = norms[lag] / norms[0];
                double bound = Math.pow(sigmaMax, lag);
                assertEquals(1.0, ratio / bound, DecayBound.allowance(lag, hiddenSize),
                        "c = " + c + ", lag " + lag + ": the attained bound differs by more than rounding");
                assertFalse(DecayBound.violates(ratio, DecayBound.logBound(sigmaMax, lag), lag, hiddenSize));
            }
        }
    }

    @Test
    void aValueAboveTheBoundIsFlaggedEvenWhereTheBoundUnderflows() {
        // (1/2)^700 ≈ 1.9e-211; 0.5^1100 underflows to 0 as a double but not as a logarithm
        assertTrue(DecayBound.violates(1e-200, DecayBound.logBound(0.5, 700), 700, 32));
        assertFalse(DecayBound.violates(1e-212, DecayBound.logBound(0.5, 700), 700, 32));
        assertTrue(DecayBound.violates(1e-300, DecayBound.logBound(0.5, 1100), 1100, 32));
        assertTrue(DecayBound.violates(0.9 * 1.001, DecayBound.logBound(0.9, 1), 1, 32));
        assertFalse(DecayBound.violates(0.9, DecayBound.logBound(0.9, 1), 1, 32));
        assertFalse(DecayBound.violates(0.0, DecayBound.logBound(0.9, 10), 10, 32), "a zero gradient is below any bound");
    }

    @Test
    void theAllowanceIsTheStatedFormula() {
        // 4 · 1001 · 34 · √32 · 2^-53 = 8.5498e-11, computed by hand
        assertEquals(8.5498e-11, DecayBound.allowance(1000, 32), 1e-14);
        assertEquals(4 * 1 * 3 * 1 * Math.pow(2, -53), DecayBound.allowance(0, 1), 1e-30);
    }

    /** ‖∂L/∂h_k‖ of a [1, T, H] tensor, index = lag T−1−k. */
    static double[] hiddenNormsByLag(Tensor hiddenGradients) {
        int steps = hiddenGradients.size(1);
        int hidden = hiddenGradients.size(2);
        double[] norms = new double[steps];
        for (int step = 0; step < steps; step++) {
            double sum = 0;
            for (int unit = 0; unit < hidden; unit++) {
                double value = hiddenGradients.get(0, step, unit);
                sum += value * value;
            }
            norms[steps - 1 - step] = Math.sqrt(sum);
        }
        return norms;
    }
}
