package org.bptt.api;

/**
 * What a forward pass produces.
 *
 * @param hiddenStates h_t, {@code [B, T, H]}; null unless the implementation has {@link Capability#HIDDEN_STATES}
 * @param outputs      y_t: {@code [B, T, K]} for {@link Head#PER_STEP_SOFTMAX}, {@code [B, K]} for last-step heads
 * @param loss         L, reduced as the spec says
 */
public record ForwardResult(Tensor hiddenStates, Tensor outputs, double loss) {
}
