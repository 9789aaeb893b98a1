"""torch.nn.RNN behind bptt-harness's cmd: protocol:

    bptt verify --impl 'cmd:python3 examples/pytorch/rnn.py'

PyTorch's single-layer RNN computes h_t = f(x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh), f = tanh or relu. The
harness's model is a_t = U x_t + W h_{t-1} + b, h_t = f(a_t), o_t = V h_t + c. The mapping:

    weight_ih_l0 = U   [H, d]  (PyTorch stores it in the equations' orientation already)
    weight_hh_l0 = W   [H, H]
    bias_ih_l0   = b,  bias_hh_l0 = 0   (nn.RNN has two biases and only their sum b_ih + b_hh acts as our b; since
                                         a_t is linear in each, dL/db_ih = dL/db_hh = dL/db: we return dL/db_ih)
    Linear(H, K): weight = V [K, H], bias = c
    batch_first=True: inputs [B, T, d], outputs [B, T, H], as the harness's layout; h_0 = h_{-1} as [1, B, H]

Losses through torch.nn.functional (cross_entropy with probability targets, binary_cross_entropy_with_logits),
gradients by autograd in float64: dL/dx and dL/dh_{-1} by requires_grad on the inputs and on h_0. Masked steps:
the RNN runs all T steps, and only each sequence's unmasked steps enter the loss (later steps cannot influence
earlier ones). dL/dh_t (the total gradient reaching each hidden state) is not offered: nn.RNN runs the whole
sequence in one call and does not expose its intermediate states to autograd.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import protocol  # noqa: E402  (examples/protocol.py)

torch = protocol.import_or_explain("torch", "python3-torch")
F = torch.nn.functional

CAPABILITIES = ["TANH", "RELU",
                "PER_STEP_SOFTMAX", "LAST_STEP_SOFTMAX", "LAST_STEP_SIGMOID",
                "BIASES", "NO_BIASES", "MASKS", "INITIAL_STATE", "FLOAT64",
                "HIDDEN_STATES", "INPUT_GRADIENTS", "INITIAL_STATE_GRADIENTS"]

DTYPE = torch.float64


def tensor(shape, data):
    return torch.tensor(data, dtype=DTYPE).reshape(shape)


class Model:
    """nn.RNN and nn.Linear holding a case's weights, and the case's batch."""

    def __init__(self, case):
        protocol.require_cell(case, ["elman"])  # any other cell is refused with "ok": false
        spec = case["spec"]
        p = case["parameters"]
        self.spec = spec
        d, H, K = spec["inputSize"], spec["hiddenSize"], spec["outputSize"]
        self.rnn = torch.nn.RNN(d, H, num_layers=1, nonlinearity=spec["activation"], bias=spec["biases"],
                                batch_first=True, dtype=DTYPE)
        self.linear = torch.nn.Linear(H, K, bias=spec["biases"], dtype=DTYPE)
        with torch.no_grad():
            self.rnn.weight_ih_l0.copy_(p["U"])
            self.rnn.weight_hh_l0.copy_(p["W"])
            self.linear.weight.copy_(p["V"])
            if spec["biases"]:
                self.rnn.bias_ih_l0.copy_(p["b"])
                self.rnn.bias_hh_l0.zero_()
                self.linear.bias.copy_(p["c"])
        batch = case["batch"]
        self.x = batch["inputs"].clone().requires_grad_(True)                       # [B, T, d]
        self.B, self.T = self.x.shape[0], self.x.shape[1]
        initial = batch["initialState"]
        self.h0 = (initial if initial is not None else torch.zeros(self.B, H, dtype=DTYPE)).clone().unsqueeze(0)
        self.h0.requires_grad_(True)                                                 # [1, B, H]
        self.targets = batch["targets"]
        mask = batch["mask"]
        self.mask = mask if mask is not None else torch.ones(self.B, self.T, dtype=DTYPE)
        self.lengths = self.mask.sum(dim=1).long()                                   # [B]

    def run(self):
        """The forward pass: hidden states [B, T, H], outputs, and the reduced loss (a 0-d tensor)."""
        hidden, _ = self.rnn(self.x, self.h0)
        head, reduction = self.spec["head"], self.spec["reduction"]
        if head == "per_step_softmax":
            logits = self.linear(hidden)                                             # [B, T, K]
            outputs = torch.softmax(logits, dim=2)
            per_step = F.cross_entropy(logits.reshape(-1, logits.shape[2]), self.targets.reshape(-1, logits.shape[2]),
                                       reduction="none").reshape(self.B, self.T)
            summed = (per_step * self.mask).sum()
            terms = self.mask.sum()
        else:
            last = hidden[torch.arange(self.B), self.lengths - 1]                    # [B, H], each sequence's last step
            logits = self.linear(last)                                               # [B, K]
            if head == "last_step_sigmoid":
                outputs = torch.sigmoid(logits)
                summed = F.binary_cross_entropy_with_logits(logits, self.targets, reduction="sum")
            else:
                outputs = torch.softmax(logits, dim=1)
                summed = F.cross_entropy(logits, self.targets, reduction="sum")
            terms = self.B
        divisor = {"sum": 1.0, "mean_over_batch": float(self.B), "mean_over_terms": float(terms)}[reduction]
        return hidden, outputs, summed / divisor


def forward(case):
    with torch.no_grad():
        hidden, outputs, loss = Model(case).run()
    return {"hiddenStates": hidden, "outputs": outputs, "loss": loss.item()}


def gradients(case):
    model = Model(case)
    _, _, loss = model.run()
    loss.backward()
    biases = case["spec"]["biases"]
    return {"loss": loss.item(),
            "parameterGradients": {"U": model.rnn.weight_ih_l0.grad, "W": model.rnn.weight_hh_l0.grad,
                                   "b": model.rnn.bias_ih_l0.grad if biases else None,
                                   "V": model.linear.weight.grad, "c": model.linear.bias.grad if biases else None},
            "inputGradients": model.x.grad, "initialStateGradients": model.h0.grad[0],
            "hiddenStateGradients": None}


if __name__ == "__main__":
    protocol.serve("PyTorch torch.nn.RNN (examples/pytorch)", torch.__version__, CAPABILITIES,
                   forward, gradients, tensor_factory=tensor)
