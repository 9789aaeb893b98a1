package org.bptt.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.bptt.api.Batch;
import org.bptt.api.Head;
import org.bptt.api.InvalidInputException;
import org.bptt.api.Tensor;
import org.junit.jupiter.api.Test;

class TemporalOrderProblemTest {

    /** The paper's rules: X,X → Q; X,Y → R; Y,X → S; Y,Y → U. */
    private static final Map<String, String> CLASS_OF_ORDER = Map.of("XX", "Q", "XY", "R", "YX", "S", "YY", "U");

    /** Decodes every sequence from the one-hot batch alone and checks it against the paper (T = 100). */
    @Test
    void batchesFollowThePapersDefinition() {
        TemporalOrderProblem task = new TemporalOrderProblem(100, true);
        Batch batch = task.batch(300, 17L);
        List<String> symbols = TemporalOrderProblem.SYMBOLS;
        for (int b = 0; b < batch.batchSize(); b++) {
            int length = batch.length(b);
            assertTrue(length >= 100 && length <= 110, "length " + length);
            StringBuilder relevant = new StringBuilder();
            List<Integer> relevantSteps = new ArrayList<>();
            for (int step = 0; step < length; step++) {
                String symbol = symbols.get(oneHotIndex(batch.inputs(), b, step));
                if (step == 0) {
                    assertEquals("E", symbol, "sequences start with E");
                } else if (step == length - 1) {
                    assertEquals("B", symbol, "sequences end with the trigger B");
                } else if (symbol.equals("X") || symbol.equals("Y")) {
                    relevant.append(symbol);
                    relevantSteps.add(step);
                } else {
                    assertTrue(List.of("a", "b", "c", "d").contains(symbol), "distractor " + symbol);
                }
            }
            assertEquals(2, relevantSteps.size(), "two relevant symbols in sequence " + b);
            int t1 = relevantSteps.get(0);
            int t2 = relevantSteps.get(1);
            assertTrue(t1 >= 10 && t1 <= 20, "t1 = " + t1);
            assertTrue(t2 >= 50 && t2 <= 60, "t2 = " + t2);
            String expectedClass = CLASS_OF_ORDER.get(relevant.toString());
            String actualClass = TemporalOrderProblem.CLASSES.get(oneHotIndex(batch.targets(), b));
            assertEquals(expectedClass, actualClass, "class of order " + relevant);
        }
    }

    private static int oneHotIndex(Tensor tensor, int... prefix) {
        int size = tensor.size(tensor.rank() - 1);
        int hot = -1;
        for (int k = 0; k < size; k++) {
            int[] index = java.util.Arrays.copyOf(prefix, prefix.length + 1);
            index[prefix.length] = k;
            double value = tensor.get(index);
            if (value == 1.0) {
                assertEquals(-1, hot, "more than one hot entry");
                hot = k;
            } else {
                assertEquals(0.0, value);
            }
        }
        assertTrue(hot >= 0, "no hot entry");
        return hot;
    }

    @Test
    void positionsAndLengthsCoverTheirWholeRanges() {
        TemporalOrderProblem task = new TemporalOrderProblem(100, true);
        SplittableRandom random = new SplittableRandom(8L);
        int[] seen = {Integer.MAX_VALUE, 0, Integer.MAX_VALUE, 0, Integer.MAX_VALUE, 0};
        boolean[] labels = new boolean[4];
        for (int i = 0; i < 3000; i++) {
            TemporalOrderProblem.Sequence sequence = task.sample(random);
            seen[0] = Math.min(seen[0], sequence.first());
            seen[1] = Math.max(seen[1], sequence.first());
            seen[2] = Math.min(seen[2], sequence.second());
            seen[3] = Math.max(seen[3], sequence.second());
            seen[4] = Math.min(seen[4], sequence.length());
            seen[5] = Math.max(seen[5], sequence.length());
            labels[sequence.label()] = true;
        }
        assertEquals(List.of(10, 20, 50, 60, 100, 110), java.util.Arrays.stream(seen).boxed().toList());
        assertTrue(labels[0] && labels[1] && labels[2] && labels[3], "every class occurs");
    }

    @Test
    void theCriterionAsksEveryOutputWithin03() {
        TemporalOrderProblem task = new TemporalOrderProblem(10, false);
        Tensor targets = Tensor.of(new double[] {0, 1, 0, 0, 0, 1, 0, 0}, 2, 4);
        Tensor outputs = Tensor.of(new double[] {0.1, 0.75, 0.1, 0.05, 0.0, 0.65, 0.35, 0.0}, 2, 4);
        assertTrue(task.correct(outputs, targets, 0), "every error below 0.3");
        assertFalse(task.correct(outputs, targets, 1), "the right class wins but with an error of 0.35");
    }

    @Test
    void theTaskMapsOntoTheSoftmaxHeadAndIsSeeded() {
        TemporalOrderProblem task = new TemporalOrderProblem(20, false);
        assertEquals(Head.LAST_STEP_SOFTMAX, task.head());
        assertEquals(8, task.inputSize());
        assertEquals(4, task.outputSize());
        Batch batch = task.batch(5, 3L);
        assertEquals(batch.inputs(), task.batch(5, 3L).inputs());
        batch.validate(task.spec(4, org.bptt.api.Activation.TANH));
        assertEquals(20, batch.steps());
    }

    @Test
    void tooShortSequencesAreRefused() {
        InvalidInputException error = assertThrows(InvalidInputException.class, () -> new TemporalOrderProblem(9, true));
        assertTrue(error.getMessage().contains("T ≥ 10"), error.getMessage());
    }
}
