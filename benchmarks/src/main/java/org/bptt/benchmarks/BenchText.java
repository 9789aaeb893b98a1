package org.bptt.benchmarks;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.bptt.outputs.Table;
import org.bptt.reports.Provenance;

/** The run's summary as text: for the console, and as Markdown ({@value BenchTables#MARKDOWN_FILE}) for the README. */
public final class BenchText {

    private BenchText() {
    }

    /** The timing table, the slopes, the targets and what was not measured, for a terminal or a CI log. */
    public static void print(PrintWriter out, BenchJob.Report report) {
        BenchGrid grid = report.request().grid();
        BenchAnalysis analysis = report.analysis();
        // As wide as the longest implementation (a cmd: id is a whole command line).
        String nameColumn = "%-" + Math.max(22, analysis.columns(grid).stream().mapToInt(String::length).max().orElse(0)) + "s";
        for (Mode mode : grid.modes()) {
            for (BenchGrid.Network network : grid.networks()) {
                org.bptt.api.Cell rnnCell = network.rnnCell();
                org.bptt.api.Topology topology = network.topology();
                for (Shape shape : grid.shapes()) {
                    out.printf(Locale.ROOT, "%s, %s%s (%s), %s%n", mode.label(), network.prefix(), shape, shape.label(),
                            Cell.precisionName(grid.precision()));
                    out.printf(Locale.ROOT, "  %5s  " + nameColumn + " %12s %10s %9s %7s %7s %11s %11s %10s%n", "T",
                            "implementation", "median ms", "± error", "GFLOP/s", "threads", "forks±", "overhead ms",
                            "naive/agg", "predicted");
                    for (int t : grid.steps()) {
                        for (String implementation : analysis.columns(grid)) {
                            Optional<CellResult> result = analysis.measured(implementation, rnnCell, topology, shape, t, mode, grid.precision());
                            if (result.isEmpty()) {
                                continue;
                            }
                            String ratio = "";
                            String predicted = "";
                            if (implementation.equals(CostModel.NAIVE)) {
                                Optional<BenchAnalysis.Ratio> match = ratio(analysis, rnnCell, topology, shape, t, mode, grid);
                                if (match.isPresent()) {
                                    ratio = String.format(Locale.ROOT, "%.2f", match.get().measured());
                                    predicted = String.format(Locale.ROOT, "%.2f", match.get().predicted());
                                }
                            }
                            CellResult cell = result.get();
                            double spread = cell.forkSpread();
                            double overhead = analysis.adapterOverheadMs(cell);
                            out.printf(Locale.ROOT, "  %5d  " + nameColumn + " %12s %10s %9.2f %7s %7s %11s %11s %10s%n", t,
                                    implementation, Table.significant(cell.medianMs()), Table.significant(cell.errorMs()),
                                    cell.gflops(), cell.threads() > 0 ? Integer.toString(cell.threads()) : "?",
                                    Double.isNaN(spread) ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * spread),
                                    Double.isNaN(overhead) ? "" : Table.significant(overhead), ratio, predicted);
                        }
                    }
                    out.println();
                }
            }
        }
        out.printf(Locale.ROOT, "Fitted slopes of time against T (log-log least squares, T ≥ %d; all T in brackets):%n",
                BenchAnalysis.FROM_STEPS);
        for (BenchAnalysis.Slope slope : analysis.slopes()) {
            out.printf(Locale.ROOT, "  %-22s %-22s %-17s %6s  (%s)%n", slope.implementation(),
                    Cell.networkPrefix(slope.rnnCell(), slope.topology()) + slope.shape(),
                    slope.mode().label(), slope.fromStepsFit() == null ? "-" : String.format(Locale.ROOT, "%.3f", slope.slope()),
                    slope.allStepsFit() == null ? "-" : String.format(Locale.ROOT, "%.3f", slope.allStepsFit().slope()));
        }
        out.println();
        out.println("Columns: median and ± error (99.9% interval of the mean) per call; threads the implementation computed"
                + " with; forks±: the spread of the forks' medians over the median; overhead: for a library's own call,"
                + " the time the adapter or the protocol adds (the SPI median minus the own call's).");
        out.println();
        out.println("Performance targets (the benchmark's verdict, not a test; PASS or FAIL only when the "
                + Math.round(100 * Bootstrap.LEVEL) + "% interval lies on one side of the threshold):");
        for (BenchAnalysis.Target target : report.targets()) {
            out.printf(Locale.ROOT, "  %-12s %s; %s: %s%n", target.verdict(), target.target(), target.subject(), target.measured());
        }
        List<String> notMeasured = notMeasured(analysis);
        if (!notMeasured.isEmpty()) {
            out.println();
            out.println("Not measured:");
            notMeasured.forEach(line -> out.println("  " + line));
        }
        if (!report.comparisons().isEmpty()) {
            out.println();
            out.println("Against the baseline " + report.request().baseline() + " (" + Baseline.rule() + "):");
            Map<Baseline.Verdict, Integer> counts = new LinkedHashMap<>();
            for (Baseline.Comparison comparison : report.comparisons()) {
                counts.merge(comparison.verdict(), 1, Integer::sum);
            }
            out.println("  " + counts);
            for (Baseline.Comparison comparison : report.comparisons()) {
                if (comparison.verdict() == Baseline.Verdict.REGRESSION || comparison.verdict() == Baseline.Verdict.IMPROVEMENT) {
                    out.printf(Locale.ROOT, "  %-12s %s: median %s → %s ms (%+.1f%%), p = %.2g%n", comparison.verdict(),
                            comparison.cell(), Table.significant(comparison.baselineMedianMs()),
                            Table.significant(comparison.currentMedianMs()), 100 * comparison.change(),
                            comparison.verdict() == Baseline.Verdict.REGRESSION ? comparison.pSlower() : comparison.pFaster());
                }
            }
        }
        out.flush();
    }

    /** The summary as Markdown: how it was produced, then the timing table, slopes and targets. */
    public static String markdown(BenchJob.Report report, Provenance provenance) {
        BenchGrid grid = report.request().grid();
        BenchAnalysis analysis = report.analysis();
        StringBuilder md = new StringBuilder();
        md.append("Produced by `").append(String.join(" ", provenance.commandLine().isEmpty() ? List.of("bptt bench")
                : prefixed(provenance.commandLine()))).append("` on ").append(provenance.start()).append(", ")
                .append(provenance.cpuModel()).append(", ").append(provenance.cores()).append(" cores, Java ")
                .append(provenance.javaVersion()).append(". ").append(grid.name()).append(" grid; JMH: ")
                .append(report.request().settings() != null ? report.request().settings().describe()
                        : provenance.extra().getOrDefault("jmh", "as recorded in run.json")).append(". Median time per call in ms (GFLOP/s by the FLOP")
                .append(" model); naive/aggregated measured (predicted from the step counts with the aggregated forward pass's measured"
                + " share, benchmarks/README.md).\n\n");
        for (Mode mode : grid.modes()) {
            md.append("**").append(mode.label()).append("**, ").append(Cell.precisionName(grid.precision())).append("\n\n");
            List<String> columns = analysis.columns(grid);
            md.append("| cell and shape BxdxHxK | T |");
            for (String implementation : columns) {
                md.append(' ').append(implementation).append(threadsLabel(analysis, implementation, mode)).append(" |");
            }
            md.append(" naive/agg (pred.) |\n|---|---:|");
            md.append("---:|".repeat(columns.size())).append("---:|\n");
            for (BenchGrid.Network network : grid.networks()) {
                org.bptt.api.Cell rnnCell = network.rnnCell();
                org.bptt.api.Topology topology = network.topology();
                for (Shape shape : grid.shapes()) {
                    for (int t : grid.steps()) {
                        StringBuilder row = new StringBuilder("| " + network.prefix() + shape + " | " + t + " |");
                        boolean any = false;
                        for (String implementation : columns) {
                            Optional<CellResult> result = analysis.measured(implementation, rnnCell, topology, shape, t, mode, grid.precision());
                            any |= result.isPresent();
                            row.append(' ').append(result.map(r -> Table.significant(r.medianMs()) + String.format(Locale.ROOT,
                                    " (%.2f)", r.gflops())).orElse("–")).append(" |");
                        }
                        Optional<BenchAnalysis.Ratio> ratio = ratio(analysis, rnnCell, topology, shape, t, mode, grid);
                        row.append(' ').append(ratio.map(r -> String.format(Locale.ROOT, "%.2f (%.2f)", r.measured(), r.predicted()))
                                .orElse("–")).append(" |\n");
                        if (any) {
                            md.append(row);
                        }
                    }
                }
            }
            md.append('\n');
        }
        md.append("**Fitted slopes** of time against T, log-log, T ≥ ").append(BenchAnalysis.FROM_STEPS).append("\n\n");
        md.append("| implementation | cell and shape | mode | slope | slope (all T) |\n|---|---|---|---:|---:|\n");
        for (BenchAnalysis.Slope slope : analysis.slopes()) {
            md.append("| ").append(slope.implementation()).append(" | ").append(Cell.networkPrefix(slope.rnnCell(), slope.topology()))
                    .append(slope.shape()).append(" | ")
                    .append(slope.mode().label()).append(" | ")
                    .append(slope.fromStepsFit() == null ? "–" : String.format(Locale.ROOT, "%.3f", slope.slope())).append(" | ")
                    .append(slope.allStepsFit() == null ? "–" : String.format(Locale.ROOT, "%.3f", slope.allStepsFit().slope()))
                    .append(" |\n");
        }
        md.append("\n**Targets**\n\n| verdict | target | subject | measured |\n|---|---|---|---|\n");
        for (BenchAnalysis.Target target : report.targets()) {
            md.append("| ").append(target.verdict()).append(" | ").append(target.target()).append(" | ")
                    .append(target.subject()).append(" | ").append(target.measured().replace("|", "\\|")).append(" |\n");
        }
        List<String> notMeasured = notMeasured(analysis);
        if (!notMeasured.isEmpty()) {
            md.append("\nNot measured: ").append(String.join("; ", notMeasured)).append(".\n");
        }
        return md.toString();
    }

    /** E.g. {@code , 1 thread}: the threads of an implementation's cells in this mode, when they agree. */
    private static String threadsLabel(BenchAnalysis analysis, String implementation, Mode mode) {
        List<Integer> threads = analysis.results().stream().filter(result -> result.measured()
                && result.cell().implementation().equals(implementation) && result.cell().mode() == mode)
                .map(CellResult::threads).distinct().toList();
        if (threads.size() != 1 || threads.get(0) < 1) {
            return "";
        }
        return ", " + threads.get(0) + (threads.get(0) == 1 ? " thread" : " threads");
    }

    /** Why cells were not measured, grouped by implementation and reason. */
    static List<String> notMeasured(BenchAnalysis analysis) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (CellResult result : analysis.results()) {
            if (result.measured()) {
                continue;
            }
            String reason = switch (result.status()) {
                case BEYOND_BUDGET -> "beyond the naive budget (O(T²) work)";
                case SKIPPED, FAILED -> result.status().name().toLowerCase(Locale.ROOT) + ": " + result.message();
                case MEASURED -> "no samples";
            };
            counts.merge(result.cell().implementation() + " " + reason, 1, Integer::sum);
        }
        List<String> lines = new ArrayList<>();
        counts.forEach((reason, count) -> lines.add(count + " cell" + (count == 1 ? "" : "s") + " of " + reason));
        return lines;
    }

    /**
     * The one-layer Elman network's ratio of naive to aggregated at this shape and T, if measured (none for a gated
     * cell or another topology).
     */
    private static Optional<BenchAnalysis.Ratio> ratio(BenchAnalysis analysis, org.bptt.api.Cell rnnCell,
                                                       org.bptt.api.Topology topology, Shape shape, int t, Mode mode,
                                                       BenchGrid grid) {
        return analysis.ratios().stream().filter(r -> rnnCell == org.bptt.api.Cell.ELMAN && topology.single() && r.shape().equals(shape)
                && r.steps() == t && r.mode() == mode && r.precision() == grid.precision()).findFirst();
    }

    /** {@code ./bptt bench …}: the arguments as the launcher is called (the subcommand's own arguments may lack it). */
    private static List<String> prefixed(List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add("./bptt");
        if (arguments.isEmpty() || !arguments.get(0).equals("bench")) {
            command.add("bench");
        }
        command.addAll(arguments);
        return command;
    }
}
