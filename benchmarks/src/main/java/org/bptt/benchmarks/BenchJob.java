package org.bptt.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bptt.api.InvalidInputException;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.reports.Provenance;
import org.bptt.reports.RunFolder;
import org.bptt.reports.RunOutputs;
import org.bptt.reports.allure.AllureReport;
import org.bptt.reports.allure.AllureResults;

/**
 * A whole {@code bench} run into one run folder:
 * <pre>
 *   run.json                     provenance (grid, JMH settings, OMP_NUM_THREADS, models), at the start and the end
 *   bench-results.csv            one row per grid cell: median, error, GFLOP/s, memory, or why not measured
 *   bench-samples.csv            every JMH iteration sample (what --baseline compares); these two are rewritten
 *                                after each group of cells, so an interrupted run keeps what it measured
 *   bench-slopes.csv             fitted log-log slopes of time against T
 *   bench-ratios.csv             naive / aggregated, measured and predicted
 *   bench-targets.csv            the issue's performance targets: PASS, FAIL, NOT_MEASURED
 *   bench-baseline.csv           with --baseline: the comparison, cell by cell
 *   bench-table.md               the summary as Markdown (for the README)
 *   charts/                      time against T (log-log) per shape, throughput bars
 *   jmh-output.txt, jmh/*.json   JMH's own report and results; fork-jvm.sh, the forks' launcher
 *   allure-results/, allure-report/, allure-report.html
 * </pre>
 */
public final class BenchJob {

    private BenchJob() {
    }

    /** What the run is told as it goes. Calls come from the thread that called {@link #run}. */
    public interface Progress {
        /**
         * Before the first measurement: how many measurements JMH will run (each cell once per fork, the forks in
         * rounds) and the expected run time of the whole job.
         */
        void started(int measurements, Duration expected);

        /** A cell's fork was measured; {@code done} counts from 1 to the total. */
        void cellDone(Cell cell, int done, int total);

        /** A phase starts, or a warning. */
        void message(String line);
    }

    /**
     * What to run.
     *
     * @param commandLine       the arguments the tool was started with (for provenance)
     * @param toolVersion       bptt-harness's version
     * @param grid              the cells
     * @param settings          how JMH measures; null for a {@link #reanalyse re-analysis}, which measures nothing
     * @param pluginDirectories where plugin jars are, besides the class path
     * @param baseline          an earlier run folder to compare with, or null
     */
    public record Request(List<String> commandLine, String toolVersion, BenchGrid grid, JmhSettings settings,
                          List<Path> pluginDirectories, Path baseline) {
        public Request {
            commandLine = List.copyOf(commandLine);
            pluginDirectories = List.copyOf(pluginDirectories);
        }
    }

    /**
     * The report of a bench run: the analysis of its measurements and the files written.
     *
     * @param comparisons the baseline comparison (empty without a baseline)
     * @param tables      the CSV tables and the Markdown summary
     * @param charts      the PNG charts (each with an SVG twin)
     */
    public record Report(RunFolder run, Request request, BenchAnalysis analysis, List<BenchAnalysis.Target> targets,
                          List<Baseline.Comparison> comparisons, List<Path> tables, List<Path> charts, Path reportIndex,
                          Path singleFile, Duration elapsed) {

        /** True when the baseline comparison flagged a slowdown. */
        public boolean regression() {
            return Baseline.anyRegression(comparisons);
        }
    }

