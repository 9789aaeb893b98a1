package org.bptt.core.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.bptt.api.DataType;
import org.bptt.api.Quantity;
import org.bptt.api.Tensor;
import org.junit.jupiter.api.Test;

class TensorComparatorTest {

    private final TensorComparator comparator = new TensorComparator(TolerancePolicy.defaults());

    /** A [2, 3, 4] tensor of seeded values of order one, like hidden states. */
    private static Tensor hidden() {
        SplittableRandom random = new SplittableRandom(11);
        double[] data = new double[2 * 3 * 4];
        for (int i = 0; i < data.length; i++) {
            data[i] = 2 * random.nextDouble() - 1;
        }
        return Tensor.of(data, 2, 3, 4);
    }

    @Test
    void aOneUlpDifferencePasses() {
        Tensor expected = hidden();
        Tensor actual = expected.copy();
        for (int i = 0; i < actual.length(); i++) {
            actual.data()[i] = Math.nextUp(actual.data()[i]);
        }
        QuantityComparison comparison = comparator.compare(new Quantity("h"), expected, actual, null, IndexLabels.HIDDEN_PER_STEP, DataType.FLOAT64, 1);
        assertTrue(comparison.passed(), comparison::describe);
        assertEquals(24, comparison.elements());
        assertEquals(1.0, comparison.worst().ulpError(), 1e-12, "one ulp apart");
    }

    @Test
    void aOneFloatUlpDifferencePassesInFloat32() {
        Tensor expected = hidden();
        Tensor actual = expected.copy();
        for (int i = 0; i < actual.length(); i++) {
            actual.data()[i] = Math.nextUp((float) actual.data()[i]);
        }
        assertTrue(comparator.compare(new Quantity("h"), expected, actual, null, IndexLabels.HIDDEN_PER_STEP, DataType.FLOAT32, 1).passed());
        // The same difference is millions of double ulps: it must fail in float64.
        assertFalse(comparator.compare(new Quantity("h"), expected, actual, null, IndexLabels.HIDDEN_PER_STEP, DataType.FLOAT64, 1).passed());
    }

    @Test
    void aRelativeDifferenceOf1eMinus3FailsAndIsNamedWithItsIndex() {
        Tensor expected = hidden();
        Tensor actual = expected.copy();
        actual.set(expected.get(1, 2, 3) * (1 + 1e-3), 1, 2, 3);
        QuantityComparison comparison = comparator.compare(new Quantity("h"), expected, actual, null, IndexLabels.HIDDEN_PER_STEP, DataType.FLOAT64, 17);
        assertFalse(comparison.passed());
        assertEquals(1, comparison.failed());
        ElementDiff failure = comparison.failures().get(0);
        assertEquals("[b=1, t=2, i=3]", failure.index());
        assertEquals(1e-3, failure.relError(), 1e-6);
        assertEquals(failure, comparison.worst());
        String message = comparison.describe();
        assertTrue(message.startsWith("h[b=1, t=2, i=3]: expected " + expected.get(1, 2, 3) + ", actual " + actual.get(1, 2, 3)), message);
        assertTrue(message.contains("rel 1.0e-03"), message);
        assertTrue(message.contains("ulp (allowed "), message);
    }

    @Test
    void matricesAreIndexedByRowAndColumn() {
        Tensor expected = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor actual = Tensor.of(new double[] {1, 2, 3, 4, 5.5, 6}, 2, 3);
        QuantityComparison comparison = comparator.compare(new Quantity("dL/dW"), expected, actual, null, IndexLabels.MATRIX, DataType.FLOAT64, 3);
        assertTrue(comparison.describe().startsWith("dL/dW[row=1, col=1]: expected 5.0, actual 5.5, abs 5.0e-01"), comparison.describe());
    }

    @Test
    void nanInActualFailsWithoutThrowing() {
        Tensor expected = hidden();
        Tensor actual = expected.copy();
        actual.set(Double.NaN, 0, 1, 2);
        QuantityComparison comparison = comparator.compare(new Quantity("h"), expected, actual, null, IndexLabels.HIDDEN_PER_STEP, DataType.FLOAT64, 3);
        assertFalse(comparison.passed());
        assertEquals("[b=0, t=1, i=2]", comparison.worst().index());
        assertTrue(comparison.describe().contains("actual NaN (not finite)"), comparison.describe());
    }

