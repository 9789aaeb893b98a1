package org.bptt.benchmarks;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.bptt.api.InvalidInputException;
import org.bptt.outputs.Table;
import org.bptt.reports.Results;
import org.bptt.reports.RunOutputs;

/**
 * The tables of a {@code bench} run, written by the run writer ({@link RunOutputs}: atomically, in the CSV dialect of
 * every table of the harness); their columns are documented in {@code benchmarks/README.md}. Doubles as
 * {@link Double#toString}. Timing tables are not deterministic by nature; the grid and the FLOP model are (the
 * predicted ratio uses measured times too).
 */
public final class BenchTables {

    /** The tables' names; each is written as {@code <name>.csv}. */
    public static final String RESULTS_TABLE = "bench-results";
    public static final String SAMPLES_TABLE = "bench-samples";
    public static final String SLOPES_TABLE = "bench-slopes";
    public static final String RATIOS_TABLE = "bench-ratios";
    public static final String TARGETS_TABLE = "bench-targets";
    public static final String BASELINE_TABLE = "bench-baseline";

    public static final String RESULTS_FILE = RESULTS_TABLE + ".csv";
    public static final String SAMPLES_FILE = SAMPLES_TABLE + ".csv";
    public static final String SLOPES_FILE = SLOPES_TABLE + ".csv";
    public static final String RATIOS_FILE = RATIOS_TABLE + ".csv";
    public static final String TARGETS_FILE = TARGETS_TABLE + ".csv";
    public static final String BASELINE_FILE = BASELINE_TABLE + ".csv";
    public static final String MARKDOWN_FILE = "bench-table.md";

    public static final List<String> RESULT_COLUMNS = List.of("implementation", "cell", "topology", "shape", "B", "d", "H", "K", "T", "mode",
            "precision", "status", "message", "samples", "forks", "median_ms", "mean_ms", "error_ms", "min_ms", "max_ms",
            "flops_per_call", "gflops", "alloc_bytes_per_call", "peak_heap_bytes", "threads", "fork_spread",
            "timed_through", "adapter_overhead_ms");
    public static final List<String> SAMPLE_COLUMNS = List.of("implementation", "cell", "topology", "shape", "T", "mode", "precision", "fork",
            "iteration", "ms_per_call");
    public static final List<String> SLOPE_COLUMNS = List.of("implementation", "cell", "topology", "shape", "mode", "precision", "steps",
            "slope", "slope_standard_error", "points", "slope_all_steps", "points_all_steps");
    public static final List<String> RATIO_COLUMNS = List.of("shape", "T", "mode", "precision", "naive_median_ms",
            "aggregated_median_ms", "measured_ratio", "forward_share", "forward_share_measured", "predicted_ratio",
            "deviation", "flop_model_ratio", "naive_step_backprops", "aggregated_step_backprops");
    public static final List<String> TARGET_COLUMNS = List.of("target", "subject", "required", "measured", "verdict");
    public static final List<String> BASELINE_COLUMNS = List.of("implementation", "cell", "topology", "shape", "T", "mode", "precision",
            "baseline_samples", "current_samples", "baseline_median_ms", "current_median_ms", "change", "p_slower",
            "p_faster", "exact", "verdict");

    private BenchTables() {
    }

    /** The results, samples, slopes, ratios and targets tables, in that order. */
    public static List<Table> tables(BenchAnalysis analysis, List<BenchAnalysis.Target> targets) {
        return List.of(resultsTable(analysis.results()), samplesTable(analysis.results()),
                new Table(SLOPES_TABLE, SLOPE_COLUMNS, slopeRows(analysis.slopes())),
                new Table(RATIOS_TABLE, RATIO_COLUMNS, ratioRows(analysis.ratios())),
                new Table(TARGETS_TABLE, TARGET_COLUMNS, targetRows(targets)));
    }

    /** The results and samples tables alone (rewritten while a run goes on, so that an interrupted run keeps them). */
    public static List<Table> measurementTables(List<CellResult> results) {
        return List.of(resultsTable(results), samplesTable(results));
    }

