package org.bptt.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.CellOptions;
import org.bptt.api.DataType;
import org.bptt.api.Head;
import org.bptt.api.InvalidInputException;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.ResetPlacement;
import org.bptt.api.Tensor;
import org.bptt.core.cases.CaseGenerator;
import org.bptt.json.CaseCodec;

/**
 * Reads one case from a JSON file, in one of two forms.
 *
 * <p>The short form: the spec's sizes and choices, and optionally the exact weights and inputs (anything not given is
 * generated from {@code seed}). Example:
 * <pre>
 * { "inputSize": 3, "hiddenSize": 4, "outputSize": 3, "activation": "tanh", "head": "per_step_softmax",
 *   "biases": true, "reduction": "sum", "batchSize": 1, "steps": 3, "mask": false, "initialState": false,
 *   "seed": 7, "parameters": { "W": [[0.1, 0.2, 0, 0], ...] }, "inputs": [[[1, 0, 0], [0, 1, 0], [0, 0, 1]]] }
 * </pre>
 * A gated cell is {@code "cell": "gru"} or {@code "lstm"}, with {@code "reset": "before"|"after"} (a GRU's, default
 * after), {@code "peepholes": true} (an LSTM's) and {@code "twoBiases": true}; its parameters are named as
 * {@code org.bptt.api.ParameterNames} names them ({@code W_f}, {@code b_hn}, ...), and {@code "initialState": true}
 * gives an LSTM a random c_{-1} too.
 *
 * <p>The case form of {@code vectors/FORMAT.md} (a case as {@code bptt export} and the {@code cmd:} protocol write it,
 * recognised by its {@code "spec"} object), read by {@link CaseCodec}: every value given, nothing generated.
 *
 * <p>NaN and Infinity are accepted as tokens so that they can be reported as what they are, not as a syntax error.
 */
final class CaseFile {
    private static final Set<String> FIELDS = Set.of("cell", "reset", "peepholes", "twoBiases", "inputSize", "hiddenSize",
            "outputSize", "activation", "head", "biases", "reduction", "batchSize", "steps", "mask", "initialState", "seed",
            "parameters", "inputs");

    private CaseFile() {
    }

    static Case read(Path file) {
        JsonNode root = parse(file);
        InvalidInputException.require(root.isObject(), "%s: expected a JSON object at the top level", file);
        String where = file.toString();
        if (root.has("spec")) {
            return CaseCodec.readCase(root, where);
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            InvalidInputException.require(FIELDS.contains(name), "%s: unknown field '%s'; known fields are %s (or a case "
                    + "in the form of vectors/FORMAT.md, with a \"spec\" object)", file, name, FIELDS);
        }
        Cell cell = enumValue(Cell.class, text(root, "cell", "elman"), "cell", where);
        boolean biases = bool(root, "biases", true, where);
        boolean twoBiases = bool(root, "twoBiases", false, where);
        boolean peepholes = bool(root, "peepholes", false, where);
        InvalidInputException.require(!root.has("reset") || cell == Cell.GRU, "%s: reset is a GRU option, but the cell is %s",
                where, text(root, "cell", "elman"));
        InvalidInputException.require(!peepholes || cell == Cell.LSTM, "%s: peepholes is an LSTM option, but the cell is %s",
                where, text(root, "cell", "elman"));
        InvalidInputException.require(!twoBiases || cell != Cell.ELMAN, "%s: twoBiases is a GRU or LSTM option", where);
        InvalidInputException.require(!twoBiases || biases, "%s: twoBiases needs biases: true", where);
        CellOptions options = switch (cell) {
            case ELMAN -> CellOptions.NONE;
            case GRU -> CellOptions.gru(enumValue(ResetPlacement.class, text(root, "reset", "after"), "reset", where), twoBiases);
            case LSTM -> CellOptions.lstm(peepholes, twoBiases);
        };
        ModelSpec spec = new ModelSpec(cell, options,
                integer(root, "inputSize", 3, where), integer(root, "hiddenSize", 4, where), integer(root, "outputSize", 3, where),
                Activation.parse(text(root, "activation", "tanh")),
                enumValue(Head.class, text(root, "head", "per_step_softmax"), "head", where),
                biases,
                enumValue(LossReduction.class, text(root, "reduction", "sum"), "reduction", where),
                DataType.FLOAT64);
        int batchSize = integer(root, "batchSize", 1, where);
        int steps = integer(root, "steps", 3, where);
        InvalidInputException.require(steps >= 1, "%s: steps (T) must be at least 1, got %d", where, steps);
        InvalidInputException.require(batchSize >= 1, "%s: batchSize (B) must be at least 1, got %d", where, batchSize);
        long seed = root.has("seed") ? root.get("seed").asLong() : 1;
        String id = file.getFileName().toString().replaceFirst("\\.json$", "");
        Case generated = CaseGenerator.generate(id, spec, batchSize, steps, bool(root, "mask", false, where),
                bool(root, "initialState", false, where), seed);

        Parameters parameters = generated.parameters();
        JsonNode given = root.get("parameters");
        if (given != null) {
            InvalidInputException.require(given.isObject(), "%s: 'parameters' must be an object of %s", where,
                    spec.parameterNames());
            for (Iterator<String> names = given.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                InvalidInputException.require(spec.parameter(name) != null,
                        "%s: unknown parameter '%s'; the %s model declares %s", where, name, spec.label(), spec.parameterNames());
                parameters = parameters.with(name, tensor(given.get(name), where + ": parameters." + name));
            }
        }
        Batch batch = generated.batch();
        if (root.has("inputs")) {
            Tensor inputs = tensor(root.get("inputs"), where + ": inputs");
            requireInputShape(inputs, batchSize, steps, spec.inputSize(), where);
            batch = new Batch(inputs, batch.targets(), batch.mask(), batch.initialState(), batch.initialCellState());
        }
        return new Case(id, "read from " + file, spec, parameters, batch, seed);
    }

