package org.bptt.reports.allure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bptt.core.compare.QuantityComparison;
import org.bptt.core.verify.CaseResult;
import org.bptt.core.verify.Status;
import org.bptt.reports.FakeResults;
import org.bptt.reports.Provenance;
import org.bptt.reports.csv.VerifyTables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AllureResultsTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"), ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    @Test
    void writesOneResultPerCaseNamedByADeterministicUuid() throws IOException {
        CaseResult result = new FakeResults(1).passed("dl4j", "tanh-B2-T5-s1");
        AllureResults allure = new AllureResults(directory, CLOCK);

        Path file = allure.add(result);

        String expectedUuid = UUID.nameUUIDFromBytes("dl4j|reference-aggregated|tanh-B2-T5-s1"
                .getBytes(StandardCharsets.UTF_8)).toString();
        assertEquals(directory.resolve(expectedUuid + "-result.json"), file);
        JsonNode json = JSON.readTree(file.toFile());
        assertEquals(expectedUuid, json.get("uuid").asText());
        assertEquals("tanh-B2-T5-s1", json.get("name").asText());
        assertEquals("verify.dl4j.tanh-B2-T5-s1", json.get("fullName").asText());
        assertEquals("passed", json.get("status").asText());
        assertEquals(0, json.get("attachments").size(), "a passing case carries no attachments");
        assertEquals("finished", json.get("stage").asText());
        assertEquals(CLOCK.millis(), json.get("stop").asLong());
        assertEquals(CLOCK.millis() - result.nanos() / 1_000_000, json.get("start").asLong());
    }

    @Test
    void mapsEveryStatusAndMarksKnownDivergences() throws IOException {
        AllureResults allure = new AllureResults(directory, CLOCK);
        Map<Status, String> expected = Map.of(Status.PASSED, "passed", Status.FAILED, "failed",
                Status.KNOWN_DIVERGENCE, "unknown", Status.ERROR, "broken", Status.SKIPPED, "skipped",
                Status.ILL_CONDITIONED, "skipped");
        FakeResults fake = new FakeResults(2);
        for (Status status : Status.values()) {
            CaseResult result = switch (status) {
                case PASSED -> fake.passed("dl4j", "p");
                case FAILED -> fake.failed("dl4j", "f", "h", 2, Status.FAILED, "h[b=0, t=0, i=0] beyond tolerance");
                case KNOWN_DIVERGENCE -> fake.failed("dl4j", "k", "dL/dc", 2, Status.KNOWN_DIVERGENCE,
                        "known divergence: bias gradient doubled (h beyond tolerance)");
                case ERROR -> fake.error("dl4j", "e");
                case SKIPPED -> fake.skipped("dl4j", "s");
                case ILL_CONDITIONED -> fake.failed("dl4j", "i", "h", 2, Status.ILL_CONDITIONED,
                        "ill-conditioned: amplification 9.0e+15; failed: h");
            };
            JsonNode json = JSON.readTree(allure.add(result).toFile());
            assertEquals(expected.get(status), json.get("status").asText(), status.name());
            assertEquals(status == Status.KNOWN_DIVERGENCE, json.get("statusDetails").get("known").asBoolean());
            String message = json.get("statusDetails").get("message").asText();
            if (status == Status.KNOWN_DIVERGENCE) {
                assertEquals("Known third-party divergence: bias gradient doubled (h beyond tolerance)", message);
            } else {
                assertEquals(result.message(), message);
            }
        }
    }

    @Test
    void labelsParametersAndOneStepPerQuantity() throws IOException {
        CaseResult result = new FakeResults(3).failed("student-rnn", "relu-B1-T40-s3", "dL/dW", 40, Status.FAILED,
                "dL/dW beyond tolerance");
        JsonNode json = JSON.readTree(new AllureResults(directory, CLOCK).add(result).toFile());

        Map<String, List<String>> labels = pairs(json.get("labels"));
        assertEquals(List.of("student-rnn"), labels.get("suite"));
        assertEquals(List.of("verify against reference-aggregated"), labels.get("parentSuite"));
        assertEquals(List.of(result.parameters().get("spec")), labels.get("subSuite"));
        assertEquals(List.of("per_step_softmax"), labels.get("feature"));
        assertEquals(List.of("tanh"), labels.get("story"));
        assertTrue(labels.get("tag").contains("float64"));

        Map<String, List<String>> parameters = pairs(json.get("parameters"));
        for (String name : List.of("spec", "T", "B", "seed")) {
            assertEquals(List.of(result.parameters().get(name)), parameters.get(name), name);
        }
        assertEquals(List.of("student-rnn"), parameters.get("implementation"));

        JsonNode steps = json.get("steps");
        assertEquals(result.comparisons().size(), steps.size());
        for (int i = 0; i < steps.size(); i++) {
            QuantityComparison comparison = result.comparisons().get(i);
            JsonNode step = steps.get(i);
            assertEquals(comparison.passed() ? "passed" : "failed", step.get("status").asText());
            String name = step.get("name").asText();
            assertTrue(name.startsWith(comparison.quantity() + ": worst " + comparison.worst().index()), name);
            assertEquals(Double.toString(comparison.worst().errorRatio()),
                    pairs(step.get("parameters")).get("error / allowance").get(0));
        }
        assertEquals("failed", steps.get(FakeResults.QUANTITIES.indexOf("dL/dW")).get("status").asText());
        assertTrue(json.get("statusDetails").get("trace").asText().contains("first failing elements of dL/dW"));
    }

    @Test
    void aFailedCaseShowsItsDiagnosis() throws IOException {
        String diagnosis = "output-gradient-sign + averaged-twice: the output gradient with the wrong sign";
        CaseResult result = new FakeResults(5).failed("student-rnn", "tanh-B3-T17-s5", "dL/dW", 17, Status.FAILED,
                "dL/dW beyond tolerance").withDiagnosis(diagnosis);
        JsonNode json = JSON.readTree(new AllureResults(directory, CLOCK).add(result).toFile());

        assertTrue(json.get("descriptionHtml").asText().endsWith("<h2>Diagnosis</h2><p>" + diagnosis + "</p>"),
                json.get("descriptionHtml").asText());
        assertEquals("dL/dW beyond tolerance\n" + AllureResults.DIAGNOSIS_PREFIX + diagnosis,
                json.get("statusDetails").get("message").asText());
        List<String> tags = pairs(json.get("labels")).get("tag");
        assertTrue(tags.contains("mistake: output-gradient-sign") && tags.contains("mistake: averaged-twice"), tags.toString());
    }

    @Test
    void attachesTheCsvRowsTheDiffAndTheChart() throws IOException {
        CaseResult result = new FakeResults(4).failed("dl4j", "c", "y", 7, Status.FAILED, "y beyond tolerance");
        Path chart = directory.resolveSibling(directory.getFileName() + "-chart.png");
        byte[] chartBytes = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
        Files.write(chart, chartBytes);

        JsonNode json = JSON.readTree(new AllureResults(directory, CLOCK).add(result, List.of(chart)).toFile());

        JsonNode attachments = json.get("attachments");
        assertEquals(3, attachments.size());
        assertEquals("text/csv", attachments.get(0).get("type").asText());
        assertEquals(VerifyTables.quantityRowsCsv(result),
                Files.readString(directory.resolve(attachments.get(0).get("source").asText())));
        assertEquals("text/plain", attachments.get(1).get("type").asText());
        String diff = Files.readString(directory.resolve(attachments.get(1).get("source").asText()));
        assertTrue(diff.contains("y 3/24 failed: y" + result.comparisons().get(2).worst().index()), diff);
        assertEquals("image/png", attachments.get(2).get("type").asText());
        assertArrayEquals(chartBytes, Files.readAllBytes(directory.resolve(attachments.get(2).get("source").asText())));
        for (JsonNode attachment : attachments) {
            assertTrue(attachment.get("source").asText().matches("[0-9a-f-]{36}-attachment\\.(csv|txt|png)"));
        }
    }

    @Test
    void aSkippedCaseHasNoStepsAndNoAttachments() throws IOException {
        JsonNode json = JSON.readTree(new AllureResults(directory, CLOCK).add(new FakeResults(5).skipped("x", "s")).toFile());
        assertEquals(0, json.get("steps").size());
        assertEquals(0, json.get("attachments").size());
        assertEquals(List.of("-result.json"), fileSuffixes());
    }

    @Test
    void historyIdIsStableAcrossRunsAndDistinctAcrossImplementations() throws IOException {
        CaseResult first = new FakeResults(6).passed("dl4j", "same-case");
        CaseResult rerun = new FakeResults(99).failed("dl4j", "same-case", "h", 3, Status.FAILED, "now failing");
        CaseResult other = new FakeResults(6).passed("student-rnn", "same-case");
        String a = JSON.readTree(new AllureResults(directory.resolve("run1"), CLOCK).add(first).toFile()).get("historyId").asText();
        String b = JSON.readTree(new AllureResults(directory.resolve("run2"), CLOCK).add(rerun).toFile()).get("historyId").asText();
        String c = JSON.readTree(new AllureResults(directory.resolve("run2"), CLOCK).add(other).toFile()).get("historyId").asText();
        assertEquals(a, b);
        assertNotEquals(a, c);
    }

    @Test
    void anIllConditionedCaseHasItsOwnCategoryApartFromTheUnsupportedOnes() throws IOException {
        AllureResults allure = new AllureResults(directory, CLOCK);
        CaseResult ill = new FakeResults(4).failed("reference-fast", "chaotic", "h", 200, Status.ILL_CONDITIONED,
                "ill-conditioned: changing the inputs ... (amplification 9.0e+15: h 9.0e+15); failed: h");
        JsonNode json = JSON.readTree(allure.add(ill).toFile());
        assertEquals("skipped", json.get("status").asText());
        assertTrue(pairs(json.get("labels")).get("tag").contains("ill-conditioned"));
        JsonNode categories = JSON.readTree(directory.resolve(AllureResults.CATEGORIES_FILE).toFile());
        assertEquals(List.of(AllureResults.CATEGORY_ILL_CONDITIONED), matching(categories, "skipped", ill.message()));
        assertEquals(List.of(AllureResults.CATEGORY_UNSUPPORTED), matching(categories, "skipped", "dl4j lacks MASKS"));
    }

    @Test
    void categoriesSeparateNewDivergencesFromKnownOnesAsAllureMatchesThem() throws IOException {
        AllureResults allure = new AllureResults(directory, CLOCK);
        FakeResults fake = new FakeResults(3);
        // Three known divergences with two distinct explanations (different cases, different details).
        allure.add(fake.failed("dl4j", "k1", "dL/dx", 9, Status.KNOWN_DIVERGENCE,
                "known divergence: mask bug (§1) (in this case: dL/dx[b=0, t=1, i=0]: expected 1, actual 2)"));
        allure.add(fake.failed("dl4j-lstm", "k2", "dL/dx", 7, Status.KNOWN_DIVERGENCE,
                "known divergence: mask bug (§1) (in this case: dL/dx[b=2, t=0, i=1]: expected 3, actual 5)"));
        allure.add(fake.failed("dl4j", "k3", "dL/dW", 5, Status.KNOWN_DIVERGENCE,
                "known divergence: chunks restart from h = 0 (in this case: dL/dW[row=0, col=0]: expected 1, actual 0)"));
        JsonNode categories = JSON.readTree(directory.resolve(AllureResults.CATEGORIES_FILE).toFile());
        List<String> names = new ArrayList<>();
        categories.forEach(category -> names.add(category.get("name").asText()));
        String maskBug = "Known third-party divergence: mask bug (§1)";
        String restart = "Known third-party divergence: chunks restart from h = 0";
        assertEquals(List.of("Divergence beyond tolerance", restart, maskBug, "Plugin error", "Skipped as unsupported"),
                names, "one category per explanation, sorted so that the order results arrive in does not matter");

        // Allure's rule: the status is among matchedStatuses and the regex (DOTALL) matches the whole message.
        String known = "Known third-party divergence: mask bug (§1) (in this case: dL/dx[b=0]: expected 1, actual 2)";
        String fresh = "dL/dW[row=3, col=0]: expected 0.25, actual 0.2500001\nsecond line";
        assertEquals(List.of(maskBug), matching(categories, "unknown", known));
        assertEquals(List.of(restart), matching(categories, "unknown",
                "Known third-party divergence: chunks restart from h = 0 (in this case: x)"));
        assertEquals(List.of(restart, maskBug), matching(categories, "unknown", "Known third-party divergence: mask bug"
                + " (§1)" + CaseResult.EXPLANATION_SEPARATOR + "chunks restart from h = 0 (in this case: x)"),
                "a case with two explanations is filed under each");
        assertEquals(List.of(), matching(categories, "unknown", "Known third-party divergence: mask bug (§1) and more"
                + " (in this case: x)"), "an explanation that merely starts like a known one is not filed under it");
        assertEquals(List.of(), matching(categories, "unknown", fresh), "a new divergence has no known category");
        assertEquals(List.of("Divergence beyond tolerance"), matching(categories, "failed", fresh));
        assertEquals(List.of("Plugin error"), matching(categories, "broken", "plugin threw"));
        assertEquals(List.of("Skipped as unsupported"), matching(categories, "skipped", "lacks MASKS"));
        assertEquals(List.of(), matching(categories, "passed", ""));
    }

    @Test
    void environmentIsTheProvenanceAsProperties() throws IOException {
        Provenance provenance = new Provenance(List.of("verify", "--out", "a b=c"), "0.1.0",
                List.of(new Provenance.PluginVersion("dl4j", "1.0.0-M2.1", "plugins/dl4j.jar")), List.of(42L), "smoke",
                Map.of("float64.relative", "1e-10"), "abc", "17", "Debian", "Linux", "6.1", "amd64",
                "Xeon: ünïcödé #1", 2, Instant.EPOCH, null, Map.of());
        Path file = new AllureResults(directory, CLOCK).writeEnvironment(provenance);

        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        Map<String, String> read = new LinkedHashMap<>();
        properties.stringPropertyNames().forEach(name -> read.put(name, properties.getProperty(name)));
        assertEquals(provenance.asProperties(), read);
    }

    @Test
    void executorNamesTheRun() throws IOException {
        JsonNode json = JSON.readTree(new AllureResults(directory, CLOCK).writeExecutor("20250102-030405-verify", 3).toFile());
        assertEquals("20250102-030405-verify", json.get("buildName").asText());
        assertEquals(3, json.get("buildOrder").asLong());
        assertFalse(json.get("name").asText().isEmpty());
    }

    private static List<String> matching(JsonNode categories, String status, String message) {
        List<String> matched = new ArrayList<>();
        for (JsonNode category : categories) {
            boolean statusMatches = false;
            for (JsonNode matchedStatus : category.get("matchedStatuses")) {
                statusMatches |= matchedStatus.asText().equals(status);
            }
            boolean messageMatches = !category.has("messageRegex")
                    || Pattern.compile(category.get("messageRegex").asText(), Pattern.DOTALL).matcher(message).matches();
            if (statusMatches && messageMatches) {
                matched.add(category.get("name").asText());
            }
        }
        return matched;
    }

    private static Map<String, List<String>> pairs(JsonNode array) {
        Map<String, List<String>> pairs = new LinkedHashMap<>();
        for (JsonNode pair : array) {
            pairs.computeIfAbsent(pair.get("name").asText(), k -> new ArrayList<>()).add(pair.get("value").asText());
        }
        return pairs;
    }

    private List<String> fileSuffixes() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(path -> path.getFileName().toString().substring(36)).sorted().toList();
        }
    }
}
