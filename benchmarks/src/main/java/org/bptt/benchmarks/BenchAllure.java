package org.bptt.benchmarks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bptt.reports.AtomicFiles;
import org.bptt.reports.RunOutputs;

/**
 * Allure 2 results of a {@code bench} run, in the format the Allure generator reads: one test result per
 * performance target on each subject (passed, failed, or skipped when not measured), one per implementation and
 * mode holding its rows of the results table and its charts, and, with a baseline, one per compared cell that
 * regressed plus a summary. Categories: {@value #CATEGORY_TARGET}, {@value #CATEGORY_REGRESSION},
 * {@value #CATEGORY_FAILED}, {@value #CATEGORY_INCONCLUSIVE}, {@value #CATEGORY_NOT_MEASURED}. Each result's uuid and history id derive from its full
 * name, so reruns replace rather than add, and the report's trends follow a target across runs.
 */
public final class BenchAllure {

    public static final String CATEGORY_TARGET = "Performance target missed";
    public static final String CATEGORY_REGRESSION = "Regression against the baseline";
    public static final String CATEGORY_FAILED = "Benchmark failed";
    public static final String CATEGORY_NOT_MEASURED = "Not measured";
    public static final String CATEGORY_INCONCLUSIVE = "Target inconclusive";

    static final String TARGET_PREFIX = "Target missed: ";
    static final String REGRESSION_PREFIX = "Regression: ";

    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private final Path directory;
    private final String gridName;
    private final long start;
    private final long stop;

    /**
     * @param directory the run's allure-results folder
     * @param start     when the run started (ms since the epoch), the results' start
     * @param stop      when it ended
     */
    public BenchAllure(Path directory, String gridName, long start, long stop) throws IOException {
        this.directory = Files.createDirectories(directory);
        this.gridName = gridName;
        this.start = start;
        this.stop = stop;
    }

    /** Writes categories.json. */
    public void writeCategories() throws IOException {
        List<Map<String, Object>> categories = List.of(
                category(CATEGORY_TARGET, "A performance target of the issue is not met on this machine.",
                        List.of("failed"), java.util.regex.Pattern.quote(TARGET_PREFIX) + ".*"),
                category(CATEGORY_REGRESSION, "Clearly slower than the baseline run: " + Baseline.rule() + ".",
                        List.of("failed"), java.util.regex.Pattern.quote(REGRESSION_PREFIX) + ".*"),
                category(CATEGORY_FAILED, "A benchmark threw or JMH failed; see jmh-output.txt.", List.of("broken"), null),
                category(CATEGORY_INCONCLUSIVE, "A performance target whose confidence interval reaches across its"
                        + " threshold: more samples or a quieter machine would decide it.", List.of("unknown"), null),
                category(CATEGORY_NOT_MEASURED, "Not measured: the plugin is missing or lacks a capability, or the cell is"
                        + " outside the grid or the naive budget; or a target on the quick grid, which is not evaluated.",
                        List.of("skipped"), null));
        AtomicFiles.writeBytes(directory.resolve("categories.json"), json(categories));
    }

    /** One result per target. */
    public void addTargets(List<BenchAnalysis.Target> targets) throws IOException {
        for (BenchAnalysis.Target target : targets) {
            String status = switch (target.verdict()) {
                case PASS -> "passed";
                case FAIL -> "failed";
                // Allure's "unknown": neither passed nor failed, which is what the measurements say.
                case INCONCLUSIVE -> "unknown";
                case NOT_EVALUATED, NOT_MEASURED -> "skipped";
            };
            String message = target.verdict() == BenchAnalysis.Verdict.FAIL ? TARGET_PREFIX + target.measured() : target.measured();
            write("bench.target." + target.target() + "." + target.subject(), target.target() + ": " + target.subject(),
                    status, message, "**Required:** " + target.required() + "\n\n**Measured:** " + target.measured(),
                    List.of(label("parentSuite", "bench"), label("suite", "performance targets"),
                            label("subSuite", target.target()), label("tag", gridName)),
                    List.of(parameter("subject", target.subject()), parameter("required", target.required()),
                            parameter("measured", target.measured())),
                    List.of());
        }
    }

