"""A cmd: program for the bench request's error paths: it answers the hello, and every bench request the way its
mode (the first argument) says: "no-bench" refuses it as a program without the request does; "short" answers one
time fewer than the repetitions asked for; "negative" answers a negative time."""
import json
import sys

MODE = sys.argv[1]


def say(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


for line in sys.stdin:
    request = json.loads(line)
    rid, op = request["id"], request["op"]
    if op == "hello":
        say({"id": rid, "ok": True, "name": "bench fake " + MODE, "version": "0", "capabilities": ["TANH",
             "PER_STEP_SOFTMAX", "BIASES", "FLOAT64"], "protocol": 2})
    elif op == "bye":
        break
    elif MODE == "no-bench":
        say({"id": rid, "ok": False, "error": "ValueError: unknown op %r" % op})
    elif MODE == "short":
        say({"id": rid, "ok": True, "result": {"seconds": [0.001] * (request["repetitions"] - 1), "threads": 1}})
    else:
        say({"id": rid, "ok": True, "result": {"seconds": [-0.001] * request["repetitions"], "threads": 1}})
