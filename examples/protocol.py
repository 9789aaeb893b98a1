"""The `cmd:` line protocol of bptt-harness, seen from the implementation's side (standard library only).

bptt starts your program once and writes one JSON request per line to its stdin; the program answers each with one
JSON line on its stdout (see external-process/PROTOCOL.md). This module does the reading, dispatching and writing,
so that an implementation only supplies two functions:

    forward(case)   -> {"hiddenStates": h or None, "outputs": y, "loss": L}
    gradients(case) -> {"loss": L, "parameterGradients": {"U": .., "W": .., "b": .., "V": .., "c": ..},
                        "inputGradients": .., "initialStateGradients": .., "hiddenStateGradients": ..}

(an LSTM's results may add "cellStates" and "initialCellStateGradients"), and optionally a third, for `bptt bench`:

    bench(case, call, warm_ups, repetitions) -> {"seconds": [one per repetition], "threads": N, "how": "..."}

which times the program's own forward ("forward") or forward and backward ("forward+backward") on the case, the
way its users would call it: time_calls() below does the warm-up and the timing. `case` is the request's JSON case (a dict)
with every tensor {"shape": [...], "data": [...]} replaced by tensor_factory(shape, flat_data) (by default a
Tensor(shape, data) named tuple). Its spec names the cell (case["spec"]["cell"]: "elman", "gru" or "lstm", a gated
cell with its case["spec"]["cellOptions"]); its parameters are the ones the model has (no biases without biases; a
gated cell's U_*, W_*, b_* per gate); an LSTM's batch has "initialCellState". Results may hold any array with
`.shape` and `.reshape(-1).tolist()` (NumPy arrays, PyTorch tensors) or None for an absent tensor (the gradient of a
parameter the model does not have may be None or left out).

This module speaks protocol versions 1 and 2 and takes the newest that bptt offers at the hello; a version-1 case
(from a bptt older than protocol 2) is handed over in version 2's terms, with the cell "elman" that version 1 implied.

Anything the program prints for humans must go to stderr: stdout carries the protocol only. An exception raised by
forward/gradients is answered as {"ok": false, "error": "..."}: bptt reports the case as a plugin error and goes on.
"""
import json
import sys
import traceback
from collections import namedtuple

PROTOCOL_VERSIONS = (1, 2)

Tensor = namedtuple("Tensor", ["shape", "data"])


def _is_tensor(node):
    return isinstance(node, dict) and set(node) == {"shape", "data"}


def decode_tensors(node, tensor_factory):
    """Replaces every {"shape", "data"} object in a decoded JSON tree by tensor_factory(shape, data)."""
    if _is_tensor(node):
        return tensor_factory(node["shape"], node["data"])
    if isinstance(node, dict):
        return {key: decode_tensors(value, tensor_factory) for key, value in node.items()}
    if isinstance(node, list):
        return [decode_tensors(value, tensor_factory) for value in node]
    return node


def encode_tensors(node):
    """Turns arrays (anything with .shape and .reshape) into {"shape", "data"} objects, recursively."""
    if node is None or isinstance(node, (bool, int, str)):
        return node
    if isinstance(node, float):
        return node
    if isinstance(node, dict):
        return {key: encode_tensors(value) for key, value in node.items()}
    if isinstance(node, (list, tuple)) and not isinstance(node, Tensor):
        return [encode_tensors(value) for value in node]
    if isinstance(node, Tensor):
        return {"shape": list(node.shape), "data": [float(v) for v in node.data]}
    if hasattr(node, "shape") and hasattr(node, "reshape"):
        shape = [int(size) for size in node.shape]
        if not shape:  # a 0-d array: a plain number (the loss)
            return float(node.reshape(-1).tolist()[0])
        return {"shape": shape, "data": [float(v) for v in node.reshape(-1).tolist()]}
    if hasattr(node, "item"):  # NumPy scalar
        return float(node.item())
    raise TypeError("cannot encode %r as JSON" % type(node))


def _write(message):
    # NaN and infinities are written as the bare tokens NaN, Infinity, -Infinity, which bptt reads.
    sys.stdout.write(json.dumps(message, allow_nan=True) + "\n")
    sys.stdout.flush()


def blas_library():
    """The BLAS this process has loaded, as its folder and file (e.g. openblas-pthread/libblas.so.3, or
    blas/libblas.so.3 for the reference BLAS), read from /proc/self/maps; "BLAS unknown" elsewhere. Debian's NumPy and PyTorch call whatever libblas.so.3 the system provides: the
    reference BLAS of libblas3 unless an optimised one (libopenblas0-pthread) is installed, several times slower,
    so a timing names it."""
    try:
        with open("/proc/self/maps") as maps:
            names = {"/".join(line.split()[-1].split("/")[-2:]) for line in maps
                     if "blas" in line.lower() and "/" in line}
    except OSError:
        return "BLAS unknown"
    return ", ".join(sorted(names)) if names else "BLAS unknown"


