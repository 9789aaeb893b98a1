package org.bptt.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bptt.api.Activation;
import org.bptt.api.Capability;
import org.bptt.api.Cell;
import org.bptt.api.InvalidInputException;
import org.bptt.core.cases.CaseGenerator.Rescaling;
import org.bptt.core.plugins.IsolatedPlugin;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.plugins.PluginCalls;
import org.bptt.core.plugins.PluginRegistry;
import org.bptt.experiments.decay.DecayExperiment;
import org.bptt.experiments.decay.DecayResult;
import org.bptt.experiments.decay.DecayResult.Comparison;
import org.bptt.experiments.decay.DecayResult.Quantity;
import org.bptt.experiments.decay.DecayResult.Summary;
import org.bptt.experiments.decay.DecayResult.Verdict;
import org.bptt.experiments.decay.GatedDecayExperiment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bptt decay}: how the gradient of a last-step loss decays (or grows) with the distance in time. For the Elman
 * cell, against the bound (γσ_max)^lag, on the oracle and on every implementation that returns input gradients; for
 * the GRU and the LSTM ({@code --cell}), the oracle's measured curves, the LSTM's cell-state path included. Parses the
 * options, runs a {@link DecayJob} (which writes the tables, charts and run.json to a new run folder) and prints its
 * outcome.
 */
@Command(name = "decay",
        header = "Vanishing and exploding gradients: gradient norm against the lag, and the bound.", mixinStandardHelpOptions = true,
        description = {
            "Vanishing and exploding gradients: for a loss at the last step only, measure ||dL/dh_k|| (oracle) and",
            "||dL/dx_k|| (every plugin with input gradients) against the lag T-k, with W rescaled to a spectral",
            "radius or a largest singular value, for tanh, sigmoid, relu and identity. Checks every point against",
            "the bound (gamma*sigma_max)^lag, fits the per-step decay rate, and compares each plugin's curve with",
            "the oracle's. Exits 1 when a point breaks the bound (a bug), a curve disagrees, or a plugin fails",
            "(throws, or hangs past --timeout: it is then left out of the rest of the sweep).",
            "--cell gru|lstm (repeatable) measures the gated cells on the oracle instead of or beside Elman's:",
            "||dL/dh_k|| and, for the LSTM, ||dL/dc_k|| against the lag, with every recurrent matrix rescaled to",
            "--recurrent-sigma-max and the memory gate's bias (LSTM b_f, GRU b_z) set to --gate-bias; no bound.",
            "Gated settings: full T=200, H=32, 5 seeds; --quick T=100, H=16, 3 seeds.",
            "Full settings (default): T=1000, H=64, 10 seeds, 6 targets; about 20 s on the reference alone and",
            "about 6 min more with DL4J on 2 cores. --quick: T=200, H=32, 5 seeds (2 for other plugins), 4 targets;",
            "about 5 s, plus 15-40 s with DL4J."})
