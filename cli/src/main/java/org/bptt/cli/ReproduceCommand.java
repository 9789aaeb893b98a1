package org.bptt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.bptt.api.InvalidInputException;
import org.bptt.core.plugins.IsolatedPlugin;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.plugins.PluginCalls;
import org.bptt.core.plugins.PluginRegistry;
import org.bptt.experiments.reproduce.CellResult;
import org.bptt.experiments.reproduce.CellSelection;
import org.bptt.experiments.reproduce.GridCell;
import org.bptt.experiments.reproduce.Preset;
import org.bptt.experiments.reproduce.Presets;
import org.bptt.experiments.reproduce.Reproduction;
import org.bptt.experiments.reproduce.ReproductionResult;
import org.bptt.experiments.reproduce.Setting;
import org.bptt.experiments.train.SgdTrainer;
import org.bptt.outputs.Table;
import org.bptt.reports.AtomicFiles;
import org.bptt.reports.Provenance;
import org.bptt.reports.RunFolder;
import org.bptt.reports.RunOutputs;
import org.bptt.reports.allure.AllureReport;
import org.bptt.reports.allure.AllureResults;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bptt reproduce}: a published experiment's grid ({@link Presets}), one shard at a time, each finished cell
 * checkpointed in the run folder so that a stopped run resumes; then the tables, charts and Allure report of the
 * whole grid, written from the checkpoints alone, so that shards merged with {@code --merge} give the same files as
 * one run.
 */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
        header = "Reproduce a published vanishing/exploding-gradient experiment, sharded and resumable.",
        description = {
            "Runs the grid (task × T × network × method × seed) of a paper's experiment with the paper's settings,",
            "each one cited in reproduce-settings.csv: pascanu2013 (Pascanu, Mikolov & Bengio 2013: SGD, SGD-C and",
            "SGD-CR, three initialisations, adding/multiplication/temporal order), hochreiter1997 (the 1997 LSTM,",
            "without a forget gate, against Elman on the adding problem, minibatches of 20), hochreiter1997-online",
            "(the same with an update after every sequence, as the paper), le2015 (tanh RNN, LSTM and IRNN on the",
            "adding problem, MSE against steps). The papers' own numbers stand beside ours in reproduce-paper.csv.",
            "Every finished cell is checkpointed in DIR/cells/: run the same command again and it resumes. With",
            "--shard I/N only every N-th cell runs (as a CI matrix job or a Slurm array task); merge the shards'",
            "folders with --merge. --quick: a small grid in about a minute. Exits 1 when a plugin call failed."})
