package org.bptt.vectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.CellOptions;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.InvalidInputException;
import org.bptt.api.ParameterDeclaration;
import org.bptt.api.ResetPlacement;
import org.bptt.api.Tensor;
import org.bptt.api.Truncation;
import org.bptt.core.cases.Suite;
import org.bptt.core.cases.SuiteCase;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.verify.CaseResult;
import org.bptt.core.verify.Status;
import org.bptt.core.verify.Verifier;
import org.bptt.reference.ReferenceAggregatedRnn;
import org.bptt.reference.ReferenceNaiveRnn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VectorFileTest {

    /** Vector files written by format version 1, kept as written (never regenerated): the next version must read them. */
    static final List<String> VERSION_ONE_FILES = List.of("sigmoid-perstep-bias-mask-h0-meant-B3-T2.json",
            "relu-lastsigmoid-bias-nomask-noh0-meant-B3-T17-tbptt-k1_8-k2_3.json");
    /** Vector files written by format version 2, kept as written: a model without biases and a truncated case. */
    static final List<String> VERSION_TWO_FILES = List.of("sigmoid-perstep-nobias-mask-noh0-sum-B3-T3.json",
            "tanh-lastsigmoid-bias-mask-noh0-meanb-B3-T17-tbptt-k1_8-k2_3.json");
    /**
     * Gated cases written by format version 2, kept as written: a GRU with its reset gate before the product and two
     * biases, and an LSTM with peepholes, c_{-1}, cell states and dL/dc_{-1}.
     */
    static final List<String> GATED_VERSION_TWO_FILES = List.of("gru-reset-before-laststep-twobiases-mask-h0-meanb-B3-T4.json",
            "lstm-peepholes-perstep-bias-mask-h0-c0-sum-B2-T3.json");

    static final VectorFile.Generator GENERATOR = new VectorFile.Generator("bptt-harness", "test", ReferenceAggregatedRnn.ID, "test");

    @TempDir
    Path folder;

    static VectorFile vectorOf(Case testCase, Truncation truncation) {
        ReferenceAggregatedRnn reference = new ReferenceAggregatedRnn();
        if (truncation != null) {
            return new VectorFile(GENERATOR, testCase, truncation, null,
                    reference.truncatedGradients(testCase.spec(), testCase.parameters(), testCase.batch(), truncation),
                    TolerancePolicy.defaults());
        }
        return new VectorFile(GENERATOR, testCase, null, reference.forward(testCase.spec(), testCase.parameters(), testCase.batch()),
                reference.gradients(testCase.spec(), testCase.parameters(), testCase.batch()), TolerancePolicy.defaults());
    }

    @Test
    void aVectorRoundTripsThroughAFileAndIsWrittenByteIdentically() throws IOException {
        Case testCase = Suite.QUICK.cases(42).get(5);
        VectorFile vector = vectorOf(testCase, null);
        Path first = folder.resolve("first.json");
        Path second = folder.resolve("second.json");
        vector.write(first);
        vector.write(second);
        assertEquals(vector, VectorFile.read(first));
        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second));
        assertTrue(Files.readString(first).startsWith("{\n  \"format\": \"bptt-conformance-vector\",\n  \"formatVersion\": 2,\n"));
    }

    @Test
    void aTruncatedVectorHasNoForwardResult() throws IOException {
        SuiteCase truncated = Suite.QUICK.truncatedCases(42).get(3);
        VectorFile vector = vectorOf(truncated.testCase(), truncated.truncation());
        Path file = folder.resolve(VectorFile.fileName(vector.id()));
        vector.write(file);
        VectorFile read = VectorFile.read(file);
        assertEquals(vector, read);
        assertNull(read.expectedForward());
        assertEquals(truncated.id() + ".json", file.getFileName().toString());
    }

    @Test
    void aNewerFormatVersionIsRefusedNamingTheFileAndTheVersionUnderstood() throws IOException {
        Path file = folder.resolve("v3.json");
        ObjectNode json = vectorOf(Suite.QUICK.cases(1).get(0), null).toJson();
        json.put("formatVersion", 3);
        VectorFile.writeJson(file, json);
        InvalidInputException error = assertThrows(InvalidInputException.class, () -> VectorFile.read(file));
        assertEquals(file + ": formatVersion 3 is newer than this bptt-harness reads (2); use a newer bptt-harness", error.getMessage());
    }

    @Test
    void malformedFilesAreNamedWithTheField() throws IOException {
        Path notJson = folder.resolve("broken.json");
        Files.writeString(notJson, "{\"format\": \"bptt-conformance-vector\", \"formatVersion\": 1,");
        assertTrue(assertThrows(InvalidInputException.class, () -> VectorFile.read(notJson)).getMessage()
                .startsWith(notJson + ": not valid JSON at line 1, column "));

        Path other = folder.resolve("other.json");
        Files.writeString(other, "{\"format\": \"something-else\", \"formatVersion\": 1}");
        assertEquals(other + ": not a bptt conformance vector: format is \"something-else\", expected \"bptt-conformance-vector\"",
                assertThrows(InvalidInputException.class, () -> VectorFile.read(other)).getMessage());

        ObjectNode json = vectorOf(Suite.QUICK.cases(1).get(0), null).toJson();
        ((ObjectNode) json.get("expected").get("gradients").get("parameterGradients")).remove("V");
        assertEquals("g.json: expected.gradients.parameterGradients.V: missing",
                assertThrows(InvalidInputException.class, () -> VectorFile.fromJson(json, "g.json")).getMessage());

        ObjectNode wrongShape = vectorOf(Suite.QUICK.cases(1).get(0), null).toJson();
        ((ObjectNode) wrongShape.get("case").get("batch")).putNull("inputs");
        assertEquals("s.json: case.batch.inputs: missing",
                assertThrows(InvalidInputException.class, () -> VectorFile.fromJson(wrongShape, "s.json")).getMessage());

        ObjectNode disagreeing = vectorOf(Suite.QUICK.cases(1).get(0), null).toJson();
        disagreeing.putObject("truncation").put("k1", 2).put("k2", 2);
        assertTrue(assertThrows(InvalidInputException.class, () -> VectorFile.fromJson(disagreeing, "t.json")).getMessage()
                .startsWith("t.json: truncation: Truncation[forwardLength=2, backwardLength=2] but case.truncation is null"));
    }

    /**
     * The compatibility test: files written by format version 1 (kept in src/test/resources as they were written,
     * never regenerated) are read, and the reference computed today agrees with their expected results.
     */
    @Test
    void versionOneFilesAreStillReadAndStillAgreeWithTheReference() throws IOException {
        assertStoredFilesAgreeWithTheReference("v1/", VERSION_ONE_FILES, 1);
    }

    /** The same for files written by format version 2, whose spec names the cell and which omit absent biases. */
    @Test
    void versionTwoFilesAreReadAndAgreeWithTheReference() throws IOException {
        assertStoredFilesAgreeWithTheReference("v2/", VERSION_TWO_FILES, 2);
        String withoutBiases = Files.readString(folder.resolve(VERSION_TWO_FILES.get(0)));
        assertTrue(withoutBiases.contains("\"cell\": \"elman\""), "version 2 names the cell");
        assertFalse(withoutBiases.contains("\"b\":"), "version 2 leaves out the biases of a model without biases");
    }

    /**
     * The gated files are read in their cells and options, and the reference's other algorithm (reference-naive)
     * computes today what they expect, cell states and dL/dc_{-1} included. Compared here element by element, not
     * through the verifier: the verifier's comparisons are the core's, and these files are about the format.
     */
    @Test
    void gatedVersionTwoFilesAreReadAndAgreeWithTheReference() throws IOException {
        List<VectorFile> vectors = new ArrayList<>();
        for (String name : GATED_VERSION_TWO_FILES) {
            Path file = folder.resolve(name);
            try (InputStream in = VectorFileTest.class.getResourceAsStream("v2/" + name)) {
                assertNotNull(in, name);
                Files.copy(in, file);
            }
            assertTrue(Files.readString(file).contains("\"formatVersion\": 2,"), name + " must stay a version-2 file");
            vectors.add(VectorFile.read(file));
        }
        assertEquals(CellOptions.gru(ResetPlacement.BEFORE, true), vectors.get(0).testCase().spec().cellOptions());
        assertEquals(Cell.LSTM, vectors.get(1).testCase().spec().cell());
        assertEquals(CellOptions.lstm(true, false), vectors.get(1).testCase().spec().cellOptions());
        assertNotNull(vectors.get(1).testCase().batch().initialCellState());
        ReferenceNaiveRnn naive = new ReferenceNaiveRnn();
        for (VectorFile vector : vectors) {
            Case testCase = vector.testCase();
            ForwardResult forward = naive.forward(testCase.spec(), testCase.parameters(), testCase.batch());
            GradientResult gradients = naive.gradients(testCase.spec(), testCase.parameters(), testCase.batch());
            String where = testCase.id() + ": ";
            assertClose(where + "y", vector.expectedForward().outputs(), forward.outputs());
            assertClose(where + "h", vector.expectedForward().hiddenStates(), forward.hiddenStates());
            assertClose(where + "dL/dx", vector.expectedGradients().inputGradients(), gradients.inputGradients());
            assertClose(where + "dL/dh_{-1}", vector.expectedGradients().initialStateGradients(), gradients.initialStateGradients());
            for (ParameterDeclaration declaration : testCase.spec().parameters()) {
                assertClose(where + "dL/d" + declaration.name(), vector.expectedGradients().parameterGradients().get(declaration.name()),
                        gradients.parameterGradients().get(declaration.name()));
            }
            if (testCase.spec().cell().hasCellState()) {
                assertClose(where + "c", vector.expectedForward().cellStates(), forward.cellStates());
                assertClose(where + "dL/dc_{-1}", vector.expectedGradients().initialCellStateGradients(),
                        gradients.initialCellStateGradients());
            }
        }
    }

    @Test
    void aGatedVectorRoundTripsThroughAFile() throws IOException {
        Path kept = folder.resolve("kept.json");
        try (InputStream in = VectorFileTest.class.getResourceAsStream("v2/" + GATED_VERSION_TWO_FILES.get(1))) {
            Files.copy(in, kept);
        }
        VectorFile vector = VectorFile.read(kept);
        Path written = folder.resolve("written.json");
        vector.write(written);
        assertEquals(vector, VectorFile.read(written));
        assertNotNull(VectorFile.read(written).expectedForward().cellStates());
    }

    /** Within the default policy's float64 terms (1e-12 absolute, 1e-9 relative), without its √T allowance. */
    private static void assertClose(String what, Tensor expected, Tensor actual) {
        assertNotNull(expected, what + " is stored");
        assertNotNull(actual, what + " is computed");
        assertArrayEquals(expected.shape(), actual.shape(), what);
        for (int i = 0; i < expected.length(); i++) {
            double e = expected.data()[i];
            assertEquals(e, actual.data()[i], Math.max(1e-12, 1e-9 * Math.abs(e)), what + Arrays.toString(expected.indexOf(i)));
        }
    }

    /**
     * Reads {@code names} (one full and one truncated case, in that order) from the test resources under
     * {@code resources}, and checks reference-naive against them.
     */
    private void assertStoredFilesAgreeWithTheReference(String resources, List<String> names, int formatVersion)
            throws IOException {
        for (String name : names) {
            Path file = folder.resolve(name);
            try (InputStream in = VectorFileTest.class.getResourceAsStream(resources + name)) {
                assertNotNull(in, name);
                Files.copy(in, file);
            }
            assertTrue(Files.readString(file).contains("\"formatVersion\": " + formatVersion + ","),
                    name + " must stay a version-" + formatVersion + " file");
            VectorFile vector = VectorFile.read(file);
            assertEquals(name, VectorFile.fileName(vector.id()));
            assertEquals(Cell.ELMAN, vector.testCase().spec().cell());
        }
        StoredVectorsOracle.Loaded loaded = StoredVectorsOracle.load(folder, TolerancePolicy.defaults());
        assertEquals(List.of(), loaded.warnings());
        assertEquals(1, StoredVectorsOracleTest.fullBpttCases(loaded).size());
        assertEquals(1, StoredVectorsOracleTest.truncatedCases(loaded).size());
        Verifier verifier = new Verifier();
        LoadedPlugin oracle = LoadedPlugin.of(loaded.oracle(), folder.toString());
        // reference-naive: a different algorithm (O(T²) step backprop) than the one that wrote the files.
        LoadedPlugin naive = LoadedPlugin.of(new ReferenceNaiveRnn(), "class path");
        CaseResult full = verifier.verify(SuiteCase.fullBptt(StoredVectorsOracleTest.fullBpttCases(loaded).get(0)), naive, oracle);
        CaseResult truncated = verifier.verify(StoredVectorsOracleTest.truncatedCases(loaded).get(0), naive, oracle);
        assertEquals(Status.PASSED, full.status(), full::message);
        assertEquals(Status.PASSED, truncated.status(), truncated::message);
        assertTrue(full.comparisons().size() >= 10, () -> "expected every quantity compared: " + full.comparisons());
    }
}
