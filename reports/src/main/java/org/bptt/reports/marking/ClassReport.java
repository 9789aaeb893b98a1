package org.bptt.reports.marking;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bptt.outputs.ChartSpec;
import org.bptt.outputs.ChartSpec.Axis;
import org.bptt.outputs.ChartSpec.Layout;
import org.bptt.outputs.ChartSpec.Legend;
import org.bptt.outputs.ChartSpec.Series;
import org.bptt.outputs.Table;
import org.bptt.reports.RunOutputs;

/**
 * The class's own tables and charts, from one {@link StudentLine} per student (in the order given: the caller sorts
 * them by name):
 * <pre>
 *   class.csv                                   one row per student ({@link #STUDENT_COLUMNS})
 *   class-quantities.csv                        per quantity, the students beyond tolerance in it
 *   class-mistakes.csv                          per diagnosed mistake, the students who made it
 *   charts/class-outcomes.png|svg               students per outcome
 *   charts/class-students-per-quantity.png|svg  students beyond tolerance per quantity (when any quantity was compared)
 *   charts/class-students-per-mistake.png|svg   students per diagnosed mistake (when any mistake was diagnosed)
 * </pre>
 * Every column but {@code seconds} is the same for the same submissions, suite and seed.
 */
public final class ClassReport {

    /** The class table's name ({@code class.csv}). */
    public static final String STUDENTS_TABLE = "class";
    public static final String QUANTITIES_TABLE = "class-quantities";
    public static final String MISTAKES_TABLE = "class-mistakes";

    /** The columns of {@code class.csv}; {@code seconds}, the wall time, is last and the only one that varies. */
    public static final List<String> STUDENT_COLUMNS = List.of("student", "submission", "outcome", "cases", "passed",
            "failed", "errors", "skipped", "not_run", "quantities_passed", "quantities_failed", "failed_quantities",
            "diagnosis", "message", "seconds");

    private static final Layout LAYOUT = new Layout(900, 520, 16f, Legend.BELOW_IN_ROWS, 6);

    private ClassReport() {
    }

    /** {@code class.csv}: one row per student. Lists within a cell are separated by a space. */
    public static Table studentTable(List<StudentLine> lines) {
        Table.Builder table = Table.builder(STUDENTS_TABLE, STUDENT_COLUMNS.toArray(String[]::new));
        for (StudentLine line : lines) {
            StudentLine.CaseCounts cases = line.cases();
            table.row(line.student(), line.submission(), line.outcome().label(), Integer.toString(cases.total()),
                    Integer.toString(cases.passed()), Integer.toString(cases.failed()), Integer.toString(cases.errors()),
                    Integer.toString(cases.skipped()), Integer.toString(cases.notRun()),
                    Integer.toString(line.passedQuantities().size()), Integer.toString(line.failedQuantities().size()),
                    String.join(" ", line.failedQuantities()), line.diagnosis(), line.message(),
                    Table.number(line.seconds()));
        }
        return table.build();
    }

    /** {@code class-quantities.csv}: every quantity compared for some student, with the students beyond tolerance in it. */
    public static Table quantityTable(List<StudentLine> lines) {
        Table.Builder table = Table.builder(QUANTITIES_TABLE, "quantity", "students_failed", "students");
        studentsPerQuantity(lines).forEach((quantity, students) ->
                table.row(quantity, Integer.toString(students.size()), String.join(" ", students)));
        return table.build();
    }

    /** {@code class-mistakes.csv}: every diagnosed mistake, with the students who made it, most common first. */
    public static Table mistakeTable(List<StudentLine> lines) {
        Table.Builder table = Table.builder(MISTAKES_TABLE, "mistake", "students", "names");
        studentsPerMistake(lines).forEach((mistake, students) ->
                table.row(mistake, Integer.toString(students.size()), String.join(" ", students)));
        return table.build();
    }

    /**
     * Each quantity compared for any student (in the order met, which is the order of the computation), with the
     * students beyond tolerance in it (possibly none).
     */
    static Map<String, List<String>> studentsPerQuantity(List<StudentLine> lines) {
        Map<String, List<String>> students = new LinkedHashMap<>();
        for (StudentLine line : lines) {
            line.quantities().forEach((quantity, within) -> {
                List<String> beyond = students.computeIfAbsent(quantity, key -> new ArrayList<>());
                if (!within) {
                    beyond.add(line.student());
                }
            });
        }
        return students;
    }

    /** Each diagnosed mistake with its students, most students first, ties in the order met. */
    static Map<String, List<String>> studentsPerMistake(List<StudentLine> lines) {
        Map<String, List<String>> students = new LinkedHashMap<>();
        for (StudentLine line : lines) {
            line.mistakes().forEach(mistake -> students.computeIfAbsent(mistake, key -> new ArrayList<>()).add(line.student()));
        }
        Map<String, List<String>> sorted = new LinkedHashMap<>();
        students.entrySet().stream().sorted((a, b) -> Integer.compare(b.getValue().size(), a.getValue().size()))
                .forEach(entry -> sorted.put(entry.getKey(), entry.getValue()));
        return sorted;
    }

    /** The class's charts: outcomes always; per quantity and per mistake when there is something to count. */
    public static List<ChartSpec> charts(List<StudentLine> lines, String title) {
        List<ChartSpec> charts = new ArrayList<>();
        List<String> outcomes = new ArrayList<>();
        List<Double> perOutcome = new ArrayList<>();
        for (StudentLine.Outcome outcome : StudentLine.Outcome.values()) {
            outcomes.add(outcome.label());
            perOutcome.add((double) lines.stream().filter(line -> line.outcome() == outcome).count());
        }
        charts.add(bars("class-outcomes", title + ": students per outcome", "outcome", outcomes, perOutcome));
        Map<String, List<String>> perQuantity = studentsPerQuantity(lines);
        if (!perQuantity.isEmpty()) {
            charts.add(bars("class-students-per-quantity", title + ": students beyond tolerance, per quantity", "quantity",
                    List.copyOf(perQuantity.keySet()), perQuantity.values().stream().map(students -> (double) students.size()).toList()));
        }
        Map<String, List<String>> perMistake = studentsPerMistake(lines);
        if (!perMistake.isEmpty()) {
            charts.add(bars("class-students-per-mistake", title + ": students per mistake", "mistake",
                    List.copyOf(perMistake.keySet()), perMistake.values().stream().map(students -> (double) students.size()).toList()));
        }
        return charts;
    }

    private static ChartSpec bars(String name, String title, String xTitle, List<String> categories, List<Double> students) {
        return new ChartSpec(name, title, Axis.linear(xTitle), Axis.linear("students"), categories,
                List.of(Series.bars("students", students, ChartSpec.paletteColour(0))), LAYOUT);
    }

    /**
     * Writes the class's tables and charts into the run folder of {@code outputs}.
     *
     * @param title the charts' title, e.g. the submissions folder's name
     * @return the files written: the three tables, then each chart's PNG and SVG
     */
    public static List<Path> write(RunOutputs outputs, List<StudentLine> lines, String title) throws IOException {
        List<Path> written = new ArrayList<>(outputs.writeTables(List.of(studentTable(lines), quantityTable(lines), mistakeTable(lines))));
        written.addAll(outputs.writeCharts(charts(lines, title)));
        return written;
    }
}
