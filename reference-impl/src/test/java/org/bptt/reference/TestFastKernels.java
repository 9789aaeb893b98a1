package org.bptt.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The fast products against the textbook triple loop, on sizes with remainders (not multiples of four) and with
 * a right-hand matrix wide enough to be split into several cache blocks; offsets included.
 */
class TestFastKernels extends ReferenceTestBase {

    private static final int[][] SIZES = {{1, 1, 1}, {1, 7, 5}, {3, 4, 8}, {5, 9, 3}, {2, 13, 9000}, {6, 33, 17}};

    @Test
    void multAddIsCPlusAB() {
        for (int[] size : SIZES) {
            int m = size[0];
            int k = size[1];
            int n = size[2];
            double[] a = randomArray(2 + m * k);
            double[] b = randomArray(3 + k * n);
            double[] c = randomArray(1 + m * n);
            double[] expected = c.clone();
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    for (int p = 0; p < k; p++) {
                        sum += a[2 + i * k + p] * b[3 + p * n + j];
                    }
                    expected[1 + i * n + j] += sum;
                }
            }
            FastKernels.multAdd(a, 2, b, 3, c, 1, m, k, n);
            assertClose(expected, c, k, m + "x" + k + "x" + n);
        }
    }

    @Test
    void multAddTransAIsCPlusATransposedB() {
        for (int[] size : SIZES) {
            int rows = size[1];
            int m = size[0];
            int n = size[2];
            double[] a = randomArray(2 + rows * m);
            double[] b = randomArray(3 + rows * n);
            double[] c = randomArray(1 + m * n);
            double[] expected = c.clone();
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    for (int r = 0; r < rows; r++) {
                        sum += a[2 + r * m + i] * b[3 + r * n + j];
                    }
                    expected[1 + i * n + j] += sum;
                }
            }
            FastKernels.multAddTransA(a, 2, b, 3, c, 1, rows, m, n);
            assertClose(expected, c, rows, rows + "x" + m + "x" + n);
        }
    }

    @Test
    void transposeSwapsRowsAndColumns() {
        double[] a = {1, 2, 3, 4, 5, 6};
        assertArrayEquals(new double[] {1, 4, 2, 5, 3, 6}, FastKernels.transpose(a, 2, 3));
    }

    /** Sums of k products of numbers in (−1, 1) in another order: within k·ε of the sum of their magnitudes ≤ k + 1. */
    private static void assertClose(double[] expected, double[] actual, int terms, String what) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 4 * terms * (terms + 1) * Math.ulp(1.0), what + " element " + i);
        }
    }

    private double[] randomArray(int length) {
        double[] values = new double[length];
        for (int i = 0; i < length; i++) {
            values[i] = 2 * random.nextDouble() - 1;
        }
        return values;
    }
}
