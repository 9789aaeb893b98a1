package org.bptt.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.bptt.api.Cell;
import org.bptt.api.InvalidInputException;
import org.bptt.core.cases.Suite;
import org.bptt.core.cases.SuiteCase;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.plugins.PluginRegistry;
import org.bptt.vectors.StoredVectorsOracle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code bptt verify}: the conformance gate. */
@Command(name = "verify",
        header = "The conformance gate: implementations against an oracle, element by element.", mixinStandardHelpOptions = true,
        description = {
            "Run implementations on the same weights and inputs as an oracle (the reference, by default) and",
            "compare hidden states (and an LSTM's cell states), outputs, loss and every gradient. --cell chooses",
            "the cells (Elman, GRU, LSTM); by default every cell an implementation under test runs. Exits 1",
            "when any case diverges beyond tolerance or a plugin fails; writes tables, charts and an Allure",
            "report into a run folder."})
final class VerifyCommand implements Callable<Integer> {

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

    @Option(names = "--impl", paramLabel = "ID",
            description = "Implementation under test (repeatable). Default: every plugin except the oracle (with --cell: "
                    + "every one that runs a chosen cell).")
    List<String> implementationIds = new ArrayList<>();

    @Option(names = "--oracle", paramLabel = "ID", defaultValue = "reference-aggregated",
            description = "The implementation compared against (default: ${DEFAULT-VALUE}).")
    String oracleId;

    @Option(names = "--cases", paramLabel = "DIR",
            description = "Check against the vectors 'bptt export' wrote to DIR instead of running an oracle on a suite.")
    Path casesDirectory;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PluginRegistry registry = pluginOptions.discover(err);
        if (casesDirectory != null) {
            return verifyStoredVectors(registry, out, err);
        }
        LoadedPlugin oracle = registry.require(oracleId);
        List<LoadedPlugin> implementations = new ArrayList<>();
        for (String id : implementationIds) {
            implementations.add(registry.require(id));
        }
        if (implementations.isEmpty()) {
            implementations.addAll(suiteOptions.runningChosenCells(
                    registry.plugins().stream().filter(plugin -> !plugin.id().equals(oracleId)).toList()));
        }
        InvalidInputException.require(!implementations.isEmpty(), "no implementation to verify besides the oracle %s", oracleId);
        Set<Cell> cells = suiteOptions.selectedCells(implementations);
        List<SuiteCase> cases = suiteOptions.suiteCases(cells);
        long truncated = cases.stream().filter(SuiteCase::isTruncated).count();
        out.printf(Locale.ROOT, "verifying %s against %s on %d cases (+%d truncated-BPTT cases) of the %s suite (%s; seed %d)%n",
                String.join(", ", implementations.stream().map(LoadedPlugin::id).toList()), oracle.id(),
                cases.size() - truncated, truncated, suiteOptions.suiteName(), suiteOptions.describeSelection(cells),
                suiteOptions.seed);
        out.flush();
        VerifyJob.VerifyRun verified = VerifyJob.run(spec.commandLine().getParseResult().originalArgs(),
                outputOptions.create("verify"), suiteOptions, cases, implementations, oracle, null, timeoutOptions.timeout(),
                threadsOptions.threads(), registry::newInstance, err);
        int exit = verified.printSummary(out);
        junitXml.writeVerify("verify", verified, out);
        return exit;
    }

    /** {@code --cases DIR}: the stored expectations are the oracle; no oracle plugin is looked up or run. */
    private int verifyStoredVectors(PluginRegistry registry, PrintWriter out, PrintWriter err) {
        for (String option : List.of("--oracle", "--suite", "--seed", "--shard", "--cell", "--dataset", "--file", "--tokens")) {
            InvalidInputException.require(!spec.commandLine().getParseResult().hasMatchedOption(option),
                    "%s cannot be combined with --cases: the vectors fix the cases and the expected results", option);
        }
        List<LoadedPlugin> implementations = new ArrayList<>();
        implementationIds.forEach(id -> implementations.add(registry.require(id)));
        if (implementations.isEmpty()) {
            implementations.addAll(registry.plugins());
        }
        InvalidInputException.require(!implementations.isEmpty(), "no implementation to verify");
        StoredVectorsOracle.Loaded vectors = StoredVectorsOracle.load(casesDirectory, TolerancePolicy.defaults());
        vectors.warnings().forEach(warning -> err.println("warning: " + warning));
        if (vectors.index() != null) {
            // The run's provenance then names the suite and seed the vectors were exported from.
            for (Suite suite : Suite.values()) {
                if (suite.name().equalsIgnoreCase(vectors.index().suite())) {
                    suiteOptions.suite = suite;
                }
            }
            suiteOptions.seed = vectors.index().seed();
        }
        // Stored answers cannot say how a case's results move when its data change: the reference, when installed,
        // computes that for the failed cases, to tell the ill-conditioned ones apart.
        LoadedPlugin sensitivityOracle = registry.find(oracleId).orElse(null);
        out.printf(Locale.ROOT, "verifying %s against the stored vectors in %s: %d cases (+%d truncated-BPTT cases), expected results by %s%n",
                String.join(", ", implementations.stream().map(LoadedPlugin::id).toList()), casesDirectory,
                vectors.cases().size() - vectors.truncatedCount(), vectors.truncatedCount(), vectors.oracle().info().version());
        out.flush();
        VerifyJob.VerifyRun verified = VerifyJob.run(spec.commandLine().getParseResult().originalArgs(),
                outputOptions.create("verify"), suiteOptions, vectors.cases(), implementations,
                LoadedPlugin.of(vectors.oracle(), casesDirectory.toString()), sensitivityOracle, timeoutOptions.timeout(),
                threadsOptions.threads(), registry::newInstance, err);
        int exit = verified.printSummary(out);
        junitXml.writeVerify("verify", verified, out);
        return exit;
    }
}
