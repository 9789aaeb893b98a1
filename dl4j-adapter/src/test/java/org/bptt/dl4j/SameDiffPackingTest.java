package org.bptt.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.Cell;
import org.bptt.api.CellOptions;
import org.bptt.api.DataType;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.ResetPlacement;
import org.bptt.api.Tensor;
import org.junit.jupiter.api.Test;

/**
 * {@link SameDiffPacking} on weight sets whose every element is distinct, so that a swapped gate, a transposed block
 * or a misplaced peephole cannot pass by symmetry. The expected positions are written out here from libnd4j's own
 * comments ({@code lstmLayerCell}: "dimension 4*nOut implies order it, ft, c't, ot", "dimension 3*nOut implies order
 * it, ft, ot"; {@code gru}: blocks r, u, c with {@code Wx [nIn, 3*nOut]}), not taken from the class under test; a
 * forward pass of each plugin on such weights, against the reference, checks that the operations read them that way.
 */
class SameDiffPackingTest {

    private static final int D = 2;
    private static final int H = 3;

    private static ModelSpec lstm(boolean peepholes, boolean twoBiases) {
        return new ModelSpec(Cell.LSTM, CellOptions.lstm(peepholes, twoBiases), D, H, 2, Activation.TANH,
                Head.PER_STEP_SOFTMAX, true, LossReduction.SUM, DataType.FLOAT64);
    }

    private static ModelSpec gru() {
        return new ModelSpec(Cell.GRU, CellOptions.gru(ResetPlacement.AFTER, false), D, H, 2, Activation.TANH,
                Head.PER_STEP_SOFTMAX, true, LossReduction.SUM, DataType.FLOAT64);
    }

    @Test
    void everyLstmGateAndPeepholeSitsWhereLstmLayerReadsIt() {
        ModelSpec spec = lstm(true, false);
        Parameters p = Dl4jLstmPackingTest.distinct(spec);
        SameDiffPacking.Packed packed = SameDiffPacking.pack(spec, p);
        assertArrayEquals(new int[] {D, 4 * H}, packed.inputWeights().shape());
        assertArrayEquals(new int[] {H, 4 * H}, packed.recurrentWeights().shape());
        assertArrayEquals(new int[] {4 * H}, packed.bias().shape());
        assertArrayEquals(new int[] {3 * H}, packed.peepholes().shape());
        assertBlocks(p, packed, new String[] {"i", "f", "g", "o"});
        String[] peepholeOrder = {"i", "f", "o"};
        for (int block = 0; block < 3; block++) {
            for (int unit = 0; unit < H; unit++) {
                assertEquals(p.get("p_" + peepholeOrder[block]).get(unit), packed.peepholes().get(block * H + unit),
                        "Wp[" + (block * H + unit) + "]");
            }
        }
    }

    @Test
    void everyGruGateSitsWhereGruReadsIt() {
        ModelSpec spec = gru();
        Parameters p = Dl4jLstmPackingTest.distinct(spec);
        SameDiffPacking.Packed packed = SameDiffPacking.pack(spec, p);
        assertArrayEquals(new int[] {D, 3 * H}, packed.inputWeights().shape());
        assertArrayEquals(new int[] {H, 3 * H}, packed.recurrentWeights().shape());
        assertBlocks(p, packed, new String[] {"r", "z", "n"});
        assertEquals(null, packed.peepholes());
    }

    /** Block k of H columns holds gate {@code order[k]}: {@code Wx[m, k·H + j] = U[j, m]}, likewise W and b. */
    private static void assertBlocks(Parameters p, SameDiffPacking.Packed packed, String[] order) {
        for (int block = 0; block < order.length; block++) {
            String gate = order[block];
            for (int unit = 0; unit < H; unit++) {
                int column = block * H + unit;
                for (int m = 0; m < D; m++) {
                    assertEquals(p.get("U_" + gate).get(unit, m), packed.inputWeights().get(m, column), "Wx[" + m + ", " + column + "]");
                }
                for (int m = 0; m < H; m++) {
                    assertEquals(p.get("W_" + gate).get(unit, m), packed.recurrentWeights().get(m, column), "Wr[" + m + ", " + column + "]");
                }
                assertEquals(p.get("b_" + gate).get(unit), packed.bias().get(column), "b[" + column + "]");
            }
        }
    }

