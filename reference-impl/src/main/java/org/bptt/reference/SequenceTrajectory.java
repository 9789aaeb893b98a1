package org.bptt.reference;

import org.ejml.data.DMatrixRMaj;

/**
 * What the forward pass of one sequence keeps for the backward pass. Matrices over steps hold one step per row, so
 * that the products that do not depend on the recurrence can be done for every step at once: row t of
 * {@link #inputs} is x_tᵀ, row t of {@link #hiddenStates} is h_tᵀ. The pre-activations a_t are not kept: every
 * activation's derivative f'(a_t) is a function of h_t ({@link org.bptt.api.Activation#derivativeFromOutput}).
 *
 * <p>The steps with a loss term are {@link #firstLossStep} … length−1: every step for the per-step head, the last
 * one for the last-step heads. Row r of {@link #outputs} and {@link #targets} belongs to step firstLossStep + r.
 */
final class SequenceTrajectory {

    /** The number of steps of this sequence: its last unmasked step + 1. */
    final int length;
    /** The first step with a loss term; the steps after it have one too. */
    final int firstLossStep;
    /** h_{-1}, {@code [H, 1]}. */
    final DMatrixRMaj initialState;
    /** Row t: x_tᵀ, {@code [length, d]}. */
    final DMatrixRMaj inputs;
    /** Row t: h_tᵀ, {@code [length, H]}. */
    final DMatrixRMaj hiddenStates;
    /** Row r: y_tᵀ of loss step t = firstLossStep + r, {@code [length − firstLossStep, K]}. */
    final DMatrixRMaj outputs;
    /** Row r: the target of loss step t = firstLossStep + r (a distribution, or the sigmoid head's probability). */
    final DMatrixRMaj targets;
    /** J(t), unreduced; 0 at steps without a loss term. */
    final double[] lossTerms;

    SequenceTrajectory(int length, int firstLossStep, DMatrixRMaj initialState, DMatrixRMaj inputs,
                       DMatrixRMaj hiddenStates, DMatrixRMaj outputs, DMatrixRMaj targets, double[] lossTerms) {
        this.length = length;
        this.firstLossStep = firstLossStep;
        this.initialState = initialState;
        this.inputs = inputs;
        this.hiddenStates = hiddenStates;
        this.outputs = outputs;
        this.targets = targets;
        this.lossTerms = lossTerms;
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

    /** x_t as a new column vector. */
    DMatrixRMaj input(int t) {
        return Matrices.row(inputs, t);
    }

    /** h_t as a new column vector. */
    DMatrixRMaj hiddenState(int t) {
        return Matrices.row(hiddenStates, t);
    }

    /** h_{t-1} as a new column vector (h_{-1} for t = 0). */
    DMatrixRMaj previousHiddenState(int t) {
        return t == 0 ? initialState.copy() : hiddenState(t - 1);
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
