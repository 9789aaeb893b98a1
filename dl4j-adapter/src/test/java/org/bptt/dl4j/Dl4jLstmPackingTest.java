package org.bptt.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;

import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.Cell;
import org.bptt.api.CellOptions;
import org.bptt.api.DataType;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterDeclaration;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The mapping between the canonical LSTM parameters and DL4J's packed ones ({@link Dl4jLstmPacking}), on weight sets
 * whose every element is distinct, so that a swapped gate, a transposed block or a misplaced peephole column cannot
 * pass by symmetry. The expected positions are written out here from DL4J's {@code LSTMHelpers} (gate blocks
 * g, f, o, i; peephole columns f, o, i), not taken from the class under test; a forward pass of DL4J on such
 * weights, against {@link PlainLstm}, checks that DL4J reads them that way.
 */
class Dl4jLstmPackingTest {

    private static final int D = 2;
    private static final int H = 3;

    /** Each element of each parameter a different number: 1, 2, 3, ... in the declared order. */
    static Parameters distinct(ModelSpec spec) {
        int[] next = {1};
        return Parameters.of(spec, declaration -> {
            Tensor tensor = Tensor.zeros(declaration.shape());
            for (int i = 0; i < tensor.length(); i++) {
                tensor.data()[i] = next[0]++;
            }
            return tensor;
        });
    }

    private static ModelSpec spec(boolean peepholes, boolean biases) {
        return new ModelSpec(Cell.LSTM, CellOptions.lstm(peepholes, false), D, H, 2, Activation.TANH,
                Head.PER_STEP_SOFTMAX, biases, LossReduction.SUM, DataType.FLOAT64);
    }

    @Test
    void everyGateSitsInTheBlockAndColumnThatLstmHelpersReads() {
        ModelSpec spec = spec(true, true);
        Parameters p = distinct(spec);
        Dl4jLstmPacking.Packed packed = Dl4jLstmPacking.pack(spec, p, true);
        assertArrayEquals(new int[] {D, 4 * H}, packed.inputWeights().shape());
        assertArrayEquals(new int[] {H, 4 * H + 3}, packed.recurrentWeights().shape());
        assertArrayEquals(new int[] {4 * H}, packed.bias().shape());
        // Blocks of H columns: 0 = g (tanh "input"), 1 = f, 2 = o, 3 = i ("input modulation gate").
        String[] blockGate = {"g", "f", "o", "i"};
        for (int block = 0; block < 4; block++) {
            String gate = blockGate[block];
            for (int unit = 0; unit < H; unit++) {
                int column = block * H + unit;
                for (int m = 0; m < D; m++) {
                    assertEquals(p.get("U_" + gate).get(unit, m), packed.inputWeights().get(m, column), "W[" + m + ", " + column + "]");
                }
                for (int m = 0; m < H; m++) {
                    assertEquals(p.get("W_" + gate).get(unit, m), packed.recurrentWeights().get(m, column), "RW[" + m + ", " + column + "]");
                }
                assertEquals(p.get("b_" + gate).get(unit), packed.bias().get(column), "b[" + column + "]");
            }
        }
        // Peephole columns after the gates: wFF (forget), wOO (output), wGG (input modulation = input gate).
        for (int unit = 0; unit < H; unit++) {
            assertEquals(p.get("p_f").get(unit), packed.recurrentWeights().get(unit, 4 * H));
            assertEquals(p.get("p_o").get(unit), packed.recurrentWeights().get(unit, 4 * H + 1));
            assertEquals(p.get("p_i").get(unit), packed.recurrentWeights().get(unit, 4 * H + 2));
        }
        // Every element of the cell's parameters appears exactly once in the packed arrays, and nothing else does.
        assertEquals(sortedCellValues(spec, p), sortedPacked(packed));
    }

    @ParameterizedTest(name = "peepholes={0} biases={1} peephole columns={2}")
    @CsvSource({"false, true, false", "false, false, false", "true, true, true", "true, false, true",
            "false, true, true", "false, false, true"})
    void unpackingThePackedParametersGivesThemBackExactly(boolean peepholes, boolean biases, boolean peepholeColumns) {
        ModelSpec spec = spec(peepholes, biases);
        Parameters p = distinct(spec);
        Dl4jLstmPacking.Packed packed = Dl4jLstmPacking.pack(spec, p, peepholeColumns);
        Map<String, Tensor> cellParameters = new java.util.LinkedHashMap<>(p.byName());
        cellParameters.keySet().removeAll(java.util.List.of("V", "c"));
        assertEquals(new Parameters(cellParameters), new Parameters(Dl4jLstmPacking.unpack(spec, packed)));
        if (peepholeColumns && !peepholes) {
            // A GravesLSTM holds a model's absent peepholes at zero.
            for (int unit = 0; unit < H; unit++) {
                for (int column = 4 * H; column < 4 * H + 3; column++) {
                    assertEquals(0.0, packed.recurrentWeights().get(unit, column));
                }
            }
        }
        if (!biases) {
            assertTrue(Arrays.stream(packed.bias().data()).allMatch(value -> value == 0.0));
        }
    }

