#!/bin/sh
# A cmd: plugin that hangs: it answers the hello (request 1, see external-process/PROTOCOL.md) declaring what the
# gradcheck, decay and train tests need, then reads every later request and never answers one.
read -r hello
echo '{"id": 1, "ok": true, "name": "hangs after hello (bptt tests)", "version": "1", "capabilities": ["TANH", "SIGMOID", "RELU", "IDENTITY", "PER_STEP_SOFTMAX", "LAST_STEP_SOFTMAX", "LAST_STEP_SIGMOID", "BIASES", "NO_BIASES", "MASKS", "FLOAT64", "HIDDEN_STATES", "INPUT_GRADIENTS"]}'
while read -r request; do
    : # read, never answered (stdout stays open: the process looks alive and busy)
done