final class DecayCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    PluginOptions pluginOptions;

    @Mixin
    OutputOptions outputOptions;

    @Mixin
    TimeoutOptions timeoutOptions;

    @Option(names = "--quick", description = "The quick settings (T=200, H=32, 5 seeds, targets 0.5,0.9,1.1,2.0).")
    boolean quick;

    @Option(names = "--cell", paramLabel = "CELL",
            description = "elman, gru or lstm (repeatable; default: elman).")
    List<String> cellNames = new ArrayList<>();

    @Option(names = "--recurrent-sigma-max", paramLabel = "X", split = ",",
            description = "Gated cells: the largest singular value every recurrent matrix W_* is rescaled to "
                    + "(default 0.5,1.0,1.5,2.0; quick 0.5,1.0,2.0).")
    List<Double> recurrentScales;

    @Option(names = "--gate-bias", paramLabel = "X", split = ",",
            description = "Gated cells: the memory gate's bias, LSTM b_f or GRU b_z (default -2,0,1,2,4,6; quick "
                    + "-2,0,2,6).")
    List<Double> gateBiases;

    @Option(names = "--oracle", paramLabel = "ID", defaultValue = "reference-aggregated",
            description = "Gives dL/dh_k and the curve others are compared with (default: ${DEFAULT-VALUE}).")
    String oracleId;

    @Option(names = "--impl", paramLabel = "ID",
            description = "Implementation whose input-gradient curve is measured (repeatable; 'none' for the oracle "
                    + "alone). Default: every plugin offering input gradients from another vendor than the oracle.")
    List<String> implementationIds = new ArrayList<>();

    @Option(names = "--steps", paramLabel = "T", description = "Sequence length T (lags 0 … T-1).")
    Integer steps;

    @Option(names = "--hidden", paramLabel = "H", description = "Hidden size H.")
    Integer hiddenSize;

    @Option(names = "--seeds", paramLabel = "N", description = "Seeds per configuration.")
    Integer seeds;

    @Option(names = "--comparison-seeds", paramLabel = "N",
            description = "On how many of the seeds the other implementations run.")
    Integer comparisonSeeds;

    @Option(names = "--seed", paramLabel = "SEED", description = "The first seed (default 1).")
    Long firstSeed;

    @Option(names = "--targets", paramLabel = "X", split = ",",
            description = "The values W is rescaled to, e.g. 0.5,0.9,1.0,1.1,1.5,2.0.")
    List<Double> targets;

    @Option(names = "--activations", paramLabel = "F", split = ",",
            description = "Activations among tanh, sigmoid, relu, identity (default: all).")
    List<String> activationNames;

    @Option(names = "--rescaling", paramLabel = "R", split = ",",
            description = "sigma-max (W rescaled to a largest singular value), rho (to a spectral radius), or both "
                    + "(default: both).")
    List<String> rescalingNames;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Cell> cells = cells();
        DecayExperiment.Settings settings = cells.contains(Cell.ELMAN) ? settings() : null;
        GatedDecayExperiment.Settings gatedSettings = gatedSettings(cells);
        PluginRegistry registry = pluginOptions.discover(err);
        LoadedPlugin oracle = registry.require(oracleId);
        List<LoadedPlugin> compared = settings == null ? List.of() : compared(registry, oracle);
        if (settings != null) {
            out.printf(Locale.ROOT, "bptt decay (%s): oracle %s, compared %s; T=%d, H=%d, %d seeds (%d for others), targets %s%n",
                    quick ? "quick" : "full", oracle.id(), compared.isEmpty() ? "none"
                            : String.join(", ", compared.stream().map(LoadedPlugin::id).toList()),
                    settings.steps(), settings.hiddenSize(), settings.seeds(), settings.comparisonSeeds(), settings.targets());
        }
        if (gatedSettings != null) {
            out.printf(Locale.ROOT, "bptt decay (%s), gated cells %s on %s: T=%d, H=%d, %d seeds, σmax(W_*) %s, gate biases %s%n",
                    quick ? "quick" : "full", gatedSettings.cells().stream().map(GatedDecayExperiment::cellName).toList(),
                    oracle.id(), gatedSettings.steps(), gatedSettings.hiddenSize(), gatedSettings.seeds(),
                    gatedSettings.recurrentScales(), gatedSettings.gateBiases());
        }
        out.flush();

        DecayJob.DecayRun outcome = DecayJob.run(settings, gatedSettings, quick ? "quick" : "full", oracle, compared,
                timeoutOptions.calls(), outputOptions.create("decay"), spec.commandLine().getParseResult().originalArgs(), err);
        print(out, outcome);
        return outcome.exitCode();
    }

    /** Prints what a decay job measured and where it wrote it ({@code bptt run} prints its decay step so too). */
    static void print(PrintWriter out, DecayJob.DecayRun outcome) {
        if (outcome.result() != null) {
            printSummary(out, outcome.result());
        }
        if (outcome.gatedResult() != null) {
            printGatedSummary(out, outcome.gatedResult());
        }
        out.printf(Locale.ROOT, "%nrun folder: %s%n", outcome.folder().path());
        List<String> tables = new ArrayList<>();
        List<String> charts = new ArrayList<>();
        if (outcome.result() != null) {
            tables.addAll(List.of("decay-summary.csv", "decay-curves.csv", "decay-comparison.csv", "decay-problems.csv"));
            charts.addAll(List.of("charts/decay-hidden-*.png|svg", "charts/decay-input-*.png|svg"));
        }
        if (outcome.gatedResult() != null) {
            tables.addAll(List.of("decay-gated-summary.csv", "decay-gated-curves.csv", "decay-gated-problems.csv"));
            charts.add("charts/decay-gated-*.png|svg");
        }
        out.printf(Locale.ROOT, "tables:     %s%n", String.join(", ", tables));
        out.printf(Locale.ROOT, "charts:     %s%n", String.join(", ", charts));
        out.flush();
    }

    /** The cells of --cell, without repeats; elman when none is given. */
    List<Cell> cells() {
        if (cellNames.isEmpty()) {
            return List.of(Cell.ELMAN);
        }
        List<Cell> cells = new ArrayList<>();
        for (String name : cellNames) {
            Cell cell = switch (name.trim().toLowerCase(Locale.ROOT)) {
                case "elman" -> Cell.ELMAN;
                case "gru" -> Cell.GRU;
                case "lstm" -> Cell.LSTM;
                default -> throw new InvalidInputException("unknown cell '" + name + "' for --cell; expected elman, gru or lstm");
            };
            if (!cells.contains(cell)) {
                cells.add(cell);
            }
        }
        return cells;
    }

    /** The gated sweep's settings for the gated cells among {@code cells}, or null when there is none. */
    GatedDecayExperiment.Settings gatedSettings(List<Cell> cells) {
        List<Cell> gated = cells.stream().filter(cell -> cell != Cell.ELMAN).toList();
        if (gated.isEmpty()) {
            return null;
        }
        GatedDecayExperiment.Settings base = quick ? GatedDecayExperiment.Settings.quick(gated)
                : GatedDecayExperiment.Settings.full(gated);
        return new GatedDecayExperiment.Settings(gated, recurrentScales == null ? base.recurrentScales() : recurrentScales,
                gateBiases == null ? base.gateBiases() : gateBiases, steps != null ? steps : base.steps(),
                hiddenSize != null ? hiddenSize : base.hiddenSize(), base.inputSize(),
                seeds != null ? seeds : base.seeds(), firstSeed != null ? firstSeed : base.firstSeed());
    }

    private static void printGatedSummary(PrintWriter out, GatedDecayExperiment.Result result) {
        out.printf(Locale.ROOT, "%n%s, gated cells: the curve against the lag (median over %d seeds; no bound)%n",
                result.oracleId(), result.settings().seeds());
        out.printf(Locale.ROOT, "%-5s %-7s %10s %-9s %8s  %-28s %18s%n", "cell", "curve", "σmax(W_*)", "gate bias",
                "σ(bias)", "fitted rate median [min, max]", "value at last lag");
        for (GatedDecayExperiment.Summary summary : result.summaries()) {
            GatedDecayExperiment.Config config = summary.config();
            out.printf(Locale.ROOT, "%-5s %-7s %10s %-9s %8.4f  %-28s %18s%n", GatedDecayExperiment.cellName(config.cell()),
                    summary.curve().label(), config.recurrentScale(), config.gateBiasName() + "=" + config.gateBias(),
                    summary.nominalGate(), String.format(Locale.ROOT, "%.4f [%.4f, %.4f]", summary.fittedRateMedian(),
                            summary.fittedRateMin(), summary.fittedRateMax()),
                    String.format(Locale.ROOT, "%.3g (lag %d)", summary.lastValue(), summary.lastLag()));
        }
        for (GatedDecayExperiment.Problem problem : result.problems()) {
            out.printf(Locale.ROOT, "error %s (%s, seed %d): %s%n", result.oracleId(), problem.config().describe(),
                    problem.seed(), problem.message());
        }
    }

    /** The quick or full settings with every option given on the command line applied. */
    DecayExperiment.Settings settings() {
        DecayExperiment.Settings base = quick ? DecayExperiment.Settings.quick() : DecayExperiment.Settings.full();
        int seedCount = seeds != null ? seeds : base.seeds();
        int comparisonSeedCount = comparisonSeeds != null ? comparisonSeeds : Math.min(base.comparisonSeeds(), seedCount);
        return new DecayExperiment.Settings(
                activationNames == null ? base.activations() : activationNames.stream().map(Activation::parse).toList(),
                rescalingNames == null ? base.rescalings() : rescalings(rescalingNames),
                targets == null ? base.targets() : targets,
                steps != null ? steps : base.steps(), hiddenSize != null ? hiddenSize : base.hiddenSize(),
                base.inputSize(), seedCount, comparisonSeedCount, firstSeed != null ? firstSeed : base.firstSeed(),
                base.init(), base.tolerance());
    }

    private static List<Rescaling> rescalings(List<String> names) {
        List<Rescaling> rescalings = new ArrayList<>();
        for (String name : names) {
            switch (name.trim().toLowerCase(Locale.ROOT)) {
                case "sigma-max", "largest-singular-value" -> rescalings.add(Rescaling.LARGEST_SINGULAR_VALUE);
                case "rho", "spectral-radius" -> rescalings.add(Rescaling.SPECTRAL_RADIUS);
                case "both" -> {
                    rescalings.add(Rescaling.LARGEST_SINGULAR_VALUE);
                    rescalings.add(Rescaling.SPECTRAL_RADIUS);
                }
                default -> throw new InvalidInputException("unknown rescaling '" + name
                        + "'; expected sigma-max, rho or both");
            }
        }
        return rescalings.stream().distinct().toList();
    }

    /** The implementations named by --impl, or by default every plugin with input gradients from another vendor. */
    private List<LoadedPlugin> compared(PluginRegistry registry, LoadedPlugin oracle) {
        if (implementationIds.equals(List.of("none"))) {
            return List.of();
        }
        if (!implementationIds.isEmpty()) {
            List<LoadedPlugin> chosen = new ArrayList<>();
            for (String id : implementationIds) {
                LoadedPlugin plugin = registry.require(id);
                InvalidInputException.require(plugin.has(Capability.INPUT_GRADIENTS) || plugin.has(Capability.HIDDEN_STATE_GRADIENTS),
                        "implementation '%s' returns neither input nor hidden-state gradients: it has no decay curve", id);
                if (!plugin.id().equals(oracle.id())) {
                    chosen.add(plugin);
                }
            }
            return chosen;
        }
        return defaultCompared(registry.plugins(), oracle);
    }

    /**
     * The plugins a decay sweep compares with {@code oracle} by default: those with input gradients from another
     * vendor. The oracle's sibling algorithms (same vendor) compute the same numbers, so a decay study gains nothing
     * from them, and one of them (RTRL, O(T·H⁴)) would take most of the sweep's time.
     */
    static List<LoadedPlugin> defaultCompared(List<LoadedPlugin> plugins, LoadedPlugin oracle) {
        return plugins.stream()
                .filter(plugin -> plugin.has(Capability.INPUT_GRADIENTS))
                .filter(plugin -> !plugin.info().vendor().equals(oracle.info().vendor()))
                .toList();
    }

    private static void printSummary(PrintWriter out, DecayResult result) {
        out.printf(Locale.ROOT, "%n%s: ||dL/dh_k|| / ||dL/dh_T|| against the lag (median over %d seeds)%n",
                result.oracleId(), result.settings().seeds());
        out.printf(Locale.ROOT, "%-8s %6s %-9s %8s %8s  %-28s %10s%n", "W", "target", "f", "γσmax", "γρ",
                "fitted rate median [min, max]", "violations");
        for (Summary summary : result.summaries()) {
            if (!summary.implementation().equals(result.oracleId()) || summary.quantity() != Quantity.HIDDEN_RATIO) {
                continue;
            }
            out.printf(Locale.ROOT, "%-8s %6s %-9s %8.4f %8.4f  %-28s %10d%n", summary.config().symbol(),
                    summary.config().target(), summary.config().activationName(), summary.gammaSigmaMax(),
                    summary.gammaRho(), String.format(Locale.ROOT, "%.4f [%.4f, %.4f]", summary.fittedRateMedian(),
                            summary.fittedRateMin(), summary.fittedRateMax()), summary.violations());
        }
        out.printf(Locale.ROOT, "bound violations (every implementation and curve): %d%n", result.violations());
        List<String> others = result.comparisons().stream().map(Comparison::implementation).distinct().toList();
        for (String other : others) {
            List<Comparison> comparisons = result.comparisons().stream().filter(c -> c.implementation().equals(other)).toList();
            out.printf(Locale.ROOT, "%s vs %s, input-gradient curves: %d agree, %d disagree, %d known divergence, %d not compared%n",
                    other, result.oracleId(), count(comparisons, Verdict.AGREE), count(comparisons, Verdict.DISAGREE),
                    count(comparisons, Verdict.KNOWN_DIVERGENCE), count(comparisons, Verdict.NOT_COMPARED));
            for (Comparison comparison : comparisons) {
                if (comparison.disagree()) {
                    out.printf(Locale.ROOT, "  DISAGREE %s=%s %s: %d of %d points, worst at lag %d (seed %d), relative error %.3g%s%n",
                            comparison.config().symbol(), comparison.config().target(), comparison.config().activationName(),
                            comparison.failedPoints(), comparison.comparedPoints(), comparison.worstLag(),
                            comparison.worstSeed(), comparison.worstRelativeError(),
                            comparison.note().isEmpty() ? "" : "; " + comparison.note());
                }
            }
        }
        // An implementation that lacks what the sweep needs lacks it for many configurations: one line for each.
        Map<String, Integer> skippedConfigurations = new java.util.TreeMap<>();
        Map<String, java.util.Set<String>> skipReasons = new java.util.TreeMap<>();
        for (DecayResult.Problem problem : result.problems()) {
            if (problem.kind().equals("skipped")) {
                skippedConfigurations.merge(problem.implementation(), 1, Integer::sum);
                skipReasons.computeIfAbsent(problem.implementation(), id -> new java.util.TreeSet<>()).add(problem.message());
                continue;
            }
            out.printf(Locale.ROOT, "%s %s (%s=%s %s%s): %s%n", problem.kind(), problem.implementation(),
                    problem.config().symbol(), problem.config().target(), problem.config().activationName(),
                    problem.seed() >= 0 ? ", seed " + problem.seed() : "", problem.message());
        }
        skippedConfigurations.forEach((id, configurations) -> out.printf(Locale.ROOT, "skipped %s (%d configuration%s): %s%n",
                id, configurations, configurations == 1 ? "" : "s", String.join("; ", skipReasons.get(id))));
    }

    private static long count(List<Comparison> comparisons, Verdict verdict) {
        return comparisons.stream().filter(comparison -> comparison.verdict() == verdict).count();
    }
}
