package org.bptt.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
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

    /**
     * The Vector API kernels make the same fused multiply-adds in the same order as the scalar ones: the same bits,
     * on sizes around the vector tiles' edges (six or four rows and what is left, two vectors of columns) and with several cache blocks, with
     * the right-hand matrix's panels made per product or beforehand ({@link FastKernels.RightHand}).
     */
    @Test
    void theVectorKernelsGiveTheScalarKernelsBitsExactly() {
        assertTrue(FastKernels.VECTOR_API, "this module's tests run with --add-modules jdk.incubator.vector (its pom)");
        int[][] sizes = {{1, 1, 1}, {3, 5, 7}, {4, 4, 8}, {5, 9, 9}, {7, 13, 16}, {8, 31, 17}, {9, 2, 33}, {32, 64, 64},
                {14, 20, 40}, {15, 7, 24}, {16, 128, 128}, {6, 300, 1000}, {2, 13, 9000}, {33, 100, 260}, {32, 512, 512}};
        for (int[] size : sizes) {
            int m = size[0];
            int k = size[1];
            int n = size[2];
            String what = m + "x" + k + "x" + n;
            double[] a = randomArray(2 + m * k);
            double[] b = randomArray(3 + k * n);
            double[] c = randomArray(1 + m * n);
            double[] scalar = c.clone();
            double[] packedBeforehand = c.clone();
            FastKernels.multAddScalar(a, 2, b, 3, scalar, 1, m, k, n);
            FastKernels.multAdd(a, 2, b, 3, c, 1, m, k, n);
            assertArrayEquals(scalar, c, "C + A B, " + what);
            FastKernels.multAdd(a, 2, new FastKernels.RightHand(Arrays.copyOfRange(b, 3, 3 + k * n), k, n),
                    packedBeforehand, 1, m);
            assertArrayEquals(scalar, packedBeforehand, "C + A B, B packed beforehand, " + what);

            double[] transposed = randomArray(2 + k * m);  // [k, m]: k rows summed over
            double[] sums = randomArray(1 + m * n);
            double[] scalarSums = sums.clone();
            FastKernels.multAddTransAScalar(transposed, 2, b, 3, scalarSums, 1, k, m, n);
            FastKernels.multAddTransA(transposed, 2, b, 3, sums, 1, k, m, n);
            assertArrayEquals(scalarSums, sums, "C + Aᵀ B, " + what);
        }
    }

    /** Rows left after the six-row tiles go to four-row tiles where they can: two or three rows left give one six back. */
    @Test
    void sixRowTilesLeaveRowsForFourRowTiles() {
        int[] rows = {1, 4, 5, 6, 7, 8, 9, 10, 12, 14, 15, 16, 32, 33};
        int[] sixes = {0, 0, 0, 1, 1, 0, 0, 1, 2, 1, 1, 2, 4, 4};
        for (int i = 0; i < rows.length; i++) {
            assertEquals(sixes[i], VectorKernels.sixRowTiles(rows[i]), rows[i] + " rows");
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
