package org.bptt.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.bptt.api.Batch;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.CellOptions;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.InvalidInputException;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.ResetPlacement;
import org.bptt.api.Tensor;
import org.bptt.core.cases.CaseGenerator;
import org.bptt.core.cases.Suite;
import org.bptt.core.cases.SuiteCase;
import org.bptt.reference.ReferenceAggregatedRnn;
import org.junit.jupiter.api.Test;

class CaseCodecTest {

    /** Doubles whose decimal form is easy to get wrong: the codec must bring every one back bit for bit. */
    private static final double[] AWKWARD = {
        0.1 + 0.2, 1.0 / 3, -0.0, 0.0, Double.MIN_VALUE, Double.MIN_NORMAL, Math.nextDown(Double.MIN_NORMAL),
        Double.MAX_VALUE, -Double.MAX_VALUE, 2e23, 5e-324, 1e-300, Math.PI, Math.nextUp(1.0), Math.nextDown(1.0),
        9007199254740993.0, 123456789.123456789, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
    };

    /** Serialises to text and parses again: what a file or a pipe does to a node. */
    private static JsonNode throughText(JsonNode node) throws Exception {
        return CaseCodec.mapper().readTree(CaseCodec.mapper().writeValueAsString(node));
    }

    @Test
    void everyQuickSuiteCaseRoundTripsExactly() throws Exception {
        List<Case> cases = Suite.QUICK.cases(42);
        for (Case testCase : cases) {
            Case read = CaseCodec.readCase(throughText(CaseCodec.writeCase(testCase, null)), testCase.id());
            assertEquals(testCase, read, testCase.id());
        }
    }

    @Test
    void truncatedCasesKeepTheirTruncation() throws Exception {
        SuiteCase truncated = Suite.QUICK.truncatedCases(7).get(2);
        JsonNode node = throughText(CaseCodec.writeCase(truncated.testCase(), truncated.truncation()));
        assertEquals(truncated.testCase(), CaseCodec.readCase(node, "t"));
        assertEquals(truncated.truncation(), CaseCodec.readTruncation(node, "t"));
        assertEquals(3, node.get("truncation").get("k2").intValue());
        assertNull(CaseCodec.readTruncation(CaseCodec.writeCase(truncated.testCase(), null), "t"));
    }

    @Test
    void awkwardDoublesComeBackBitForBit() throws Exception {
        Tensor tensor = Tensor.of(AWKWARD.clone(), 4, 5);
        Tensor read = CaseCodec.readTensor(throughText(CaseCodec.writeTensor(tensor)), "t");
        assertArrayEquals(tensor.shape(), read.shape());
        for (int i = 0; i < AWKWARD.length; i++) {
            assertEquals(Double.doubleToRawLongBits(AWKWARD[i]), Double.doubleToRawLongBits(read.data()[i]),
                    "element " + i + " = " + AWKWARD[i]);
        }
    }