    /** One row per cell: median, error, GFLOP/s, memory, or why it was not measured. */
    public static Table resultsTable(List<CellResult> results) {
        return new Table(RESULTS_TABLE, RESULT_COLUMNS, resultRows(results));
    }

    /** Every JMH iteration sample of every cell. */
    static Table samplesTable(List<CellResult> results) {
        return new Table(SAMPLES_TABLE, SAMPLE_COLUMNS, sampleRows(results));
    }

    /** The baseline comparison table. */
    public static Table baselineTable(List<Baseline.Comparison> comparisons) {
        return new Table(BASELINE_TABLE, BASELINE_COLUMNS, baselineRows(comparisons));
    }

    private static List<List<String>> baselineRows(List<Baseline.Comparison> comparisons) {
        List<List<String>> rows = new ArrayList<>();
        for (Baseline.Comparison comparison : comparisons) {
            Cell cell = comparison.cell();
            rows.add(List.of(cell.implementation(), Cell.rnnCellName(cell.rnnCell()), Cell.topologyName(cell.topology()),
                    cell.shape().toString(), Integer.toString(cell.steps()), cell.mode().label(),
                    Cell.precisionName(cell.precision()), Integer.toString(comparison.baselineSamples()),
                    Integer.toString(comparison.currentSamples()), optional(comparison.baselineMedianMs()),
                    optional(comparison.currentMedianMs()), optional(comparison.change()), optional(comparison.pSlower()),
                    optional(comparison.pFaster()), Boolean.toString(comparison.exact()), comparison.verdict().name()));
        }
        return rows;
    }

    private static List<List<String>> resultRows(List<CellResult> results) {
        List<List<String>> rows = new ArrayList<>();
        for (CellResult result : results) {
            Cell cell = result.cell();
            Shape shape = cell.shape();
            double[] samples = result.samples();
            double min = Double.NaN;
            double max = Double.NaN;
            for (double sample : samples) {
                min = Double.isNaN(min) ? sample : Math.min(min, sample);
                max = Double.isNaN(max) ? sample : Math.max(max, sample);
            }
            boolean measured = result.measured();
            rows.add(List.of(cell.implementation(), Cell.rnnCellName(cell.rnnCell()), Cell.topologyName(cell.topology()),
                    shape.toString(),
                    Integer.toString(shape.batchSize()),
                    Integer.toString(shape.inputSize()), Integer.toString(shape.hiddenSize()),
                    Integer.toString(shape.outputSize()), Integer.toString(cell.steps()), cell.mode().label(),
                    Cell.precisionName(cell.precision()), result.status().name(), result.message(),
                    Integer.toString(samples.length), Integer.toString(result.samplesByFork().size()),
                    measured ? number(result.medianMs()) : "", measured ? number(result.meanMs()) : "",
                    measured ? number(result.errorMs()) : "", measured ? number(min) : "", measured ? number(max) : "",
                    number(cell.flops()), measured ? number(result.gflops()) : "",
                    optional(result.allocBytesPerCall()), optional(result.peakHeapBytes()),
                    result.threads() > 0 ? Integer.toString(result.threads()) : "", optional(result.forkSpread()),
                    cell.isOwnCall() ? "own call" : "spi", optional(adapterOverheadMs(result, results))));
        }
        return rows;
    }

    /**
     * For an own-call cell: the median time through the SPI minus the median of the library's own call, what the
     * adapter (or the protocol) adds; NaN for other cells or when the SPI cell was not measured.
     */
    static double adapterOverheadMs(CellResult ownCall, List<CellResult> results) {
        if (!ownCall.cell().isOwnCall() || !ownCall.measured()) {
            return Double.NaN;
        }
        String spiKey = ownCall.cell().throughSpi().key();
        return results.stream().filter(other -> other.measured() && other.cell().key().equals(spiKey)).findFirst()
                .map(spi -> spi.medianMs() - ownCall.medianMs()).orElse(Double.NaN);
    }

