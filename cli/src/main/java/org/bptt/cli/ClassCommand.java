package org.bptt.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bptt.api.Cell;
import org.bptt.api.Direction;
import org.bptt.api.InvalidInputException;
import org.bptt.core.cases.Suite;
import org.bptt.core.cases.SuiteCase;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.plugins.PluginRegistry;
import org.bptt.reports.Provenance;
import org.bptt.reports.RunFolder;
import org.bptt.reports.marking.ClassReport;
import org.bptt.reports.marking.StudentLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code bptt class}: a teacher's report for a whole class of submissions. */
@Command(name = "class",
        header = "Mark a class: every student's implementation through the gate, one report for the class.",
        mixinStandardHelpOptions = true,
        description = {
            "Each entry of SUBMISSIONS is one student: a folder with a file 'cmd' (or 'run') naming the command, a",
            "folder with a jar, a folder with a Python entry point (main.py, rnn.py, or its only *.py; run with",
            "--python), a .jar file, or an answers sheet for 'bptt explain --check' (NAME/answers.json or NAME.json,",
            "checked as explain checks it). Every student runs the same cases (same suite and seed), each program in a",
            "fresh copy of its folder, each call under --timeout and each student under --time-limit. A submission",
            "that does not start, crashes, hangs or prints garbage gets that as its line; the others are marked as",
            "usual. Writes class.csv (one line per student), charts, the class's Allure report, and each student's",
            "own report in students/NAME/allure-report.html. Not a sandbox: run a class of strangers' programs in a",
            "container (README, 'Marking a class'). Exits 0 when every student passed, 1 otherwise."})
