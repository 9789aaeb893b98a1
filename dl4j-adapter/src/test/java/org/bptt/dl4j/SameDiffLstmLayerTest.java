package org.bptt.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.bptt.api.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.weights.LSTMLayerWeights;

/**
 * SameDiff's {@code lstmLayer} operation and its backward op {@code lstmLayer_bp} directly, on a graph of the op and a
 * fixed linear loss (no head), judged by central differences of SameDiff's own forward pass.
 *
 * <ul>
 *   <li>Issue #15 asks whether {@code lstmLayer_bp} drops the gradient that flows from the final cell state c_T
 *       (deeplearning4j#8838). In 1.0.0-M2.1 it does not: with c_T in the loss (alone, or with h_t and h_T), every
 *       gradient matches central differences.</li>
 *   <li>KNOWN_DIVERGENCES.md §9: with a linear loss the error reaching the op does not depend on its forward
 *       pass, so what the backward op does with the initial states shows exactly: SameDiff's gradients at
 *       (h_{-1}, c_{-1}) = (a, b) are the central differences at (a, a).</li>
 *   <li>KNOWN_DIVERGENCES.md §10: the gradient of {@code mmul} with {@code transposeY} is wrong when the product is
 *       {@code [1, 1]}.</li>
 * </ul>
 */
class SameDiffLstmLayerTest {

    private static final int B = 2;
    private static final int T = 3;
    private static final int D = 2;
    private static final int H = 3;
    private static final double STEP = 1e-6;
    private static final List<String> WEIGHTS = List.of("Wx", "Wr", "b", "Wp");

    /** Which outputs of lstmLayer the loss uses: the full sequence h, the last h_T, the last cell state c_T. */
    private enum LossOn { CELL_STATE_ONLY, EVERY_OUTPUT }

    /** Fixed inputs, weights and loss weights, distinct elements of mixed signs. */
    private static Map<String, INDArray> arrays(double[] initialHidden, double[] initialCell) {
        return Map.of(
                "x", values(B * T * D, 0.37, B, T, D),
                "h0", array(initialHidden, B, H),
                "c0", array(initialCell, B, H),
                "Wx", values(D * 4 * H, 0.11, D, 4 * H),
                "Wr", values(H * 4 * H, 0.07, H, 4 * H),
                "b", values(4 * H, 0.05, 4 * H),
                "Wp", values(3 * H, 0.13, 3 * H));
    }

    private static INDArray values(int n, double scale, long... shape) {
        double[] data = new double[n];
        for (int i = 0; i < n; i++) {
            data[i] = scale * ((i * 7 % 11) - 5 + 0.1 * i) / 5.0;
        }
        return array(data, shape);
    }

    private static INDArray array(double[] data, long... shape) {
        return Dl4jLayout.array(data.clone(), DataType.DOUBLE, shape);
    }

    /**
     * x [B, T, d] (NTS), the initial states passed as the plugin passes them (h_{-1} as the argument named cLast,
     * c_{-1} as yLast: the forward op reads them as hI and cI in that order, KNOWN_DIVERGENCES.md §9), peepholes, and
     * L = Σ m ⊙ (the outputs {@code lossOn} names).
     */
    private static SameDiff graph(Map<String, INDArray> arrays, LossOn lossOn) {
        SameDiff sd = SameDiff.create();
        Map<String, SDVariable> v = new java.util.HashMap<>();
        arrays.forEach((name, array) -> v.put(name, sd.var(name, array.dup())));
        LSTMLayerWeights weights = LSTMLayerWeights.builder().weights(v.get("Wx")).rWeights(v.get("Wr")).bias(v.get("b"))
                .peepholeWeights(v.get("Wp")).build();
        SDVariable[] out = sd.rnn().lstmLayer(v.get("x"), v.get("h0"), v.get("c0"), null, weights,
                SameDiffLstm.configuration(true, true));
        // Outputs in order: the full sequence h [B, T, H], h_T [B, H], c_T [B, H].
        SDVariable lastCell = out[2].mul(sd.constant(values(B * H, 0.9, B, H))).sum();
        SDVariable loss = lossOn == LossOn.CELL_STATE_ONLY ? lastCell
                : lastCell.add(out[0].mul(sd.constant(values(B * T * H, 0.6, B, T, H))).sum())
                        .add(out[1].mul(sd.constant(values(B * H, 0.8, B, H))).sum());
        sd.identity("loss", loss);
        sd.setLossVariables("loss");
        return sd;
    }

    private static double loss(Map<String, INDArray> arrays, LossOn lossOn) {
        return graph(arrays, lossOn).output(Map.of(), "loss").get("loss").getDouble(0);
    }

    /** Central differences of SameDiff's forward loss with respect to {@code name}. */
    private static double[] numeric(Map<String, INDArray> arrays, String name, LossOn lossOn) {
        double[] point = Dl4jLayout.rowMajorDoubles(arrays.get(name));
        double[] gradient = new double[point.length];
        for (int i = 0; i < point.length; i++) {
            gradient[i] = (loss(perturbed(arrays, name, i, STEP), lossOn) - loss(perturbed(arrays, name, i, -STEP), lossOn))
                    / (2 * STEP);
        }
        return gradient;
    }

    private static Map<String, INDArray> perturbed(Map<String, INDArray> arrays, String name, int index, double step) {
        Map<String, INDArray> copy = new java.util.HashMap<>(arrays);
        double[] data = Dl4jLayout.rowMajorDoubles(arrays.get(name));
        data[index] += step;
        copy.put(name, array(data, arrays.get(name).shape()));
        return copy;
    }

