package org.bptt.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Layers and directions: the topology, the names and shapes it declares, states, labels and capabilities. */
class StackedNetworksTest {

    /** d = 2, H = 3, K = 4: every dimension differs, so a transposed shape cannot pass. */
    private static final ModelSpec ELMAN = ModelSpec.of(2, 3, 4);
    private static final ModelSpec BIDIRECTIONAL_ELMAN = ELMAN.withTopology(Topology.bidirectional(2, Combine.CONCAT));

    private static List<String> names(ModelSpec spec) {
        return spec.parameters().stream().map(ParameterDeclaration::name).toList();
    }

    @Test
    void aOneLayerForwardModelIsTheModelItWasBefore() {
        assertEquals(Topology.SINGLE, ELMAN.topology());
        assertEquals(List.of("U", "W", "b", "V", "c"), names(ELMAN));
        assertEquals("tanh/per-step-softmax/bias/d2-H3-K4/sum", ELMAN.label());
        assertEquals(ELMAN, ELMAN.withTopology(Topology.forward(1)));
    }

    @Test
    void layersAndDirectionsArePrefixedLayerByLayerForwardFirstAndTheHeadLast() {
        assertEquals(List.of("U", "W", "b", "l0.reverse.U", "l0.reverse.W", "l0.reverse.b",
                "l1.U", "l1.W", "l1.b", "l1.reverse.U", "l1.reverse.W", "l1.reverse.b", "V", "c"), names(BIDIRECTIONAL_ELMAN));
        ModelSpec stackedGru = ELMAN.withCell(Cell.GRU, CellOptions.gru(ResetPlacement.AFTER, false)).withTopology(Topology.forward(3));
        assertEquals(List.of("U_r", "U_z", "U_n", "W_r", "W_z", "W_n", "b_r", "b_z", "b_n",
                "l1.U_r", "l1.U_z", "l1.U_n", "l1.W_r", "l1.W_z", "l1.W_n", "l1.b_r", "l1.b_z", "l1.b_n",
                "l2.U_r", "l2.U_z", "l2.U_n", "l2.W_r", "l2.W_z", "l2.W_n", "l2.b_r", "l2.b_z", "l2.b_n", "V", "c"), names(stackedGru));
    }

    @Test
    void aLayerAboveTheFirstReadsThePreviousLayersCombinedOutputAndSoDoesTheHead() {
        // Concatenated: layer 1 and the head read [h→; h←] of size 2H = 6.
        assertArrayEquals(new int[] {3, 2}, BIDIRECTIONAL_ELMAN.parameter("l0.reverse.U").shape());
        assertArrayEquals(new int[] {3, 6}, BIDIRECTIONAL_ELMAN.parameter("l1.U").shape());
        assertArrayEquals(new int[] {3, 6}, BIDIRECTIONAL_ELMAN.parameter("l1.reverse.U").shape());
        assertArrayEquals(new int[] {3, 3}, BIDIRECTIONAL_ELMAN.parameter("l1.reverse.W").shape());
        assertArrayEquals(new int[] {4, 6}, BIDIRECTIONAL_ELMAN.parameter("V").shape());
        assertEquals("[H, 2H]", BIDIRECTIONAL_ELMAN.parameter("l1.U").layout());
        assertEquals("input-to-hidden weights (layer 1, reverse direction)", BIDIRECTIONAL_ELMAN.parameter("l1.reverse.U").meaning());
        // Summed: size H.
        ModelSpec summed = ELMAN.withTopology(Topology.bidirectional(2, Combine.SUM));
        assertArrayEquals(new int[] {3, 3}, summed.parameter("l1.U").shape());
        assertArrayEquals(new int[] {4, 3}, summed.parameter("V").shape());
    }

    @Test
    void parameterNamesReadBackAndOnlyOneSpellingIsAccepted() {
        assertEquals(ParameterName.of(1, true, "W_z"), ParameterName.parse("l1.reverse.W_z"));
        assertEquals(ParameterName.of(0, false, "U"), ParameterName.parse("U"));
        assertEquals("l0.reverse.b_hn", ParameterName.of(0, true, "b_hn").toString());
        assertEquals("layer 1, reverse direction", ParameterName.parse("l1.reverse.W").where());
        assertEquals("head", ParameterName.parse("V").where());
        for (String bad : List.of("l0.W", "reverse.W", "l1.X", "l01.W", "lx.W", "l1.V", "l1.reverse.c", "W.l1")) {
            assertFalse(ParameterNames.isKnown(bad), bad);
        }
        InvalidInputException error = assertThrows(InvalidInputException.class, () -> ParameterName.parse("l0.W"));
        assertEquals("unknown parameter 'l0.W': layer 0's forward parameters have no prefix, write 'W'", error.getMessage());
    }

