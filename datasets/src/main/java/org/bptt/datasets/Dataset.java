package org.bptt.datasets;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.Cell;
import org.bptt.api.DataType;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;

/**
 * A seeded generator of sequences for an Elman RNN: where it comes from, the task it poses, the model sizes it
 * implies, and its sequences both readable ({@link Example#inputTokens()}) and model-ready ({@link #batch}).
 *
 * <p>Everything is drawn from a {@link java.util.SplittableRandom} seeded with the seed given, whose sequence is
 * specified, so the same seed gives the same examples on every JVM, and a different seed different ones.
 */
public interface Dataset {

    /** A short, file-name-safe name, e.g. {@code elman-letters}. */
    String name();

    /** One sentence on what a sequence looks like. */
    String description();

    /** The task the sequences pose, e.g. "next-letter prediction". */
    String task();

    /** Where the data comes from, as a citation. */
    String source();

    /** d, the size of each input x_t. */
    int inputSize();

    /** K, the size of each output. */
    int outputSize();

    /** The head the task maps onto. */
    Head head();

    /** The lengths T this dataset is shown and verified with by default, shortest first. */
    List<Integer> lengths();

    /**
     * {@code count} examples of {@code steps} steps (or at most {@code steps}, for datasets whose sequences have
     * natural ends: see each dataset), drawn from a generator seeded with {@code seed}.
     *
     * @throws org.bptt.api.InvalidInputException when count or steps is out of range for this dataset
     */
    List<Example> examples(int count, int steps, long seed);

    /** {@link #examples} as one batch (see {@link Example#toBatch}): a mask when the lengths differ. */
    default Batch batch(int count, int steps, long seed) {
        return Example.toBatch(examples(count, steps, seed), head());
    }

    /** The model this dataset implies: its d, K and head, in doubles. */
    default ModelSpec spec(int hiddenSize, Activation activation, boolean biases, LossReduction reduction) {
        return new ModelSpec(Cell.ELMAN, inputSize(), hiddenSize, outputSize(), activation, head(), biases, reduction, DataType.FLOAT64);
    }

    /** The sizes in one line, e.g. {@code d=6 K=6 per-step-softmax T=8,24}. */
    default String sizes() {
        return "d=" + inputSize() + " K=" + outputSize() + " " + head().name().toLowerCase(Locale.ROOT).replace('_', '-')
                + " T=" + lengths().stream().map(String::valueOf).collect(Collectors.joining(","));
    }
}
