"""A stack of recurrent layers with backpropagation through time in NumPy, as a student would stack them: the same
cells as rnn.py (elman.py, gru.py, lstm.py), layer k running over the hidden states of layer k-1, behind
bptt-harness's cmd: protocol:

    bptt verify --impl 'cmd:python3 examples/numpy/stacked.py' --layers 2

    forward:   inputs = x_0 .. x_{n-1}
               for each layer k:  for t = 0 .. n-1:  h^k_t = cell.step(inputs_t, h^k_{t-1}),  then inputs = h^k
               the head reads the top layer:  o_t = V h^top_t + c
    backward:  dtop_t = V.T @ dy_t at loss steps
               for each layer k from the top:  for t = n-1 .. 0:  dh = dtop_t + dhnext
                                                  dx_t, dhnext, dcnext = cell.step_backward(dh, dcnext, cache^k_t)
                                               dL/dh^k_{-1} = dhnext;  dtop = dx  (what reaches the layer below)
               dL/dx = dtop after layer 0

Layer k's parameters are bptt-harness's l{k}. names (layer 0's are the bare ones), its input weights [H, H] above
layer 0; initial states are [L, 1, B, H]. Forward stacks only: no bidirectional layers.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rnn  # noqa: E402  (examples/numpy/rnn.py: the head, the loss helpers, the cells and the protocol)

np = rnn.np
protocol = rnn.protocol

CAPABILITIES = rnn.CAPABILITIES + ["STACKED"]


class Stack:
    """The cells of every layer, each with its own weights, and the case's batch."""

    def __init__(self, case):
        protocol.require_cell(case, list(rnn.CELLS))
        spec = case["spec"]
        if spec.get("direction", "forward") != "forward":
            raise ValueError("this stack reads the sequence forwards only; it has no bidirectional layers")
        given = case["parameters"]
        cell = rnn.CELLS[spec["cell"]]
        self.cell = cell.Cell(spec)
        self.L = spec.get("layers", 1)
        self.H, self.K = spec["hiddenSize"], spec["outputSize"]
        self.layers = []          # per layer: (prefix, weights by bare name, the names the case has)
        for k in range(self.L):
            prefix = "" if k == 0 else "l%d." % k
            d = spec["inputSize"] if k == 0 else self.H
            shapes = {"U": (self.H, d), "W": (self.H, self.H)}
            weights = {name: given[prefix + name] if prefix + name in given else np.zeros(shapes.get(name[0], (self.H,)))
                       for name in cell.NAMES}
            self.layers.append((prefix, weights, [name for name in cell.NAMES if prefix + name in given]))
        self.V = given["V"]
        self.c = given["c"] if spec["biases"] else np.zeros(self.K)
        self.biases = spec["biases"]
        self.head = spec["head"]
        batch = case["batch"]
        self.xs_all = batch["inputs"]
        self.targets = batch["targets"]
        self.B, self.T = self.xs_all.shape[0], self.xs_all.shape[1]
        mask = batch["mask"]
        self.lengths = [int(np.sum(mask[s])) if mask is not None else self.T for s in range(self.B)]
        self.h0 = self.states(batch["initialState"])
        self.c0 = self.states(batch.get("initialCellState"))
        terms = self.B if self.head != "per_step_softmax" else sum(self.lengths)
        self.divisor = {"sum": 1.0, "mean_over_batch": float(self.B), "mean_over_terms": float(terms)}[spec["reduction"]]

    def states(self, given):
        """Initial states as [L, B, H]: one layer's [B, H], a stack's [L, 1, B, H], zeros when not given."""
        if given is None:
            return np.zeros((self.L, self.B, self.H))
        return given.reshape(self.L, self.B, self.H)

    def forward_sequence(self, s):
        """Runs sequence s through every layer: per layer its hs, cs and caches; then the head's ys and summed loss."""
        n = self.lengths[s]
        inputs = [self.xs_all[s, t] for t in range(n)]
        runs = []
        for k, (_, weights, _) in enumerate(self.layers):
            hs, cs, caches = {-1: self.h0[k, s]}, {-1: self.c0[k, s]}, {}
            for t in range(n):
                hs[t], cs[t], caches[t] = self.cell.step(weights, inputs[t], hs[t - 1], cs[t - 1])
            runs.append((hs, cs, caches))
            inputs = [hs[t] for t in range(n)]                        # the next layer reads these
        top = runs[-1][0]
        ys, loss = {}, 0.0
        for t in (range(n) if self.head == "per_step_softmax" else [n - 1]):
            o = self.V @ top[t] + self.c
            target = self.targets[s, t] if self.head == "per_step_softmax" else self.targets[s]
            if self.head == "last_step_sigmoid":
                ys[t] = rnn.sigmoid(o)
                loss += float(np.sum(target * rnn.softplus(-o) + (1.0 - target) * rnn.softplus(o)))
            else:
                logy = rnn.log_softmax(o)
                ys[t] = np.exp(logy)
                loss += float(-np.sum(target * logy))
        return runs, ys, loss


