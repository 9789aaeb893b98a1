package org.bptt.reference;

import org.bptt.api.Tensor;
import org.ejml.data.DMatrixRMaj;

/** Copies between the API's row-major {@link Tensor}s and EJML matrices. Every method copies; nothing is shared. */
final class Matrices {

    private Matrices() {
    }

    /** A copy of a rank-2 tensor {@code [rows, columns]} as a matrix, or of a rank-1 tensor {@code [n]} as a column. */
    static DMatrixRMaj matrix(Tensor tensor) {
        int rows = tensor.size(0);
        int columns = tensor.rank() == 1 ? 1 : tensor.size(1);
        return new DMatrixRMaj(rows, columns, true, tensor.data());
    }

    /** A column vector {@code [length, 1]} copied from {@code tensor.data()[offset ... offset + length)}. */
    static DMatrixRMaj column(Tensor tensor, int offset, int length) {
        DMatrixRMaj column = new DMatrixRMaj(length, 1);
        System.arraycopy(tensor.data(), offset, column.data, 0, length);
        return column;
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
}