    /**
     * Runs the grid on the plugins in {@code available} (by id) and writes everything into {@code run}.
     *
     * @throws InvalidInputException when the baseline folder is not a bench run (checked before anything runs)
     */
    public static Report run(Request request, RunFolder run, Map<String, LoadedPlugin> available, Progress progress)
            throws IOException {
        Instant start = Clock.systemUTC().instant();
        Map<String, Baseline.CellSamples> baselineSamples = request.baseline() == null ? Map.of()
                : BenchTables.readSamples(request.baseline());
        if (request.baseline() != null) {
            warnIfDifferentMachine(request.baseline(), progress);
        }
        RunOutputs outputs = new RunOutputs(run);
        Provenance provenance = provenance(request, available, start);
        outputs.writeProvenance(provenance);

        BenchGrid grid = request.grid();
        List<Cell> toRun = BenchRunner.runnableCells(grid, available);
        progress.started(toRun.size() * request.settings().forks(), RunTimeEstimate.of(toRun, request.settings())
                .plus(RunTimeEstimate.ownCalls(BenchRunner.ownCallCells(toRun, available), request.settings())));
        BenchRunner runner = new BenchRunner(request.settings(), request.pluginDirectories(), run.path(),
                new BenchRunner.Listener() {
                    @Override
                    public void cellStarted(Cell cell, int index, int total) {
                        // Progress counts finished cells.
                    }

                    @Override
                    public void cellFinished(Cell cell, int index, int total) {
                        progress.cellDone(cell, index, total);
                    }

                    @Override
                    public void message(String line) {
                        progress.message(line);
                    }

                    @Override
                    public void resultsSoFar(List<CellResult> results) throws IOException {
                        outputs.writeTables(BenchTables.measurementTables(results));
                    }
                });
        List<CellResult> results = runner.run(grid, available);

        progress.message("writing tables, charts and the HTML report...");
        return analyseAndWrite(outputs, request, provenance, results, baselineSamples, start);
    }

    /**
     * Recomputes the tables, the Markdown summary, the charts, the targets and the report of an earlier bench run from
     * the measurements it wrote ({@value BenchTables#RESULTS_FILE} and {@value BenchTables#SAMPLES_FILE}), without
     * measuring anything: for a run that was interrupted, or after the analysis changed. The grid is the cells the
     * run wrote; {@code run.json} is kept as it is (it describes how the measurements were taken).
     *
     * @throws InvalidInputException when the folder is not a bench run folder or its tables cannot be read
     */
    public static Report reanalyse(RunFolder run) throws IOException {
        Instant start = Clock.systemUTC().instant();
        Path runJson = run.resolve(Provenance.FILE_NAME);
        InvalidInputException.require(Files.isRegularFile(runJson), "%s has no %s: is it a bptt bench run folder?",
                run.path(), Provenance.FILE_NAME);
        Provenance provenance = Provenance.readFrom(run);
        List<CellResult> results = BenchTables.readResults(run.path());
        InvalidInputException.require(!results.isEmpty(), "%s: %s has no cells", run.path(), BenchTables.RESULTS_FILE);
        String gridName = provenance.suite().startsWith("bench ") ? provenance.suite().substring("bench ".length()) : "custom";
        Request request = new Request(provenance.commandLine(), provenance.toolVersion(), BenchGrid.of(gridName, results),
                null, List.of(), null);
        return analyseAndWrite(new RunOutputs(run), request, provenance, results, Map.of(), start);
    }

    /** Everything after the measurements: analysis, tables, Markdown, charts, the Allure results and report. */
    private static Report analyseAndWrite(RunOutputs outputs, Request request, Provenance provenance,
                                          List<CellResult> results, Map<String, Baseline.CellSamples> baselineSamples,
                                          Instant start) throws IOException {
        RunFolder run = outputs.folder();
        BenchGrid grid = request.grid();
        BenchAnalysis analysis = new BenchAnalysis(results);
        List<BenchAnalysis.Target> targets = analysis.targets(grid);
        List<Path> tables = new ArrayList<>(outputs.writeTables(BenchTables.tables(analysis, targets)));
        List<Baseline.Comparison> comparisons = List.of();
        if (request.baseline() != null) {
            comparisons = Baseline.compare(baselineSamples, results);
            tables.add(outputs.writeTable(BenchTables.baselineTable(comparisons)));
        }
        Instant end = Clock.systemUTC().instant();
        Report draft = new Report(run, request, analysis, targets, comparisons, tables, List.of(), null, null,
                Duration.between(start, end));
        tables.add(outputs.writeText(BenchTables.MARKDOWN_FILE, BenchText.markdown(draft, provenance)));
        List<Path> charts = outputs.writeCharts(BenchCharts.charts(grid, analysis, run.name())).stream()
                .filter(file -> file.getFileName().toString().endsWith(".png")).toList();

        if (request.settings() != null) {  // a measuring run ends now; a re-analysis keeps the run's own record
            provenance = provenance.withEnd(end);
            outputs.writeProvenance(provenance);
        }
        AllureResults allureResults = AllureResults.in(run, Clock.systemUTC());
        allureResults.writeEnvironment(provenance);
        allureResults.writeExecutor(run.name(), run.earlierRuns().size() + 1L);
        BenchAllure allure = new BenchAllure(allureResults.directory(), grid.name(), provenance.start().toEpochMilli(),
                (provenance.end() == null ? end : provenance.end()).toEpochMilli());
        allure.writeCategories();
        allure.addTargets(targets);
        allure.addImplementations(grid, analysis, charts);
        if (request.baseline() != null) {
            allure.addBaseline(request.baseline(), comparisons);
        }
        Path reportIndex = AllureReport.generateForRun(run);
        return new Report(run, request, analysis, targets, comparisons, List.copyOf(tables), charts, reportIndex,
                run.resolve(AllureReport.SINGLE_FILE), Duration.between(start, Clock.systemUTC().instant()));
    }

