package org.bptt.reports.allure;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;
import org.bptt.core.cases.CaseLabel;
import org.bptt.core.compare.ElementDiff;
import org.bptt.core.compare.QuantityComparison;
import org.bptt.core.diagnose.Diagnosis;
import org.bptt.core.verify.CaseResult;
import org.bptt.core.verify.Status;
import org.bptt.reports.AtomicFiles;
import org.bptt.reports.Provenance;
import org.bptt.reports.Results;
import org.bptt.reports.RunFolder;
import org.bptt.reports.csv.VerifyTables;

/**
 * Writes Allure 2 results for a CLI run, one {@code <uuid>-result.json} per case × implementation, in the format the
 * Allure generator reads (the same as allure-java's):
 * <ul>
 *   <li>{@code uuid} = {@link UUID#nameUUIDFromBytes} of "implementation|oracle|case", so a rerun overwrites
 *       rather than duplicates; {@code historyId} = the same key's hex digest, stable across runs for trends;</li>
 *   <li>{@code name} = the case id, {@code fullName} = {@code verify.<implementation>.<case>};</li>
 *   <li>labels: parentSuite "verify against &lt;oracle&gt;", suite = implementation, subSuite = spec label,
 *       feature = head, story = activation, tags = dtype and "masked"/"h0" when set;</li>
 *   <li>parameters: every case parameter (spec, T, B, seed, ...) plus implementation and oracle;</li>
 *   <li>one step per compared quantity, passed or failed, its name giving the worst element;</li>
 *   <li>attachments: the case's rows of verify-quantities.csv (text/csv), the worst-element diff (text/plain), and
 *       any chart images (image/png), each as {@code <uuid>-attachment.<ext>}.</li>
 * </ul>
 * Status mapping: PASSED → passed, FAILED → failed, ERROR → broken, SKIPPED → skipped, ILL_CONDITIONED → skipped
 * (neither passed nor failed: rounding alone can move a correct implementation beyond tolerance there; its own
 * category, apart from the unsupported cases, and the tag "ill-conditioned"), and KNOWN_DIVERGENCE →
 * unknown with {@code statusDetails.known = true} and the message prefixed by {@value #KNOWN_DIVERGENCE_PREFIX}.
 * A failed case's diagnosis (which catalogued mistake produces its numbers) is a "Diagnosis" section of its
 * description, a line of its status message starting {@value #DIAGNOSIS_PREFIX}, and a tag {@code mistake: <name>}
 * per mistake that explains it.
 * A known divergence is beyond tolerance, so it must not look like a pass, and it does not fail the gate, so it must
 * not look like a failure either: "unknown" is the one Allure status no other verdict uses, drawn in its own colour
 * in every chart, and {@code categories.json} files these results under one category per distinct explanation
 * ("Known third-party divergence: DL4J bug: ..."), so the Categories page counts the cases each explanation covers.
 *
 * <p>Only the results that need reading carry their details: a passed case has one summary step (how many
 * quantities, the worst error ratio) instead of a step per quantity, and no attachments, which keeps the single-file
 * report small enough to mail; the tables hold every number.
 *
 * <p>Every file is written atomically, attachments before the result that names them.
 */
public final class AllureResults {

    /** The folder of a run that holds the results. */
    public static final String DIRECTORY = "allure-results";

    /** What the message of a known third-party divergence starts with; categories.json matches on it. */
    public static final String KNOWN_DIVERGENCE_PREFIX = "Known third-party divergence: ";

    /** What starts the line of a failed case's diagnosis in its status message (after the failure). */
    public static final String DIAGNOSIS_PREFIX = "Diagnosis: ";

