package org.bptt.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.bptt.api.Cell;
import org.bptt.api.Combine;
import org.bptt.api.Head;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.bptt.api.Topology;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Where {@link Dl4jStackedNetwork} puts each parameter of the naming scheme in DL4J's parameter table, on weights
 * whose every element is distinct, so that a swapped layer or direction, or a transposed matrix, cannot pass by
 * symmetry. The expected keys are written out here from DL4J's {@code BidirectionalParamInitializer} (prefixes
 * "f" and "b") and the layer index DL4J puts before every key, not taken from the class under test.
 */
class Dl4jStackedNetworkTest {

    @Test
    void aTwoLayerBidirectionalSimpleRnnKeepsEachDirectionUnderItsLayersPrefixedKeys() {
        ModelSpec spec = StackedCases.spec(Cell.ELMAN, false, Head.PER_STEP_SOFTMAX, Topology.bidirectional(2, Combine.CONCAT));
        Parameters p = StackedCases.distinct(spec);
        Map<String, INDArray> table = networkWith(Dl4jRecurrentLayer.SIMPLE_RNN, spec, p).paramTable();

        Map<String, String> transposedMatrices = Map.ofEntries(
                Map.entry("0_fW", "U"), Map.entry("0_fRW", "W"),
                Map.entry("0_bW", "l0.reverse.U"), Map.entry("0_bRW", "l0.reverse.W"),
                Map.entry("1_fW", "l1.U"), Map.entry("1_fRW", "l1.W"),
                Map.entry("1_bW", "l1.reverse.U"), Map.entry("1_bRW", "l1.reverse.W"),
                Map.entry("2_W", "V"));
        transposedMatrices.forEach((key, name) -> assertArrayEquals(transposed(p.get(name)).data(),
                Dl4jLayout.rowMajorDoubles(table.get(key)), key + " holds " + name + "ᵀ"));
        Map<String, String> vectors = Map.of("0_fb", "b", "0_bb", "l0.reverse.b", "1_fb", "l1.b", "1_bb", "l1.reverse.b",
                "2_b", "c");
        vectors.forEach((key, name) -> assertArrayEquals(p.get(name).data(), Dl4jLayout.rowMajorDoubles(table.get(key)),
                key + " holds " + name));
        assertEquals(transposedMatrices.size() + vectors.size(), table.size(), "every DL4J parameter is one of the model's");
        // Layer 1 reads both directions of layer 0 concatenated: its input weights are [2H, H] in DL4J.
        assertArrayEquals(new long[] {2L * spec.hiddenSize(), spec.hiddenSize()}, table.get("1_bW").shape());

        assertEquals(p, Dl4jStackedNetwork.parameterGradients(table, 1.0, Dl4jRecurrentLayer.SIMPLE_RNN, spec),
                "read back under the same names");
    }

    @Test
    void aThreeLayerForwardSimpleRnnNumbersItsLayersFromTheInputAndTheHeadLast() {
        ModelSpec spec = StackedCases.spec(Cell.ELMAN, false, Head.LAST_STEP_SOFTMAX, Topology.forward(3));
        Parameters p = StackedCases.distinct(spec);
        Map<String, INDArray> table = networkWith(Dl4jRecurrentLayer.SIMPLE_RNN, spec, p).paramTable();

        Map<String, String> transposedMatrices = Map.of("0_W", "U", "0_RW", "W", "1_W", "l1.U", "1_RW", "l1.W",
                "2_W", "l2.U", "2_RW", "l2.W", "3_W", "V");
        transposedMatrices.forEach((key, name) -> assertArrayEquals(transposed(p.get(name)).data(),
                Dl4jLayout.rowMajorDoubles(table.get(key)), key + " holds " + name + "ᵀ"));
        Map<String, String> vectors = Map.of("0_b", "b", "1_b", "l1.b", "2_b", "l2.b", "3_b", "c");
        vectors.forEach((key, name) -> assertArrayEquals(p.get(name).data(), Dl4jLayout.rowMajorDoubles(table.get(key)),
                key + " holds " + name));
        assertEquals(transposedMatrices.size() + vectors.size(), table.size(), "every DL4J parameter is one of the model's");
        assertEquals(p, Dl4jStackedNetwork.parameterGradients(table, 1.0, Dl4jRecurrentLayer.SIMPLE_RNN, spec));
    }