final class ClassCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    OutputOptions outputOptions;

    @Parameters(paramLabel = "SUBMISSIONS", description = "The class folder: one entry per student.")
    Path classFolder;

    @Option(names = "--suite", paramLabel = "NAME", defaultValue = "quick",
            description = "Built-in suite: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}: with the Elman cell, the"
                    + " lecture's T = 3 example, the sentiment example and 48 grid cases, a few seconds a student).")
    Suite suite;

    @Option(names = "--cell", paramLabel = "CELL",
            description = "The cell the coursework is about: ${COMPLETION-CANDIDATES} (repeatable; default: elman).")
    List<Cell> cells = new ArrayList<>(List.of(Cell.ELMAN));

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "Seed of the cases' weights and inputs: the same for every student (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10", converter = TimeoutOptions.PositiveSeconds.class,
            description = "Longest time one call of a student's program may take before it counts as hung"
                    + " (default: ${DEFAULT-VALUE}; the coursework's cases take milliseconds).")
    double timeoutSeconds;

    @Option(names = "--time-limit", paramLabel = "SECONDS", defaultValue = "120", converter = TimeoutOptions.PositiveSeconds.class,
            description = "Longest time one student's marking may take: no case starts after it, the rest are left out"
                    + " (default: ${DEFAULT-VALUE}).")
    double timeLimitSeconds;

    @Option(names = "--python", paramLabel = "PROGRAM", defaultValue = "python3",
            description = "The Python that runs a submission's *.py entry point (default: ${DEFAULT-VALUE}).")
    String python;

    @Option(names = "--handout", paramLabel = "FILE",
            description = "A file the course hands out (e.g. examples/protocol.py), copied into every student's working"
                    + " folder before the submission, whose own file of the same name wins (repeatable).")
    List<Path> handouts = new ArrayList<>();

    @Option(names = "--oracle", paramLabel = "ID", defaultValue = "reference-aggregated",
            description = "The implementation compared against (default: ${DEFAULT-VALUE}).")
    String oracleId;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        InvalidInputException.require(Files.isDirectory(classFolder), "SUBMISSIONS %s: no such folder (%s)", classFolder,
                classFolder.toAbsolutePath());
        for (Path handout : handouts) {
            InvalidInputException.require(Files.isRegularFile(handout), "--handout %s: no such file", handout);
        }
        List<Submission> submissions = Submission.findAll(classFolder);
        InvalidInputException.require(!submissions.isEmpty(), "SUBMISSIONS %s holds no submission: one folder, jar or"
                + " answers file per student", classFolder);
        PluginRegistry registry = PluginRegistry.discover(List.of());
        LoadedPlugin oracle = registry.require(oracleId);
        List<SuiteCase> cases = cases();
        InvalidInputException.require(!cases.isEmpty(), "the %s suite has no case of %s", suite, cells);

        Path folderName = classFolder.toAbsolutePath().normalize().getFileName();
        String title = folderName == null ? "class" : folderName.toString();
        out.printf(Locale.ROOT, "bptt class: %d submissions in %s, %d cases of the %s suite (%s; seed %d), oracle %s,"
                        + " %s s a call, %s s a student%n", submissions.size(), classFolder, cases.size(),
                suite.name().toLowerCase(Locale.ROOT), SuiteOptions.describe(EnumSet.copyOf(cells)), seed, oracle.id(),
                trim(timeoutSeconds), trim(timeLimitSeconds));
        out.flush();
        RunFolder run = outputOptions.create("class");
        ClassJob.Settings settings = new ClassJob.Settings(cases, oracle, seconds(timeoutSeconds), seconds(timeLimitSeconds),
                python, List.copyOf(handouts));
        ClassJob.ClassRun marked = ClassJob.run(run, title, submissions, settings, provenance(oracle), err);
        printSummary(out, marked, run);
        boolean everyonePassed = marked.lines().stream().allMatch(line -> line.outcome() == StudentLine.Outcome.PASSED);
        return everyonePassed ? ExitCode.OK : ExitCode.DIVERGED;
    }

    /** The one-layer forward cases of the chosen cells: what a coursework RNN implements. */
    private List<SuiteCase> cases() {
        TopologyOptions oneForwardLayer = new TopologyOptions();
        oneForwardLayer.layers = List.of(1);
        oneForwardLayer.directions = List.of(Direction.FORWARD);
        return SuiteOptions.suiteCases(suite, seed, null, EnumSet.copyOf(cells), oneForwardLayer);
    }

    private Provenance provenance(LoadedPlugin oracle) {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("oracle", oracle.id());
        extra.put("class folder", classFolder.toAbsolutePath().normalize().toString());
        extra.put("call timeout seconds", trim(timeoutSeconds));
        extra.put("time limit seconds", trim(timeLimitSeconds));
        return Provenance.capture(spec.commandLine().getParseResult().originalArgs(), VersionProvider.toolVersion(),
                List.of(Provenance.PluginVersion.of(oracle)), List.of(seed), suite.name().toLowerCase(Locale.ROOT),
                TolerancePolicy.defaults().describe(), extra, Path.of("."), Clock.systemUTC().instant());
    }

    private static void printSummary(PrintWriter out, ClassJob.ClassRun marked, RunFolder run) {
        out.println();
        out.printf(Locale.ROOT, "%-20s %-17s %6s %6s %6s %6s %6s %8s  %s%n", "student", "outcome", "cases", "passed",
                "failed", "errors", "skipped", "seconds", "quantities beyond tolerance, or the problem");
        for (StudentLine line : marked.lines()) {
            StudentLine.CaseCounts cases = line.cases();
            String detail = line.failedQuantities().isEmpty() ? line.message() : String.join(" ", line.failedQuantities());
            out.printf(Locale.ROOT, "%-20s %-17s %6d %6d %6d %6d %6d %8.1f  %s%n", line.student(), line.outcome().label(),
                    cases.total(), cases.passed(), cases.failed(), cases.errors(), cases.skipped(), line.seconds(),
                    shorten(detail));
            if (!line.diagnosis().isEmpty()) {
                out.printf(Locale.ROOT, "%-20s diagnosis: %s%n", "", line.diagnosis());
            }
        }
        out.println();
        out.printf(Locale.ROOT, "run folder:        %s%n", run.path());
        out.printf(Locale.ROOT, "class table:       %s%n", run.resolve(ClassReport.STUDENTS_TABLE + ".csv"));
        out.printf(Locale.ROOT, "HTML report:       %s (serve over HTTP; single file: %s)%n", marked.outputs().reportIndex(),
                marked.outputs().singleFile());
        out.printf(Locale.ROOT, "students' reports: %s/NAME/allure-report.html%n", run.resolve(ClassJob.STUDENTS));
        out.flush();
    }

    /** The first line of {@code text}, at most 100 characters: the console's line; class.csv has it whole. */
    private static String shorten(String text) {
        String first = text.lines().findFirst().orElse("");
        return first.length() > 100 ? first.substring(0, 97) + "..." : first;
    }

    private static Duration seconds(double value) {
        return Duration.ofMillis(Math.max(1, Math.round(value * 1000)));
    }

    private static String trim(double seconds) {
        return seconds == Math.rint(seconds) ? Long.toString((long) seconds) : Double.toString(seconds);
    }
}
