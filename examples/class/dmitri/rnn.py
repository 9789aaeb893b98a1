"""Coursework 2, part B (Dmitri): an Elman RNN and its backpropagation through time, in NumPy.

    h_t = tanh(U x_t + W h_{t-1} + b)      o_t = V h_t + c      y_t = softmax(o_t)      J = cross-entropy

Run by the marking harness as `python3 rnn.py`; protocol.py (from the course page) reads the cases and writes my
answers. Tanh only, softmax heads only.
"""
import numpy as np

import protocol

CAPABILITIES = ["TANH", "PER_STEP_SOFTMAX", "LAST_STEP_SOFTMAX", "BIASES", "NO_BIASES", "MASKS", "INITIAL_STATE",
                "FLOAT64", "HIDDEN_STATES"]


def unpack(case):
    spec, p, batch = case["spec"], case["parameters"], case["batch"]
    H, K = spec["hiddenSize"], spec["outputSize"]
    b = p["b"] if "b" in p else np.zeros(H)
    c = p["c"] if "c" in p else np.zeros(K)
    xs = batch["inputs"]
    B, T = xs.shape[0], xs.shape[1]
    lengths = [int(batch["mask"][s].sum()) if batch["mask"] is not None else T for s in range(B)]
    h0 = batch["initialState"] if batch["initialState"] is not None else np.zeros((B, H))
    per_step = spec["head"] == "per_step_softmax"
    terms = sum(lengths) if per_step else B
    divisor = {"sum": 1.0, "mean_over_batch": B, "mean_over_terms": terms}[spec["reduction"]]
    return p["U"], p["W"], b, p["V"], c, xs, batch["targets"], lengths, h0, per_step, divisor


def run_sequence(U, W, b, V, c, xs, targets, length, h0, per_step):
    """Forward over one sequence: the hidden states (hs[-1] = h0), the softmax outputs and the loss."""
    hs, ys = {-1: h0}, {}
    loss = 0.0
    for t in range(length):
        hs[t] = np.tanh(U @ xs[t] + W @ hs[t - 1] + b)
    for t in (range(length) if per_step else [length - 1]):
        o = V @ hs[t] + c
        ys[t] = np.exp(o - np.max(o)) / np.sum(np.exp(o - np.max(o)))
        target = targets[t] if per_step else targets
        loss += -np.sum(target * np.log(ys[t]))
    return hs, ys, loss


def forward(case):
    U, W, b, V, c, xs, targets, lengths, h0, per_step, divisor = unpack(case)
    B, T, H, K = xs.shape[0], xs.shape[1], U.shape[0], V.shape[0]
    hidden = np.zeros((B, T, H))
    outputs = np.zeros((B, T, K)) if per_step else np.zeros((B, K))
    total = 0.0
    for s in range(B):
        hs, ys, loss = run_sequence(U, W, b, V, c, xs[s], targets[s], lengths[s], h0[s], per_step)
        total += loss
        for t in range(lengths[s]):
            hidden[s, t] = hs[t]
        for t in ys:
            if per_step:
                outputs[s, t] = ys[t]
            else:
                outputs[s] = ys[t]
    return {"hiddenStates": hidden, "outputs": outputs, "loss": total / divisor}


def gradients(case):
    U, W, b, V, c, xs, targets, lengths, h0, per_step, divisor = unpack(case)
    dU, dW, db = np.zeros_like(U), np.zeros_like(W), np.zeros_like(b)
    dV, dc = np.zeros_like(V), np.zeros_like(c)
    total = 0.0
    for s in range(xs.shape[0]):
        hs, ys, loss = run_sequence(U, W, b, V, c, xs[s], targets[s], lengths[s], h0[s], per_step)
        total += loss
        dhnext = np.zeros(U.shape[0])
        for t in reversed(range(lengths[s])):
            dh = dhnext.copy()
            if t in ys:
                target = targets[s][t] if per_step else targets[s]
                dy = (ys[t] - target) / divisor       # softmax + cross-entropy
                dV += np.outer(dy, hs[t])
                dc += dy
                dh += V.T @ dy
            dhraw = (1 - hs[t] * hs[t]) * dh          # through tanh
            dU += np.outer(dhraw, xs[s][t])
            dW += np.outer(dhraw, hs[t - 1])
            dhnext = W.T @ dhraw
    grads = {"U": dU, "W": dW, "V": dV}
    if "b" in case["parameters"]:
        grads["b"] = db
        grads["c"] = dc
    return {"loss": total / divisor, "parameterGradients": grads}


if __name__ == "__main__":
    protocol.serve("Elman RNN, coursework 2 (Dmitri)", "1.0", CAPABILITIES, forward, gradients,
                   tensor_factory=lambda shape, data: np.array(data, dtype=np.float64).reshape(shape))
