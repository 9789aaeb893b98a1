"""Hand-written recurrent networks with backpropagation through time in NumPy, the way a student would write them
(after Karpathy's min-char-rnn): the Elman RNN, the GRU and the LSTM, behind bptt-harness's cmd: protocol:

    bptt verify --impl 'cmd:python3 examples/numpy/rnn.py'

This file is what every cell shares: the output head and its loss, and the two loops over one sequence. Each cell's
own equations, one step forward and one step backward, are in elman.py, gru.py and lstm.py. Parameters are in the
equations' orientation (U_* [H, d], W_* [H, H], b_* [H], V [K, H], c [K]), named as bptt-harness names them.

    forward:   for t = 0 .. T-1:   h_t (and the LSTM's c_t) = cell.step(x_t, h_{t-1}, c_{t-1}), keeping a cache
                                   o_t = V h_t + c,  y_t = softmax(o_t) (or sigmoid(o_t)),  J = cross-entropy
    backward:  for t = T-1 .. 0:   dh = V.T @ dy + dhnext                    (from the output and from the future)
                                   dx_t, dhnext, dcnext = cell.step_backward(dh, dcnext, cache_t)

One sequence at a time, each to its own length under a mask; dhnext and dcnext after the last step backward are
dL/dh_{-1} and dL/dc_{-1}.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import protocol  # noqa: E402  (examples/protocol.py)

np = protocol.import_or_explain("numpy", "python3-numpy")
import elman  # noqa: E402  (examples/numpy/elman.py, gru.py, lstm.py: the cells)
import gru  # noqa: E402
import lstm  # noqa: E402

CELLS = {"elman": elman, "gru": gru, "lstm": lstm}

CAPABILITIES = ["TANH", "SIGMOID", "RELU", "IDENTITY",
                "GRU_RESET_BEFORE", "GRU_RESET_AFTER", "LSTM", "LSTM_PEEPHOLES", "TWO_BIASES",
                "PER_STEP_SOFTMAX", "LAST_STEP_SOFTMAX", "LAST_STEP_SIGMOID",
                "BIASES", "NO_BIASES", "MASKS", "INITIAL_STATE", "INITIAL_CELL_STATE", "FLOAT64",
                "HIDDEN_STATES", "CELL_STATES", "INPUT_GRADIENTS", "INITIAL_STATE_GRADIENTS",
                "INITIAL_CELL_STATE_GRADIENTS", "HIDDEN_STATE_GRADIENTS"]


def array(shape, data):
    return np.array(data, dtype=np.float64).reshape(shape)


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
    """The cell, the weights and the pieces of a case that every sequence shares."""

    def __init__(self, case):
        protocol.require_cell(case, list(CELLS))  # any other cell is refused with "ok": false
        spec = case["spec"]
        given = case["parameters"]
        self.H, self.K = spec["hiddenSize"], spec["outputSize"]
        d = spec["inputSize"]
        cell = CELLS[spec["cell"]]
        self.cell = cell.Cell(spec)
        # The cell's weights; a parameter the case does not have (a bias, a peephole) is zero, and gets no gradient.
        shapes = {"U": (self.H, d), "W": (self.H, self.H)}
        self.p = {name: given[name] if name in given else np.zeros(shapes.get(name[0], (self.H,))) for name in cell.NAMES}
        self.cell_names = [name for name in cell.NAMES if name in given]
        self.V = given["V"]
        self.c = given["c"] if spec["biases"] else np.zeros(self.K)
        self.biases = spec["biases"]
        self.head = spec["head"]
        batch = case["batch"]
        self.xs_all = batch["inputs"]                      # [B, T, d]
        self.targets = batch["targets"]                    # [B, T, K] or [B, K]
        self.B, self.T = self.xs_all.shape[0], self.xs_all.shape[1]
        mask = batch["mask"]
        self.lengths = [int(np.sum(mask[s])) if mask is not None else self.T for s in range(self.B)]
        h0 = batch["initialState"]
        self.h0 = h0 if h0 is not None else np.zeros((self.B, self.H))
        c0 = batch.get("initialCellState")                 # only an LSTM case has the field
        self.c0 = c0 if c0 is not None else np.zeros((self.B, self.H))
        # The number of loss terms and the divisor of the reduction
        terms = self.B if self.head != "per_step_softmax" else sum(self.lengths)
        self.divisor = {"sum": 1.0, "mean_over_batch": float(self.B), "mean_over_terms": float(terms)}[spec["reduction"]]

    def loss_steps(self, length):
        """The steps of a sequence of this length that have a loss term."""
        return range(length) if self.head == "per_step_softmax" else [length - 1]

    def target(self, s, t):
        return self.targets[s, t] if self.head == "per_step_softmax" else self.targets[s]

    def forward_sequence(self, s):
        """Runs sequence s: returns hs and cs (hs[-1] = h_{-1}, cs[-1] = c_{-1}), the caches, ys and the summed loss J
        of its loss steps."""
        xs = self.xs_all[s]
        hs, cs = {-1: self.h0[s]}, {-1: self.c0[s]}
        caches, ys = {}, {}
        loss = 0.0
        for t in range(self.lengths[s]):
            hs[t], cs[t], caches[t] = self.cell.step(self.p, xs[t], hs[t - 1], cs[t - 1])
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
        return hs, cs, caches, ys, loss


def forward(case):
    m = Model(case)
    hidden = np.zeros((m.B, m.T, m.H))
    cell_states = np.zeros((m.B, m.T, m.H)) if m.cell.has_cell_state else None
    outputs = np.zeros((m.B, m.T, m.K)) if m.head == "per_step_softmax" else np.zeros((m.B, m.K))
    total = 0.0
    for s in range(m.B):
        hs, cs, _, ys, loss = m.forward_sequence(s)
        total += loss
        for t in range(m.lengths[s]):
            hidden[s, t] = hs[t]
            if cell_states is not None:
                cell_states[s, t] = cs[t]
        for t, y in ys.items():
            if m.head == "per_step_softmax":
                outputs[s, t] = y
            else:
                outputs[s] = y
    result = {"hiddenStates": hidden, "outputs": outputs, "loss": total / m.divisor}
    if m.cell.has_cell_state:
        result["cellStates"] = cell_states
    return result


def gradients(case):
    m = Model(case)
    grads = {name: np.zeros_like(value) for name, value in m.p.items()}
    dV, dc = np.zeros_like(m.V), np.zeros(m.K)
    dxs = np.zeros_like(m.xs_all)
    dhs = np.zeros((m.B, m.T, m.H))
    dh0, dc0 = np.zeros((m.B, m.H)), np.zeros((m.B, m.H))
    total = 0.0
    for s in range(m.B):
        hs, cs, caches, ys, loss = m.forward_sequence(s)
        total += loss
        dhnext = np.zeros(m.H)
        dcnext = np.zeros(m.H) if m.cell.has_cell_state else None
        for t in reversed(range(m.lengths[s])):
            dh = dhnext.copy()
            if t in ys:
                # softmax + cross-entropy (targets sum to 1) and sigmoid + binary cross-entropy: dJ/do = y - y*
                dy = (ys[t] - m.target(s, t)) / m.divisor
                dV += np.outer(dy, hs[t])
                dc += dy
                dh += m.V.T @ dy                          # backprop into h: from the output and from the future
            dhs[s, t] = dh                                # dL/dh_t, the total gradient reaching h_t
            dxs[s, t], dhnext, dcnext = m.cell.step_backward(m.p, grads, dh, dcnext, caches[t])
        dh0[s] = dhnext                                   # dL/dh_{-1}
        if m.cell.has_cell_state:
            dc0[s] = dcnext                               # dL/dc_{-1}
    parameter_gradients = {name: grads[name] for name in m.cell_names}
    parameter_gradients["V"] = dV
    if m.biases:
        parameter_gradients["c"] = dc
    result = {"loss": total / m.divisor, "parameterGradients": parameter_gradients,
              "inputGradients": dxs, "initialStateGradients": dh0, "hiddenStateGradients": dhs}
    if m.cell.has_cell_state:
        result["initialCellStateGradients"] = dc0
    return result


def blas_threads():
    """The threads NumPy's BLAS may use: OpenBLAS reads OPENBLAS_NUM_THREADS, then OMP_NUM_THREADS (bptt bench sets
    the latter), and otherwise takes every core."""
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        if os.environ.get(variable, "").isdigit() and int(os.environ[variable]) > 0:
            return int(os.environ[variable])
    return os.cpu_count() or 1


def bench(case, call, warm_ups, repetitions):
    """bptt bench's own-call timing: forward() or gradients() on the decoded case, as a user of this file calls them
    (the protocol's JSON decoding and encoding are not timed)."""
    function = forward if call == "forward" else gradients
    seconds = protocol.time_calls(lambda: function(case), warm_ups, repetitions)
    return {"seconds": seconds, "threads": blas_threads(),
            "how": "examples/numpy/rnn.py %s(case), %s" % (function.__name__, protocol.blas_library())}


if __name__ == "__main__":
    protocol.serve("NumPy Elman RNN, GRU and LSTM, hand-written BPTT (examples/numpy)", np.__version__, CAPABILITIES,
                   forward, gradients, tensor_factory=array, bench=bench)