    private static List<List<String>> sampleRows(List<CellResult> results) {
        List<List<String>> rows = new ArrayList<>();
        for (CellResult result : results) {
            Cell cell = result.cell();
            for (int fork = 0; fork < result.samplesByFork().size(); fork++) {
                double[] samples = result.samplesByFork().get(fork);
                for (int iteration = 0; iteration < samples.length; iteration++) {
                    rows.add(List.of(cell.implementation(), Cell.rnnCellName(cell.rnnCell()),
                            Cell.topologyName(cell.topology()), cell.shape().toString(),
                            Integer.toString(cell.steps()), cell.mode().label(), Cell.precisionName(cell.precision()), Integer.toString(fork + 1),
                            Integer.toString(iteration + 1), number(samples[iteration])));
                }
            }
        }
        return rows;
    }

    private static List<List<String>> slopeRows(List<BenchAnalysis.Slope> slopes) {
        List<List<String>> rows = new ArrayList<>();
        for (BenchAnalysis.Slope slope : slopes) {
            Stats.PowerLawFit from = slope.fromStepsFit();
            Stats.PowerLawFit all = slope.allStepsFit();
            rows.add(List.of(slope.implementation(), Cell.rnnCellName(slope.rnnCell()),
                    Cell.topologyName(slope.topology()), slope.shape().toString(),
                    slope.mode().label(),
                    Cell.precisionName(slope.precision()),
                    String.join(";", slope.steps().stream().map(String::valueOf).toList()),
                    from == null ? "" : number(from.slope()), from == null ? "" : optional(from.standardError()),
                    from == null ? "0" : Integer.toString(from.points()),
                    all == null ? "" : number(all.slope()), all == null ? "0" : Integer.toString(all.points())));
        }
        return rows;
    }

    private static List<List<String>> ratioRows(List<BenchAnalysis.Ratio> ratios) {
        List<List<String>> rows = new ArrayList<>();
        for (BenchAnalysis.Ratio ratio : ratios) {
            rows.add(List.of(ratio.shape().toString(), Integer.toString(ratio.steps()), ratio.mode().label(),
                    Cell.precisionName(ratio.precision()), number(ratio.naiveMs()), number(ratio.aggregatedMs()),
                    number(ratio.measured()), number(ratio.forwardShare()), Boolean.toString(ratio.forwardShareMeasured()),
                    number(ratio.predicted()), number(ratio.deviation()), number(ratio.predictedByFlops()),
                    ratio.mode() == Mode.FORWARD ? "0" : Long.toString(CostModel.stepBackprops(true, ratio.steps())),
                    ratio.mode() == Mode.FORWARD ? "0" : Long.toString(CostModel.stepBackprops(false, ratio.steps()))));
        }
        return rows;
    }

    private static List<List<String>> targetRows(List<BenchAnalysis.Target> targets) {
        List<List<String>> rows = new ArrayList<>();
        for (BenchAnalysis.Target target : targets) {
            rows.add(List.of(target.target(), target.subject(), target.required(), target.measured(), target.verdict().name()));
        }
        return rows;
    }

    /**
     * Reads the samples of an earlier run's {@value #SAMPLES_FILE}, by cell key.
     *
     * @throws InvalidInputException when the folder has no such table, or a row cannot be read
     */
    public static Map<String, Baseline.CellSamples> readSamples(Path runFolder) throws IOException {
        InvalidInputException.require(Files.isRegularFile(runFolder.resolve(SAMPLES_FILE)),
                "baseline %s has no %s: is it a bptt bench run folder?", runFolder, SAMPLES_FILE);
        Map<String, Baseline.CellSamples> byKey = new LinkedHashMap<>();
        readSamplesByFork(runFolder).forEach((cell, forks) -> byKey.put(cell.key(), new Baseline.CellSamples(cell,
                forks.stream().flatMapToDouble(java.util.Arrays::stream).toArray())));
        return byKey;
    }