    @Test
    void nonFiniteValuesAreBareTokensAsPythonWritesThem() throws Exception {
        String text = CaseCodec.mapper().writeValueAsString(CaseCodec.writeTensor(
                Tensor.of(new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.1}, 4)));
        assertEquals("{\"shape\":[4],\"data\":[NaN,Infinity,-Infinity,0.1]}", text);
        // Python's json.dumps([float('nan'), float('inf'), -float('inf'), 0.1, 1e-7]) writes exactly these tokens.
        Tensor fromPython = CaseCodec.readTensor(CaseCodec.mapper().readTree(
                "{\"shape\": [5], \"data\": [NaN, Infinity, -Infinity, 0.1, 1e-07]}"), "python");
        assertTrue(Double.isNaN(fromPython.data()[0]));
        assertEquals(Double.POSITIVE_INFINITY, fromPython.data()[1]);
        assertEquals(Double.NEGATIVE_INFINITY, fromPython.data()[2]);
        assertEquals(1e-7, fromPython.data()[4]);
    }

    @Test
    void doublesAreWrittenShortest() throws Exception {
        // Shortest round-trip: 2e23 is "2.0E23" (Java 17's Double.toString writes 2.0000000000000002E23).
        String text = CaseCodec.mapper().writeValueAsString(CaseCodec.writeTensor(Tensor.of(new double[] {2e23, 0.3}, 2)));
        assertEquals("{\"shape\":[2],\"data\":[2.0E23,0.3]}", text);
    }

    @Test
    void referenceResultsRoundTripExactly() throws Exception {
        ReferenceAggregatedRnn reference = new ReferenceAggregatedRnn();
        for (Case testCase : Suite.QUICK.cases(3).subList(0, 12)) {
            ForwardResult forward = reference.forward(testCase.spec(), testCase.parameters(), testCase.batch());
            GradientResult gradients = reference.gradients(testCase.spec(), testCase.parameters(), testCase.batch());
            assertEquals(forward, CaseCodec.readForwardResult(throughText(CaseCodec.writeForwardResult(forward)), "f"));
            assertEquals(gradients, CaseCodec.readGradientResult(throughText(CaseCodec.writeGradientResult(gradients)), "g",
                    testCase.spec()));
        }
    }

    @Test
    void optionalResultFieldsAreNullAndNaNLossesSurvive() throws Exception {
        Case testCase = CaseGenerator.generate("small", ModelSpec.of(2, 3, 2).withBiases(false), 1, 2, false, false, 5);
        Parameters zeros = Parameters.zeros(testCase.spec());
        GradientResult gradients = new GradientResult(Double.NaN, zeros, null, null, null);
        JsonNode node = throughText(CaseCodec.writeGradientResult(gradients));
        assertTrue(node.get("inputGradients").isNull());
        assertNull(node.get("parameterGradients").get("b"), "a parameter the model does not declare is left out");
        GradientResult read = CaseCodec.readGradientResult(node, "g", testCase.spec());
        assertTrue(Double.isNaN(read.loss()));
        assertEquals(gradients, read);
        ForwardResult forward = new ForwardResult(null, Tensor.zeros(1, 2, 2), Double.NEGATIVE_INFINITY);
        assertEquals(forward, CaseCodec.readForwardResult(throughText(CaseCodec.writeForwardResult(forward)), "f"));
        assertEquals(testCase, CaseCodec.readCase(throughText(CaseCodec.writeCase(testCase, null)), "small"));
    }

    @Test
    void theSpecIsWrittenInLowerCase() {
        Case testCase = Suite.QUICK.cases(1).get(0);
        JsonNode spec = CaseCodec.writeCase(testCase, null).get("spec");
        assertEquals("tanh", spec.get("activation").textValue());
        assertEquals("per_step_softmax", spec.get("head").textValue());
        assertEquals("float64", spec.get("dataType").textValue());
    }

    @Test
    void theSpecNamesItsCellAndTheParametersAreTheDeclaredOnes() {
        Case testCase = CaseGenerator.generate("small", ModelSpec.of(2, 3, 2).withBiases(false), 1, 2, false, false, 5);
        ObjectNode node = CaseCodec.writeCase(testCase, null);
        assertEquals("elman", node.get("spec").get("cell").textValue());
        assertEquals(List.of("U", "W", "V"), iterable(node.get("parameters").fieldNames()));
    }

    @Test
    void versionOneCasesAreWrittenAndReadInTheirOwnForm() throws Exception {
        Case testCase = CaseGenerator.generate("small", ModelSpec.of(2, 3, 2).withBiases(false), 1, 2, false, false, 5);
        JsonNode node = throughText(CaseCodec.writeCase(testCase, null, 1));
        assertNull(node.get("spec").get("cell"), "version 1 knows only the Elman cell and does not name it");
        assertEquals(List.of("U", "W", "b", "V", "c"), iterable(node.get("parameters").fieldNames()));
        assertTrue(node.get("parameters").get("b").isNull());
        assertEquals(testCase, CaseCodec.readCase(node, new JsonLocation("v1.json"), 1));
        assertEquals("v1.json: spec.cell: missing",
                assertThrows(InvalidInputException.class, () -> CaseCodec.readCase(node, "v1.json")).getMessage());
        JsonNode newest = CaseCodec.writeCase(testCase, null);
        assertTrue(assertThrows(InvalidInputException.class, () -> CaseCodec.readCase(newest, new JsonLocation("v2.json"), 1))
                .getMessage().startsWith("v2.json: spec: unknown field 'cell'"));
        assertThrows(InvalidInputException.class, () -> CaseCodec.writeCase(testCase, null, CaseCodec.NEWEST_VERSION + 1));
    }

    private static <T> List<T> iterable(Iterator<T> iterator) {
        List<T> items = new ArrayList<>();
        iterator.forEachRemaining(items::add);
        return items;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Malformed input: each error names the source, the JSON path and what is wrong

    /** A writable copy of a written case (d = 3, H = 5, K = 4, from the default grid), changed by {@code change}. */
    private static String errorAfter(Consumer<ObjectNode> change) {
        Case testCase = Suite.QUICK.cases(42).get(2);
        ObjectNode node = CaseCodec.writeCase(testCase, null);
        change.accept(node);
        return assertThrows(InvalidInputException.class, () -> CaseCodec.readCase(node, "case-0042.json")).getMessage();
    }

    private static ObjectNode at(ObjectNode node, String... fields) {
        ObjectNode current = node;
        for (String field : fields) {
            current = (ObjectNode) current.get(field);
        }
        return current;
    }

    @Test
    void aWrongParameterShapeNamesThePathAndTheSpec() {
        String message = errorAfter(node -> {
            ObjectNode w = at(node, "parameters", "W");
            ((ArrayNode) w.get("shape")).set(1, 3);
            ArrayNode data = (ArrayNode) w.get("data");
            while (data.size() > 15) {
                data.remove(data.size() - 1);
            }
        });
        assertEquals("case-0042.json: parameters.W: shape [5, 3] but spec says H=5 → [5, 5]", message);
    }

    @Test
    void dataThatDoesNotFillTheShapeIsNamed() {
        String message = errorAfter(node -> ((ArrayNode) at(node, "batch", "inputs").get("data")).remove(0));
        assertTrue(message.startsWith("case-0042.json: batch.inputs: shape [3, "), message);
        assertTrue(message.contains("elements but data has"), message);
    }

    @Test
    void aStringInTheDataIsNamedByIndex() {
        String message = errorAfter(node -> ((ArrayNode) at(node, "parameters", "U").get("data")).set(4, "0.5"));
        assertEquals("case-0042.json: parameters.U.data[4]: must be a number (or NaN, Infinity, -Infinity), got \"0.5\"", message);
    }

    @Test
    void missingAndUnknownFieldsAreNamed() {
        assertEquals("case-0042.json: spec.hiddenSize: missing", errorAfter(node -> at(node, "spec").remove("hiddenSize")));
        assertTrue(errorAfter(node -> at(node, "batch").put("initial_state", 1))
                .startsWith("case-0042.json: batch: unknown field 'initial_state'; known fields are ["));
        assertEquals("case-0042.json: spec.activation: unknown value 'TANH'; expected one of [tanh, sigmoid, relu, identity]",
                errorAfter(node -> at(node, "spec").put("activation", "TANH")));
        assertEquals("case-0042.json: batch.targets: missing", errorAfter(node -> at(node, "batch").putNull("targets")));
    }

    @Test
    void anUnknownCellOrParameterIsNamed() {
        // 'gru' and 'lstm' are cells now (issue #15); a name no cell has is still refused with the list of known ones.
        assertEquals("case-0042.json: spec.cell: unknown value 'transformer'; expected one of [elman, gru, lstm]",
                errorAfter(node -> at(node, "spec").put("cell", "transformer")));
        assertEquals("case-0042.json: parameters: unknown parameter 'X'; the model's parameters are [U, W, b, V, c]",
                errorAfter(node -> at(node, "parameters").set("X", at(node, "parameters", "c"))));
        assertEquals("case-0042.json: parameters.c: missing", errorAfter(node -> at(node, "parameters").remove("c")));
    }

    @Test
    void biasesMustMatchTheSpec() {
        String message = errorAfter(node -> at(node, "spec").put("biases", false));
        assertTrue(message.endsWith("given, but the spec has no biases (biases: false)"), message);
        assertTrue(message.startsWith("case-0042.json: parameters."), message);
    }

    @Test
    void aNaNWeightIsAnErrorNamingTheFile() {
        String message = errorAfter(node -> ((ArrayNode) at(node, "parameters", "V").get("data")).set(1, Double.NaN));
        assertEquals("case-0042.json: V[0, 1] is NaN; every element must be finite", message);
    }

    @Test
    void aBadTruncationIsNamed() {
        String message = errorAfter(node -> node.putObject("truncation").put("k1", 0).put("k2", 3));
        assertEquals("case-0042.json: truncation.k1: must be at least 1, got 0", message);
    }

    @Test
    void resultErrorsNameThePath() {
        ObjectNode forward = CaseCodec.writeForwardResult(new ForwardResult(null, Tensor.zeros(1, 2), 1.0));
        forward.put("loss", "high");
        assertEquals("answer: loss: must be a number (or NaN, Infinity, -Infinity), got \"high\"",
                assertThrows(InvalidInputException.class, () -> CaseCodec.readForwardResult(forward, "answer")).getMessage());
        ModelSpec spec = ModelSpec.of(1, 1, 1);
        ObjectNode gradients = CaseCodec.writeGradientResult(new GradientResult(1.0, Parameters.zeros(spec), null, null, null));
        gradients.put("hidden_state_gradients", 0);
        assertTrue(assertThrows(InvalidInputException.class, () -> CaseCodec.readGradientResult(gradients, "answer", spec))
                .getMessage().startsWith("answer: unknown field 'hidden_state_gradients'"));
        gradients.remove("hidden_state_gradients");
        ((ObjectNode) gradients.get("parameterGradients")).remove("W");
        assertEquals("answer: parameterGradients.W: missing",
                assertThrows(InvalidInputException.class, () -> CaseCodec.readGradientResult(gradients, "answer", spec)).getMessage());
    }

    // ---------------------------------------------------------------------------------------------------------
    // The gated cells: cell options, the LSTM's initial cell state, cell-state results

    private static final ModelSpec SMALL = ModelSpec.of(2, 3, 2);
    private static final ModelSpec GRU_AFTER_TWO_BIASES = SMALL.withCell(Cell.GRU, CellOptions.gru(ResetPlacement.AFTER, true));
    private static final ModelSpec LSTM_PEEPHOLES = SMALL.withCell(Cell.LSTM, CellOptions.lstm(true, false));

    /** Every option of both gated cells, with and without biases. */
    private static List<ModelSpec> gatedSpecs() {
        List<ModelSpec> specs = new ArrayList<>();
        for (ResetPlacement placement : ResetPlacement.values()) {
            specs.add(SMALL.withCell(Cell.GRU, CellOptions.gru(placement, false)));
            specs.add(SMALL.withCell(Cell.GRU, CellOptions.gru(placement, true)));
            specs.add(SMALL.withBiases(false).withCell(Cell.GRU, CellOptions.gru(placement, false)));
        }
        for (boolean peepholes : new boolean[] {false, true}) {
            specs.add(SMALL.withCell(Cell.LSTM, CellOptions.lstm(peepholes, false)));
            specs.add(SMALL.withCell(Cell.LSTM, CellOptions.lstm(peepholes, true)));
            specs.add(SMALL.withBiases(false).withCell(Cell.LSTM, CellOptions.lstm(peepholes, false)));
        }
        return specs;
    }

    /**
     * A case of {@code spec} (B = 2, T = 3, the second sequence two steps long) with seeded weights, h_{-1} and, for
     * a cell with a cell state when {@code initialCellState}, c_{-1}.
     */
    private static Case gatedCase(ModelSpec spec, boolean initialCellState, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Parameters parameters = Parameters.of(spec, declaration -> uniform(random, declaration.shape()));
        int batchSize = 2;
        int steps = 3;
        Tensor targets = Tensor.zeros(batchSize, steps, spec.outputSize());
        for (int sequence = 0; sequence < batchSize; sequence++) {
            for (int step = 0; step < steps; step++) {
                targets.set(1.0, sequence, step, (sequence + step) % spec.outputSize());
            }
        }
        Tensor mask = Tensor.of(new double[] {1, 1, 1, 1, 1, 0}, batchSize, steps);
        Batch batch = new Batch(uniform(random, batchSize, steps, spec.inputSize()), targets, mask,
                uniform(random, batchSize, spec.hiddenSize()),
                initialCellState ? uniform(random, batchSize, spec.hiddenSize()) : null);
        return new Case(spec.label().replace('/', '-'), "a gated case", spec, parameters, batch, seed);
    }

    private static Tensor uniform(SplittableRandom random, int... shape) {
        Tensor tensor = Tensor.zeros(shape);
        for (int i = 0; i < tensor.length(); i++) {
            tensor.data()[i] = random.nextDouble(-1, 1);
        }
        return tensor;
    }

    @Test
    void everyGatedCellOptionRoundTripsExactly() throws Exception {
        long seed = 11;
        for (ModelSpec spec : gatedSpecs()) {
            for (boolean initialCellState : spec.cell().hasCellState() ? new boolean[] {false, true} : new boolean[] {false}) {
                Case testCase = gatedCase(spec, initialCellState, seed++);
                Case read = CaseCodec.readCase(throughText(CaseCodec.writeCase(testCase, null)), testCase.id());
                assertEquals(testCase, read, testCase.id());
                assertEquals(spec.cellOptions(), read.spec().cellOptions(), testCase.id());
            }
        }
    }

    @Test
    void aGatedSpecWritesTheOptionsItsCellReads() {
        JsonNode gru = CaseCodec.writeCase(gatedCase(GRU_AFTER_TWO_BIASES, false, 1), null);
        assertEquals("gru", gru.get("spec").get("cell").textValue());
        assertEquals("{\"resetPlacement\":\"after\",\"twoBiases\":true}", gru.get("spec").get("cellOptions").toString());
        assertEquals(List.of("U_r", "U_z", "U_n", "W_r", "W_z", "W_n", "b_r", "b_z", "b_n", "b_hr", "b_hz", "b_hn", "V", "c"),
                iterable(gru.get("parameters").fieldNames()));
        assertNull(gru.get("batch").get("initialCellState"), "a GRU has no cell state: no field");

        JsonNode lstm = CaseCodec.writeCase(gatedCase(LSTM_PEEPHOLES, false, 2), null);
        assertEquals("lstm", lstm.get("spec").get("cell").textValue());
        assertEquals("{\"peepholes\":true,\"twoBiases\":false}", lstm.get("spec").get("cellOptions").toString());
        assertEquals(List.of("U_i", "U_f", "U_g", "U_o", "W_i", "W_f", "W_g", "W_o", "b_i", "b_f", "b_g", "b_o",
                "p_i", "p_f", "p_o", "V", "c"), iterable(lstm.get("parameters").fieldNames()));
        assertTrue(lstm.get("batch").get("initialCellState").isNull(), "an LSTM's absent c_{-1} is written as null");
        JsonNode withCellState = CaseCodec.writeCase(gatedCase(LSTM_PEEPHOLES, true, 2), null);
        assertEquals("[2,3]", withCellState.get("batch").get("initialCellState").get("shape").toString());
    }

    @Test
    void anElmanCaseKeepsItsFormWithoutCellOptionsOrCellState() {
        JsonNode node = CaseCodec.writeCase(Suite.QUICK.cases(42).get(2), null);
        assertEquals(List.of("cell", "inputSize", "hiddenSize", "outputSize", "activation", "head", "biases", "reduction",
                "dataType"), iterable(node.get("spec").fieldNames()));
        assertEquals(List.of("inputs", "targets", "mask", "initialState"), iterable(node.get("batch").fieldNames()));
        GradientResult gradients = new GradientResult(1.0, Parameters.zeros(SMALL), null, null, null);
        assertEquals(List.of("loss", "parameterGradients", "inputGradients", "initialStateGradients", "hiddenStateGradients"),
                iterable(CaseCodec.writeGradientResult(gradients).fieldNames()));
        assertEquals(List.of("hiddenStates", "outputs", "loss"),
                iterable(CaseCodec.writeForwardResult(new ForwardResult(null, Tensor.zeros(1, 2), 1.0)).fieldNames()));
    }

    @Test
    void cellStatesAndTheGradientOfTheInitialCellStateRoundTrip() throws Exception {
        Case testCase = gatedCase(LSTM_PEEPHOLES, true, 3);
        SplittableRandom random = new SplittableRandom(4);
        ForwardResult forward = new ForwardResult(uniform(random, 2, 3, 3), uniform(random, 2, 3, 2), 1.5,
                uniform(random, 2, 3, 3));
        JsonNode forwardNode = throughText(CaseCodec.writeForwardResult(forward));
        assertEquals("[2,3,3]", forwardNode.get("cellStates").get("shape").toString());
        assertEquals(forward, CaseCodec.readForwardResult(forwardNode, "f"));
        Parameters parameterGradients = Parameters.of(testCase.spec(), declaration -> uniform(random, declaration.shape()));
        GradientResult gradients = new GradientResult(1.5, parameterGradients, uniform(random, 2, 3, 2),
                uniform(random, 2, 3), uniform(random, 2, 3, 3), uniform(random, 2, 3));
        JsonNode gradientNode = throughText(CaseCodec.writeGradientResult(gradients));
        assertEquals("[2,3]", gradientNode.get("initialCellStateGradients").get("shape").toString());
        assertEquals(gradients, CaseCodec.readGradientResult(gradientNode, "g", testCase.spec()));
        // Null and absent both mean "not offered".
        ((ObjectNode) gradientNode).putNull("initialCellStateGradients");
        assertNull(CaseCodec.readGradientResult(gradientNode, "g", testCase.spec()).initialCellStateGradients());
        ((ObjectNode) forwardNode).remove("cellStates");
        assertNull(CaseCodec.readForwardResult(forwardNode, "f").cellStates());
    }

    @Test
    void malformedCellStateResultsAreNamed() {
        ObjectNode forward = CaseCodec.writeForwardResult(new ForwardResult(null, Tensor.zeros(1, 2, 2), 1.0, Tensor.zeros(1, 2, 3)));
        ((ObjectNode) forward.get("cellStates")).putArray("shape").add(1).add(2).add(4);
        assertEquals("answer: cellStates: shape [1, 2, 4] holds 8 elements but data has 6",
                assertThrows(InvalidInputException.class, () -> CaseCodec.readForwardResult(forward, "answer")).getMessage());
        ObjectNode gradients = CaseCodec.writeGradientResult(new GradientResult(1.0, Parameters.zeros(LSTM_PEEPHOLES), null,
                null, null, Tensor.zeros(1, 3)));
        gradients.put("initialCellStateGradients", "zeros");
        assertEquals("answer: initialCellStateGradients: expected a JSON object, got string",
                assertThrows(InvalidInputException.class, () -> CaseCodec.readGradientResult(gradients, "answer", LSTM_PEEPHOLES))
                        .getMessage());
    }

    /** The error reading a written {@code testCase} after {@code change}. */
    private static String errorAfter(Case testCase, Consumer<ObjectNode> change) {
        ObjectNode node = CaseCodec.writeCase(testCase, null);
        change.accept(node);
        return assertThrows(InvalidInputException.class, () -> CaseCodec.readCase(node, "gated.json")).getMessage();
    }

    @Test
    void malformedCellOptionsAreNamed() {
        Case gru = gatedCase(GRU_AFTER_TWO_BIASES, false, 5);
        assertEquals("gated.json: spec.cellOptions.resetPlacement: unknown value 'middle'; expected one of [before, after]",
                errorAfter(gru, node -> at(node, "spec", "cellOptions").put("resetPlacement", "middle")));
        assertEquals("gated.json: spec.cellOptions.resetPlacement: missing",
                errorAfter(gru, node -> at(node, "spec", "cellOptions").remove("resetPlacement")));
        assertEquals("gated.json: spec.cellOptions: missing; a gru's options are [resetPlacement, twoBiases]",
                errorAfter(gru, node -> at(node, "spec").remove("cellOptions")));
        assertEquals("gated.json: spec.cellOptions: unknown field 'peepholes'; known fields are [resetPlacement, twoBiases]",
                errorAfter(gru, node -> at(node, "spec", "cellOptions").put("peepholes", false)));
        assertEquals("gated.json: spec.cellOptions.twoBiases: must be true or false, got \"yes\"",
                errorAfter(gru, node -> at(node, "spec", "cellOptions").put("twoBiases", "yes")));
        assertEquals("gated.json: spec.cellOptions: expected a JSON object, got string",
                errorAfter(gru, node -> at(node, "spec").put("cellOptions", "after")));
        assertEquals("gated.json: spec.cellOptions.twoBiases: is true, but the spec has no biases (biases: false);"
                        + " two bias vectors per gate need biases",
                errorAfter(gru, node -> at(node, "spec").put("biases", false)));
        assertEquals("gated.json: spec.activation: a gru's nonlinearities are its own (sigmoid gates, tanh candidate):"
                        + " its activation must be tanh, got sigmoid",
                errorAfter(gru, node -> at(node, "spec").put("activation", "sigmoid")));
        Case lstm = gatedCase(LSTM_PEEPHOLES, false, 6);
        assertEquals("gated.json: spec.cellOptions.peepholes: missing",
                errorAfter(lstm, node -> at(node, "spec", "cellOptions").remove("peepholes")));
        assertEquals("gated.json: spec.cellOptions: unknown field 'resetPlacement'; known fields are [peepholes, twoBiases]",
                errorAfter(lstm, node -> at(node, "spec", "cellOptions").put("resetPlacement", "after")));
        assertEquals("case-0042.json: spec.cellOptions: given, but the elman cell has no options; leave the field out",
                errorAfter(node -> at(node, "spec").putObject("cellOptions").put("twoBiases", false)));
    }

    @Test
    void aGatedParameterTheOptionsLeaveOutIsNamedWithTheOption() {
        Case oneBias = gatedCase(SMALL.withCell(Cell.GRU, CellOptions.gru(ResetPlacement.BEFORE, false)), false, 7);
        assertEquals("gated.json: parameters.b_hz: given, but the spec has one bias vector per gate (cellOptions.twoBiases: false)",
                errorAfter(oneBias, node -> at(node, "parameters").set("b_hz", at(node, "parameters", "b_z"))));
        Case noPeepholes = gatedCase(SMALL.withCell(Cell.LSTM, CellOptions.lstm(false, true)), false, 8);
        assertEquals("gated.json: parameters.p_f: given, but the spec has no peepholes (cellOptions.peepholes: false)",
                errorAfter(noPeepholes, node -> at(node, "parameters").set("p_f", at(node, "parameters", "b_f"))));
        assertEquals("gated.json: parameters.W_o: missing",
                errorAfter(noPeepholes, node -> at(node, "parameters").remove("W_o")));
        assertEquals("gated.json: parameters.W_z: shape [3, 2] but spec says H=3 → [3, 3]",
                errorAfter(oneBias, node -> at(node, "parameters").set("W_z", at(node, "parameters", "U_z"))));
    }

    @Test
    void aMalformedInitialCellStateIsNamed() {
        Case lstm = gatedCase(LSTM_PEEPHOLES, true, 9);
        assertEquals("gated.json: batch.initialCellState: shape [2, 3, 2] but B=2 and spec says H=3 → [2, 3]",
                errorAfter(lstm, node -> at(node, "batch").set("initialCellState", at(node, "batch", "targets"))));
        assertTrue(errorAfter(lstm, node -> ((ArrayNode) at(node, "batch", "initialCellState").get("data")).set(1, Double.NaN))
                .startsWith("gated.json: initialCellState[0, 1] is NaN"));
        Case gru = gatedCase(GRU_AFTER_TWO_BIASES, false, 10);
        assertEquals("gated.json: batch.initialCellState: given, but the gru cell has no cell state; leave the field out (or null)",
                errorAfter(gru, node -> at(node, "batch").set("initialCellState", at(node, "batch", "initialState"))));
        JsonNode versionOne = CaseCodec.writeCase(Suite.QUICK.cases(42).get(2), null, 1);
        ((ObjectNode) versionOne.get("batch")).putNull("initialCellState");
        assertTrue(assertThrows(InvalidInputException.class, () -> CaseCodec.readCase(versionOne, new JsonLocation("v1.json"), 1))
                .getMessage().startsWith("v1.json: batch: unknown field 'initialCellState'"));
    }

    @Test
    void duplicateKeysAreRefused() {
        assertThrows(Exception.class, () -> CaseCodec.mapper().readTree("{\"loss\": 1, \"loss\": 2}"));
    }
}
