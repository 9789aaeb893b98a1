package org.bptt.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.bptt.core.plugins.IsolatedPlugin;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.plugins.PluginCalls;
import org.bptt.core.verify.KnownDivergences;
import org.bptt.experiments.decay.DecayCharts;
import org.bptt.experiments.decay.DecayExperiment;
import org.bptt.experiments.decay.DecayResult;
import org.bptt.experiments.decay.GatedDecayCharts;
import org.bptt.experiments.decay.GatedDecayExperiment;
import org.bptt.reports.Provenance;
import org.bptt.reports.RunFolder;
import org.bptt.reports.RunOutputs;

/**
 * The gradient-decay experiments as one job: the Elman sweep ({@link DecayExperiment}) on the oracle and the compared
 * implementations, and the gated cells' sweep ({@link GatedDecayExperiment}) on the oracle, each when asked for; writes
 * run.json (at the start and again at the end), the tables and the charts into one run folder. {@code bptt decay}
 * and the decay step of {@code bptt run} (the Elman sweep alone) call it, and print its outcome with
 * {@link DecayCommand#print}.
 */
final class DecayJob {

    private DecayJob() {
    }

    /**
     * What a decay job produced.
     *
     * @param result      what the Elman sweep measured, or null when it was not run
     * @param gatedResult what the gated cells' sweep measured, or null when it was not run
     * @param folder      where it was written
     */
    record DecayRun(DecayResult result, GatedDecayExperiment.Result gatedResult, RunFolder folder) {

        /**
         * 1 when a measured norm breaks the Elman bound, a curve disagrees or a plugin failed (in either sweep); 0
         * otherwise.
         */
        int exitCode() {
            boolean failed = result != null
                    && (result.violations() > 0 || !result.disagreements().isEmpty() || !result.errors().isEmpty());
            boolean gatedFailed = gatedResult != null && !gatedResult.problems().isEmpty();
            return failed || gatedFailed ? ExitCode.DIVERGED : ExitCode.OK;
        }
    }

    /** Runs the Elman sweep alone (the decay step of {@code bptt run}); see the other {@code run}. */
    static DecayRun run(DecayExperiment.Settings settings, String label, LoadedPlugin oracle, List<LoadedPlugin> compared,
                       PluginCalls calls, RunFolder folder, List<String> commandLine, PrintWriter log) {
        return run(settings, null, label, oracle, compared, calls, folder, commandLine, log);
    }

    /**
     * Runs the sweeps asked for and writes their outputs into {@code folder}.
     *
     * @param elman       the Elman sweep's settings, or null to leave it out
     * @param gated       the gated cells' sweep's settings, or null to leave it out (it runs on the oracle alone)
     * @param label       {@code quick} or {@code full}, for run.json
     * @param compared    the implementations whose curves the Elman sweep compares with the oracle's
     * @param calls       the isolation every plugin call goes through
     * @param commandLine the arguments the tool was started with, for run.json
     * @param log         progress and what is being written
     */
    static DecayRun run(DecayExperiment.Settings elman, GatedDecayExperiment.Settings gated, String label,
                       LoadedPlugin oracle, List<LoadedPlugin> compared, PluginCalls calls, RunFolder folder,
                       List<String> commandLine, PrintWriter log) {
        if (elman == null && gated == null) {
            throw new IllegalArgumentException("a decay job needs the Elman sweep, the gated one or both");
        }
        List<LoadedPlugin> plugins = new ArrayList<>(List.of(oracle));
        if (elman != null) {
            plugins.addAll(compared);
        }
        TreeSet<Long> seeds = new TreeSet<>();
        Map<String, String> description = new LinkedHashMap<>();
        Map<String, String> tolerance = Map.of();
        if (elman != null) {
            LongStream.range(0, elman.seeds()).map(i -> elman.firstSeed() + i).forEach(seeds::add);
            description.putAll(elman.describe());
            tolerance = elman.tolerance().describe();
        }
        if (gated != null) {
            LongStream.range(0, gated.seeds()).map(i -> gated.firstSeed() + i).forEach(seeds::add);
            description.putAll(gated.describe());
        }
        Provenance provenance = Provenance.capture(commandLine, VersionProvider.toolVersion(),
                plugins.stream().map(Provenance.PluginVersion::of).toList(), List.copyOf(seeds), "decay " + label,
                tolerance, description, Path.of("."), Clock.systemUTC().instant());
        RunOutputs outputs = new RunOutputs(folder);
        try {
            outputs.writeProvenance(provenance);
            DecayResult result = null;
            GatedDecayExperiment.Result gatedResult = null;
            int cases = (elman == null ? 0 : elman.cases()) + (gated == null ? 0 : gated.cases());
            try (Progress progress = Progress.start("decay", cases, log)) {
                IsolatedPlugin isolatedOracle = calls.isolate(oracle);
                if (elman != null) {
                    List<IsolatedPlugin> isolated = compared.stream().map(calls::isolate).toList();
                    result = new DecayExperiment(elman).run(isolatedOracle, isolated, KnownDivergences.none(), progress::step);
                }
                if (gated != null) {
                    gatedResult = new GatedDecayExperiment(gated).run(isolatedOracle, progress::step);
                }
            }
            log.printf(Locale.ROOT, "writing tables and charts...%n");
            log.flush();
            if (result != null) {
                outputs.writeTables(result.tables());
                outputs.writeCharts(DecayCharts.charts(result, folder.name()));
            }
            if (gatedResult != null) {
                outputs.writeTables(gatedResult.tables());
                outputs.writeCharts(GatedDecayCharts.charts(gatedResult, folder.name()));
            }
            outputs.writeProvenance(provenance.withEnd(Clock.systemUTC().instant()));
            return new DecayRun(result, gatedResult, folder);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
