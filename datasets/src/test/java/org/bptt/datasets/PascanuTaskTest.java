package org.bptt.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bptt.api.Batch;
import org.bptt.api.Head;
import org.bptt.api.InvalidInputException;
import org.bptt.api.Tensor;
import org.junit.jupiter.api.Test;

/** Reads batches back from their tensors and checks them against the rules of trainingRNNs' generators. */
class PascanuTaskTest {

    /**
     * addition.py lines 34-47: l = T + randint(0.1·T) for the whole minibatch, values on [0, 1) in channel 1, marker
     * channel 0 holding exactly two 1.0, the first in [0, 0.1·l), the second in [0.1·l, 0.5·l), target their mean.
     */
    @Test
    void theAddingProblemFollowsTheirCode() {
        int t = 50;
        PascanuTask task = new PascanuTask(PascanuTask.Kind.ADDING, t);
        SplittableRandom random = new SplittableRandom(3);
        for (int draw = 0; draw < 20; draw++) {
            Batch batch = task.batch(30, random);
            assertNull(batch.mask(), "one length per minibatch: no mask");
            Tensor inputs = batch.inputs();
            int length = inputs.size(1);
            assertTrue(length >= t && length < t + t / 10, "length " + length);
            for (int b = 0; b < 30; b++) {
                List<Integer> marked = new ArrayList<>();
                for (int step = 0; step < length; step++) {
                    double value = inputs.get(b, step, PascanuTask.VALUE);
                    assertTrue(value >= 0 && value < 1, "value " + value);
                    double marker = inputs.get(b, step, PascanuTask.MARKER);
                    assertTrue(marker == 0.0 || marker == 1.0);
                    if (marker == 1.0) {
                        marked.add(step);
                    }
                }
                assertEquals(2, marked.size());
                assertTrue(marked.get(0) < length / 10, "first mark " + marked.get(0));
                assertTrue(marked.get(1) >= length / 10 && marked.get(1) < length / 10 + length * 4 / 10,
                        "second mark " + marked.get(1));
                double expected = (inputs.get(b, marked.get(0), PascanuTask.VALUE)
                        + inputs.get(b, marked.get(1), PascanuTask.VALUE)) / 2;
                assertEquals(expected, batch.targets().get(b, 0), 0.0);
            }
        }
    }

    @Test
    void theMultiplicationTargetIsTheProductAndTheFixedLengthVariantHasExactlyT() {
        PascanuTask task = new PascanuTask(PascanuTask.Kind.MULTIPLICATION, 30, false);
        Batch batch = task.batch(10, 5L);
        assertEquals(30, batch.inputs().size(1));
        for (int b = 0; b < 10; b++) {
            double product = 1;
            for (int step = 0; step < 30; step++) {
                if (batch.inputs().get(b, step, PascanuTask.MARKER) == 1.0) {
                    product *= batch.inputs().get(b, step, PascanuTask.VALUE);
                }
            }
            assertEquals(product, batch.targets().get(b, 0), 0.0);
        }
    }

    /**
     * tempOrder.py lines 56-69: length T, A or B (channels 0, 1) at p0 in [0.1·T, 0.2·T) and p1 in [0.5·T, 0.6·T),
     * c-f (channels 2-5) elsewhere, one-hot; the class is v0 + 2·v1.
     */
    @Test
    void theTemporalOrderProblemFollowsTheirCode() {
        int t = 40;
        PascanuTask task = new PascanuTask(PascanuTask.Kind.TEMPORAL_ORDER, t);
        assertEquals(Head.LAST_STEP_SOFTMAX, task.head());
        Batch batch = task.batch(200, 9L);
        assertEquals(t, batch.inputs().size(1));
        int[] classCounts = new int[4];
        for (int b = 0; b < 200; b++) {
            List<Integer> relevant = new ArrayList<>();
            List<Integer> symbols = new ArrayList<>();
            for (int step = 0; step < t; step++) {
                int symbol = -1;
                double sum = 0;
                for (int k = 0; k < 6; k++) {
                    sum += batch.inputs().get(b, step, k);
                    if (batch.inputs().get(b, step, k) == 1.0) {
                        symbol = k;
                    }
                }
                assertEquals(1.0, sum, 0.0, "one-hot");
                if (symbol < 2) {
                    relevant.add(step);
                    symbols.add(symbol);
                }
            }
            assertEquals(2, relevant.size());
            assertTrue(relevant.get(0) >= 4 && relevant.get(0) < 8, "p0 " + relevant.get(0));
            assertTrue(relevant.get(1) >= 20 && relevant.get(1) < 24, "p1 " + relevant.get(1));
            int label = symbols.get(0) + 2 * symbols.get(1);
            assertEquals(1.0, batch.targets().get(b, label), 0.0);
            classCounts[label]++;
        }
        for (int count : classCounts) {
            assertTrue(count > 25, "every class drawn: " + java.util.Arrays.toString(classCounts));
        }
    }

