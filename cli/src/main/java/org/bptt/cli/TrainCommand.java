package org.bptt.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.LongStream;
import org.bptt.api.Activation;
import org.bptt.api.InvalidInputException;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.plugins.PluginRegistry;
import org.bptt.datasets.SequenceTasks;
import org.bptt.experiments.clipping.Clipping;
import org.bptt.experiments.train.TrainingCharts;
import org.bptt.experiments.train.TrainingExperiment;
import org.bptt.experiments.train.TrainingResult;
import org.bptt.outputs.Statistics;
import org.bptt.reports.Provenance;
import org.bptt.reports.RunFolder;
import org.bptt.reports.RunOutputs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bptt train}: SGD on the adding or the temporal order problem over a grid of lengths T, seeds and clipping
 * rules, through the SPI only. Delegates to {@link TrainingExperiment}; writes the tables, charts and run.json to a
 * new run folder through the run writer and prints the success rate against T.
 */
@Command(name = "train",
        header = "SGD on the adding or temporal order problem over T, with and without clipping.", mixinStandardHelpOptions = true,
        description = {
            "Train a plain Elman network with SGD on the adding problem or the temporal order problem",
            "(Hochreiter & Schmidhuber 1997) over a grid of minimal lengths T, seeds, and clipping rules (none and",
            "clipping by global norm), and report the success rate against T, loss curves and gradient norms.",
            "Shows short lags learned and long ones not, and clipping keeping a large learning rate from blowing",
            "the training up. --quick: 3 seeds, 2000 steps, about 1 min per task on 2 cores; full settings",
            "(default): 5 seeds, 5000 steps, more lengths, about 7-10 min per task on 2 cores.",
            "Exits 1 only when the implementation failed (threw, or hung past --timeout: the rest of the grid is then",
            "not run); learning or not is the result, not an error."})
