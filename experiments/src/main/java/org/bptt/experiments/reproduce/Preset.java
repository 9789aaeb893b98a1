package org.bptt.experiments.reproduce;

import java.util.ArrayList;
import java.util.List;
import org.bptt.api.InvalidInputException;
import org.bptt.datasets.AddingProblem;
import org.bptt.datasets.PascanuTask;
import org.bptt.datasets.SequenceTask;
import org.bptt.experiments.train.SgdTrainer;

/**
 * A published experiment as data: its grid (task × T × network × method × seed), its training settings, and every
 * setting's source ({@link #settings()}). {@link Presets} holds the three papers.
 *
 * @param name           the preset's name on the command line, e.g. {@code pascanu2013}
 * @param quick          whether these are the small settings of {@code --quick}
 * @param paper          the paper, as a citation
 * @param display        what the summary table and chart show
 * @param tasks          task ids ({@link #task})
 * @param lengths        minimal sequence lengths T
 * @param networks       what is trained
 * @param methods        how
 * @param seeds          seeds 1 … seeds per combination
 * @param hiddenSize     H
 * @param learningRate   η
 * @param batchSize      sequences per SGD step
 * @param steps          SGD steps per cell
 * @param evaluateEvery  steps between measurements on the held-out batch
 * @param evaluationSize sequences in the held-out batch
 * @param squaredErrorScale the factor from our targets' squared error to the paper's (4 when our target is the
 *                       paper's halved), 1 otherwise
 * @param settings       every setting with its source
 * @param paperResults   what the paper reports, and where, to read beside ours (a number only where it could be
 *                       read from the paper's text or tables)
 */
public record Preset(String name, boolean quick, String paper, Display display, List<String> tasks,
                     List<Integer> lengths, List<Network> networks, List<Method> methods, int seeds, int hiddenSize,
                     double learningRate, int batchSize, int steps, int evaluateEvery, int evaluationSize,
                     double squaredErrorScale, List<Setting> settings, List<PaperResult> paperResults) {

    /** What the summary of a preset shows. */
    public enum Display {
        /** Pascanu et al.: the fraction of seeds that solved the task, against T. */
        SUCCESS_RATE_VS_LENGTH,
        /** Hochreiter &amp; Schmidhuber: training sequences until the stopping criterion, and the fraction wrong. */
        SEQUENCES_UNTIL_CRITERION,
        /** Le et al.: test mean squared error against training steps, with the baseline of always answering 1. */
        SQUARED_ERROR_VS_STEPS
    }

    /** Task ids and what they are. */
    public static final String PASCANU_ADDING = "pascanu-adding";
    public static final String PASCANU_MULTIPLICATION = "pascanu-multiplication";
    public static final String PASCANU_TEMPORAL_ORDER = "pascanu-temporal-order";
    public static final String HOCHREITER_ADDING = "adding";
    public static final String FIXED_LENGTH_ADDING = "adding-fixed-length";

    public Preset {
        tasks = List.copyOf(tasks);
        lengths = List.copyOf(lengths);
        networks = List.copyOf(networks);
        methods = List.copyOf(methods);
        settings = List.copyOf(settings);
        paperResults = List.copyOf(paperResults);
        InvalidInputException.require(seeds >= 1 && steps >= 1 && evaluateEvery >= 1 && evaluationSize >= 1,
                "preset %s: seeds, steps, evaluateEvery and evaluationSize must be at least 1", name);
    }

    /** The task called {@code id} at minimal length T. */
    public static SequenceTask task(String id, int length) {
        return switch (id) {
            case PASCANU_ADDING -> new PascanuTask(PascanuTask.Kind.ADDING, length);
            case PASCANU_MULTIPLICATION -> new PascanuTask(PascanuTask.Kind.MULTIPLICATION, length);
            case PASCANU_TEMPORAL_ORDER -> new PascanuTask(PascanuTask.Kind.TEMPORAL_ORDER, length);
            case HOCHREITER_ADDING -> new AddingProblem(length, true);
            case FIXED_LENGTH_ADDING -> new PascanuTask(PascanuTask.Kind.ADDING, length, false);
            default -> throw new InvalidInputException("unknown reproduction task '" + id + "'");
        };
    }

    /**
     * The output the task is trained with: a linear output with squared error for Pascanu et al.'s regression tasks
     * ({@code lastLinear}, RNN.py lines 179-181) and Le et al.'s adding problem; a sigmoid output with squared error
     * for Hochreiter &amp; Schmidhuber's (their output unit is "logistic with output range [0, 1]", Section 5.4, and
     * their target 0.5 + (X₁ + X₂)/4 lies in that range); the task's own softmax for the temporal order problem.
     */
    public static SgdTrainer.Output output(String id) {
        return switch (id) {
            case PASCANU_ADDING, PASCANU_MULTIPLICATION, FIXED_LENGTH_ADDING -> SgdTrainer.Output.LINEAR_SQUARED_ERROR;
            case HOCHREITER_ADDING -> SgdTrainer.Output.SIGMOID_SQUARED_ERROR;
            case PASCANU_TEMPORAL_ORDER -> SgdTrainer.Output.HEAD;
            default -> throw new InvalidInputException("unknown reproduction task '" + id + "'");
        };
    }

    /** Every cell of the grid, in the order of the tables: task, T, network, method, seed. */
    public List<GridCell> cells() {
        List<GridCell> cells = new ArrayList<>();
        for (String task : tasks) {
            for (int length : lengths) {
                for (Network network : networks) {
                    for (Method method : methods) {
                        for (long seed = 1; seed <= seeds; seed++) {
                            cells.add(new GridCell(cells.size(), task, length, network, method, seed));
                        }
                    }
                }
            }
        }
        return cells;
    }

    /** The cells of shard I of N (1-based). */
    public List<GridCell> cells(int shard, int shards) {
        InvalidInputException.require(shards >= 1 && shard >= 1 && shard <= shards,
                "a shard is I/N with 1 ≤ I ≤ N, got %d/%d", shard, shards);
        return cells().stream().filter(cell -> cell.inShard(shard, shards)).toList();
    }

    /** The total number of SGD steps of the grid. */
    public long totalSteps() {
        return (long) cells().size() * steps;
    }

    /** A line naming the preset's settings. */
    public String describe() {
        return String.format(java.util.Locale.ROOT,
                "%s%s: tasks %s, T %s, networks %s, methods %s, %d seeds, H=%d, η=%s, batch %d, %d steps, "
                        + "evaluation every %d steps on %d sequences", name, quick ? " (quick)" : "", tasks, lengths,
                networks.stream().map(Network::id).toList(), methods.stream().map(Method::label).toList(), seeds,
                hiddenSize, learningRate, batchSize, steps, evaluateEvery, evaluationSize);
    }
}