    /** Through ND4J's 'f'-ordered parameter views of a real network and back, for both layers. */
    @ParameterizedTest(name = "{0} peepholes={1}")
    @CsvSource({"LSTM, false", "GRAVES_LSTM, false", "GRAVES_LSTM, true"})
    void throughADl4jNetworkAndBackExactly(Dl4jRecurrentLayer layer, boolean peepholes) {
        ModelSpec spec = spec(peepholes, true);
        Parameters p = distinct(spec);
        MultiLayerNetwork network = Dl4jNetwork.build(Dl4jNetwork.Key.of(layer, spec, null));
        Dl4jNetwork.setParameters(network, layer, spec, p);
        Map<String, INDArray> table = network.paramTable();
        assertArrayEquals(new long[] {D, 4 * H}, table.get("0_W").shape());
        assertArrayEquals(new long[] {H, 4 * H + (layer == Dl4jRecurrentLayer.GRAVES_LSTM ? 3 : 0)}, table.get("0_RW").shape());
        assertEquals(p, Dl4jNetwork.parameterGradients(table, 1.0, layer, spec));
    }

    /**
     * DL4J reads the packed weights as the equations say: its hidden states over three steps, on distinct weights
     * scaled small enough that no gate saturates, equal {@link PlainLstm}'s (to rounding).
     */
    @ParameterizedTest(name = "{0} peepholes={1}")
    @CsvSource({"LSTM, false", "GRAVES_LSTM, false", "GRAVES_LSTM, true"})
    void dl4jComputesTheEquationsOnThePackedWeights(Dl4jRecurrentLayer layer, boolean peepholes) {
        ModelSpec spec = spec(peepholes, true);
        Parameters p = distinct(spec);
        int count = spec.parameters().stream().mapToInt(declaration -> lengthOf(declaration)).sum();
        for (Tensor tensor : p.byName().values()) {
            for (int i = 0; i < tensor.length(); i++) {
                // Distinct values in (−0.5, 0.5), alternating in sign.
                tensor.data()[i] = (tensor.data()[i] % 2 == 0 ? 1 : -1) * tensor.data()[i] / (2.0 * count + 2);
            }
        }
        Tensor inputs = Tensor.of(new double[] {0.9, -0.4, 0.3, 0.7, -0.8, 0.5}, 1, 3, D);
        Tensor targets = Tensor.of(new double[] {1, 0, 0, 1, 1, 0}, 1, 3, 2);
        Batch batch = new Batch(inputs, targets, null, null);
        Dl4jRnnPlugin plugin = Dl4jTestSupport.lstmPlugin(layer);
        Tensor actual = plugin.forward(spec, p, batch).hiddenStates();
        Tensor expected = PlainLstm.forward(spec, p, batch).hiddenStates();
        for (int i = 0; i < expected.length(); i++) {
            assertEquals(expected.data()[i], actual.data()[i], 1e-14, "h" + Arrays.toString(expected.indexOf(i)));
        }
    }

    @Test
    void refusesWhatDl4jCannotHold() {
        Parameters withPeepholes = distinct(spec(true, true));
        assertThrows(IllegalArgumentException.class, () -> Dl4jLstmPacking.pack(spec(true, true), withPeepholes, false),
                "the LSTM layer has no peephole columns");
        ModelSpec twoBiases = new ModelSpec(Cell.LSTM, CellOptions.lstm(false, true), D, H, 2, Activation.TANH,
                Head.PER_STEP_SOFTMAX, true, LossReduction.SUM, DataType.FLOAT64);
        assertThrows(IllegalArgumentException.class, () -> Dl4jLstmPacking.pack(twoBiases, distinct(twoBiases), true),
                "DL4J has one bias per gate");
    }

    private static int lengthOf(ParameterDeclaration declaration) {
        return Arrays.stream(declaration.shape()).reduce(1, (a, b) -> a * b);
    }

    private static java.util.List<Double> sortedCellValues(ModelSpec spec, Parameters p) {
        return spec.cell().parameters(spec).stream().map(declaration -> p.get(declaration.name()))
                .flatMapToDouble(t -> Arrays.stream(t.data())).sorted().boxed().toList();
    }

    private static java.util.List<Double> sortedPacked(Dl4jLstmPacking.Packed packed) {
        return java.util.stream.Stream.of(packed.inputWeights(), packed.recurrentWeights(), packed.bias())
                .flatMapToDouble(t -> Arrays.stream(t.data())).sorted().boxed().toList();
    }
}
