package org.bptt.benchmarks;

import java.util.List;
import java.util.Locale;
import org.bptt.api.InvalidInputException;
import org.bptt.api.Cell;
import org.bptt.api.CellOptions;
import org.bptt.api.ModelSpec;
import org.bptt.api.ResetPlacement;

/**
 * The sizes of one benchmark model and batch: B sequences, input size d, hidden size H, output size K. Written
 * {@code BxdxHxK}, e.g. {@code 16x64x128x64}, in JMH parameters, file names and tables.
 *
 * @param batchSize  B ≥ 1
 * @param inputSize  d ≥ 1
 * @param hiddenSize H ≥ 1
 * @param outputSize K ≥ 1
 */
public record Shape(int batchSize, int inputSize, int hiddenSize, int outputSize) {

    /** The grid: from a toy model to a large one, d = K = H/2 throughout. */
    public static final List<Shape> GRID = List.of(
            new Shape(1, 16, 32, 16),
            new Shape(16, 64, 128, 64),
            new Shape(32, 128, 256, 128),
            new Shape(32, 256, 512, 256));

    public Shape {
        InvalidInputException.require(batchSize >= 1 && inputSize >= 1 && hiddenSize >= 1 && outputSize >= 1,
                "every size of a benchmark shape must be at least 1, got B=%d d=%d H=%d K=%d",
                batchSize, inputSize, hiddenSize, outputSize);
    }

    /**
     * Parses {@code BxdxHxK}, e.g. {@code 16x64x128x64}.
     *
     * @throws InvalidInputException naming the text when it is not four positive integers joined by 'x'
     */
    public static Shape parse(String text) {
        String[] parts = text == null ? new String[0] : text.trim().split("x");
        InvalidInputException.require(parts.length == 4,
                "shape '%s' must be BxdxHxK, four sizes joined by 'x', e.g. 16x64x128x64", text);
        int[] sizes = new int[4];
        for (int i = 0; i < 4; i++) {
            try {
                sizes[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new InvalidInputException("shape '" + text + "': '" + parts[i] + "' is not a whole number");
            }
        }
        return new Shape(sizes[0], sizes[1], sizes[2], sizes[3]);
    }

    /**
     * The model of {@code cell}: per-step softmax (the head that makes naive BPTT quadratic), biases, loss summed;
     * the Elman cell with tanh, the GRU with its reset gate after the recurrent product and the LSTM without
     * peepholes (PyTorch's and cuDNN's forms), one bias vector per gate.
     */
    public ModelSpec spec(Cell cell) {
        ModelSpec elman = ModelSpec.of(inputSize, hiddenSize, outputSize);
        return switch (cell) {
            case ELMAN -> elman;
            case GRU -> elman.withCell(Cell.GRU, CellOptions.gru(ResetPlacement.AFTER, false));
            case LSTM -> elman.withCell(Cell.LSTM, CellOptions.lstm(false, false));
        };
    }

    /** {@code BxdxHxK}. */
    @Override
    public String toString() {
        return batchSize + "x" + inputSize + "x" + hiddenSize + "x" + outputSize;
    }

    /** E.g. {@code B=16 d=64 H=128 K=64}. */
    public String label() {
        return String.format(Locale.ROOT, "B=%d d=%d H=%d K=%d", batchSize, inputSize, hiddenSize, outputSize);
    }
}
