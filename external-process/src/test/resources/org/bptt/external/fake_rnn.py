"""A fake external implementation for ExternalRnnTest (standard library only).

    fake_rnn.py MODE

Answers the hello and every request correctly (outputs 1/K everywhere, zero gradients, and loss = the sum of the
case's inputs, so that a test can tell the case arrived intact), except that a case whose batch has B = 2 (the
"poison" case) is answered the way MODE says. It speaks protocol 1, as a program written before protocol 2 does,
and refuses ("ok": false) a request that is not in version 1's form, except in the modes v2 and hello-v3:

    ok             correctly, like every other case
    crash          raises an uncaught exception (exit code 1, traceback on stderr)
    exit3          writes "giving up" to stderr and exits with code 3
    garbage        prints a line that is not JSON
    not-an-answer  prints JSON without the protocol's fields
    wrong-id       answers with the request's id + 1
    wrong-shape    answers outputs one column too wide
    refuse         answers {"ok": false, "error": "..."}
    sleep          never answers (sleeps)
    spawn-sleep    starts a grandchild `sleep 600`, says its pid on stderr, and never answers
    hello-exit     (at the hello, not a case) exits with code 4 after writing "no torch here" to stderr
    deaf           (after the hello) never reads its stdin again, and never answers
    v2             speaks protocol 2: chooses it at the hello, and refuses a request that is not in version 2's form
    hello-v3       answers the hello choosing protocol 3
    hello-garbage  answers the hello with a line that is not JSON
"""
import json
import subprocess
import sys
import time

MODE = sys.argv[1]
CAPABILITIES = ["TANH", "PER_STEP_SOFTMAX", "LAST_STEP_SOFTMAX", "BIASES", "NO_BIASES", "FLOAT64"]
PROTOCOL = 2 if MODE == "v2" else 1


def zeros(shape):
    size = 1
    for n in shape:
        size *= n
    return {"shape": shape, "data": [0.0] * size}


def result(op, case):
    spec, batch = case["spec"], case["batch"]
    b, t = batch["inputs"]["shape"][0], batch["inputs"]["shape"][1]
    d, h, k = spec["inputSize"], spec["hiddenSize"], spec["outputSize"]
    loss = sum(batch["inputs"]["data"])
    if op == "forward":
        shape = [b, t, k] if spec["head"] == "per_step_softmax" else [b, k]
        outputs = zeros(shape)
        outputs["data"] = [1.0 / k] * len(outputs["data"])
        return {"hiddenStates": None, "outputs": outputs, "loss": loss}
    biases = spec["biases"]
    gradients = {"U": zeros([h, d]), "W": zeros([h, h]), "b": zeros([h]) if biases else None,
                 "V": zeros([k, h]), "c": zeros([k]) if biases else None}
    if PROTOCOL == 2:  # version 2 leaves out the parameters the model does not have
        gradients = {name: tensor for name, tensor in gradients.items() if tensor is not None}
    return {"loss": loss, "parameterGradients": gradients,
            "inputGradients": None, "initialStateGradients": None, "hiddenStateGradients": None}


def form_problem(request):
    """What is wrong with the request for this program's protocol version, or None."""
    if request.get("protocol") != PROTOCOL:
        return "this program speaks protocol %d, the request is protocol %r" % (PROTOCOL, request.get("protocol"))
    spec, parameters = request["case"]["spec"], request["case"]["parameters"]
    if PROTOCOL == 1 and ("cell" in spec or sorted(parameters) != ["U", "V", "W", "b", "c"]):
        return "not a version-1 case: spec %s, parameters %s" % (sorted(spec), sorted(parameters))
    if PROTOCOL == 2:
        declared = ["U", "V", "W", "b", "c"] if spec["biases"] else ["U", "V", "W"]
        if spec.get("cell") != "elman" or sorted(parameters) != declared:
            return "not a version-2 case: spec %s, parameters %s" % (sorted(spec), sorted(parameters))
    return None


def say(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


for line in sys.stdin:
    request = json.loads(line)
    rid, op = request["id"], request["op"]
    if op == "hello":
        if MODE == "hello-exit":
            sys.stderr.write("no torch here\n")
            sys.exit(4)
        if MODE == "hello-garbage":
            print("Hello! I am an RNN.", flush=True)
            continue
        hello = {"id": rid, "ok": True, "name": "fake " + MODE, "version": "0", "capabilities": CAPABILITIES}
        if request.get("protocol") != 1:
            hello = {"id": rid, "ok": False, "error": "the hello must be protocol 1, got %r" % request.get("protocol")}
        elif MODE == "v2":
            hello["protocol"] = 2
        elif MODE == "hello-v3":
            hello["protocol"] = 3
        say(hello)
        if MODE == "deaf":
            time.sleep(600)
        continue
    if op == "bye":
        break
    case = request["case"]
    answer = {"id": rid, "ok": True, "result": result(op, case)}
    if form_problem(request) is not None:
        answer = {"id": rid, "ok": False, "error": form_problem(request)}
    if case["batch"]["inputs"]["shape"][0] == 2:
        if MODE == "crash":
            raise RuntimeError("the fake crashes on B = 2")
        if MODE == "exit3":
            sys.stderr.write("giving up\n")
            sys.stderr.flush()
            sys.exit(3)
        if MODE == "garbage":
            sys.stdout.write("loss is 0.25, I think\n")
            sys.stdout.flush()
            continue
        if MODE == "not-an-answer":
            say({"loss": 0.25})
            continue
        if MODE == "wrong-id":
            answer["id"] = rid + 1
        if MODE == "wrong-shape" and op == "forward":
            shape = answer["result"]["outputs"]["shape"]
            shape[-1] += 1
            answer["result"]["outputs"] = zeros(shape)
        if MODE == "refuse":
            answer = {"id": rid, "ok": False, "error": "B = 2 is not supported"}
        if MODE == "sleep":
            time.sleep(600)
        if MODE == "spawn-sleep":
            grandchild = subprocess.Popen(["sleep", "600"])
            sys.stderr.write("grandchild %d\n" % grandchild.pid)
            sys.stderr.flush()
            time.sleep(600)
    say(answer)
