"""A student's program for ClassCommandTest (standard library only), misbehaving the way MODE says:

    class_student.py MODE

    wrong     answers every case, wrongly: outputs 1/K everywhere, a loss of 0 and zero gradients
    crash     raises an uncaught exception at the first case (exit code 1, traceback on stderr)
    hang      never answers a case (sleeps)
    garbage   prints a line that is not JSON in answer to a case
    no-hello  exits with code 4 before answering the hello, writing "ModuleNotFoundError: numpy" to stderr

It writes 'scratch.txt' in its working folder at the hello, as a program writing a file without a path does.
"""
import json
import sys
import time

MODE = sys.argv[1]


def zeros(shape):
    size = 1
    for n in shape:
        size *= n
    return {"shape": shape, "data": [0.0] * size}


def wrong_answer(op, case):
    spec, batch = case["spec"], case["batch"]
    b, t = batch["inputs"]["shape"][0], batch["inputs"]["shape"][1]
    d, h, k = spec["inputSize"], spec["hiddenSize"], spec["outputSize"]
    if op == "forward":
        outputs = {"shape": [b, t, k], "data": [1.0 / k] * (b * t * k)}
        return {"hiddenStates": None, "outputs": outputs, "loss": 0.0}
    gradients = {"U": zeros([h, d]), "W": zeros([h, h]), "V": zeros([k, h])}
    if spec["biases"]:
        gradients["b"] = zeros([h])
        gradients["c"] = zeros([k])
    return {"loss": 0.0, "parameterGradients": gradients}


for line in sys.stdin:
    request = json.loads(line)
    op = request["op"]
    if op == "hello":
        if MODE == "no-hello":
            sys.stderr.write("ModuleNotFoundError: No module named 'numpy'\n")
            sys.exit(4)
        with open("scratch.txt", "w") as scratch:
            scratch.write("written by the student's program\n")
        answer = {"id": request["id"], "ok": True, "name": "class student " + MODE, "version": "1",
                  "capabilities": ["TANH", "PER_STEP_SOFTMAX", "BIASES", "NO_BIASES", "FLOAT64"], "protocol": 2}
    elif op == "bye":
        break
    elif MODE == "crash":
        raise RuntimeError("index out of range in my backward pass")
    elif MODE == "hang":
        time.sleep(600)
    elif MODE == "garbage":
        print("dW = [[0.1, 0.2], [0.3, 0.4]]")
        sys.stdout.flush()
        continue
    else:
        answer = {"id": request["id"], "ok": True, "result": wrong_answer(op, request["case"])}
    print(json.dumps(answer))
    sys.stdout.flush()
