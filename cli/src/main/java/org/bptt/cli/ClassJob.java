package org.bptt.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.bptt.api.InvalidInputException;
import org.bptt.api.PluginFailureException;
import org.bptt.api.PluginInfo;
import org.bptt.api.RnnImplementation;
import org.bptt.core.cases.SuiteCase;
import org.bptt.core.compare.QuantityComparison;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.plugins.PluginCallFailure;
import org.bptt.core.plugins.PluginCalls;
import org.bptt.core.plugins.PluginProblem;
import org.bptt.core.plugins.PluginRegistry;
import org.bptt.core.diagnose.ImplementationDiagnosis;
import org.bptt.core.verify.CaseResult;
import org.bptt.core.verify.Status;
import org.bptt.core.verify.Verifier;
import org.bptt.coursework.AnswerCheck;
import org.bptt.coursework.AnswerSheet;
import org.bptt.coursework.ExplainReport;
import org.bptt.coursework.Explanation;
import org.bptt.coursework.ReferenceAgreement;
import org.bptt.external.ExternalRnn;
import org.bptt.reports.Provenance;
import org.bptt.reports.RunFolder;
import org.bptt.reports.RunOutputs;
import org.bptt.reports.VerifyReport;
import org.bptt.reports.marking.ClassReport;
import org.bptt.reports.marking.StudentLine;
import org.bptt.reports.marking.StudentReport;

/**
 * Marks a class: every submission through the gate on the same cases, one after the other, each program in a
 * working folder of its own (a fresh copy of the handouts and of the submission, deleted afterwards), each call
 * under the call timeout and each student under the time limit. Whatever a submission does (no entry point, a
 * program that does not start, crashes, hangs or prints garbage) becomes that student's line; the class goes on.
 * Writes, into the class's run folder:
 * <pre>
 *   class.csv, class-quantities.csv, class-mistakes.csv, charts/class-*   the class ({@link ClassReport})
 *   verify-*.csv, charts/, allure-results/, allure-report/, allure-report.html
 *                                                            every student's cases, one implementation per student
 *   students/NAME/                                           each student's own run folder: its tables, charts and
 *                                                            allure-report.html, the single file to hand back
 * </pre>
 */
final class ClassJob {

    /** The folder of the class's run folder that holds one run folder per student. */
    static final String STUDENTS = "students";

    /** An implementation's id in the reports: the student's name after this prefix (any name is a valid id so). */
    static final String STUDENT_PREFIX = "student:";

    /** What stands for a student's working folder in messages, so that the tables do not depend on where it was. */
    static final String WORKING_FOLDER = "<working folder>";

    /** How much longer the verifier waits for a call than a {@code cmd:} program's own timeout. */
    private static final Duration PROGRAM_TIMEOUT_FIRST = Duration.ofSeconds(1);

    private ClassJob() {
    }

    /**
     * How every student is marked.
     *
     * @param cases       the cases every student runs, in order
     * @param oracle      the implementation compared against
     * @param callTimeout the longest one call of a student's program may take
     * @param timeLimit   a student's marking stops at the first case that would start after this much time
     * @param python      the Python that runs a submission's {@code *.py} entry point
     * @param handouts    files copied into every student's working folder before the submission (the submission's
     *                    own file of the same name wins)
     */
    record Settings(List<SuiteCase> cases, LoadedPlugin oracle, Duration callTimeout, Duration timeLimit, String python,
                    List<Path> handouts) {
    }

    /**
     * One student's marking: the line and the results of the cases that ran.
     *
     * @param answers for an answers sheet, its check (the student's report is then the explanation's); else null
     */
    record Marked(StudentLine line, List<CaseResult> results, CheckedAnswers answers) {

        Marked(StudentLine line, List<CaseResult> results) {
            this(line, results, null);
        }
    }

    /** An answers sheet checked against the explanation of its example, as {@code bptt explain --check} does. */
    record CheckedAnswers(Explanation explanation, ReferenceAgreement agreement, AnswerCheck check) {
    }

    /** What the class run wrote: the students' lines, and the class's verify outputs (its HTML report). */
    record ClassRun(List<StudentLine> lines, VerifyReport.Outputs outputs) {
    }

