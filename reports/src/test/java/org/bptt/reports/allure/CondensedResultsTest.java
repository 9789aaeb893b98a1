package org.bptt.reports.allure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.bptt.core.verify.CaseResult;
import org.bptt.core.verify.Status;
import org.bptt.reports.FakeResults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CondensedResultsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"), ZoneOffset.UTC);

    @TempDir
    Path directory;

    @Test
    void keepsEveryCaseThatDidNotPassAndSummarisesTheRest() throws IOException {
        FakeResults fake = new FakeResults(8);
        List<CaseResult> results = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            results.add(fake.passed("dl4j", "p" + i));
            results.add(fake.skipped("dl4j", "s" + i));
        }
        results.add(fake.failed("dl4j", "f", "dL/dW", 40, Status.FAILED, "dL/dW beyond tolerance"));
        results.add(fake.failed("dl4j", "k", "dL/dx", 9, Status.KNOWN_DIVERGENCE,
                "known divergence: mask bug (in this case: dL/dx[b=0]: expected 1, actual 2)"));
        Path chart = Files.write(directory.resolve("chart.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        AllureResults allure = new AllureResults(directory.resolve("results"), CLOCK);
        for (CaseResult result : results) {
            allure.add(result, result.status() == Status.PASSED || result.status() == Status.SKIPPED
                    ? List.of() : List.of(chart));
        }

        CondensedResults.write(allure.directory(), directory.resolve("condensed"));

        TreeMap<String, JsonNode> byName = resultsByName(directory.resolve("condensed"));
        assertEquals(List.of("4 cases passed: , per_step_softmax", "4 cases skipped: dl4j", "f", "k"),
                List.copyOf(byName.keySet()));
        assertTrue(byName.get("4 cases passed: , per_step_softmax").get("descriptionHtml").asText()
                .contains("p0, p1, p2, p3"), "the summary lists its cases");
        assertTrue(byName.get("4 cases skipped: dl4j").get("descriptionHtml").asText()
                .contains("<b>unsupported: dl4j lacks capability MASKS</b> (4): s0, s1, s2, s3"),
                "the implementation's skips are listed under their reason");
        assertEquals("4 cases skipped, for 1 reason (listed in the description): unsupported: dl4j lacks capability MASKS",
                byName.get("4 cases skipped: dl4j").get("statusDetails").get("message").asText());
        // The failed case is whole: its chart, diff and rows; the known divergence keeps its rows only.
        assertEquals(3, byName.get("f").get("attachments").size());
        assertEquals(1, byName.get("k").get("attachments").size());
        assertEquals("text/csv", byName.get("k").get("attachments").get(0).get("type").asText());
        assertEquals("unknown", byName.get("k").get("status").asText());
        for (JsonNode step : byName.get("k").get("steps")) {
            assertTrue(!step.get("status").asText().equals("passed") || step.get("name").asText().contains("other quantities"));
        }
        long attachmentsKept = list(directory.resolve("condensed")).stream()
                .filter(file -> file.toString().contains("-attachment")).count();
        assertEquals(4, attachmentsKept, "the known divergence's chart and diff are left out");
        assertTrue(Files.isRegularFile(directory.resolve("condensed").resolve(AllureResults.CATEGORIES_FILE)));
    }

    @Test
    void keepsTheFirstKnownDivergencesOfEachExplanationAndSummarisesTheRestUnderItsCategories() throws IOException {
        FakeResults fake = new FakeResults(8);
        AllureResults allure = new AllureResults(directory.resolve("results"), CLOCK);
        for (int i = 0; i < 5; i++) {
            allure.add(fake.failed("dl4j", "k" + i, "dL/dx", 9, Status.KNOWN_DIVERGENCE,
                    "known divergence: mask bug (in this case: detail " + i + ")"));
        }
        allure.add(fake.failed("dl4j", "both", "dL/dx", 9, Status.KNOWN_DIVERGENCE, "known divergence: mask bug"
                + CaseResult.EXPLANATION_SEPARATOR + "clamp (in this case: both details)"));

        CondensedResults.write(allure.directory(), directory.resolve("condensed"));

        TreeMap<String, JsonNode> byName = resultsByName(directory.resolve("condensed"));
        assertEquals(List.of("2 more cases known divergences: mask bug", "both", "k0", "k1", "k2"),
                List.copyOf(byName.keySet()), "the first " + CondensedResults.KNOWN_KEPT_WHOLE + " by name kept whole");
        JsonNode summary = byName.get("2 more cases known divergences: mask bug");
        assertEquals("unknown", summary.get("status").asText());
        assertTrue(summary.get("descriptionHtml").asText().contains("k3 (detail 3); k4 (detail 4)"),
                summary.get("descriptionHtml").asText());
        // The summary is filed under its explanation's category, as each case it stands for; the case with two
        // explanations under both.
        String summaryMessage = summary.get("statusDetails").get("message").asText();
        String bothMessage = byName.get("both").get("statusDetails").get("message").asText();
        java.util.regex.Pattern maskBug = java.util.regex.Pattern.compile(
                (String) AllureResults.knownCategory("mask bug").get("messageRegex"));
        java.util.regex.Pattern clamp = java.util.regex.Pattern.compile(
                (String) AllureResults.knownCategory("clamp").get("messageRegex"));
        assertTrue(maskBug.matcher(summaryMessage).matches(), summaryMessage);
        assertTrue(!clamp.matcher(summaryMessage).matches(), summaryMessage);
        assertTrue(maskBug.matcher(bothMessage).matches() && clamp.matcher(bothMessage).matches(), bothMessage);
    }

    @Test
    void anIllConditionedCaseIsKeptWholeNotSummarisedWithTheSkips() throws IOException {
        FakeResults fake = new FakeResults(6);
        AllureResults allure = new AllureResults(directory.resolve("results"), CLOCK);
        allure.add(fake.skipped("ref", "s"));
        allure.add(fake.failed("ref", "chaotic", "h", 200, Status.ILL_CONDITIONED,
                "ill-conditioned: ... (amplification 9.0e+15: h 9.0e+15) ...; failed: h"));

        CondensedResults.write(allure.directory(), directory.resolve("condensed"));

        List<String> names = new ArrayList<>();
        JsonNode kept = null;
        for (Path file : list(directory.resolve("condensed"))) {
            if (file.toString().endsWith("-result.json")) {
                JsonNode result = JSON.readTree(file.toFile());
                names.add(result.get("name").asText());
                kept = "chaotic".equals(result.get("name").asText()) ? result : kept;
            }
        }
        assertEquals(2, names.size(), names.toString());
        assertTrue(kept != null, "the ill-conditioned case keeps its own result: " + names);
        assertEquals("skipped", kept.get("status").asText());
        assertEquals(2, kept.get("attachments").size(), "its rows and diff");
    }

    /** The condensed results, by name. */
    private static TreeMap<String, JsonNode> resultsByName(Path condensed) throws IOException {
        TreeMap<String, JsonNode> byName = new TreeMap<>();
        for (Path file : list(condensed)) {
            if (file.toString().endsWith("-result.json")) {
                JsonNode result = JSON.readTree(file.toFile());
                byName.put(result.get("name").asText(), result);
            }
        }
        return byName;
    }

    private static List<Path> list(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.toList();
        }
    }
}