    /**
     * DL4J's LSTM packs the gates in blocks g, f, o, i of H columns (Dl4jLstmPackingTest); here each layer's
     * direction must sit under its own prefixed keys: layer 1's reverse W_g is the first block of {@code 1_bRW}.
     */
    @Test
    void aBidirectionalGravesLstmKeepsEachDirectionsGatesAndPeepholesUnderItsOwnKeys() {
        ModelSpec spec = StackedCases.spec(Cell.LSTM, true, Head.PER_STEP_SOFTMAX, Topology.bidirectional(2, Combine.MEAN));
        assertGravesKeys(spec, "0_fW", "0_bW", "1_fb", "1_bRW");
    }

    /**
     * A summed GravesLSTM network is built of {@code GravesBidirectionalLSTM} layers, whose keys carry the direction
     * as a suffix ({@code GravesBidirectionalLSTMParamInitializer}: {@code WF, RWF, bF, WB, RWB, bB}), with the same
     * layout as GravesLSTM's; layer 1 reads the summed directions, so its input weights are [H, 4H].
     */
    @Test
    void aSummedGravesLstmIsAGravesBidirectionalLstmWithItsOwnKeys() {
        ModelSpec spec = StackedCases.spec(Cell.LSTM, true, Head.PER_STEP_SOFTMAX, Topology.bidirectional(2, Combine.SUM));
        assertGravesKeys(spec, "0_WF", "0_WB", "1_bF", "1_RWB");
    }

    private static void assertGravesKeys(ModelSpec spec, String forwardInputWeights0, String reverseInputWeights0,
                                         String forwardBias1, String reverseRecurrentWeights1) {
        Parameters p = StackedCases.distinct(spec);
        Map<String, INDArray> table = networkWith(Dl4jRecurrentLayer.GRAVES_LSTM, spec, p).paramTable();
        int h = spec.hiddenSize();
        INDArray recurrent = table.get(reverseRecurrentWeights1); // [H, 4H + 3]: blocks g, f, o, i, then peepholes f, o, i
        for (int unit = 0; unit < h; unit++) {
            for (int m = 0; m < h; m++) {
                assertEquals(p.get("l1.reverse.W_g").get(unit, m), recurrent.getDouble(m, unit), "l1.reverse.W_g");
                assertEquals(p.get("l1.reverse.W_i").get(unit, m), recurrent.getDouble(m, 3 * h + unit), "l1.reverse.W_i");
            }
            assertEquals(p.get("l1.reverse.p_f").get(unit), recurrent.getDouble(unit, 4 * h), "l1.reverse.p_f");
            assertEquals(p.get("l0.reverse.U_f").get(unit, 0), table.get(reverseInputWeights0).getDouble(0, h + unit), "l0.reverse.U_f");
            assertEquals(p.get("U_o").get(unit, 1), table.get(forwardInputWeights0).getDouble(1, 2 * h + unit), "U_o");
            assertEquals(p.get("l1.b_i").get(unit), table.get(forwardBias1).getDouble(3 * h + unit), "l1.b_i");
        }
        // Layer 1 reads the two directions averaged or summed: its input weights are [H, 4H].
        assertArrayEquals(new long[] {h, 4L * h}, table.get("1_" + forwardInputWeights0.substring(2)).shape());
        assertEquals(p, Dl4jStackedNetwork.parameterGradients(table, 1.0, Dl4jRecurrentLayer.GRAVES_LSTM, spec));
    }

    private static MultiLayerNetwork networkWith(Dl4jRecurrentLayer layer, ModelSpec spec, Parameters parameters) {
        MultiLayerNetwork network = Dl4jStackedNetwork.build(Dl4jStackedNetwork.Key.of(layer, spec, null));
        Dl4jStackedNetwork.setParameters(network, layer, spec, parameters);
        return network;
    }

    private static Tensor transposed(Tensor matrix) {
        Tensor transposed = Tensor.zeros(matrix.size(1), matrix.size(0));
        for (int row = 0; row < matrix.size(0); row++) {
            for (int column = 0; column < matrix.size(1); column++) {
                transposed.set(matrix.get(row, column), column, row);
            }
        }
        return transposed;
    }
}