def forward(case):
    m = Stack(case)
    hidden = np.zeros((m.B, m.T, m.H))
    cell_states = np.zeros((m.B, m.T, m.H)) if m.cell.has_cell_state else None
    outputs = np.zeros((m.B, m.T, m.K)) if m.head == "per_step_softmax" else np.zeros((m.B, m.K))
    total = 0.0
    for s in range(m.B):
        runs, ys, loss = m.forward_sequence(s)
        total += loss
        hs, cs, _ = runs[-1]
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
    m = Stack(case)
    grads = [{name: np.zeros_like(value) for name, value in weights.items()} for _, weights, _ in m.layers]
    dV, dc = np.zeros_like(m.V), np.zeros(m.K)
    dxs = np.zeros_like(m.xs_all)
    dhs = np.zeros((m.B, m.T, m.H))
    dh0, dc0 = np.zeros((m.L, m.B, m.H)), np.zeros((m.L, m.B, m.H))
    total = 0.0
    for s in range(m.B):
        runs, ys, loss = m.forward_sequence(s)
        total += loss
        n = m.lengths[s]
        top = runs[-1][0]
        dtop = [np.zeros(m.H) for _ in range(n)]                      # what reaches the top layer's h_t from the head
        for t, y in ys.items():
            dy = (y - (m.targets[s, t] if m.head == "per_step_softmax" else m.targets[s])) / m.divisor
            dV += np.outer(dy, top[t])
            dc += dy
            dtop[t] = m.V.T @ dy
        for k in reversed(range(m.L)):
            _, weights, _ = m.layers[k]
            _, _, caches = runs[k]
            dhnext = np.zeros(m.H)
            dcnext = np.zeros(m.H) if m.cell.has_cell_state else None
            dinputs = [None] * n
            for t in reversed(range(n)):
                dh = dtop[t] + dhnext                                 # from the layer above and from the future
                if k == m.L - 1:
                    dhs[s, t] = dh
                dinputs[t], dhnext, dcnext = m.cell.step_backward(weights, grads[k], dh, dcnext, caches[t])
            dh0[k, s] = dhnext
            if m.cell.has_cell_state:
                dc0[k, s] = dcnext
            dtop = dinputs                                            # what reaches the layer below
        for t in range(n):
            dxs[s, t] = dtop[t]
    parameter_gradients = {}
    for (prefix, _, names), layer_grads in zip(m.layers, grads):
        for name in names:
            parameter_gradients[prefix + name] = layer_grads[name]
    parameter_gradients["V"] = dV
    if m.biases:
        parameter_gradients["c"] = dc
    single = m.L == 1
    result = {"loss": total / m.divisor, "parameterGradients": parameter_gradients, "inputGradients": dxs,
              "initialStateGradients": dh0[0] if single else dh0.reshape(m.L, 1, m.B, m.H), "hiddenStateGradients": dhs}
    if m.cell.has_cell_state:
        result["initialCellStateGradients"] = dc0[0] if single else dc0.reshape(m.L, 1, m.B, m.H)
    return result


if __name__ == "__main__":
    protocol.serve("NumPy stacked Elman RNN, GRU and LSTM layers, hand-written BPTT (examples/numpy)", np.__version__,
                   CAPABILITIES, forward, gradients, tensor_factory=rnn.array)
