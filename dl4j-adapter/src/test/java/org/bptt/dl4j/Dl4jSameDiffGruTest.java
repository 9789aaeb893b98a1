package org.bptt.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.Map;

import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.Cell;
import org.bptt.api.CellOptions;
import org.bptt.api.DataType;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.ResetPlacement;
import org.bptt.api.Tensor;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * SameDiff's {@code gru} operation (KNOWN_DIVERGENCES.md §8; the plugin is {@link SameDiffGru}): in {@code nd4j-api} 1.0.0-M2.1, already on
 * the class path, run by the same {@code nd4j-native} backend. Its forward pass is the API's GRU with the reset gate
 * <b>after</b> the recurrent product and one bias per gate, weights packed as {@code Wx [d, 3H]}, {@code Wh [H, 3H]},
 * {@code b [3H]} in the gate order <b>r, u (= z), c (= n)</b>, {@code h_t = u ⊙ h_{t-1} + (1 − u) ⊙ c}. Its backward
 * operation ({@code gru_bp}) is wrong wherever h_{t-1} ≠ 0: libnd4j's {@code gruCellBp} computes the reset gate's
 * error as {@code (dL/dz_c ⊙ h_{t-1} ⊙ r(1 − r)) × W_hcᵀ}, the derivative of neither placement; for the reset-after
 * forward pass it is {@code (dL/dz_c ⊙ (h_{t-1} × W_hc)) ⊙ r(1 − r)}.
 *
 * <p>The loss is L = Σ_t Σ_j m_tj h_tj with fixed, distinct weights m (every step's output matters). Finite
 * differences of SameDiff's own forward pass (rebuilt for every evaluation) are the judge; a hand-written BPTT of
 * the reset-after GRU ({@link #handBackprop}) matches them with the right reset-gate error and matches
 * {@code gru_bp} to rounding with libnd4j's.
 */
class Dl4jSameDiffGruTest {

    private static final int D = 2;
    private static final int H = 3;
    private static final int T = 4;
    private static final double[] INPUTS = {0.9, -0.4, 0.3, 0.7, -0.8, 0.5, 0.1, -0.6};
    private static final org.nd4j.linalg.api.buffer.DataType DOUBLE = org.nd4j.linalg.api.buffer.DataType.DOUBLE;

    @Test
    void theForwardPassIsTheResetAfterGruAndTheBackwardPassGetsTheResetGateWrong() {
        ModelSpec spec = new ModelSpec(Cell.GRU, CellOptions.gru(ResetPlacement.AFTER, false), D, H, 2, Activation.TANH,
                Head.PER_STEP_SOFTMAX, true, LossReduction.SUM, DataType.FLOAT64);
        Parameters p = Dl4jLstmPackingTest.distinct(spec);
        for (Tensor tensor : p.byName().values()) {
            for (int i = 0; i < tensor.length(); i++) {
                tensor.data()[i] = (tensor.data()[i] % 2 == 0 ? 1 : -1) * tensor.data()[i] / 60.0;
            }
        }
        Packed packed = pack(p);
        double[] lossWeights = new double[T * H];
        for (int i = 0; i < lossWeights.length; i++) {
            lossWeights[i] = 0.3 + 0.1 * i * (i % 2 == 0 ? 1 : -1);
        }

        // Forward: every step's h equals the reference's reset-after GRU.
        Batch batch = new Batch(Tensor.of(INPUTS.clone(), 1, T, D), Tensor.of(new double[T * 2], 1, T, 2), null, null);
        Tensor expected = Dl4jTestSupport.REFERENCE.forward(spec, p, batch).hiddenStates();
        INDArray h = graph(packed, lossWeights).getVariable("h").eval(); // [T, 1, H], time first
        for (int t = 0; t < T; t++) {
            for (int j = 0; j < H; j++) {
                assertEquals(expected.get(0, t, j), h.getDouble(t, 0, j), 1e-14, "h[" + t + ", " + j + "]");
            }
        }

        Map<String, INDArray> gruBp = graph(packed, lossWeights).calculateGradients(Collections.emptyMap(), "Wx", "Wh", "b");
        Packed samediff = new Packed(gruBp.get("Wx").dup().data().asDouble(), gruBp.get("Wh").dup().data().asDouble(),
                gruBp.get("b").dup().data().asDouble());
        Packed numeric = finiteDifferences(packed, lossWeights);
        Packed right = handBackprop(packed, lossWeights, false);
        Packed libnd4j = handBackprop(packed, lossWeights, true);
        assertTrue(difference(right, numeric) < 1e-7, "the hand BPTT with the right reset-gate error matches finite differences");
        assertTrue(difference(samediff, numeric) > 1e-2, "gru_bp was expected to miss finite differences clearly, by "
                + difference(samediff, numeric));
        assertTrue(difference(samediff, libnd4j) < 1e-12, "gru_bp should equal the hand BPTT with libnd4j's reset-gate"
                + " error; differs by " + difference(samediff, libnd4j));
    }

    /** SameDiff's packed GRU parameters, row-major: Wx [d, 3H], Wh [H, 3H], b [3H], gate blocks r, u, c. */
    private record Packed(double[] wx, double[] wh, double[] b) {
        Packed copy() {
            return new Packed(wx.clone(), wh.clone(), b.clone());
        }
    }

    private static Packed pack(Parameters p) {
        String[][] gates = {{ParameterNames.U_R, ParameterNames.W_R, ParameterNames.B_R},
                {ParameterNames.U_Z, ParameterNames.W_Z, ParameterNames.B_Z},
                {ParameterNames.U_N, ParameterNames.W_N, ParameterNames.B_N}};
        Packed packed = new Packed(new double[D * 3 * H], new double[H * 3 * H], new double[3 * H]);
        for (int gate = 0; gate < 3; gate++) {
            for (int unit = 0; unit < H; unit++) {
                int column = gate * H + unit;
                for (int m = 0; m < D; m++) {
                    packed.wx()[m * 3 * H + column] = p.get(gates[gate][0]).get(unit, m);
                }
                for (int m = 0; m < H; m++) {
                    packed.wh()[m * 3 * H + column] = p.get(gates[gate][1]).get(unit, m);
                }
                packed.b()[column] = p.get(gates[gate][2]).get(unit);
            }
        }
        return packed;
    }

    /** x [T, 1, d], h_{-1} = 0; h = gru(x, h_{-1}, Wx, Wh, b) [T, 1, H]; loss = Σ m ⊙ h. */
    private static SameDiff graph(Packed packed, double[] lossWeights) {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.var("x", Dl4jLayout.array(INPUTS.clone(), DOUBLE, T, 1, D));
        SDVariable h0 = sd.var("h0", Dl4jLayout.array(new double[H], DOUBLE, 1, H));
        SDVariable h = sd.rnn().gru("h", x, h0, sd.var("Wx", Dl4jLayout.array(packed.wx().clone(), DOUBLE, D, 3 * H)),
                sd.var("Wh", Dl4jLayout.array(packed.wh().clone(), DOUBLE, H, 3 * H)),
                sd.var("b", Dl4jLayout.array(packed.b().clone(), DOUBLE, 3 * H)));
        SDVariable loss = h.mul(sd.constant(Dl4jLayout.array(lossWeights.clone(), DOUBLE, T, 1, H))).sum("loss");
        sd.setLossVariables(loss);
        return sd;
    }

    /** Central differences of SameDiff's forward loss, the graph rebuilt for every evaluation. */
    private static Packed finiteDifferences(Packed packed, double[] lossWeights) {
        Packed gradient = new Packed(new double[packed.wx().length], new double[packed.wh().length], new double[packed.b().length]);
        double step = 1e-6;
        for (int which = 0; which < 3; which++) {
            for (int i = 0; i < select(packed, which).length; i++) {
                Packed plus = packed.copy();
                select(plus, which)[i] += step;
                Packed minus = packed.copy();
                select(minus, which)[i] -= step;
                select(gradient, which)[i] = (loss(plus, lossWeights) - loss(minus, lossWeights)) / (2 * step);
            }
        }
        return gradient;
    }

    private static double loss(Packed packed, double[] lossWeights) {
        return graph(packed, lossWeights).getVariable("loss").eval().getDouble(0);
    }

    private static double[] select(Packed packed, int which) {
        return which == 0 ? packed.wx() : which == 1 ? packed.wh() : packed.b();
    }

    /**
     * BPTT of L = Σ m ⊙ h through the reset-after GRU (z_r = x Wxr + h Whr + br, z_u likewise,
     * z_c = x Wxc + r ⊙ (h Whc) + bc, h' = u ⊙ h + (1 − u) ⊙ tanh(z_c)), one chain-rule term per line. With
     * {@code libnd4jResetGate} the reset gate's error is libnd4j's (dL/dz_c ⊙ h ⊙ r(1 − r)) × Whcᵀ instead.
     */
    private static Packed handBackprop(Packed p, double[] lossWeights, boolean libnd4jResetGate) {
        double[][] hidden = new double[T + 1][H];
        double[][] r = new double[T][H];
        double[][] u = new double[T][H];
        double[][] c = new double[T][H];
        double[][] candidateProduct = new double[T][H]; // h_{t-1} Whc, before the reset gate
        for (int t = 0; t < T; t++) {
            for (int j = 0; j < H; j++) {
                double zr = p.b()[j];
                double zu = p.b()[H + j];
                double zc = p.b()[2 * H + j];
                for (int m = 0; m < D; m++) {
                    zr += x(t, m) * p.wx()[m * 3 * H + j];
                    zu += x(t, m) * p.wx()[m * 3 * H + H + j];
                    zc += x(t, m) * p.wx()[m * 3 * H + 2 * H + j];
                }
                for (int m = 0; m < H; m++) {
                    zr += hidden[t][m] * p.wh()[m * 3 * H + j];
                    zu += hidden[t][m] * p.wh()[m * 3 * H + H + j];
                    candidateProduct[t][j] += hidden[t][m] * p.wh()[m * 3 * H + 2 * H + j];
                }
                r[t][j] = 1 / (1 + Math.exp(-zr));
                u[t][j] = 1 / (1 + Math.exp(-zu));
                c[t][j] = Math.tanh(zc + r[t][j] * candidateProduct[t][j]);
                hidden[t + 1][j] = u[t][j] * hidden[t][j] + (1 - u[t][j]) * c[t][j];
            }
        }
        Packed gradient = new Packed(new double[D * 3 * H], new double[H * 3 * H], new double[3 * H]);
        double[] dh = new double[H];
        for (int t = T - 1; t >= 0; t--) {
            double[] dz = new double[3 * H]; // dL/dz_r, dL/dz_u, dL/dz_c
            for (int j = 0; j < H; j++) {
                dh[j] += lossWeights[t * H + j];
                dz[2 * H + j] = dh[j] * (1 - u[t][j]) * (1 - c[t][j] * c[t][j]);
                dz[H + j] = dh[j] * (hidden[t][j] - c[t][j]) * u[t][j] * (1 - u[t][j]);
            }
            for (int j = 0; j < H; j++) {
                if (libnd4jResetGate) {
                    double sum = 0;
                    for (int k = 0; k < H; k++) {
                        sum += dz[2 * H + k] * hidden[t][k] * r[t][k] * (1 - r[t][k]) * p.wh()[j * 3 * H + 2 * H + k];
                    }
                    dz[j] = sum;
                } else {
                    dz[j] = dz[2 * H + j] * candidateProduct[t][j] * r[t][j] * (1 - r[t][j]);
                }
            }
            double[] recurrentError = dz.clone(); // the candidate's recurrent error passes through the reset gate
            for (int j = 0; j < H; j++) {
                recurrentError[2 * H + j] *= r[t][j];
            }
            for (int column = 0; column < 3 * H; column++) {
                gradient.b()[column] += dz[column];
                for (int m = 0; m < D; m++) {
                    gradient.wx()[m * 3 * H + column] += x(t, m) * dz[column];
                }
                for (int m = 0; m < H; m++) {
                    gradient.wh()[m * 3 * H + column] += hidden[t][m] * recurrentError[column];
                }
            }
            double[] previous = new double[H];
            for (int m = 0; m < H; m++) {
                previous[m] = dh[m] * u[t][m];
                for (int column = 0; column < 3 * H; column++) {
                    previous[m] += recurrentError[column] * p.wh()[m * 3 * H + column];
                }
            }
            dh = previous;
        }
        return gradient;
    }

    private static double x(int step, int feature) {
        return INPUTS[step * D + feature];
    }

    /** max |a − b| / max |b| over the three tensors. */
    private static double difference(Packed actual, Packed expected) {
        double largestDifference = 0;
        double largest = 0;
        for (int which = 0; which < 3; which++) {
            for (int i = 0; i < select(actual, which).length; i++) {
                largestDifference = Math.max(largestDifference, Math.abs(select(actual, which)[i] - select(expected, which)[i]));
                largest = Math.max(largest, Math.abs(select(expected, which)[i]));
            }
        }
        return largestDifference / largest;
    }
}