    /** The closed form 0.64 of answering 1/2 against a Monte Carlo count over 40 000 sequences (3σ ≈ 0.007). */
    @Test
    void theChanceRateOfTheAddingProblemMatchesACount() {
        PascanuTask task = new PascanuTask(PascanuTask.Kind.ADDING, 20);
        Batch batch = task.batch(40_000, 11L);
        Tensor half = Tensor.zeros(40_000, 1);
        java.util.Arrays.fill(half.data(), 0.5);
        int correct = 0;
        for (int b = 0; b < 40_000; b++) {
            if (task.correct(half, batch.targets(), b)) {
                correct++;
            }
        }
        assertEquals(0.64, task.chanceSuccessRate(), 1e-12);
        assertEquals(task.chanceSuccessRate(), correct / 40_000.0, 0.007);
    }

    /**
     * The multiplication problem's best constant answer, 0.2, against a Monte Carlo count: x₀x₁ has the density −ln z on
     * (0, 1], decreasing, so of all windows |x₀x₁ − c| ≤ 0.2 the one on [0, 0.4] holds the most, 0.4(1 − ln 0.4)
     * (a closed form); other constants, counted on the same sequences, do worse.
     */
    @Test
    void theChanceRateOfTheMultiplicationProblemIsThatOfItsBestConstant() {
        PascanuTask task = new PascanuTask(PascanuTask.Kind.MULTIPLICATION, 20);
        Batch batch = task.batch(40_000, 13L);
        java.util.function.DoubleFunction<Double> rightWhenAnswering = constant -> {
            Tensor answers = Tensor.zeros(40_000, 1);
            java.util.Arrays.fill(answers.data(), constant);
            int correct = 0;
            for (int b = 0; b < 40_000; b++) {
                if (task.correct(answers, batch.targets(), b)) {
                    correct++;
                }
            }
            return correct / 40_000.0;
        };
        double best = rightWhenAnswering.apply(0.2);
        assertEquals(0.4 * (1 - Math.log(0.4)), task.chanceSuccessRate(), 1e-12);
        assertEquals(task.chanceSuccessRate(), best, 0.0064, "3σ of 40 000 draws");
        for (double other : new double[] {0.1, 0.15, 0.25, 0.3, 0.5}) {
            assertTrue(rightWhenAnswering.apply(other) < best, "answering " + other + " beats 0.2");
        }
    }

    @Test
    void criteriaAreTheirs() {
        PascanuTask adding = new PascanuTask(PascanuTask.Kind.ADDING, 10);
        Tensor targets = Tensor.of(new double[] {0.5, 0.5}, 2, 1);
        Tensor outputs = Tensor.of(new double[] {0.5 + 0.2, 0.5 + 0.2001}, 2, 1);
        assertTrue(adding.correct(outputs, targets, 0), "squared error 0.04 is not above 0.04");
        assertTrue(!adding.correct(outputs, targets, 1));
        PascanuTask order = new PascanuTask(PascanuTask.Kind.TEMPORAL_ORDER, 10);
        Tensor classes = Tensor.of(new double[] {0, 0, 1, 0}, 1, 4);
        assertTrue(order.correct(Tensor.of(new double[] {0.2, 0.2, 0.35, 0.25}, 1, 4), classes, 0));
        assertTrue(!order.correct(Tensor.of(new double[] {0.2, 0.2, 0.25, 0.35}, 1, 4), classes, 0));
    }

    @Test
    void tooShortASequenceIsRefusedWithTheReason() {
        InvalidInputException error = assertThrows(InvalidInputException.class,
                () -> new PascanuTask(PascanuTask.Kind.ADDING, 9));
        assertTrue(error.getMessage().contains("T ≥ 10"), error.getMessage());
    }
}
