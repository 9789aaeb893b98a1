package org.bptt.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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

class AddingProblemTest {

    /**
     * Reads every sequence back from the batch tensors alone (not from the generator's bookkeeping) and checks the
     * paper's rules: two values marked 1.0, the first among the first ten pairs, the second among the first T/2 − 1
     * pairs other than the first mark, −1.0 at both ends, 0.0 elsewhere, and the target 0.5 + (X1 + X2)/4.
     */
    @Test
    void batchesFollowThePapersDefinition() {
        int t = 100;
        AddingProblem task = new AddingProblem(t, true);
        Batch batch = task.batch(200, 7L);
        Tensor inputs = batch.inputs();
        assertEquals(2, inputs.size(2));
        for (int b = 0; b < batch.batchSize(); b++) {
            int length = batch.length(b);
            assertTrue(length >= t && length <= t + t / 10, "length " + length + " outside T … T + T/10");
            List<Integer> marked = new ArrayList<>();
            for (int step = 0; step < length; step++) {
                double value = inputs.get(b, step, 0);
                double marker = inputs.get(b, step, 1);
                assertTrue(value >= -1 && value <= 1, "value " + value + " outside [-1, 1]");
                if (marker == 1.0) {
                    marked.add(step);
                } else if (step == 0 || step == length - 1) {
                    assertEquals(-1.0, marker, "end marker of sequence " + b + " at step " + step);
                } else {
                    assertEquals(0.0, marker, "marker of sequence " + b + " at step " + step);
                }
            }
            assertEquals(2, marked.size(), "sequence " + b + " must have exactly two marks");
            int earlier = marked.get(0);
            int later = marked.get(1);
            // One mark is among the first ten pairs; the other is among the first T/2 − 1 pairs other than it.
            boolean firstIsEarlier = earlier < 10 && secondMarkAllowed(later, earlier, t);
            boolean firstIsLater = later < 10 && secondMarkAllowed(earlier, later, t);
            assertTrue(firstIsEarlier || firstIsLater, "marks at " + marked + " break the paper's rule for T = " + t);
            double x1 = inputs.get(b, earlier, 0);
            double x2 = inputs.get(b, later, 0);
            assertEquals(0.5 + (x1 + x2) / 4.0, batch.targets().get(b, 0), 1e-15, "target of sequence " + b);
        }
    }

    /** {@code second} is one of the first T/2 − 1 positions when {@code first} is skipped. */
    private static boolean secondMarkAllowed(int second, int first, int t) {
        int rank = second < first ? second : second - 1;
        return rank < t / 2 - 1;
    }

    @Test
    void aSampleMatchesItsOwnBookkeeping() {
        AddingProblem task = new AddingProblem(20, false);
        SplittableRandom random = new SplittableRandom(11L);
        for (int i = 0; i < 100; i++) {
            AddingProblem.Sequence sequence = task.sample(random);
            assertEquals(20, sequence.length());
            assertEquals(1.0, sequence.markers()[sequence.first()]);
            assertEquals(1.0, sequence.markers()[sequence.second()]);
            assertNotEquals(sequence.first(), sequence.second());
            assertEquals(0.5 + (sequence.values()[sequence.first()] + sequence.values()[sequence.second()]) / 4,
                    sequence.target());
        }
    }

    @Test
    void theFirstValueIsZeroedWhenTheFirstPairIsMarked() {
        AddingProblem task = new AddingProblem(12, false);
        SplittableRandom random = new SplittableRandom(3L);
        int seen = 0;
        for (int i = 0; i < 2000; i++) {
            AddingProblem.Sequence sequence = task.sample(random);
            if (sequence.first() == 0 || sequence.second() == 0) {
                seen++;
                assertEquals(0.0, sequence.values()[0]);
            } else {
                assertEquals(-1.0, sequence.markers()[0]);
            }
        }
        assertTrue(seen > 0, "no sequence marked its first pair in 2000 draws");
    }

