package org.bptt.json;

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
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.CellOptions;
import org.bptt.api.Combine;
import org.bptt.api.DataType;
import org.bptt.api.Direction;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.InvalidInputException;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterDeclaration;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.ResetPlacement;
import org.bptt.api.Tensor;
import org.bptt.api.Topology;
import org.bptt.api.Truncation;

/**
 * The JSON form of a case, a forward result and a gradient result (Jackson's tree model), as
 * {@code vectors/FORMAT.md} describes: the form of the conformance vectors and of the {@code cmd:} protocol.
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
 *
 * <p>A case's form has versions, FORMAT.md's {@code formatVersion}s:
 * <ol>
 *   <li>the spec names no cell (every model is an Elman RNN), and {@code parameters} has the five fields
 *       {@code U, W, b, V, c}, the biases null in a model without biases;</li>
 *   <li>the spec names its cell ({@code "cell": "elman"}), and {@code parameters} has one field for each parameter
 *       the model declares, named as {@code org.bptt.api} names them, and no other. The gated cells came later
 *       within version 2, as additions a version-2 reader refuses rather than misreads: {@code "cell": "gru"} or
 *       {@code "lstm"} with the spec's {@code cellOptions}, the LSTM's {@code batch.initialCellState}, and the
 *       results' {@code cellStates} and {@code initialCellStateGradients}. An Elman case is written exactly as
 *       before them. Stacked and bidirectional networks came later still, the same way: the spec's {@code layers},
 *       {@code direction} and {@code combine}, written only for a network that is not one forward layer (whose case
 *       is written exactly as before), with prefixed parameter names and {@code [L, D, B, H]} initial states.</li>
 * </ol>
 * Cases are written in the {@link #NEWEST_VERSION} unless a version is asked for (a program that speaks version 1 of
 * the {@code cmd:} protocol gets version-1 cases), and read in the version the caller says. Results have one form in
 * every version: parameter gradients by name, a parameter the model does not declare left out (or null, as version 1
 * wrote absent biases).
 */
public final class CaseCodec {

    private static final Set<String> CASE_FIELDS = Set.of("id", "description", "seed", "spec", "parameters", "batch", "truncation");
    /** The newest version of a case's form, the one written unless another is asked for. */
    public static final int NEWEST_VERSION = 2;

    /** The spec's fields in version 1; later versions add {@code cell}. */
    private static final Set<String> VERSION_1_SPEC_FIELDS = Set.of("inputSize", "hiddenSize", "outputSize", "activation",
            "head", "biases", "reduction", "dataType");
    private static final Set<String> SPEC_FIELDS = union(VERSION_1_SPEC_FIELDS, "cell", "cellOptions", "layers", "direction", "combine");
    /** The options each cell reads, as {@code spec.cellOptions} names them; the Elman cell has none. */
    private static final Map<Cell, Set<String>> CELL_OPTION_FIELDS = Map.of(
            Cell.ELMAN, Set.of(),
            Cell.GRU, Set.of("resetPlacement", "twoBiases"),
            Cell.LSTM, Set.of("peepholes", "twoBiases"));
    /** Version 1's parameter fields, in its order: the Elman model's, absent biases written as null. */
    private static final List<String> VERSION_1_PARAMETERS = List.of(ParameterNames.U, ParameterNames.W, ParameterNames.B,
            ParameterNames.V, ParameterNames.C);
    private static final Set<String> VERSION_1_BATCH_FIELDS = Set.of("inputs", "targets", "mask", "initialState");
    private static final Set<String> BATCH_FIELDS = union(VERSION_1_BATCH_FIELDS, "initialCellState");
    private static final Set<String> TENSOR_FIELDS = Set.of("shape", "data");
    private static final Set<String> TRUNCATION_FIELDS = Set.of("k1", "k2");
    private static final Set<String> FORWARD_FIELDS = Set.of("hiddenStates", "outputs", "loss", "cellStates");
    private static final Set<String> GRADIENT_FIELDS = Set.of("loss", "parameterGradients", "inputGradients",
            "initialStateGradients", "hiddenStateGradients", "initialCellStateGradients");

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

    /** {@link #writeCase(Case, Truncation, int)} in the {@link #NEWEST_VERSION}. */
    public static ObjectNode writeCase(Case testCase, Truncation truncationOrNull) {
        return writeCase(testCase, truncationOrNull, NEWEST_VERSION);
    }