    @Test
    void twoLstmBiasesArePackedAsTheirSumAndShareItsGradient() {
        ModelSpec spec = lstm(false, true);
        Parameters p = Dl4jLstmPackingTest.distinct(spec);
        SameDiffPacking.Packed packed = SameDiffPacking.pack(spec, p);
        // The forget gate is block 1.
        assertEquals(p.get("b_f").get(2) + p.get("b_hf").get(2), packed.bias().get(H + 2));
        Map<String, Tensor> unpacked = SameDiffPacking.unpackGradients(spec, packed);
        assertArrayEquals(unpacked.get("b_f").data(), unpacked.get("b_hf").data());
        assertEquals(packed.bias().get(H + 2), unpacked.get("b_f").get(2));
    }

    @Test
    void unpackingInvertsPackingForEveryOtherParameter() {
        for (ModelSpec spec : new ModelSpec[] {lstm(true, false), lstm(false, false), gru(), gru().withBiases(false)}) {
            Parameters p = Dl4jLstmPackingTest.distinct(spec);
            Map<String, Tensor> unpacked = SameDiffPacking.unpackGradients(spec, SameDiffPacking.pack(spec, p));
            assertEquals(spec.cell().parameters(spec).size(), unpacked.size(), spec.label());
            unpacked.forEach((name, tensor) -> assertArrayEquals(p.get(name).data(), tensor.data(), spec.label() + " " + name));
        }
    }

    @Test
    void gruModelsTheOperationCannotComputeAreRefused() {
        ModelSpec before = gru().withCell(Cell.GRU, CellOptions.gru(ResetPlacement.BEFORE, false));
        IllegalArgumentException reset = assertThrows(IllegalArgumentException.class,
                () -> SameDiffPacking.pack(before, Parameters.zeros(before)));
        assertTrue(reset.getMessage().contains("after the recurrent product"), reset.getMessage());
        ModelSpec twoBiases = gru().withCell(Cell.GRU, CellOptions.gru(ResetPlacement.AFTER, true));
        IllegalArgumentException biases = assertThrows(IllegalArgumentException.class,
                () -> SameDiffPacking.pack(twoBiases, Parameters.zeros(twoBiases)));
        assertTrue(biases.getMessage().contains("b_hn"), biases.getMessage());
    }

    /**
     * Each plugin's forward pass on distinct weights (scaled into tanh's working range, signs alternating) equals the
     * reference's hidden states: the operations read the packed weights as written above.
     */
    @Test
    void theOperationsReadDistinctWeightsAsTheReferenceDoes() {
        for (ModelSpec spec : new ModelSpec[] {lstm(true, true), gru()}) {
            Parameters p = Dl4jLstmPackingTest.distinct(spec);
            for (Tensor tensor : p.byName().values()) {
                for (int i = 0; i < tensor.length(); i++) {
                    tensor.data()[i] = (tensor.data()[i] % 2 == 0 ? 1 : -1) * tensor.data()[i] / 80.0;
                }
            }
            double[] inputs = {0.9, -0.4, 0.3, 0.7, -0.8, 0.5, 0.1, -0.6};
            double[] targets = {1, 0, 0, 1, 1, 0, 0, 1};
            Batch batch = new Batch(Tensor.of(inputs, 1, 4, D), Tensor.of(targets, 1, 4, 2), null, null);
            SameDiffRnnPlugin plugin = spec.cell() == Cell.LSTM ? new SameDiffLstm() : new SameDiffGru();
            Tensor expected = Dl4jTestSupport.REFERENCE.forward(spec, p, batch).hiddenStates();
            Tensor actual = plugin.forward(spec, p, batch).hiddenStates();
            assertTrue(Dl4jTestSupport.maxAbsoluteDifference(expected, actual, null) < 1e-14, spec.label());
        }
    }
}