    /**
     * The given inputs must be {@code [B][T][d]} as batchSize, steps and inputSize say (or their defaults): the targets,
     * mask and initial states are generated for those sizes, so a mismatch is named here, by the fields involved.
     */
    private static void requireInputShape(Tensor inputs, int batchSize, int steps, int inputSize, String where) {
        int[] shape = inputs.shape();
        InvalidInputException.require(shape.length == 3, "%s: 'inputs' must be nested arrays [B][T][d], got %d levels",
                where, shape.length);
        InvalidInputException.require(shape[0] == batchSize, "%s: 'inputs' holds %d sequences but 'batchSize' is %d: give"
                + " \"batchSize\": %d, or %d sequences", where, shape[0], batchSize, shape[0], batchSize);
        InvalidInputException.require(shape[1] == steps, "%s: 'inputs' has T = %d steps per sequence but 'steps' is %d:"
                + " give \"steps\": %d, or inputs of %d steps", where, shape[1], steps, shape[1], steps);
        InvalidInputException.require(shape[2] == inputSize, "%s: 'inputs' has d = %d values per step but 'inputSize'"
                + " is %d: give \"inputSize\": %d, or inputs of %d values", where, shape[2], inputSize, shape[2], inputSize);
    }

    private static JsonNode parse(Path file) {
        try {
            ObjectMapper mapper = new ObjectMapper();
            mapper.enable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS);
            return mapper.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("spec file not found: " + file);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(file + ": not valid JSON at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidInputException("cannot read spec file " + file + ": " + e.getMessage());
        }
    }

    private static int integer(JsonNode root, String field, int fallback, String where) {
        JsonNode node = root.get(field);
        if (node == null) {
            return fallback;
        }
        InvalidInputException.require(node.isIntegralNumber() && node.canConvertToInt(), "%s: %s must be an integer, got %s", where, field, node);
        return node.intValue();
    }

    private static boolean bool(JsonNode root, String field, boolean fallback, String where) {
        JsonNode node = root.get(field);
        if (node == null) {
            return fallback;
        }
        InvalidInputException.require(node.isBoolean(), "%s: %s must be true or false, got %s", where, field, node);
        return node.booleanValue();
    }

    private static String text(JsonNode root, String field, String fallback) {
        JsonNode node = root.get(field);
        return node == null ? fallback : node.asText();
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String value, String field, String where) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value.replace('-', '_'))) {
                return constant;
            }
        }
        List<String> accepted = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            accepted.add(constant.name().toLowerCase(Locale.ROOT));
        }
        throw new InvalidInputException(where + ": unknown " + field + " '" + value + "'; expected one of " + accepted);
    }

    /** A nested JSON array of numbers as a tensor; ragged arrays and non-numbers are errors naming the element. */
    private static Tensor tensor(JsonNode node, String where) {
        List<Integer> shape = new ArrayList<>();
        for (JsonNode level = node; level.isArray(); level = level.get(0)) {
            InvalidInputException.require(level.size() > 0, "%s: an empty array", where);
            shape.add(level.size());
        }
        int[] dimensions = shape.stream().mapToInt(Integer::intValue).toArray();
        Tensor tensor = Tensor.zeros(dimensions);
        fill(node, tensor, new int[dimensions.length], 0, where);
        return tensor;
    }

    private static void fill(JsonNode node, Tensor tensor, int[] index, int depth, String where) {
        if (depth == index.length) {
            InvalidInputException.require(node.isNumber(), "%s%s: expected a number, got %s", where, java.util.Arrays.toString(index), node);
            tensor.set(node.doubleValue(), index);
            return;
        }
        InvalidInputException.require(node.isArray() && node.size() == tensor.size(depth),
                "%s: ragged array at depth %d (expected %d elements, got %s)", where, depth, tensor.size(depth), node.isArray() ? node.size() : node);
        for (int i = 0; i < node.size(); i++) {
            index[depth] = i;
            fill(node.get(i), tensor, index, depth + 1, where);
        }
    }
}