    /**
     * {@code {"id", "description", "seed", "spec", "parameters", "batch", "truncation"}} in the form of
     * {@code version}; truncation is null for full BPTT, else {@code {"k1", "k2"}}. An absent mask and initial state
     * are written as null; so is an absent initial cell state of a cell that has a cell state (the LSTM), while the
     * batch of a cell without one has no {@code initialCellState} field.
     *
     * @throws InvalidInputException when {@code version} is not one this codec knows, or cannot express the case
     */
    public static ObjectNode writeCase(Case testCase, Truncation truncationOrNull, int version) {
        requireVersion(version);
        ObjectNode node = NODES.objectNode();
        node.put("id", testCase.id());
        node.put("description", testCase.description());
        node.put("seed", testCase.seed());
        node.set("spec", writeSpec(testCase.spec(), version));
        node.set("parameters", writeParameters(testCase.parameters(), version));
        Batch batch = testCase.batch();
        ObjectNode batchNode = node.putObject("batch");
        batchNode.set("inputs", writeTensor(batch.inputs()));
        batchNode.set("targets", writeTensor(batch.targets()));
        batchNode.set("mask", writeTensor(batch.mask()));
        batchNode.set("initialState", writeTensor(batch.initialState()));
        if (testCase.spec().cell().hasCellState()) {
            batchNode.set("initialCellState", writeTensor(batch.initialCellState()));
        }
        node.set("truncation", writeTruncation(truncationOrNull));
        return node;
    }

    /**
     * {@code {"cell", "cellOptions", "inputSize", "hiddenSize", "outputSize", "activation", "head", "biases",
     * "reduction", "dataType"}}: without {@code cell} in version 1 (which knows only the Elman cell), and without
     * {@code cellOptions} for the Elman cell (which has none).
     */
    private static ObjectNode writeSpec(ModelSpec spec, int version) {
        ObjectNode node = NODES.objectNode();
        if (version == 1) {
            InvalidInputException.require(spec.cell() == Cell.ELMAN,
                    "version 1 of the case form knows only the Elman cell; the model's cell is %s", name(spec.cell()));
        } else {
            node.put("cell", name(spec.cell()));
            if (spec.cell() != Cell.ELMAN) {
                node.set("cellOptions", writeCellOptions(spec.cell(), spec.cellOptions()));
            }
        }
        node.put("inputSize", spec.inputSize());
        node.put("hiddenSize", spec.hiddenSize());
        node.put("outputSize", spec.outputSize());
        node.put("activation", name(spec.activation()));
        node.put("head", name(spec.head()));
        node.put("biases", spec.biases());
        node.put("reduction", name(spec.reduction()));
        node.put("dataType", name(spec.dataType()));
        if (!spec.topology().single()) {
            InvalidInputException.require(version >= 2,
                    "version 1 of the case form knows only one-layer forward networks; the model is %s", spec.label());
            node.put("layers", spec.layers());
            node.put("direction", name(spec.topology().direction()));
            if (spec.bidirectional()) {
                node.put("combine", name(spec.topology().combine()));
            }
        }
        return node;
    }