    private static double relativeDifference(double[] actual, double[] expected) {
        Tensor a = Tensor.of(actual, actual.length);
        Tensor e = Tensor.of(expected, expected.length);
        return Dl4jTestSupport.maxAbsoluteDifference(a, e, null) / e.norm();
    }

    @ParameterizedTest
    @ValueSource(strings = {"CELL_STATE_ONLY", "EVERY_OUTPUT"})
    void theFinalCellStateGradientIsNotDropped(String lossOnName) {
        LossOn lossOn = LossOn.valueOf(lossOnName);
        double[] zeros = new double[B * H];
        Map<String, INDArray> arrays = arrays(zeros, zeros);
        Map<String, INDArray> gradients = graph(arrays, lossOn).calculateGradients(Map.of(), "x", "h0", "c0", "Wx", "Wr", "b", "Wp");
        for (String name : List.of("x", "h0", "c0", "Wx", "Wr", "b", "Wp")) {
            double[] expected = numeric(arrays, name, lossOn);
            double difference = relativeDifference(Dl4jLayout.rowMajorDoubles(gradients.get(name)), expected);
            assertTrue(difference < 1e-7, "dL/d" + name + " with c_T in the loss (" + lossOn + ") misses central"
                    + " differences by " + difference + " of its norm");
        }
    }

    /**
     * With h_{-1} = a ≠ c_{-1} = b, lstmLayer_bp's input, weight and peephole gradients equal the central differences
     * of the forward pass from h_{-1} = c_{-1} = a (to 1e-7 of their norm), and miss those at (a, b) and at the
     * swapped (b, a) by more than 1 %: the backward op recomputes the forward pass with the given c_{-1} replaced by
     * h_{-1}. The loss is linear in the op's outputs, so the errors reaching the op do not depend on its forward pass
     * and nothing else can account for the difference.
     */
    @Test
    void theBackwardOpUsesTheInitialHiddenStateAsTheInitialCellState() {
        double[] a = Dl4jLayout.rowMajorDoubles(values(B * H, 0.8, B, H));
        double[] b = Dl4jLayout.rowMajorDoubles(values(B * H, -0.5, B, H));
        Map<String, INDArray> gradients = graph(arrays(a, b), LossOn.EVERY_OUTPUT)
                .calculateGradients(Map.of(), "x", "Wx", "Wr", "b", "Wp");
        for (String name : List.of("x", "Wx", "Wr", "b", "Wp")) {
            double[] actual = Dl4jLayout.rowMajorDoubles(gradients.get(name));
            double toHiddenTwice = relativeDifference(actual, numeric(arrays(a, a), name, LossOn.EVERY_OUTPUT));
            assertTrue(toHiddenTwice < 1e-7, "dL/d" + name + " should be the gradient from h_{-1} = c_{-1} = a; differs by "
                    + toHiddenTwice);
            double toGiven = relativeDifference(actual, numeric(arrays(a, b), name, LossOn.EVERY_OUTPUT));
            double toSwapped = relativeDifference(actual, numeric(arrays(b, a), name, LossOn.EVERY_OUTPUT));
            assertTrue(toGiven > 1e-2 && toSwapped > 1e-2, "dL/d" + name + " should miss the gradients at (a, b) and"
                    + " (b, a); differs by " + toGiven + " and " + toSwapped);
        }
    }

    /**
     * o = h × vᵀ through {@code mmul(h, v, transposeX = false, transposeY = true)} with h, v of shape [1, 5], so o is
     * [1, 1], and L = 3·o: the gradients are dL/dv = 3h and dL/dh = 3v (closed form). SameDiff returns, in every
     * element, 3·Σh and 3·Σv instead. The same product without the transpose flag ({@code mmul(h, vᵀ)} with vᵀ a
     * [5, 1] variable) is right.
     */
    @Test
    void theGradientOfATransposedMmulIsWrongForAOneByOneProduct() {
        double[] h = {0.1, 0.2, 0.3, 0.4, 0.5};
        double[] v = {1, 2, 3, 4, 5};
        double[] threeH = {0.3, 0.6, 0.9, 1.2, 1.5};
        double[] threeV = {3, 6, 9, 12, 15};
        for (boolean transposeFlag : new boolean[] {true, false}) {
            SameDiff sd = SameDiff.create();
            SDVariable hv = sd.var("h", array(h, 1, 5));
            SDVariable product = transposeFlag
                    ? sd.mmul(hv, sd.var("v", array(v, 1, 5)), false, true, false)
                    : sd.mmul(hv, sd.var("v", array(v, 5, 1)));
            sd.setLossVariables(product.mul(3.0).sum("loss"));
            Map<String, INDArray> gradients = sd.calculateGradients(Map.of(), "h", "v");
            double[] dv = Dl4jLayout.rowMajorDoubles(gradients.get("v"));
            double[] dh = Dl4jLayout.rowMajorDoubles(gradients.get("h"));
            if (transposeFlag) {
                for (int i = 0; i < 5; i++) {
                    assertEquals(3 * 1.5, dv[i], 1e-12, "dL/dv[" + i + "] with transposeY: 3·Σh");
                    assertEquals(3 * 15, dh[i], 1e-12, "dL/dh[" + i + "] with transposeY: 3·Σv");
                }
            } else {
                org.junit.jupiter.api.Assertions.assertArrayEquals(threeH, dv, 1e-12);
                org.junit.jupiter.api.Assertions.assertArrayEquals(threeV, dh, 1e-12);
            }
        }
    }
}
