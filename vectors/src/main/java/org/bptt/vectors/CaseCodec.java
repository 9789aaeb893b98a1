package org.bptt.vectors;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.Case;
import org.bptt.api.DataType;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.InvalidInputException;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.bptt.api.Truncation;

/**
 * The JSON form of a case, a forward result and a gradient result (Jackson's tree model), as FORMAT.md describes.
 *
 * <ul>
 *   <li>A tensor is {@code {"shape": [..], "data": [..]}}, data flat in row-major order.</li>
 *   <li>Numbers are doubles written shortest-round-trip (Schubfach), so they parse back bit for bit; NaN, Infinity
 *       and -Infinity are bare tokens, as Python's {@code json} module writes them.</li>
 *   <li>Every read error is an {@link InvalidInputException} "{@code where: json.path: what is wrong}"; a case's
 *       shapes are checked against its spec, its values with {@link Case#validate()}.</li>
 *   <li>Unknown fields are errors: a misspelt optional field ({@code hidden_states}) would otherwise be read as
 *       absent and silently not compared.</li>
 * </ul>
 */
public final class CaseCodec {

    private static final Set<String> CASE_FIELDS = Set.of("id", "description", "seed", "spec", "parameters", "batch", "truncation");
    private static final Set<String> SPEC_FIELDS = Set.of("inputSize", "hiddenSize", "outputSize", "activation", "head",
            "biases", "reduction", "dataType");
    private static final Set<String> PARAMETER_FIELDS = Set.of("U", "W", "b", "V", "c");
    private static final Set<String> BATCH_FIELDS = Set.of("inputs", "targets", "mask", "initialState");
    private static final Set<String> TENSOR_FIELDS = Set.of("shape", "data");
    private static final Set<String> TRUNCATION_FIELDS = Set.of("k1", "k2");
    private static final Set<String> FORWARD_FIELDS = Set.of("hiddenStates", "outputs", "loss");
    private static final Set<String> GRADIENT_FIELDS = Set.of("loss", "parameterGradients", "inputGradients",
            "initialStateGradients", "hiddenStateGradients");

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            // Schubfach: the shortest decimal that parses back to the same double.
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private CaseCodec() {
    }

    /**
     * The mapper every vector and protocol message is read and written with: NaN/Infinity tokens accepted and written
     * bare, doubles written shortest-round-trip, duplicate keys refused. Thread-safe; do not reconfigure it.
     */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Writing

    /**
     * {@code {"id", "description", "seed", "spec", "parameters", "batch", "truncation"}}; truncation is null for
     * full BPTT, else {@code {"k1", "k2"}}. Absent biases, mask and initial state are written as null.
     */
    public static ObjectNode writeCase(Case testCase, Truncation truncationOrNull) {
        ObjectNode node = NODES.objectNode();
        node.put("id", testCase.id());
        node.put("description", testCase.description());
        node.put("seed", testCase.seed());
        node.set("spec", writeSpec(testCase.spec()));
        node.set("parameters", writeParameters(testCase.parameters()));
        Batch batch = testCase.batch();
        ObjectNode batchNode = node.putObject("batch");
        batchNode.set("inputs", writeTensor(batch.inputs()));
        batchNode.set("targets", writeTensor(batch.targets()));
        batchNode.set("mask", writeTensor(batch.mask()));
        batchNode.set("initialState", writeTensor(batch.initialState()));
        node.set("truncation", writeTruncation(truncationOrNull));
        return node;
    }

    /** {@code {"inputSize", "hiddenSize", "outputSize", "activation", "head", "biases", "reduction", "dataType"}}. */
    public static ObjectNode writeSpec(ModelSpec spec) {
        ObjectNode node = NODES.objectNode();
        node.put("inputSize", spec.inputSize());
        node.put("hiddenSize", spec.hiddenSize());
        node.put("outputSize", spec.outputSize());
        node.put("activation", name(spec.activation()));
        node.put("head", name(spec.head()));
        node.put("biases", spec.biases());
        node.put("reduction", name(spec.reduction()));
        node.put("dataType", name(spec.dataType()));
        return node;
    }