def time_calls(call_once, warm_ups, repetitions):
    """Calls call_once() warm_ups times untimed, then repetitions times, each timed on its own with
    time.perf_counter; returns the repetitions' times in seconds."""
    import time
    if warm_ups < 0 or repetitions < 1:
        raise ValueError("bench needs warmUps >= 0 and repetitions >= 1, got %r and %r" % (warm_ups, repetitions))
    for _ in range(warm_ups):
        call_once()
    seconds = []
    for _ in range(repetitions):
        start = time.perf_counter()
        call_once()
        seconds.append(time.perf_counter() - start)
    return seconds


def serve(name, version, capabilities, forward, gradients, tensor_factory=Tensor, bench=None):
    """Answers requests from stdin until "bye" or end of input.

    name, version: who this implementation is; capabilities: names of org.bptt.api.Capability it really has,
    e.g. ["TANH", "PER_STEP_SOFTMAX", "BIASES", "FLOAT64"]; bench: the optional function that answers "bench"
    requests (without it they are answered "ok": false).
    """
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        request_id = request.get("id")
        op = request.get("op")
        try:
            if request.get("protocol") not in PROTOCOL_VERSIONS:
                raise ValueError("this program speaks protocols %s, the request is protocol %r"
                                 % (PROTOCOL_VERSIONS, request.get("protocol")))
            if op == "hello":
                # The hello comes as version 1 with the versions bptt speaks ("protocols"; absent before version 2).
                offered = [v for v in request.get("protocols", [1]) if v in PROTOCOL_VERSIONS]
                if not offered:
                    raise ValueError("bptt offers protocols %r, this program speaks %s"
                                     % (request.get("protocols"), PROTOCOL_VERSIONS))
                _write({"id": request_id, "ok": True, "name": name, "version": version,
                        "capabilities": list(capabilities), "protocol": max(offered)})
            elif op in ("forward", "gradients"):
                case = decode_tensors(request["case"], tensor_factory)
                if request["protocol"] == 1:
                    case["spec"]["cell"] = "elman"  # version 1 knew only the Elman cell and did not name it
                result = forward(case) if op == "forward" else gradients(case)
                _write({"id": request_id, "ok": True, "result": encode_tensors(result)})
            elif op == "bench":
                if bench is None:
                    raise ValueError("this program does not time its own calls (it answers no bench request)")
                case = decode_tensors(request["case"], tensor_factory)
                if request["call"] not in ("forward", "forward+backward"):
                    raise ValueError("bench: call must be 'forward' or 'forward+backward', got %r" % request["call"])
                timed = bench(case, request["call"], request["warmUps"], request["repetitions"])
                _write({"id": request_id, "ok": True, "result": {"seconds": [float(s) for s in timed["seconds"]],
                                                                   "threads": int(timed["threads"]),
                                                                   "how": str(timed.get("how", ""))}})
            elif op == "bye":
                return
            else:
                raise ValueError("unknown op %r" % op)
        except BrokenPipeError:  # bptt has gone: nobody to answer
            return
        except Exception as error:  # the case fails, the program goes on
            traceback.print_exc(file=sys.stderr)
            _write({"id": request_id, "ok": False, "error": "%s: %s" % (type(error).__name__, error)})


def require_cell(case, cells):
    """Raises ValueError (answered "ok": false) when the case's cell is not one of `cells`."""
    cell = case["spec"]["cell"]
    if cell not in cells:
        raise ValueError("this program implements the cells %s, not %r" % (list(cells), cell))


def import_or_explain(module, debian_package):
    """Imports `module`; when the running Python lacks it (a pyenv or venv Python does not see Debian's packages),
    tries Debian's /usr/lib/python3/dist-packages (built for Debian's Python 3.11: this works from another 3.11), and
    else exits with what to install."""
    import importlib
    try:
        return importlib.import_module(module)
    except ImportError:
        pass
    debian = "/usr/lib/python3/dist-packages"
    if debian not in sys.path:
        # In front: the module then finds the Debian builds it was compiled against (torch: Debian's NumPy 1.x,
        # not a NumPy 2 of this Python's own site-packages).
        sys.path.insert(0, debian)
        try:
            return importlib.import_module(module)
        except ImportError:
            pass
    sys.stderr.write("%s: cannot import %s with %s (Python %d.%d); install %s (Debian: apt-get install %s), "
                     "or run this file with a Python that has it\n"
                     % (sys.argv[0], module, sys.executable, sys.version_info[0], sys.version_info[1],
                        debian_package, debian_package))
    sys.exit(3)
