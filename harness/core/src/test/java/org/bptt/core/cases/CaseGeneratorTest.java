package org.bptt.core.cases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.bptt.api.Case;
import org.bptt.api.Head;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Tensor;
import org.bptt.core.cases.CaseGenerator.Options;
import org.bptt.core.cases.CaseGenerator.Rescaling;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CaseGeneratorTest {

    private static final ModelSpec SPEC = ModelSpec.of(4, 12, 3);

    @ParameterizedTest
    @EnumSource(WeightInit.class)
    void largestSingularValueRescalingHitsTheTarget(WeightInit init) {
        Case c = CaseGenerator.generate("sigma", SPEC, 2, 5, false, false, 17L, new Options(init, Rescaling.LARGEST_SINGULAR_VALUE, 1.3));
        assertEquals(1.3, largestSingularValueByPowerIteration(c.parameters().get(ParameterNames.W)), 1e-9);
    }

    @ParameterizedTest
    @EnumSource(WeightInit.class)
    void spectralRadiusRescalingHitsTheTarget(WeightInit init) {
        Case c = CaseGenerator.generate("rho", SPEC, 2, 5, false, false, 23L, new Options(init, Rescaling.SPECTRAL_RADIUS, 0.9));
        // Gelfand: ρ(W) = lim ‖W^k‖^(1/k); k = 2^30 leaves an error of about log(condition)/k.
        assertEquals(0.9, spectralRadiusByGelfand(c.parameters().get(ParameterNames.W), 30), 1e-6);
    }

    @Test
    void orthogonalWeightsAreOrthogonalBeforeRescaling() {
        Tensor w = CaseGenerator.generate("q", SPEC, 1, 1, false, false, 5L, new Options(WeightInit.ORTHOGONAL, Rescaling.NONE, 1))
                .parameters().get(ParameterNames.W);
        int n = w.size(0);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double dot = 0;
                for (int k = 0; k < n; k++) {
                    dot += w.get(k, i) * w.get(k, j);
                }
                assertEquals(i == j ? 1.0 : 0.0, dot, 1e-12);
            }
        }
    }

    @Test
    void xavierWeightsLieInTheirRange() {
        Tensor u = CaseGenerator.generate("x", SPEC, 1, 1, false, false, 5L, new Options(WeightInit.XAVIER, Rescaling.NONE, 1))
                .parameters().get(ParameterNames.U);
        double range = Math.sqrt(6.0 / (12 + 4));
        for (double value : u.data()) {
            assertTrue(Math.abs(value) < range);
        }
    }

    @Test
    void theSameSeedGivesAnEqualCase() {
        Case first = CaseGenerator.generate("a", SPEC, 3, 7, true, true, 99L);
        assertEquals(first, CaseGenerator.generate("a", SPEC, 3, 7, true, true, 99L));
        assertNotEquals(first.parameters(), CaseGenerator.generate("a", SPEC, 3, 7, true, true, 100L).parameters());
    }

    @Test
    void optionalPartsFollowTheFlags() {
        Case plain = CaseGenerator.generate("plain", SPEC.withBiases(false), 3, 7, false, false, 1L);
        assertNull(plain.batch().mask());
        assertNull(plain.batch().initialState());
        assertNull(plain.parameters().get(ParameterNames.B));
        Case full = CaseGenerator.generate("full", SPEC, 3, 7, true, true, 1L);
        assertNotNull(full.batch().mask());
        assertTrue(full.batch().initialState().hasShape(3, 12));
        full.validate();
        Case sigmoid = CaseGenerator.generate("sigmoid", SPEC.withHead(Head.LAST_STEP_SIGMOID), 4, 2, false, false, 1L);
        assertTrue(sigmoid.batch().targets().hasShape(4, 1));
        sigmoid.validate();
    }

    /** σ_max(W)² is the largest eigenvalue of WᵀW, which is symmetric positive semidefinite: power iteration converges. */
    private static double largestSingularValueByPowerIteration(Tensor w) {
        int n = w.size(0);
        double[] v = new double[n];
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < n; i++) {
            v[i] = random.nextDouble() + 0.1;
        }
        double eigenvalue = 0;
        for (int iteration = 0; iteration < 5000; iteration++) {
            double[] wv = multiply(w, v, false);
            double[] wtwv = multiply(w, wv, true);
            double norm = 0;
            for (double value : wtwv) {
                norm += value * value;
            }
            norm = Math.sqrt(norm);
            eigenvalue = norm;
            for (int i = 0; i < n; i++) {
                v[i] = wtwv[i] / norm;
            }
        }
        return Math.sqrt(eigenvalue);
    }

    /** ‖W^(2^squarings)‖^(1/2^squarings) by repeated squaring, renormalising to avoid overflow. */
    private static double spectralRadiusByGelfand(Tensor w, int squarings) {
        int n = w.size(0);
        double[] power = w.data().clone();
        double logNorm = 0; // log of the scale taken out of power so far, relative to exponent 1
        double exponent = 1;
        for (int s = 0; s < squarings; s++) {
            double[] square = new double[n * n];
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < n; k++) {
                    double left = power[i * n + k];
                    for (int j = 0; j < n; j++) {
                        square[i * n + j] += left * power[k * n + j];
                    }
                }
            }
            double norm = frobenius(square);
            for (int i = 0; i < square.length; i++) {
                square[i] /= norm;
            }
            // power = W^exponent / e^logNorm; square = W^(2 exponent) / (e^(2 logNorm) · norm)
            logNorm = 2 * logNorm + Math.log(norm);
            exponent *= 2;
            power = square;
        }
        return Math.exp((logNorm + Math.log(frobenius(power))) / exponent);
    }

    private static double frobenius(double[] values) {
        double sum = 0;
        for (double value : values) {
            sum += value * value;
        }
        return Math.sqrt(sum);
    }

    private static double[] multiply(Tensor m, double[] v, boolean transposed) {
        int n = m.size(0);
        double[] result = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                result[i] += (transposed ? m.get(j, i) : m.get(i, j)) * v[j];
            }
        }
        return result;
    }
}
