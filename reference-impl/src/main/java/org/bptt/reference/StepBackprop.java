package org.bptt.reference;

import org.ejml.data.DMatrixRMaj;

/**
 * One <em>step-backprop</em>: the chain rule through one step of a cell's recurrence, from the gradient reaching the
 * state at step k (h_k, and c_k for an LSTM) to the cell's parameters, x_k and the state at step k−1. Every
 * backpropagation algorithm of this package (the aggregated, the naive and the truncated BPTT) calls exactly this,
 * whatever the cell; they differ only in which gradient they feed it and how often. Each cell has one
 * ({@link ElmanStepBackprop}, {@link GruStepBackprop}, {@link LstmStepBackprop}), made by its trajectory
 * ({@link CellTrajectory#stepBackprop}) with its workspaces allocated once per sequence; it allocates nothing, and
 * counts itself on the trajectory's {@link StepBackpropCounter}.
 *
 * <p>The output layer is not part of it: it does not depend on the recurrence and is done for every loss step at
 * once ({@link OutputLayer#backward}).
 */
interface StepBackprop {

    /**
     * One step-backprop at step k.
     *
     * @param stateGradient   the gradient reaching the state at step k. Not modified.
     * @param gradients       Modified: the cell's parameter gradients gain step k's terms.
     * @param inputGradients  dL/dx, one step per row ({@code [length, d]}). Modified: row k gains step k's term.
     * @param toPrevious      Modified: set to the gradient this passes on to the state at step k−1. Must not be
     *                        {@code stateGradient}.
     */
    void backward(int k, StateGradient stateGradient, ParameterGradients gradients, DMatrixRMaj inputGradients,
                  StateGradient toPrevious);
}
