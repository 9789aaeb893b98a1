package org.bptt.coursework;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bptt.api.Activation;
import org.bptt.api.Cell;
import org.bptt.api.CellOptions;
import org.bptt.api.DataType;
import org.bptt.api.Head;
import org.bptt.api.InvalidInputException;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.ResetPlacement;
import org.bptt.api.Tensor;
import org.bptt.core.compare.TolerancePolicy;

/**
 * A student's answers file:
 * <pre>
 * {
 *   "spec": {"inputSize": 2, "hiddenSize": 2, "outputSize": 2, "steps": 3, "activation": "tanh",
 *            "head": "per_step_softmax", "biases": true, "reduction": "sum", "initialState": false},
 *   "seed": 7,
 *   "tolerance": {"absolute": 1e-6, "relative": 1e-4},
 *   "answers": {"h_1": [0.1, -0.2], "L": 2.07, "dL/dW": [[0.01, 0.02], [0.03, 0.04]]}
 * }
 * </pre>
 * A gated cell is {@code "cell": "gru"} or {@code "lstm"}, with {@code "reset": "before"|"after"} (a GRU's, default
 * after), {@code "peepholes"} (an LSTM's) and {@code "twoBiases"}; {@code "initialState"} then also draws an
 * LSTM's c_{-1}. Every spec field is optional (defaults: {@link #DEFAULT_SPEC}, the Elman cell, T = 3, h_{-1} = 0);
 * {@code seed} defaults to 1,
 * {@code tolerance} to the harness's {@link TolerancePolicy#defaults()}; {@code answers} must name at least one
 * quantity ({@link TapeQuantities} lists the names). Unknown fields are refused, so a typo is not silently ignored.
 *
 * @param example   the spec, T, h_{-1} and seed the answers are for
 * @param tolerance the policy the answers are compared with
 * @param answers   the student's values, by the names they used, in file order
 */
public record AnswerSheet(ExplainCase example, TolerancePolicy tolerance, Map<String, Tensor> answers) {

    /** d = 2, H = 2, K = 2, tanh, per-step softmax, biases, summed loss. */
    public static final ModelSpec DEFAULT_SPEC = ModelSpec.of(2, 2, 2);
    public static final int DEFAULT_STEPS = 3;
    public static final long DEFAULT_SEED = 1;

    private static final Set<String> TOP_LEVEL = Set.of("spec", "seed", "tolerance", "answers");
    private static final Set<String> SPEC_FIELDS = Set.of("cell", "reset", "peepholes", "twoBiases", "inputSize", "hiddenSize",
            "outputSize", "steps", "activation", "head", "biases", "reduction", "initialState");
    private static final Set<String> TOLERANCE_FIELDS = Set.of("absolute", "relative");