    /**
     * Reads back the cells an earlier run wrote: {@value #RESULTS_FILE} (status, message, error, memory) with the
     * samples of {@value #SAMPLES_FILE}, fork by fork. What {@link #writeMeasurements} wrote reads back as it was.
     *
     * @throws InvalidInputException when a table is missing or a row cannot be read (naming the file and line)
     */
    public static List<CellResult> readResults(Path runFolder) throws IOException {
        Path file = runFolder.resolve(RESULTS_FILE);
        InvalidInputException.require(Files.isRegularFile(file), "%s has no %s: is it a bptt bench run folder?",
                runFolder, RESULTS_FILE);
        Map<Cell, List<double[]>> samplesByFork = readSamplesByFork(runFolder);
        List<CellResult> results = new ArrayList<>();
        for (CSVRecord record : records(file)) {
            try {
                Cell cell = cell(record);
                results.add(new CellResult(cell, CellResult.Status.valueOf(record.get("status")), record.get("message"),
                        samplesByFork.getOrDefault(cell, List.of()), parseOptional(record.get("error_ms")),
                        parseOptional(record.get("alloc_bytes_per_call")), parseOptional(record.get("peak_heap_bytes")),
                        record.isMapped("threads") && !record.get("threads").isEmpty()
                                ? Integer.parseInt(record.get("threads")) : 0));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException(String.format(Locale.ROOT, "%s line %d cannot be read: %s",
                        file, record.getRecordNumber() + 1, e.getMessage()));
            }
        }
        return results;
    }

    /** Per cell, its samples per fork in fork order (iterations in file order), cells in file order. */
    private static Map<Cell, List<double[]>> readSamplesByFork(Path runFolder) throws IOException {
        Path file = runFolder.resolve(SAMPLES_FILE);
        InvalidInputException.require(Files.isRegularFile(file), "%s has no %s: is it a bptt bench run folder?",
                runFolder, SAMPLES_FILE);
        Map<Cell, Map<Integer, List<Double>>> byCell = new LinkedHashMap<>();
        for (CSVRecord record : records(file)) {
            try {
                byCell.computeIfAbsent(cell(record), key -> new java.util.TreeMap<>())
                        .computeIfAbsent(Integer.parseInt(record.get("fork")), fork -> new ArrayList<>())
                        .add(Double.parseDouble(record.get("ms_per_call")));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException(String.format(Locale.ROOT, "%s line %d cannot be read: %s",
                        file, record.getRecordNumber() + 1, e.getMessage()));
            }
        }
        Map<Cell, List<double[]>> result = new LinkedHashMap<>();
        byCell.forEach((cell, forks) -> result.put(cell, forks.values().stream()
                .map(samples -> samples.stream().mapToDouble(Double::doubleValue).toArray()).toList()));
        return result;
    }

    /**
     * The cell of a row; a table written before there was a choice of cell has no cell column (Elman), one written
     * before there were topologies no topology column (one layer read forwards).
     */
    private static Cell cell(CSVRecord record) {
        org.bptt.api.Cell rnnCell = record.isMapped("cell") ? Cell.parseRnnCell(record.get("cell")) : org.bptt.api.Cell.ELMAN;
        org.bptt.api.Topology topology = record.isMapped("topology") ? Cell.parseTopology(record.get("topology"))
                : org.bptt.api.Topology.SINGLE;
        return new Cell(record.get("implementation"), rnnCell, Shape.parse(record.get("shape")),
                Integer.parseInt(record.get("T")), Mode.parse(record.get("mode")), Cell.parsePrecision(record.get("precision")),
                topology);
    }

    private static List<CSVRecord> records(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             CSVParser parser = CSVParser.builder().setReader(reader)
                     .setFormat(RunOutputs.CSV.builder().setHeader().setSkipHeaderRecord(true).get()).get()) {
            return parser.getRecords();
        }
    }

    /** NaN for an empty field ("does not apply"). */
    private static double parseOptional(String text) {
        return text.isEmpty() ? Double.NaN : Double.parseDouble(text);
    }

    private static String number(double value) {
        return Results.number(value);
    }

    /** Empty for NaN ("does not apply"). */
    private static String optional(double value) {
        return Double.isNaN(value) ? "" : Results.number(value);
    }
}