    static ClassRun run(RunFolder run, String title, List<Submission> submissions, Settings settings,
                        Provenance provenance, PrintWriter log) {
        // A second more than the program's own call timeout: a cmd: program's timeout then fires first, and its message
        // names the command, the call and the case (and the tables read the same from run to run).
        Verifier verifier = new Verifier(TolerancePolicy.defaults(), settings.callTimeout().plus(PROGRAM_TIMEOUT_FIRST));
        List<StudentLine> lines = new ArrayList<>();
        try (VerifyReport classReport = VerifyReport.start(run, provenance, Clock.systemUTC());
             Progress progress = Progress.start("class", submissions.size(), log)) {
            for (Submission submission : submissions) {
                Marked marked;
                try {
                    marked = mark(submission, settings, verifier);
                } catch (RuntimeException | LinkageError e) {
                    // Not the submission's doing (mark catches that): a harness bug, still not fatal to the class.
                    marked = notRun(submission.student(), submission.describe(settings.python()),
                            "harness error: " + PluginCalls.describe(e), settings, System.nanoTime());
                }
                for (CaseResult result : marked.results()) {
                    classReport.add(result);
                }
                writeStudentReport(run, submission.student(), marked, provenance);
                lines.add(marked.line());
                progress.step();
            }
            log.println("writing the class tables, charts and the HTML report...");
            log.flush();
            VerifyReport.Outputs outputs = classReport.finish();
            ClassReport.write(new RunOutputs(run), lines, title);
            return new ClassRun(lines, outputs);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the class report in " + run.path() + ": " + e.getMessage(), e);
        }
    }

    /** Marks one student; never throws for anything the submission does. */
    static Marked mark(Submission submission, Settings settings, Verifier verifier) {
        long start = System.nanoTime();
        String student = submission.student();
        String described = submission.describe(settings.python());
        int total = settings.cases().size();
        if (submission.kind() == Submission.Kind.UNKNOWN) {
            return notRun(student, described, "not a submission: " + submission.entry(), settings, start);
        }
        if (submission.kind() == Submission.Kind.ANSWERS) {
            return markAnswers(submission, described, settings, start);
        }
        Path workingFolder = null;
        RnnImplementation implementation = null;
        try {
            workingFolder = workingCopy(submission, settings.handouts());
            LoadedPlugin plugin;
            try {
                plugin = load(submission, workingFolder, settings);
            } catch (InvalidInputException | PluginFailureException e) {
                return notRun(student, described, "did not start: " + scrub(e.getMessage(), workingFolder), settings, start);
            }
            implementation = plugin.implementation();
            List<CaseResult> results = new ArrayList<>();
            String timeLimit = null;
            for (SuiteCase suiteCase : settings.cases()) {
                if (System.nanoTime() - start > settings.timeLimit().toNanos()) {
                    timeLimit = String.format(Locale.ROOT, "stopped by the time limit of %s s after %d of %d cases",
                            BigDecimal.valueOf(settings.timeLimit().toMillis(), 3).stripTrailingZeros().toPlainString(),
                            results.size(), total);
                    break;
                }
                results.add(scrub(verifier.verify(suiteCase, plugin, settings.oracle()), workingFolder));
            }
            Diagnosis diagnosis = diagnose(results);
            StudentLine line = StudentLine.marked(student, described, results, total, timeLimit, diagnosis.text(),
                    diagnosis.mistakes(), seconds(start));
            return new Marked(line, results);
        } catch (IOException | UncheckedIOException e) {
            return notRun(student, described, "could not prepare its working folder: " + e.getMessage(), settings, start);
        } finally {
            if (implementation instanceof AutoCloseable closeable) {
                try {
                    closeable.close(); // ExternalRnn: says bye, then kills the process and everything it started
                } catch (Exception e) {
                    // Already gone: nothing to stop.
                }
            }
            deleteQuietly(workingFolder);
        }
    }

