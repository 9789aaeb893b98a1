"""Long short-term memory (Hochreiter & Schmidhuber 1997, with the forget gate of Gers et al. 2000), one step
forward and one step backward, for examples/numpy/rnn.py:

    i_t = σ(U_i x_t + W_i h_{t-1} + p_i ⊙ c_{t-1} + b_i + b_hi)   input gate
    f_t = σ(U_f x_t + W_f h_{t-1} + p_f ⊙ c_{t-1} + b_f + b_hf)   forget gate
    g_t = tanh(U_g x_t + W_g h_{t-1} + b_g + b_hg)               cell candidate
    c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t                              cell state
    o_t = σ(U_o x_t + W_o h_{t-1} + p_o ⊙ c_t + b_o + b_ho)       output gate (its peephole sees the new c_t)
    h_t = o_t ⊙ tanh(c_t)

(bptt-harness's equations, in org.bptt.api's package documentation.) Without peepholes (Gers & Schmidhuber 2000) the
p_* are absent, with one bias vector per gate the b_h*, without biases the b_* too: rnn.py passes zeros for them.

Backward, given dh = dL/dh_t and dc = the gradient reaching c_t from step t+1: the output gate first (its peephole
sees c_t), then the total gradient at c_t, which splits into the forget, input and candidate paths and flows on to
c_{t-1} through f_t (the constant error carousel) and the two peepholes.
"""
import numpy as np

# Every parameter the cell can have; rnn.py passes zeros for the ones a case does not have.
NAMES = ["U_i", "U_f", "U_g", "U_o", "W_i", "W_f", "W_g", "W_o", "b_i", "b_f", "b_g", "b_o",
         "b_hi", "b_hf", "b_hg", "b_ho", "p_i", "p_f", "p_o"]


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


class Cell:
    has_cell_state = True

    def __init__(self, spec):
        pass  # peepholes and biases need no switch: the absent ones are zeros

    def step(self, p, x, h_prev, c_prev):
        """h_t and c_t from x_t, h_{t-1} and c_{t-1}; returns h, c, cache."""
        def pre(gate):                                           # U_* x + W_* h_{t-1} + b_* + b_h*
            return p["U_" + gate] @ x + p["W_" + gate] @ h_prev + p["b_" + gate] + p["b_h" + gate]
        i = sigmoid(pre("i") + p["p_i"] * c_prev)
        f = sigmoid(pre("f") + p["p_f"] * c_prev)
        g = np.tanh(pre("g"))
        c = f * c_prev + i * g
        o = sigmoid(pre("o") + p["p_o"] * c)
        tanh_c = np.tanh(c)
        h = o * tanh_c
        return h, c, (x, h_prev, c_prev, i, f, g, c, o, tanh_c)

    def step_backward(self, p, grads, dh, dc, cache):
        """Adds this step's parameter gradients to grads; returns dL/dx_t, dL/dh_{t-1} and dL/dc_{t-1}."""
        x, h_prev, c_prev, i, f, g, c, o, tanh_c = cache
        da_o = dh * tanh_c * o * (1.0 - o)                       # h = o tanh(c), through o's sigmoid
        dc = dc + dh * o * (1.0 - tanh_c * tanh_c) + da_o * p["p_o"]   # every path into c_t
        dc_prev = dc * f                                         # c = f c_prev + i g
        da_i = dc * g * i * (1.0 - i)
        da_f = dc * c_prev * f * (1.0 - f)
        da_g = dc * i * (1.0 - g * g)
        dc_prev += da_i * p["p_i"] + da_f * p["p_f"]             # the peepholes of i and f see c_prev
        grads["p_i"] += da_i * c_prev
        grads["p_f"] += da_f * c_prev
        grads["p_o"] += da_o * c
        dx = np.zeros_like(x)
        dh_prev = np.zeros_like(h_prev)
        for gate, da in (("i", da_i), ("f", da_f), ("g", da_g), ("o", da_o)):
            grads["U_" + gate] += np.outer(da, x)
            grads["W_" + gate] += np.outer(da, h_prev)
            grads["b_" + gate] += da
            grads["b_h" + gate] += da
            dx += p["U_" + gate].T @ da
            dh_prev += p["W_" + gate].T @ da
        return dx, dh_prev, dc_prev