    /** Category names, as the report's Categories tab shows them. */
    public static final String CATEGORY_DIVERGENCE = "Divergence beyond tolerance";
    public static final String CATEGORY_KNOWN_DIVERGENCE = "Known third-party divergence";
    public static final String CATEGORY_PLUGIN_ERROR = "Plugin error";
    public static final String CATEGORY_UNSUPPORTED = "Skipped as unsupported";
    public static final String CATEGORY_ILL_CONDITIONED = "Ill-conditioned: rounding alone moves the results beyond tolerance";

    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private final Path directory;
    private final Clock clock;
    /**
     * The distinct explanations of the known divergences added so far, each with its own category; sorted, so that
     * categories.json does not depend on the order the results are written in.
     */
    private final java.util.Set<String> explanations = new java.util.TreeSet<>();
    /** Whether an ill-conditioned result was added: then its category is written too. */
    private boolean illConditioned;

    /**
     * @param directory where the results go (created if absent)
     * @param clock     stamps each result's stop time when it is added (its start is that minus the case's wall time)
     */
    public AllureResults(Path directory, Clock clock) throws IOException {
        this.directory = Files.createDirectories(directory);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Results in the run folder's {@value #DIRECTORY}. */
    public static AllureResults in(RunFolder run, Clock clock) throws IOException {
        return new AllureResults(run.resolve(DIRECTORY), clock);
    }

    public Path directory() {
        return directory;
    }

    /** Writes the result of one case, without images. */
    public Path add(CaseResult result) throws IOException {
        return add(result, List.of());
    }

    /**
     * Writes the result of one case and its attachments: the table rows and worst-element diff of a case that did
     * not pass.
     *
     * @param images PNG files (e.g. the case's chart) to attach
     * @return the result file written
     */
    public Path add(CaseResult result, List<Path> images) throws IOException {
        return add(result, images, true);
    }

    /**
     * Writes the result of one case and its attachments.
     *
     * @param images   PNG files (e.g. the case's chart) to attach
     * @param withDiff false to leave out the worst-element diff of a case that did not pass (its table rows are
     *                 attached either way): for the known divergences of an explanation after its first
     * @return the result file written
     */
    public synchronized Path add(CaseResult result, List<Path> images, boolean withDiff) throws IOException {
        String uuid = uuid(result);
        long stop = clock.millis();
        long start = stop - result.nanos() / 1_000_000;

        List<Map<String, Object>> attachments = new ArrayList<>();
        // Thousands of passing cases with attachments would make the report tens of megabytes, so only a case that
        // needs reading gets its rows and diff.
        if (!Results.comparisons(result).isEmpty() && result.status() != Status.PASSED) {
            attachments.add(attach(uuid, "rows of " + VerifyTables.QUANTITIES_FILE, "text/csv", "csv",
                    VerifyTables.quantityRowsCsv(result).getBytes(StandardCharsets.UTF_8)));
            if (withDiff) {
                attachments.add(attach(uuid, "worst-element diff", "text/plain", "txt",
                        diffText(result).getBytes(StandardCharsets.UTF_8)));
            }
        }
        for (Path image : images) {
            attachments.add(attach(uuid, "chart " + image.getFileName(), "image/png", "png", Files.readAllBytes(image)));
        }

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("uuid", uuid);
        json.put("historyId", historyId(result));
        json.put("testCaseId", historyId(result));
        json.put("name", result.caseId());
        json.put("fullName", "verify." + result.implementationId() + "." + result.caseId());
        json.put("status", status(result.status()));
        json.put("statusDetails", statusDetails(result));
        json.put("stage", "finished");
        // HTML, not Markdown: Allure's generator renders a Markdown description per result, a tenth of its time on
        // bptt run's twenty thousand results; descriptionHtml is shown as it is.
        json.put("descriptionHtml", descriptionHtml(result));
        json.put("start", start);
        json.put("stop", stop);
        json.put("labels", labels(result));
        json.put("parameters", parameters(result));
        json.put("links", List.of());
        json.put("steps", steps(result, start, stop));
        json.put("attachments", attachments);
        Path file = directory.resolve(uuid + "-result.json");
        AtomicFiles.writeBytes(file, toJson(json));
        boolean firstIllConditioned = result.status() == Status.ILL_CONDITIONED && !illConditioned;
        illConditioned |= firstIllConditioned;
        if (explanations.addAll(result.explanations()) || firstIllConditioned) {
            writeCategories();
        }
        return file;
    }

    /**
     * Writes {@code categories.json}: divergence beyond tolerance (failed), one category per distinct explanation of
     * the known third-party divergences added so far (unknown), plugin error (broken), ill-conditioned (skipped, by
     * its message), skipped as unsupported (the other skipped results).
     */
    public synchronized Path writeCategories() throws IOException {
        Path file = directory.resolve(CATEGORIES_FILE);
        AtomicFiles.writeBytes(file, toJson(categories(explanations, illConditioned)));
        return file;
    }

    /** The results folder's file of categories. */
    public static final String CATEGORIES_FILE = "categories.json";

    /**
     * The categories, as written to categories.json, with one category per explanation of {@code knownExplanations},
     * and the ill-conditioned cases' when {@code illConditioned} (a run without them has no such empty category).
     * Allure matches each messageRegex against the whole message, and files a result under every category it matches:
     * each known divergence's message matches exactly its own explanation's category.
     */
    public static List<Map<String, Object>> categories(java.util.Collection<String> knownExplanations,
                                                       boolean illConditioned) {
        List<Map<String, Object>> categories = new ArrayList<>();
        categories.add(category(CATEGORY_DIVERGENCE, "An output or gradient differs from the oracle by more than the"
                + " tolerance policy allows.", List.of("failed"), null));
        for (String explanation : knownExplanations) {
            categories.add(knownCategory(explanation));
        }
        categories.add(category(CATEGORY_PLUGIN_ERROR, "The implementation threw, hung, or returned something malformed.",
                List.of("broken"), null));
        if (illConditioned) {
            categories.add(category(CATEGORY_ILL_CONDITIONED, "Beyond tolerance on a case whose exact results move"
                    + " beyond tolerance when its data change by one machine epsilon: neither passed nor failed; the"
                    + " message gives the measured amplification.", List.of("skipped"),
                    Pattern.quote(CaseResult.ILL_CONDITIONED_PREFIX) + "(?s).*"));
        }
        // Skipped results other than the ill-conditioned ones, which a shard's categories may list after this one.
        categories.add(category(CATEGORY_UNSUPPORTED, "The implementation lacks a capability the case needs.",
                List.of("skipped"), "(?!" + Pattern.quote(CaseResult.ILL_CONDITIONED_PREFIX) + ")(?s).*"));
        return categories;
    }

    /**
     * The category of the known divergences with this explanation: their messages hold it among their explanations
     * (before the case's own detail), so a case with two explanations is filed under each.
     */
    static Map<String, Object> knownCategory(String explanation) {
        String separator = Pattern.quote(CaseResult.EXPLANATION_SEPARATOR);
        return category(CATEGORY_KNOWN_DIVERGENCE + ": " + explanation, "Beyond tolerance in a way documented as a"
                        + " third-party divergence (a finding, with evidence); the gate does not fail on it.",
                List.of("unknown"), "(?s)" + Pattern.quote(KNOWN_DIVERGENCE_PREFIX) + "(.*" + separator + ")?"
                        + Pattern.quote(explanation) + "(" + separator + ".*|" + Pattern.quote(CaseResult.CASE_DETAIL)
                        + ".*)?");
    }

    /**
     * Attaches an implementation's chart to every result of that implementation, as Allure attaches a fixture: a
     * {@code <uuid>-container.json} whose "tear down" step carries the chart, with the implementation's results as
     * its children. The report shows it on each of them; the file is stored once.
     *
     * @param results the implementation's results (their uuids are the container's children)
     * @param title   what the chart shows, the fixture's name
     */
    public synchronized Path attachToImplementation(String implementationId, List<CaseResult> results, Path chart,
                                                    String title) throws IOException {
        String uuid = UUID.nameUUIDFromBytes(("container|" + implementationId).getBytes(StandardCharsets.UTF_8)).toString();
        long now = clock.millis();
        Map<String, Object> fixture = new LinkedHashMap<>();
        fixture.put("name", title);
        fixture.put("status", "passed");
        fixture.put("stage", "finished");
        fixture.put("start", now);
        fixture.put("stop", now);
        fixture.put("steps", List.of());
        fixture.put("attachments", List.of(attach(uuid, "chart " + chart.getFileName(), "image/png", "png",
                Files.readAllBytes(chart))));
        Map<String, Object> container = new LinkedHashMap<>();
        container.put("uuid", uuid);
        container.put("name", implementationId);
        container.put("children", results.stream().filter(result -> implementationId.equals(result.implementationId()))
                .map(AllureResults::uuid).toList());
        container.put("befores", List.of());
        container.put("afters", List.of(fixture));
        container.put("start", now);
        container.put("stop", now);
        Path file = directory.resolve(uuid + CONTAINER_SUFFIX);
        AtomicFiles.writeBytes(file, toJson(container));
        return file;
    }

    /** How the file of a result container ends. */
    public static final String CONTAINER_SUFFIX = "-container.json";

    /** Writes {@code environment.properties} from the provenance: the report's Environment widget. */
    public Path writeEnvironment(Provenance provenance) throws IOException {
        StringBuilder text = new StringBuilder();
        provenance.asProperties().forEach((key, value) ->
                text.append(escapeProperty(key, true)).append('=').append(escapeProperty(value, false)).append('\n'));
        Path file = directory.resolve("environment.properties");
        AtomicFiles.writeString(file, text.toString());
        return file;
    }

    /**
     * Writes {@code executor.json}: who ran it. The trend charts label each run with {@code buildName}.
     *
     * @param runName    the run folder's name
     * @param buildOrder the run's position among the runs of its output root (1 for the first), orders the trends
     */
    public Path writeExecutor(String runName, long buildOrder) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", "bptt-harness");
        json.put("type", "bptt");
        json.put("buildName", runName);
        json.put("buildOrder", buildOrder);
        json.put("reportName", "bptt-harness " + runName);
        Path file = directory.resolve("executor.json");
        AtomicFiles.writeBytes(file, toJson(json));
        return file;
    }

