package org.bptt.datasets;

import java.util.SplittableRandom;
import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.Cell;
import org.bptt.api.DataType;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.Tensor;

/**
 * A sequence task with a target at the end of each sequence: a seeded generator of batches, the head it maps onto,
 * and the paper's criterion for a sequence processed correctly.
 *
 * <p>Batches are drawn from a {@link SplittableRandom}, whose sequence is specified, so the same seed gives the same
 * batch on every machine and JVM.
 */
public interface SequenceTask {

    /** A short, file-name-safe name, e.g. {@code adding}. */
    String id();

    /** Where the task comes from, as a citation. */
    String source();

    /** One sentence on what the network must do. */
    String description();

    /** d, the size of each input x_t. */
    int inputSize();

    /** K, the size of the output. */
    int outputSize();

    /** The head the task maps onto (always a last-step head: the target comes at the sequence end). */
    Head head();

    /** The minimal sequence length T the task was built for; sequences are T to {@link #maximumLength()} steps. */
    int minimalLength();

    /** The longest sequence this task draws. */
    int maximumLength();

    /** Whether sequences have different lengths, so that batches carry a mask. */
    boolean variableLength();

    /**
     * A batch of {@code batchSize} sequences drawn from {@code random}: inputs {@code [B, T_max, d]}, targets
     * {@code [B, K]}, and a mask when {@link #variableLength()} (T_max is the longest sequence drawn).
     *
     * @param random Modified: advanced by the draws
     */
    Batch batch(int batchSize, SplittableRandom random);

    /** A batch drawn from a generator seeded with {@code seed}: the same seed gives an equal batch. */
    default Batch batch(int batchSize, long seed) {
        return batch(batchSize, new SplittableRandom(seed));
    }

    /**
     * Whether sequence {@code sequence} was processed correctly by the paper's criterion.
     *
     * @param outputs the model's last-step outputs y, {@code [B, K]} (probabilities, as {@code forward} returns them)
     * @param targets the batch's targets, {@code [B, K]}
     */
    boolean correct(Tensor outputs, Tensor targets, int sequence);

    /** The success rate of the best input-independent answer: what a network that learned nothing can reach. */
    double chanceSuccessRate();

    /** The model this task needs: its d, K and head, with biases, the loss averaged over the batch, in doubles. */
    default ModelSpec spec(int hiddenSize, Activation activation) {
        return new ModelSpec(Cell.ELMAN, inputSize(), hiddenSize, outputSize(), activation, head(), true,
                LossReduction.MEAN_OVER_BATCH, DataType.FLOAT64);
    }
}
