package org.bptt.reports.allure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.bptt.core.verify.CaseResult;

/**
 * The Allure results of a run condensed for the single-file report, the one a student mails: every case that failed
 * keeps its own result (its steps and its diff and table rows as attachments), and the rest are summarised.
 * <ul>
 *   <li>passed cases: one result per implementation and model (Allure's suite and sub-suite), named with the count
 *       and listing each case with its worst quantity;</li>
 *   <li>skipped cases: one result per implementation, listing its cases under their reasons;</li>
 *   <li>known divergences: the first {@value #KNOWN_KEPT_WHOLE} of each implementation and explanation (by case name)
 *       keep their steps beyond tolerance (each with its worst element) and their table rows (every quantity's
 *       worst element), but not their charts (in the run folder's {@code charts/cases/}), full diffs nor traces
 *       (all in the served report); the rest are one result per implementation and explanation, listing each case
 *       with its own detail, filed under the explanation's categories;</li>
 *   <li>a failed case, a plugin error or an ill-conditioned case (skipped in Allure's terms, but beyond tolerance)
 *       is kept whole;</li>
 *   <li>each implementation's chart stays attached to its results, now to their summaries too.</li>
 * </ul>
 * The default suite's single file shrinks from about 170 MB to a few (the README gives the measured sizes); the
 * served report ({@code allure-report/}) and the tables keep one result per case.
 */
final class CondensedResults {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RESULT_SUFFIX = "-result.json";
    /** How many known divergences of one implementation and explanation keep their own result (by case name). */
    static final int KNOWN_KEPT_WHOLE = 3;

    private CondensedResults() {
    }

