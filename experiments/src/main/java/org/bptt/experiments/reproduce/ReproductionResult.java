package org.bptt.experiments.reproduce;

import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bptt.experiments.train.SgdTrainer;
import org.bptt.outputs.ChartSpec;
import org.bptt.outputs.ChartSpec.Axis;
import org.bptt.outputs.ChartSpec.Layout;
import org.bptt.outputs.ChartSpec.Legend;
import org.bptt.outputs.ChartSpec.Line;
import org.bptt.outputs.ChartSpec.Marker;
import org.bptt.outputs.ChartSpec.Series;
import org.bptt.outputs.Statistics;
import org.bptt.outputs.Table;

/**
 * The whole grid of a preset, read from its checkpoints, and what a run writes from it: the tables and the charts.
 * They depend on the preset and the cells' results alone (no time, no machine, no shard), so a grid merged from
 * shards gives the same files, byte for byte, as one run of the whole grid.
 *
 * @param preset  what was run
 * @param results one per cell, in grid order
 */
public record ReproductionResult(Preset preset, Map<GridCell, CellResult> results) {

    private static final Layout LAYOUT = new Layout(1000, 560, 12f, Legend.RIGHT, 6);

    public ReproductionResult {
        results = new LinkedHashMap<>(results);
    }

    /** The baseline of the adding problem on the scale of X₁ + X₂: always answering 1 gives Var(X₁ + X₂) = 1/6. */
    public static final double ALWAYS_ONE_SQUARED_ERROR = 1.0 / 6.0;

    /** The tables: settings, one row per cell, one row per evaluation, the preset's summary, and the paper's numbers. */
    public List<Table> tables() {
        return List.of(settingsTable(), cellTable(), evaluationTable(), summaryTable(), paperTable());
    }

    /** Every setting with its source, then what the paper reports and where. */
    public Table settingsTable() {
        Table.Builder table = Table.builder("reproduce-settings", "preset", "setting", "value", "source");
        table.row(preset.name(), "paper", preset.paper(), "");
        for (Setting setting : preset.settings()) {
            table.row(preset.name(), setting.name(), setting.value(), setting.source());
        }
        for (PaperResult result : preset.paperResults()) {
            table.row(preset.name(), "paper's results", result.printed(), result.source());
        }
        return table.build();
    }

    /**
     * What the paper reports beside ours: each of its numbers with its source, and the same quantity measured on our
     * cells of the same task, T, network and method (the median over seeds; empty when we ran no such cells, or when
     * the paper's statement is not about one T).
     */
    public Table paperTable() {
        Table.Builder table = Table.builder("reproduce-paper", "task", "T", "network", "method", "quantity", "paper",
                "paper_as_printed", "ours", "our_seeds", "source");
        for (PaperResult result : preset.paperResults()) {
            List<CellResult> ours = new ArrayList<>();
            results.forEach((cell, outcome) -> {
                if (result.concerns(cell) && !outcome.failed()) {
                    ours.add(outcome);
                }
            });
            Double measured = result.quantity() == null || ours.isEmpty() ? null : ours(result.quantity(), ours);
            table.row(result.task(), result.length() == 0 ? null : result.length(),
                    result.network() == null ? "" : result.network().id(),
                    result.method() == null ? "" : result.method().label(),
                    result.quantity() == null ? "" : result.quantity().description(),
                    Double.isNaN(result.value()) ? null : result.value(), result.printed(), measured,
                    ours.isEmpty() ? null : ours.size(), result.source());
        }
        return table.build();
    }

