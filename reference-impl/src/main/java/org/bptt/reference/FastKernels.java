package org.bptt.reference;

/**
 * The matrix products of {@link FastAggregatedBptt}: dense, row-major {@code double[]} with offsets, accumulating
 * into the output. Written so that the JIT compiler vectorises the innermost loop: it runs along a row of the
 * output and of the right-hand matrix (contiguous), and each pass adds four rows of the right-hand matrix at once,
 * which quarters the loads and stores of the output row compared with one row per pass; with four output rows or
 * more, a pass updates four of them, so that each element of the right-hand matrix loaded serves four. Fused multiply-adds
 * ({@link Math#fma}, vectorised too) do each product and sum in one rounding and, on a CPU with FMA units, in one
 * instruction instead of two (the measured gain: benchmarks/README.md). The right-hand matrix is taken in blocks of
 * rows that stay in the cache while every output row uses them.
 *
 * <p>Sums are in a fixed order (p ascending, in groups of four), so a product is the same on every run.
 *
 * <p>In a JVM started with {@code --add-modules jdk.incubator.vector} (the {@code bptt} launcher does so for the
 * commands that train or time, and JMH's forks), the two products run {@link VectorKernels}' register-blocked
 * version instead: the same fused multiply-adds in the same order, so the same bits, faster.
 */
final class FastKernels {

    /** About 256 KiB of the right-hand matrix per block: it stays in a core's L2 cache. */
    private static final int BLOCK_ELEMENTS = 32 * 1024;

    /** Whether the Vector API's incubator module is in this JVM (without it, {@link VectorKernels} cannot load). */
    static final boolean VECTOR_API = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private FastKernels() {
    }

    /**
     * C += A B, with A {@code [m, k]} at {@code a[aOffset …]}, B {@code [k, n]} at {@code b[bOffset …]}, C
     * {@code [m, n]} at {@code c[cOffset …]}, all row-major. Modified: c. Not modified: a, b.
     */
    static void multAdd(double[] a, int aOffset, double[] b, int bOffset, double[] c, int cOffset, int m, int k, int n) {
        if (VECTOR_API) {
            VectorKernels.multAdd(a, aOffset, b, bOffset, c, cOffset, m, k, n, blockRows(n));
        } else {
            multAddScalar(a, aOffset, b, bOffset, c, cOffset, m, k, n);
        }
    }

    /**
     * A right-hand matrix {@code [rows, columns]} (row-major, from index 0) that many products use, with the panels
     * {@link VectorKernels} reads it in made once, when the Vector API is there.
     */
    static final class RightHand {
        private final double[] values;
        private final int rows;
        private final int columns;
        private final double[] panels;

        RightHand(double[] values, int rows, int columns) {
            this.values = values;
            this.rows = rows;
            this.columns = columns;
            this.panels = VECTOR_API ? VectorKernels.panels(values, 0, rows, columns, blockRows(columns)) : null;
        }
    }

    /** C += A B with B given as a {@link RightHand}: {@link #multAdd(double[], int, double[], int, double[], int, int, int, int)}. */
    static void multAdd(double[] a, int aOffset, RightHand b, double[] c, int cOffset, int m) {
        if (VECTOR_API) {
            VectorKernels.multAdd(a, aOffset, b.values, b.panels, c, cOffset, m, b.rows, b.columns, blockRows(b.columns));
        } else {
            multAddScalar(a, aOffset, b.values, 0, c, cOffset, m, b.rows, b.columns);
        }
    }

    /** {@link #multAdd} without the Vector API. */
    static void multAddScalar(double[] a, int aOffset, double[] b, int bOffset, double[] c, int cOffset, int m, int k,
                              int n) {
        int block = blockRows(n);
        for (int blockStart = 0; blockStart < k; blockStart += block) {
            int blockEnd = Math.min(k, blockStart + block);
            int i = 0;
            for (; i + 3 < m; i += 4) {
                int aRow = aOffset + i * k;
                int cRow = cOffset + i * n;
                int p = blockStart;
                for (; p + 3 < blockEnd; p += 4) {
                    addFourRowsToFourRows(c, cRow, a, aRow + p, k, b, bOffset + p * n, n);
                }
                for (; p < blockEnd; p++) {
                    for (int row = 0; row < 4; row++) {
                        addRow(c, cRow + row * n, a[aRow + row * k + p], b, bOffset + p * n, n);
                    }
                }
            }
            for (; i < m; i++) {
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
        if (VECTOR_API) {
            VectorKernels.multAddTransA(a, aOffset, b, bOffset, c, cOffset, rows, m, n, blockRows(n));
        } else {
            multAddTransAScalar(a, aOffset, b, bOffset, c, cOffset, rows, m, n);
        }
    }

    /** {@link #multAddTransA} without the Vector API. */
    static void multAddTransAScalar(double[] a, int aOffset, double[] b, int bOffset, double[] c, int cOffset,
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

    /**
     * {@link #addFourRows} for four rows of C at once, C rows {@code n} apart from {@code cRow}, their A
     * coefficients four consecutive in rows {@code k} apart from {@code aAt}: each B element loaded once serves four
     * rows. Each C row gets the same sum in the same order as alone.
     */
    private static void addFourRowsToFourRows(double[] c, int cRow, double[] a, int aAt, int k, double[] b, int row0,
                                              int n) {
        double a00 = a[aAt], a01 = a[aAt + 1], a02 = a[aAt + 2], a03 = a[aAt + 3];
        double a10 = a[aAt + k], a11 = a[aAt + k + 1], a12 = a[aAt + k + 2], a13 = a[aAt + k + 3];
        double a20 = a[aAt + 2 * k], a21 = a[aAt + 2 * k + 1], a22 = a[aAt + 2 * k + 2], a23 = a[aAt + 2 * k + 3];
        double a30 = a[aAt + 3 * k], a31 = a[aAt + 3 * k + 1], a32 = a[aAt + 3 * k + 2], a33 = a[aAt + 3 * k + 3];
        int row1 = row0 + n;
        int row2 = row1 + n;
        int row3 = row2 + n;
        int c1 = cRow + n;
        int c2 = c1 + n;
        int c3 = c2 + n;
        for (int j = 0; j < n; j++) {
            double b0 = b[row0 + j];
            double b1 = b[row1 + j];
            double b2 = b[row2 + j];
            double b3 = b[row3 + j];
            c[cRow + j] = Math.fma(a03, b3, Math.fma(a02, b2, Math.fma(a01, b1, Math.fma(a00, b0, c[cRow + j]))));
            c[c1 + j] = Math.fma(a13, b3, Math.fma(a12, b2, Math.fma(a11, b1, Math.fma(a10, b0, c[c1 + j]))));
            c[c2 + j] = Math.fma(a23, b3, Math.fma(a22, b2, Math.fma(a21, b1, Math.fma(a20, b0, c[c2 + j]))));
            c[c3 + j] = Math.fma(a33, b3, Math.fma(a32, b2, Math.fma(a31, b1, Math.fma(a30, b0, c[c3 + j]))));
        }
    }

    /** c[cRow + j] += a0 b[row0 + j]. */
    private static void addRow(double[] c, int cRow, double a0, double[] b, int row0, int n) {
        for (int j = 0; j < n; j++) {
            c[cRow + j] = Math.fma(a0, b[row0 + j], c[cRow + j]);
        }
    }

    /** Rows of a right-hand matrix with n columns per cache block: a multiple of four, at least four. */
    static int blockRows(int n) {
        return Math.max(4, BLOCK_ELEMENTS / Math.max(1, n) / 4 * 4);
    }
}