    /** {@code {"k1", "k2"}}, or a JSON null for null. */
    public static JsonNode writeTruncation(Truncation truncation) {
        if (truncation == null) {
            return NODES.nullNode();
        }
        ObjectNode node = NODES.objectNode();
        node.put("k1", truncation.forwardLength());
        node.put("k2", truncation.backwardLength());
        return node;
    }

    /** {@code {"hiddenStates" (or null), "outputs", "loss"}}. */
    public static ObjectNode writeForwardResult(ForwardResult result) {
        ObjectNode node = NODES.objectNode();
        node.set("hiddenStates", writeTensor(result.hiddenStates()));
        node.set("outputs", writeTensor(result.outputs()));
        node.put("loss", result.loss());
        return node;
    }

    /**
     * {@code {"loss", "parameterGradients": {U, W, b, V, c}, "inputGradients", "initialStateGradients",
     * "hiddenStateGradients"}}, the optional ones null when absent.
     */
    public static ObjectNode writeGradientResult(GradientResult result) {
        ObjectNode node = NODES.objectNode();
        node.put("loss", result.loss());
        node.set("parameterGradients", result.parameterGradients() == null ? NODES.nullNode()
                : writeParameters(result.parameterGradients()));
        node.set("inputGradients", writeTensor(result.inputGradients()));
        node.set("initialStateGradients", writeTensor(result.initialStateGradients()));
        node.set("hiddenStateGradients", writeTensor(result.hiddenStateGradients()));
        return node;
    }

    /** {@code {"U", "W", "b", "V", "c"}}, absent biases as null. */
    public static ObjectNode writeParameters(Parameters parameters) {
        ObjectNode node = NODES.objectNode();
        node.set("U", writeTensor(parameters.U()));
        node.set("W", writeTensor(parameters.W()));
        node.set("b", writeTensor(parameters.b()));
        node.set("V", writeTensor(parameters.V()));
        node.set("c", writeTensor(parameters.c()));
        return node;
    }