    /**
     * An answers sheet: each answer right or wrong against the explanation of the sheet's example (the oracle makes
     * it), one result named {@value #ANSWERS_CASE} whose comparisons are the answers.
     */
    private static Marked markAnswers(Submission submission, String described, Settings settings, long start) {
        String student = submission.student();
        AnswerSheet sheet;
        CheckedAnswers checked;
        try {
            sheet = AnswerSheet.read(Path.of(submission.entry()));
            Explanation explanation = Explanation.of(sheet.example(),
                    new PluginCalls(settings.callTimeout()).isolate(settings.oracle()));
            checked = new CheckedAnswers(explanation, ReferenceAgreement.of(explanation), AnswerCheck.of(sheet, explanation));
        } catch (InvalidInputException e) {
            return notRun(student, described, "its answers cannot be checked: " + e.getMessage(), 1, settings, start);
        } catch (PluginCallFailure e) {
            return notRun(student, described, "the oracle " + e.describe(), 1, settings, start);
        }
        List<AnswerCheck.Result> answers = checked.check().results();
        List<QuantityComparison> comparisons = answers.stream().map(AnswerCheck.Result::comparison).toList();
        String wrong = answers.stream().filter(answer -> !answer.right()).findFirst().map(AnswerCheck.Result::describe)
                .orElse("");
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("answers", Path.of(submission.entry()).getFileName().toString());
        parameters.put("example", sheet.example().describe());
        CaseResult result = new CaseResult(ANSWERS_CASE, STUDENT_PREFIX + student, settings.oracle().id(),
                wrong.isEmpty() ? Status.PASSED : Status.FAILED, wrong, comparisons, parameters, System.nanoTime() - start);
        StudentLine line = StudentLine.marked(student, described, List.of(result), 1, null, "", List.of(), seconds(start));
        return new Marked(line, List.of(result), checked);
    }

    /** The case of an answers sheet's one result. */
    static final String ANSWERS_CASE = "answers";

    /**
     * A student's diagnosis: the mistakes that explain the failures of {@code results}.
     *
     * @param text     the diagnosis in words, for the table's {@code diagnosis} column; empty when none
     * @param mistakes one name per mistake, for the count of students per mistake
     */
    record Diagnosis(String text, List<String> mistakes) {
        static final Diagnosis NONE = new Diagnosis("", List.of());
    }

    /**
     * The one place the class report takes its diagnosis from: the catalogued mistakes that explain all of the
     * student's failures ({@link ImplementationDiagnosis}). The mistakes are counted per student only when one set of
     * them explains everything; alternatives ("a or b") are named in the text and counted for neither.
     */
    static Diagnosis diagnose(List<CaseResult> results) {
        ImplementationDiagnosis diagnosis = ImplementationDiagnosis.of(results);
        if (diagnosis.failedCases() == 0) {
            return Diagnosis.NONE;
        }
        List<String> mistakes = diagnosis.explanations().size() == 1
                ? diagnosis.explanations().get(0).stream().sorted().toList() : List.of();
        return new Diagnosis(diagnosis.describe(), mistakes);
    }

    /**
     * The student's program: a {@code cmd:} program started in {@code workingFolder}, or the one implementation of a
     * plugin jar (which runs inside this JVM: a working folder cannot confine it).
     *
     * @throws InvalidInputException   when the program cannot start, or the jar does not hold exactly one implementation
     * @throws PluginFailureException  when the program answers its hello with garbage
     */
    private static LoadedPlugin load(Submission submission, Path workingFolder, Settings settings) {
        String student = STUDENT_PREFIX + submission.student();
        if (submission.kind() == Submission.Kind.JAR) {
            Path jar = workingFolder.resolve(Path.of(submission.entry()).getFileName());
            PluginRegistry registry = PluginRegistry.discover(List.of(workingFolder));
            List<LoadedPlugin> own = registry.plugins().stream().filter(plugin -> plugin.source().equals(jar.toString())).toList();
            List<String> problems = registry.problems().stream().filter(problem -> problem.source().equals(jar.toString()))
                    .map(PluginProblem::message).toList();
            InvalidInputException.require(own.size() == 1, "the jar %s holds %d implementations%s; a student's jar holds one",
                    jar.getFileName(), own.size(), problems.isEmpty() ? "" : " (" + String.join("; ", problems) + ")");
            return renamed(own.get(0), student);
        }
        String command = submission.kind() == Submission.Kind.PYTHON
                ? settings.python() + " " + quoted(submission.entry()) : submission.entry();
        ExternalRnn program = ExternalRnn.start(ExternalRnn.PREFIX + command, settings.callTimeout(), workingFolder);
        return renamed(LoadedPlugin.of(program, ExternalRnn.PREFIX + command), student);
    }

