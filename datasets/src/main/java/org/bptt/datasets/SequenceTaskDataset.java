package org.bptt.datasets;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.bptt.api.Batch;
import org.bptt.api.Head;

/**
 * A {@link SequenceTask} (the adding problem, the temporal order problem) seen as a {@link Dataset}: examples of T
 * steps are the task's sequences for minimal length T, in the paper's variable lengths T … T + ⌊T/10⌋, so batches
 * carry a mask when the lengths differ. The task's own generator draws them, so the data are those of
 * {@code bptt train} for the same seed.
 */
public final class SequenceTaskDataset implements Dataset {

    private final String name;
    private final SequenceTask prototype;
    private final List<Integer> lengths;
    private final String task;
    private final Function<double[], String> inputToken;
    private final Function<double[], String> targetToken;

    private SequenceTaskDataset(String name, List<Integer> lengths, String task,
                                Function<double[], String> inputToken, Function<double[], String> targetToken) {
        this.name = name;
        this.prototype = SequenceTasks.create(name, lengths.get(0), true);
        this.lengths = List.copyOf(lengths);
        this.task = task;
        this.inputToken = inputToken;
        this.targetToken = targetToken;
    }

    /** The adding problem; an input step reads {@code value/marker}, e.g. {@code 0.42/1}, the target its value. */
    public static SequenceTaskDataset adding() {
        return new SequenceTaskDataset(AddingProblem.ID, List.of(8, 20), "many-to-one regression: 0.5 + (X1 + X2)/4 (sigmoid output)",
                step -> String.format(Locale.ROOT, "%.2f/%d", step[AddingProblem.VALUE], (int) step[AddingProblem.MARKER]),
                target -> String.format(Locale.ROOT, "%.4f", target[0]));
    }

    /** The temporal order problem; an input step reads as its symbol, the target as its class. */
    public static SequenceTaskDataset temporalOrder() {
        return new SequenceTaskDataset(TemporalOrderProblem.ID, List.of(10, 20),
                "many-to-one classification: the order of the two X/Y symbols (softmax over Q, R, S, U)",
                step -> TemporalOrderProblem.SYMBOLS.get(argmax(step)), target -> TemporalOrderProblem.CLASSES.get(argmax(target)));
    }

    private static int argmax(double[] row) {
        int best = 0;
        for (int index = 1; index < row.length; index++) {
            if (row[index] > row[best]) {
                best = index;
            }
        }
        return best;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return prototype.description();
    }

    @Override
    public String task() {
        return task;
    }

    @Override
    public String source() {
        return prototype.source();
    }

    @Override
    public int inputSize() {
        return prototype.inputSize();
    }

    @Override
    public int outputSize() {
        return prototype.outputSize();
    }

    @Override
    public Head head() {
        return prototype.head();
    }

    @Override
    public List<Integer> lengths() {
        return lengths;
    }

    /** Sequences of the task with minimal length {@code steps} (T … T + ⌊T/10⌋ steps); steps ≥ the task's minimum. */
    @Override
    public List<Example> examples(int count, int steps, long seed) {
        Arguments.requireCountAndSteps(name, count, steps, SequenceTasks.minimumLength(name));
        Batch batch = SequenceTasks.create(name, steps, true).batch(count, seed);
        List<Example> examples = new ArrayList<>(count);
        int inputSize = inputSize();
        for (int b = 0; b < count; b++) {
            int length = batch.length(b);
            double[][] inputs = new double[length][inputSize];
            List<String> tokens = new ArrayList<>(length);
            for (int step = 0; step < length; step++) {
                for (int column = 0; column < inputSize; column++) {
                    inputs[step][column] = batch.inputs().get(b, step, column);
                }
                tokens.add(inputToken.apply(inputs[step]));
            }
            double[] target = new double[outputSize()];
            for (int k = 0; k < target.length; k++) {
                target[k] = batch.targets().get(b, k);
            }
            examples.add(new Example(tokens, inputs, List.of(targetToken.apply(target)), new double[][] {target}));
        }
        return examples;
    }
}
