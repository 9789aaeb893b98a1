package org.bptt.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.bptt.api.Batch;
import org.bptt.api.InvalidInputException;
import org.bptt.api.Tensor;
import org.junit.jupiter.api.function.Executable;

/** Reads sequences back from batch tensors alone, so that tests check the data, not the generator's bookkeeping. */
final class DatasetAssertions {

    private DatasetAssertions() {
    }

    /** The index of the largest entry of row (b, step) of a [B, T, n] tensor, asserting the row is one-hot. */
    static int oneHotAt(Tensor tensor, int b, int step) {
        int hot = -1;
        for (int column = 0; column < tensor.size(2); column++) {
            double value = tensor.get(b, step, column);
            assertTrue(value == 0.0 || value == 1.0, "entry " + value + " at [" + b + ", " + step + ", " + column + "] is not 0 or 1");
            if (value == 1.0) {
                assertEquals(-1, hot, "row [" + b + ", " + step + "] has two ones");
                hot = column;
            }
        }
        assertTrue(hot >= 0, "row [" + b + ", " + step + "] has no one");
        return hot;
    }

    /**
     * For next-symbol data: the stream of symbol ids of sequence b, T + 1 long: the per-step targets' symbols,
     * preceded by the first input's symbol. Also asserts that each input is the previous target.
     *
     * @param inputSymbol reads the symbol of the input at (b, step)
     */
    static List<Integer> stream(Batch batch, int b, java.util.function.IntBinaryOperator inputSymbol) {
        List<Integer> symbols = new ArrayList<>();
        int length = batch.length(b);
        symbols.add(inputSymbol.applyAsInt(b, 0));
        for (int step = 0; step < length; step++) {
            int target = oneHotAt(batch.targets(), b, step);
            if (step + 1 < length) {
                assertEquals(target, inputSymbol.applyAsInt(b, step + 1), "the input at step " + (step + 1) + " is not the previous target");
            }
            symbols.add(target);
        }
        return symbols;
    }

    static void assertMessage(Executable action, String... fragments) {
        InvalidInputException error = org.junit.jupiter.api.Assertions.assertThrows(InvalidInputException.class, action);
        for (String fragment : fragments) {
            assertTrue(error.getMessage().contains(fragment), "'" + error.getMessage() + "' should contain '" + fragment + "'");
        }
    }
}