    /** The provenance of a bench run: the grid, JMH's settings, the forks' environment and the models. */
    static Provenance provenance(Request request, Map<String, LoadedPlugin> available, Instant start) {
        List<Provenance.PluginVersion> plugins = new ArrayList<>();
        for (String id : request.grid().implementations()) {
            LoadedPlugin plugin = available.get(id);
            if (plugin != null) {
                plugins.add(new Provenance.PluginVersion(id, plugin.info().version(), plugin.source()));
            }
        }
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("grid", request.grid().describe());
        extra.put("jmh", "JMH " + org.openjdk.jmh.util.Version.getPlainVersion() + ": " + request.settings().describe());
        extra.put("fork.OMP_NUM_THREADS", Integer.toString(request.settings().threads()));
        extra.put("fork.jvmArgs", String.join(" ", request.settings().jvmArgs()));
        extra.put("fork.launcher", BenchRunner.FORK_JVM_SCRIPT + " (sets OMP_NUM_THREADS, then runs " + System.getProperty("java.home") + "/bin/java)");
        extra.put("case", "CaseGenerator defaults (Xavier, ρ(W) = 0.9), tanh, per-step softmax, biases, loss summed, no mask, h0 = 0, seed "
                + BenchmarkCase.SEED + "; GRU reset after, LSTM without peepholes, one bias per gate, each W_* at ρ = 0.9");
        extra.put("flopModel", "forward = 2·B·T·(G·(H·d + H²) + H·K), G = 1 Elman, 3 GRU, 4 LSTM; backward = 2 × forward;"
                + " forward+backward = 3 × forward");
        extra.put("costModel", "naive/aggregated (forward+backward) = 1 + (T − 1)·(H·d + H²) / (3·(H·d + H² + H·K)); forward 1");
        extra.put("memoryProbe", "-Xms/-Xmx " + request.settings().heap() + " " + String.join(" ", MemoryProbe.JVM_OPTIONS));
        extra.put("baselineRule", Baseline.rule());
        if (request.baseline() != null) {
            extra.put("baseline", request.baseline().toAbsolutePath().toString());
        }
        extra.put("environment.OMP_NUM_THREADS", String.valueOf(System.getenv("OMP_NUM_THREADS")));
        return Provenance.capture(request.commandLine(), request.toolVersion(), plugins, List.of(BenchmarkCase.SEED),
                "bench " + request.grid().name(), Map.of(), extra, Path.of("."), start);
    }

    /** Says so when the baseline ran on another CPU or core count: its numbers are then not comparable. */
    private static void warnIfDifferentMachine(Path baseline, Progress progress) throws IOException {
        Path runJson = baseline.resolve(Provenance.FILE_NAME);
        if (!Files.isRegularFile(runJson)) {
            progress.message("warning: the baseline has no " + Provenance.FILE_NAME + "; cannot check it ran on this machine");
            return;
        }
        Provenance before = Provenance.fromJson(Files.readString(runJson));
        String cpu = Provenance.cpuModel(Path.of("/proc/cpuinfo"));
        int cores = Runtime.getRuntime().availableProcessors();
        if (!before.cpuModel().equals(cpu) || before.cores() != cores) {
            progress.message("warning: the baseline ran on " + before.cpuModel() + " with " + before.cores()
                    + " cores, this run on " + cpu + " with " + cores + ": timings of different machines do not compare");
        }
    }
}
