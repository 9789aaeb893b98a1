package org.bptt.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.bptt.api.DataType;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.plugins.PluginRegistry;
import org.bptt.reports.Provenance;
import org.bptt.reports.RunFolder;
import org.bptt.reports.RunOutputs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny real run: JMH forks a JVM per cell (1 fork, 1 iteration of 100 ms, no warm-up), on the smallest shape at
 * two lengths, for the aggregated and the naive reference, then the memory probe, and writes every table, chart and
 * the report. It checks what is written, never how fast anything was.
 */
class BenchJobSmokeTest extends BenchTestBase {

    @Test
    void aTinyForkedRunWritesTheTablesChartsAndReport(@TempDir Path root) throws Exception {
        BenchGrid grid = twoReferencesAtTwoLengths();
        JmhSettings settings = new JmhSettings(1, 0, Duration.ofMillis(100), 1, Duration.ofMillis(100), "512m", 1, true);
        RunFolder run = RunFolder.create(root, "bench", Clock.systemUTC());
        List<String> progress = new ArrayList<>();

        BenchJob.Report report = runRecording(grid, settings, run, progress, new ArrayList<>());

        assertEquals(List.of("started 4", "1/4 reference-aggregated T=8", "2/4 reference-aggregated T=16",
                "3/4 reference-naive T=8", "4/4 reference-naive T=16"), progress);
        assertEquals(4, report.analysis().results().size());
        for (CellResult result : report.analysis().results()) {
            assertTrue(result.measured(), result.toString());
            assertEquals(1, result.samples().length, result.cell().toString());
            assertTrue(result.medianMs() > 0, result.cell().toString());
            assertTrue(result.allocBytesPerCall() > 0, "GC profiler: " + result.cell());
            assertTrue(result.peakHeapBytes() >= 0, "memory probe: " + result.cell());
        }

        List<CSVRecord> rows = read(run.resolve(BenchTables.RESULTS_FILE));
        assertEquals(4, rows.size());
        assertEquals(List.of("reference-aggregated", "reference-aggregated", "reference-naive", "reference-naive"),
                rows.stream().map(row -> row.get("implementation")).toList());
        assertTrue(rows.stream().allMatch(row -> row.get("status").equals("MEASURED")));
        assertEquals(4, read(run.resolve(BenchTables.SAMPLES_FILE)).size());
        assertEquals(List.of("8", "16"), read(run.resolve(BenchTables.RATIOS_FILE)).stream().map(row -> row.get("T")).toList());
        assertEquals(2, read(run.resolve(BenchTables.SLOPES_FILE)).size());
        assertFalse(read(run.resolve(BenchTables.TARGETS_FILE)).isEmpty());
        assertTrue(Files.readString(run.resolve(BenchTables.MARKDOWN_FILE)).contains("| 1x16x32x16 | 16 |"));
        assertTrue(Files.size(run.resolve("charts/bench-time-1x16x32x16-forwardBackward.png")) > 0);
        assertTrue(Files.size(run.resolve("charts/bench-time-1x16x32x16-forwardBackward.svg")) > 0);
        assertTrue(Files.size(run.resolve("charts/bench-throughput-forwardBackward.png")) > 0);
        assertTrue(Files.isRegularFile(run.resolve("allure-report/index.html")));
        assertTrue(Files.isRegularFile(run.resolve("allure-report.html")));
        assertTrue(Files.readString(run.resolve(BenchRunner.FORK_JVM_SCRIPT)).contains("OMP_NUM_THREADS=1"));

        Provenance provenance = Provenance.readFrom(run);
        assertEquals("1", provenance.extra().get("fork.OMP_NUM_THREADS"));
        assertTrue(provenance.end() != null);
        assertEquals(List.of(BenchmarkCase.SEED), provenance.seeds());

        // Re-analysing the folder reads the same measurements back and derives the same tables, byte for byte.
        Map<String, byte[]> before = new LinkedHashMap<>();
        for (String table : List.of(BenchTables.RESULTS_FILE, BenchTables.SAMPLES_FILE, BenchTables.SLOPES_FILE,
                BenchTables.RATIOS_FILE, BenchTables.TARGETS_FILE)) {
            before.put(table, Files.readAllBytes(run.resolve(table)));
        }
        byte[] runJson = Files.readAllBytes(run.resolve(Provenance.FILE_NAME));
        BenchJob.Report again = BenchJob.reanalyse(RunFolder.open(run.path()));
        assertEquals(grid.implementations(), again.request().grid().implementations());
        assertEquals(grid.steps(), again.request().grid().steps());
        for (Map.Entry<String, byte[]> table : before.entrySet()) {
            assertEquals(new String(table.getValue(), StandardCharsets.UTF_8),
                    Files.readString(run.resolve(table.getKey())), table.getKey());
        }
        assertEquals(new String(runJson, StandardCharsets.UTF_8), Files.readString(run.resolve(Provenance.FILE_NAME)),
                "a re-analysis leaves run.json as the measuring run wrote it");
        assertTrue(Files.readString(run.resolve(BenchTables.MARKDOWN_FILE)).contains("| 1x16x32x16 | 16 |"));
    }

