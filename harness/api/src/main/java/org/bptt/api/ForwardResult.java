package org.bptt.api;

/**
 * What a forward pass produces.
 *
 * @param hiddenStates h_t, {@code [B, T, H]}; null unless the implementation has {@link Capability#HIDDEN_STATES}
 * @param outputs      y_t: {@code [B, T, K]} for {@link Head#PER_STEP_SOFTMAX}, {@code [B, K]} for last-step heads
 * @param loss         L, reduced as the spec says
 * @param cellStates   c_t, {@code [B, T, H]}, for a cell with a cell state (the LSTM); null unless the
 *                     implementation has {@link Capability#CELL_STATES}
 */
public record ForwardResult(Tensor hiddenStates, Tensor outputs, double loss, Tensor cellStates) {

    /** A forward pass without cell states (every result of a cell without a cell state). */
    public ForwardResult(Tensor hiddenStates, Tensor outputs, double loss) {
        this(hiddenStates, outputs, loss, null);
    }
}