    /**
     * One result per implementation and mode: its rows of the results table and its charts attached; broken when a
     * cell failed, skipped when nothing was measured.
     */
    public void addImplementations(BenchGrid grid, BenchAnalysis analysis, List<Path> charts) throws IOException {
        for (String implementation : grid.implementations()) {
            for (Mode mode : grid.modes()) {
                // The plugin's own-call timings belong to it too.
                List<CellResult> rows = analysis.results().stream().filter(result -> result.cell().pluginId()
                        .equals(implementation) && result.cell().mode() == mode).toList();
                long measured = rows.stream().filter(CellResult::measured).count();
                long failed = rows.stream().filter(result -> result.status() == CellResult.Status.FAILED).count();
                String status = failed > 0 ? "broken" : measured == 0 ? "skipped" : "passed";
                String message = String.format(java.util.Locale.ROOT, "%d of %d cells measured, %d failed", measured,
                        rows.size(), failed);
                String fullName = "bench.timings." + implementation + "." + mode.benchmarkMethod();
                List<Map<String, Object>> attachments = new ArrayList<>();
                attachments.add(attach(fullName, "rows of " + BenchTables.RESULTS_FILE, "text/csv", "csv",
                        RunOutputs.csv(BenchTables.resultsTable(rows)).getBytes(StandardCharsets.UTF_8)));
                for (Path chart : charts) {
                    String file = chart.getFileName().toString();
                    if (file.contains("-" + mode.benchmarkMethod() + ".")) {
                        attachments.add(attach(fullName, file, "image/png", "png", Files.readAllBytes(chart)));
                    }
                }
                write(fullName, implementation + " " + mode.label() + " timings", status, message,
                        "Median time per call, error and GFLOP/s per shape and T: see the attached rows.",
                        List.of(label("parentSuite", "bench"), label("suite", "timings"), label("subSuite", implementation),
                                label("tag", gridName)),
                        List.of(parameter("implementation", implementation), parameter("mode", mode.label())), attachments);
            }
        }
    }

    /** With a baseline: one failed result per regression, and a summary result with the whole comparison table. */
    public void addBaseline(Path baselineFolder, List<Baseline.Comparison> comparisons) throws IOException {
        long regressions = comparisons.stream().filter(c -> c.verdict() == Baseline.Verdict.REGRESSION).count();
        for (Baseline.Comparison comparison : comparisons) {
            if (comparison.verdict() != Baseline.Verdict.REGRESSION) {
                continue;
            }
            String measured = String.format(java.util.Locale.ROOT, "median %.4g ms → %.4g ms (%+.1f%%), one-sided p = %.3g",
                    comparison.baselineMedianMs(), comparison.currentMedianMs(), 100 * comparison.change(), comparison.pSlower());
            write("bench.baseline." + comparison.cell().key(), "regression: " + comparison.cell(), "failed",
                    REGRESSION_PREFIX + measured, Baseline.rule() + ".",
                    List.of(label("parentSuite", "bench"), label("suite", "baseline"), label("tag", gridName)),
                    List.of(parameter("baseline", baselineFolder.toString()), parameter("measured", measured)), List.of());
        }
        String table = RunOutputs.csv(BenchTables.baselineTable(comparisons));
        String fullName = "bench.baseline.summary";
        write(fullName, "comparison with the baseline", regressions > 0 ? "failed" : "passed",
                regressions > 0 ? REGRESSION_PREFIX + regressions + " cell(s) clearly slower" : "no clear slowdown",
                Baseline.rule() + ". Baseline: " + baselineFolder + ".",
                List.of(label("parentSuite", "bench"), label("suite", "baseline"), label("tag", gridName)),
                List.of(parameter("baseline", baselineFolder.toString())),
                List.of(attach(fullName, BenchTables.BASELINE_FILE, "text/csv", "csv", table.getBytes(StandardCharsets.UTF_8))));
    }

    private void write(String fullName, String name, String status, String message, String description,
                       List<Map<String, Object>> labels, List<Map<String, Object>> parameters,
                       List<Map<String, Object>> attachments) throws IOException {
        String uuid = uuid(fullName);
        List<Map<String, Object>> allLabels = new ArrayList<>(labels);
        allLabels.add(label("framework", "bptt-harness"));
        allLabels.add(label("language", "java"));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("uuid", uuid);
        result.put("historyId", uuid.replace("-", ""));
        result.put("testCaseId", uuid.replace("-", ""));
        result.put("name", name);
        result.put("fullName", fullName);
        result.put("status", status);
        result.put("statusDetails", Map.of("known", false, "muted", false, "flaky", false, "message", message));
        result.put("stage", "finished");
        result.put("description", description);
        result.put("start", start);
        result.put("stop", stop);
        result.put("labels", allLabels);
        result.put("parameters", parameters);
        result.put("links", List.of());
        result.put("steps", List.of());
        result.put("attachments", attachments);
        AtomicFiles.writeBytes(directory.resolve(uuid + "-result.json"), json(result));
    }

    private Map<String, Object> attach(String owner, String name, String type, String extension, byte[] content) throws IOException {
        String source = uuid(owner + "|" + name) + "-attachment." + extension;
        AtomicFiles.writeBytes(directory.resolve(source), content);
        Map<String, Object> attachment = new LinkedHashMap<>();
        attachment.put("name", name);
        attachment.put("source", source);
        attachment.put("type", type);
        return attachment;
    }

    private static String uuid(String key) {
        return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static Map<String, Object> label(String name, String value) {
        Map<String, Object> pair = new LinkedHashMap<>();
        pair.put("name", name);
        pair.put("value", value);
        return pair;
    }

    private static Map<String, Object> parameter(String name, String value) {
        return label(name, value);
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

    private static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write Allure JSON: " + e.getOriginalMessage(), e);
        }
    }
}