    /**
     * With every cell in one JVM ({@code bptt run}'s sweep), the cells are measured in that JVM, not forked one by one
     * (JMH's report says so for each), and come back with their samples, allocation and progress as forked ones do.
     */
    @Test
    void aTinyRunInOneSharedJvmMeasuresEveryCellThere(@TempDir Path root) throws Exception {
        BenchGrid grid = twoReferencesAtTwoLengths();
        JmhSettings settings = new JmhSettings(1, 0, Duration.ofMillis(100), 2, Duration.ofMillis(100), "512m", 1, true)
                .inSharedJvm();
        RunFolder run = RunFolder.create(root, "bench", Clock.systemUTC());
        List<String> progress = new ArrayList<>();

        BenchJob.Report report = runRecording(grid, settings, run, progress, new ArrayList<>());

        assertEquals(List.of("started 4", "1/4 reference-aggregated T=8", "2/4 reference-aggregated T=16",
                "3/4 reference-naive T=8", "4/4 reference-naive T=16"), progress);
        assertEquals(List.of("reference-aggregated", "reference-aggregated", "reference-naive", "reference-naive"),
                report.analysis().results().stream().map(result -> result.cell().implementation()).toList());
        for (CellResult result : report.analysis().results()) {
            assertTrue(result.measured(), result.toString());
            assertEquals(1, result.samplesByFork().size(), result.cell().toString());
            assertEquals(2, result.samples().length, result.cell().toString());
            assertTrue(result.medianMs() > 0, result.cell().toString());
            assertTrue(result.allocBytesPerCall() > 0, "GC profiler: " + result.cell());
        }
        String jmhReport = Files.readString(run.resolve(BenchRunner.JMH_OUTPUT));
        assertEquals(4, jmhReport.split("test runs in the host VM", -1).length - 1, jmhReport);
        assertFalse(jmhReport.contains("# Fork: 1 of 1"), jmhReport);
        assertEquals(4, read(run.resolve(BenchTables.RESULTS_FILE)).size());
    }

    /**
     * Two forks run in rounds: every cell's first fork, then every cell's second, so that a drift of the machine
     * during the run shows between each cell's forks rather than between the implementations; each cell's result
     * holds both forks' samples, and JMH's JSON result of each round is kept.
     */
    @Test
    void twoForksRunInRoundsOverEveryCell(@TempDir Path root) throws Exception {
        JmhSettings settings = new JmhSettings(2, 0, Duration.ofMillis(100), 1, Duration.ofMillis(100), "512m", 1, false);
        RunFolder run = RunFolder.create(root, "bench", Clock.systemUTC());
        List<String> events = new ArrayList<>();

        BenchJob.Report report = runRecording(twoReferencesAtTwoLengths(), settings, run, events, new ArrayList<>());

        List<String> round = List.of("reference-aggregated T=8", "reference-aggregated T=16", "reference-naive T=8",
                "reference-naive T=16");
        List<String> expected = new ArrayList<>(List.of("started 8"));
        for (int i = 0; i < 8; i++) {
            expected.add((i + 1) + "/8 " + round.get(i % 4));
        }
        assertEquals(expected, events);
        for (CellResult result : report.analysis().results()) {
            assertTrue(result.measured(), result.toString());
            assertEquals(2, result.samplesByFork().size(), result.cell().toString());
        }
        try (java.util.stream.Stream<Path> files = Files.list(run.resolve(BenchRunner.JMH_RESULTS))) {
            assertEquals(4, files.filter(file -> file.getFileName().toString().matches(".*-fork[12]\\.json")).count());
        }
    }

    /** DL4J's own call is timed in each round too, right after the round's cells: a fork of it per round. */
    @Test
    void theOwnCallsAreTimedInEachRound(@TempDir Path root) throws Exception {
        BenchGrid grid = oneCellOfTheSmallestShape(BenchAnalysis.DL4J, org.bptt.api.Cell.ELMAN, org.bptt.api.Topology.SINGLE);
        JmhSettings settings = new JmhSettings(2, 0, Duration.ofMillis(100), 1, Duration.ofMillis(100), "1g", 1, false);
        RunFolder run = RunFolder.create(root, "bench", Clock.systemUTC());
        List<String> events = new ArrayList<>();

        BenchJob.Report report = runRecording(grid, settings, run, events, new ArrayList<>());

        assertEquals(List.of("started 2", "1/2 dl4j T=8", "own-call timings (fork 1 of 2)", "2/2 dl4j T=8",
                "own-call timings (fork 2 of 2)"), events);
        List<CellResult> results = report.analysis().results();
        assertEquals(List.of("dl4j", "dl4j (own call)"), results.stream().map(result -> result.cell().implementation()).toList());
        for (CellResult result : results) {
            assertTrue(result.measured(), result.toString());
            assertEquals(2, result.samplesByFork().size(), result.cell().toString());
        }
    }