    /**
     * The quantity on our cells, as the summary tables define it: the median over the seeds that met the criterion of
     * the training sequences until then (null when none did), the median final fraction wrong, the fraction of
     * seeds that solved the task, or the median over the seeds that got there of the training sequences until the
     * held-out squared error was first below 0.1 (null when none did).
     */
    private Double ours(PaperResult.Quantity quantity, List<CellResult> cells) {
        return switch (quantity) {
            case SEQUENCES_UNTIL_CRITERION -> {
                double[] sequences = cells.stream().filter(result -> result.firstSolved() != null)
                        .mapToDouble(result -> (double) result.firstSolved().step() * preset.batchSize()).toArray();
                yield sequences.length == 0 ? null : Statistics.median(sequences);
            }
            case FRACTION_WRONG -> Statistics.median(cells.stream()
                    .mapToDouble(result -> result.last().fractionWrong()).toArray());
            case SUCCESS_RATE -> cells.stream().filter(result -> result.firstSolved() != null).count()
                    / (double) cells.size();
            case SEQUENCES_TO_MSE_0_1 -> {
                double[] sequences = cells.stream()
                        .flatMap(result -> result.evaluations().stream()
                                .filter(evaluation -> reportedSquaredError(evaluation)
                                        < PaperResult.Quantity.SQUARED_ERROR_THRESHOLD)
                                .limit(1))
                        .mapToDouble(evaluation -> (double) evaluation.step() * preset.batchSize()).toArray();
                yield sequences.length == 0 ? null : Statistics.median(sequences);
            }
        };
    }

    /** One row per cell: what trained it, its final measurement and when it first solved the held-out batch. */
    public Table cellTable() {
        Table.Builder table = Table.builder("reproduce-cells", "task", "T", "network", "method", "seed",
                "implementation", "final_step", "final_loss", "final_fraction_wrong", "final_squared_error", "first_solved_step",
                "sequences_until_solved", "diverged_at_step", "divergence", "error");
        results.forEach((cell, result) -> {
            SgdTrainer.Evaluation last = result.last();
            SgdTrainer.Evaluation solved = result.firstSolved();
            table.row(cell.task(), cell.length(), cell.network().id(), cell.method().label(), cell.seed(),
                    result.implementation(), last == null ? null : last.step(), last == null ? null : last.loss(),
                    last == null ? null : last.fractionWrong(),
                    last == null ? null : reportedSquaredError(last),
                    solved == null ? null : solved.step(),
                    solved == null ? null : (long) solved.step() * preset.batchSize(),
                    result.divergedAtStep(), result.divergence(), result.error());
        });
        return table.build();
    }

    /** One row per evaluation of every cell. */
    public Table evaluationTable() {
        Table.Builder table = Table.builder("reproduce-evaluations", "task", "T", "network", "method", "seed", "step",
                "loss", "fraction_wrong", "squared_error");
        results.forEach((cell, result) -> {
            for (SgdTrainer.Evaluation evaluation : result.evaluations()) {
                table.row(cell.task(), cell.length(), cell.network().id(), cell.method().label(), cell.seed(),
                        evaluation.step(), evaluation.loss(), evaluation.fractionWrong(),
                        reportedSquaredError(evaluation));
            }
        });
        return table.build();
    }

    /** The preset's summary: success rate against T, sequences until the criterion, or squared error against steps. */
    public Table summaryTable() {
        return switch (preset.display()) {
            case SUCCESS_RATE_VS_LENGTH -> successTable();
            case SEQUENCES_UNTIL_CRITERION -> sequencesTable();
            case SQUARED_ERROR_VS_STEPS -> squaredErrorTable();
        };
    }

    private Table successTable() {
        Table.Builder table = Table.builder("reproduce-success", "task", "T", "network", "method", "seeds",
                "solved_seeds", "success_rate", "failed_cells");
        for (Group group : groups()) {
            long solved = group.results.stream().filter(result -> result.firstSolved() != null).count();
            table.row(group.task, group.length, group.network.id(), group.method.label(), group.results.size(), solved,
                    solved / (double) group.results.size(), group.results.stream().filter(CellResult::failed).count());
        }
        return table.build();
    }

    private Table sequencesTable() {
        Table.Builder table = Table.builder("reproduce-sequences", "task", "T", "network", "method", "seeds",
                "seeds_meeting_criterion", "median_sequences_until_criterion", "median_final_fraction_wrong",
                "failed_cells");
        for (Group group : groups()) {
            double[] sequences = group.results.stream().filter(result -> result.firstSolved() != null)
                    .mapToDouble(result -> (double) result.firstSolved().step() * preset.batchSize()).toArray();
            double[] wrong = group.results.stream().filter(result -> !result.failed())
                    .mapToDouble(result -> result.last().fractionWrong()).toArray();
            table.row(group.task, group.length, group.network.id(), group.method.label(), group.results.size(),
                    sequences.length, sequences.length == 0 ? null : Statistics.median(sequences),
                    wrong.length == 0 ? null : Statistics.median(wrong),
                    group.results.stream().filter(CellResult::failed).count());
        }
        return table.build();
    }

