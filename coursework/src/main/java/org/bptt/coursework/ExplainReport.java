package org.bptt.coursework;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.bptt.reports.AtomicFiles;
import org.bptt.reports.RunFolder;
import org.bptt.reports.allure.AllureReport;
import org.bptt.reports.allure.AllureResults;

/**
 * Writes what {@code bptt explain} produces into a run folder:
 * <ul>
 *   <li>{@value #MARKDOWN_FILE} and {@value #HTML_FILE}: the whole explanation (the HTML with the SVG inline);</li>
 *   <li>{@value #SVG_FILE}: the unrolled network;</li>
 *   <li>{@value #TAPE_FILE}: the tape, one row per node and one per reverse-sweep term, values in full precision;</li>
 *   <li>{@value #CHECK_FILE}: the verdicts on a student's answers, when there are any;</li>
 *   <li>{@code allure-results/} with one result carrying those files as attachments, and the Allure report
 *       generated from it ({@code allure-report/}, {@code allure-report.html}).</li>
 * </ul>
 * Every file is written atomically. The explanation files are byte-identical for the same example; only the Allure
 * result's start and stop times vary.
 */
public final class ExplainReport {

    public static final String MARKDOWN_FILE = "explain.md";
    public static final String HTML_FILE = "explain.html";
    public static final String SVG_FILE = "unrolled.svg";
    public static final String TAPE_FILE = "tape.csv";
    public static final String CHECK_FILE = "check.txt";

    /** The columns of {@value #TAPE_FILE}. */
    public static final List<String> TAPE_COLUMNS = List.of("kind", "node", "name", "operation", "formula", "inputs",
            "value", "adjoint", "from", "to", "rule", "term");

    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get();

    /**
     * What was written.
     *
     * @param files  every file of the explanation, in the order above
     * @param report the Allure report's index.html, or null when it was not generated
     */
    public record Written(List<Path> files, Path report) {
    }

    private ExplainReport() {
    }

    /**
     * Writes the explanation (and the check, if not null) into {@code run}.
     *
     * @param allure whether to write the Allure result and generate the report (a few seconds)
     */
    public static Written write(RunFolder run, Explanation explanation, ReferenceAgreement agreement, AnswerCheck check,
                                boolean allure, Clock clock) throws IOException {
        ReportDocument document = ExplainDocument.build(explanation, agreement, check);
        List<Path> files = new ArrayList<>();
        files.add(writeText(run, MARKDOWN_FILE, document.markdown()));
        files.add(writeText(run, HTML_FILE, document.html()));
        files.add(writeText(run, SVG_FILE, explanation.svg()));
        files.add(run.writeAtomically(TAPE_FILE, stream -> {
            Writer writer = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
            CSVPrinter printer = new CSVPrinter(writer, FORMAT.builder().setHeader(TAPE_COLUMNS.toArray(String[]::new)).get());
            for (List<String> row : tapeRows(explanation.tape())) {
                printer.printRecord(row);
            }
            printer.flush();
        }));
        if (check != null) {
            StringBuilder text = new StringBuilder();
            for (AnswerCheck.Result result : check.results()) {
                text.append(result.describe()).append('\n');
            }
            files.add(writeText(run, CHECK_FILE, text.toString()));
        }
        Path report = null;
        if (allure) {
            writeAllureResult(run, explanation, agreement, check, files, clock);
            report = AllureReport.generateForRun(run);
        }
        return new Written(List.copyOf(files), report);
    }

    /**
     * Writes the explanation of a stacked or bidirectional network into {@code run}: {@value #MARKDOWN_FILE},
     * {@value #HTML_FILE} and {@value #SVG_FILE} (there is no tape, and no Allure result).
     */
    public static Written writeStacked(RunFolder run, StackedExplanation explanation) throws IOException {
        ReportDocument document = StackedDocument.build(explanation);
        return new Written(List.of(writeText(run, MARKDOWN_FILE, document.markdown()), writeText(run, HTML_FILE, document.html()),
                writeText(run, SVG_FILE, explanation.svg())), null);
    }

    /** The rows of {@value #TAPE_FILE}: first every node, then every reverse-sweep term. */
    static List<List<String>> tapeRows(Tape tape) {
        List<List<String>> rows = new ArrayList<>();
        for (Tape.Node node : tape.nodes()) {
            StringBuilder inputs = new StringBuilder();
            for (int input : node.inputs()) {
                inputs.append(inputs.length() > 0 ? " " : "").append("w_").append(input);
            }
            rows.add(List.of("node", "w_" + node.index(), node.name(), node.operation().name().toLowerCase(java.util.Locale.ROOT),
                    node.formula(), inputs.toString(), exact(node.value()), exact(tape.adjoint(node.index())), "", "", "", ""));
        }
        for (Tape.AdjointStep step : tape.reverseSweep()) {
            rows.add(List.of("adjoint-term", "", "", "", "", "", "", "", "w_" + step.from(), "w_" + step.to(), step.rule(),
                    exact(step.contribution())));
        }
        return rows;
    }

