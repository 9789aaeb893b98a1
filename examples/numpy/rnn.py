"""A hand-written Elman RNN with backpropagation through time in NumPy, the way a student would write one
(after Karpathy's min-char-rnn), behind bptt-harness's cmd: protocol:

    bptt verify --impl 'cmd:python3 examples/numpy/rnn.py'

The model (the equations of bptt-harness, parameters in their orientation U [H,d], W [H,H], b [H], V [K,H], c [K]):

    a_t = U x_t + W h_{t-1} + b      h_t = f(a_t)      o_t = V h_t + c      y_t = softmax(o_t)  (or sigmoid(o_t))

One sequence at a time: a forward loop keeps hs and ys, a reversed loop turns dy into
dh = V.T @ dy + dhnext, dhraw = f'(a) * dh, accumulates dU, dW, db and passes dhnext = W.T @ dhraw to the left.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import protocol  # noqa: E402  (examples/protocol.py)

np = protocol.import_or_explain("numpy", "python3-numpy")

CAPABILITIES = ["TANH", "SIGMOID", "RELU", "IDENTITY",
                "PER_STEP_SOFTMAX", "LAST_STEP_SOFTMAX", "LAST_STEP_SIGMOID",
                "BIASES", "NO_BIASES", "MASKS", "INITIAL_STATE", "FLOAT64",
                "HIDDEN_STATES", "INPUT_GRADIENTS", "INITIAL_STATE_GRADIENTS", "HIDDEN_STATE_GRADIENTS"]


def array(shape, data):
    return np.array(data, dtype=np.float64).reshape(shape)


# f and f' (written in terms of h = f(a), as BPTT uses it; relu'(0) = 0)
ACTIVATIONS = {
    "tanh": (np.tanh, lambda h: 1.0 - h * h),
    "sigmoid": (lambda a: 1.0 / (1.0 + np.exp(-a)), lambda h: h * (1.0 - h)),
    "relu": (lambda a: np.maximum(a, 0.0), lambda h: (h > 0).astype(np.float64)),
    "identity": (lambda a: a, lambda h: np.ones_like(h)),
}


def log_softmax(o):
    """log y = o - logsumexp(o), with logsumexp = max + log sum exp(o - max): no overflow, no log 0."""
    shifted = o - np.max(o)
    return shifted - np.log(np.sum(np.exp(shifted)))


def softplus(z):
    """log(1 + e^z), exact for large |z|."""
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def sigmoid(z):
    return np.where(z >= 0, 1.0 / (1.0 + np.exp(-np.abs(z))), np.exp(-np.abs(z)) / (1.0 + np.exp(-np.abs(z))))


class Model:
    """The weights and the pieces of a case that every sequence shares."""

    def __init__(self, case):
        protocol.require_cell(case, ["elman"])  # any other cell is refused with "ok": false
        spec = case["spec"]
        p = case["parameters"]
        self.U, self.W, self.V = p["U"], p["W"], p["V"]
        self.H, self.K = spec["hiddenSize"], spec["outputSize"]
        self.b = p["b"] if spec["biases"] else np.zeros(self.H)
        self.c = p["c"] if spec["biases"] else np.zeros(self.K)
        self.biases = spec["biases"]
        self.f, self.df = ACTIVATIONS[spec["activation"]]
        self.head = spec["head"]
        batch = case["batch"]
        self.xs_all = batch["inputs"]                      # [B, T, d]
        self.targets = batch["targets"]                    # [B, T, K] or [B, K]
        self.B, self.T = self.xs_all.shape[0], self.xs_all.shape[1]
        mask = batch["mask"]
        self.lengths = [int(np.sum(mask[s])) if mask is not None else self.T for s in range(self.B)]
        h0 = batch["initialState"]
        self.h0 = h0 if h0 is not None else np.zeros((self.B, self.H))
        # The number of loss terms and the divisor of the reduction
        terms = self.B if self.head != "per_step_softmax" else sum(self.lengths)
        self.divisor = {"sum": 1.0, "mean_over_batch": float(self.B), "mean_over_terms": float(terms)}[spec["reduction"]]

    def loss_steps(self, length):
        """The steps of a sequence of this length that have a loss term."""
        return range(length) if self.head == "per_step_softmax" else [length - 1]

    def target(self, s, t):
        return self.targets[s, t] if self.head == "per_step_softmax" else self.targets[s]

    def forward_sequence(self, s):
        """Runs sequence s: returns hs (hs[-1] = h_{-1}), ys and the summed loss J of its loss steps."""
        xs = self.xs_all[s]
        hs = {-1: self.h0[s]}
        ys = {}
        loss = 0.0
        for t in range(self.lengths[s]):
            hs[t] = self.f(self.U @ xs[t] + self.W @ hs[t - 1] + self.b)
        for t in self.loss_steps(self.lengths[s]):
            o = self.V @ hs[t] + self.c
            target = self.target(s, t)
            if self.head == "last_step_sigmoid":
                ys[t] = sigmoid(o)
                # J = -(y* log s(o) + (1 - y*) log(1 - s(o))) = y* softplus(-o) + (1 - y*) softplus(o)
                loss += float(np.sum(target * softplus(-o) + (1.0 - target) * softplus(o)))
            else:
                logy = log_softmax(o)
                ys[t] = np.exp(logy)
                loss += float(-np.sum(target * logy))
        return hs, ys, loss


def forward(case):
    m = Model(case)
    hidden = np.zeros((m.B, m.T, m.H))
    outputs = np.zeros((m.B, m.T, m.K)) if m.head == "per_step_softmax" else np.zeros((m.B, m.K))
    total = 0.0
    for s in range(m.B):
        hs, ys, loss = m.forward_sequence(s)
        total += loss
        for t in range(m.lengths[s]):
            hidden[s, t] = hs[t]
        for t, y in ys.items():
            if m.head == "per_step_softmax":
                outputs[s, t] = y
            else:
                outputs[s] = y
    return {"hiddenStates": hidden, "outputs": outputs, "loss": total / m.divisor}


def gradients(case):
    m = Model(case)
    dU, dW, db = np.zeros_like(m.U), np.zeros_like(m.W), np.zeros(m.H)
    dV, dc = np.zeros_like(m.V), np.zeros(m.K)
    dxs = np.zeros_like(m.xs_all)
    dhs = np.zeros((m.B, m.T, m.H))
    dh0 = np.zeros((m.B, m.H))
    total = 0.0
    for s in range(m.B):
        hs, ys, loss = m.forward_sequence(s)
        total += loss
        xs = m.xs_all[s]
        dhnext = np.zeros(m.H)
        for t in reversed(range(m.lengths[s])):
            dh = dhnext.copy()
            if t in ys:
                # softmax + cross-entropy (targets sum to 1) and sigmoid + binary cross-entropy: dJ/do = y - y*
                dy = (ys[t] - m.target(s, t)) / m.divisor
                dV += np.outer(dy, hs[t])
                dc += dy
                dh += m.V.T @ dy                          # backprop into h: from the output and from the future
            dhs[s, t] = dh                                # dL/dh_t, the total gradient reaching h_t
            dhraw = m.df(hs[t]) * dh                      # backprop through the nonlinearity
            dU += np.outer(dhraw, xs[t])
            dW += np.outer(dhraw, hs[t - 1])
            db += dhraw
            dxs[s, t] = m.U.T @ dhraw
            dhnext = m.W.T @ dhraw
        dh0[s] = dhnext                                   # dL/dh_{-1}
    return {"loss": total / m.divisor,
            "parameterGradients": {"U": dU, "W": dW, "b": db if m.biases else None,
                                   "V": dV, "c": dc if m.biases else None},
            "inputGradients": dxs, "initialStateGradients": dh0, "hiddenStateGradients": dhs}


if __name__ == "__main__":
    protocol.serve("NumPy Elman RNN, hand-written BPTT (examples/numpy)", np.__version__, CAPABILITIES,
                   forward, gradients, tensor_factory=array)