    /** A script's name as one word of a command line ({@code 'my rnn.py'}), quoted only when it needs it. */
    static String quoted(String name) {
        return name.matches("[A-Za-z0-9._/-]+") ? name : "'" + name.replace("'", "'\\''") + "'";
    }

    /** The plugin under the student's id, so that the class's reports tell the students apart. */
    private static LoadedPlugin renamed(LoadedPlugin plugin, String id) {
        PluginInfo info = plugin.info();
        return new LoadedPlugin(plugin.implementation(),
                new PluginInfo(id, info.name(), info.version(), info.vendor(), info.description()),
                plugin.capabilities(), plugin.source());
    }

    /**
     * The line of a submission that did not run; it also gets one error result, {@code submission}, so that its own
     * report and the class's Allure report say why.
     */
    private static Marked notRun(String student, String described, String why, Settings settings, long start) {
        return notRun(student, described, why, settings.cases().size(), settings, start);
    }

    /** {@link #notRun(String, String, String, Settings, long)} of a submission that would have run {@code total} cases. */
    private static Marked notRun(String student, String described, String why, int total, Settings settings, long start) {
        StudentLine line = StudentLine.notRun(student, described, why, total, seconds(start));
        CaseResult result = new CaseResult("submission", STUDENT_PREFIX + student, settings.oracle().id(), Status.ERROR, why,
                List.of(), Map.of("submission", described), System.nanoTime() - start);
        return new Marked(line, List.of(result));
    }

    /**
     * Each student's own run folder, {@code students/NAME/}: tables, charts and {@code allure-report.html}; for an
     * answers sheet, what {@code bptt explain --check} writes (the explanation with the check, and its Allure report).
     */
    private static void writeStudentReport(RunFolder run, String student, Marked marked, Provenance provenance)
            throws IOException {
        RunFolder folder = RunFolder.open(Files.createDirectories(run.resolve(STUDENTS).resolve(student)));
        Provenance own = provenance.withExtra("student", student);
        if (marked.answers() != null) {
            new RunOutputs(folder).writeProvenance(own);
            CheckedAnswers answers = marked.answers();
            ExplainReport.write(folder, answers.explanation(), answers.agreement(), answers.check(), true, Clock.systemUTC());
            return;
        }
        StudentReport.write(folder, own, marked.results(), Clock.systemUTC());
    }

    /**
     * A fresh working folder: the handouts, then a copy of the submission (a folder's contents, or the file), links
     * copied as links.
     */
    private static Path workingCopy(Submission submission, List<Path> handouts) throws IOException {
        Path folder = Files.createTempDirectory("bptt-class-");
        for (Path handout : handouts) {
            Files.copy(handout, folder.resolve(handout.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        Path source = submission.path();
        if (!Files.isDirectory(source)) {
            Files.copy(source, folder.resolve(source.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            return folder;
        }
        try (Stream<Path> tree = Files.walk(source)) {
            for (Path path : tree.toList()) {
                Path target = folder.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES,
                            LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
        return folder;
    }

    private static void deleteQuietly(Path folder) {
        if (folder == null) {
            return;
        }
        try {
            Files.walkFileTree(folder, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path directory, IOException e) throws IOException {
                    Files.delete(directory);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // A temporary folder left behind is the operating system's to clean; the marking is not affected.
        }
    }

    /** The result with the working folder's path in its message replaced by {@value #WORKING_FOLDER}. */
    private static CaseResult scrub(CaseResult result, Path workingFolder) {
        String message = scrub(result.message(), workingFolder);
        return message.equals(result.message()) ? result : new CaseResult(result.caseId(), result.implementationId(),
                result.oracleId(), result.status(), message, result.comparisons(), result.parameters(), result.nanos(),
                result.diagnosis());
    }

    /**
     * {@code message} without the working folder's path (a Python traceback names the script by its absolute path),
     * so that the same submissions give the same tables wherever their temporary folders were.
     */
    static String scrub(String message, Path workingFolder) {
        if (message == null || workingFolder == null) {
            return message == null ? "" : message;
        }
        String scrubbed = message.replace(workingFolder.toString(), WORKING_FOLDER);
        try {
            scrubbed = scrubbed.replace(workingFolder.toRealPath().toString(), WORKING_FOLDER);
        } catch (IOException e) {
            // Deleted already: the path as given was replaced.
        }
        return scrubbed;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