    /** Full precision (shortest exact decimal), in the notation of {@link SmallMatrices#format}. */
    static String exact(double[][] value) {
        if (value.length == 1 && value[0].length == 1) {
            return Double.toString(value[0][0]);
        }
        StringBuilder text = new StringBuilder("[");
        boolean column = value[0].length == 1;
        for (int i = 0; i < value.length; i++) {
            text.append(i > 0 ? ", " : "");
            if (column) {
                text.append(value[i][0]);
            } else {
                text.append('[');
                for (int j = 0; j < value[i].length; j++) {
                    text.append(j > 0 ? ", " : "").append(value[i][j]);
                }
                text.append(']');
            }
        }
        return text.append(']').toString();
    }

    private static Path writeText(RunFolder run, String name, String text) throws IOException {
        return run.writeAtomically(name, stream -> stream.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * One Allure result, {@code explain.<case id>}: passed when the explanation agrees with the reference and every
     * answer (if any) is right, failed otherwise; the explanation's files attached.
     */
    private static void writeAllureResult(RunFolder run, Explanation explanation, ReferenceAgreement agreement,
                                          AnswerCheck check, List<Path> files, Clock clock) throws IOException {
        Path directory = Files.createDirectories(run.resolve(AllureResults.DIRECTORY));
        String id = explanation.source().id();
        String uuid = UUID.nameUUIDFromBytes(("explain|" + id).getBytes(StandardCharsets.UTF_8)).toString();
        List<Map<String, Object>> attachments = new ArrayList<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            String extension = name.substring(name.lastIndexOf('.') + 1);
            String type = switch (extension) {
                case "md" -> "text/markdown";
                case "html" -> "text/html";
                case "svg" -> "image/svg+xml";
                case "csv" -> "text/csv";
                default -> "text/plain";
            };
            String source = UUID.nameUUIDFromBytes((uuid + "|" + name).getBytes(StandardCharsets.UTF_8)) + "-attachment." + extension;
            AtomicFiles.copy(file, directory.resolve(source));
            Map<String, Object> attachment = new LinkedHashMap<>();
            attachment.put("name", name);
            attachment.put("source", source);
            attachment.put("type", type);
            attachments.add(attachment);
        }
        boolean passed = agreement.allAgree() && (check == null || check.allRight());
        StringBuilder message = new StringBuilder();
        if (!agreement.allAgree()) {
            message.append("the explanation disagrees with the reference: ")
                    .append(ExplainDocument.firstDisagreement(agreement).describe()).append('\n');
        }
        if (check != null) {
            for (AnswerCheck.Result result : check.results()) {
                if (!result.right()) {
                    message.append(result.describe()).append('\n');
                }
            }
        }
        long stop = clock.millis();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("uuid", uuid);
        json.put("historyId", uuid);
        json.put("testCaseId", uuid);
        json.put("name", "explain " + explanation.example().describe());
        json.put("fullName", "explain." + id);
        json.put("status", passed ? "passed" : "failed");
        json.put("statusDetails", Map.of("message", message.toString(), "known", false));
        json.put("stage", "finished");
        boolean elman = explanation.source().spec().cell() == org.bptt.api.Cell.ELMAN;
        json.put("description", "The unrolled network, the closed form, the tape and its adjoints, "
                + (elman ? "the forward-mode recursion " : "") + "and the BPTT table" + (check != null ? ", and the check of a student's answers" : "")
                + " for " + explanation.example().describe() + ".");
        json.put("start", stop);
        json.put("stop", stop);
        json.put("labels", List.of(Map.of("name", "parentSuite", "value", "explain"),
                Map.of("name", "suite", "value", explanation.source().spec().label()),
                Map.of("name", "feature", "value", "coursework")));
        json.put("parameters", List.of(Map.of("name", "spec", "value", explanation.source().spec().label()),
                Map.of("name", "T", "value", Integer.toString(explanation.steps())),
                Map.of("name", "seed", "value", Long.toString(explanation.example().seed()))));
        List<Map<String, Object>> steps = new ArrayList<>();
        for (var comparison : agreement.comparisons()) {
            steps.add(step(comparison.describe(), comparison.passed(), stop));
        }
        if (check != null) {
            for (AnswerCheck.Result result : check.results()) {
                steps.add(step(result.describe(), result.right(), stop));
            }
        }
        json.put("steps", steps);
        json.put("attachments", attachments);
        byte[] bytes = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValueAsBytes(json);
        AtomicFiles.writeBytes(directory.resolve(uuid + "-result.json"), bytes);
    }

    private static Map<String, Object> step(String name, boolean passed, long time) {
        Map<String, Object> step = new LinkedHashMap<>();
        step.put("name", name);
        step.put("status", passed ? "passed" : "failed");
        step.put("stage", "finished");
        step.put("start", time);
        step.put("stop", time);
        return step;
    }
}
