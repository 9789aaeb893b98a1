package org.bptt.reference;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * What the forward pass of one sequence keeps for the backward pass: the cell's trajectory ({@link #cell}: inputs,
 * states and whatever the cell's step-backprop needs) and the output layer's outputs, targets and loss terms.
 * Matrices over steps hold one step per row, so that the products that do not depend on the recurrence can be done
 * for every step at once.
 *
 * <p>The steps with a loss term are {@link #firstLossStep} … length−1: every step for the per-step head, the last
 * one for the last-step heads. Row r of {@link #outputs} and {@link #targets} belongs to step firstLossStep + r.
 */
final class SequenceTrajectory {

    /** The number of steps of this sequence: its last unmasked step + 1. */
    final int length;
    /** The first step with a loss term; the steps after it have one too. */
    final int firstLossStep;
    /** The cell's forward pass over this sequence. */
    final CellTrajectory cell;
    /** Row r: y_tᵀ of loss step t = firstLossStep + r, {@code [length − firstLossStep, K]}. */
    final DMatrixRMaj outputs;
    /** Row r: the target of loss step t = firstLossStep + r (a distribution, or the sigmoid head's probability). */
    final DMatrixRMaj targets;
    /** J(t), unreduced; 0 at steps without a loss term. */
    final double[] lossTerms;

    SequenceTrajectory(int firstLossStep, CellTrajectory cell, DMatrixRMaj outputs, DMatrixRMaj targets, double[] lossTerms) {
        this.length = cell.length();
        this.firstLossStep = firstLossStep;
        this.cell = cell;
        this.outputs = outputs;
        this.targets = targets;
        this.lossTerms = lossTerms;
    }

    /**
     * A layer of a stacked network below its head ({@link StackedBptt}): every step t receives a gradient from
     * above (from the layer over it, or the head), which the backward passes pick up as they pick up a loss
     * term's, row t of the gradients they are handed. It has no outputs, targets or loss terms of its own.
     */
    static SequenceTrajectory layer(CellTrajectory cell) {
        return new SequenceTrajectory(0, cell, null, null, null);
    }

    /** True when step t has a loss term J(t). */
    boolean hasLoss(int t) {
        return t >= firstLossStep && t < length;
    }

    /** The row of {@link #outputs} and {@link #targets} that belongs to loss step t. */
    int lossRow(int t) {
        return t - firstLossStep;
    }

    /** The number of loss steps. */
    int lossSteps() {
        return length - firstLossStep;
    }

    /** The hidden states of the loss steps, one per row (a copy). */
    DMatrixRMaj lossHiddenStates() {
        return CommonOps_DDRM.extract(cell.hiddenStates, firstLossStep, length, 0, cell.hiddenStates.numCols);
    }

    /** The sum of the loss terms Σ_t J(t). */
    double lossSum() {
        double sum = 0;
        for (double term : lossTerms) {
            sum += term;
        }
        return sum;
    }
}
