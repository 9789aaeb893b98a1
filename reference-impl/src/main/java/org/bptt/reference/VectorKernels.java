package org.bptt.reference;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FastKernels}' two products written with the JDK's Vector API (the incubator module
 * {@code jdk.incubator.vector}), register-blocked and packed: a tile of six output rows by two vectors of columns
 * (twelve sums, of the sixteen vector registers of AVX2) stays in registers for a whole block of the sum, where the
 * scalar kernels load and store the output once per four terms; the right-hand matrix is read from a copy in panels
 * of two vectors' columns, made once for the weights ({@link FastKernels.RightHand}) and per block otherwise, so a
 * tile's loads are consecutive, as optimised BLAS libraries arrange theirs.
 *
 * <p>Every output element gets the same fused multiply-adds in the same order as in {@link FastKernels}: the sum's
 * blocks in order, and inside a block c ← fma(a_p, b_p, c) for p ascending ({@code DoubleVector.fma} rounds once, as
 * {@link Math#fma} does). So the results are bit for bit those of the scalar kernels, with or without the module.
 * Only {@link FastKernels} calls this class, and only when the module is in the boot layer.
 */
final class VectorKernels {

    private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    /** Columns of B per panel: two vectors. */
    private static final int PANEL = 2 * LANES;
    /** Each thread's buffer for the panels of one block of B. */
    private static final ThreadLocal<double[]> PANELS = ThreadLocal.withInitial(() -> new double[0]);

    private VectorKernels() {
    }

    /** {@link FastKernels#multAdd}: C += A B, one block of B's rows [blockStart, blockEnd) at a time. */
    static void multAdd(double[] a, int aOffset, double[] b, int bOffset, double[] c, int cOffset, int m, int k, int n,
                        int blockRows) {
        // a(i, p) = a[aOffset + i k + p]
        multiply(a, aOffset, k, 1, b, bOffset, null, c, cOffset, m, k, n, blockRows);
    }

    /** {@link #multAdd} with B's panels made beforehand by {@link #panels} (B at offset 0). */
    static void multAdd(double[] a, int aOffset, double[] b, double[] panels, double[] c, int cOffset, int m, int k,
                        int n, int blockRows) {
        multiply(a, aOffset, k, 1, b, 0, panels, c, cOffset, m, k, n, blockRows);
    }

    /** {@link FastKernels#multAddTransA}: C += Aᵀ B, one block of the rows [blockStart, blockEnd) at a time. */
    static void multAddTransA(double[] a, int aOffset, double[] b, int bOffset, double[] c, int cOffset, int rows, int m,
                              int n, int blockRows) {
        // a(i, p) = A[p, i] = a[aOffset + p m + i]
        multiply(a, aOffset, 1, m, b, bOffset, null, c, cOffset, m, rows, n, blockRows);
    }

    /**
     * The panels of B {@code [k, n]} (row-major at {@code b[bOffset …]}) as {@link #multiply} reads them, for a B
     * that many products use: block after block of {@code blockRows} rows, in each block panel after panel.
     */
    static double[] panels(double[] b, int bOffset, int k, int n, int blockRows) {
        int panels = n / PANEL;
        double[] packed = new double[k * panels * PANEL];
        for (int blockStart = 0; blockStart < k; blockStart += blockRows) {
            int blockTerms = Math.min(k, blockStart + blockRows) - blockStart;
            packPanels(b, bOffset + blockStart * n, n, blockTerms, panels, packed, blockStart * panels * PANEL);
        }
        return packed;
    }

    /**
     * C[i, j] ← fma(a(i, p), B[p, j], C[i, j]) for p = 0 … terms − 1 ascending, with a(i, p) =
     * {@code a[aOffset + i rowStride + p termStride]}, B {@code [terms, n]} row-major at {@code b[bOffset …]} and C
     * {@code [m, n]} at {@code c[cOffset …]}. B's rows are taken a block at a time, in panels of {@link #PANEL}
     * columns, each panel's rows one after another ({@code prepacked}, from {@link #panels}, or copied here): a tile
     * then reads its part of B from consecutive addresses (in B itself, rows n doubles apart fall into the same few
     * sets of the L1 cache when n is a power of two), and one panel of a block stays in the L1 cache while every tile
     * of rows of C uses it. Fewer than four rows of C, with B not packed beforehand, read B where it is: copying it
     * would cost about as much as the product.
     */
    private static void multiply(double[] a, int aOffset, int rowStride, int termStride, double[] b, int bOffset,
                                 double[] prepacked, double[] c, int cOffset, int m, int terms, int n, int blockRows) {
        if (prepacked == null && m < 4) {
            for (int blockStart = 0; blockStart < terms; blockStart += blockRows) {
                int blockTerms = Math.min(terms, blockStart + blockRows) - blockStart;
                for (int i = 0; i < m; i++) {
                    rowOfB(a, aOffset + i * rowStride + blockStart * termStride, termStride, b,
                            bOffset + blockStart * n, n, c, cOffset + i * n, blockTerms);
                }
            }
            return;
        }
        int panels = n / PANEL;
        double[] packed = prepacked;
        if (packed == null) {
            packed = PANELS.get();
            if (packed.length < blockRows * panels * PANEL) {
                packed = new double[blockRows * panels * PANEL];
                PANELS.set(packed);
            }
        }
        for (int blockStart = 0; blockStart < terms; blockStart += blockRows) {
            int blockTerms = Math.min(terms, blockStart + blockRows) - blockStart;
            int blockAt = 0;
            if (prepacked == null) {
                packPanels(b, bOffset + blockStart * n, n, blockTerms, panels, packed, 0);
            } else {
                blockAt = blockStart * panels * PANEL;
            }
            int aBlock = aOffset + blockStart * termStride;
            for (int panel = 0; panel < panels; panel++) {
                int panelAt = blockAt + panel * blockTerms * PANEL;
                int column = panel * PANEL;
                int i = 0;
                for (int sixRowsEnd = 6 * sixRowTiles(m); i < sixRowsEnd; i += 6) {
                    tileOfSixRows(a, aBlock + i * rowStride, rowStride, termStride, packed, panelAt, c,
                            cOffset + i * n + column, n, blockTerms);
                }
                for (; i + 3 < m; i += 4) {
                    tileOfFourRows(a, aBlock + i * rowStride, rowStride, termStride, packed, panelAt, c,
                            cOffset + i * n + column, n, blockTerms);
                }
                for (; i < m; i++) {
                    tileOfOneRow(a, aBlock + i * rowStride, termStride, packed, panelAt, c, cOffset + i * n + column,
                            blockTerms);
                }
            }
            // the columns after the last whole panel: one row at a time, the same order of terms
            for (int i = 0; i < m; i++) {
                remainingColumns(a, aBlock + i * rowStride, termStride, b, bOffset + blockStart * n, n, c,
                        cOffset + i * n, blockTerms, panels * PANEL);
            }
        }
    }

    /**
     * How many six-row tiles cover the first rows of C's {@code m}: as many as fit, but one fewer when that leaves
     * two or three rows, which two four-row tiles (and a single row) then take instead of the far slower one-row
     * tile (32 rows: four sixes and two fours, not five sixes and two single rows).
     */
    static int sixRowTiles(int m) {
        int tiles = m / 6;
        int left = m % 6;
        return (left == 2 || left == 3) && tiles > 0 ? tiles - 1 : tiles;
    }

    /**
     * Rows [0, terms) of the {@code panels} whole panels of B (rows {@code n} apart from {@code bRow}) into
     * {@code packed} from {@code packedAt}, panel after panel.
     */
    private static void packPanels(double[] b, int bRow, int n, int terms, int panels, double[] packed, int packedAt) {
        for (int p = 0; p < terms; p++) {
            int row = bRow + p * n;
            for (int panel = 0; panel < panels; panel++) {
                System.arraycopy(b, row + panel * PANEL, packed, packedAt + (panel * terms + p) * PANEL, PANEL);
            }
        }
    }

    /** {@link #tileOfFourRows} for six rows: twelve sums in registers, each panel row loaded serving six. */
    private static void tileOfSixRows(double[] a, int aAt, int rowStride, int termStride, double[] packed, int panelAt,
                                      double[] c, int cAt, int n, int terms) {
        int c1 = cAt + n;
        int c2 = c1 + n;
        int c3 = c2 + n;
        int c4 = c3 + n;
        int c5 = c4 + n;
        DoubleVector c00 = DoubleVector.fromArray(SPECIES, c, cAt);
        DoubleVector c01 = DoubleVector.fromArray(SPECIES, c, cAt + LANES);
        DoubleVector c10 = DoubleVector.fromArray(SPECIES, c, c1);
        DoubleVector c11 = DoubleVector.fromArray(SPECIES, c, c1 + LANES);
        DoubleVector c20 = DoubleVector.fromArray(SPECIES, c, c2);
        DoubleVector c21 = DoubleVector.fromArray(SPECIES, c, c2 + LANES);
        DoubleVector c30 = DoubleVector.fromArray(SPECIES, c, c3);
        DoubleVector c31 = DoubleVector.fromArray(SPECIES, c, c3 + LANES);
        DoubleVector c40 = DoubleVector.fromArray(SPECIES, c, c4);
        DoubleVector c41 = DoubleVector.fromArray(SPECIES, c, c4 + LANES);
        DoubleVector c50 = DoubleVector.fromArray(SPECIES, c, c5);
        DoubleVector c51 = DoubleVector.fromArray(SPECIES, c, c5 + LANES);
        for (int p = 0; p < terms; p++) {
            int bAt = panelAt + p * PANEL;
            DoubleVector b0 = DoubleVector.fromArray(SPECIES, packed, bAt);
            DoubleVector b1 = DoubleVector.fromArray(SPECIES, packed, bAt + LANES);
            int at = aAt + p * termStride;
            DoubleVector a0 = DoubleVector.broadcast(SPECIES, a[at]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            DoubleVector a1 = DoubleVector.broadcast(SPECIES, a[at + rowStride]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            DoubleVector a2 = DoubleVector.broadcast(SPECIES, a[at + 2 * rowStride]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            DoubleVector a3 = DoubleVector.broadcast(SPECIES, a[at + 3 * rowStride]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            DoubleVector a4 = DoubleVector.broadcast(SPECIES, a[at + 4 * rowStride]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            DoubleVector a5 = DoubleVector.broadcast(SPECIES, a[at + 5 * rowStride]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
        }
        c00.intoArray(c, cAt);
        c01.intoArray(c, cAt + LANES);
        c10.intoArray(c, c1);
        c11.intoArray(c, c1 + LANES);
        c20.intoArray(c, c2);
        c21.intoArray(c, c2 + LANES);
        c30.intoArray(c, c3);
        c31.intoArray(c, c3 + LANES);
        c40.intoArray(c, c4);
        c41.intoArray(c, c4 + LANES);
        c50.intoArray(c, c5);
        c51.intoArray(c, c5 + LANES);
    }

    /**
     * A tile of four rows of C ({@code n} apart from {@code cAt}) by one panel: c[q][x] ← fma(a(q, p), panel[p][x],
     * c[q][x]) for p = 0 … terms − 1 ascending, with a(q, p) = {@code a[aAt + q rowStride + p termStride]} and the
     * panel's row p at {@code packed[panelAt + p PANEL …]}.
     */
    private static void tileOfFourRows(double[] a, int aAt, int rowStride, int termStride, double[] packed, int panelAt,
                                       double[] c, int cAt, int n, int terms) {
        int c1 = cAt + n;
        int c2 = c1 + n;
        int c3 = c2 + n;
        DoubleVector c00 = DoubleVector.fromArray(SPECIES, c, cAt);
        DoubleVector c01 = DoubleVector.fromArray(SPECIES, c, cAt + LANES);
        DoubleVector c10 = DoubleVector.fromArray(SPECIES, c, c1);
        DoubleVector c11 = DoubleVector.fromArray(SPECIES, c, c1 + LANES);
        DoubleVector c20 = DoubleVector.fromArray(SPECIES, c, c2);
        DoubleVector c21 = DoubleVector.fromArray(SPECIES, c, c2 + LANES);
        DoubleVector c30 = DoubleVector.fromArray(SPECIES, c, c3);
        DoubleVector c31 = DoubleVector.fromArray(SPECIES, c, c3 + LANES);
        for (int p = 0; p < terms; p++) {
            int bAt = panelAt + p * PANEL;
            DoubleVector b0 = DoubleVector.fromArray(SPECIES, packed, bAt);
            DoubleVector b1 = DoubleVector.fromArray(SPECIES, packed, bAt + LANES);
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
        c00.intoArray(c, cAt);
        c01.intoArray(c, cAt + LANES);
        c10.intoArray(c, c1);
        c11.intoArray(c, c1 + LANES);
        c20.intoArray(c, c2);
        c21.intoArray(c, c2 + LANES);
        c30.intoArray(c, c3);
        c31.intoArray(c, c3 + LANES);
    }

    /** One row of C by one panel: {@link #tileOfFourRows} for a single row. */
    private static void tileOfOneRow(double[] a, int aAt, int termStride, double[] packed, int panelAt, double[] c,
                                     int cAt, int terms) {
        DoubleVector sum0 = DoubleVector.fromArray(SPECIES, c, cAt);
        DoubleVector sum1 = DoubleVector.fromArray(SPECIES, c, cAt + LANES);
        for (int p = 0; p < terms; p++) {
            DoubleVector coefficient = DoubleVector.broadcast(SPECIES, a[aAt + p * termStride]);
            int bAt = panelAt + p * PANEL;
            sum0 = coefficient.fma(DoubleVector.fromArray(SPECIES, packed, bAt), sum0);
            sum1 = coefficient.fma(DoubleVector.fromArray(SPECIES, packed, bAt + LANES), sum1);
        }
        sum0.intoArray(c, cAt);
        sum1.intoArray(c, cAt + LANES);
    }

    /** One row of C from B where it is (rows {@code n} apart from {@code bRow}), a vector of columns at a time. */
    private static void rowOfB(double[] a, int aAt, int termStride, double[] b, int bRow, int n, double[] c, int cRow,
                               int terms) {
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