    /**
     * Runs the job on the discovered plugins, adding to {@code events} "started N", "done/total implementation T=steps"
     * per measured fork and the start of each own-call timing message, in the order the job reports them, and every
     * message to {@code messages}.
     */
    private static BenchJob.Report runRecording(BenchGrid grid, JmhSettings settings, RunFolder run, List<String> events,
                                                List<String> messages) throws IOException {
        return BenchJob.run(new BenchJob.Request(List.of("bench", "--smoke"), "test", grid, settings, List.of(), null),
                run, discoveredPlugins(), new BenchJob.Progress() {
                    @Override
                    public void started(int measurements, Duration expected) {
                        events.add("started " + measurements);
                    }

                    @Override
                    public void cellDone(Cell cell, int done, int total) {
                        events.add(done + "/" + total + " " + cell.implementation() + " T=" + cell.steps());
                    }

                    @Override
                    public void message(String line) {
                        messages.add(line);
                        if (line.startsWith("own-call timings")) {
                            events.add(line.substring(0, line.indexOf(':')));
                        }
                    }
                });
    }

    /** Every plugin on the class path, by id. */
    private static Map<String, LoadedPlugin> discoveredPlugins() {
        Map<String, LoadedPlugin> available = new LinkedHashMap<>();
        PluginRegistry.discover().plugins().forEach(plugin -> available.put(plugin.id(), plugin));
        return available;
    }

    /** The aggregated and the naive reference, Elman forward+backward on the smallest shape, T = 8 and 16. */
    private static BenchGrid twoReferencesAtTwoLengths() {
        return new BenchGrid("custom", List.of(CostModel.AGGREGATED, CostModel.NAIVE), List.of(org.bptt.api.Cell.ELMAN),
                List.of(Shape.GRID.get(0)), List.of(8, 16), List.of(Mode.FORWARD_BACKWARD), DataType.FLOAT64,
                BenchGrid.NAIVE_FLOP_BUDGET);
    }

    /** One implementation on one cell and topology, forward+backward on the smallest shape, T = 8. */
    private static BenchGrid oneCellOfTheSmallestShape(String implementation, org.bptt.api.Cell rnnCell,
                                                       org.bptt.api.Topology topology) {
        return new BenchGrid("custom", List.of(implementation), List.of(rnnCell), List.of(Shape.GRID.get(0)), List.of(8),
                List.of(Mode.FORWARD_BACKWARD), DataType.FLOAT64, BenchGrid.NAIVE_FLOP_BUDGET, List.of(topology));
    }

    /** A gated cell goes through JMH (its {@code cell} parameter), the tables, the charts and a re-analysis. */
    @Test
    void aTinyForkedRunOfTheLstmWritesItsRows(@TempDir Path root) throws Exception {
        BenchGrid grid = oneCellOfTheSmallestShape(CostModel.AGGREGATED, org.bptt.api.Cell.LSTM, org.bptt.api.Topology.SINGLE);
        JmhSettings settings = new JmhSettings(1, 0, Duration.ofMillis(100), 1, Duration.ofMillis(100), "512m", 1, false);
        RunFolder run = RunFolder.create(root, "bench", Clock.systemUTC());

        BenchJob.Report report = runRecording(grid, settings, run, new ArrayList<>(), new ArrayList<>());

        CellResult result = report.analysis().results().get(0);
        assertTrue(result.measured(), result.toString());
        assertEquals(org.bptt.api.Cell.LSTM, result.cell().rnnCell());
        List<CSVRecord> rows = read(run.resolve(BenchTables.RESULTS_FILE));
        assertEquals(List.of("lstm"), rows.stream().map(row -> row.get("cell")).toList());
        assertEquals(FlopModel.of(Mode.FORWARD_BACKWARD, org.bptt.api.Cell.LSTM, Shape.GRID.get(0), 8),
                Double.parseDouble(rows.get(0).get("flops_per_call")));
        assertTrue(Files.size(run.resolve("charts/bench-time-lstm-1x16x32x16-forwardBackward.png")) > 0);
        assertTrue(Files.readString(run.resolve(BenchTables.MARKDOWN_FILE)).contains("| lstm 1x16x32x16 | 8 |"));
        BenchJob.Report again = BenchJob.reanalyse(RunFolder.open(run.path()));
        assertEquals(List.of(org.bptt.api.Cell.LSTM), again.request().grid().rnnCells());
    }