final class ReproduceCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    PluginOptions pluginOptions;

    @Mixin
    TimeoutOptions timeoutOptions;

    @Parameters(index = "0", paramLabel = "NAME", description = "pascanu2013, hochreiter1997, hochreiter1997-online or le2015.")
    String name;

    @Option(names = "--quick", description = "The small grid (about a minute).")
    boolean quick;

    @Option(names = "--shard", paramLabel = "I/N", description = "Run only every N-th cell, starting with the I-th (1-based).")
    String shard;

    @Option(names = "--out", paramLabel = "DIR",
            description = "The run folder: checkpoints, tables, charts, report (default: bptt-reports/reproduce-NAME[-quick][-shard-I-of-N]).")
    Path runFolder;

    @Option(names = "--select", paramLabel = "DIMENSION=VALUE[,VALUE...]",
            description = "Run (or merge) only the cells with these values, e.g. --select T=50,100 --select"
                    + " network=smart-tanh; dimensions: task, T, network, method, seed (values in any case)."
                    + " Repeatable; the settings stay"
                    + " the paper's, the cells keep their keys, and selections run into one --out add up to the grid.")
    List<String> select;

    @Option(names = "--merge", paramLabel = "DIR", arity = "1..*",
            description = "Do not train: merge the checkpoints of these shard folders into --out and write its tables, charts and report.")
    List<Path> merge;

    @Option(names = "--impl", paramLabel = "ID",
            description = "The implementation trained (default: " + FAST + " for the cells it can train, the Elman"
                    + " networks and the LSTMs, and " + READABLE + " for any other).")
    String implementationId;

    /** The default implementations: the first that can train a cell trains it. */
    static final String FAST = "reference-fast";
    static final String READABLE = "reference-aggregated";

    @Option(names = "--threads", paramLabel = "N", converter = VerifyThreadsOptions.AtLeastOne.class,
            description = "Cells trained at once, each on its own instance of the implementation (a cmd: plugin"
                    + " starts one process per thread); the checkpoints and tables are the same for every N (default:"
                    + " the available processors).")
    Integer threads;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Preset preset = Presets.get(name, quick);
        int[] share = parseShard(shard);
        Path folder = runFolder != null ? runFolder : Path.of("bptt-reports", "reproduce-" + preset.name() + (quick ? "-quick" : "")
                + (share[1] > 1 ? "-shard-" + share[0] + "-of-" + share[1] : ""));
        Reproduction reproduction = new Reproduction(preset, CellSelection.parse(select, preset));
        out.printf(Locale.ROOT, "bptt reproduce %s%n", preset.describe());
        if (!reproduction.selection().isAll()) {
            out.printf(Locale.ROOT, "selected: %s (%d of the grid's %d cells)%n", reproduction.selection().describe(),
                    reproduction.cells().size(), preset.cells().size());
        }
        out.flush();
        List<String> commandLine = spec.commandLine().getParseResult().originalArgs();
        try {
            if (merge != null) {
                InvalidInputException.require(shard == null, "--merge and --shard do not go together");
                return write(reproduction, merge, folder, List.of(), true, commandLine, out, err) ? ExitCode.OK
                        : ExitCode.DIVERGED;
            }
            PluginRegistry registry = pluginOptions.discover(err);
            List<LoadedPlugin> implementations = implementationId != null ? List.of(registry.require(implementationId))
                    : defaultImplementations(registry);
            int workers = threads != null ? threads : Runtime.getRuntime().availableProcessors();
            return run(reproduction, implementations, workers, registry::newInstance, timeoutOptions.calls(), folder,
                    share, commandLine, out, err);
        } catch (IOException e) {
            throw new UncheckedIOException("reproduce: cannot write under " + folder + ": " + e.getMessage(), e);
        }
    }

    /**
     * Trains the cells of shard {@code share} of {@code reproduction} that {@code folder} has no checkpoint of, then,
     * unless it is one shard of several, writes the tables, charts and report and prints the summary. {@code bptt
     * run} calls it for its quick reproduction.
     *
     * @return {@link ExitCode#OK}, or {@link ExitCode#DIVERGED} when a plugin call failed or hung
     */
    static int run(Reproduction reproduction, List<LoadedPlugin> implementations, int threads,
                   Function<LoadedPlugin, Optional<LoadedPlugin>> newInstance, PluginCalls calls, Path folder,
                   int[] share, List<String> commandLine, PrintWriter out, PrintWriter err) throws IOException {
        Preset preset = reproduction.preset();
        // One instance of each implementation per thread; when no other instance of one can be made, the cells train
        // one at a time.
        List<List<IsolatedPlugin>> workers = new ArrayList<>();
        workers.add(implementations.stream().map(calls::isolate).toList());
        for (int worker = 1; worker < threads; worker++) {
            List<IsolatedPlugin> instances = new ArrayList<>();
            for (LoadedPlugin implementation : implementations) {
                newInstance.apply(implementation).ifPresent(another -> instances.add(calls.isolate(another)));
            }
            if (instances.size() < implementations.size()) {
                break;
            }
            workers.add(instances);
        }
        try (ProgressLine progress = new ProgressLine(preset, err)) {
            reproduction.runShard(workers, folder, share[0], share[1], progress);
        } catch (Reproduction.PluginHung hung) {
            err.printf(Locale.ROOT, "%nerror: %s: %s%nthe run stops (every further call would wait for the timeout); "
                    + "the finished cells are checkpointed in %s: run the same command again to resume%n",
                    hung.cell().key(), hung.getMessage(), folder.resolve(Reproduction.CELLS));
            return ExitCode.DIVERGED;
        }
        out.printf(Locale.ROOT, "checkpoints: %s%n", folder.resolve(Reproduction.CELLS));
        if (share[1] > 1) {
            out.printf(Locale.ROOT, "shard %d/%d done; merge the shards' folders with: bptt reproduce %s%s --merge DIR... --out DIR%n",
                    share[0], share[1], preset.name(), preset.quick() ? " --quick" : "");
            return ExitCode.OK;
        }
        List<Provenance.PluginVersion> plugins = implementations.stream().map(Provenance.PluginVersion::of).toList();
        return write(reproduction, List.of(folder), folder, plugins, true, commandLine, out, err) ? ExitCode.OK
                : ExitCode.DIVERGED;
    }

    /**
     * {@value #FAST}, then {@value #READABLE} for the cells the fast one cannot train (the training experiments run
     * on the fast reference where they can); the readable one alone when the fast one is not installed.
     */
    static List<LoadedPlugin> defaultImplementations(PluginRegistry registry) {
        List<LoadedPlugin> implementations = new ArrayList<>();
        registry.find(FAST).ifPresent(implementations::add);
        implementations.add(registry.require(READABLE));
        return implementations;
    }

    /** "I/N" as {I, N}; none as {1, 1}. */
    static int[] parseShard(String text) {
        if (text == null) {
            return new int[] {1, 1};
        }
        String[] parts = text.trim().split("/");
        try {
            InvalidInputException.require(parts.length == 2, "--shard must be I/N, got '%s'", text);
            int index = Integer.parseInt(parts[0].trim());
            int count = Integer.parseInt(parts[1].trim());
            InvalidInputException.require(count >= 1 && index >= 1 && index <= count,
                    "--shard I/N needs 1 ≤ I ≤ N, got '%s'", text);
            return new int[] {index, count};
        } catch (NumberFormatException e) {
            throw new InvalidInputException("--shard must be I/N with whole numbers, got '" + text + "'");
        }
    }

    /**
     * {@code bptt report DIR...} on reproduction folders: the tables, charts and report of the cells checkpointed in
     * {@code sources} (the shards of a run, or selections of its grid), written into {@code target}, with the
     * checkpoints copied there when it is a new folder. Unlike {@code --merge}, cells no folder holds are left out of
     * the tables, and said so, rather than refused.
     *
     * @return {@link ExitCode#OK}, or {@link ExitCode#DIVERGED} when a cell's plugin call failed
     */
    static int report(List<Path> sources, Path target, List<String> commandLine, PrintWriter out, PrintWriter err)
            throws IOException {
        Preset preset = Reproduction.presetOf(sources.get(0));
        Reproduction reproduction = new Reproduction(preset);
        out.printf(Locale.ROOT, "bptt report: the reproduction %s%n", preset.describe());
        return write(reproduction, sources, target, List.of(), false, commandLine, out, err) ? ExitCode.OK
                : ExitCode.DIVERGED;
    }

    /**
     * Reads the selected cells' checkpoints from {@code sources} and writes the tables, charts, Allure results and
     * report into {@code target}, and, when it is not one of the sources, the checkpoints too. Everything but
     * run.json and the HTML report depends on the checkpoints alone.
     *
     * @param complete whether every selected cell must have a checkpoint (a merge of shards); otherwise the tables
     *                 cover those that have one, and the count is printed
     *
     * @return false when a cell's plugin call failed
     */
    private static boolean write(Reproduction reproduction, List<Path> sources, Path target,
                                 List<Provenance.PluginVersion> plugins, boolean complete, List<String> commandLine,
                                 PrintWriter out, PrintWriter err) throws IOException {
        Map<GridCell, CellResult> results = reproduction.read(sources);
        List<GridCell> missing = reproduction.missing(results);
        InvalidInputException.require(!complete || missing.isEmpty(), "%d of %d cells of %s have no checkpoint in %s, "
                        + "e.g. %s: run the missing shards first", missing.size(), reproduction.cells().size(),
                reproduction.preset().name(), sources, missing.stream().limit(3).map(GridCell::key).toList());
        InvalidInputException.require(!results.isEmpty(), "no cell of %s is checkpointed in %s",
                reproduction.preset().name(), sources);
        if (!missing.isEmpty()) {
            out.printf(Locale.ROOT, "%d of the %d cells are checkpointed in %s; the tables cover those%n",
                    results.size(), reproduction.cells().size(), sources);
        }
        Files.createDirectories(target);
        if (sources.stream().noneMatch(source -> sameFolder(source, target))) {
            reproduction.copyCheckpoints(results, target);
        }
        RunFolder run = RunFolder.open(target);
        RunOutputs outputs = new RunOutputs(run);
        Preset preset = reproduction.preset();
        ReproductionResult result = new ReproductionResult(preset, results);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("preset", preset.describe());
        settings.put("selection", reproduction.selection().describe());
        Provenance provenance = Provenance.capture(commandLine,
                VersionProvider.toolVersion(), plugins, reproduction.cells().stream().map(GridCell::seed).distinct().sorted().toList(),
                "reproduce " + preset.name() + (preset.quick() ? " quick" : ""), Map.of(),
                settings,
                Path.of("."), Clock.systemUTC().instant());
        outputs.writeTables(result.tables());
        outputs.writeCharts(result.charts());
        writeAllureResults(run, result);
        outputs.writeProvenance(provenance.withEnd(Clock.systemUTC().instant()));
        Path report = AllureReport.generate(run.resolve(AllureResults.DIRECTORY), run.resolve(AllureReport.REPORT_DIRECTORY), null);
        AllureReport.generateSingleFile(run.resolve(AllureResults.DIRECTORY), run.resolve(AllureReport.SINGLE_FILE));
        printSummary(out, result.summaryTable());
        out.printf(Locale.ROOT, "%nrun folder: %s%ntables:     %s%ncharts:     %s/%nreport:     %s%n", run.path(),
                String.join(", ", result.tables().stream().map(table -> table.name() + ".csv").toList()),
                run.resolve(RunOutputs.CHARTS), report);
        List<String> errors = results.values().stream().filter(CellResult::failed)
                .map(cell -> cell.key() + ": " + cell.error()).toList();
        errors.forEach(error -> err.printf(Locale.ROOT, "error: %s%n", error));
        return errors.isEmpty();
    }

    private static boolean sameFolder(Path one, Path other) {
        return one.toAbsolutePath().normalize().equals(other.toAbsolutePath().normalize());
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * One Allure result per cell (passed: trained without failure; broken: the plugin failed), with the preset's
     * settings as the description. Its uuid, times and content come from the preset and the cell alone, so merged
     * shards write the same files as one run.
     */
    private static void writeAllureResults(RunFolder run, ReproductionResult result) throws IOException {
        Path directory = run.resolve(AllureResults.DIRECTORY);
        if (Files.exists(directory)) {
            AtomicFiles.deleteTree(directory);
        }
        Files.createDirectories(directory);
        Preset preset = result.preset();
        StringBuilder description = new StringBuilder(preset.paper()).append("\n\n");
        for (Setting setting : preset.settings()) {
            description.append(setting.name()).append(": ").append(setting.value()).append(" (").append(setting.source())
                    .append(")\n");
        }
        for (Map.Entry<GridCell, CellResult> entry : result.results().entrySet()) {
            GridCell cell = entry.getKey();
            CellResult outcome = entry.getValue();
            String id = preset.name() + (preset.quick() ? "-quick" : "") + "/" + cell.key();
            String uuid = UUID.nameUUIDFromBytes(id.getBytes(StandardCharsets.UTF_8)).toString();
            SgdTrainer.Evaluation last = outcome.last();
            SgdTrainer.Evaluation solved = outcome.firstSolved();
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("uuid", uuid);
            json.put("historyId", uuid);
            json.put("name", cell.key());
            json.put("fullName", "reproduce." + id);
            json.put("status", outcome.failed() ? "broken" : "passed");
            json.put("statusDetails", Map.of("message", outcome.failed() ? outcome.error()
                    : String.format(Locale.ROOT, "final loss %s, fraction wrong %s%s%s", Table.significant(last.loss()),
                    Table.significant(last.fractionWrong()),
                    solved == null ? ", never solved" : ", solved at step " + solved.step(),
                    outcome.divergedAtStep() >= 0 ? ", " + outcome.divergence() : "")));
            json.put("stage", "finished");
            json.put("description", description.toString());
            json.put("start", (long) cell.index());
            json.put("stop", (long) cell.index());
            json.put("labels", List.of(Map.of("name", "suite", "value", preset.name()),
                    Map.of("name", "feature", "value", cell.task()),
                    Map.of("name", "story", "value", cell.network().id() + " " + cell.method().label())));
            json.put("parameters", List.of(Map.of("name", "T", "value", String.valueOf(cell.length())),
                    Map.of("name", "seed", "value", String.valueOf(cell.seed()))));
            AtomicFiles.writeBytes(directory.resolve(uuid + "-result.json"), JSON.writeValueAsBytes(json));
        }
    }

    private static void printSummary(PrintWriter out, Table summary) {
        out.printf(Locale.ROOT, "%n%s%n", summary.name());
        out.println(String.join("  ", summary.columns()));
        for (List<String> row : summary.rows()) {
            List<String> cells = new ArrayList<>();
            for (String cell : row) {
                cells.add(readable(cell));
            }
            out.println(String.join("  ", cells));
        }
    }

    /** A number to four significant digits, anything else as it is. */
    private static String readable(String cell) {
        try {
            double value = Double.parseDouble(cell);
            return cell.contains(".") || cell.contains("E") ? Table.significant(value) : cell;
        } catch (NumberFormatException e) {
            return cell;
        }
    }

    /**
     * The progress of a run on one line: cells done and left, the estimated time left (this run's time so far per
     * sequence step trained, in the finished cells and the running ones' steps so far, times the sequence steps left:
     * a cell's time grows with its T, and a run of one long cell has an estimate after its first steps), the cell of
     * the latest step (of one of the cells running) and its training loss. Redrawn in place on a terminal; on a log
     * (CI, a file), one line per finished cell and, while cells run, one a minute (a cell can take an hour).
     */
    static final class ProgressLine implements Reproduction.Listener, AutoCloseable {
        private static final long REDRAW_NANOS = 200_000_000L;
        private static final long LOG_LINE_NANOS = 60_000_000_000L;
        private final Preset preset;
        private final PrintWriter log;
        private final boolean terminal = System.console() != null && !"true".equals(System.getenv("CI"));
        private final LongSupplier nanoClock;
        private final long started;
        /** Sequence steps (T × SGD steps) of the cells planned, of those finished, and of each running one so far. */
        private long workPlanned;
        private long workFinished;
        private final Map<GridCell, Long> workRunning = new HashMap<>();
        private int done;
        private int left;
        private long lastDrawn;

        ProgressLine(Preset preset, PrintWriter log) {
            this(preset, log, System::nanoTime);
        }

        /** @param nanoClock the time in nanoseconds, {@link System#nanoTime} but in tests */
        ProgressLine(Preset preset, PrintWriter log, LongSupplier nanoClock) {
            this.preset = preset;
            this.log = log;
            this.nanoClock = nanoClock;
            this.started = nanoClock.getAsLong();
            this.lastDrawn = started;
        }

        @Override
        public void planned(List<GridCell> cells) {
            workPlanned = cells.stream().mapToLong(cell -> (long) cell.length() * preset.steps()).sum();
        }

        @Override
        public void cellStarted(GridCell cell, int done, int left) {
            this.done = done;
            this.left = left;
        }

        @Override
        public void step(GridCell cell, SgdTrainer.Step step) {
            workRunning.put(cell, (long) cell.length() * step.step());
            long now = nanoClock.getAsLong();
            if (now - lastDrawn > (terminal ? REDRAW_NANOS : LOG_LINE_NANOS)) {
                lastDrawn = now;
                log.printf(Locale.ROOT, terminal ? "\r%s\033[K" : "%s%n", line(cell, step));
                log.flush();
            }
        }

        @Override
        public void cellFinished(GridCell cell, CellResult result) {
            workRunning.remove(cell);
            workFinished += (long) cell.length() * preset.steps();
            done++;
            left--;
            SgdTrainer.Evaluation last = result.last();
            String outcome = result.failed() ? "failed: " + result.error()
                    : "held-out loss " + Table.significant(last.loss()) + ", fraction wrong "
                    + Table.significant(last.fractionWrong());
            log.printf(Locale.ROOT, "%s%s: %d done, %d left, ETA %s — %s: %s%n", terminal ? "\r\033[K" : "",
                    preset.name(), done, left, eta(), cell.key(), outcome);
            log.flush();
        }

        private String line(GridCell cell, SgdTrainer.Step step) {
            return String.format(Locale.ROOT, "%s: %d done, %d left, ETA %s — %s step %d/%d, loss %s",
                    preset.name(), done, left, eta(), cell.key(), step.step(), preset.steps(),
                    Table.significant(step.loss()));
        }

        private String eta() {
            long workDone = workFinished + workRunning.values().stream().mapToLong(Long::longValue).sum();
            if (workDone == 0) {
                return "?";
            }
            long seconds = Math.round((nanoClock.getAsLong() - started) / 1e9 * (workPlanned - workDone) / workDone);
            return String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
        }

        @Override
        public void close() {
            log.flush();
        }
    }
}
