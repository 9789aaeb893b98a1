package org.bptt.vectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Iterator;
import java.util.Objects;
import java.util.Set;
import org.bptt.api.Case;
import org.bptt.api.DataType;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.InvalidInputException;
import org.bptt.api.Truncation;
import org.bptt.core.cases.SuiteCase;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.json.CaseCodec;
import org.bptt.json.JsonLocation;

/**
 * One conformance vector: a case (and its truncation), the oracle's expected results, and the tolerance policy they
 * were written under. The JSON form is FORMAT.md's "Conformance vector file".
 *
 * @param generator         what wrote the file
 * @param testCase          the case
 * @param truncation        null for full BPTT, else truncated BPTT(k1, k2)
 * @param expectedForward   the oracle's forward result; null for a truncated case (truncated BPTT has no forward call)
 * @param expectedGradients the oracle's gradients (truncated-BPTT gradients for a truncated case)
 * @param tolerance         the policy the vector was written under
 */
public record VectorFile(Generator generator, Case testCase, Truncation truncation, ForwardResult expectedForward,
                         GradientResult expectedGradients, TolerancePolicy tolerance) {

    /** The value of the {@code format} field. */
    public static final String FORMAT = "bptt-conformance-vector";
    /**
     * The newest format version this code reads, and the one it writes. Version 2 names the cell in the spec and
     * writes exactly the parameters the model declares; a version's case is read in {@link CaseCodec}'s form of the
     * same number.
     */
    public static final int FORMAT_VERSION = 2;

    private static final Set<String> FIELDS = Set.of("format", "formatVersion", "generator", "case", "truncation",
            "expected", "tolerance");
    private static final Set<String> EXPECTED_FIELDS = Set.of("forward", "gradients");
    private static final Set<String> TOLERANCE_FIELDS = Set.of("formula", "float64", "float32");
    private static final Set<String> TERMS_FIELDS = Set.of("absolute", "relative", "ulps");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /**
     * Fixed key order, two-space indentation, "\n" line ends whatever the platform, each array on one line: the
     * same export gives byte-identical files.
     */
    private static final ObjectWriter WRITER = CaseCodec.mapper().writer(new DefaultPrettyPrinter(
            Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withObjectIndenter(new DefaultIndenter("  ", "\n")));

    /**
     * What wrote a vector.
     *
     * @param tool          the tool's name, {@code bptt-harness}
     * @param version       its version
     * @param oracle        the id of the plugin that computed the expected results
     * @param oracleVersion that plugin's version
     */
    public record Generator(String tool, String version, String oracle, String oracleVersion) {
        public Generator {
            Objects.requireNonNull(tool, "tool");
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(oracle, "oracle");
            Objects.requireNonNull(oracleVersion, "oracleVersion");
        }
    }

    public VectorFile {
        Objects.requireNonNull(generator, "generator");
        Objects.requireNonNull(testCase, "testCase");
        Objects.requireNonNull(expectedGradients, "expectedGradients");
        Objects.requireNonNull(tolerance, "tolerance");
        if (truncation == null) {
            Objects.requireNonNull(expectedForward, "a full-BPTT vector needs a forward result");
        }
    }

    /** The case's id, or the truncated case's ({@link SuiteCase#id(String, Truncation)}). */
    public String id() {
        return SuiteCase.id(testCase.id(), truncation);
    }

    /** A file name for {@link #id()}: characters other than letters, digits, '.', '_' and '-' become '_'. */
    public static String fileName(String id) {
        return id.replaceAll("[^A-Za-z0-9._-]", "_") + ".json";
    }

    // ---------------------------------------------------------------------------------------------------------
    // Writing

    /** The file's JSON tree, fields in FORMAT.md's order. */
    public ObjectNode toJson() {
        ObjectNode node = NODES.objectNode();
        node.put("format", FORMAT);
        node.put("formatVersion", FORMAT_VERSION);
        node.set("generator", writeGenerator(generator));
        node.set("case", CaseCodec.writeCase(testCase, truncation));
        node.set("truncation", CaseCodec.writeTruncation(truncation));
        ObjectNode expected = node.putObject("expected");
        expected.set("forward", expectedForward == null ? NODES.nullNode() : CaseCodec.writeForwardResult(expectedForward));
        expected.set("gradients", CaseCodec.writeGradientResult(expectedGradients));
        node.set("tolerance", writeTolerance(tolerance));
        return node;
    }

    /** {@code {"tool", "version", "oracle", "oracleVersion"}}. */
    static ObjectNode writeGenerator(Generator generator) {
        ObjectNode node = NODES.objectNode();
        node.put("tool", generator.tool());
        node.put("version", generator.version());
        node.put("oracle", generator.oracle());
        node.put("oracleVersion", generator.oracleVersion());
        return node;
    }

    /** {@code {"formula", "float64": {"absolute", "relative", "ulps"}, "float32": {...}}}. */
    public static ObjectNode writeTolerance(TolerancePolicy policy) {
        ObjectNode node = NODES.objectNode();
        node.put("formula", policy.describe().get("formula"));
        for (DataType type : DataType.values()) {
            TolerancePolicy.Terms terms = policy.terms(type);
            node.putObject(CaseCodec.name(type))
                    .put("absolute", terms.absolute())
                    .put("relative", terms.relative())
                    .put("ulps", terms.ulps());
        }
        return node;
    }

    /** Writes the file atomically: a temporary file next to it, then a move, so no reader sees half a file. */
    public void write(Path file) throws IOException {
        writeJson(file, toJson());
    }

    /** {@code tree} as pretty-printed JSON (see {@link #WRITER}), written atomically to {@code file}. */
    static void writeJson(Path file, JsonNode tree) throws IOException {
        byte[] bytes = (WRITER.writeValueAsString(tree) + "\n").getBytes(StandardCharsets.UTF_8);
        Path directory = file.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path temporary = Files.createTempFile(directory, "." + file.getFileName(), ".tmp");
        try {
            Files.write(temporary, bytes);
            if (Files.getFileStore(temporary).supportsFileAttributeView(PosixFileAttributeView.class)) {
                // createTempFile makes it private (rw-------); vectors are meant to be shared.
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Reading

    /**
     * Reads and checks a vector file.
     *
     * @throws InvalidInputException naming the file, the JSON path and what is wrong (a missing file, bad JSON, a
     *                               newer format version, a field of the wrong shape)
     */
    public static VectorFile read(Path file) {
        return fromJson(parse(file), file.toString());
    }

    /** Parses a JSON file with {@link CaseCodec#mapper()}; errors name the file, line and column. */
    static JsonNode parse(Path file) {
        try {
            JsonNode node = CaseCodec.mapper().readTree(Files.readString(file, StandardCharsets.UTF_8));
            InvalidInputException.require(node != null && !node.isMissingNode(), "%s: empty file", file);
            return node;
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(file + ": no such file");
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(file + ": not valid JSON at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidInputException(file + ": cannot be read: " + e);
        }
    }

    /** Reads a vector file's tree; {@code where} names it in messages. */
    public static VectorFile fromJson(JsonNode node, String where) {
        JsonLocation root = new JsonLocation(where);
        InvalidInputException.require(node.isObject(), "%s: expected a JSON object, got %s", where, node.getNodeType());
        int formatVersion = checkFormat(node, where, FORMAT);
        requireFields(node, root, FIELDS);
        Generator generator = readGenerator(required(node, "generator", root), root.child("generator"));
        JsonLocation caseAt = root.child("case");
        JsonNode caseNode = required(node, "case", root);
        Case testCase = CaseCodec.readCase(caseNode, caseAt, formatVersion);
        Truncation truncation = CaseCodec.readTruncation(node, root);
        Truncation caseTruncation = CaseCodec.readTruncation(caseNode, caseAt);
        InvalidInputException.require(Objects.equals(truncation, caseTruncation),
                "%s: %s but case.truncation is %s; they must agree", root.child("truncation"), truncation, caseTruncation);
        JsonLocation expectedAt = root.child("expected");
        JsonNode expected = required(node, "expected", root);
        requireFields(expected, expectedAt, EXPECTED_FIELDS);
        JsonNode forwardNode = expected.get("forward");
        ForwardResult forward = null;
        if (forwardNode != null && !forwardNode.isNull()) {
            forward = CaseCodec.readForwardResult(forwardNode, expectedAt.child("forward"));
        } else {
            InvalidInputException.require(truncation != null, "%s: missing; a full-BPTT case needs the expected forward result",
                    expectedAt.child("forward"));
        }
        GradientResult gradients = CaseCodec.readGradientResult(required(expected, "gradients", expectedAt),
                expectedAt.child("gradients"), testCase.spec());
        TolerancePolicy tolerance = readTolerance(required(node, "tolerance", root), root.child("tolerance"));
        return new VectorFile(generator, testCase, truncation, forward, gradients, tolerance);
    }

    /**
     * Checks {@code format} and {@code formatVersion}: a newer version than {@link #FORMAT_VERSION} is refused with
     * the version this code reads.
     *
     * @return the file's format version
     */
    static int checkFormat(JsonNode node, String where, String format) {
        JsonNode formatNode = node.get("format");
        InvalidInputException.require(formatNode != null && format.equals(formatNode.asText()),
                "%s: not a bptt conformance vector: format is %s, expected \"%s\"", where,
                formatNode == null ? "missing" : formatNode.toString(), format);
        JsonNode version = node.get("formatVersion");
        InvalidInputException.require(version != null && version.isIntegralNumber() && version.canConvertToInt(),
                "%s: formatVersion: must be an integer, got %s", where, version == null ? "nothing" : version);
        int formatVersion = version.intValue();
        InvalidInputException.require(formatVersion <= FORMAT_VERSION,
                "%s: formatVersion %d is newer than this bptt-harness reads (%d); use a newer bptt-harness",
                where, formatVersion, FORMAT_VERSION);
        InvalidInputException.require(formatVersion >= 1, "%s: formatVersion: must be at least 1, got %d", where, formatVersion);
        return formatVersion;
    }

    static Generator readGenerator(JsonNode node, JsonLocation at) {
        InvalidInputException.require(node.isObject(), "%s: expected a JSON object", at);
        return new Generator(text(node, "tool", at), text(node, "version", at), text(node, "oracle", at),
                node.has("oracleVersion") ? text(node, "oracleVersion", at) : "unknown");
    }

    /** Reads a policy written by {@link #writeTolerance}. */
    static TolerancePolicy readTolerance(JsonNode node, JsonLocation at) {
        requireFields(node, at, TOLERANCE_FIELDS);
        return new TolerancePolicy(readTerms(required(node, "float64", at), at.child("float64")),
                readTerms(required(node, "float32", at), at.child("float32")));
    }

    private static TolerancePolicy.Terms readTerms(JsonNode node, JsonLocation at) {
        requireFields(node, at, TERMS_FIELDS);
        try {
            return new TolerancePolicy.Terms(number(node, "absolute", at), number(node, "relative", at), number(node, "ulps", at));
        } catch (InvalidInputException e) {
            throw new InvalidInputException(at + ": " + e.getMessage());
        }
    }

    private static void requireFields(JsonNode node, JsonLocation at, Set<String> fields) {
        InvalidInputException.require(node != null && node.isObject(), "%s: expected a JSON object", at);
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            InvalidInputException.require(fields.contains(name), "%s: unknown field '%s'; known fields are %s",
                    at, name, fields.stream().sorted().toList());
        }
    }

    private static JsonNode required(JsonNode node, String field, JsonLocation at) {
        JsonNode value = node.get(field);
        InvalidInputException.require(value != null && !value.isNull(), "%s: missing", at.child(field));
        return value;
    }

    private static String text(JsonNode node, String field, JsonLocation at) {
        JsonNode value = required(node, field, at);
        InvalidInputException.require(value.isTextual(), "%s: must be a string, got %s", at.child(field), value);
        return value.textValue();
    }

    private static double number(JsonNode node, String field, JsonLocation at) {
        JsonNode value = required(node, field, at);
        InvalidInputException.require(value.isNumber(), "%s: must be a number, got %s", at.child(field), value);
        return value.doubleValue();
    }
}