    /** A two-layer bidirectional network goes through JMH (its {@code topology} parameter), the tables and a re-analysis. */
    @Test
    void aTinyForkedRunOfATwoLayerBidirectionalNetworkWritesItsRows(@TempDir Path root) throws Exception {
        org.bptt.api.Topology topology = org.bptt.api.Topology.bidirectional(2, org.bptt.api.Combine.CONCAT);
        BenchGrid grid = oneCellOfTheSmallestShape(CostModel.AGGREGATED, org.bptt.api.Cell.ELMAN, topology);
        JmhSettings settings = new JmhSettings(1, 0, Duration.ofMillis(100), 1, Duration.ofMillis(100), "512m", 1, false);
        RunFolder run = RunFolder.create(root, "bench", Clock.systemUTC());

        BenchJob.Report report = runRecording(grid, settings, run, new ArrayList<>(), new ArrayList<>());

        CellResult result = report.analysis().results().get(0);
        assertTrue(result.measured(), result.toString());
        assertEquals(topology, result.cell().topology());
        List<CSVRecord> rows = read(run.resolve(BenchTables.RESULTS_FILE));
        assertEquals(List.of("l2-bi"), rows.stream().map(row -> row.get("topology")).toList());
        assertEquals(FlopModel.of(Mode.FORWARD_BACKWARD, org.bptt.api.Cell.ELMAN, topology, Shape.GRID.get(0), 8),
                Double.parseDouble(rows.get(0).get("flops_per_call")));
        assertTrue(Files.readString(run.resolve(BenchTables.MARKDOWN_FILE)).contains("| l2-bi 1x16x32x16 | 8 |"));
        BenchJob.Report again = BenchJob.reanalyse(RunFolder.open(run.path()));
        assertEquals(List.of(topology), again.request().grid().topologies());
    }

    /**
     * DL4J times its own call too: its row through the adapter is followed by its own call's, which states its
     * threads and the adapter's overhead, and both read back in a re-analysis.
     */
    @Test
    void dl4jIsTimedThroughItsOwnCallBesideTheAdapter(@TempDir Path root) throws Exception {
        BenchGrid grid = oneCellOfTheSmallestShape(BenchAnalysis.DL4J, org.bptt.api.Cell.ELMAN, org.bptt.api.Topology.SINGLE);
        JmhSettings settings = new JmhSettings(1, 0, Duration.ofMillis(100), 1, Duration.ofMillis(100), "1g", 1, false);
        RunFolder run = RunFolder.create(root, "bench", Clock.systemUTC());
        List<String> messages = new ArrayList<>();

        BenchJob.Report report = runRecording(grid, settings, run, new ArrayList<>(), messages);

        assertEquals(List.of("dl4j", "dl4j (own call)"), report.analysis().results().stream()
                .map(result -> result.cell().implementation()).toList(), messages::toString);
        CellResult own = report.analysis().results().get(1);
        assertTrue(own.measured(), own + "\n" + messages);
        // As many repetitions as the budget holds at the adapter's median (an own call is no slower than it).
        double adapterSeconds = Math.max(RunTimeEstimate.callSeconds(report.analysis().results().get(0).cell()),
                report.analysis().results().get(0).medianMs() / 1000.0);
        assertEquals(settings.ownCallRepetitions(adapterSeconds), own.samples().length);
        assertEquals(1, own.threads(), "the fork's one OpenMP thread");
        List<CSVRecord> rows = read(run.resolve(BenchTables.RESULTS_FILE));
        assertEquals(List.of("spi", "own call"), rows.stream().map(row -> row.get("timed_through")).toList());
        assertFalse(rows.get(1).get("adapter_overhead_ms").isEmpty());
        assertEquals(List.of("", "timed as: MultiLayerNetwork.computeGradientAndScore()"),
                rows.stream().map(row -> row.get("message")).toList(), "the own call's row says what was timed");
        assertTrue(Files.readString(run.resolve(BenchTables.MARKDOWN_FILE)).contains("dl4j (own call), 1 thread"));

        byte[] results = Files.readAllBytes(run.resolve(BenchTables.RESULTS_FILE));
        BenchJob.Report again = BenchJob.reanalyse(RunFolder.open(run.path()));
        assertEquals(List.of(BenchAnalysis.DL4J), again.request().grid().implementations());
        assertEquals(new String(results, StandardCharsets.UTF_8), Files.readString(run.resolve(BenchTables.RESULTS_FILE)));
    }

    private static List<CSVRecord> read(Path file) throws Exception {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             CSVParser parser = CSVParser.builder().setReader(reader)
                     .setFormat(RunOutputs.CSV.builder().setHeader().setSkipHeaderRecord(true).get()).get()) {
            return parser.getRecords();
        }
    }
}