    /** The result's uuid: a name-based UUID of implementation, oracle and case. */
    public static String uuid(CaseResult result) {
        return UUID.nameUUIDFromBytes(key(result).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** The history id, the same for the same case, implementation and oracle in every run. */
    public static String historyId(CaseResult result) {
        return uuid(result).replace("-", "");
    }

    /** Allure's status for ours. */
    public static String status(Status status) {
        if (status == null) {
            return "unknown";
        }
        return switch (status) {
            case PASSED -> "passed";
            case FAILED -> "failed";
            case KNOWN_DIVERGENCE -> "unknown";
            case ERROR -> "broken";
            case SKIPPED, ILL_CONDITIONED -> "skipped";
        };
    }

    private static String key(CaseResult result) {
        return result.implementationId() + "|" + result.oracleId() + "|" + result.caseId();
    }

    private static Map<String, Object> statusDetails(CaseResult result) {
        boolean known = result.status() == Status.KNOWN_DIVERGENCE;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("known", known);
        details.put("muted", false);
        details.put("flaky", false);
        details.put("message", result.diagnosis().isEmpty() ? message(result)
                : message(result) + "\n" + DIAGNOSIS_PREFIX + result.diagnosis());
        if (Results.failedQuantities(result) > 0) {
            // Shown under the message when a reader expands it.
            details.put("trace", diffText(result));
        }
        return details;
    }

    /**
     * The result's message; for a known divergence it starts with {@value #KNOWN_DIVERGENCE_PREFIX} (replacing the
     * core's own "known divergence: ") so that categories.json can tell it from a new divergence.
     */
    static String message(CaseResult result) {
        String message = result.message() == null ? "" : result.message();
        if (result.status() != Status.KNOWN_DIVERGENCE || message.startsWith(KNOWN_DIVERGENCE_PREFIX)) {
            return message;
        }
        String coreMarker = CaseResult.KNOWN_DIVERGENCE_PREFIX;
        if (message.regionMatches(true, 0, coreMarker, 0, coreMarker.length())) {
            message = message.substring(coreMarker.length());
        }
        return KNOWN_DIVERGENCE_PREFIX + message;
    }

    private static String descriptionHtml(CaseResult result) {
        String description = "<p>Case " + code(result.caseId()) + ": implementation " + code(result.implementationId())
                + " against oracle " + code(result.oracleId()) + ". Outcome: " + result.status() + ". Compared quantities: "
                + Results.comparisons(result).size() + ", beyond tolerance: " + Results.failedQuantities(result) + ".</p>";
        return result.diagnosis().isEmpty() ? description
                : description + "<h2>Diagnosis</h2><p>" + CondensedResults.escape(result.diagnosis()) + "</p>";
    }

    private static String code(String text) {
        return "<code>" + CondensedResults.escape(text) + "</code>";
    }

    private static List<Map<String, Object>> labels(CaseResult result) {
        Map<String, String> parameters = parameterMap(result);
        List<Map<String, Object>> labels = new ArrayList<>();
        labels.add(nameValue("parentSuite", "verify against " + result.oracleId()));
        labels.add(nameValue("suite", result.implementationId()));
        addLabelIfPresent(labels, "subSuite", parameters.get(CaseLabel.SPEC.key()));
        addLabelIfPresent(labels, "feature", parameters.get(CaseLabel.HEAD.key()));
        addLabelIfPresent(labels, "story", parameters.get(CaseLabel.ACTIVATION.key()));
        addLabelIfPresent(labels, "tag", parameters.get(CaseLabel.DATA_TYPE.key()));
        if ("true".equals(parameters.get(CaseLabel.MASKED.key()))) {
            labels.add(nameValue("tag", "masked"));
        }
        if ("true".equals(parameters.get(CaseLabel.INITIAL_STATE.key()))) {
            labels.add(nameValue("tag", "h0"));
        }
        addLabelIfPresent(labels, "tag", parameters.get(CaseLabel.CELL.key()));
        if (parameters.containsKey(CaseLabel.RESET_PLACEMENT.key())) {
            labels.add(nameValue("tag", "reset-" + parameters.get(CaseLabel.RESET_PLACEMENT.key())));
        }
        if ("true".equals(parameters.get(CaseLabel.PEEPHOLES.key()))) {
            labels.add(nameValue("tag", "peepholes"));
        }
        if ("true".equals(parameters.get(CaseLabel.TWO_BIASES.key()))) {
            labels.add(nameValue("tag", "two-biases"));
        }
        if ("true".equals(parameters.get(CaseLabel.INITIAL_CELL_STATE.key()))) {
            labels.add(nameValue("tag", "c0"));
        }
        if (result.status() == Status.KNOWN_DIVERGENCE) {
            labels.add(nameValue("tag", "known-divergence"));
        }
        if (result.status() == Status.ILL_CONDITIONED) {
            labels.add(nameValue("tag", "ill-conditioned"));
        }
        // each mistake that explains the case, so that the report filters and counts cases by mistake
        Diagnosis.explanationsIn(result.diagnosis()).stream().flatMap(java.util.Set::stream).distinct().sorted()
                .forEach(mistake -> labels.add(nameValue("tag", "mistake: " + mistake)));
        labels.add(nameValue("framework", "bptt-harness"));
        labels.add(nameValue("language", "java"));
        return labels;
    }

    private static List<Map<String, Object>> parameters(CaseResult result) {
        List<Map<String, Object>> parameters = new ArrayList<>();
        parameterMap(result).forEach((name, value) -> parameters.add(nameValue(name, value)));
        parameters.add(nameValue("implementation", result.implementationId()));
        parameters.add(nameValue("oracle", result.oracleId()));
        return parameters;
    }

    private static List<Map<String, Object>> steps(CaseResult result, long start, long stop) {
        List<Map<String, Object>> steps = new ArrayList<>();
        if (result.status() == Status.PASSED) {
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("name", passedSummary(result));
            summary.put("status", "passed");
            summary.put("stage", "finished");
            summary.put("start", start);
            summary.put("stop", stop);
            return List.of(summary);
        }
        for (QuantityComparison comparison : Results.comparisons(result)) {
            ElementDiff worst = comparison.worst();
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("name", stepName(comparison));
            step.put("status", comparison.passed() ? "passed" : "failed");
            if (!comparison.passed()) {
                step.put("statusDetails", Map.of("message", comparison.failed() + " of " + comparison.elements()
                        + " elements beyond tolerance"));
            }
            step.put("stage", "finished");
            step.put("start", start);
            step.put("stop", stop);
            List<Map<String, Object>> parameters = new ArrayList<>();
            parameters.add(nameValue("elements", Integer.toString(comparison.elements())));
            parameters.add(nameValue("failed", Integer.toString(comparison.failed())));
            if (worst != null) {
                parameters.add(nameValue("worst index", worst.index()));
                parameters.add(nameValue("expected", Results.number(worst.expected())));
                parameters.add(nameValue("actual", Results.number(worst.actual())));
                parameters.add(nameValue("abs error", Results.number(worst.absError())));
                parameters.add(nameValue("rel error", Results.number(worst.relError())));
                parameters.add(nameValue("ulp error", Results.number(worst.ulpError())));
                parameters.add(nameValue("allowed", Results.number(worst.allowed())));
                parameters.add(nameValue("error / allowance", Results.number(worst.errorRatio())));
            }
            step.put("parameters", parameters);
            step.put("steps", List.of());
            step.put("attachments", List.of());
            steps.add(step);
        }
        return steps;
    }

    /** E.g. {@code 14 quantities within tolerance; the worst, dL/dW, at 0.031 × allowance (see verify-quantities.csv)}. */
    static String passedSummary(CaseResult result) {
        List<QuantityComparison> comparisons = Results.comparisons(result);
        return Results.worstQuantity(result).map(worst -> comparisons.size() + " quantities within tolerance; the worst, "
                + worst.quantity() + ", at " + Results.number(Results.errorRatio(worst))
                + " × allowance (every quantity: " + VerifyTables.QUANTITIES_FILE + ")")
                .orElse(comparisons.size() + " quantities within tolerance");
    }

    /** E.g. {@code dL/dW: worst [row=3, col=0] expected 0.25 actual 0.2500001, 12.5 × allowance (2 of 64 failed)}. */
    static String stepName(QuantityComparison comparison) {
        ElementDiff worst = comparison.worst();
        if (worst == null) {
            return comparison.quantity() + ": nothing compared";
        }
        if (worst.isMalformed()) {
            return comparison.quantity() + ": " + worst.index();
        }
        return comparison.quantity() + ": worst " + worst.index() + " expected " + Results.number(worst.expected())
                + " actual " + Results.number(worst.actual()) + ", " + Results.number(worst.errorRatio())
                + " × allowance (" + comparison.failed() + " of " + comparison.elements() + " failed)";
    }

    /** The worst element of each quantity, then each quantity's first failing elements, one per line. */
    static String diffText(CaseResult result) {
        StringBuilder text = new StringBuilder();
        text.append("case ").append(result.caseId()).append(": ").append(result.implementationId())
                .append(" (actual) against ").append(result.oracleId()).append(" (expected), ")
                .append(result.status()).append('\n');
        if (result.message() != null && !result.message().isEmpty()) {
            text.append(result.message()).append('\n');
        }
        text.append("\nworst element of each quantity:\n");
        for (QuantityComparison comparison : Results.comparisons(result)) {
            text.append("  ").append(comparison.quantity()).append(' ')
                    .append(comparison.failed()).append('/').append(comparison.elements()).append(" failed");
            if (comparison.worst() != null) {
                text.append(": ").append(elementLine(comparison.worst()));
            }
            text.append('\n');
        }
        for (QuantityComparison comparison : Results.comparisons(result)) {
            if (comparison.failures() == null || comparison.failures().isEmpty()) {
                continue;
            }
            text.append("\nfirst failing elements of ").append(comparison.quantity()).append(":\n");
            for (ElementDiff failure : comparison.failures()) {
                text.append("  ").append(elementLine(failure)).append('\n');
            }
        }
        return text.toString();
    }

    private static String elementLine(ElementDiff element) {
        if (element.isMalformed()) {
            return element.quantity() + " " + element.index();
        }
        return element.quantity() + element.index() + " expected=" + Results.number(element.expected())
                + " actual=" + Results.number(element.actual()) + " abs=" + Results.number(element.absError())
                + " rel=" + Results.number(element.relError()) + " ulp=" + Results.number(element.ulpError())
                + " allowed=" + Results.number(element.allowed())
                + " error/allowance=" + Results.number(element.errorRatio());
    }

    private Map<String, Object> attach(String resultUuid, String name, String type, String extension, byte[] content)
            throws IOException {
        String source = UUID.nameUUIDFromBytes((resultUuid + "|" + name).getBytes(StandardCharsets.UTF_8))
                + "-attachment." + extension;
        AtomicFiles.writeBytes(directory.resolve(source), content);
        Map<String, Object> attachment = new LinkedHashMap<>();
        attachment.put("name", name);
        attachment.put("source", source);
        attachment.put("type", type);
        return attachment;
    }

    private static Map<String, Object> category(String name, String description, List<String> statuses, String messageRegex) {
        Map<String, Object> category = new LinkedHashMap<>();
        category.put("name", name);
        category.put("description", description);
        category.put("matchedStatuses", statuses);
        if (messageRegex != null) {
            category.put("messageRegex", messageRegex);
        }
        return category;
    }

    private static Map<String, String> parameterMap(CaseResult result) {
        return result.parameters() == null ? Map.of() : result.parameters();
    }

    private static void addLabelIfPresent(List<Map<String, Object>> labels, String name, String value) {
        if (value != null && !value.isEmpty()) {
            labels.add(nameValue(name, value));
        }
    }

    private static Map<String, Object> nameValue(String name, String value) {
        Map<String, Object> pair = new LinkedHashMap<>();
        pair.put("name", name);
        pair.put("value", value == null ? "" : value);
        return pair;
    }

    /** Escapes a java.util.Properties key or value (ISO-8859-1 safe: non-Latin-1 characters as backslash-u escapes). */
    static String escapeProperty(String text, boolean isKey) {
        StringBuilder escaped = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> escaped.append("\\\\");
                case '\n' -> escaped.append("\\n");
                case '\r' -> escaped.append("\\r");
                case '\t' -> escaped.append("\\t");
                case '=', ':', '#', '!' -> escaped.append('\\').append(c);
                case ' ' -> escaped.append(isKey || i == 0 ? "\\ " : " ");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        escaped.append(String.format("\\u%04x", (int) c));
                    } else {
                        escaped.append(c);
                    }
                }
            }
        }
        return escaped.toString();
    }

    private static byte[] toJson(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write Allure JSON: " + e.getOriginalMessage(), e);
        }
    }
}
