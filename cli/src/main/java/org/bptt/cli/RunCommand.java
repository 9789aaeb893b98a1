package org.bptt.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.bptt.api.Cell;
import org.bptt.api.DataType;
import org.bptt.benchmarks.BenchGrid;
import org.bptt.benchmarks.BenchJob;
import org.bptt.benchmarks.BenchRunner;
import org.bptt.benchmarks.JmhSettings;
import org.bptt.core.cases.SuiteCase;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.plugins.PluginRegistry;
import org.bptt.experiments.decay.DecayExperiment;
import org.bptt.experiments.reproduce.Presets;
import org.bptt.experiments.reproduce.Reproduction;
import org.bptt.reports.Provenance;
import org.bptt.reports.RunFolder;
import org.bptt.reports.RunOutputs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code bptt run}: the main job on the built-in default suite, in four steps, each a job that its own command runs
 * too: a {@link VerifyJob}, a quick {@link DecayJob}, a quick reproduction ({@code bptt reproduce hochreiter1997
 * --quick}) and a quick {@link BenchJob}, each printed as its command prints it.
 */
@Command(name = "run",
        header = "The main job: verify all plugins on the default suite, then quick decay, reproduction and timing sweeps.", mixinStandardHelpOptions = true,
        description = {
            "The main job: verify every implementation found (the reference's other algorithms, DL4J, and any",
            "plugin) against the reference on the default suite, then quick sweeps of the gradient-norm decay over",
            "T, of Hochreiter & Schmidhuber's adding problem (bptt reproduce hochreiter1997 --quick) and of the",
            "timings; write the tables, charts and HTML report and print a summary. Exits 1 when anything diverged."})
