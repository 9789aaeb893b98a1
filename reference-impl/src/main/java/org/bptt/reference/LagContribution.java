package org.bptt.reference;

import org.bptt.api.Parameters;
import org.bptt.api.Tensor;

/**
 * The share of step k in the gradient of one loss term J(t), k ≤ t, for one sequence: the quantities
 * ∂J(t)/∂θ|_(k) whose sum over k is ∂J(t)/∂θ. Every value is of the term's share of the reduced loss,
 * J(t)/divisor, so that the contributions of all terms and steps of all sequences add up to the gradients of L.
 *
 * @param lossStep            t, the step of the loss term
 * @param step                k, the step whose parameters' use is credited, 0 ≤ k ≤ t
 * @param hiddenStateGradient ∂(J(t)/divisor)/∂h_k, {@code [H]}: what reaches h_k from the term t−k steps later
 * @param parameterGradients  ∂(J(t)/divisor)/∂θ|_(k): for the cell's parameters the terms of step k's step-backprop
 *                            (for the Elman cell {@code p x_kᵀ}, {@code p h_{k-1}ᵀ} and {@code p} for U, W and b,
 *                            with p = f'(a_k) ⊙ ∂(J(t)/divisor)/∂h_k); for V and c the output layer's gradient when
 *                            k = t and zeros when k &lt; t (J(t) uses V and c at step t only). A model without biases
 *                            has no b and c.
 */
public record LagContribution(int lossStep, int step, Tensor hiddenStateGradient, Parameters parameterGradients) {

    /** The lag t − k between the loss term and the step. */
    public int lag() {
        return lossStep - step;
    }
}
