package org.bptt.benchmarks;

import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.bptt.api.OwnCallTiming;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.reports.AtomicFiles;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs a {@link BenchGrid} through JMH's API, then the {@link MemoryProbe}. Cells are run in groups of one
 * implementation, shape and mode (JMH forks every T of a group separately; a group is one {@code Runner} call), so
 * that the naive variant's budget can leave out its longest sequences. JMH's own report goes to
 * {@value #JMH_OUTPUT}, its JSON results to {@value #JMH_RESULTS}/, both in the work directory.
 *
 * <p>Forks are started through a small script, {@value #FORK_JVM_SCRIPT}, that sets OMP_NUM_THREADS (ND4J takes its
 * thread count from the environment, and JMH has no option for a fork's environment), then runs this JVM's java.
 */
public final class BenchRunner {

    public static final String JMH_OUTPUT = "jmh-output.txt";
    public static final String JMH_RESULTS = "jmh";
    public static final String FORK_JVM_SCRIPT = "fork-jvm.sh";

    /** The result JMH's GC profiler reports as bytes allocated per operation. */
    private static final String ALLOCATION_RESULT = "gc.alloc.rate.norm";

    /** Told as the run goes. Calls come from the thread that called {@link #run}. */
    public interface Listener {
        /** A cell is about to be measured; {@code index} counts from 1 to {@code total} (the cells JMH runs). */
        void cellStarted(Cell cell, int index, int total);

        /** A cell's measurement ended (its numbers come with the group's results). */
        void cellFinished(Cell cell, int index, int total);

        /** A line worth showing (a phase starting, a warning). */
        void message(String line);

        /**
         * After each group: every cell's result so far, in grid order (cells still to come are absent), so that an
         * interrupted run can keep what it measured.
         */
        void resultsSoFar(List<CellResult> results) throws IOException;
    }

    private final JmhSettings settings;
    private final List<Path> pluginDirectories;
    private final Path workDirectory;
    private final Listener listener;

    /**
     * @param pluginDirectories where the forks find plugin jars besides the class path
     * @param workDirectory     where JMH's output, its JSON results and the fork script go (the run folder)
     */
    public BenchRunner(JmhSettings settings, List<Path> pluginDirectories, Path workDirectory, Listener listener) {
        this.settings = settings;
        this.pluginDirectories = List.copyOf(pluginDirectories);
        this.workDirectory = workDirectory;
        this.listener = listener;
    }

    /**
     * Measures every cell of {@code grid} that can run: the ones whose plugin is in {@code available} and has the
     * capabilities, within the naive budget. Every cell of the grid gets a result, in {@link BenchGrid#allCells()}
     * order.
     */
    public List<CellResult> run(BenchGrid grid, Map<String, LoadedPlugin> available) throws IOException {
        Map<String, CellResult> results = new LinkedHashMap<>();
        Map<String, List<Cell>> groups = new LinkedHashMap<>();
        for (Cell cell : grid.allCells()) {
            CellResult notRun = whyNotRun(grid, cell, available);
            results.put(cell.key(), notRun);
            if (notRun == null) {
                groups.computeIfAbsent(cell.implementation() + "|" + cell.rnnCell() + "|" + cell.topology() + "|" + cell.shape() + "|" + cell.mode()
                        + "|" + settings.warmupIterationsFor(cell) + "|" + settings.measuredIterations(cell),
                        key -> new ArrayList<>()).add(cell);
            }
        }
        // The forks in rounds: every group's first fork, then the libraries' own calls' first fork, then every
        // group's second fork, and so on. A drift of the machine's speed during the run (benchmarks/README.md,
        // "Forks in rounds") then widens every cell's spread between forks, where the intervals see it, instead of
        // landing between two libraries measured minutes apart.
        int rounds = settings.forks();
        int total = rounds * groups.values().stream().mapToInt(List::size).sum();
        Path forkJvm = writeForkJvmScript();
        int[] started = {0};
        int[] finished = {0};
        java.util.Set<String> done = new java.util.HashSet<>();
        Map<String, List<CellResult>> forksByKey = new LinkedHashMap<>();
        OwnCallTimings ownCalls = null;
        try (PrintStream jmhLog = new PrintStream(new FileOutputStream(workDirectory.resolve(JMH_OUTPUT).toFile(), true),
                true, StandardCharsets.UTF_8)) {
            for (int round = 1; round <= rounds; round++) {
                Map<String, CellResult> inSharedJvm = settings.sharedJvm()
                        ? runInSharedJvm(new ArrayList<>(groups.values()), started, finished, total) : null;
                for (List<Cell> group : groups.values()) {
                    Map<String, CellResult> measured = inSharedJvm != null ? inSharedJvm
                            : runGroup(group, 1, rounds == 1 ? "" : "-fork" + round, forkJvm, jmhLog, started, finished,
                            total);
                    for (Cell cell : group) {
                        CellResult result = measured.get(cell.key());
                        if (result != null) {
                            forksByKey.computeIfAbsent(cell.key(), key -> new ArrayList<>()).add(result);
                        }
                        List<CellResult> forks = forksByKey.get(cell.key());
                        results.put(cell.key(), forks != null ? mergeForks(forks) : CellResult.notMeasured(cell,
                                CellResult.Status.FAILED, "JMH produced no result (the benchmark threw?); see " + JMH_OUTPUT));
                        done.add(cell.key());
                    }
                    List<CellResult> soFar = new ArrayList<>();
                    results.forEach((key, result) -> {
                        if (result != null && (done.contains(key) || result.status() != CellResult.Status.MEASURED)) {
                            soFar.add(result);
                        }
                    });
                    listener.resultsSoFar(soFar);
                }
                if (ownCalls == null) {
                    ownCalls = new OwnCallTimings(new ArrayList<>(results.values()), available);
                }
                ownCalls.timeOneFork(round, rounds);
            }
        }
        List<CellResult> ordered = ownCalls == null ? new ArrayList<>(results.values())
                : ownCalls.withOwnCalls(new ArrayList<>(results.values()));
        listener.resultsSoFar(ordered);
        return probeMemory(ordered);
    }

    /**
     * One cell's forks, each measured in a round of its own, as one result: their samples in fork order, the mean
     * error over all of them (as JMH computes it over its forks), the mean of their allocations per call.
     */
    static CellResult mergeForks(List<CellResult> forks) {
        if (forks.size() == 1) {
            return forks.get(0);
        }
        CellResult first = forks.get(0);
        List<double[]> samples = forks.stream().flatMap(fork -> fork.samplesByFork().stream()).toList();
        double[] all = samples.stream().flatMapToDouble(java.util.Arrays::stream).toArray();
        double allocation = forks.stream().mapToDouble(CellResult::allocBytesPerCall).filter(value -> !Double.isNaN(value))
                .average().orElse(Double.NaN);
        return new CellResult(first.cell(), CellResult.Status.MEASURED, first.message(), samples, Stats.meanError(all),
                allocation, Double.NaN, first.threads());
    }

    /** The cells among {@code cells} whose plugin also times its library's own call ({@link OwnCallTiming}). */
    public static List<Cell> ownCallCells(List<Cell> cells, Map<String, LoadedPlugin> available) {
        return cells.stream().filter(cell -> available.containsKey(cell.implementation())
                && available.get(cell.implementation()).implementation() instanceof OwnCallTiming).toList();
    }

    /** The cells of {@code grid} that {@link #run} measures: plugin installed, capable, within the naive budget. */
    public static List<Cell> runnableCells(BenchGrid grid, Map<String, LoadedPlugin> available) {
        return grid.allCells().stream().filter(cell -> whyNotRun(grid, cell, available) == null).toList();
    }

    /** Why a cell is not run, or null when it is. */
    private static CellResult whyNotRun(BenchGrid grid, Cell cell, Map<String, LoadedPlugin> available) {
        LoadedPlugin plugin = available.get(cell.implementation());
        if (plugin == null) {
            return CellResult.notMeasured(cell, CellResult.Status.SKIPPED, cell.implementation() + " is not installed");
        }
        if (grid.isNaiveBeyondBudget(cell)) {
            return CellResult.notMeasured(cell, CellResult.Status.BEYOND_BUDGET, String.format(Locale.ROOT,
                    "naive forward+backward would do %.0f GFLOP per call, beyond the %.0f GFLOP budget",
                    CostModel.naiveFlops(cell.rnnCell(), cell.shape(), cell.steps()) / 1e9, grid.naiveFlopBudget() / 1e9));
        }
        String unsupported = BenchmarkCase.unsupportedReason(plugin, cell.rnnCell(), cell.topology(), cell.shape(),
                cell.precision());
        return unsupported == null ? null : CellResult.notMeasured(cell, CellResult.Status.SKIPPED, unsupported);
    }

    /**
     * Every group in one JVM of its own ({@link JmhSettings#sharedJvm}), with the forks' settings:
     * {@link SharedJvmSweep}, which runs each group as {@link #runGroup} does, without forking. Its stderr (JMH's
     * report) goes to {@value #JMH_OUTPUT}; a cell it printed no result for is absent from the returned map.
     */
    private Map<String, CellResult> runInSharedJvm(List<List<Cell>> groups, int[] started, int[] finished, int total)
            throws IOException {
        Map<String, Cell> byKey = new LinkedHashMap<>();
        groups.forEach(group -> group.forEach(cell -> byKey.put(cell.key(), cell)));
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.addAll(settings.jvmArgs());
        command.add("-D" + BenchmarkCase.PLUGIN_DIRECTORIES_PROPERTY + "=" + BenchmarkCase.pluginDirectoriesValue(pluginDirectories));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(SharedJvmSweep.class.getName());
        command.addAll(SharedJvmSweep.arguments(settings, workDirectory, groups));
        Map<String, CellResult> measured = new LinkedHashMap<>();
        runProbe(command, "shared JVM of the cells", line -> {
            String[] fields = line.split("\t");
            Cell cell = fields.length > 1 ? byKey.get(fields[1]) : null;
            if (cell == null) {
                return;
            }
            if (fields[0].equals(SharedJvmSweep.STARTED)) {
                listener.cellStarted(cell, ++started[0], total);
            } else if (fields[0].equals(SharedJvmSweep.RESULT)) {
                measured.put(cell.key(), SharedJvmSweep.parseResult(cell, fields, settings.threads()));
                listener.cellFinished(cell, ++finished[0], total);
            }
        });
        return measured;
    }

    /**
     * One JMH run: one implementation, cell, shape and mode, every T of the group, each T in {@code forks} JVMs of its
     * own (none: in this JVM, as {@link SharedJvmSweep} runs it). JMH's JSON result is kept under the group's name
     * followed by {@code resultSuffix} (the round, when the forks run in rounds).
     */
    Map<String, CellResult> runGroup(List<Cell> group, int forks, String resultSuffix, Path forkJvm, PrintStream jmhLog,
                                     int[] started, int[] finished, int total) throws IOException {
        Cell first = group.get(0);
        String[] steps = group.stream().map(cell -> Integer.toString(cell.steps())).toArray(String[]::new);
        Path resultFile = Files.createTempFile(workDirectory, ".jmh-", ".json");
        List<String> jvmArgs = new ArrayList<>(settings.jvmArgs());
        jvmArgs.add("-D" + BenchmarkCase.PLUGIN_DIRECTORIES_PROPERTY + "=" + BenchmarkCase.pluginDirectoriesValue(pluginDirectories));
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("^" + Pattern.quote(RnnBenchmark.class.getName() + "." + first.mode().benchmarkMethod()) + "$")
                .param("implementation", first.implementation())
                .param("cell", Cell.rnnCellName(first.rnnCell()))
                .param("topology", Cell.topologyName(first.topology()))
                .param("shape", first.shape().toString())
                .param("steps", steps)
                .param("precision", Cell.precisionName(first.precision()))
                .mode(org.openjdk.jmh.annotations.Mode.AverageTime)
                .timeUnit(TimeUnit.MILLISECONDS)
                .forks(forks)
                .warmupIterations(settings.warmupIterationsFor(first))
                .warmupTime(TimeValue.milliseconds(settings.warmupTime().toMillis()))
                .measurementIterations(settings.measuredIterations(first))
                .measurementTime(TimeValue.milliseconds(settings.measurementTime().toMillis()))
                .threads(1)
                .jvmArgs(jvmArgs.toArray(String[]::new))
                .jvmArgsAppend()
                .shouldFailOnError(false)
                .result(resultFile.toString())
                .resultFormat(ResultFormatType.JSON);
        if (forkJvm != null) {
            options.jvm(forkJvm.toString());
        }
        if (settings.gcProfiler()) {
            options.addProfiler(GCProfiler.class);
        }
        Collection<RunResult> runResults;
        try {
            runResults = new Runner(options.build(), new ProgressFormat(
                    OutputFormatFactory.createFormatInstance(jmhLog, VerboseMode.NORMAL), group, started, finished, total)).run();
        } catch (RunnerException e) {
            throw new IllegalStateException("JMH failed on " + first.implementation() + " " + first + ": " + e.getMessage() + " (see " + workDirectory.resolve(JMH_OUTPUT) + ")", e);
        } finally {
            String cellPart = Cell.networkPrefix(first.rnnCell(), first.topology()).replace(' ', '-');
            String name = org.bptt.reports.charts.ChartWriter.safeName(first.implementation() + "-" + cellPart + first.shape()
                    + "-" + first.mode().benchmarkMethod() + resultSuffix) + ".json";
            if (Files.size(resultFile) > 0) {
                AtomicFiles.copy(resultFile, workDirectory.resolve(JMH_RESULTS).resolve(name));
            }
            Files.deleteIfExists(resultFile);
        }
        Map<String, CellResult> measured = new LinkedHashMap<>();
        for (RunResult runResult : runResults) {
            CellResult result = toCellResult(runResult, first, settings.threads());
            measured.put(result.cell().key(), result);
        }
        return measured;
    }

    /** The samples, error and allocation of one JMH result. */
    static CellResult toCellResult(RunResult runResult, Cell groupCell, int threads) {
        BenchmarkParams params = runResult.getParams();
        Cell cell = new Cell(params.getParam("implementation"), Cell.parseRnnCell(params.getParam("cell")),
                Shape.parse(params.getParam("shape")),
                Integer.parseInt(params.getParam("steps")), Mode.ofBenchmarkMethod(params.getBenchmark()),
                Cell.parsePrecision(params.getParam("precision")), Cell.parseTopology(params.getParam("topology")));
        List<double[]> samplesByFork = new ArrayList<>();
        for (BenchmarkResult fork : runResult.getBenchmarkResults()) {
            List<Double> iterations = new ArrayList<>();
            for (IterationResult iteration : fork.getIterationResults()) {
                iterations.add(iteration.getPrimaryResult().getScore());
            }
            samplesByFork.add(iterations.stream().mapToDouble(Double::doubleValue).toArray());
        }
        double allocation = Double.NaN;
        for (Map.Entry<String, Result> secondary : runResult.getSecondaryResults().entrySet()) {
            if (secondary.getKey().endsWith(ALLOCATION_RESULT)) {
                allocation = secondary.getValue().getScore();
            }
        }
        return new CellResult(cell, CellResult.Status.MEASURED, "", samplesByFork,
                runResult.getPrimaryResult().getScoreError(), allocation, Double.NaN, threads);
    }

    /**
     * The timings of the libraries that time their own calls ({@link OwnCallTiming}) on every cell they were measured
     * on through the SPI: {@link OwnCallProbe} in one JVM per fork, with the forks' settings, one fork per round of
     * {@link #run}. Each own-call result follows its SPI cell; a cell the library could not time is FAILED with its
     * reason.
     */
    private final class OwnCallTimings {
        private final List<Cell> cells;
        /** How long a call takes: the cell's median through the SPI in the first round, which the own call does not
         * exceed (the cost model's estimate leaves out a library's time per call, which makes small shapes many
         * times slower). */
        private final Map<String, Double> callSeconds = new LinkedHashMap<>();
        private final Map<String, List<double[]>> samples = new LinkedHashMap<>();
        private final Map<String, Integer> threads = new LinkedHashMap<>();
        private final Map<String, String> errors = new LinkedHashMap<>();
        // How each library timed itself (its call, its BLAS), said once on the console and in each of its rows'
        // message: a figure means little without it.
        private final Map<String, String> howByKey = new LinkedHashMap<>();
        private final java.util.Set<String> hows = new java.util.LinkedHashSet<>();

        OwnCallTimings(List<CellResult> results, Map<String, LoadedPlugin> available) {
            cells = ownCallCells(results.stream().filter(CellResult::measured).map(CellResult::cell).toList(), available);
            results.stream().filter(CellResult::measured).forEach(result -> callSeconds.put(result.cell().key(),
                    Math.max(RunTimeEstimate.callSeconds(result.cell()), result.medianMs() / 1000.0)));
        }

        /** The own-call fork of round {@code round} of {@code rounds}. */
        void timeOneFork(int round, int rounds) throws IOException {
            if (cells.isEmpty()) {
                return;
            }
            listener.message(String.format(Locale.ROOT, "own-call timings%s: %d cells through the libraries' own calls"
                    + " (%s)", rounds == 1 ? "" : " (fork " + round + " of " + rounds + ")", cells.size(),
                    cells.stream().map(Cell::implementation).distinct().toList()));
            List<String> command = forkCommand(OwnCallProbe.class.getName(), List.of());
            for (Cell cell : cells) {
                double call = callSeconds.get(cell.key());
                command.addAll(OwnCallProbe.arguments(cell, settings.ownCallWarmUps(call), settings.ownCallRepetitions(call)));
            }
            for (String line : runProbe(command, "own-call timing")) {
                String[] fields = line.split("\t");
                if (fields[0].equals("RESULT") && fields.length > 4) {
                    double[] times = new double[fields.length - 4];
                    for (int i = 4; i < fields.length; i++) {
                        times[i - 4] = Double.parseDouble(fields[i]);
                    }
                    samples.computeIfAbsent(fields[1], key -> new ArrayList<>()).add(times);
                    threads.put(fields[1], Integer.parseInt(fields[2]));
                    howByKey.put(fields[1], "timed as: " + fields[3]);
                    if (hows.add(fields[3])) {
                        listener.message("own call timed as: " + fields[3] + ", " + fields[2] + " thread(s)");
                    }
                } else if (fields[0].equals("ERROR") && fields.length > 2) {
                    errors.put(fields[1], fields[2]);
                }
            }
        }

        /** {@code results} with each own-call result after its SPI cell. */
        List<CellResult> withOwnCalls(List<CellResult> results) {
            Map<String, CellResult> byKey = new LinkedHashMap<>();
            for (Cell cell : cells) {
                Cell own = cell.ownCall();
                List<double[]> forks = samples.get(own.key());
                if (forks == null) {
                    String reason = errors.getOrDefault(own.key(), "the own-call timing printed nothing for it; see " + JMH_OUTPUT);
                    listener.message("warning: own-call timing of " + own + " failed: " + reason);
                    byKey.put(cell.key(), CellResult.notMeasured(own, CellResult.Status.FAILED, reason));
                } else {
                    double[] all = forks.stream().flatMapToDouble(java.util.Arrays::stream).toArray();
                    byKey.put(cell.key(), new CellResult(own, CellResult.Status.MEASURED, howByKey.get(own.key()), forks,
                            Stats.meanError(all), Double.NaN, Double.NaN, threads.get(own.key())));
                }
            }
            List<CellResult> withOwnCalls = new ArrayList<>();
            for (CellResult result : results) {
                withOwnCalls.add(result);
                CellResult own = byKey.get(result.cell().key());
                if (own != null) {
                    withOwnCalls.add(own);
                }
            }
            return withOwnCalls;
        }
    }

    /** A forked JVM's command line with the forks' heap, processors and plugin folders, running {@code mainClass}. */
    private List<String> forkCommand(String mainClass, List<String> jvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.add("-Xms" + settings.heap());
        command.add("-Xmx" + settings.heap());
        command.add("-XX:ActiveProcessorCount=" + settings.threads());
        command.addAll(jvmOptions);
        command.add("-D" + BenchmarkCase.PLUGIN_DIRECTORIES_PROPERTY + "=" + BenchmarkCase.pluginDirectoriesValue(pluginDirectories));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        return command;
    }

    /**
     * Runs a probe JVM with the forks' OMP_NUM_THREADS, its stderr appended to {@value #JMH_OUTPUT}, and returns the
     * lines it printed on stdout.
     */
    private List<String> runProbe(List<String> command, String what) throws IOException {
        List<String> lines = new ArrayList<>();
        runProbe(command, what, lines::add);
        return lines;
    }

    /** {@link #runProbe(List, String)}, handing each line to {@code lines} as it comes. */
    private void runProbe(List<String> command, String what, java.util.function.Consumer<String> lines)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(
                workDirectory.resolve(JMH_OUTPUT).toFile()));
        builder.environment().put("OMP_NUM_THREADS", Integer.toString(settings.threads()));
        Process process = builder.start();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lines.accept(line);
            }
        }
        try {
            int exit = process.waitFor();
            if (exit != 0) {
                listener.message("warning: the " + what + " exited with code " + exit + "; see " + JMH_OUTPUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while the " + what + " ran", e);
        }
    }

    /**
     * Runs the {@link MemoryProbe} on every measured forward + backward cell, in one JVM of its own, and adds its
     * figures to the results.
     */
    private List<CellResult> probeMemory(List<CellResult> results) throws IOException {
        List<String> command = forkCommand(MemoryProbe.class.getName(), MemoryProbe.JVM_OPTIONS);
        int cells = 0;
        for (CellResult result : results) {
            if (result.measured() && result.cell().mode() == Mode.FORWARD_BACKWARD && !result.cell().isOwnCall()) {
                Cell cell = result.cell();
                command.addAll(List.of(cell.implementation(), Cell.rnnCellName(cell.rnnCell()),
                        Cell.topologyName(cell.topology()), cell.shape().toString(), Integer.toString(cell.steps()),
                        Cell.precisionName(cell.precision())));
                cells++;
            }
        }
        if (cells == 0) {
            return results;
        }
        listener.message(String.format(Locale.ROOT, "memory probe: peak heap of one forward+backward call, %d cells,"
                + " one JVM (%s)", cells, String.join(" ", MemoryProbe.JVM_OPTIONS)));
        Map<String, double[]> figures = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        for (String line : runProbe(command, "memory probe")) {
            // A cell key may hold blanks (a cmd: id such as "cmd:python3 rnn.py"): the figure is the last word,
            // and an error line starts with one of the cells' keys.
            if (line.startsWith("RESULT ") && line.lastIndexOf(' ') > "RESULT ".length()) {
                int last = line.lastIndexOf(' ');
                figures.put(line.substring("RESULT ".length(), last), new double[] {Double.parseDouble(line.substring(last + 1))});
            } else if (line.startsWith("ERROR ")) {
                for (CellResult result : results) {
                    String prefix = "ERROR " + result.cell().key() + " ";
                    if (line.startsWith(prefix)) {
                        errors.put(result.cell().key(), line.substring(prefix.length()).trim());
                    }
                }
            }
        }
        errors.forEach((key, message) -> listener.message("warning: memory probe of " + key + " failed: " + message));
        List<CellResult> withMemory = new ArrayList<>();
        for (CellResult result : results) {
            double[] bytes = figures.get(result.cell().key());
            withMemory.add(bytes == null ? result : result.withPeakHeap(bytes[0]));
        }
        return withMemory;
    }

    /**
     * Writes {@value #FORK_JVM_SCRIPT}: sets OMP_NUM_THREADS, then runs this JVM's java with the arguments JMH gives.
     */
    private Path writeForkJvmScript() throws IOException {
        Path script = workDirectory.resolve(FORK_JVM_SCRIPT);
        String text = "#!/bin/sh\n"
                + "# Written by bptt bench: every JMH fork runs with this OpenMP thread count (ND4J reads it from the\n"
                + "# environment; JMH has no option for a fork's environment).\n"
                + "OMP_NUM_THREADS=" + settings.threads() + "\n"
                + "export OMP_NUM_THREADS\n"
                + "exec '" + javaExecutable().replace("'", "'\\''") + "' \"$@\"\n";
        AtomicFiles.writeString(script, text);
        try {
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException e) {
            throw new IOException("cannot make " + script + " executable: the file system has no POSIX permissions", e);
        }
        return script;
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** JMH's normal text output, plus progress: a cell starts and ends with its benchmark. */
    private final class ProgressFormat implements OutputFormat {
        private final OutputFormat delegate;
        private final List<Cell> group;
        private final int[] started;
        private final int[] finished;
        private final int total;
        private Cell current;

        ProgressFormat(OutputFormat delegate, List<Cell> group, int[] started, int[] finished, int total) {
            this.delegate = delegate;
            this.group = group;
            this.started = started;
            this.finished = finished;
            this.total = total;
        }

        @Override
        public void startBenchmark(BenchmarkParams params) {
            delegate.startBenchmark(params);
            int steps = Integer.parseInt(params.getParam("steps"));
            current = group.stream().filter(cell -> cell.steps() == steps).findFirst().orElse(group.get(0));
            listener.cellStarted(current, ++started[0], total);
        }

        @Override
        public void endBenchmark(BenchmarkResult result) {
            delegate.endBenchmark(result);
            if (current != null) {
                listener.cellFinished(current, ++finished[0], total);
                current = null;
            }
        }

        @Override
        public void iteration(BenchmarkParams benchParams, IterationParams params, int iteration) {
            delegate.iteration(benchParams, params, iteration);
        }

        @Override
        public void iterationResult(BenchmarkParams benchParams, IterationParams params, int iteration, IterationResult data) {
            delegate.iterationResult(benchParams, params, iteration, data);
        }

        @Override
        public void startRun() {
            delegate.startRun();
        }

        @Override
        public void endRun(Collection<RunResult> result) {
            delegate.endRun(result);
        }

        @Override
        public void print(String s) {
            delegate.print(s);
        }

        @Override
        public void println(String s) {
            delegate.println(s);
        }

        @Override
        public void flush() {
            delegate.flush();
        }

        @Override
        public void close() {
            // The log stream belongs to the runner and stays open for the next group.
            delegate.flush();
        }

        @Override
        public void verbosePrintln(String s) {
            delegate.verbosePrintln(s);
        }

        @Override
        public void write(int b) {
            delegate.write(b);
        }

        @Override
        public void write(byte[] b) throws IOException {
            delegate.write(b);
        }
    }
}