    /** Writes the condensed copy of {@code results} into the empty folder {@code condensed}. */
    static void write(Path results, Path condensed) throws IOException {
        Files.createDirectories(condensed);
        List<Path> files;
        try (Stream<Path> listed = Files.list(results)) {
            files = listed.filter(Files::isRegularFile).sorted().toList();
        }
        Map<String, Summary> summaries = new TreeMap<>();
        // The known divergences by implementation and explanations: the first few of each kept, the rest summarised.
        Map<String, List<ObjectNode>> knownByExplanations = new TreeMap<>();
        Set<String> keptAttachments = new HashSet<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            if (!name.endsWith(RESULT_SUFFIX)) {
                continue;
            }
            ObjectNode result = (ObjectNode) JSON.readTree(file.toFile());
            String status = result.path("status").asText();
            // Skipped in Allure's terms, but beyond tolerance: an ill-conditioned case keeps its details, as a failure.
            if (result.path("statusDetails").path("message").asText().startsWith(CaseResult.ILL_CONDITIONED_PREFIX)) {
                status = "ill-conditioned";
            }
            switch (status) {
                case "passed" -> {
                    String group = parameter(result, "cell") + ", " + label(result, "feature");
                    summaries.computeIfAbsent("passed|" + label(result, "suite") + "|" + group,
                            key -> new Summary(result, "passed", group)).add(result);
                }
                case "skipped" -> {
                    // One summary per implementation, its cases listed under their reasons: one per reason made
                    // hundreds of results (every combination of missing capabilities is a reason of its own).
                    String implementation = label(result, "suite");
                    summaries.computeIfAbsent("skipped|" + implementation,
                            key -> new Summary(result, "skipped", implementation))
                            .addUnder(result.path("statusDetails").path("message").asText(), result);
                }
                case "unknown" -> knownByExplanations.computeIfAbsent(label(result, "suite") + "|"
                        + explanationsOf(result), key -> new ArrayList<>()).add(result);
                default -> {
                    result.path("attachments").forEach(attachment -> keptAttachments.add(attachment.path("source").asText()));
                    Files.write(condensed.resolve(name), JSON.writeValueAsBytes(result));
                }
            }
        }
        for (Map.Entry<String, List<ObjectNode>> group : knownByExplanations.entrySet()) {
            List<ObjectNode> known = new ArrayList<>(group.getValue());
            known.sort(java.util.Comparator.comparing(result -> result.path("name").asText()));
            for (ObjectNode result : known.subList(0, Math.min(KNOWN_KEPT_WHOLE, known.size()))) {
                slim(result);
                result.path("attachments").forEach(attachment -> keptAttachments.add(attachment.path("source").asText()));
                Files.write(condensed.resolve(result.path("uuid").asText() + RESULT_SUFFIX), JSON.writeValueAsBytes(result));
            }
            for (ObjectNode result : known.subList(Math.min(KNOWN_KEPT_WHOLE, known.size()), known.size())) {
                summaries.computeIfAbsent("unknown|" + group.getKey(),
                        key -> new Summary(result, "unknown", explanationsOf(result))).add(result, caseDetailOf(result));
            }
        }
        // Each result's uuid in the condensed copy: its own, or its summary's.
        Map<String, String> condensedUuid = new java.util.HashMap<>();
        for (Map.Entry<String, Summary> summary : summaries.entrySet()) {
            String uuid = UUID.nameUUIDFromBytes(summary.getKey().getBytes(StandardCharsets.UTF_8)).toString();
            Files.write(condensed.resolve(uuid + RESULT_SUFFIX), JSON.writeValueAsBytes(summary.getValue().toJson(uuid)));
            summary.getValue().uuids.forEach(original -> condensedUuid.put(original, uuid));
        }
        for (Path file : files) {
            String name = file.getFileName().toString();
            if (name.endsWith(AllureResults.CONTAINER_SUFFIX)) {
                // An implementation's chart, attached to its results: to their condensed forms now.
                ObjectNode container = (ObjectNode) JSON.readTree(file.toFile());
                Set<String> children = new java.util.LinkedHashSet<>();
                container.path("children").forEach(child ->
                        children.add(condensedUuid.getOrDefault(child.asText(), child.asText())));
                ArrayNode childArray = container.putArray("children");
                children.forEach(childArray::add);
                container.path("afters").forEach(fixture -> fixture.path("attachments").forEach(attachment ->
                        keptAttachments.add(attachment.path("source").asText())));
                Files.write(condensed.resolve(name), JSON.writeValueAsBytes(container));
            }
        }
        for (Path file : files) {
            String name = file.getFileName().toString();
            boolean attachment = name.contains("-attachment");
            if (!name.endsWith(RESULT_SUFFIX) && !name.endsWith(AllureResults.CONTAINER_SUFFIX)
                    && (!attachment || keptAttachments.contains(name))) {
                Files.copy(file, condensed.resolve(name));
            }
        }
    }

    /**
     * A known divergence with only its table rows attached, without its trace, and with only its steps beyond
     * tolerance (the rows give every quantity).
     */
    private static void slim(ObjectNode result) {
        ArrayNode attachments = JSON.createArrayNode();
        result.path("attachments").forEach(attachment -> {
            if ("text/csv".equals(attachment.path("type").asText())) {
                attachments.add(attachment);
            }
        });
        result.set("attachments", attachments);
        if (result.path("statusDetails") instanceof ObjectNode details) {
            details.remove("trace");
        }
        ArrayNode steps = JSON.createArrayNode();
        int passed = 0;
        for (JsonNode step : result.path("steps")) {
            if ("passed".equals(step.path("status").asText())) {
                passed++;
            } else {
                steps.add(step);
            }
        }
        if (passed > 0) {
            ObjectNode withinTolerance = steps.addObject();
            withinTolerance.put("name", passed + " other quantities within tolerance (see the attached rows)");
            withinTolerance.put("status", "passed");
            withinTolerance.put("stage", "finished");
        }
        result.set("steps", steps);
    }

    /** A known divergence's message up to the case's own detail: its explanations, as its categories match them. */
    private static String explanationsOf(JsonNode result) {
        String message = result.path("statusDetails").path("message").asText();
        int detail = message.indexOf(CaseResult.CASE_DETAIL);
        return detail < 0 ? message : message.substring(0, detail);
    }

    /** A known divergence's own detail: the text inside "(in this case: …)", or empty. */
    private static String caseDetailOf(JsonNode result) {
        String message = result.path("statusDetails").path("message").asText();
        int detail = message.indexOf(CaseResult.CASE_DETAIL);
        return detail < 0 ? "" : message.substring(detail + CaseResult.CASE_DETAIL.length(), message.length() - 1);
    }

    private static String parameter(JsonNode result, String name) {
        for (JsonNode parameter : result.path("parameters")) {
            if (name.equals(parameter.path("name").asText())) {
                return parameter.path("value").asText();
            }
        }
        return "";
    }

    private static String label(JsonNode result, String name) {
        for (JsonNode label : result.path("labels")) {
            if (name.equals(label.path("name").asText())) {
                return label.path("value").asText();
            }
        }
        return "";
    }

    /** The cases of one group, summarised as one Allure result. */
    private static final class Summary {
        private final String status;
        private final String group;
        private final JsonNode first;
        private final List<String> cases = new ArrayList<>();
        private final Map<String, List<String>> casesByHeading = new TreeMap<>();
        private final List<String> uuids = new ArrayList<>();
        private long start = Long.MAX_VALUE;
        private long stop = Long.MIN_VALUE;

        Summary(JsonNode first, String status, String group) {
            this.first = first;
            this.status = status;
            this.group = group;
        }

        void add(JsonNode result) {
            add(result, "");
        }

        /** Adds a result, listed with {@code detail} (a known divergence's own detail) when there is one. */
        void add(JsonNode result, String detail) {
            cases.add(result.path("name").asText() + (detail.isEmpty() ? "" : " (" + detail + ")"));
            uuids.add(result.path("uuid").asText());
            start = Math.min(start, result.path("start").asLong());
            stop = Math.max(stop, result.path("stop").asLong());
        }

        /** Adds a result, listed under {@code heading} (a skipped case's reason). */
        void addUnder(String heading, JsonNode result) {
            add(result);
            casesByHeading.computeIfAbsent(heading, key -> new ArrayList<>()).add(result.path("name").asText());
        }

        /** The listed cases, as HTML: under their headings when they have them. */
        private String caseList(String separator) {
            if (casesByHeading.isEmpty()) {
                return "<p>" + escape(String.join(separator, cases.stream().sorted().toList())) + "</p>";
            }
            StringBuilder html = new StringBuilder();
            casesByHeading.forEach((heading, names) -> html.append("<p><b>").append(escape(heading)).append("</b> (")
                    .append(names.size()).append("): ").append(escape(String.join(separator, names.stream().sorted()
                            .toList()))).append("</p>"));
            return html.toString();
        }

        ObjectNode toJson(String uuid) {
            String suite = label(first, "suite");
            ObjectNode json = JSON.createObjectNode();
            json.put("uuid", uuid);
            json.put("historyId", uuid.replace("-", ""));
            json.put("testCaseId", uuid.replace("-", ""));
            boolean known = "unknown".equals(status);
            String verdict = known ? "known divergences" : status;
            String shownGroup = known && group.startsWith(AllureResults.KNOWN_DIVERGENCE_PREFIX)
                    ? group.substring(AllureResults.KNOWN_DIVERGENCE_PREFIX.length()) : group;
            json.put("name", cases.size() + (known ? " more" : "") + " cases " + verdict + ": " + shownGroup);
            json.put("fullName", "verify." + suite + "." + status + "." + uuid);
            json.put("status", status);
            ObjectNode details = json.putObject("statusDetails");
            // A known divergence's summary keeps the message its categories match, so the Categories page files it.
            details.put("message", "skipped".equals(status) ? cases.size() + " cases skipped, for "
                    + casesByHeading.size() + " reason" + (casesByHeading.size() == 1 ? "" : "s") + " (listed in the"
                    + " description)" + (casesByHeading.size() == 1 ? ": " + casesByHeading.keySet().iterator().next() : "")
                    : known ? group + CaseResult.CASE_DETAIL + cases.size() + " cases, listed in the description)" : "");
            details.put("known", known);
            json.put("stage", "finished");
            // HTML rather than Markdown: the generator would keep both, and the case lists are the bulk of a summary.
            json.put("descriptionHtml", "<p>A summary: this single-file report lists " + (known ? "these "
                    + verdict + " (the first " + KNOWN_KEPT_WHOLE + " of the explanation have their own result)" : "the"
                    + " cases that " + status) + " instead of giving each its own result (<code>allure-report/</code> and"
                    + " the tables of the run folder have them all).</p>" + caseList(known ? "; " : ", "));
            json.put("start", start);
            json.put("stop", stop);
            ArrayNode labels = json.putArray("labels");
            for (JsonNode label : first.path("labels")) {
                if (List.of("parentSuite", "suite", "framework", "language").contains(label.path("name").asText())) {
                    labels.add(label);
                }
            }
            ObjectNode subSuite = labels.addObject();
            subSuite.put("name", "subSuite");
            subSuite.put("value", verdict + ": " + shownGroup);
            json.putArray("parameters");
            json.putArray("steps");
            json.putArray("attachments");
            return json;
        }
    }

    /** {@code text} as HTML text: {@code &}, {@code <} and {@code >} escaped. */
    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