    @Test
    void infinityInActualFails() {
        Tensor expected = Tensor.of(new double[] {1, 2}, 2);
        Tensor actual = Tensor.of(new double[] {1, Double.POSITIVE_INFINITY}, 2);
        QuantityComparison comparison = comparator.compare(new Quantity("dL/db"), expected, actual, null, IndexLabels.VECTOR, DataType.FLOAT64, 3);
        assertFalse(comparison.passed());
        assertTrue(comparison.describe().startsWith("dL/db[i=1]: expected 2.0, actual Infinity"), comparison.describe());
    }

    @Test
    void aShapeMismatchFailsWithBothShapes() {
        Tensor expected = Tensor.zeros(4, 4);
        Tensor actual = Tensor.zeros(3, 4);
        QuantityComparison comparison = comparator.compare(new Quantity("dL/dW"), expected, actual, null, IndexLabels.MATRIX, DataType.FLOAT64, 3);
        assertFalse(comparison.passed());
        assertEquals("dL/dW has shape [3, 4], expected [4, 4]", comparison.describe());
    }

    @Test
    void aMissingTensorFails() {
        QuantityComparison comparison = comparator.compare(new Quantity("dL/dc"), Tensor.zeros(2), null, null, IndexLabels.VECTOR, DataType.FLOAT64, 3);
        assertFalse(comparison.passed());
        assertEquals("dL/dc is missing (null)", comparison.describe());
    }

    @Test
    void maskedStepsAreSkipped() {
        Tensor expected = hidden();
        Tensor actual = expected.copy();
        // Sequence 1 has length 2: its step 2 is padding, where any value (even NaN) is allowed.
        Tensor mask = Tensor.of(new double[] {1, 1, 1, 1, 1, 0}, 2, 3);
        actual.set(Double.NaN, 1, 2, 0);
        actual.set(12345.0, 1, 2, 1);
        QuantityComparison comparison = comparator.compare(new Quantity("h"), expected, actual, mask, IndexLabels.HIDDEN_PER_STEP, DataType.FLOAT64, 3);
        assertTrue(comparison.passed(), comparison::describe);
        assertEquals(20, comparison.elements());
        // The same difference at an unmasked step fails.
        actual.set(12345.0, 1, 1, 1);
        assertFalse(comparator.compare(new Quantity("h"), expected, actual, mask, IndexLabels.HIDDEN_PER_STEP, DataType.FLOAT64, 3).passed());
    }

    @Test
    void keepsAtMostTenFailuresInIndexOrderAndTheWorst() {
        Tensor expected = Tensor.zeros(30);
        Tensor actual = Tensor.zeros(30);
        for (int i = 0; i < 30; i++) {
            actual.data()[i] = i == 17 ? 5.0 : 1.0;
        }
        QuantityComparison comparison = comparator.compare(new Quantity("dL/dc"), expected, actual, null, IndexLabels.VECTOR, DataType.FLOAT64, 1);
        assertEquals(30, comparison.failed());
        assertEquals(TensorComparator.MAX_FAILURES_KEPT, comparison.failures().size());
        assertEquals("[i=0]", comparison.failures().get(0).index());
        assertEquals("[i=17]", comparison.worst().index());
        assertTrue(comparison.describe().endsWith("[30 of 30 elements failed]"), comparison.describe());
        // The message quotes the worst element in full, the one the worst-error columns give, after the first.
        assertTrue(comparison.describe().startsWith("dL/dc[i=0]: expected 0.0, actual 1.0, the first; worst"
                + " dL/dc[i=17]: expected 0.0, actual 5.0, abs 5.0e+00"), comparison.describe());
    }

    @Test
    void scalarsHaveNoIndex() {
        QuantityComparison comparison = comparator.compareScalar(new Quantity("loss"), 2.0, 2.5, DataType.FLOAT64, 1);
        assertFalse(comparison.passed());
        assertTrue(comparison.describe().startsWith("loss: expected 2.0, actual 2.5"), comparison.describe());
        assertNull(comparator.compare(new Quantity("y"), Tensor.zeros(0), Tensor.zeros(0), null, IndexLabels.VECTOR, DataType.FLOAT64, 1).worst());
    }
}
