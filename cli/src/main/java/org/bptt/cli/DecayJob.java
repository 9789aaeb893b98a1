package org.bptt.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.LongStream;
import org.bptt.core.plugins.IsolatedPlugin;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.plugins.PluginCalls;
import org.bptt.core.verify.KnownDivergences;
import org.bptt.experiments.decay.DecayCharts;
import org.bptt.experiments.decay.DecayExperiment;
import org.bptt.experiments.decay.DecayResult;
import org.bptt.reports.Provenance;
import org.bptt.reports.RunFolder;
import org.bptt.reports.RunOutputs;

/**
 * The gradient-decay experiment as one job: runs it on the oracle and the compared implementations and writes
 * run.json (at the start and again at the end), the tables and the charts into a run folder. {@code bptt decay} and
 * the decay step of {@code bptt run} call it, and print its outcome with {@link DecayCommand#print}.
 */
final class DecayJob {

    private DecayJob() {
    }

    /**
     * What a decay job produced.
     *
     * @param result what the experiment measured
     * @param folder where it was written
     */
    record DecayRun(DecayResult result, RunFolder folder) {

        /** 1 when a measured norm breaks the bound, a curve disagrees or a plugin failed; 0 otherwise. */
        int exitCode() {
            boolean failed = result.violations() > 0 || !result.disagreements().isEmpty() || !result.errors().isEmpty();
            return failed ? ExitCode.DIVERGED : ExitCode.OK;
        }
    }

    /**
     * Runs the experiment and writes its outputs into {@code folder}.
     *
     * @param label       {@code quick} or {@code full}, for run.json
     * @param calls       the isolation every plugin call goes through
     * @param commandLine the arguments the tool was started with, for run.json
     * @param log         progress and what is being written
     */
    static DecayRun run(DecayExperiment.Settings settings, String label, LoadedPlugin oracle, List<LoadedPlugin> compared,
                       PluginCalls calls, RunFolder folder, List<String> commandLine, PrintWriter log) {
        List<LoadedPlugin> plugins = new ArrayList<>(List.of(oracle));
        plugins.addAll(compared);
        Provenance provenance = Provenance.capture(commandLine, VersionProvider.toolVersion(),
                plugins.stream().map(Provenance.PluginVersion::of).toList(),
                LongStream.range(0, settings.seeds()).map(i -> settings.firstSeed() + i).boxed().toList(),
                "decay " + label, settings.tolerance().describe(), settings.describe(), Path.of("."),
                Clock.systemUTC().instant());
        RunOutputs outputs = new RunOutputs(folder);
        try {
            outputs.writeProvenance(provenance);
            DecayResult result;
            try (Progress progress = Progress.start("decay", settings.cases(), log)) {
                List<IsolatedPlugin> isolated = compared.stream().map(calls::isolate).toList();
                result = new DecayExperiment(settings).run(calls.isolate(oracle), isolated, KnownDivergences.none(), progress::step);
            }
            log.printf(Locale.ROOT, "writing tables and charts...%n");
            log.flush();
            outputs.writeTables(result.tables());
            outputs.writeCharts(DecayCharts.charts(result, folder.name()));
            outputs.writeProvenance(provenance.withEnd(Clock.systemUTC().instant()));
            return new DecayRun(result, folder);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
