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
import java.util.function.Consumer;
import org.bptt.api.Case;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.InvalidInputException;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.bptt.core.cases.CaseGenerator;
import org.bptt.core.cases.Suite;
import org.bptt.core.cases.TruncatedCase;
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
        TruncatedCase truncated = Suite.QUICK.truncatedCases(7).get(2);
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

    @Test
    void duplicateKeysAreRefused() {
        assertThrows(Exception.class, () -> CaseCodec.mapper().readTree("{\"loss\": 1, \"loss\": 2}"));
    }
}
