package org.bptt.dl4j;

import org.bptt.api.Batch;
import org.bptt.api.Head;
import org.bptt.api.ModelSpec;
import org.bptt.api.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A harness {@link Batch} as DL4J takes it, time last (NCW).
 *
 * <p>Every head goes through an {@code RnnOutputLayer}, which has an output and a loss term at every step; the
 * label mask says which terms count. For {@link Head#PER_STEP_SOFTMAX} it is the batch's mask (or null). For the
 * last-step heads it is 1 only at each sequence's last unmasked step, and the target sits in the labels at that
 * step (zeros elsewhere, never counted). The feature mask is the batch's mask: it zeroes the hidden states of
 * padding steps, which come after every real step, so they never feed a real one.
 *
 * <p>A mask of all ones masks nothing and is passed as null. This also avoids a DL4J 1.0.0-M2.1 crash: a label
 * mask of shape [1, 1] (B = 1, T = 1) with the softmax/MCXENT output makes DL4J throw "Per output masking for
 * MCXENT + softmax: not supported".
 *
 * @param features     x, {@code [B, d, T]}
 * @param labels       targets, {@code [B, K, T]}
 * @param featureMask  {@code [B, T]}, or null when every sequence has T steps
 * @param labelMask    {@code [B, T]}, or null when every step of every sequence has a loss term
 * @param lastSteps    each sequence's last unmasked step (length − 1)
 */
record Dl4jBatch(INDArray features, INDArray labels, INDArray featureMask, INDArray labelMask, int[] lastSteps) {

    static Dl4jBatch of(ModelSpec spec, Batch batch, DataType dataType) {
        int batchSize = batch.batchSize();
        int steps = batch.steps();
        int[] lastSteps = new int[batchSize];
        for (int sequence = 0; sequence < batchSize; sequence++) {
            lastSteps[sequence] = batch.length(sequence) - 1;
        }
        INDArray features = Dl4jLayout.toTimeLast(batch.inputs(), dataType);
        INDArray featureMask = batch.mask() == null || allOnes(batch.mask().data()) ? null
                : Dl4jLayout.array(batch.mask().data().clone(), dataType, batchSize, steps);
        if (spec.head() == Head.PER_STEP_SOFTMAX) {
            return new Dl4jBatch(features, Dl4jLayout.toTimeLast(batch.targets(), dataType), featureMask, featureMask,
                    lastSteps);
        }
        int outputs = spec.outputSize();
        double[] labels = new double[batchSize * outputs * steps];
        double[] labelMask = new double[batchSize * steps];
        Tensor targets = batch.targets();
        for (int sequence = 0; sequence < batchSize; sequence++) {
            int last = lastSteps[sequence];
            for (int output = 0; output < outputs; output++) {
                labels[(sequence * outputs + output) * steps + last] = targets.get(sequence, output);
            }
            labelMask[sequence * steps + last] = 1.0;
        }
        return new Dl4jBatch(features, Dl4jLayout.array(labels, dataType, batchSize, outputs, steps), featureMask,
                allOnes(labelMask) ? null : Dl4jLayout.array(labelMask, dataType, batchSize, steps), lastSteps);
    }

    /**
     * This batch for a network whose head follows {@code LastTimeStep}: the same features and features mask, the
     * targets {@code [B, K]} as labels, and no labels mask (one term per sequence, all counted).
     */
    Dl4jBatch forLastTimeStep(Batch batch, DataType dataType) {
        return new Dl4jBatch(features, Dl4jLayout.array(batch.targets().data().clone(), dataType, batch.targets().shape()[0],
                batch.targets().shape()[1]), featureMask, null, lastSteps);
    }

    private static boolean allOnes(double[] mask) {
        for (double value : mask) {
            if (value != 1.0) {
                return false;
            }
        }
        return true;
    }

    int batchSize() {
        return lastSteps.length;
    }

    /**
     * True when DL4J's {@code calculateGradients} computes the loss this batch defines: it hands the output layer the
     * features' mask as the labels' (KNOWN_DIVERGENCES.md §1), which changes nothing when there is no features mask
     * or when {@link #of} gave both masks the same array (per-step heads).
     */
    boolean labelsMaskedAsFeatures() {
        return featureMask == null || featureMask == labelMask;
    }

    /** True when no step has a loss term (a chunk before every sequence's last step, for last-step heads). */
    boolean hasNoLossTerms() {
        return labelMask != null && labelMask.sumNumber().doubleValue() == 0;
    }

    /**
     * Steps {@code from} (inclusive) to {@code to} (exclusive) of every sequence, as fresh arrays; a mask slice of
     * all ones becomes null, as in {@link #of}.
     */
    Dl4jBatch steps(int from, int to) {
        return new Dl4jBatch(timeSlice(features, from, to), timeSlice(labels, from, to), maskSlice(featureMask, from, to),
                maskSlice(labelMask, from, to), lastSteps);
    }

    DataSet dataSet() {
        return new DataSet(features, labels, featureMask, labelMask);
    }

    private static INDArray timeSlice(INDArray timeLast, int from, int to) {
        return timeLast.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(from, to)).dup('c');
    }

    private static INDArray maskSlice(INDArray mask, int from, int to) {
        if (mask == null) {
            return null;
        }
        INDArray slice = mask.get(NDArrayIndex.all(), NDArrayIndex.interval(from, to)).dup('c');
        return slice.minNumber().doubleValue() == 1.0 ? null : slice;
    }
}