final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    PluginOptions pluginOptions;

    @Mixin
    SuiteOptions suiteOptions;

    @Mixin
    OutputOptions outputOptions;

    @Mixin
    TimeoutOptions timeoutOptions;

    @Mixin
    JunitXmlOptions junitXml;

    @Mixin
    VerifyThreadsOptions threadsOptions;

    @Option(names = "--oracle", paramLabel = "ID", defaultValue = "reference-aggregated",
            description = "The implementation compared against (default: ${DEFAULT-VALUE}).")
    String oracleId;

    @Option(names = "--skip-bench", description = "Leave out the quick timing sweep (about a minute).")
    boolean skipBench;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PluginRegistry registry = pluginOptions.discover(err);
        LoadedPlugin oracle = registry.require(oracleId);
        List<LoadedPlugin> implementations = new ArrayList<>(registry.plugins());
        implementations.removeIf(plugin -> plugin.id().equals(oracleId));
        implementations = new ArrayList<>(suiteOptions.runningChosenCells(implementations));
        Set<Cell> cells = suiteOptions.selectedCells(implementations);
        List<SuiteCase> cases = suiteOptions.suiteCases(cells);
        out.printf(Locale.ROOT, "bptt run: %d plugins (%s), oracle %s, %d cases of the %s suite (%s), seed %d%n",
                implementations.size(), String.join(", ", implementations.stream().map(LoadedPlugin::id).toList()),
                oracle.id(), cases.stream().filter(suiteCase -> !suiteCase.isTruncated()).count(), suiteOptions.suiteName(),
                SuiteOptions.describe(cells), suiteOptions.seed);
        out.flush();
        List<String> commandLine = spec.commandLine().getParseResult().originalArgs();
        RunFolder run = outputOptions.create("run");
        Map<String, Double> stageSeconds = new LinkedHashMap<>();
        long stageStart = System.nanoTime();
        VerifyJob.VerifyRun verified = VerifyJob.run(commandLine, run, suiteOptions, cases, implementations, oracle, null,
                timeoutOptions.timeout(), threadsOptions.threads(), registry::newInstance, err);
        int verifyExit = verified.printSummary(out);
        junitXml.writeVerify("run", verified, out);
        stageStart = lap(stageSeconds, "verify", stageStart);

        out.printf(Locale.ROOT, "%n--- gradient-norm decay over T (quick sweep) ---%n");
        DecayJob.DecayRun decay = DecayJob.run(DecayExperiment.Settings.quick(), "quick", oracle,
                DecayCommand.defaultCompared(implementations, oracle),
                timeoutOptions.calls(), subFolder(run, "decay"), commandLine, err);
        DecayCommand.print(out, decay);
        int decayExit = decay.exitCode();
        stageStart = lap(stageSeconds, "decay", stageStart);

        out.printf(Locale.ROOT, "%n--- reproduction (bptt reproduce %s --quick) ---%n", QUICK_REPRODUCTION);
        int reproduceExit = quickReproduction(registry, run, commandLine, out, err);
        stageStart = lap(stageSeconds, "reproduce", stageStart);

        int benchExit = ExitCode.OK;
        if (!skipBench) {
            out.printf(Locale.ROOT, "%n--- timings (bptt bench --quick%s --shared-jvm) ---%n",
                    BENCH_STEPS.stream().map(steps -> " --steps " + steps).collect(Collectors.joining()));
            out.flush();
            benchExit = quickBench(registry, run, out, err);
            lap(stageSeconds, "bench", stageStart);
        }

        out.printf(Locale.ROOT, "%nbptt run: verify %s, decay %s, bench %s; HTML report of the verification: %s%n",
                verdict(verifyExit), verdict(decayExit),
                skipBench ? "skipped" : verdict(benchExit) + " (timings only: no target is evaluated on the quick grid)",
                verified.outputs().reportIndex());
        out.printf(Locale.ROOT, "bptt run: reproduce %s --quick %s: %s%n", QUICK_REPRODUCTION, verdict(reproduceExit),
                run.resolve(QUICK_REPRODUCTION));
        recordWallTime(run, verified, stageSeconds, out);
        return Math.max(Math.max(verifyExit, reproduceExit), Math.max(decayExit, benchExit));
    }

    /**
     * The preset whose quick grid a run trains: the 1997 LSTM against a tanh Elman network on the adding problem,
     * the smallest of the three (4 cells; the others are a command away: {@code bptt reproduce NAME --quick}).
     */
    static final String QUICK_REPRODUCTION = "hochreiter1997";

    /**
     * {@code bptt reproduce hochreiter1997 --quick} on its default implementations (the fast reference for the Elman
     * networks, the readable one for the LSTMs), into this run's folder.
     */
    private int quickReproduction(PluginRegistry registry, RunFolder run, List<String> commandLine,
                                  PrintWriter out, PrintWriter err) {
        Path folder = run.resolve(QUICK_REPRODUCTION);
        try {
            return ReproduceCommand.run(new Reproduction(Presets.get(QUICK_REPRODUCTION, true)),
                    ReproduceCommand.defaultImplementations(registry),
                    threadsOptions.threads(), registry::newInstance, timeoutOptions.calls(), folder, new int[] {1, 1},
                    commandLine, out, err);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the reproduction under " + folder + ": " + e.getMessage(), e);
        }
    }

    /** The sequence lengths of the run's timing sweep: the quick grid's shortest and longest, which give the slope. */
    static final List<Integer> BENCH_STEPS = List.of(16, 64);

    /**
     * The quick timing sweep of the default implementations at {@link #BENCH_STEPS}, as {@code bptt bench --quick
     * --steps 16 --steps 64
     * --shared-jvm --out <this run's folder>} runs it: its own run folder inside this run's, and the same printout.
     * Every cell in one JVM: a JVM per cell (ND4J's start in each) made the stage last three times as long as its
     * measurements; the quick grid's middle T would add half again.
     */
    private int quickBench(PluginRegistry registry, RunFolder run, PrintWriter out, PrintWriter err) {
        BenchGrid grid = BenchGrid.quick(BenchCommand.installedDefaults(registry, err), DataType.FLOAT64)
                .restrictedTo(null, null, BENCH_STEPS, null);
        JmhSettings settings = JmhSettings.quick().inSharedJvm();
        Map<String, LoadedPlugin> available = BenchCommand.available(registry, grid);
        BenchGrid checked = BenchCommand.leaveOutFailing(grid, available, timeoutOptions.calls(), err);
        if (checked == null) {
            return ExitCode.DIVERGED;
        }
        BenchCommand.printPlan(out, checked, settings, true, BenchRunner.runnableCells(checked, available), available);
        // run.json records the bench command that does the same, so that the bench folder reads as one of its own.
        List<String> benchCommandLine = new ArrayList<>(List.of("bench", "--quick"));
        BENCH_STEPS.forEach(steps -> benchCommandLine.addAll(List.of("--steps", Integer.toString(steps))));
        benchCommandLine.add("--shared-jvm");
        benchCommandLine.addAll(List.of("--out", run.path().toString(), "--timeout",
                Double.toString(timeoutOptions.timeoutSeconds)));
        BenchJob.Request request = new BenchJob.Request(benchCommandLine, VersionProvider.toolVersion(), checked, settings,
                pluginOptions.directories(), null);
        int exit = BenchCommand.printOutcome(out,
                BenchCommand.measure(request, OutputOptions.create(run.path(), "bench"), available, err));
        return checked == grid ? exit : ExitCode.DIVERGED;
    }

    /** Records the seconds since {@code start} as stage {@code stage}'s and returns the time now. */
    private static long lap(Map<String, Double> stageSeconds, String stage, long start) {
        long now = System.nanoTime();
        stageSeconds.put(stage, (now - start) / 1e9);
        return now;
    }

    /**
     * Prints the whole run's wall time (verify, decay, reproduce and bench, from the run's start), each stage's (the
     * verification's with its reports), and the verification's pace; records them in run.json as {@value
     * #RUN_WALL_TIME_SECONDS} and {@value #STAGE_SECONDS}.
     */
    private static void recordWallTime(RunFolder run, VerifyJob.VerifyRun verified, Map<String, Double> stageSeconds,
                                       PrintWriter out) {
        Provenance provenance = verified.provenance();
        double seconds = Duration.between(provenance.start(), Clock.systemUTC().instant()).toNanos() / 1e9;
        String text = String.format(Locale.ROOT, "%.3f", seconds);
        List<String> stages = new ArrayList<>();
        stageSeconds.forEach((stage, time) -> stages.add(String.format(Locale.ROOT, "%s %.1f s", stage, time)));
        out.printf(Locale.ROOT, "bptt run: wall time %s s in all (%s); the verification's cases %s s, %s case ×"
                        + " implementation results per second (run.json: %s, %s, %s, %s)%n", text,
                String.join(", ", stages), provenance.extra().get(Provenance.WALL_TIME_SECONDS),
                provenance.extra().get(Provenance.CASES_PER_SECOND), RUN_WALL_TIME_SECONDS, STAGE_SECONDS,
                Provenance.WALL_TIME_SECONDS, Provenance.CASES_PER_SECOND);
        List<String> recorded = new ArrayList<>();
        stageSeconds.forEach((stage, time) -> recorded.add(String.format(Locale.ROOT, "%s=%.3f", stage, time)));
        try {
            new RunOutputs(run).writeProvenance(provenance.withExtra(RUN_WALL_TIME_SECONDS, text)
                    .withExtra(STAGE_SECONDS, String.join(",", recorded)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + run.resolve(Provenance.FILE_NAME) + ": " + e.getMessage(), e);
        }
    }

    /** run.json's entry of a whole {@code bptt run}'s wall time: verify, decay, reproduce and bench, in seconds. */
    static final String RUN_WALL_TIME_SECONDS = "runWallTimeSeconds";
    /** run.json's entry of each stage's wall time, e.g. {@code verify=80.512,decay=20.001,...}, in seconds. */
    static final String STAGE_SECONDS = "runStageSeconds";

    private static String verdict(int exitCode) {
        return exitCode == ExitCode.OK ? "passed" : "FAILED";
    }

    /** A folder inside the run's folder for one more experiment, with its own run.json. */
    private static RunFolder subFolder(RunFolder run, String name) {
        try {
            return RunFolder.open(Files.createDirectories(run.resolve(name)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + run.resolve(name) + ": " + e.getMessage(), e);
        }
    }
}