    /** Reads and validates the file; every problem is an {@link InvalidInputException} naming the field. */
    public static AnswerSheet read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new InvalidInputException("the answers file " + file + " does not exist (looked for "
                    + file.toAbsolutePath() + ")");
        } catch (java.nio.file.AccessDeniedException e) {
            throw new InvalidInputException("the answers file " + file + " cannot be read: permission denied");
        } catch (java.nio.charset.MalformedInputException e) {
            throw new InvalidInputException("the answers file " + file + " is not UTF-8 text");
        } catch (IOException e) {
            throw new InvalidInputException("the answers file " + file + " cannot be read"
                    + (Files.isDirectory(file) ? ": it is a folder, not a file" : ": " + e.getMessage()));
        }
        return parse(text, file.getFileName().toString());
    }

    /** Parses the text of an answers file called {@code source} (for messages). */
    public static AnswerSheet parse(String text, String source) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(text);
        } catch (JsonProcessingException e) {
            // Jackson's own text may point at "[Source: REDACTED ...]": the line and column below say where instead.
            String problem = e.getOriginalMessage().replaceAll("\\s*\\(?start marker at \\[Source: [^\\]]*\\][^)]*\\)?", "")
                    .replaceAll("\\s*\\[Source: [^\\]]*\\]", "");
            throw new InvalidInputException(source + " is not valid JSON: " + problem
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")" : ""));
        }
        if (root == null || !root.isObject()) {
            throw new InvalidInputException(source + " must hold a JSON object with \"spec\", \"seed\" and \"answers\"");
        }
        requireKnown(root, TOP_LEVEL, source, "");
        JsonNode specNode = root.path("spec");
        if (!specNode.isMissingNode()) {
            requireObject(specNode, source, "spec");
            requireKnown(specNode, SPEC_FIELDS, source, "spec.");
        }
        Head head = specNode.has("head") ? parseHead(text(specNode, "head", source, "spec.head"), source) : DEFAULT_SPEC.head();
        int outputSize = integer(specNode, "outputSize", head == Head.LAST_STEP_SIGMOID ? 1 : DEFAULT_SPEC.outputSize(), source);
        ModelSpec spec;
        try {
            Cell cell = specNode.has("cell") ? parseCell(text(specNode, "cell", source, "spec.cell"), source) : Cell.ELMAN;
            spec = new ModelSpec(cell, cellOptions(specNode, cell, source), integer(specNode, "inputSize", DEFAULT_SPEC.inputSize(), source),
                    integer(specNode, "hiddenSize", DEFAULT_SPEC.hiddenSize(), source), outputSize,
                    specNode.has("activation") ? Activation.parse(text(specNode, "activation", source, "spec.activation"))
                            : DEFAULT_SPEC.activation(),
                    head, bool(specNode, "biases", DEFAULT_SPEC.biases(), source),
                    specNode.has("reduction") ? parseReduction(text(specNode, "reduction", source, "spec.reduction"), source)
                            : DEFAULT_SPEC.reduction(),
                    DataType.FLOAT64);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(source + ": spec: " + e.getMessage());
        }
        ExplainCase example;
        try {
            example = new ExplainCase(spec, integer(specNode, "steps", DEFAULT_STEPS, source),
                    bool(specNode, "initialState", false, source), seed(root, source));
        } catch (InvalidInputException e) {
            throw new InvalidInputException(e.getMessage().startsWith(source) ? e.getMessage() : source + ": spec: " + e.getMessage());
        }
        return new AnswerSheet(example, tolerance(root.path("tolerance"), source), answers(root.path("answers"), source));
    }

    private static long seed(JsonNode root, String source) {
        JsonNode seed = root.path("seed");
        if (seed.isMissingNode()) {
            return DEFAULT_SEED;
        }
        if (!seed.isIntegralNumber() || !seed.canConvertToLong()) {
            throw new InvalidInputException(source + ": field 'seed' must be an integer, got " + seed);
        }
        return seed.asLong();
    }

    private static TolerancePolicy tolerance(JsonNode node, String source) {
        TolerancePolicy defaults = TolerancePolicy.defaults();
        if (node.isMissingNode()) {
            return defaults;
        }
        requireObject(node, source, "tolerance");
        requireKnown(node, TOLERANCE_FIELDS, source, "tolerance.");
        TolerancePolicy.Terms base = defaults.float64();
        double absolute = number(node, "absolute", base.absolute(), source);
        double relative = number(node, "relative", base.relative(), source);
        try {
            return new TolerancePolicy(new TolerancePolicy.Terms(absolute, relative, base.ulps()), defaults.float32());
        } catch (InvalidInputException e) {
            throw new InvalidInputException(source + ": tolerance: " + e.getMessage());
        }
    }

    private static Map<String, Tensor> answers(JsonNode node, String source) {
        if (node.isMissingNode()) {
            throw new InvalidInputException(source + ": field 'answers' is missing; it maps quantity names such as "
                    + "\"h_1\" or \"dL/dW\" to your values");
        }
        requireObject(node, source, "answers");
        if (node.isEmpty()) {
            throw new InvalidInputException(source + ": field 'answers' is empty: give at least one quantity");
        }
        Map<String, Tensor> answers = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            answers.put(field.getKey(), tensor(field.getValue(), source, "answers." + field.getKey()));
        }
        return answers;
    }

    /** A number, or a rectangular nested array of numbers, as a tensor of the nesting's shape. */
    static Tensor tensor(JsonNode node, String source, String field) {
        List<Integer> shape = new ArrayList<>();
        JsonNode probe = node;
        while (probe.isArray()) {
            if (probe.isEmpty()) {
                throw new InvalidInputException(source + ": field '" + field + "' has an empty array");
            }
            shape.add(probe.size());
            probe = probe.get(0);
        }
        int[] dimensions = shape.stream().mapToInt(Integer::intValue).toArray();
        int size = 1;
        for (int dimension : dimensions) {
            size *= dimension;
        }
        double[] data = new double[size];
        fill(node, dimensions, 0, data, new int[] {0}, source, field, "");
        return new Tensor(dimensions, data);
    }

    private static void fill(JsonNode node, int[] shape, int depth, double[] data, int[] next, String source, String field,
                             String index) {
        if (depth == shape.length) {
            if (!node.isNumber()) {
                throw new InvalidInputException(source + ": field '" + field + "'" + index + " must be a number, got " + node);
            }
            double value = node.asDouble();
            if (!Double.isFinite(value)) {
                throw new InvalidInputException(source + ": field '" + field + "'" + index + " is not finite");
            }
            data[next[0]++] = value;
            return;
        }
        if (!node.isArray() || node.size() != shape[depth]) {
            throw new InvalidInputException(source + ": field '" + field + "'" + index + " must be an array of "
                    + shape[depth] + " (the arrays must be rectangular), got " + node);
        }
        for (int i = 0; i < node.size(); i++) {
            fill(node.get(i), shape, depth + 1, data, next, source, field, index + "[" + i + "]");
        }
    }

    private static void requireKnown(JsonNode node, Set<String> known, String source, String prefix) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new InvalidInputException(source + ": unknown field '" + prefix + name + "'; expected one of "
                        + known.stream().sorted().map(n -> prefix + n).toList());
            }
        }
    }

    private static void requireObject(JsonNode node, String source, String field) {
        if (!node.isObject()) {
            throw new InvalidInputException(source + ": field '" + field + "' must be a JSON object, got " + node);
        }
    }

    private static int integer(JsonNode spec, String name, int fallback, String source) {
        JsonNode value = spec.path(name);
        if (value.isMissingNode()) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new InvalidInputException(source + ": field 'spec." + name + "' must be an integer, got " + value);
        }
        return value.asInt();
    }

    private static boolean bool(JsonNode spec, String name, boolean fallback, String source) {
        JsonNode value = spec.path(name);
        if (value.isMissingNode()) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw new InvalidInputException(source + ": field 'spec." + name + "' must be true or false, got " + value);
        }
        return value.asBoolean();
    }

    private static double number(JsonNode node, String name, double fallback, String source) {
        JsonNode value = node.path(name);
        if (value.isMissingNode()) {
            return fallback;
        }
        if (!value.isNumber()) {
            throw new InvalidInputException(source + ": field 'tolerance." + name + "' must be a number, got " + value);
        }
        return value.asDouble();
    }

    private static String text(JsonNode node, String name, String source, String field) {
        JsonNode value = node.path(name);
        if (!value.isTextual()) {
            throw new InvalidInputException(source + ": field '" + field + "' must be a string, got " + value);
        }
        return value.asText();
    }

    private static Head parseHead(String name, String source) {
        for (Head head : Head.values()) {
            if (head.name().equalsIgnoreCase(name.trim().replace('-', '_'))) {
                return head;
            }
        }
        throw new InvalidInputException(source + ": field 'spec.head' is '" + name + "'; expected one of per_step_softmax, "
                + "last_step_softmax, last_step_sigmoid");
    }

    private static Cell parseCell(String name, String source) {
        for (Cell cell : Cell.values()) {
            if (cell.name().equalsIgnoreCase(name.trim())) {
                return cell;
            }
        }
        throw new InvalidInputException(source + ": field 'spec.cell' is '" + name + "'; expected one of elman, gru, lstm");
    }

    /** The cell's options from "reset" (a GRU's: before or after, default after), "peepholes" and "twoBiases". */
    private static CellOptions cellOptions(JsonNode spec, Cell cell, String source) {
        boolean peepholes = bool(spec, "peepholes", false, source);
        boolean twoBiases = bool(spec, "twoBiases", false, source);
        InvalidInputException.require(!spec.has("reset") || cell == Cell.GRU, "reset is a GRU option, but the cell is %s", name(cell));
        InvalidInputException.require(!peepholes || cell == Cell.LSTM, "peepholes is an LSTM option, but the cell is %s", name(cell));
        InvalidInputException.require(!twoBiases || cell != Cell.ELMAN, "twoBiases is a GRU or LSTM option");
        return switch (cell) {
            case ELMAN -> CellOptions.NONE;
            case GRU -> CellOptions.gru(spec.has("reset") ? parseReset(text(spec, "reset", source, "spec.reset"), source)
                    : ResetPlacement.AFTER, twoBiases);
            case LSTM -> CellOptions.lstm(peepholes, twoBiases);
        };
    }

    private static ResetPlacement parseReset(String name, String source) {
        for (ResetPlacement placement : ResetPlacement.values()) {
            if (placement.name().equalsIgnoreCase(name.trim())) {
                return placement;
            }
        }
        throw new InvalidInputException(source + ": field 'spec.reset' is '" + name + "'; expected before or after");
    }

    private static String name(Cell cell) {
        return cell.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static LossReduction parseReduction(String name, String source) {
        for (LossReduction reduction : LossReduction.values()) {
            if (reduction.name().equalsIgnoreCase(name.trim().replace('-', '_'))) {
                return reduction;
            }
        }
        throw new InvalidInputException(source + ": field 'spec.reduction' is '" + name + "'; expected one of sum, "
                + "mean_over_batch, mean_over_terms");
    }
}