    private Table squaredErrorTable() {
        Table.Builder table = Table.builder("reproduce-squared-error", "task", "T", "network", "method", "step",
                "seeds", "median_squared_error", "always_one_baseline");
        for (Group group : groups()) {
            medianByStep(group).forEach((step, median) -> table.row(group.task, group.length, group.network.id(),
                    group.method.label(), step, group.results.size(), median, ALWAYS_ONE_SQUARED_ERROR));
        }
        return table.build();
    }

    /** The charts of the preset's summary. */
    public List<ChartSpec> charts() {
        List<ChartSpec> charts = new ArrayList<>();
        switch (preset.display()) {
            case SUCCESS_RATE_VS_LENGTH -> {
                for (String task : tasks()) {
                    charts.add(perLengthChart("reproduce-success-" + task, task,
                            String.format(Locale.ROOT, "%s, %s: fraction of %s solved vs T", preset.name(), task,
                                    seeds()), "success rate (seeds solved)",
                            group -> group.results.stream().filter(result -> result.firstSolved() != null).count()
                                    / (double) group.results.size()));
                }
            }
            case SEQUENCES_UNTIL_CRITERION -> {
                for (String task : tasks()) {
                    charts.add(perLengthChart("reproduce-fraction-wrong-" + task, task,
                            String.format(Locale.ROOT, "%s, %s: held-out fraction wrong at the end, median of %s",
                                    preset.name(), task, seeds()), "fraction wrong",
                            group -> Statistics.median(group.results.stream().filter(result -> !result.failed())
                                    .mapToDouble(result -> result.last().fractionWrong()).toArray())));
                }
            }
            case SQUARED_ERROR_VS_STEPS -> {
                for (String task : tasks()) {
                    for (int length : preset.lengths()) {
                        if (results.keySet().stream().anyMatch(cell -> cell.task().equals(task) && cell.length() == length)) {
                            charts.add(squaredErrorChart(task, length));
                        }
                    }
                }
            }
        }
        return charts;
    }

    /** The line and the marker of a preset's first, second and third method (and round again). */
    private static final List<Line> METHOD_LINES = List.of(Line.SOLID, Line.DASHED, Line.SOLID);
    private static final List<Marker> METHOD_MARKERS = List.of(Marker.CIRCLE, Marker.SQUARE, Marker.DIAMOND);

    /**
     * The series of one network and method, named after both: one colour per network and one line and marker per
     * method, by their places in the preset, so that a grid of 3 × 3 series does not run past the palette's 8
     * colours and draw two alike, and a series looks the same in every chart and every selection.
     */
    private Series styled(Network network, Method method, List<? extends Number> x, List<Double> y) {
        int methodIndex = preset.methods().indexOf(method);
        return Series.markedLine(network.id() + " " + method.label(), x, y,
                ChartSpec.paletteColour(preset.networks().indexOf(network)),
                METHOD_LINES.get(methodIndex % METHOD_LINES.size()), METHOD_MARKERS.get(methodIndex % METHOD_MARKERS.size()));
    }

    private ChartSpec perLengthChart(String name, String task, String title, String yTitle,
                                     java.util.function.ToDoubleFunction<Group> value) {
        List<Series> series = new ArrayList<>();
        for (Network network : preset.networks()) {
            for (Method method : preset.methods()) {
                List<Integer> lengths = new ArrayList<>();
                List<Double> values = new ArrayList<>();
                for (Group group : groups()) {
                    if (group.task.equals(task) && group.network == network && group.method == method) {
                        double y = value.applyAsDouble(group);
                        lengths.add(group.length);
                        values.add(Double.isNaN(y) ? 0.0 : y);
                    }
                }
                if (!lengths.isEmpty()) {
                    series.add(styled(network, method, lengths, values));
                }
            }
        }
        return new ChartSpec(name, title, Axis.linear("T (minimal sequence length)"),
                Axis.linear(yTitle).between(0.0, 1.0), List.of(), series, LAYOUT);
    }