    @Test
    void parametersAreKeptInTheDeclaredOrderWhateverOrderTheyAreGivenIn() {
        Map<String, Tensor> reversed = new LinkedHashMap<>();
        List<String> declared = names(BIDIRECTIONAL_ELMAN);
        for (int i = declared.size() - 1; i >= 0; i--) {
            reversed.put(declared.get(i), Tensor.zeros(BIDIRECTIONAL_ELMAN.parameter(declared.get(i)).shape()));
        }
        Parameters parameters = new Parameters(reversed);
        assertEquals(declared, List.copyOf(parameters.byName().keySet()));
        parameters.validate(BIDIRECTIONAL_ELMAN);
    }

    @Test
    void theLabelSaysLayersAndDirectionsOnlyWhenTheNetworkIsNotOneForwardLayer() {
        assertEquals("tanh/per-step-softmax/bias/d2-H3-K4/sum/2-layers-bidirectional-concat", BIDIRECTIONAL_ELMAN.label());
        assertEquals("tanh/per-step-softmax/bias/d2-H3-K4/sum/3-layers", ELMAN.withTopology(Topology.forward(3)).label());
        assertEquals("tanh/per-step-softmax/bias/d2-H3-K4/sum/1-layer-bidirectional-mean",
                ELMAN.withTopology(Topology.bidirectional(1, Combine.MEAN)).label());
    }

    @Test
    void aTopologyIsRefusedWithItsReason() {
        assertEquals("the number of layers must be at least 1, got 0",
                assertThrows(InvalidInputException.class, () -> Topology.forward(0)).getMessage());
        assertEquals("a bidirectional network needs its combine mode (CONCAT, SUM, MEAN or PRODUCT)",
                assertThrows(InvalidInputException.class, () -> new Topology(2, Direction.BIDIRECTIONAL, null)).getMessage());
        assertThrows(InvalidInputException.class, () -> new Topology(2, Direction.FORWARD, Combine.SUM));
    }

    @Test
    void initialStatesOfAStackAreLayerByDirectionAndEachSliceIsOneLayersDirection() {
        // [L, D, B, H] = [2, 2, 1, 3], element value = its offset.
        double[] values = new double[12];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        Tensor states = Tensor.of(values, 2, 2, 1, 3);
        Tensor targets = Tensor.zeros(1, 1, 4);
        targets.set(1.0, 0, 0, 0);
        Batch batch = new Batch(Tensor.zeros(1, 1, 2), targets, null, states);
        batch.validate(BIDIRECTIONAL_ELMAN);
        assertArrayEquals(new double[] {9, 10, 11}, batch.initialState(BIDIRECTIONAL_ELMAN, 1, true).data());
        assertArrayEquals(new double[] {3, 4, 5}, batch.initialState(BIDIRECTIONAL_ELMAN, 0, true).data());
        assertNull(batch.initialCellState(BIDIRECTIONAL_ELMAN, 0, false));
        InvalidInputException wrongShape = assertThrows(InvalidInputException.class,
                () -> new Batch(Tensor.zeros(1, 1, 2), targets, null, Tensor.zeros(1, 3)).validate(BIDIRECTIONAL_ELMAN));
        assertEquals("initialState has shape [1, 3], expected [2, 2, 1, 3]", wrongShape.getMessage());
    }

    @Test
    void layersAndDirectionsNeedTheirCapabilitiesAndOneForwardLayerNeedsNone() {
        Tensor targets = Tensor.zeros(1, 1, 4);
        targets.set(1.0, 0, 0, 0);
        Batch batch = new Batch(Tensor.zeros(1, 1, 2), targets, null, null);
        assertFalse(Capability.requiredBy(ELMAN, batch).contains(Capability.STACKED));
        assertTrue(Capability.requiredBy(BIDIRECTIONAL_ELMAN, batch).containsAll(List.of(Capability.STACKED, Capability.BIDIRECTIONAL_CONCAT)));
        ModelSpec product = ELMAN.withTopology(Topology.bidirectional(1, Combine.PRODUCT));
        assertTrue(Capability.requiredBy(product, batch).contains(Capability.BIDIRECTIONAL_PRODUCT));
        assertFalse(Capability.requiredBy(product, batch).contains(Capability.STACKED));
    }

    @Test
    void truncatedBpttIsDefinedForForwardStacksAndRefusedForABidirectionalNetwork() {
        Truncation truncation = new Truncation(4, 4);
        truncation.requireDefinedFor(ELMAN.withTopology(Topology.forward(3)));
        InvalidInputException refused = assertThrows(InvalidInputException.class,
                () -> truncation.requireDefinedFor(BIDIRECTIONAL_ELMAN));
        assertTrue(refused.getMessage().startsWith("truncated BPTT is not defined for a bidirectional network"), refused.getMessage());
    }
}
