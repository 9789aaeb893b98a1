package org.bptt.reference;

import org.ejml.data.DMatrixRMaj;

/**
 * What the forward pass of one sequence keeps for the backward pass: x_t, h_t, y_t, the targets and the loss terms
 * J(t) for t = 0 … length−1, and h_{-1}. Vectors are EJML columns. The pre-activations a_t are not kept: every
 * activation's derivative f'(a_t) is a function of h_t ({@link org.bptt.api.Activation#derivativeFromOutput}).
 */
final class SequenceTrajectory {

    /** The number of steps of this sequence: its last unmasked step + 1. */
    final int length;
    /** h_{-1}, {@code [H, 1]}. */
    final DMatrixRMaj initialState;
    /** x_t, {@code [d, 1]} each. */
    final DMatrixRMaj[] inputs;
    /** h_t, {@code [H, 1]} each. */
    final DMatrixRMaj[] hiddenStates;
    /** y_t, {@code [K, 1]}, at steps with a loss term; null elsewhere. */
    final DMatrixRMaj[] outputs;
    /** The target distribution (or, for the sigmoid head, probability) at steps with a loss term; null elsewhere. */
    final DMatrixRMaj[] targets;
    /** J(t), unreduced; 0 at steps without a loss term. */
    final double[] lossTerms;

    SequenceTrajectory(int length, DMatrixRMaj initialState) {
        this.length = length;
        this.initialState = initialState;
        this.inputs = new DMatrixRMaj[length];
        this.hiddenStates = new DMatrixRMaj[length];
        this.outputs = new DMatrixRMaj[length];
        this.targets = new DMatrixRMaj[length];
        this.lossTerms = new double[length];
    }

    /** h_{t-1}: the hidden state step t starts from (h_{-1} for t = 0). */
    DMatrixRMaj previousHiddenState(int t) {
        return t == 0 ? initialState : hiddenStates[t - 1];
    }

    /** True when step t has a loss term J(t). */
    boolean hasLoss(int t) {
        return targets[t] != null;
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