    @Test
    void markPositionsCoverThePapersRanges() {
        int t = 100;
        AddingProblem task = new AddingProblem(t, true);
        SplittableRandom random = new SplittableRandom(5L);
        int maxFirst = 0;
        int maxSecond = 0;
        int minLength = Integer.MAX_VALUE;
        int maxLength = 0;
        for (int i = 0; i < 5000; i++) {
            AddingProblem.Sequence sequence = task.sample(random);
            maxFirst = Math.max(maxFirst, sequence.first());
            maxSecond = Math.max(maxSecond, sequence.second());
            minLength = Math.min(minLength, sequence.length());
            maxLength = Math.max(maxLength, sequence.length());
        }
        assertEquals(9, maxFirst, "the first mark is one of the first ten pairs");
        assertEquals(t / 2 - 1, maxSecond, "the second mark's highest position: T/2 − 1 candidates plus the skipped first mark");
        assertEquals(100, minLength);
        assertEquals(110, maxLength);
    }

    @Test
    void theSameSeedGivesTheSameBatch() {
        AddingProblem task = new AddingProblem(30, true);
        Batch first = task.batch(8, 99L);
        Batch again = task.batch(8, 99L);
        assertEquals(first.inputs(), again.inputs());
        assertEquals(first.targets(), again.targets());
        assertEquals(first.mask(), again.mask());
        assertNotEquals(first.inputs(), task.batch(8, 100L).inputs());
    }

    @Test
    void fixedLengthBatchesHaveNoMask() {
        Batch batch = new AddingProblem(15, false).batch(4, 1L);
        assertNull(batch.mask());
        assertEquals(15, batch.steps());
        batch.validate(new AddingProblem(15, false).spec(3, org.bptt.api.Activation.TANH));
    }

    @Test
    void theCriterionIsAnAbsoluteErrorBelow004() {
        AddingProblem task = new AddingProblem(10, false);
        Tensor targets = Tensor.of(new double[] {0.5, 0.5, 0.2}, 3, 1);
        Tensor outputs = Tensor.of(new double[] {0.53, 0.55, 0.1601}, 3, 1);
        assertTrue(task.correct(outputs, targets, 0), "0.03 off is correct");
        assertFalse(task.correct(outputs, targets, 1), "0.05 off is wrong");
        assertTrue(task.correct(outputs, targets, 2), "0.0399 off is correct");
    }

    /** The closed form a − a²/4 against the fraction of drawn targets within 0.04 of 0.5. */
    @Test
    void chanceRateMatchesTheDrawnTargets() {
        AddingProblem task = new AddingProblem(40, false);
        SplittableRandom random = new SplittableRandom(2024L);
        int n = 40_000;
        int withinThreshold = 0;
        for (int i = 0; i < n; i++) {
            if (Math.abs(task.sample(random).target() - 0.5) < AddingProblem.ERROR_THRESHOLD) {
                withinThreshold++;
            }
        }
        assertEquals(0.1536, task.chanceSuccessRate(), 1e-12);
        // Binomial standard error √(p(1−p)/n) ≈ 0.0018; 0.01 is more than five of them.
        assertEquals(task.chanceSuccessRate(), withinThreshold / (double) n, 0.01);
    }

    @Test
    void theTaskMapsOntoTheSigmoidHead() {
        AddingProblem task = new AddingProblem(10, true);
        assertEquals(Head.LAST_STEP_SIGMOID, task.head());
        assertEquals(1, task.outputSize());
        assertEquals(11, task.maximumLength());
    }

    @Test
    void tooShortSequencesAreRefusedWithTheReason() {
        InvalidInputException error = assertThrows(InvalidInputException.class, () -> new AddingProblem(3, true));
        assertTrue(error.getMessage().contains("T ≥ 4"), error.getMessage());
        assertThrows(InvalidInputException.class, () -> SequenceTasks.create("adding-problem", 10, true));
    }
}
