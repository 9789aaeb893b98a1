package org.bptt.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.bptt.api.Batch;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.CellOptions;
import org.bptt.api.Combine;
import org.bptt.api.InvalidInputException;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.bptt.api.Topology;
import org.junit.jupiter.api.Test;

/** The JSON form of stacked and bidirectional networks: the spec's topology, prefixed names, per-layer states. */
class StackedCaseCodecTest {

    private static final ModelSpec LSTM = ModelSpec.of(2, 3, 2).withCell(Cell.LSTM, CellOptions.lstm(false, true));

    /** A case of {@code spec} (B = 2, T = 3, the second sequence two steps long) with seeded weights and states. */
    private static Case stackedCase(ModelSpec spec, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Parameters parameters = Parameters.of(spec, declaration -> uniform(random, declaration.shape()));
        Tensor targets = Tensor.zeros(2, 3, spec.outputSize());
        for (int sequence = 0; sequence < 2; sequence++) {
            for (int step = 0; step < 3; step++) {
                targets.set(1.0, sequence, step, (sequence + step) % spec.outputSize());
            }
        }
        Batch batch = new Batch(uniform(random, 2, 3, spec.inputSize()), targets, Tensor.of(new double[] {1, 1, 1, 1, 1, 0}, 2, 3),
                uniform(random, Batch.stateShape(spec, 2)), spec.cell().hasCellState() ? uniform(random, Batch.stateShape(spec, 2)) : null);
        return new Case(spec.label().replace('/', '-'), "a stacked case", spec, parameters, batch, seed);
    }

    private static Tensor uniform(SplittableRandom random, int... shape) {
        Tensor tensor = Tensor.zeros(shape);
        for (int i = 0; i < tensor.length(); i++) {
            tensor.data()[i] = random.nextDouble(-1, 1);
        }
        return tensor;
    }

    @Test
    void everyTopologyRoundTripsExactly() throws Exception {
        long seed = 3;
        for (Topology topology : List.of(Topology.forward(2), Topology.forward(3), Topology.bidirectional(1, Combine.SUM),
                Topology.bidirectional(2, Combine.CONCAT), Topology.bidirectional(2, Combine.PRODUCT))) {
            for (ModelSpec cell : List.of(ModelSpec.of(2, 3, 2), LSTM)) {
                Case testCase = stackedCase(cell.withTopology(topology), seed++);
                JsonNode text = CaseCodec.mapper().readTree(CaseCodec.mapper().writeValueAsString(CaseCodec.writeCase(testCase, null)));
                Case read = CaseCodec.readCase(text, testCase.id());
                assertEquals(testCase, read, testCase.id());
                assertEquals(topology, read.spec().topology(), testCase.id());
            }
        }
    }

    @Test
    void theSpecSaysItsTopologyOnlyWhenItIsNotOneForwardLayer() {
        JsonNode single = CaseCodec.writeCase(stackedCase(LSTM, 1), null).get("spec");
        assertFalse(single.has("layers") || single.has("direction") || single.has("combine"), single.toString());
        JsonNode forward = CaseCodec.writeCase(stackedCase(LSTM.withTopology(Topology.forward(2)), 1), null).get("spec");
        assertEquals(2, forward.get("layers").intValue());
        assertEquals("forward", forward.get("direction").textValue());
        assertFalse(forward.has("combine"));
        JsonNode written = CaseCodec.writeCase(stackedCase(LSTM.withTopology(Topology.bidirectional(2, Combine.MEAN)), 1), null);
        assertEquals("bidirectional", written.get("spec").get("direction").textValue());
        assertEquals("mean", written.get("spec").get("combine").textValue());
        assertEquals(List.of(2, 2, 2, 3), shape(written.get("batch").get("initialState")));
        assertEquals(List.of(3, 3), shape(written.get("parameters").get("l1.reverse.U_i")));   // the mean of two H-vectors
    }

    private static List<Integer> shape(JsonNode tensor) {
        return java.util.stream.StreamSupport.stream(tensor.get("shape").spliterator(), false).map(JsonNode::intValue).toList();
    }

    private static String errorAfter(Case testCase, Consumer<ObjectNode> change) {
        ObjectNode node = CaseCodec.writeCase(testCase, null);
        change.accept(node);
        return assertThrows(InvalidInputException.class, () -> CaseCodec.readCase(node, "stacked.json")).getMessage();
    }

    @Test
    void aMalformedTopologyOrStateIsNamed() {
        Case bidirectional = stackedCase(ModelSpec.of(2, 3, 2).withTopology(Topology.bidirectional(2, Combine.CONCAT)), 7);
        assertEquals("stacked.json: spec.combine: missing; a bidirectional network combines its directions by one of"
                + " [concat, sum, mean, product]", errorAfter(bidirectional, node -> ((ObjectNode) node.get("spec")).remove("combine")));
        assertEquals("stacked.json: spec.combine: unknown value 'add'; expected one of [concat, sum, mean, product]",
                errorAfter(bidirectional, node -> ((ObjectNode) node.get("spec")).put("combine", "add")));
        assertEquals("stacked.json: spec.layers: must be at least 1, got 0",
                errorAfter(bidirectional, node -> ((ObjectNode) node.get("spec")).put("layers", 0)));
        assertEquals("stacked.json: batch.initialState: shape [2, 3] but spec says L=2, D=2, B=2, H=3 → [2, 2, 2, 3]",
                errorAfter(bidirectional, node -> ((ObjectNode) node.get("batch")).set("initialState",
                        CaseCodec.writeTensor(Tensor.zeros(2, 3)))));
        Case forward = stackedCase(ModelSpec.of(2, 3, 2).withTopology(Topology.forward(2)), 7);
        assertEquals("stacked.json: spec.combine: given, but a forward network has nothing to combine; leave the field out",
                errorAfter(forward, node -> ((ObjectNode) node.get("spec")).put("combine", "concat")));
    }
}