    /**
     * The options {@code cell} reads: a GRU's {@code {"resetPlacement", "twoBiases"}}, an LSTM's
     * {@code {"peepholes", "twoBiases"}}.
     */
    private static ObjectNode writeCellOptions(Cell cell, CellOptions options) {
        ObjectNode node = NODES.objectNode();
        if (cell == Cell.GRU) {
            node.put("resetPlacement", name(options.resetPlacement()));
        }
        if (cell == Cell.LSTM) {
            node.put("peepholes", options.peepholes());
        }
        node.put("twoBiases", options.twoBiases());
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

    /**
     * {@code {"hiddenStates" (or null), "outputs", "loss", "cellStates"}}, {@code cellStates} only when the result
     * has them (only a cell with a cell state can).
     */
    public static ObjectNode writeForwardResult(ForwardResult result) {
        ObjectNode node = NODES.objectNode();
        node.set("hiddenStates", writeTensor(result.hiddenStates()));
        node.set("outputs", writeTensor(result.outputs()));
        node.put("loss", result.loss());
        if (result.cellStates() != null) {
            node.set("cellStates", writeTensor(result.cellStates()));
        }
        return node;
    }

    /**
     * {@code {"loss", "parameterGradients": {"U": .., "W": .., ...}, "inputGradients", "initialStateGradients",
     * "hiddenStateGradients", "initialCellStateGradients"}}, the optional ones null when absent, except
     * {@code initialCellStateGradients}, which is written only when the result has it (only a cell with a cell state
     * can): so the results of the cells without one keep the form they had before the LSTM.
     */
    public static ObjectNode writeGradientResult(GradientResult result) {
        ObjectNode node = NODES.objectNode();
        node.put("loss", result.loss());
        node.set("parameterGradients", result.parameterGradients() == null ? NODES.nullNode()
                : writeParameters(result.parameterGradients(), NEWEST_VERSION));
        node.set("inputGradients", writeTensor(result.inputGradients()));
        node.set("initialStateGradients", writeTensor(result.initialStateGradients()));
        node.set("hiddenStateGradients", writeTensor(result.hiddenStateGradients()));
        if (result.initialCellStateGradients() != null) {
            node.set("initialCellStateGradients", writeTensor(result.initialCellStateGradients()));
        }
        return node;
    }

    /**
     * One field per parameter, by name, in the declared order; in version 1 the five fields {@code U, W, b, V, c},
     * absent biases as null.
     */
    private static ObjectNode writeParameters(Parameters parameters, int version) {
        ObjectNode node = NODES.objectNode();
        if (version == 1) {
            for (String name : VERSION_1_PARAMETERS) {
                node.set(name, writeTensor(parameters.get(name)));
            }
            return node;
        }
        parameters.byName().forEach((name, tensor) -> node.set(name, writeTensor(tensor)));
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

    /** {@link #readCase(JsonNode, JsonLocation, int)} of a whole document in the {@link #NEWEST_VERSION}. */
    public static Case readCase(JsonNode node, String where) {
        return readCase(node, new JsonLocation(where), NEWEST_VERSION);
    }

    /**
     * Reads a case written by {@link #writeCase} in the form of {@code version}: the truncation field, if any, is
     * checked but not returned (see {@link #readTruncation}). Shapes are checked against the spec, then the values
     * ({@link Case#validate()}).
     *
     * @param path names the source and the place in it in messages, e.g. the file name and {@code case}
     * @throws InvalidInputException "{@code where: json.path: problem}"
     */
    public static Case readCase(JsonNode node, JsonLocation path, int version) {
        requireVersion(version);
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
        ModelSpec spec = readSpec(required(node, "spec", path), path.child("spec"), version);
        Parameters parameters = readParameters(required(node, "parameters", path), path.child("parameters"), spec, true);
        Batch batch = readBatch(required(node, "batch", path), path.child("batch"), spec, version);
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
    public static Truncation readTruncation(JsonNode caseNode, JsonLocation path) {
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

    /** Reads a spec written in the form of {@code version}; version 1's has no cell and is always Elman. */
    private static ModelSpec readSpec(JsonNode node, JsonLocation path, int version) {
        requireObject(node, path, version == 1 ? VERSION_1_SPEC_FIELDS : SPEC_FIELDS);
        Cell cell = version == 1 ? Cell.ELMAN : enumValue(Cell.class, node, "cell", path);
        CellOptions cellOptions = readCellOptions(node.get("cellOptions"), path.child("cellOptions"), cell);
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
        InvalidInputException.require(!cellOptions.twoBiases() || biases.booleanValue(),
                "%s: is true, but the spec has no biases (biases: false); two bias vectors per gate need biases",
                path.child("cellOptions").child("twoBiases"));
        InvalidInputException.require(cell == Cell.ELMAN || activation == Activation.TANH,
                "%s: a %s's nonlinearities are its own (sigmoid gates, tanh candidate): its activation must be tanh, got %s",
                path.child("activation"), name(cell), name(activation));
        LossReduction reduction = enumValue(LossReduction.class, node, "reduction", path);
        DataType dataType = enumValue(DataType.class, node, "dataType", path);
        InvalidInputException.require(head != Head.LAST_STEP_SIGMOID || outputSize == 1,
                "%s: must be 1 for the last_step_sigmoid head, got %d", path.child("outputSize"), outputSize);
        return new ModelSpec(cell, cellOptions, inputSize, hiddenSize, outputSize, activation, head, biases.booleanValue(),
                reduction, dataType, readTopology(node, path));
    }

    /**
     * {@code layers} (default 1), {@code direction} ({@code forward} by default, or {@code bidirectional}) and, for a
     * bidirectional network only, {@code combine} ({@code concat}, {@code sum}, {@code mean}, {@code product}).
     */
    private static Topology readTopology(JsonNode node, JsonLocation path) {
        int layers = node.hasNonNull("layers") ? requiredInt(node, "layers", path) : 1;
        InvalidInputException.require(layers >= 1, "%s: must be at least 1, got %d", path.child("layers"), layers);
        Direction direction = node.hasNonNull("direction") ? enumValue(Direction.class, node, "direction", path) : Direction.FORWARD;
        if (direction == Direction.FORWARD) {
            InvalidInputException.require(!node.hasNonNull("combine"),
                    "%s: given, but a forward network has nothing to combine; leave the field out", path.child("combine"));
            return Topology.forward(layers);
        }
        InvalidInputException.require(node.hasNonNull("combine"), "%s: missing; a bidirectional network combines its"
                + " directions by one of [concat, sum, mean, product]", path.child("combine"));
        return Topology.bidirectional(layers, enumValue(Combine.class, node, "combine", path));
    }

    /**
     * The options of {@code cell} from {@code spec.cellOptions}: absent (or null) for the Elman cell; for a gated cell
     * an object with exactly the options the cell reads, each required.
     */
    private static CellOptions readCellOptions(JsonNode node, JsonLocation path, Cell cell) {
        if (cell == Cell.ELMAN) {
            InvalidInputException.require(node == null || node.isNull(),
                    "%s: given, but the elman cell has no options; leave the field out", path);
            return CellOptions.NONE;
        }
        InvalidInputException.require(node != null && !node.isNull(), "%s: missing; a %s's options are %s", path,
                name(cell), sorted(CELL_OPTION_FIELDS.get(cell)));
        requireObject(node, path, CELL_OPTION_FIELDS.get(cell));
        if (cell == Cell.GRU) {
            return CellOptions.gru(enumValue(ResetPlacement.class, node, "resetPlacement", path),
                    requiredBoolean(node, "twoBiases", path));
        }
        return CellOptions.lstm(requiredBoolean(node, "peepholes", path), requiredBoolean(node, "twoBiases", path));
    }

    /**
     * The parameters (or parameter gradients) of a model {@code spec}: one tensor for each parameter it declares; a
     * field of another known name is allowed only as null (version 1 writes absent biases so).
     *
     * @param checkShapes whether each tensor must have its declared shape (a result's shapes are left to the
     *                    verifier, which names them as compared quantities)
     */
    private static Parameters readParameters(JsonNode node, JsonLocation path, ModelSpec spec, boolean checkShapes) {
        InvalidInputException.require(node != null && node.isObject(), "%s: expected a JSON object, got %s", path, kind(node));
        List<ParameterDeclaration> declared = spec.parameters();
        List<String> declaredNames = declared.stream().map(ParameterDeclaration::name).toList();
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            InvalidInputException.require(ParameterNames.isKnown(name), "%s: unknown parameter '%s'; the model's parameters are %s",
                    path, name, declaredNames);
            InvalidInputException.require(declaredNames.contains(name) || node.get(name).isNull(), "%s: given, but %s",
                    path.child(name), whyNotDeclared(spec, name));
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (ParameterDeclaration declaration : declared) {
            Tensor tensor = requiredTensor(node, declaration.name(), path);
            if (checkShapes) {
                shaped(tensor, path.child(declaration.name()), "spec says " + declaration.sizes(), declaration.shape());
            }
            tensors.put(declaration.name(), tensor);
        }
        return new Parameters(tensors);
    }

    /** Why the model {@code spec} has no parameter {@code name}, which some model has. */
    private static String whyNotDeclared(ModelSpec spec, String name) {
        Cell cell = spec.cell();
        CellOptions options = spec.cellOptions();
        if (!spec.biases() && spec.withBiases(true).parameter(name) != null) {
            return "the spec has no biases (biases: false)";
        }
        if (cell != Cell.ELMAN && spec.biases() && !options.twoBiases()
                && spec.withCell(cell, new CellOptions(options.resetPlacement(), options.peepholes(), true)).parameter(name) != null) {
            return "the spec has one bias vector per gate (cellOptions.twoBiases: false)";
        }
        if (cell == Cell.LSTM && !options.peepholes()
                && spec.withCell(cell, CellOptions.lstm(true, options.twoBiases())).parameter(name) != null) {
            return "the spec has no peepholes (cellOptions.peepholes: false)";
        }
        return "a " + spec.label() + " model has no parameter " + name;
    }

    private static Batch readBatch(JsonNode node, JsonLocation path, ModelSpec spec, int version) {
        requireObject(node, path, version == 1 ? VERSION_1_BATCH_FIELDS : BATCH_FIELDS);
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
        String stateSizes = spec.topology().single() ? "B=" + batchSize + " and spec says H=" + spec.hiddenSize()
                : "spec says L=" + spec.layers() + ", D=" + spec.directions() + ", B=" + batchSize + ", H=" + spec.hiddenSize();
        Tensor initialState = optionalTensor(node, "initialState", path);
        if (initialState != null) {
            shaped(initialState, path.child("initialState"), stateSizes, Batch.stateShape(spec, batchSize));
        }
        Tensor initialCellState = optionalTensor(node, "initialCellState", path);
        if (initialCellState != null) {
            InvalidInputException.require(spec.cell().hasCellState(), "%s: given, but the %s cell has no cell state;"
                    + " leave the field out (or null)", path.child("initialCellState"), name(spec.cell()));
            shaped(initialCellState, path.child("initialCellState"), stateSizes, Batch.stateShape(spec, batchSize));
        }
        return new Batch(inputs, targets, mask, initialState, initialCellState);
    }

    /**
     * Reads a forward result written by {@link #writeForwardResult}. Shapes are checked only for consistency with
     * the data (the verifier checks them against the case); values may be NaN or infinite.
     */
    public static ForwardResult readForwardResult(JsonNode node, String where) {
        return readForwardResult(node, new JsonLocation(where));
    }

    public static ForwardResult readForwardResult(JsonNode node, JsonLocation path) {
        requireObject(node, path, FORWARD_FIELDS);
        return new ForwardResult(optionalTensor(node, "hiddenStates", path), requiredTensor(node, "outputs", path),
                number(required(node, "loss", path), path.child("loss")), optionalTensor(node, "cellStates", path));
    }

    /**
     * Reads a gradient result written by {@link #writeGradientResult} for the model {@code spec}: a parameter
     * gradient for each parameter it declares. Shapes are checked only for consistency with the data (the verifier
     * checks them against the case); values may be NaN or infinite.
     */
    public static GradientResult readGradientResult(JsonNode node, String where, ModelSpec spec) {
        return readGradientResult(node, new JsonLocation(where), spec);
    }

    /** {@link #readGradientResult(JsonNode, String, ModelSpec)} at {@code path} inside a larger document. */
    public static GradientResult readGradientResult(JsonNode node, JsonLocation path, ModelSpec spec) {
        requireObject(node, path, GRADIENT_FIELDS);
        double loss = number(required(node, "loss", path), path.child("loss"));
        Parameters parameterGradients = readParameters(required(node, "parameterGradients", path),
                path.child("parameterGradients"), spec, false);
        return new GradientResult(loss, parameterGradients, optionalTensor(node, "inputGradients", path),
                optionalTensor(node, "initialStateGradients", path), optionalTensor(node, "hiddenStateGradients", path),
                optionalTensor(node, "initialCellStateGradients", path));
    }

    /** Reads a tensor written by {@link #writeTensor}; null for a JSON null. */
    public static Tensor readTensor(JsonNode node, String where) {
        return node == null || node.isNull() ? null : tensor(node, new JsonLocation(where));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers

    private static void requireVersion(int version) {
        InvalidInputException.require(version >= 1 && version <= NEWEST_VERSION,
                "version %d of the case form is unknown; this bptt-harness knows versions 1 to %d", version, NEWEST_VERSION);
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

    private static boolean requiredBoolean(JsonNode node, String field, JsonLocation path) {
        JsonNode value = required(node, field, path);
        InvalidInputException.require(value.isBoolean(), "%s: must be true or false, got %s", path.child(field), value);
        return value.booleanValue();
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
    public static String name(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }

    private static String kind(JsonNode node) {
        return node == null || node.isMissingNode() ? "nothing" : node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static List<String> sorted(Set<String> fields) {
        return fields.stream().sorted().toList();
    }

    private static Set<String> union(Set<String> fields, String... more) {
        Set<String> union = new HashSet<>(fields);
        union.addAll(List.of(more));
        return Set.copyOf(union);
    }
}
