"""The gated recurrent unit (Cho et al. 2014), one step forward and one step backward, for examples/numpy/rnn.py:

    r_t = σ(U_r x_t + b_r + W_r h_{t-1} + b_hr)              reset gate
    z_t = σ(U_z x_t + b_z + W_z h_{t-1} + b_hz)              update gate
    n_t = tanh(U_n x_t + b_n + W_n (r_t ⊙ h_{t-1}) + b_hn)   candidate, reset BEFORE the product (Cho et al.)
    n_t = tanh(U_n x_t + b_n + r_t ⊙ (W_n h_{t-1} + b_hn))   candidate, reset AFTER the product (PyTorch, cuDNN)
    h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t-1}

(bptt-harness's equations, in org.bptt.api's package documentation.) A model with one bias vector per gate has no
b_h*, a model without biases neither b_* nor b_h*: rnn.py passes zeros for them.

Backward, given dh = dL/dh_t: the last line gives the gradients at n_t, z_t and (directly) h_{t-1}; each gate's
pre-activation gradient da_* then gives that gate's dU_*, dW_*, db_*, db_h* and its share of dL/dx_t and dL/dh_{t-1}.
"""
import numpy as np

# Every parameter the cell can have; rnn.py passes zeros for the ones a case does not have.
NAMES = ["U_r", "U_z", "U_n", "W_r", "W_z", "W_n", "b_r", "b_z", "b_n", "b_hr", "b_hz", "b_hn"]


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


class Cell:
    has_cell_state = False

    def __init__(self, spec):
        self.reset_after = spec["cellOptions"]["resetPlacement"] == "after"

    def step(self, p, x, h_prev, c_prev):
        """h_t from x_t and h_{t-1} (no cell state: c_prev is unused); returns h, None, cache."""
        r = sigmoid(p["U_r"] @ x + p["b_r"] + p["W_r"] @ h_prev + p["b_hr"])
        z = sigmoid(p["U_z"] @ x + p["b_z"] + p["W_z"] @ h_prev + p["b_hz"])
        if self.reset_after:
            hn = p["W_n"] @ h_prev + p["b_hn"]                   # the recurrent product, before r scales it
            n = np.tanh(p["U_n"] @ x + p["b_n"] + r * hn)
        else:
            hn = None
            n = np.tanh(p["U_n"] @ x + p["b_n"] + p["W_n"] @ (r * h_prev) + p["b_hn"])
        h = (1.0 - z) * n + z * h_prev
        return h, None, (x, h_prev, r, z, n, hn)

    def step_backward(self, p, grads, dh, dc, cache):
        """Adds this step's parameter gradients to grads; returns dL/dx_t, dL/dh_{t-1} and None (no cell state)."""
        x, h_prev, r, z, n, hn = cache
        dn = dh * (1.0 - z)                                      # h = (1 - z) n + z h_prev
        dz = dh * (h_prev - n)
        dh_prev = dh * z
        da_n = dn * (1.0 - n * n)                                # through the tanh
        grads["U_n"] += np.outer(da_n, x)
        grads["b_n"] += da_n
        if self.reset_after:                                     # a_n = U_n x + b_n + r * hn, hn = W_n h_prev + b_hn
            dr = da_n * hn
            dhn = da_n * r
            grads["W_n"] += np.outer(dhn, h_prev)
            grads["b_hn"] += dhn
            dh_prev += p["W_n"].T @ dhn
        else:                                                    # a_n = U_n x + b_n + W_n (r * h_prev) + b_hn
            grads["W_n"] += np.outer(da_n, r * h_prev)
            grads["b_hn"] += da_n
            drh = p["W_n"].T @ da_n                              # the gradient at r * h_prev
            dr = drh * h_prev
            dh_prev += drh * r
        da_r = dr * r * (1.0 - r)                                # through the sigmoids
        da_z = dz * z * (1.0 - z)
        for gate, da in (("r", da_r), ("z", da_z)):
            grads["U_" + gate] += np.outer(da, x)
            grads["W_" + gate] += np.outer(da, h_prev)
            grads["b_" + gate] += da
            grads["b_h" + gate] += da
        dh_prev += p["W_r"].T @ da_r + p["W_z"].T @ da_z
        dx = p["U_r"].T @ da_r + p["U_z"].T @ da_z + p["U_n"].T @ da_n
        return dx, dh_prev, None
