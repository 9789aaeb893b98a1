package org.bptt.reference;

import org.bptt.api.Activation;
import org.bptt.api.Tensor;
import org.ejml.data.DMatrixRMaj;

/**
 * Copies between the API's row-major {@link Tensor}s and EJML matrices, and between a step's column vector and its
 * row in a matrix over steps (row t of such a matrix is the step-t vector, transposed); and a nonlinearity applied
 * elementwise. Every method copies; nothing is shared.
 */
final class Matrices {

    private Matrices() {
    }

    /** A copy of a rank-2 tensor {@code [rows, columns]} as a matrix, or of a rank-1 tensor {@code [n]} as a column. */
    static DMatrixRMaj matrix(Tensor tensor) {
        int rows = tensor.size(0);
        int columns = tensor.rank() == 1 ? 1 : tensor.size(1);
        return new DMatrixRMaj(rows, columns, true, tensor.data());
    }

    /**
     * A copy of a parameter that a model may leave out (a bias of a model without biases): as {@link #matrix}, or
     * a zero matrix {@code [rows, columns]} when {@code tensor} is null, which makes the equations' term vanish.
     */
    static DMatrixRMaj matrixOrZeros(Tensor tensor, int rows, int columns) {
        return tensor == null ? new DMatrixRMaj(rows, columns) : matrix(tensor);
    }

    /** {@link #matrixOrZeros} of a vector: a column {@code [length, 1]}. */
    static DMatrixRMaj columnOrZeros(Tensor tensor, int length) {
        return matrixOrZeros(tensor, length, 1);
    }

    /** A column vector {@code [length, 1]} copied from {@code tensor.data()[offset ... offset + length)}. */
    static DMatrixRMaj column(Tensor tensor, int offset, int length) {
        DMatrixRMaj column = new DMatrixRMaj(length, 1);
        System.arraycopy(tensor.data(), offset, column.data, 0, length);
        return column;
    }

    /** A matrix {@code [rows, columns]} copied from {@code tensor.data()} from {@code offset} on, row by row. */
    static DMatrixRMaj rows(Tensor tensor, int offset, int rows, int columns) {
        DMatrixRMaj matrix = new DMatrixRMaj(rows, columns);
        System.arraycopy(tensor.data(), offset, matrix.data, 0, rows * columns);
        return matrix;
    }

    /** Copies every element of {@code matrix} into {@code target.data()} from {@code offset} on. */
    static void copyInto(DMatrixRMaj matrix, Tensor target, int offset) {
        System.arraycopy(matrix.data, 0, target.data(), offset, matrix.getNumElements());
    }

    /** A tensor of the given shape holding a copy of {@code matrix}'s elements in row-major order. */
    static Tensor tensor(DMatrixRMaj matrix, int... shape) {
        double[] data = new double[matrix.getNumElements()];
        System.arraycopy(matrix.data, 0, data, 0, data.length);
        return Tensor.of(data, shape);
    }

    /** column = (row {@code row} of matrix)ᵀ. Modified: column. Not modified: matrix. */
    static void getRow(DMatrixRMaj matrix, int row, DMatrixRMaj column) {
        System.arraycopy(matrix.data, row * matrix.numCols, column.data, 0, matrix.numCols);
    }

    /** A new column vector holding (row {@code row} of matrix)ᵀ. Not modified: matrix. */
    static DMatrixRMaj row(DMatrixRMaj matrix, int row) {
        DMatrixRMaj column = new DMatrixRMaj(matrix.numCols, 1);
        getRow(matrix, row, column);
        return column;
    }

    /** Row {@code row} of matrix = columnᵀ. Modified: matrix. Not modified: column. */
    static void setRow(DMatrixRMaj matrix, int row, DMatrixRMaj column) {
        System.arraycopy(column.data, 0, matrix.data, row * matrix.numCols, matrix.numCols);
    }

    /** Row {@code row} of matrix += columnᵀ. Modified: matrix. Not modified: column. */
    static void addToRow(DMatrixRMaj matrix, int row, DMatrixRMaj column) {
        int offset = row * matrix.numCols;
        for (int i = 0; i < matrix.numCols; i++) {
            matrix.data[offset + i] += column.data[i];
        }
    }

    /** column += (row {@code row} of matrix)ᵀ. Modified: column. Not modified: matrix. */
    static void addRow(DMatrixRMaj matrix, int row, DMatrixRMaj column) {
        int offset = row * matrix.numCols;
        for (int i = 0; i < matrix.numCols; i++) {
            column.data[i] += matrix.data[offset + i];
        }
    }

    /** Every row of matrix += columnᵀ (a bias added at every step). Modified: matrix. Not modified: column. */
    static void addToEveryRow(DMatrixRMaj matrix, DMatrixRMaj column) {
        for (int row = 0; row < matrix.numRows; row++) {
            addToRow(matrix, row, column);
        }
    }

    /** sum += the sum of the rows of matrix, transposed (a bias gradient summed over steps). Modified: sum. */
    static void addRowSums(DMatrixRMaj matrix, DMatrixRMaj sum) {
        for (int row = 0; row < matrix.numRows; row++) {
            addRow(matrix, row, sum);
        }
    }

    /** output = f(input), elementwise. Modified: output. Not modified: input. */
    static void apply(Activation f, DMatrixRMaj input, DMatrixRMaj output) {
        for (int i = 0; i < input.getNumElements(); i++) {
            output.data[i] = f.apply(input.data[i]);
        }
    }
}
