package org.bptt.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bptt.api.DataType;
import org.bptt.api.InvalidInputException;
import org.bptt.benchmarks.BenchGrid;
import org.bptt.benchmarks.BenchJob;
import org.bptt.benchmarks.BenchPreflight;
import org.bptt.benchmarks.BenchRunner;
import org.bptt.benchmarks.BenchTables;
import org.bptt.benchmarks.BenchText;
import org.bptt.benchmarks.Cell;
import org.bptt.benchmarks.JmhSettings;
import org.bptt.benchmarks.Mode;
import org.bptt.benchmarks.RunTimeEstimate;
import org.bptt.benchmarks.Shape;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.plugins.PluginCalls;
import org.bptt.core.plugins.PluginRegistry;
import org.bptt.reports.RunFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code bptt bench}: JMH timings of every implementation on the grid. Parses the options, runs a
 * {@link BenchJob} (which measures through JMH's API and writes the run folder) and prints its outcome.
 */
@Command(name = "bench",
        header = "JMH timings: naive O(T²) vs aggregated O(T) vs DL4J and any plugin.", mixinStandardHelpOptions = true,
        description = {
            "Time forward and forward+backward calls of every implementation (reference aggregated O(T), naive",
            "O(T^2), its fast twin, DL4J, and any plugin given with --impl) with JMH, forked and warmed up, on",
            "recurrent cells (full grid: Elman, GRU, LSTM; --quick: Elman), shapes (B,d,H,K) and sequence",
            "lengths T; write tables (median, error, GFLOP/s, naive/aggregated ratio",
            "against the cost model, fitted slopes, memory), charts and the HTML report, and check the performance",
            "targets. Before timing, each plugin is called once in isolation: one that throws or hangs (--timeout)",
            "is reported and left out. Exits 1 when --baseline flags a clear regression or a plugin was left out;",
            "a missed target is reported, not an error."})
final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    PluginOptions pluginOptions;

    @Mixin
    OutputOptions outputOptions;

    @Mixin
    TimeoutOptions timeoutOptions;

    @Option(names = "--quick",
            description = "A first look in about a minute: shapes 1x16x32x16 and 16x64x128x64, T = 16, 32, 64, "
                    + "forward+backward, 1 fork of 1 + 3 iterations of 100 ms, one thread. Not numbers to report.")
    boolean quick;

    @Option(names = "--impl", paramLabel = "ID",
            description = "Also measure this plugin (repeatable), besides the defaults "
                    + "(reference-aggregated, reference-naive, reference-fast, dl4j) or those of --only.")
    List<String> extraImplementations = new ArrayList<>();

    @Option(names = "--only", paramLabel = "ID",
            description = "Measure these plugins (repeatable) instead of the defaults; --impl adds to them.")
    List<String> onlyImplementations = new ArrayList<>();

    @Option(names = "--cell-budget", paramLabel = "SECONDS",
            description = "Measured seconds each fork may spend on a cell whose calls are slow (at least one iteration"
                    + " long): it gets as many iterations as fit, at most 30, instead of the fixed count; also the time"
                    + " a library's own-call timing aims at (default: 30 s; none with --quick).")
    Double cellBudgetSeconds;

    @Option(names = "--cell", paramLabel = "CELL",
            description = "Only this recurrent cell (repeatable): elman, gru or lstm (default: all three; elman with --quick).")
    List<String> cells = new ArrayList<>();

    @Option(names = "--layers", paramLabel = "L",
            description = "Measure networks of L stacked layers (repeatable; default: 1).")
    List<Integer> layers = new ArrayList<>();

    @Option(names = "--direction", paramLabel = "DIR",
            description = "Measure networks read ${COMPLETION-CANDIDATES} (repeatable; default: forward).")
    List<org.bptt.api.Direction> directions = new ArrayList<>();

    @Option(names = "--combine", paramLabel = "MODE",
            description = "How a bidirectional network combines its directions: ${COMPLETION-CANDIDATES} (repeatable;"
                    + " default: concat).")
    List<org.bptt.api.Combine> combines = new ArrayList<>();

    @Option(names = "--shape", paramLabel = "BxdxHxK",
            description = "Only this shape (repeatable), e.g. 16x64x128x64; any sizes may be given.")
    List<String> shapes = new ArrayList<>();

    @Option(names = "--steps", paramLabel = "T", description = "Only this sequence length (repeatable).")
    List<Integer> steps = new ArrayList<>();

    @Option(names = "--mode", paramLabel = "MODE",
            description = "Only this mode (repeatable): forward or forward+backward.")
    List<String> modes = new ArrayList<>();

    @Option(names = "--precision", paramLabel = "TYPE", defaultValue = "float64",
            description = "float64 (default) or float32; a plugin without that capability is skipped.")
    String precision;

    @Option(names = "--forks", paramLabel = "N", description = "JMH forks per cell (default: 2, or 1 with --quick).")
    Integer forks;

    @Option(names = "--shared-jvm", description = "Measure every cell in one forked JVM instead of one JVM per cell and"
            + " fork: each cell still warms up, but all share one JIT profile, so a cell's figure can depend on the cells"
            + " before it; saves a JVM start (a second or more, ND4J's more) per cell. For a first look (bptt run's sweep"
            + " uses it), not for figures to report. Implies --forks 1.")
    boolean sharedJvm;

    @Option(names = "--threads", paramLabel = "N",
            description = "OMP_NUM_THREADS and -XX:ActiveProcessorCount of the forked JVMs, and so of the cmd: programs they"
                    + " start: the threads each implementation may use (default: all; 1 with --quick).")
    Integer threads;

    @Option(names = "--baseline", paramLabel = "RUN_DIR",
            description = "An earlier bench run folder of the same grid on this machine: flag a cell as a regression when "
                    + "a one-sided Mann-Whitney U test over the JMH iteration samples gives p < 0.01 and its median is "
                    + "more than 10%% slower; exit 1 if any is.")
    Path baseline;

    @Option(names = "--dry-run", description = "Print the grid, what is left out and why, and the expected run time; run nothing.")
    boolean dryRun;

    @Option(names = "--reanalyse", paramLabel = "RUN_DIR",
            description = "Measure nothing: recompute the tables, charts, targets and report of an earlier bench run from"
                    + " the measurements in its folder (after an interrupted run, or when the analysis changed).")
    Path reanalyse;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (reanalyse != null) {
            return reanalyse(out);
        }
        DataType dataType = Cell.parsePrecision(precision);
        PluginRegistry registry = pluginOptions.discover(err);
        BenchGrid grid = grid(registry, dataType, err);
        JmhSettings settings = settings();
        if (baseline != null) {
            InvalidInputException.require(Files.isDirectory(baseline), "--baseline %s is not a folder", baseline);
            InvalidInputException.require(Files.isRegularFile(baseline.resolve(BenchTables.SAMPLES_FILE)),
                    "--baseline %s has no %s: is it a bptt bench run folder?", baseline, BenchTables.SAMPLES_FILE);
        }
        Map<String, LoadedPlugin> available = available(registry, grid);
        BenchGrid checked = dryRun ? grid : leaveOutFailing(grid, available, timeoutOptions.calls(), err);
        if (checked == null) {
            return ExitCode.DIVERGED;
        }
        printPlan(out, checked, settings, quick, BenchRunner.runnableCells(checked, available), available);
        if (dryRun) {
            return ExitCode.OK;
        }

        BenchJob.Request request = new BenchJob.Request(spec.commandLine().getParseResult().originalArgs(),
                VersionProvider.toolVersion(), checked, settings, pluginOptions.directories(), baseline);
        int exit = printOutcome(out, measure(request, outputOptions.create("bench"), available, err));
        return checked == grid ? exit : ExitCode.DIVERGED;
    }

    /**
     * Calls each implementation of {@code grid} once through the isolation ({@link BenchPreflight}) before anything is
     * timed: one that throws, hangs or returns garbage is named on {@code err} and left out of the grid and of
     * {@code available} (Modified).
     *
     * @return {@code grid} itself when every implementation answered, a smaller grid when some were left out, or
     *         null when none is left
     */
    static BenchGrid leaveOutFailing(BenchGrid grid, Map<String, LoadedPlugin> available, PluginCalls calls, PrintWriter err) {
        Map<String, String> leftOut = BenchPreflight.failures(grid, available, calls);
        if (leftOut.isEmpty()) {
            return grid;
        }
        leftOut.values().forEach(failure -> err.printf(Locale.ROOT, "error: %s; left out of the timings%n", failure));
        err.flush();
        List<String> remaining = grid.implementations().stream().filter(id -> !leftOut.containsKey(id)).toList();
        available.keySet().removeAll(leftOut.keySet());
        return remaining.isEmpty() ? null : grid.withImplementations(remaining);
    }

    /**
     * Prints what is about to be measured: the grid, JMH's settings, the cells, which of them are also timed through
     * their library's own call, and the expected run time.
     */
    static void printPlan(PrintWriter out, BenchGrid grid, JmhSettings settings, boolean quick, List<Cell> toRun,
                          Map<String, LoadedPlugin> available) {
        out.printf(Locale.ROOT, "bptt bench: %s%n", grid.describe());
        out.printf(Locale.ROOT, "JMH: %s%n", settings.describe());
        if (quick) {
            out.println("quick: a sub-grid, one fork and short iterations; a first look, not numbers to report"
                    + " (the full grid: bptt bench).");
        }
        List<Cell> ownCalls = BenchRunner.ownCallCells(toRun, available);
        out.printf(Locale.ROOT, "%d cells to measure; expected run time about %s%n", toRun.size(),
                RunTimeEstimate.text(RunTimeEstimate.of(toRun, settings).plus(RunTimeEstimate.ownCalls(ownCalls, settings))));
        if (!ownCalls.isEmpty()) {
            out.printf(Locale.ROOT, "then %d of them through the libraries' own calls too (%s)%n", ownCalls.size(),
                    ownCalls.stream().map(Cell::implementation).distinct().toList());
        }
        for (BenchGrid.Network network : grid.networks()) {
            List<Cell> ofCell = toRun.stream().filter(cell -> cell.rnnCell() == network.rnnCell()
                    && cell.topology().equals(network.topology())).toList();
            out.printf(Locale.ROOT, "  %-5s %d cells (%.1f GFLOP per pass over them by the FLOP model), implementations %s%n",
                    (network.topology().single() ? "" : Cell.topologyName(network.topology()) + " ")
                            + Cell.rnnCellName(network.rnnCell()), ofCell.size(), ofCell.stream().mapToDouble(Cell::flops).sum() / 1e9,
                    ofCell.stream().map(Cell::implementation).distinct().toList());
        }
        out.flush();
    }

    /** Runs the bench job into {@code run}, with a progress bar (or log lines) on {@code log}. */
    static BenchJob.Report measure(BenchJob.Request request, RunFolder run, Map<String, LoadedPlugin> available,
                                    PrintWriter log) {
        ProgressAdapter progress = new ProgressAdapter(log);
        try {
            return BenchJob.run(request, run, available, progress);
        } catch (IOException e) {
            throw new UncheckedIOException("bench: cannot write the run folder: " + e.getMessage(), e);
        } finally {
            progress.close();
        }
    }

    /**
     * Prints the timings, the targets and where the run folder and report are.
     *
     * @return the exit code the outcome calls for: 1 when the baseline comparison flagged a slowdown
     */
    static int printOutcome(PrintWriter out, BenchJob.Report report) {
        out.println();
        BenchText.print(out, report);
        out.println();
        out.printf(Locale.ROOT, "run folder:  %s (took %s)%n", report.run().path(), RunTimeEstimate.text(report.elapsed()));
        out.printf(Locale.ROOT, "HTML report: %s (serve over HTTP; single file: %s)%n", report.reportIndex(),
                report.singleFile());
        if (report.regression()) {
            out.println("regression: at least one cell is clearly slower than the baseline (see bench-baseline.csv)");
            return ExitCode.DIVERGED;
        }
        return ExitCode.OK;
    }

    /** {@code --reanalyse}: the tables, charts and report of an earlier run, from its measurements. */
    private int reanalyse(PrintWriter out) {
        InvalidInputException.require(Files.isDirectory(reanalyse), "--reanalyse %s is not a folder", reanalyse);
        BenchJob.Report report;
        try {
            report = BenchJob.reanalyse(RunFolder.open(reanalyse));
        } catch (IOException e) {
            throw new UncheckedIOException("bench: cannot rewrite " + reanalyse + ": " + e.getMessage(), e);
        }
        BenchText.print(out, report);
        out.println();
        out.printf(Locale.ROOT, "run folder:  %s (re-analysed from its measurements)%n", report.run().path());
        out.printf(Locale.ROOT, "HTML report: %s (serve over HTTP; single file: %s)%n", report.reportIndex(),
                report.singleFile());
        return ExitCode.OK;
    }

    /** The grid: full or quick, its plugins, restricted by --cell, --shape, --steps, --mode. */
    private BenchGrid grid(PluginRegistry registry, DataType dataType, PrintWriter err) {
        List<String> implementations = new ArrayList<>();
        if (!onlyImplementations.isEmpty()) {
            for (String id : onlyImplementations) {
                implementations.add(registry.require(id).id());
            }
        } else {
            implementations.addAll(installedDefaults(registry, err));
        }
        for (String id : extraImplementations) {
            String found = registry.require(id).id();
            if (!implementations.contains(found)) {
                implementations.add(found);
            }
        }
        InvalidInputException.require(!implementations.isEmpty(), "no plugin to benchmark; available: %s", registry.ids());
        BenchGrid base = quick ? BenchGrid.quick(implementations, dataType) : BenchGrid.full(implementations, dataType);
        List<Shape> onlyShapes = shapes.stream().map(Shape::parse).toList();
        List<Mode> onlyModes = modes.stream().map(Mode::parse).toList();
        List<org.bptt.api.Cell> onlyCells = cells.stream().map(Cell::parseRnnCell).toList();
        BenchGrid restricted = base.restrictedTo(onlyCells, onlyShapes, steps, onlyModes);
        return layers.isEmpty() && directions.isEmpty() && combines.isEmpty() ? restricted
                : restricted.withTopologies(topologies());
    }

    /**
     * Every network of {@code --layers} × {@code --direction} (× {@code --combine} when bidirectional), each option
     * defaulting to what one layer read forwards is.
     */
    List<org.bptt.api.Topology> topologies() {
        List<org.bptt.api.Topology> topologies = new ArrayList<>();
        for (int layerCount : layers.isEmpty() ? List.of(1) : layers) {
            InvalidInputException.require(layerCount >= 1, "--layers %d: a network has at least one layer", layerCount);
            for (org.bptt.api.Direction direction : directions.isEmpty() ? List.of(org.bptt.api.Direction.FORWARD) : directions) {
                if (direction == org.bptt.api.Direction.FORWARD) {
                    topologies.add(org.bptt.api.Topology.forward(layerCount));
                    continue;
                }
                for (org.bptt.api.Combine combine : combines.isEmpty() ? List.of(org.bptt.api.Combine.CONCAT) : combines) {
                    topologies.add(org.bptt.api.Topology.bidirectional(layerCount, combine));
                }
            }
        }
        return topologies;
    }

    /** The default implementations that are installed; a warning on {@code err} for each that is not. */
    static List<String> installedDefaults(PluginRegistry registry, PrintWriter err) {
        List<String> installed = new ArrayList<>();
        for (String id : BenchGrid.DEFAULT_IMPLEMENTATIONS) {
            if (registry.find(id).isPresent()) {
                installed.add(id);
            } else {
                err.println("warning: default plugin " + id + " is not installed; it is not measured");
            }
        }
        return installed;
    }

    /** The grid's implementations that are installed, by id. */
    static Map<String, LoadedPlugin> available(PluginRegistry registry, BenchGrid grid) {
        Map<String, LoadedPlugin> available = new LinkedHashMap<>();
        for (String id : grid.implementations()) {
            registry.find(id).ifPresent(plugin -> available.put(id, plugin));
        }
        return available;
    }

    private JmhSettings settings() {
        JmhSettings settings = quick ? JmhSettings.quick() : JmhSettings.full();
        if (forks != null) {
            settings = settings.withForks(forks);
        }
        if (threads != null) {
            settings = settings.withThreads(threads);
        }
        if (cellBudgetSeconds != null) {
            InvalidInputException.require(cellBudgetSeconds >= 0 && Double.isFinite(cellBudgetSeconds),
                    "--cell-budget %s: the budget is a number of seconds, zero or more", cellBudgetSeconds);
            settings = settings.withCellBudget(Duration.ofMillis(Math.round(cellBudgetSeconds * 1000)));
        }
        if (sharedJvm) {
            InvalidInputException.require(forks == null || forks == 1,
                    "--shared-jvm measures every cell in one JVM, one fork: --forks %d does not go with it", forks);
            settings = settings.inSharedJvm();
        }
        return settings;
    }

    /** {@link Progress} for the job: a bar on a terminal, log lines otherwise. */
    static final class ProgressAdapter implements BenchJob.Progress {
        private final PrintWriter log;
        private Progress progress;

        ProgressAdapter(PrintWriter log) {
            this.log = log;
        }

        @Override
        public void started(int measurements, Duration expected) {
            progress = Progress.start("bench", measurements, log);
        }

        @Override
        public void cellDone(Cell cell, int done, int total) {
            if (progress != null) {
                progress.step();
            }
        }

        @Override
        public void message(String line) {
            log.println(line);
            log.flush();
        }

        void close() {
            if (progress != null) {
                progress.close();
            }
        }
    }
}
