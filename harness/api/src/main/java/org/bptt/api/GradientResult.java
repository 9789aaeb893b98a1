package org.bptt.api;

/**
 * The loss and its gradients.
 *
 * @param loss                      L, reduced as the spec says
 * @param parameterGradients        dL/dθ for every parameter the model declares, under the parameter's name and in
 *                                  its shape (dL/dU as {@code U}, ...)
 * @param inputGradients            dL/dx_t, {@code [B, T, d]}; null unless {@link Capability#INPUT_GRADIENTS}
 * @param initialStateGradients     dL/dh_{-1}, {@code [B, H]}, or every layer's and direction's {@code [L, D, B, H]}
 *                                  for a stacked or bidirectional network (as {@link Batch#initialState()}); null
 *                                  unless {@link Capability#INITIAL_STATE_GRADIENTS}
 * @param hiddenStateGradients      dL/dh_t, {@code [B, T, H]}; of a stacked or bidirectional network, the gradient
 *                                  reaching the top layer's states, its directions side by side, {@code [B, T, D·H]}
 *                                  (as {@link ForwardResult#hiddenStates()}); null unless
 *                                  {@link Capability#HIDDEN_STATE_GRADIENTS}
 * @param initialCellStateGradients dL/dc_{-1}, {@code [B, H]} (or {@code [L, D, B, H]}), for a cell with a cell
 *                                  state (the LSTM); null unless {@link Capability#INITIAL_CELL_STATE_GRADIENTS}
 */
public record GradientResult(double loss, Parameters parameterGradients, Tensor inputGradients,
                             Tensor initialStateGradients, Tensor hiddenStateGradients, Tensor initialCellStateGradients) {

    /** Gradients without dL/dc_{-1} (every result of a cell without a cell state). */
    public GradientResult(double loss, Parameters parameterGradients, Tensor inputGradients,
                          Tensor initialStateGradients, Tensor hiddenStateGradients) {
        this(loss, parameterGradients, inputGradients, initialStateGradients, hiddenStateGradients, null);
    }
}
