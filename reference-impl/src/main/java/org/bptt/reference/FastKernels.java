package org.bptt.reference;

/**
 * The matrix products of {@link FastAggregatedBptt}: dense, row-major {@code double[]} with offsets, accumulating
 * into the output. Written so that the JIT compiler vectorises the innermost loop: it runs along a row of the
 * output and of the right-hand matrix (contiguous), and each pass adds four rows of the right-hand matrix at once,
 * which quarters the loads and stores of the output row compared with one row per pass. Fused multiply-adds
 * ({@link Math#fma}, vectorised too) do each product and sum in one rounding and, on a CPU with FMA units, in one
 * instruction instead of two (the measured gain: benchmarks/README.md). The right-hand matrix is taken in blocks of
 * rows that stay in the cache while every output row uses them.
 *
 * <p>Sums are in a fixed order (p ascending, in groups of four), so a product is the same on every run.
 */
final class FastKernels {

    /** About 256 KiB of the right-hand matrix per block: it stays in a core's L2 cache. */
    private static final int BLOCK_ELEMENTS = 32 * 1024;

    private FastKernels() {
    }

    /**
     * C += A B, with A {@code [m, k]} at {@code a[aOffset …]}, B {@code [k, n]} at {@code b[bOffset …]}, C
     * {@code [m, n]} at {@code c[cOffset …]}, all row-major. Modified: c. Not modified: a, b.
     */
    static void multAdd(double[] a, int aOffset, double[] b, int bOffset, double[] c, int cOffset, int m, int k, int n) {
        int block = blockRows(n);
        for (int blockStart = 0; blockStart < k; blockStart += block) {
            int blockEnd = Math.min(k, blockStart + block);
            for (int i = 0; i < m; i++) {
                int aRow = aOffset + i * k;
                int cRow = cOffset + i * n;
                int p = blockStart;
                for (; p + 3 < blockEnd; p += 4) {
                    addFourRows(c, cRow, a[aRow + p], a[aRow + p + 1], a[aRow + p + 2], a[aRow + p + 3],
                            b, bOffset + p * n, n);
                }
                for (; p < blockEnd; p++) {
                    addRow(c, cRow, a[aRow + p], b, bOffset + p * n, n);
                }
            }
        }
    }

    /**
     * C += Aᵀ B, with A {@code [rows, m]} at {@code a[aOffset …]}, B {@code [rows, n]} at {@code b[bOffset …]}, C
     * {@code [m, n]} at {@code c[cOffset …]}: C[i, j] += Σ_r A[r, i] B[r, j], a sum over the rows (the steps).
     * Modified: c. Not modified: a, b.
     */
    static void multAddTransA(double[] a, int aOffset, double[] b, int bOffset, double[] c, int cOffset,
                              int rows, int m, int n) {
        int block = blockRows(n);
        for (int blockStart = 0; blockStart < rows; blockStart += block) {
            int blockEnd = Math.min(rows, blockStart + block);
            for (int i = 0; i < m; i++) {
                int cRow = cOffset + i * n;
                int r = blockStart;
                for (; r + 3 < blockEnd; r += 4) {
                    int aColumn = aOffset + r * m + i;
                    addFourRows(c, cRow, a[aColumn], a[aColumn + m], a[aColumn + 2 * m], a[aColumn + 3 * m],
                            b, bOffset + r * n, n);
                }
                for (; r < blockEnd; r++) {
                    addRow(c, cRow, a[aOffset + r * m + i], b, bOffset + r * n, n);
                }
            }
        }
    }

    /** The transpose of {@code [rows, columns]} matrix {@code a}, as a new {@code [columns, rows]} array. */
    static double[] transpose(double[] a, int rows, int columns) {
        double[] transposed = new double[a.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < columns; j++) {
                transposed[j * rows + i] = a[i * columns + j];
            }
        }
        return transposed;
    }

    /** c[cRow + j] += a0 b[row0 + j] + a1 b[row1 + j] + a2 b[row2 + j] + a3 b[row3 + j] (in that order), rows n apart. */
    private static void addFourRows(double[] c, int cRow, double a0, double a1, double a2, double a3,
                                    double[] b, int row0, int n) {
        int row1 = row0 + n;
        int row2 = row1 + n;
        int row3 = row2 + n;
        for (int j = 0; j < n; j++) {
            c[cRow + j] = Math.fma(a3, b[row3 + j], Math.fma(a2, b[row2 + j], Math.fma(a1, b[row1 + j],
                    Math.fma(a0, b[row0 + j], c[cRow + j]))));
        }
    }

    /** c[cRow + j] += a0 b[row0 + j]. */
    private static void addRow(double[] c, int cRow, double a0, double[] b, int row0, int n) {
        for (int j = 0; j < n; j++) {
            c[cRow + j] = Math.fma(a0, b[row0 + j], c[cRow + j]);
        }
    }

    /** Rows of a right-hand matrix with n columns per cache block: a multiple of four, at least four. */
    private static int blockRows(int n) {
        return Math.max(4, BLOCK_ELEMENTS / Math.max(1, n) / 4 * 4);
    }
}
