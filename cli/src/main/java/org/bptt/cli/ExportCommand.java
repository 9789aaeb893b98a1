package org.bptt.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.bptt.api.Cell;
import org.bptt.api.InvalidInputException;
import org.bptt.core.cases.Suite;
import org.bptt.core.cases.SuiteCase;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.core.plugins.CellSupport;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.vectors.VectorExporter;
import org.bptt.vectors.VectorFile;
import org.bptt.vectors.VectorIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code bptt export}: a suite as portable conformance vectors (JSON cases with the oracle's expected results). */
@Command(name = "export",
        header = "Writes a suite's cases with the oracle's expected results as portable JSON vectors.",
        mixinStandardHelpOptions = true,
        description = {
            "Writes one JSON file per case (spec, weights, inputs, targets, mask, h_{-1} and c_{-1}, the expected hidden",
            "and cell states, outputs, loss and every gradient, and the tolerance policy) plus index.json, for",
            "'bptt verify --cases DIR'",
            "or any other tool. The format is described in vectors/FORMAT.md."})
final class ExportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    PluginOptions pluginOptions;

    @Mixin
    TimeoutOptions timeoutOptions;

    @Option(names = "--suite", paramLabel = "NAME", defaultValue = "default",
            description = "Built-in suite: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Suite suite;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "Seed for weights and inputs (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--shard", paramLabel = "I/N",
            description = "Export only shard I of N (1-based), the same cases as 'bptt verify --shard I/N'.")
    String shard;

    @Option(names = "--cell", paramLabel = "CELL",
            description = "Export the cases of this cell only: ${COMPLETION-CANDIDATES} (repeatable). Default: every cell the "
                    + "oracle runs.")
    List<Cell> cells = new ArrayList<>();

    @Mixin
    TopologyOptions topology = new TopologyOptions();

    @Option(names = "--out", paramLabel = "DIR", required = true,
            description = "Folder to write the vectors into (created when missing; files of the same names are replaced).")
    Path directory;

    @Option(names = "--oracle", paramLabel = "ID", defaultValue = "reference-aggregated",
            description = "The implementation that computes the expected results (default: ${DEFAULT-VALUE}).")
    String oracleId;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LoadedPlugin oracle = pluginOptions.discover(err).require(oracleId);
        String suiteName = suite.name().toLowerCase(Locale.ROOT);
        Set<Cell> selected = cells.isEmpty() ? CellSupport.cells(oracle.capabilities()) : EnumSet.copyOf(cells);
        InvalidInputException.require(!selected.isEmpty(), "the oracle %s runs no cell (Elman, GRU or LSTM)", oracle.id());
        List<SuiteCase> all = SuiteOptions.suiteCases(suite, seed, shard, selected, topology);
        long truncated = all.stream().filter(SuiteCase::isTruncated).count();
        out.printf(Locale.ROOT, "exporting %d cases (+%d truncated-BPTT cases; %s) of the %s suite (seed %d%s), expected results by %s, to %s%n",
                all.size() - truncated, truncated, SuiteOptions.describe(selected) + topology.describe(), suiteName, seed,
                shard == null ? "" : ", shard " + shard, oracle.id(), directory);
        out.flush();
        VectorFile.Generator generator = new VectorFile.Generator("bptt-harness", VersionProvider.toolVersion(), oracle.id(),
                oracle.info().version());
        VectorExporter.Export export;
        try (Progress progress = Progress.start("export", all.size(), err)) {
            export = VectorExporter.export(directory, suiteName, seed, all, timeoutOptions.calls().isolate(oracle), generator,
                    TolerancePolicy.defaults(), progress::step);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the vectors to " + directory.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        for (String skipped : export.skipped()) {
            err.println("skipped " + skipped);
        }
        out.printf(Locale.ROOT, "wrote %d vector files (%d cases, %d truncated) and %s to %s%n", export.index().files().size(),
                export.index().cases(), export.index().truncatedCases(), VectorIndex.FILE_NAME, directory);
        out.printf(Locale.ROOT, "check an implementation against them: bptt verify --impl ID --cases %s%n", directory);
        out.flush();
        return ExitCode.OK;
    }
}