    /** {@code {"shape": [..], "data": [..]}}, or a JSON null for null. */
    public static JsonNode writeTensor(Tensor tensor) {
        if (tensor == null) {
            return NODES.nullNode();
        }
        ObjectNode node = NODES.objectNode();
        ArrayNode shape = node.putArray("shape");
        for (int dimension : tensor.shape()) {
            shape.add(dimension);
        }
        ArrayNode data = node.putArray("data");
        for (double value : tensor.data()) {
            data.add(value);
        }
        return node;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Reading

    /**
     * Reads a case written by {@link #writeCase}: the truncation field, if any, is checked but not returned (see
     * {@link #readTruncation}). Shapes are checked against the spec, then the values ({@link Case#validate()}).
     *
     * @param where names the source in messages, e.g. the file name
     * @throws InvalidInputException "{@code where: json.path: problem}"
     */
    public static Case readCase(JsonNode node, String where) {
        return readCase(node, new JsonLocation(where));
    }

    /** {@link #readCase(JsonNode, String)} at {@code path} inside a larger document. */
    static Case readCase(JsonNode node, JsonLocation path) {
        String where = path.toString();
        requireObject(node, path, CASE_FIELDS);
        String id = requiredText(node, "id", path);
        InvalidInputException.require(!id.isBlank(), "%s: a case id must not be blank", path.child("id"));
        JsonNode description = node.get("description");
        String descriptionText = description == null || description.isNull() ? "" : text(description, path.child("description"));
        long seed = 0;
        JsonNode seedNode = node.get("seed");
        if (seedNode != null && !seedNode.isNull()) {
            InvalidInputException.require(seedNode.isIntegralNumber() && seedNode.canConvertToLong(),
                    "%s: must be an integer, got %s", path.child("seed"), seedNode);
            seed = seedNode.longValue();
        }
        ModelSpec spec = readSpec(required(node, "spec", path), path.child("spec"));
        Parameters parameters = readParameters(required(node, "parameters", path), path.child("parameters"), spec);
        Batch batch = readBatch(required(node, "batch", path), path.child("batch"), spec);
        readTruncation(node, path);
        Case testCase = new Case(id, descriptionText, spec, parameters, batch, seed);
        try {
            testCase.validate();
        } catch (InvalidInputException e) {
            throw new InvalidInputException(where + ": " + e.getMessage());
        }
        return testCase;
    }

    /** The {@code truncation} field of a case written by {@link #writeCase}: null when absent or null. */
    public static Truncation readTruncation(JsonNode caseNode, String where) {
        return readTruncation(caseNode, new JsonLocation(where));
    }

    /** The {@code truncation} field of the object at {@code path}: null when absent or null. */
    static Truncation readTruncation(JsonNode caseNode, JsonLocation path) {
        JsonNode node = caseNode == null ? null : caseNode.get("truncation");
        if (node == null || node.isNull()) {
            return null;
        }
        JsonLocation at = path.child("truncation");
        requireObject(node, at, TRUNCATION_FIELDS);
        int k1 = requiredInt(node, "k1", at);
        int k2 = requiredInt(node, "k2", at);
        InvalidInputException.require(k1 >= 1, "%s: must be at least 1, got %d", at.child("k1"), k1);
        InvalidInputException.require(k2 >= 1, "%s: must be at least 1, got %d", at.child("k2"), k2);
        return new Truncation(k1, k2);
    }

    /** Reads a spec written by {@link #writeSpec}. */
    public static ModelSpec readSpec(JsonNode node, String where) {
        return readSpec(node, new JsonLocation(where));
    }

    private static ModelSpec readSpec(JsonNode node, JsonLocation path) {
        requireObject(node, path, SPEC_FIELDS);
        int inputSize = requiredInt(node, "inputSize", path);
        int hiddenSize = requiredInt(node, "hiddenSize", path);
        int outputSize = requiredInt(node, "outputSize", path);
        InvalidInputException.require(inputSize >= 1, "%s: must be at least 1, got %d", path.child("inputSize"), inputSize);
        InvalidInputException.require(hiddenSize >= 1, "%s: must be at least 1, got %d", path.child("hiddenSize"), hiddenSize);
        InvalidInputException.require(outputSize >= 1, "%s: must be at least 1, got %d", path.child("outputSize"), outputSize);
        Activation activation = enumValue(Activation.class, node, "activation", path);
        Head head = enumValue(Head.class, node, "head", path);
        JsonNode biases = required(node, "biases", path);
        InvalidInputException.require(biases.isBoolean(), "%s: must be true or false, got %s", path.child("biases"), biases);
        LossReduction reduction = enumValue(LossReduction.class, node, "reduction", path);
        DataType dataType = enumValue(DataType.class, node, "dataType", path);
        InvalidInputException.require(head != Head.LAST_STEP_SIGMOID || outputSize == 1,
                "%s: must be 1 for the last_step_sigmoid head, got %d", path.child("outputSize"), outputSize);
        return new ModelSpec(inputSize, hiddenSize, outputSize, activation, head, biases.booleanValue(), reduction, dataType);
    }

    private static Parameters readParameters(JsonNode node, JsonLocation path, ModelSpec spec) {
        requireObject(node, path, PARAMETER_FIELDS);
        int d = spec.inputSize();
        int h = spec.hiddenSize();
        int k = spec.outputSize();
        Tensor u = shaped(requiredTensor(node, "U", path), path.child("U"), "spec says H=" + h + ", d=" + d, h, d);
        Tensor w = shaped(requiredTensor(node, "W", path), path.child("W"), "spec says H=" + h, h, h);
        Tensor v = shaped(requiredTensor(node, "V", path), path.child("V"), "spec says K=" + k + ", H=" + h, k, h);
        Tensor b = optionalTensor(node, "b", path);
        Tensor c = optionalTensor(node, "c", path);
        if (spec.biases()) {
            InvalidInputException.require(b != null, "%s: missing, but the spec has biases", path.child("b"));
            InvalidInputException.require(c != null, "%s: missing, but the spec has biases", path.child("c"));
            shaped(b, path.child("b"), "spec says H=" + h, h);
            shaped(c, path.child("c"), "spec says K=" + k, k);
        } else {
            InvalidInputException.require(b == null, "%s: given, but the spec has no biases (biases: false)", path.child("b"));
            InvalidInputException.require(c == null, "%s: given, but the spec has no biases (biases: false)", path.child("c"));
        }
        return new Parameters(u, w, b, v, c);
    }

    private static Batch readBatch(JsonNode node, JsonLocation path, ModelSpec spec) {
        requireObject(node, path, BATCH_FIELDS);
        Tensor inputs = requiredTensor(node, "inputs", path);
        InvalidInputException.require(inputs.rank() == 3, "%s: shape %s but inputs are [B, T, d]",
                path.child("inputs"), Arrays.toString(inputs.shape()));
        int batchSize = inputs.size(0);
        int steps = inputs.size(1);
        InvalidInputException.require(batchSize >= 1 && steps >= 1, "%s: shape %s but B and T must be at least 1",
                path.child("inputs"), Arrays.toString(inputs.shape()));
        String sizes = "B=" + batchSize + ", T=" + steps;
        shaped(inputs, path.child("inputs"), "spec says d=" + spec.inputSize(), batchSize, steps, spec.inputSize());
        Tensor targets = requiredTensor(node, "targets", path);
        if (spec.head().lastStepOnly()) {
            shaped(targets, path.child("targets"), sizes + " and K=" + spec.outputSize() + " (last-step head)",
                    batchSize, spec.outputSize());
        } else {
            shaped(targets, path.child("targets"), sizes + " and K=" + spec.outputSize(), batchSize, steps, spec.outputSize());
        }
        Tensor mask = optionalTensor(node, "mask", path);
        if (mask != null) {
            shaped(mask, path.child("mask"), sizes, batchSize, steps);
        }
        Tensor initialState = optionalTensor(node, "initialState", path);
        if (initialState != null) {
            shaped(initialState, path.child("initialState"), "B=" + batchSize + " and spec says H=" + spec.hiddenSize(),
                    batchSize, spec.hiddenSize());
        }
        return new Batch(inputs, targets, mask, initialState);
    }

    /**
     * Reads a forward result written by {@link #writeForwardResult}. Shapes are checked only for consistency with
     * the data (the verifier checks them against the case); values may be NaN or infinite.
     */
    public static ForwardResult readForwardResult(JsonNode node, String where) {
        return readForwardResult(node, new JsonLocation(where));
    }

    static ForwardResult readForwardResult(JsonNode node, JsonLocation path) {
        requireObject(node, path, FORWARD_FIELDS);
        return new ForwardResult(optionalTensor(node, "hiddenStates", path), requiredTensor(node, "outputs", path),
                number(required(node, "loss", path), path.child("loss")));
    }

    /**
     * Reads a gradient result written by {@link #writeGradientResult}. Shapes are checked only for consistency with
     * the data (the verifier checks them against the case); values may be NaN or infinite.
     */
    public static GradientResult readGradientResult(JsonNode node, String where) {
        return readGradientResult(node, new JsonLocation(where));
    }

    static GradientResult readGradientResult(JsonNode node, JsonLocation path) {
        requireObject(node, path, GRADIENT_FIELDS);
        double loss = number(required(node, "loss", path), path.child("loss"));
        JsonNode gradients = required(node, "parameterGradients", path);
        JsonLocation at = path.child("parameterGradients");
        requireObject(gradients, at, PARAMETER_FIELDS);
        Parameters parameterGradients = new Parameters(requiredTensor(gradients, "U", at), requiredTensor(gradients, "W", at),
                optionalTensor(gradients, "b", at), requiredTensor(gradients, "V", at), optionalTensor(gradients, "c", at));
        return new GradientResult(loss, parameterGradients, optionalTensor(node, "inputGradients", path),
                optionalTensor(node, "initialStateGradients", path), optionalTensor(node, "hiddenStateGradients", path));
    }

    /** Reads a tensor written by {@link #writeTensor}; null for a JSON null. */
    public static Tensor readTensor(JsonNode node, String where) {
        return node == null || node.isNull() ? null : tensor(node, new JsonLocation(where));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers

    /** A place in a document for messages: {@code file.json: parameters.W}. */
    record JsonLocation(String where, String path) {

        JsonLocation(String where) {
            this(where == null || where.isBlank() ? "<json>" : where, "");
        }

        JsonLocation child(String field) {
            return new JsonLocation(where, path.isEmpty() ? field : path + "." + field);
        }

        @Override
        public String toString() {
            return path.isEmpty() ? where : where + ": " + path;
        }
    }

    private static void requireObject(JsonNode node, JsonLocation path, Set<String> fields) {
        InvalidInputException.require(node != null && node.isObject(), "%s: expected a JSON object, got %s", path, kind(node));
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            InvalidInputException.require(fields.contains(name), "%s: unknown field '%s'; known fields are %s",
                    path, name, sorted(fields));
        }
    }

    private static JsonNode required(JsonNode node, String field, JsonLocation path) {
        JsonNode value = node.get(field);
        InvalidInputException.require(value != null && !value.isNull(), "%s: missing", path.child(field));
        return value;
    }

    private static String requiredText(JsonNode node, String field, JsonLocation path) {
        return text(required(node, field, path), path.child(field));
    }

    private static String text(JsonNode node, JsonLocation path) {
        InvalidInputException.require(node.isTextual(), "%s: must be a string, got %s", path, node);
        return node.textValue();
    }

    private static int requiredInt(JsonNode node, String field, JsonLocation path) {
        JsonNode value = required(node, field, path);
        InvalidInputException.require(value.isIntegralNumber() && value.canConvertToInt(),
                "%s: must be an integer, got %s", path.child(field), value);
        return value.intValue();
    }

    private static double number(JsonNode node, JsonLocation path) {
        InvalidInputException.require(node.isNumber(), "%s: must be a number (or NaN, Infinity, -Infinity), got %s", path, node);
        return node.doubleValue();
    }

    private static Tensor requiredTensor(JsonNode node, String field, JsonLocation path) {
        return tensor(required(node, field, path), path.child(field));
    }

    private static Tensor optionalTensor(JsonNode node, String field, JsonLocation path) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : tensor(value, path.child(field));
    }

