package org.bptt.api;

/**
 * What a forward pass produces.
 *
 * @param hiddenStates h_t, {@code [B, T, H]}; of a stacked or bidirectional network, the top layer's states, its
 *                     forward and reverse directions side by side, {@code [B, T, D·H]} (PyTorch's {@code output},
 *                     whatever the combine mode: they are the states before combining); null unless the
 *                     implementation has {@link Capability#HIDDEN_STATES}
 * @param outputs      y_t: {@code [B, T, K]} for {@link Head#PER_STEP_SOFTMAX}, {@code [B, K]} for last-step heads
 * @param loss         L, reduced as the spec says
 * @param cellStates   c_t, {@code [B, T, H]} (the top layer's, {@code [B, T, D·H]}, as the hidden states), for a
 *                     cell with a cell state (the LSTM); null unless the
 *                     implementation has {@link Capability#CELL_STATES}
 */
public record ForwardResult(Tensor hiddenStates, Tensor outputs, double loss, Tensor cellStates) {

    /** A forward pass without cell states (every result of a cell without a cell state). */
    public ForwardResult(Tensor hiddenStates, Tensor outputs, double loss) {
        this(hiddenStates, outputs, loss, null);
    }
}
