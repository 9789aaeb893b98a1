package org.bptt.vectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bptt.api.InvalidInputException;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.json.JsonLocation;

/**
 * {@code index.json} of an exported folder: which vector files it holds, in order, and how they were made.
 *
 * @param generator      what wrote the files
 * @param suite          the suite they came from ({@code quick}, {@code default}, {@code full})
 * @param seed           the suite seed
 * @param cases          the number of full-BPTT vectors
 * @param truncatedCases the number of truncated-BPTT vectors
 * @param tolerance      the policy the files were written under
 * @param files          the vector files' names, relative to the folder, in the order to verify them
 */
public record VectorIndex(VectorFile.Generator generator, String suite, long seed, int cases, int truncatedCases,
                          TolerancePolicy tolerance, List<String> files) {

    /** The index's file name in an exported folder. */
    public static final String FILE_NAME = "index.json";
    /** The value of its {@code format} field. */
    public static final String FORMAT = "bptt-conformance-vector-index";

    public VectorIndex {
        Objects.requireNonNull(generator, "generator");
        Objects.requireNonNull(suite, "suite");
        Objects.requireNonNull(tolerance, "tolerance");
        files = List.copyOf(files);
    }

    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("format", FORMAT);
        node.put("formatVersion", VectorFile.FORMAT_VERSION);
        node.set("generator", VectorFile.writeGenerator(generator));
        node.put("suite", suite);
        node.put("seed", seed);
        node.putObject("counts").put("cases", cases).put("truncatedCases", truncatedCases).put("files", files.size());
        node.set("tolerance", VectorFile.writeTolerance(tolerance));
        ArrayNode names = node.putArray("files");
        files.forEach(names::add);
        return node;
    }

    /** Writes {@code directory/index.json} atomically. */
    public void write(Path directory) throws IOException {
        VectorFile.writeJson(directory.resolve(FILE_NAME), toJson());
    }

    /** Reads {@code file}; errors name the file and the field (a newer format version is refused). */
    public static VectorIndex read(Path file) {
        String where = file.toString();
        JsonNode node = VectorFile.parse(file);
        InvalidInputException.require(node.isObject(), "%s: expected a JSON object", where);
        VectorFile.checkFormat(node, where, FORMAT);
        JsonLocation root = new JsonLocation(where);
        JsonNode counts = node.path("counts");
        JsonNode names = node.get("files");
        InvalidInputException.require(names != null && names.isArray(), "%s: must be an array of file names", root.child("files"));
        List<String> files = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            JsonNode name = names.get(i);
            InvalidInputException.require(name.isTextual() && !name.textValue().isBlank()
                            && !name.textValue().contains("/") && !name.textValue().contains("\\"),
                    "%s: must be a file name in the folder, got %s", root.child("files[" + i + "]"), name);
            files.add(name.textValue());
        }
        return new VectorIndex(VectorFile.readGenerator(node.path("generator"), root.child("generator")),
                node.path("suite").asText("unknown"), node.path("seed").asLong(0), counts.path("cases").asInt(0),
                counts.path("truncatedCases").asInt(0),
                VectorFile.readTolerance(node.path("tolerance"), root.child("tolerance")), files);
    }
}
