package org.bptt.vectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.bptt.api.Batch;
import org.bptt.api.Capability;
import org.bptt.api.Case;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.InvalidInputException;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.PluginInfo;
import org.bptt.api.RnnImplementation;
import org.bptt.core.cases.Suite;
import org.bptt.core.cases.SuiteCase;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.core.plugins.IsolatedPlugin;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.plugins.PluginCalls;
import org.bptt.core.verify.CaseResult;
import org.bptt.core.verify.Status;
import org.bptt.core.verify.Verifier;
import org.bptt.reference.ReferenceAggregatedRnn;
import org.bptt.reference.ReferenceNaiveRnn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoredVectorsOracleTest {

    @TempDir
    Path folder;

    private final Verifier verifier = new Verifier();
    private final LoadedPlugin naive = LoadedPlugin.of(new ReferenceNaiveRnn(), "class path");

    /** A dozen quick-suite cases and four truncated ones, exported with reference-aggregated. */
    private VectorExporter.Export export(Path directory) throws IOException {
        List<SuiteCase> cases = new ArrayList<>(Suite.QUICK.cases(42).subList(0, 12).stream().map(SuiteCase::fullBptt).toList());
        cases.addAll(Suite.QUICK.truncatedCases(42).subList(0, 4));
        IsolatedPlugin reference = new PluginCalls(Duration.ofSeconds(30))
                .isolate(LoadedPlugin.of(new ReferenceAggregatedRnn(), "class path"));
        return VectorExporter.export(directory, "quick", 42, cases, reference, VectorFileTest.GENERATOR,
                TolerancePolicy.defaults(), null);
    }

    private List<CaseResult> verifyAll(StoredVectorsOracle.Loaded loaded, LoadedPlugin implementation) {
        LoadedPlugin oracle = LoadedPlugin.of(loaded.oracle(), folder.toString());
        return verifier.verifyAll(loaded.cases(), implementation, oracle, null);
    }

    /** The full-BPTT cases of {@code loaded}, in order. */
    static List<Case> fullBpttCases(StoredVectorsOracle.Loaded loaded) {
        return loaded.cases().stream().filter(suiteCase -> !suiteCase.isTruncated()).map(SuiteCase::testCase).toList();
    }

    /** The truncated-BPTT cases of {@code loaded}, in order. */
    static List<SuiteCase> truncatedCases(StoredVectorsOracle.Loaded loaded) {
        return loaded.cases().stream().filter(SuiteCase::isTruncated).toList();
    }

    private static Map<Status, Long> statuses(List<CaseResult> results) {
        return results.stream().collect(Collectors.groupingBy(CaseResult::status, Collectors.counting()));
    }

    @Test
    void anIndependentImplementationPassesAgainstExportedVectors() throws IOException {
        VectorExporter.Export export = export(folder);
        assertEquals(16, export.index().files().size());
        assertEquals(List.of(), export.skipped());
        StoredVectorsOracle.Loaded loaded = StoredVectorsOracle.load(folder, TolerancePolicy.defaults());
        assertEquals(List.of(), loaded.warnings());
        assertEquals(12, fullBpttCases(loaded).size());
        assertEquals(4, truncatedCases(loaded).size());
        assertEquals(Suite.QUICK.cases(42).subList(0, 12), fullBpttCases(loaded));
        assertTrue(loaded.oracle().capabilities().containsAll(Set.of(Capability.HIDDEN_STATES, Capability.INPUT_GRADIENTS,
                Capability.INITIAL_STATE_GRADIENTS, Capability.HIDDEN_STATE_GRADIENTS, Capability.TRUNCATED_BPTT)));

        List<CaseResult> results = verifyAll(loaded, naive);
        assertEquals(Map.of(Status.PASSED, 16L), statuses(results), results::toString);
        assertTrue(results.stream().allMatch(result -> result.oracleId().equals(StoredVectorsOracle.ID)));
    }

    @Test
    void gatedVectorsAreAnsweredWithTheirCellStateResults() throws IOException {
        for (String name : VectorFileTest.GATED_VERSION_TWO_FILES) {
            try (InputStream in = VectorFileTest.class.getResourceAsStream("v2/" + name)) {
                Files.copy(in, folder.resolve(name));
            }
        }
        StoredVectorsOracle.Loaded loaded = StoredVectorsOracle.load(folder, TolerancePolicy.defaults());
        assertEquals(List.of(), loaded.warnings());
        assertTrue(loaded.oracle().capabilities().containsAll(Set.of(Capability.GRU_RESET_BEFORE, Capability.LSTM,
                Capability.LSTM_PEEPHOLES, Capability.TWO_BIASES, Capability.INITIAL_CELL_STATE, Capability.CELL_STATES,
                Capability.INITIAL_CELL_STATE_GRADIENTS)), () -> loaded.oracle().capabilities().toString());
        Case lstm = loaded.cases().get(1).testCase();
        VectorFile stored = VectorFile.read(folder.resolve(VectorFileTest.GATED_VERSION_TWO_FILES.get(1)));
        assertEquals(stored.expectedGradients(), loaded.oracle().gradients(lstm.spec(), lstm.parameters(), lstm.batch()));
        assertEquals(stored.expectedForward().cellStates(),
                loaded.oracle().forward(lstm.spec(), lstm.parameters(), lstm.batch()).cellStates());
        for (Case testCase : fullBpttCases(loaded)) {
            assertEquals(Set.of(), missing(loaded.oracle(), testCase), testCase.id());
        }
    }

    @Test
    void elmanVectorsPromiseNoCellStateResults() throws IOException {
        export(folder);
        Set<Capability> capabilities = StoredVectorsOracle.load(folder, TolerancePolicy.defaults()).oracle().capabilities();
        assertFalse(capabilities.contains(Capability.CELL_STATES), capabilities::toString);
        assertFalse(capabilities.contains(Capability.INITIAL_CELL_STATE_GRADIENTS), capabilities::toString);
    }

    /** What {@code testCase} needs that {@code oracle} lacks. */
    private static Set<Capability> missing(RnnImplementation oracle, Case testCase) {
        Set<Capability> missing = Capability.requiredBy(testCase.spec(), testCase.batch());
        missing.removeAll(oracle.capabilities());
        return missing;
    }

    @Test
    void aWrongImplementationFailsAgainstTheStoredExpectations() throws IOException {
        export(folder);
        StoredVectorsOracle.Loaded loaded = StoredVectorsOracle.load(folder, TolerancePolicy.defaults());
        List<CaseResult> results = verifyAll(loaded, LoadedPlugin.of(new ScaledLoss(), "test"));
        // Every case compares the loss, and a loss off by one part in a million is far outside 1e-9 relative.
        assertEquals(Map.of(Status.FAILED, 16L), statuses(results), results::toString);
        assertTrue(results.get(0).message().contains("loss"), results.get(0).message());
    }

    @Test
    void exportsAreByteIdenticalForOneSeed() throws IOException {
        Path first = folder.resolve("first");
        Path second = folder.resolve("second");
        List<String> files = export(first).index().files();
        export(second);
        for (String file : files) {
            assertArrayEquals(Files.readAllBytes(first.resolve(file)), Files.readAllBytes(second.resolve(file)), file);
        }
        assertArrayEquals(Files.readAllBytes(first.resolve("index.json")), Files.readAllBytes(second.resolve("index.json")));
    }

    @Test
    void aCorruptFileIsAnErrorOfItsCaseNamingFileAndFieldAndTheRunGoesOn() throws IOException {
        List<String> files = export(folder).index().files();
        Path missingField = folder.resolve(files.get(3));
        ObjectNode json = (ObjectNode) VectorFile.parse(missingField);
        ((ObjectNode) json.get("case").get("parameters")).remove("W");
        VectorFile.writeJson(missingField, json);
        Path truncatedJson = folder.resolve(files.get(13));
        Files.writeString(truncatedJson, Files.readString(truncatedJson).substring(0, 500));
        Path newer = folder.resolve(files.get(7));
        ObjectNode newerJson = (ObjectNode) VectorFile.parse(newer);
        newerJson.put("formatVersion", 9);
        VectorFile.writeJson(newer, newerJson);

        StoredVectorsOracle.Loaded loaded = StoredVectorsOracle.load(folder, TolerancePolicy.defaults());
        assertEquals(3, loaded.warnings().size(), loaded.warnings()::toString);
        List<CaseResult> results = verifyAll(loaded, naive);
        assertEquals(Map.of(Status.PASSED, 13L, Status.ERROR, 3L), statuses(results), results::toString);
        Map<String, String> errors = results.stream().filter(result -> result.status() == Status.ERROR)
                .collect(Collectors.toMap(CaseResult::caseId, CaseResult::message));
        assertTrue(errors.get(id(files.get(3))).contains(missingField + ": case.parameters.W: missing"), errors::toString);
        assertTrue(errors.get(id(files.get(13))).contains(truncatedJson + ": not valid JSON at line"), errors::toString);
        assertTrue(errors.get(id(files.get(7))).contains(newer + ": formatVersion 9 is newer than this bptt-harness reads (2)"),
                errors::toString);
    }

    @Test
    void withoutAnIndexEveryJsonFileIsReadInNameOrder() throws IOException {
        export(folder);
        Files.delete(folder.resolve(VectorIndex.FILE_NAME));
        StoredVectorsOracle.Loaded loaded = StoredVectorsOracle.load(folder, TolerancePolicy.defaults());
        assertEquals(12, fullBpttCases(loaded).size());
        assertEquals(4, truncatedCases(loaded).size());
        List<String> ids = fullBpttCases(loaded).stream().map(Case::id).toList();
        assertEquals(ids.stream().sorted().toList(), ids);
        assertEquals(Map.of(Status.PASSED, 16L), statuses(verifyAll(loaded, naive)));
    }

    @Test
    void aFolderWithoutVectorsIsAUserError() {
        assertEquals("--cases " + folder + ": no vector files (*.json) in the folder",
                assertThrows(InvalidInputException.class, () -> StoredVectorsOracle.load(folder, TolerancePolicy.defaults()))
                        .getMessage());
        Path missing = folder.resolve("nope");
        assertEquals("--cases " + missing + ": no such folder",
                assertThrows(InvalidInputException.class, () -> StoredVectorsOracle.load(missing, TolerancePolicy.defaults()))
                        .getMessage());
    }

    @Test
    void aDifferentTolerancePolicyIsWarnedAbout() throws IOException {
        export(folder);
        StoredVectorsOracle.Loaded loaded = StoredVectorsOracle.load(folder, TolerancePolicy.defaults().scaled(10));
        assertEquals(1, loaded.warnings().size());
        assertTrue(loaded.warnings().get(0).contains("was written under the tolerance policy"), loaded.warnings()::toString);
    }

    @Test
    void theOracleAnswersOnlyTheCasesOfItsFolder() throws IOException {
        export(folder);
        StoredVectorsOracle oracle = StoredVectorsOracle.load(folder, TolerancePolicy.defaults()).oracle();
        Case other = Suite.QUICK.cases(43).get(3);
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> oracle.forward(other.spec(), other.parameters(), other.batch()));
        assertTrue(error.getMessage().startsWith("no stored vector holds this case"), error.getMessage());
    }

    private static String id(String fileName) {
        return fileName.substring(0, fileName.length() - ".json".length());
    }

    /** The reference with the loss multiplied by 1 + 1e-6: a small, systematic error the stored vectors must catch. */
    private static final class ScaledLoss implements RnnImplementation {
        private final ReferenceAggregatedRnn reference = new ReferenceAggregatedRnn();

        @Override
        public PluginInfo info() {
            return new PluginInfo("test-scaled-loss", "scaled loss", "1", "test", "");
        }

        @Override
        public Set<Capability> capabilities() {
            return reference.capabilities();
        }

        @Override
        public ForwardResult forward(ModelSpec spec, Parameters parameters, Batch batch) {
            ForwardResult result = reference.forward(spec, parameters, batch);
            return new ForwardResult(result.hiddenStates(), result.outputs(), result.loss() * (1 + 1e-6));
        }

        @Override
        public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
            GradientResult result = reference.gradients(spec, parameters, batch);
            return scaled(result);
        }

        @Override
        public GradientResult truncatedGradients(ModelSpec spec, Parameters parameters, Batch batch, org.bptt.api.Truncation truncation) {
            return scaled(reference.truncatedGradients(spec, parameters, batch, truncation));
        }

        private static GradientResult scaled(GradientResult result) {
            return new GradientResult(result.loss() * (1 + 1e-6), result.parameterGradients(), result.inputGradients(),
                    result.initialStateGradients(), result.hiddenStateGradients());
        }
    }
}
