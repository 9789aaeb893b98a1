package org.bptt.reference;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FastKernels}' two products written with the JDK's Vector API (the incubator module
 * {@code jdk.incubator.vector}), register-blocked: a tile of four output rows by two vectors of columns stays in
 * registers for a whole block of the sum, where the scalar kernels load and store the output once per four terms.
 *
 * <p>Every output element gets the same fused multiply-adds in the same order as in {@link FastKernels}: the sum's
 * blocks in order, and inside a block c ← fma(a_p, b_p, c) for p ascending ({@code DoubleVector.fma} rounds once, as
 * {@link Math#fma} does). So the results are bit for bit those of the scalar kernels, with or without the module.
 * Only {@link FastKernels} calls this class, and only when the module is in the boot layer.
 */
final class VectorKernels {

    private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();

    private VectorKernels() {
    }

    /** {@link FastKernels#multAdd}: C += A B, one block of B's rows [blockStart, blockEnd) at a time. */
    static void multAdd(double[] a, int aOffset, double[] b, int bOffset, double[] c, int cOffset, int m, int k, int n,
                        int blockRows) {
        for (int blockStart = 0; blockStart < k; blockStart += blockRows) {
            int blockEnd = Math.min(k, blockStart + blockRows);
            int i = 0;
            for (; i + 3 < m; i += 4) {
                // row r of the tile takes its coefficients from A's row i + r: a[aOffset + (i + r) k + p]
                tileOfFourRows(a, aOffset + i * k + blockStart, k, 1, b, bOffset + blockStart * n, n, c, cOffset + i * n,
                        blockEnd - blockStart);
            }
            for (; i < m; i++) {
                tileOfOneRow(a, aOffset + i * k + blockStart, 1, b, bOffset + blockStart * n, n, c, cOffset + i * n,
                        blockEnd - blockStart);
            }
        }
    }

    /** {@link FastKernels#multAddTransA}: C += Aᵀ B, one block of the rows [blockStart, blockEnd) at a time. */
    static void multAddTransA(double[] a, int aOffset, double[] b, int bOffset, double[] c, int cOffset, int rows, int m,
                              int n, int blockRows) {
        for (int blockStart = 0; blockStart < rows; blockStart += blockRows) {
            int blockEnd = Math.min(rows, blockStart + blockRows);
            int i = 0;
            for (; i + 3 < m; i += 4) {
                // row q of the tile (C's row i + q) takes A's column i + q: a[aOffset + r m + i + q]
                tileOfFourRows(a, aOffset + blockStart * m + i, 1, m, b, bOffset + blockStart * n, n, c, cOffset + i * n,
                        blockEnd - blockStart);
            }
            for (; i < m; i++) {
                tileOfOneRow(a, aOffset + blockStart * m + i, m, b, bOffset + blockStart * n, n, c, cOffset + i * n,
                        blockEnd - blockStart);
            }
        }
    }

    /**
     * Four rows of C, {@code n} apart from {@code cRow}: c[q][j] ← fma(a(q, p), b[p][j], c[q][j]) for p = 0 … terms − 1
     * ascending, with a(q, p) = {@code a[aAt + q rowStride + p termStride]} and b[p] the row {@code bRow + p n}.
     */
    private static void tileOfFourRows(double[] a, int aAt, int rowStride, int termStride, double[] b, int bRow, int n,
                                       double[] c, int cRow, int terms) {
        int c1 = cRow + n;
        int c2 = c1 + n;
        int c3 = c2 + n;
        int j = 0;
        for (; j + 2 * LANES <= n; j += 2 * LANES) {
            DoubleVector c00 = DoubleVector.fromArray(SPECIES, c, cRow + j);
            DoubleVector c01 = DoubleVector.fromArray(SPECIES, c, cRow + j + LANES);
            DoubleVector c10 = DoubleVector.fromArray(SPECIES, c, c1 + j);
            DoubleVector c11 = DoubleVector.fromArray(SPECIES, c, c1 + j + LANES);
            DoubleVector c20 = DoubleVector.fromArray(SPECIES, c, c2 + j);
            DoubleVector c21 = DoubleVector.fromArray(SPECIES, c, c2 + j + LANES);
            DoubleVector c30 = DoubleVector.fromArray(SPECIES, c, c3 + j);
            DoubleVector c31 = DoubleVector.fromArray(SPECIES, c, c3 + j + LANES);
            for (int p = 0; p < terms; p++) {
                int bAt = bRow + p * n + j;
                DoubleVector b0 = DoubleVector.fromArray(SPECIES, b, bAt);
                DoubleVector b1 = DoubleVector.fromArray(SPECIES, b, bAt + LANES);
                int at = aAt + p * termStride;
                DoubleVector a0 = DoubleVector.broadcast(SPECIES, a[at]);
                DoubleVector a1 = DoubleVector.broadcast(SPECIES, a[at + rowStride]);
                DoubleVector a2 = DoubleVector.broadcast(SPECIES, a[at + 2 * rowStride]);
                DoubleVector a3 = DoubleVector.broadcast(SPECIES, a[at + 3 * rowStride]);
                c00 = a0.fma(b0, c00);
                c01 = a0.fma(b1, c01);
                c10 = a1.fma(b0, c10);
                c11 = a1.fma(b1, c11);
                c20 = a2.fma(b0, c20);
                c21 = a2.fma(b1, c21);
                c30 = a3.fma(b0, c30);
                c31 = a3.fma(b1, c31);
            }
            c00.intoArray(c, cRow + j);
            c01.intoArray(c, cRow + j + LANES);
            c10.intoArray(c, c1 + j);
            c11.intoArray(c, c1 + j + LANES);
            c20.intoArray(c, c2 + j);
            c21.intoArray(c, c2 + j + LANES);
            c30.intoArray(c, c3 + j);
            c31.intoArray(c, c3 + j + LANES);
        }
        // the columns left over: one row at a time, the same order of terms
        for (int row = 0; row < 4; row++) {
            remainingColumns(a, aAt + row * rowStride, termStride, b, bRow, n, c, cRow + row * n, terms, j);
        }
    }

    /** One row of C: {@link #tileOfFourRows} for a single row. */
    private static void tileOfOneRow(double[] a, int aAt, int termStride, double[] b, int bRow, int n, double[] c,
                                     int cRow, int terms) {
        int j = 0;
        for (; j + LANES <= n; j += LANES) {
            DoubleVector sum = DoubleVector.fromArray(SPECIES, c, cRow + j);
            for (int p = 0; p < terms; p++) {
                sum = DoubleVector.broadcast(SPECIES, a[aAt + p * termStride])
                        .fma(DoubleVector.fromArray(SPECIES, b, bRow + p * n + j), sum);
            }
            sum.intoArray(c, cRow + j);
        }
        remainingColumns(a, aAt, termStride, b, bRow, n, c, cRow, terms, j);
    }

    /** Columns {@code from} … n − 1 of one row of C, element by element. */
    private static void remainingColumns(double[] a, int aAt, int termStride, double[] b, int bRow, int n, double[] c,
                                         int cRow, int terms, int from) {
        for (int j = from; j < n; j++) {
            double sum = c[cRow + j];
            for (int p = 0; p < terms; p++) {
                sum = Math.fma(a[aAt + p * termStride], b[bRow + p * n + j], sum);
            }
            c[cRow + j] = sum;
        }
    }
}