final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    PluginOptions pluginOptions;

    @Mixin
    OutputOptions outputOptions;

    @Mixin
    TimeoutOptions timeoutOptions;

    @Option(names = "--task", paramLabel = "TASK", defaultValue = "adding",
            description = "adding or temporal-order (default: ${DEFAULT-VALUE}).")
    String task;

    @Option(names = "--quick", description = "The quick settings.")
    boolean quick;

    @Option(names = "--impl", paramLabel = "ID", defaultValue = ReproduceCommand.FAST,
            description = "The implementation trained (default: ${DEFAULT-VALUE}, the reference's fast kernels; any"
                    + " plugin with the task's head).")
    String implementationId;

    @Option(names = "--lengths", paramLabel = "T", split = ",", description = "Minimal sequence lengths, e.g. 5,10,20,40.")
    List<Integer> lengths;

    @Option(names = "--seeds", paramLabel = "N", description = "Runs per length and clipping rule.")
    Integer seeds;

    @Option(names = "--seed", paramLabel = "SEED", description = "The first seed (default 1).")
    Long firstSeed;

    @Option(names = "--clip", paramLabel = "RULE", split = ",",
            description = "Clipping rules compared: none, norm:<t>, value:<t>, layer-norm:<t>, parameter-norm:<t> "
                    + "(default: none,norm:1).")
    List<String> clippings;

    @Option(names = "--steps", paramLabel = "N", description = "SGD steps per run.")
    Integer steps;

    @Option(names = "--learning-rate", paramLabel = "ETA", description = "SGD learning rate.")
    Double learningRate;

    @Option(names = "--hidden", paramLabel = "H", description = "Hidden size H (default 16).")
    Integer hiddenSize;

    @Option(names = "--activation", paramLabel = "F", description = "tanh (default), sigmoid, relu or identity.")
    String activation;

    @Option(names = "--init-rho", paramLabel = "RHO", description = "Spectral radius of the initial W (default 0.9).")
    Double initialRadius;

    @Option(names = "--batch", paramLabel = "B", description = "Sequences per SGD step (default 20).")
    Integer batchSize;

    @Option(names = "--fixed-length", description = "Every sequence exactly T steps (for implementations without masks).")
    boolean fixedLength;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TrainingExperiment.Settings settings = settings();
        PluginRegistry registry = pluginOptions.discover(err);
        LoadedPlugin plugin = registry.require(implementationId);
        out.printf(Locale.ROOT, "bptt train (%s): %s on %s, T %s, %d seeds, clipping %s, H=%d, %s, η=%s, %d steps of %d sequences%n",
                quick ? "quick" : "full", plugin.id(), settings.task(), settings.lengths(), settings.seeds(),
                settings.clippings(), settings.hiddenSize(), settings.activation().name().toLowerCase(Locale.ROOT),
                settings.learningRate(), settings.steps(), settings.batchSize());
        out.flush();

        RunFolder run = outputOptions.create("train");
        RunOutputs outputs = new RunOutputs(run);
        Provenance provenance = Provenance.capture(spec.commandLine().getParseResult().originalArgs(),
                VersionProvider.toolVersion(), List.of(Provenance.PluginVersion.of(plugin)),
                LongStream.range(0, settings.seeds()).map(i -> settings.firstSeed() + i).boxed().toList(),
                "train " + settings.task() + " " + (quick ? "quick" : "full"), Map.of(), settings.describe(),
                Path.of("."), Clock.systemUTC().instant());
        TrainingResult result;
        try {
            outputs.writeProvenance(provenance);
            try (Progress progress = Progress.start("train " + settings.task(), settings.totalSteps(), err)) {
                result = new TrainingExperiment(settings).run(timeoutOptions.calls().isolate(plugin), progress::step);
            }
            err.printf(Locale.ROOT, "writing tables and charts...%n");
            err.flush();
            outputs.writeTables(result.tables());
            outputs.writeCharts(TrainingCharts.charts(result, run.name()));
            outputs.writeProvenance(provenance.withEnd(Clock.systemUTC().instant()));
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }

        printSummary(out, result);
        out.printf(Locale.ROOT, "%nrun folder: %s%n", run.path());
        out.printf(Locale.ROOT, "tables:     train-summary.csv, train-runs.csv, train-evaluations.csv, train-steps.csv%n");
        out.printf(Locale.ROOT, "charts:     charts/train-success-%s.png|svg, charts/train-loss-*, charts/train-gradient-norm-*%n",
                settings.task());
        for (String error : result.errors()) {
            err.printf(Locale.ROOT, "error: %s%n", error);
        }
        return result.errors().isEmpty() ? ExitCode.OK : ExitCode.DIVERGED;
    }

    /** The quick or full settings of the task with every option given on the command line applied. */
    TrainingExperiment.Settings settings() {
        String taskId = task.trim();
        if (!SequenceTasks.IDS.contains(taskId)) {
            throw new InvalidInputException("unknown task '" + task + "'; expected one of "
                    + String.join(", ", SequenceTasks.IDS));
        }
        TrainingExperiment.Settings base = quick ? TrainingExperiment.Settings.quick(taskId) : TrainingExperiment.Settings.full(taskId);
        return new TrainingExperiment.Settings(taskId,
                lengths != null ? lengths : base.lengths(),
                seeds != null ? seeds : base.seeds(),
                firstSeed != null ? firstSeed : base.firstSeed(),
                clippings != null ? clippings.stream().map(Clipping::parse).toList() : base.clippings(),
                hiddenSize != null ? hiddenSize : base.hiddenSize(),
                activation != null ? Activation.parse(activation) : base.activation(),
                initialRadius != null ? initialRadius : base.initialRadius(),
                learningRate != null ? learningRate : base.learningRate(),
                steps != null ? steps : base.steps(),
                batchSize != null ? batchSize : base.batchSize(),
                base.evaluationSize(), base.evaluateEvery(), !fixedLength && base.variableLength(),
                base.solvedRate(), base.blowUpFactor());
    }

    private static void printSummary(PrintWriter out, TrainingResult result) {
        TrainingExperiment.Settings settings = result.settings();
        out.printf(Locale.ROOT, "%n%s on %s: final success rate on %d evaluation sequences (chance %.3f; solved: ≥ %s; "
                        + "blown up: non-finite, or loss above %s× the initial)%n", result.implementation(), settings.task(),
                settings.evaluationSize(), result.chanceSuccessRate(), settings.solvedRate(), settings.blowUpFactor());
        out.printf(Locale.ROOT, "%5s  %-12s %-30s %8s %9s %9s %16s%n", "T", "clipping", "success median [min, max]",
                "solved", "blown up", "diverged", "max ‖g‖ median");
        for (int length : settings.lengths()) {
            for (Clipping clipping : settings.clippings()) {
                List<TrainingResult.RunRecord> runs = result.runs(length, clipping);
                double[] success = runs.stream().mapToDouble(TrainingResult.RunRecord::finalSuccessRate).toArray();
                out.printf(Locale.ROOT, "%5d  %-12s %-30s %5d/%-2d %6d/%-2d %6d/%-2d %16.3g%n", length, clipping.label(),
                        String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", Statistics.median(success),
                                Statistics.min(success), Statistics.max(success)),
                        runs.stream().filter(r -> r.solved(settings.solvedRate())).count(), runs.size(),
                        runs.stream().filter(r -> r.blownUp(settings.blowUpFactor())).count(), runs.size(),
                        runs.stream().filter(TrainingResult.RunRecord::diverged).count(), runs.size(),
                        Statistics.median(runs.stream()
                                .mapToDouble(TrainingResult.RunRecord::maxGradientNorm).toArray()));
            }
        }
    }
}
