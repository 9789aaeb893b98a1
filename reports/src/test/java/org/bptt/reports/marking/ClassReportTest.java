package org.bptt.reports.marking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.bptt.core.verify.CaseResult;
import org.bptt.core.verify.Status;
import org.bptt.outputs.ChartSpec;
import org.bptt.outputs.Table;
import org.bptt.reports.FakeResults;
import org.bptt.reports.RunFolder;
import org.bptt.reports.RunOutputs;
import org.bptt.reports.marking.StudentLine.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A student's line from their results, and the class's tables and charts from the lines. */
class ClassReportTest {

    private final FakeResults fake = new FakeResults(3);

    @TempDir
    Path folder;

    private StudentLine marked(String student, List<CaseResult> results, int total, String timeLimit, List<String> mistakes) {
        return StudentLine.marked(student, "cmd: python3 rnn.py", results, total, timeLimit, String.join("; ", mistakes),
                mistakes, 1.5);
    }

    @Test
    void aLineCountsItsCasesAndNamesItsFirstProblem() {
        StudentLine failed = marked("ada", List.of(fake.passed("student:ada", "c1"),
                fake.failed("student:ada", "c2", "dL/dW", 40, Status.FAILED, "dL/dW[row=0, col=1]: expected 1, actual 2"),
                fake.skipped("student:ada", "c3")), 4, null, List.of());
        assertEquals(Outcome.FAILED, failed.outcome());
        assertEquals(new StudentLine.CaseCounts(4, 1, 1, 0, 1, 1), failed.cases());
        assertEquals("c2: dL/dW[row=0, col=1]: expected 1, actual 2", failed.message());
        assertEquals(List.of("dL/dW"), failed.failedQuantities());
        assertEquals(FakeResults.QUANTITIES.size() - 1, failed.passedQuantities().size());

        StudentLine error = marked("ben", List.of(
                fake.failed("student:ben", "c1", "dL/db", 40, Status.FAILED, "dL/db wrong"),
                fake.error("student:ben", "c2")), 2, null, List.of());
        assertEquals(Outcome.ERROR, error.outcome(), "an error outweighs a failure: the program could not be marked whole");
        assertTrue(error.message().startsWith("c2: plugin threw"), error.message());

        StudentLine stopped = marked("chloe", List.of(fake.error("student:chloe", "c1")), 3, "stopped by the time limit", List.of());
        assertEquals(Outcome.TIME_LIMIT, stopped.outcome());
        assertEquals(2, stopped.cases().notRun());

        StudentLine nothing = marked("dmitri", List.of(fake.skipped("student:dmitri", "c1")), 1, null, List.of());
        assertEquals(Outcome.NOTHING_COMPARED, nothing.outcome());

        StudentLine passed = marked("eve", List.of(fake.passed("student:eve", "c1")), 1, null, List.of());
        assertEquals(Outcome.PASSED, passed.outcome());
        assertEquals("", passed.message());

        assertThrows(IllegalArgumentException.class, () -> new StudentLine.CaseCounts(3, 1, 1, 0, 0, 0),
                "counts that do not add up are a bug");
    }

    @Test
    void theClassTablesCountStudentsPerQuantityAndPerMistake() throws Exception {
        List<StudentLine> lines = List.of(
                marked("ada", List.of(fake.failed("student:ada", "c1", "dL/dW", 40, Status.FAILED, "m")), 1, null,
                        List.of("tanh' as 1 - h")),
                marked("ben", List.of(fake.failed("student:ben", "c1", "dL/dW", 40, Status.FAILED, "m")), 1, null,
                        List.of("dW with h_t", "tanh' as 1 - h")),
                marked("chloe", List.of(fake.passed("student:chloe", "c1")), 1, null, List.of()),
                StudentLine.notRun("dmitri", "none", "not a submission", 1, 0.0));

        Table students = ClassReport.studentTable(lines);
        assertEquals(ClassReport.STUDENT_COLUMNS, students.columns());
        assertEquals(List.of("ada", "cmd: python3 rnn.py", "failed", "1", "0", "1", "0", "0", "0", "7", "1", "dL/dW",
                "tanh' as 1 - h", "c1: m", "1.5"), students.rows().get(0));
        assertEquals("not-run", students.rows().get(3).get(2));

        Table quantities = ClassReport.quantityTable(lines);
        assertEquals(FakeResults.QUANTITIES, quantities.rows().stream().map(row -> row.get(0)).toList(),
                "every compared quantity, in the order of the computation");
        List<String> dW = quantities.rows().stream().filter(row -> row.get(0).equals("dL/dW")).findFirst().orElseThrow();
        assertEquals(List.of("dL/dW", "2", "ada ben"), dW);

        Table mistakes = ClassReport.mistakeTable(lines);
        assertEquals(List.of(List.of("tanh' as 1 - h", "2", "ada ben"), List.of("dW with h_t", "1", "ben")), mistakes.rows(),
                "most common first");

        List<ChartSpec> charts = ClassReport.charts(lines, "class");
        assertEquals(List.of("class-outcomes", "class-students-per-quantity", "class-students-per-mistake"),
                charts.stream().map(ChartSpec::name).toList());
        assertEquals(List.of(1.0, 2.0, 0.0, 0.0, 0.0, 1.0), charts.get(0).series().get(0).y(),
                "chloe passed, ada and ben failed, dmitri did not run");

        RunFolder run = RunFolder.create(folder, "class", Clock.systemUTC());
        List<Path> written = ClassReport.write(new RunOutputs(run), lines, "class");
        assertEquals(3 + 2 * 3, written.size());
        assertTrue(written.stream().allMatch(Files::isRegularFile));
    }

    @Test
    void withoutADiagnosisThereIsNoChartPerMistake() {
        List<StudentLine> lines = List.of(StudentLine.notRun("ada", "none", "not a submission", 1, 0.0));
        assertEquals(List.of("class-outcomes"), ClassReport.charts(lines, "class").stream().map(ChartSpec::name).toList());
        assertTrue(ClassReport.mistakeTable(lines).rows().isEmpty());
    }
}