    private static Tensor tensor(JsonNode node, JsonLocation path) {
        requireObject(node, path, TENSOR_FIELDS);
        JsonNode shapeNode = required(node, "shape", path);
        InvalidInputException.require(shapeNode.isArray(), "%s: must be an array of sizes, got %s", path.child("shape"), kind(shapeNode));
        int[] shape = new int[shapeNode.size()];
        long size = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode dimension = shapeNode.get(i);
            InvalidInputException.require(dimension.isIntegralNumber() && dimension.canConvertToInt() && dimension.intValue() >= 0,
                    "%s: must be a size ≥ 0, got %s", path.child("shape[" + i + "]"), dimension);
            shape[i] = dimension.intValue();
            size *= shape[i];
        }
        JsonNode dataNode = required(node, "data", path);
        InvalidInputException.require(dataNode.isArray(), "%s: must be a flat array of numbers, got %s", path.child("data"), kind(dataNode));
        InvalidInputException.require(dataNode.size() == size, "%s: shape %s holds %d elements but data has %d",
                path, Arrays.toString(shape), size, dataNode.size());
        double[] data = new double[dataNode.size()];
        for (int i = 0; i < data.length; i++) {
            data[i] = number(dataNode.get(i), path.child("data[" + i + "]"));
        }
        return new Tensor(shape, data);
    }

    /** Returns {@code tensor} when it has {@code expected} shape, else names the path, both shapes and why. */
    private static Tensor shaped(Tensor tensor, JsonLocation path, String because, int... expected) {
        InvalidInputException.require(tensor.hasShape(expected), "%s: shape %s but %s → %s", path,
                Arrays.toString(tensor.shape()), because, Arrays.toString(expected));
        return tensor;
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, JsonNode node, String field, JsonLocation path) {
        String value = text(required(node, field, path), path.child(field));
        List<String> accepted = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            if (name(constant).equals(value)) {
                return constant;
            }
            accepted.add(name(constant));
        }
        throw new InvalidInputException(path.child(field) + ": unknown value '" + value + "'; expected one of " + accepted);
    }

    /** An enum constant as written in JSON: lower case, e.g. {@code per_step_softmax}, {@code float64}. */
    static String name(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }

    private static String kind(JsonNode node) {
        return node == null || node.isMissingNode() ? "nothing" : node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static List<String> sorted(Set<String> fields) {
        return fields.stream().sorted().toList();
    }
}
