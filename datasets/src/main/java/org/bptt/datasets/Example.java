package org.bptt.datasets;

import java.util.ArrayList;
import java.util.List;
import org.bptt.api.Batch;
import org.bptt.api.Head;
import org.bptt.api.InvalidInputException;
import org.bptt.api.Tensor;

/**
 * One sequence of a {@link Dataset}, both readable and model-ready.
 *
 * @param inputTokens  what each step's input is, e.g. {@code b a d i i}: one per step
 * @param inputs       x_t, {@code [T][d]}: one-hot codes or feature vectors
 * @param targetTokens what each target is: one per step for {@link Head#PER_STEP_SOFTMAX} (the next symbol), a
 *                     single one for the last-step heads (the label)
 * @param targets      {@code [T][K]} for the per-step head, {@code [1][K]} for the last-step heads
 *
 * <p>The arrays are kept as given (not copied): treat them as read-only. Equality is by reference for them; compare
 * {@link #toBatch batches} (whose tensors compare by content) instead.
 */
public record Example(List<String> inputTokens, double[][] inputs, List<String> targetTokens, double[][] targets) {

    public Example {
        InvalidInputException.require(inputs != null && inputs.length >= 1, "an example needs at least one step");
        InvalidInputException.require(inputTokens != null && inputTokens.size() == inputs.length,
                "an example needs one input token per step");
        InvalidInputException.require(targets != null && targets.length >= 1 && targetTokens != null
                && targetTokens.size() == targets.length, "an example needs one target token per target row");
        inputTokens = List.copyOf(inputTokens);
        targetTokens = List.copyOf(targetTokens);
    }

    /** T, the number of steps. */
    public int length() {
        return inputs.length;
    }

    /**
     * The examples as one batch, padded to the longest: inputs {@code [B, T_max, d]}; targets {@code [B, T_max, K]}
     * for {@link Head#PER_STEP_SOFTMAX} (padding rows zero), {@code [B, K]} otherwise; a mask only when the
     * lengths differ; h_{-1} null (zeros).
     *
     * @param examples Not modified
     */
    public static Batch toBatch(List<Example> examples, Head head) {
        InvalidInputException.require(examples != null && !examples.isEmpty(), "a batch needs at least one example");
        int batchSize = examples.size();
        int inputSize = examples.get(0).inputs()[0].length;
        int outputSize = examples.get(0).targets()[0].length;
        int longest = 0;
        int shortest = Integer.MAX_VALUE;
        for (Example example : examples) {
            longest = Math.max(longest, example.length());
            shortest = Math.min(shortest, example.length());
            InvalidInputException.require(head.lastStepOnly() ? example.targets().length == 1 : example.targets().length == example.length(),
                    "an example for %s needs %s target rows, got %d", head, head.lastStepOnly() ? "1" : "T", example.targets().length);
        }
        Tensor inputs = Tensor.zeros(batchSize, longest, inputSize);
        Tensor targets = head.lastStepOnly() ? Tensor.zeros(batchSize, outputSize) : Tensor.zeros(batchSize, longest, outputSize);
        Tensor mask = shortest == longest ? null : Tensor.zeros(batchSize, longest);
        for (int b = 0; b < batchSize; b++) {
            Example example = examples.get(b);
            for (int step = 0; step < example.length(); step++) {
                copyRow(example.inputs()[step], inputs, inputSize, b, step);
                if (!head.lastStepOnly()) {
                    copyRow(example.targets()[step], targets, outputSize, b, step);
                }
                if (mask != null) {
                    mask.set(1.0, b, step);
                }
            }
            if (head.lastStepOnly()) {
                for (int k = 0; k < outputSize; k++) {
                    targets.set(example.targets()[0][k], b, k);
                }
            }
        }
        return new Batch(inputs, targets, mask, null);
    }

    private static void copyRow(double[] row, Tensor into, int size, int b, int step) {
        InvalidInputException.require(row.length == size, "rows of one batch must have one size, got %d and %d", size, row.length);
        for (int column = 0; column < size; column++) {
            into.set(row[column], b, step, column);
        }
    }

    /** A one-hot row of {@code size} with a 1 at {@code index}. */
    static double[] oneHot(int index, int size) {
        double[] row = new double[size];
        row[index] = 1.0;
        return row;
    }

    /**
     * Next-symbol prediction over a symbol stream: inputs are {@code codes[symbols[t]]} for t = 0 … n − 2, targets the
     * one-hot of {@code symbols[t + 1]} over the alphabet. So an example of T steps needs T + 1 symbols.
     *
     * @param symbols  the stream, at least two symbols; Not modified
     * @param alphabet the symbols' names, in the order of the target columns
     * @param codes    each symbol's input vector, one row per symbol of the alphabet; Not modified
     */
    static Example nextSymbol(int[] symbols, List<String> alphabet, double[][] codes) {
        int steps = symbols.length - 1;
        List<String> inputTokens = new ArrayList<>(steps);
        List<String> targetTokens = new ArrayList<>(steps);
        double[][] inputs = new double[steps][];
        double[][] targets = new double[steps][];
        for (int step = 0; step < steps; step++) {
            inputTokens.add(alphabet.get(symbols[step]));
            inputs[step] = codes[symbols[step]].clone();
            targetTokens.add(alphabet.get(symbols[step + 1]));
            targets[step] = oneHot(symbols[step + 1], alphabet.size());
        }
        return new Example(inputTokens, inputs, targetTokens, targets);
    }

    /** One-hot codes for an alphabet of {@code size} symbols: the identity matrix. */
    static double[][] identity(int size) {
        double[][] codes = new double[size][];
        for (int symbol = 0; symbol < size; symbol++) {
            codes[symbol] = oneHot(symbol, size);
        }
        return codes;
    }
}
