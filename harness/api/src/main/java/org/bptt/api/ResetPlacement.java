package org.bptt.api;

/**
 * Where a GRU applies its reset gate r to the previous state: before the recurrent product or after it. The two
 * give different models (r ⊙ (W_n h) ≠ W_n (r ⊙ h)), and libraries differ on it, so a GRU model always names it.
 */
public enum ResetPlacement {

    /**
     * {@code n_t = tanh(U_n x_t + b_n + W_n (r_t ⊙ h_{t-1}) + b_hn)}: the reset gate scales the state before it
     * is multiplied by W_n. The original GRU (Cho et al. 2014), ONNX's default {@code linear_before_reset = 0},
     * Keras {@code reset_after=False}.
     */
    BEFORE,

    /**
     * {@code n_t = tanh(U_n x_t + b_n + r_t ⊙ (W_n h_{t-1} + b_hn))}: the reset gate scales the recurrent product
     * and its bias. PyTorch {@code nn.GRU}, cuDNN, Keras {@code reset_after=True}, ONNX
     * {@code linear_before_reset = 1}.
     */
    AFTER
}
