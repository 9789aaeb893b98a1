package org.bptt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bptt.api.Activation;
import org.bptt.core.cases.CaseGenerator.Rescaling;
import org.bptt.core.cases.WeightInit;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.plugins.PluginCalls;
import org.bptt.core.plugins.PluginRegistry;
import org.bptt.experiments.decay.DecayExperiment;
import org.bptt.reports.Provenance;
import org.bptt.reports.RunFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The decay job that {@code bptt decay} and {@code bptt run} share: what it writes, and what its outcome says. */
class DecayJobTest {

    /** tanh, σ_max ∈ {0.5, 2.0}, T = 20, H = 4: small, and both sides of γσ_max = 1. */
    private static final DecayExperiment.Settings SMALL = new DecayExperiment.Settings(List.of(Activation.TANH),
            List.of(Rescaling.LARGEST_SINGULAR_VALUE), List.of(0.5, 2.0), 20, 4, 2, 2, 2, 1L, WeightInit.XAVIER,
            TolerancePolicy.defaults());

    private static final PluginRegistry REGISTRY = PluginRegistry.discover();

    @TempDir
    Path root;

    private DecayJob.DecayRun run(String compared) throws IOException {
        RunFolder folder = RunFolder.create(root, "decay", Clock.systemUTC());
        return DecayJob.run(SMALL, "small", REGISTRY.require("reference-aggregated"),
                List.of(REGISTRY.require(compared)), new PluginCalls(Duration.ofSeconds(60)), folder, List.of("decay", "--test"), new PrintWriter(new StringWriter()));
    }

    @Test
    void writesRunJsonTheTablesAndTheChartsItPrints() throws IOException {
        DecayJob.DecayRun outcome = run("reference-naive");

        assertEquals(ExitCode.OK, outcome.exitCode(), "the naive BPTT's curves are the aggregated one's");
        Path folder = outcome.folder().path();
        Provenance provenance = Provenance.readFrom(outcome.folder());
        assertEquals(List.of("decay", "--test"), provenance.commandLine());
        assertEquals("decay small", provenance.suite());
        assertEquals(List.of(1L, 2L), provenance.seeds());
        assertEquals(List.of("reference-aggregated", "reference-naive"),
                provenance.plugins().stream().map(Provenance.PluginVersion::id).toList());
        assertNotNull(provenance.end(), "run.json is rewritten with the end time");

        StringWriter printed = new StringWriter();
        DecayCommand.print(new PrintWriter(printed), outcome);
        String text = printed.toString();
        assertTrue(text.contains("run folder: " + folder), text);
        Matcher tables = Pattern.compile("tables: +(.*)").matcher(text);
        assertTrue(tables.find(), text);
        for (String table : tables.group(1).split(", ")) {
            assertTrue(Files.isRegularFile(folder.resolve(table)), () -> "printed " + table + ", not in " + folder);
        }
        assertEquals(List.of("decay-comparison.csv", "decay-curves.csv", "decay-problems.csv", "decay-summary.csv",
                "run.json"), files(folder));
        // One chart per (rescaling, activation) and curve kind, each as PNG and SVG, under the names printed.
        assertEquals(List.of("decay-hidden-largest-singular-value-tanh.png", "decay-hidden-largest-singular-value-tanh.svg",
                "decay-input-largest-singular-value-tanh.png", "decay-input-largest-singular-value-tanh.svg"),
                files(folder.resolve("charts")));
        assertTrue(text.contains("charts/decay-hidden-*.png|svg, charts/decay-input-*.png|svg"), text);
    }

    @Test
    void aCurveThatDisagreesFailsTheJob() throws IOException {
        // Uses Wᵀ for W: the same singular values, other dynamics, so its input-gradient curves are not the oracle's.
        DecayJob.DecayRun outcome = run("test-transposed-w");

        assertTrue(!outcome.result().disagreements().isEmpty(), outcome.result().comparisons().toString());
        assertEquals(ExitCode.DIVERGED, outcome.exitCode());
    }

    @Test
    void anImplementationThatLacksWhatTheSweepNeedsIsOneLineNotOnePerConfiguration() throws IOException {
        DecayJob.DecayRun outcome = run("dl4j-lstm");
        StringWriter text = new StringWriter();
        DecayCommand.print(new PrintWriter(text, true), outcome);

        List<String> skipped = text.toString().lines().filter(line -> line.startsWith("skipped")).toList();
        assertEquals(List.of("skipped dl4j-lstm (2 configurations): lacks [TANH]"), skipped, text.toString());
    }

    @Test
    void byDefaultTheSweepComparesOtherVendorsPluginsNotTheOraclesSiblings() {
        // bptt decay and bptt run choose alike: the reference's naive, fast and RTRL algorithms give the oracle's
        // numbers again (and RTRL, O(T·H⁴), took 97% of bptt run's decay sweep when it was included).
        List<String> compared = DecayCommand.defaultCompared(REGISTRY.plugins(), REGISTRY.require("reference-aggregated"))
                .stream().map(plugin -> plugin.id()).toList();
        assertTrue(compared.contains("dl4j"), compared.toString());
        assertTrue(compared.stream().noneMatch(id -> id.startsWith("reference-")), compared.toString());
    }

    private static List<String> files(Path directory) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            files.filter(Files::isRegularFile).map(file -> file.getFileName().toString()).sorted().forEach(names::add);
        }
        return names;
    }
}
