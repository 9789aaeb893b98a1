package org.bptt.experiments.clipping;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.bptt.api.InvalidInputException;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.junit.jupiter.api.Test;

class GradientClippingTest {

    /** d = 1, H = 2, K = 1: U [2,1], W [2,2], b [2], V [1,2], c [1]. */
    private static Parameters gradient(double[] u, double[] w, double[] b, double[] v, double[] c) {
        return new Parameters(Map.of(ParameterNames.U, Tensor.of(u, 2, 1), ParameterNames.W, Tensor.of(w, 2, 2),
                ParameterNames.B, Tensor.of(b, 2), ParameterNames.V, Tensor.of(v, 1, 2), ParameterNames.C, Tensor.of(c, 1)));
    }

    /** ‖g‖ = √(3² + 4²) = 5. */
    private static Parameters threeFour() {
        return gradient(new double[] {3, 0}, new double[] {0, 0, 0, 0}, new double[] {0, 0}, new double[] {0, 4}, new double[] {0});
    }

    @Test
    void byGlobalNormRescalesToTheThresholdAndKeepsTheDirection() {
        Parameters g = threeFour();
        assertEquals(5.0, GradientClipping.globalNorm(g), 1e-15);
        Parameters clipped = GradientClipping.byGlobalNorm(g, 1.0);
        assertArrayEquals(new double[] {0.6, 0}, clipped.get(ParameterNames.U).data(), 1e-15);
        assertArrayEquals(new double[] {0, 0.8}, clipped.get(ParameterNames.V).data(), 1e-15);
        assertEquals(1.0, GradientClipping.globalNorm(clipped), 1e-15);
        assertArrayEquals(new double[] {3, 0}, g.get(ParameterNames.U).data(), "the argument is not modified");
    }

    @Test
    void byGlobalNormLeavesAGradientAtOrBelowTheThreshold() {
        Parameters g = threeFour();
        assertArrayEquals(new double[] {3, 0}, GradientClipping.byGlobalNorm(g, 5.0).get(ParameterNames.U).data());
        assertArrayEquals(new double[] {0, 4}, GradientClipping.byGlobalNorm(g, 10.0).get(ParameterNames.V).data());
    }

    @Test
    void byValueClampsEveryElement() {
        Parameters g = gradient(new double[] {-3, 0.2}, new double[] {5, -0.5, 1, -1}, new double[] {0, 2},
                new double[] {-7, 0.9}, new double[] {1.5});
        Parameters clipped = GradientClipping.byValue(g, 1.0);
        assertArrayEquals(new double[] {-1, 0.2}, clipped.get(ParameterNames.U).data());
        assertArrayEquals(new double[] {1, -0.5, 1, -1}, clipped.get(ParameterNames.W).data());
        assertArrayEquals(new double[] {0, 1}, clipped.get(ParameterNames.B).data());
        assertArrayEquals(new double[] {-1, 0.9}, clipped.get(ParameterNames.V).data());
        assertArrayEquals(new double[] {1}, clipped.get(ParameterNames.C).data());
    }

    @Test
    void perLayerNormClipsTheRecurrentAndTheOutputLayerSeparately() {
        // layer {U, W, b}: ‖(3, 4)‖ = 5; layer {V, c}: 0.5
        Parameters g = gradient(new double[] {3, 0}, new double[] {4, 0, 0, 0}, new double[] {0, 0},
                new double[] {0.5, 0}, new double[] {0});
        Parameters clipped = GradientClipping.byGroupNorm(g, 1.0, GradientClipping.LAYERS);
        assertArrayEquals(new double[] {0.6, 0}, clipped.get(ParameterNames.U).data(), 1e-15);
        assertArrayEquals(new double[] {0.8, 0, 0, 0}, clipped.get(ParameterNames.W).data(), 1e-15);
        assertArrayEquals(new double[] {0.5, 0}, clipped.get(ParameterNames.V).data(), "the output layer is below the threshold");
        Parameters perParameter = GradientClipping.byGroupNorm(g, 1.0, GradientClipping.EACH_PARAMETER);
        assertArrayEquals(new double[] {1, 0}, perParameter.get(ParameterNames.U).data(), 1e-15);
        assertArrayEquals(new double[] {1, 0, 0, 0}, perParameter.get(ParameterNames.W).data(), 1e-15);
    }

    @Test
    void hugeFiniteGradientsAreStillClippedAndNonFiniteOnesAreLeftAlone() {
        Parameters huge = gradient(new double[] {3e200, 0}, new double[] {0, 0, 0, 0}, new double[] {0, 0},
                new double[] {0, 4e200}, new double[] {0});
        assertEquals(5e200, GradientClipping.globalNorm(huge), 1e186);
        Parameters clipped = GradientClipping.byGlobalNorm(huge, 1.0);
        assertArrayEquals(new double[] {0.6, 0}, clipped.get(ParameterNames.U).data(), 1e-15);
        Parameters broken = gradient(new double[] {Double.NaN, 1}, new double[] {0, 0, 0, 0}, new double[] {0, 0},
                new double[] {0, 4}, new double[] {0});
        assertTrue(Double.isNaN(GradientClipping.globalNorm(broken)));
        assertTrue(Double.isNaN(GradientClipping.byGlobalNorm(broken, 1.0).get(ParameterNames.U).data()[0]));
        assertEquals(1.0, GradientClipping.byGlobalNorm(broken, 1.0).get(ParameterNames.U).data()[1], "no direction to keep: unchanged");
    }

    @Test
    void absentBiasesAreSkipped() {
        Parameters noBiases = new Parameters(Map.of(ParameterNames.U, Tensor.of(new double[] {3}, 1, 1),
                ParameterNames.W, Tensor.of(new double[] {4}, 1, 1), ParameterNames.V, Tensor.of(new double[] {0}, 1, 1)));
        assertEquals(5.0, GradientClipping.globalNorm(noBiases), 1e-15);
        assertArrayEquals(new double[] {0.8}, GradientClipping.byGlobalNorm(noBiases, 1.0).get(ParameterNames.W).data(), 1e-15);
        assertArrayEquals(new double[] {1}, GradientClipping.byValue(noBiases, 1.0).get(ParameterNames.W).data());
    }

    @Test
    void clippingRulesParseAndApply() {
        assertEquals(Clipping.none(), Clipping.parse("none"));
        assertEquals(Clipping.globalNorm(5), Clipping.parse("norm:5"));
        assertEquals(Clipping.value(0.5), Clipping.parse(" VALUE:0.5 "));
        assertEquals(new Clipping(Clipping.Method.LAYER_NORM, 2), Clipping.parse("layer-norm:2"));
        assertEquals("norm:5.0", Clipping.globalNorm(5).label());
        assertSame(threeFour().getClass(), Clipping.none().apply(threeFour()).getClass());
        assertArrayEquals(new double[] {0.6, 0}, Clipping.parse("norm:1").apply(threeFour()).get(ParameterNames.U).data(), 1e-15);
        for (String bad : new String[] {"norm", "norm:x", "norm:-1", "norm:0", "foo:1", ""}) {
            InvalidInputException error = assertThrows(InvalidInputException.class, () -> Clipping.parse(bad), bad);
            assertTrue(error.getMessage().contains("norm:<t>") || error.getMessage().contains("positive"), error.getMessage());
        }
    }
}
