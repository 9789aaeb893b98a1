"""torch.nn.RNN, torch.nn.GRU and torch.nn.LSTM behind bptt-harness's cmd: protocol:

    bptt verify --impl 'cmd:python3 examples/pytorch/rnn.py'

bptt-harness's parameters are one matrix per gate in the equations' orientation (U_* [H, d], W_* [H, H], b_* [H]);
PyTorch packs a layer's gates into one tensor per kind. The mapping is one function per cell (elman_layout,
gru_layout, lstm_layout): which of our parameters each of PyTorch's packed tensors stacks, row block by row block.
pack() copies a case's weights in, named_gradients() takes the gradients back out by the same table. A block whose
parameter the case does not have is zero: PyTorch always has two bias vectors, bias_ih and bias_hh, and a model
with one bias per gate is PyTorch's with bias_hh = 0 (then our b_* is bias_ih, and its gradient is bias_ih's).

What PyTorch cannot express is not declared, so bptt skips those cases with the reason (and this program refuses
them if sent anyway): nn.RNN has only tanh and relu, nn.GRU places the reset gate after the recurrent product only,
nn.LSTM has no peepholes, and a bidirectional layer concatenates its directions (no sum, mean or product).

Stacked and bidirectional networks are num_layers and bidirectional=True of the same module. PyTorch names layer k's
tensors weight_ih_l{k}, ..., and its reverse direction's weight_ih_l{k}_reverse, ...: our l{k}. and l{k}.reverse.
prefixes (layer 0's forward tensors are our bare names), placed by layout(). Initial states are PyTorch's h_0
[L*D, B, H], our [L, D, B, H] reshaped. Masked sequences go through pack_padded_sequence, the path PyTorch users take
for variable lengths: the reverse direction then starts at each sequence's last valid step.

Around the recurrent layer: nn.Linear(H, K) holds V and c; losses through torch.nn.functional (cross_entropy with
probability targets, binary_cross_entropy_with_logits); gradients by autograd, in float64 or float32 as the case's
dataType asks: dL/dx, dL/dh_{-1} and the LSTM's dL/dc_{-1} by requires_grad on the inputs and initial states.
batch_first=True gives the harness's layout [B, T, d] and [B, T, H]. Masked sequences run packed (above), and only
each sequence's unmasked steps enter the loss. Not offered: dL/dh_t
and the LSTM's cell states c_t, because PyTorch runs the whole sequence in one call and exposes neither its
intermediate states to autograd nor c_t before the last step.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import protocol  # noqa: E402  (examples/protocol.py)

torch = protocol.import_or_explain("torch", "python3-torch")
F = torch.nn.functional

CAPABILITIES = ["TANH", "RELU", "GRU_RESET_AFTER", "LSTM", "TWO_BIASES", "STACKED", "BIDIRECTIONAL_CONCAT",
                "PER_STEP_SOFTMAX", "LAST_STEP_SOFTMAX", "LAST_STEP_SIGMOID",
                "BIASES", "NO_BIASES", "MASKS", "INITIAL_STATE", "INITIAL_CELL_STATE", "FLOAT64", "FLOAT32",
                "HIDDEN_STATES", "INPUT_GRADIENTS", "INITIAL_STATE_GRADIENTS", "INITIAL_CELL_STATE_GRADIENTS"]

DTYPES = {"float64": torch.float64, "float32": torch.float32}


def tensor(shape, data):
    return torch.tensor(data, dtype=torch.float64).reshape(shape)


def elman_layout():
    """nn.RNN's parameters as bptt-harness's. PyTorch's documentation of torch.nn.RNN
    (https://pytorch.org/docs/stable/generated/torch.nn.RNN.html): h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh),
    weight_ih_l0 of shape (hidden_size, input_size), weight_hh_l0 (hidden_size, hidden_size): our U and W in the same
    orientation. Only the sum b_ih + b_hh acts, as our b: bias_ih_l0 = b, bias_hh_l0 = 0."""
    return {"weight_ih_l0": ["U"], "weight_hh_l0": ["W"], "bias_ih_l0": ["b"]}


def gru_layout():
    """nn.GRU's packed parameters as bptt-harness's, gate by gate. PyTorch's documentation of torch.nn.GRU
    (https://pytorch.org/docs/stable/generated/torch.nn.GRU.html) writes
        r_t = σ(W_ir x_t + b_ir + W_hr h_(t-1) + b_hr),  z_t = σ(W_iz x_t + b_iz + W_hz h_(t-1) + b_hz),
        n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_(t-1) + b_hn)),  h_t = (1 - z_t) ⊙ n_t + z_t ⊙ h_(t-1)
    (our equations with the reset gate after the product: W_i* is our U_*, W_h* our W_*, b_i* our b_*, b_h* our b_h*)
    and packs them (its "Variables"): weight_ih_l0 = (W_ir|W_iz|W_in) of shape (3*hidden_size, input_size),
    weight_hh_l0 = (W_hr|W_hz|W_hn), bias_ih_l0 = (b_ir|b_iz|b_in), bias_hh_l0 = (b_hr|b_hz|b_hn): rows r, z, n."""
    return {"weight_ih_l0": ["U_r", "U_z", "U_n"], "weight_hh_l0": ["W_r", "W_z", "W_n"],
            "bias_ih_l0": ["b_r", "b_z", "b_n"], "bias_hh_l0": ["b_hr", "b_hz", "b_hn"]}


def lstm_layout():
    """nn.LSTM's packed parameters as bptt-harness's, gate by gate. PyTorch's documentation of torch.nn.LSTM
    (https://pytorch.org/docs/stable/generated/torch.nn.LSTM.html) writes
        i_t = σ(W_ii x_t + b_ii + W_hi h_(t-1) + b_hi),  f_t = σ(W_if x_t + b_if + W_hf h_(t-1) + b_hf),
        g_t = tanh(W_ig x_t + b_ig + W_hg h_(t-1) + b_hg),  o_t = σ(W_io x_t + b_io + W_ho h_(t-1) + b_ho),
        c_t = f_t ⊙ c_(t-1) + i_t ⊙ g_t,  h_t = o_t ⊙ tanh(c_t)
    (our equations without peepholes: W_i* is our U_*, W_h* our W_*, b_i* our b_*, b_h* our b_h*) and packs them
    (its "Variables"): weight_ih_l0 = (W_ii|W_if|W_ig|W_io) of shape (4*hidden_size, input_size),
    weight_hh_l0 = (W_hi|W_hf|W_hg|W_ho), bias_ih_l0 = (b_ii|b_if|b_ig|b_io), bias_hh_l0 = (b_hi|b_hf|b_hg|b_ho):
    rows i, f, g, o."""
    return {"weight_ih_l0": ["U_i", "U_f", "U_g", "U_o"], "weight_hh_l0": ["W_i", "W_f", "W_g", "W_o"],
            "bias_ih_l0": ["b_i", "b_f", "b_g", "b_o"], "bias_hh_l0": ["b_hi", "b_hf", "b_hg", "b_ho"]}


LAYOUTS = {"elman": elman_layout, "gru": gru_layout, "lstm": lstm_layout}


def layout(cell, layers, directions):
    """The layout of every layer and direction: layer 0's forward layout as the cell's (PyTorch's *_l0, our bare
    names), and for layer k and direction "_reverse" PyTorch's *_l{k}[_reverse] holding our l{k}.[reverse.] names."""
    single = LAYOUTS[cell]()
    placed = {}
    for k in range(layers):
        for reverse in range(directions):
            prefix = "" if k == 0 and not reverse else "l%d.%s" % (k, "reverse." if reverse else "")
            for packed_name, names in single.items():
                placed[packed_name.replace("_l0", "_l%d" % k) + ("_reverse" if reverse else "")] = [prefix + name for name in names]
    return placed


def pack(module, layout, parameters):
    """Copies our parameters into module's packed tensors, block k of a tensor's rows holding the k-th name of its
    layout entry; blocks (and tensors) whose parameter is not in `parameters` are zeroed."""
    with torch.no_grad():
        for packed_name, packed in module.named_parameters():
            packed.zero_()
            names = layout.get(packed_name, [])
            for block, name in zip(packed.chunk(len(names)) if names else [], names):
                if name in parameters:
                    block.copy_(parameters[name])


def named_gradients(module, layout, names):
    """The gradients of our parameters `names` out of module's packed gradients: the inverse of pack()."""
    gradients = {}
    for packed_name, packed in module.named_parameters():
        entry = layout.get(packed_name, [])
        for block, name in zip(packed.grad.chunk(len(entry)) if entry else [], entry):
            if name in names:
                gradients[name] = block
    return gradients


def refuse_what_pytorch_cannot_express(spec):
    """Raises ValueError (answered "ok": false) for a model PyTorch has no layer for."""
    options = spec.get("cellOptions") or {}
    if spec["cell"] == "elman" and spec["activation"] not in ("tanh", "relu"):
        raise ValueError("nn.RNN has the activations tanh and relu, not %s" % spec["activation"])
    if spec["cell"] == "gru" and options["resetPlacement"] != "after":
        raise ValueError("nn.GRU applies the reset gate after the recurrent product (r ⊙ (W_n h + b_hn)); "
                         "it cannot express the reset gate before it")
    if spec["cell"] == "lstm" and options["peepholes"]:
        raise ValueError("nn.LSTM has no peephole connections")
    if spec.get("direction") == "bidirectional" and spec["combine"] != "concat":
        raise ValueError("a bidirectional PyTorch layer concatenates its directions; it cannot %s them" % spec["combine"])


class Model:
    """The recurrent layer and nn.Linear holding a case's weights, and the case's batch, in its data type."""

    def __init__(self, case):
        protocol.require_cell(case, list(LAYOUTS))  # any other cell is refused with "ok": false
        spec = case["spec"]
        refuse_what_pytorch_cannot_express(spec)
        self.spec = spec
        self.cell = spec["cell"]
        dtype = DTYPES[spec["dataType"]]
        d, H, K = spec["inputSize"], spec["hiddenSize"], spec["outputSize"]
        self.layers = spec.get("layers", 1)
        self.directions = 2 if spec.get("direction") == "bidirectional" else 1
        common = {"num_layers": self.layers, "bidirectional": self.directions == 2, "bias": spec["biases"],
                  "batch_first": True, "dtype": dtype}
        if self.cell == "elman":
            self.rnn = torch.nn.RNN(d, H, nonlinearity=spec["activation"], **common)
        elif self.cell == "gru":
            self.rnn = torch.nn.GRU(d, H, **common)
        else:
            self.rnn = torch.nn.LSTM(d, H, **common)
        self.layout = layout(self.cell, self.layers, self.directions)
        self.names = [name for name in case["parameters"] if name not in ("V", "c")]
        pack(self.rnn, self.layout, case["parameters"])
        self.linear = torch.nn.Linear(self.directions * H, K, bias=spec["biases"], dtype=dtype)   # reads [h→; h←]
        with torch.no_grad():
            self.linear.weight.copy_(case["parameters"]["V"])
            if spec["biases"]:
                self.linear.bias.copy_(case["parameters"]["c"])
        batch = case["batch"]
        self.x = batch["inputs"].to(dtype).requires_grad_(True)                     # [B, T, d]
        self.B, self.T = self.x.shape[0], self.x.shape[1]
        self.h0 = self.initial(batch["initialState"], dtype, H)                      # [L*D, B, H]
        self.c0 = self.initial(batch.get("initialCellState"), dtype, H) if self.cell == "lstm" else None
        self.targets = batch["targets"].to(dtype)
        mask = batch["mask"]
        self.masked = mask is not None
        self.mask = mask.to(dtype) if mask is not None else torch.ones(self.B, self.T, dtype=dtype)
        self.lengths = self.mask.sum(dim=1).long()                                   # [B]

    def initial(self, state, dtype, H):
        """An initial state (zeros when not given) as PyTorch's [num_layers * num_directions, B, H], a leaf for
        autograd: ours is [B, H] for one forward layer, else [L, D, B, H]."""
        value = state.to(dtype) if state is not None else torch.zeros(self.layers, self.directions, self.B, H, dtype=dtype)
        return value.clone().reshape(self.layers * self.directions, self.B, H).requires_grad_(True)

    def initial_gradient(self, state):
        """The gradient of an initial state in our shape: [B, H] for one forward layer, else [L, D, B, H]."""
        if self.layers == 1 and self.directions == 1:
            return state.grad[0]
        return state.grad.reshape(self.layers, self.directions, self.B, -1)

    def run(self):
        """The forward pass: the top layer's states [B, T, D*H], outputs, and the reduced loss (a 0-d tensor). A
        masked batch runs packed, so that every direction sees each sequence's valid steps only."""
        state = (self.h0, self.c0) if self.cell == "lstm" else self.h0
        if self.masked:
            packed = torch.nn.utils.rnn.pack_padded_sequence(self.x, self.lengths.cpu(), batch_first=True,
                                                             enforce_sorted=False)
            packed_hidden, _ = self.rnn(packed, state)
            hidden, _ = torch.nn.utils.rnn.pad_packed_sequence(packed_hidden, batch_first=True, total_length=self.T)
        else:
            hidden, _ = self.rnn(self.x, state)
        head, reduction = self.spec["head"], self.spec["reduction"]
        if head == "per_step_softmax":
            logits = self.linear(hidden)                                             # [B, T, K]
            outputs = torch.softmax(logits, dim=2)
            per_step = F.cross_entropy(logits.reshape(-1, logits.shape[2]), self.targets.reshape(-1, logits.shape[2]),
                                       reduction="none").reshape(self.B, self.T)
            summed = (per_step * self.mask).sum()
            terms = self.mask.sum()
        else:
            last = hidden[torch.arange(self.B), self.lengths - 1]                    # [B, D*H], each sequence's last step
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
    parameter_gradients = named_gradients(model.rnn, model.layout, model.names)
    parameter_gradients["V"] = model.linear.weight.grad
    if case["spec"]["biases"]:
        parameter_gradients["c"] = model.linear.bias.grad
    result = {"loss": loss.item(), "parameterGradients": parameter_gradients,
              "inputGradients": model.x.grad, "initialStateGradients": model.initial_gradient(model.h0),
              "hiddenStateGradients": None}
    if model.c0 is not None:
        result["initialCellStateGradients"] = model.initial_gradient(model.c0)
    return result


def bench(case, call, warm_ups, repetitions):
    """bptt bench's own-call timing, as a PyTorch user trains or runs the model: the modules are built and given the
    case's weights once; then each repetition is the forward pass under torch.no_grad(), or the forward pass and
    loss.backward() into the parameters' gradients (what one training step does before its optimizer; the inputs and
    initial states are plain tensors, as in training, so dL/dx and dL/dh_{-1} are not computed). Threads:
    torch.get_num_threads() (PyTorch takes it from OMP_NUM_THREADS, which bptt bench sets)."""
    model = Model(case)
    model.x = model.x.detach()
    model.h0 = model.h0.detach()
    model.c0 = model.c0.detach() if model.c0 is not None else None
    parameters = list(model.rnn.parameters()) + list(model.linear.parameters())

    def forward_only():
        with torch.no_grad():
            model.run()

    def forward_backward():
        for parameter in parameters:
            parameter.grad = None
        _, _, loss = model.run()
        loss.backward()

    seconds = protocol.time_calls(forward_only if call == "forward" else forward_backward, warm_ups, repetitions)
    how = "with torch.no_grad(): forward" if call == "forward" else "forward, loss.backward()"
    return {"seconds": seconds, "threads": torch.get_num_threads(),
            "how": "PyTorch %s (%s), %s" % (how, model.cell, protocol.blas_library())}


if __name__ == "__main__":
    protocol.serve("PyTorch torch.nn.RNN, GRU and LSTM (examples/pytorch)", torch.__version__, CAPABILITIES,
                   forward, gradients, tensor_factory=tensor, bench=bench)