    /**
     * The held-out squared error against steps, as log₁₀ on a linear axis labelled with the values (as the bench's
     * time charts): the band of always answering 1 and a learnt network's 10⁻³ both show, and a run that spans less
     * than a decade still gets labelled ticks (a logarithmic axis labels the powers of ten alone).
     */
    private ChartSpec squaredErrorChart(String task, int length) {
        List<Series> series = new ArrayList<>();
        List<Integer> allSteps = new ArrayList<>();
        for (Group group : groups()) {
            if (!group.task.equals(task) || group.length != length) {
                continue;
            }
            List<Integer> steps = new ArrayList<>();
            List<Double> logErrors = new ArrayList<>();
            // An error of exactly 0, or a non-finite one, has no logarithm: it stays in the table, out of the chart.
            medianByStep(group).forEach((step, median) -> {
                if (median > 0 && Double.isFinite(median)) {
                    steps.add(step);
                    logErrors.add(Math.log10(median));
                }
            });
            if (steps.isEmpty()) {
                continue;
            }
            allSteps.addAll(steps);
            series.add(styled(group.network, group.method, steps, logErrors));
        }
        int last = allSteps.stream().mapToInt(Integer::intValue).max().orElse(preset.steps());
        double baseline = Math.log10(ALWAYS_ONE_SQUARED_ERROR);
        series.add(Series.line("always 1 (MSE 1/6)", List.of(0, last), List.of(baseline, baseline), Color.GRAY,
                Line.DASHED));
        return new ChartSpec("reproduce-squared-error-" + task + "-T" + length, String.format(Locale.ROOT,
                "%s, %s, T=%d: held-out MSE (scale of X1+X2), median of %s", preset.name(), task, length,
                seeds()), Axis.linear("SGD step"),
                Axis.linear("mean squared error (log scale)").labelled(ChartSpec.TickLabels.POWERS_OF_TEN), List.of(),
                series, LAYOUT);
    }

    /** An evaluation's squared error on the paper's scale ({@link Preset#squaredErrorScale}). */
    private double reportedSquaredError(SgdTrainer.Evaluation evaluation) {
        return preset.squaredErrorScale() * evaluation.meanSquaredError();
    }

    /** The median over a group's seeds of the scaled squared error at each step every finished cell measured. */
    private Map<Integer, Double> medianByStep(Group group) {
        Map<Integer, List<Double>> byStep = new java.util.TreeMap<>();
        for (CellResult result : group.results) {
            for (SgdTrainer.Evaluation evaluation : result.evaluations()) {
                byStep.computeIfAbsent(evaluation.step(), step -> new ArrayList<>())
                        .add(reportedSquaredError(evaluation));
            }
        }
        Map<Integer, Double> medians = new LinkedHashMap<>();
        byStep.forEach((step, values) -> medians.put(step,
                Statistics.median(values.stream().mapToDouble(Double::doubleValue).toArray())));
        return medians;
    }

    /** The preset's tasks that have cells here (a selection of the grid may leave some out). */
    private List<String> tasks() {
        return preset.tasks().stream()
                .filter(task -> results.keySet().stream().anyMatch(cell -> cell.task().equals(task))).toList();
    }

    /** "1 seed" or "N seeds": the seeds the cells here have (all the preset's, unless a selection left some out). */
    private String seeds() {
        long seeds = results.keySet().stream().mapToLong(GridCell::seed).distinct().count();
        return seeds + (seeds == 1 ? " seed" : " seeds");
    }

    /** The cells of one task, T, network and method: its seeds. */
    private record Group(String task, int length, Network network, Method method, List<CellResult> results) {
    }

    /** The groups in grid order. */
    private List<Group> groups() {
        Map<String, Group> groups = new LinkedHashMap<>();
        results.forEach((cell, result) -> groups.computeIfAbsent(
                cell.task() + "|" + cell.length() + "|" + cell.network() + "|" + cell.method(),
                key -> new Group(cell.task(), cell.length(), cell.network(), cell.method(), new ArrayList<>()))
                .results().add(result));
        return List.copyOf(groups.values());
    }
}
