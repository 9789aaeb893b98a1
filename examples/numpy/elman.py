"""The Elman RNN (Elman 1990), one step forward and one step backward, for examples/numpy/rnn.py:

    a_t = U x_t + W h_{t-1} + b      h_t = f(a_t)

Backward, given dh = dL/dh_t (from the output and from the future): dhraw = f'(a_t) * dh is the gradient at a_t,
which gives dU, dW, db, and is passed on to x_t and h_{t-1} through U.T and W.T.
"""
import numpy as np

# Every parameter the cell can have; rnn.py passes zeros for the ones a case does not have (b without biases).
NAMES = ["U", "W", "b"]

# f and f' (written in terms of h = f(a), as BPTT uses it; relu'(0) = 0)
ACTIVATIONS = {
    "tanh": (np.tanh, lambda h: 1.0 - h * h),
    "sigmoid": (lambda a: 1.0 / (1.0 + np.exp(-a)), lambda h: h * (1.0 - h)),
    "relu": (lambda a: np.maximum(a, 0.0), lambda h: (h > 0).astype(np.float64)),
    "identity": (lambda a: a, lambda h: np.ones_like(h)),
}


class Cell:
    has_cell_state = False

    def __init__(self, spec):
        self.f, self.df = ACTIVATIONS[spec["activation"]]

    def step(self, p, x, h_prev, c_prev):
        """h_t from x_t and h_{t-1} (c_prev is unused: the Elman cell has no cell state); returns h, None, cache."""
        h = self.f(p["U"] @ x + p["W"] @ h_prev + p["b"])
        return h, None, (x, h_prev, h)

    def step_backward(self, p, grads, dh, dc, cache):
        """Adds this step's dU, dW, db to grads; returns dL/dx_t, dL/dh_{t-1} and None (no cell state)."""
        x, h_prev, h = cache
        dhraw = self.df(h) * dh                       # backprop through the nonlinearity
        grads["U"] += np.outer(dhraw, x)
        grads["W"] += np.outer(dhraw, h_prev)
        grads["b"] += dhraw
        return p["U"].T @ dhraw, p["W"].T @ dhraw, None
