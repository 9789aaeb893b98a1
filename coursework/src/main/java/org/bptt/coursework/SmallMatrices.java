package org.bptt.coursework;

import java.util.Locale;
import org.bptt.api.Tensor;

/**
 * The few matrix operations the tape needs, on {@code double[][]} (row-major, a column vector is {@code [n][1]}).
 * Hand-written on purpose: the tape must share no numerical code with the reference it is checked against. Every
 * method returns a new array and modifies none of its arguments; sizes are a handful, so allocation does not matter.
 */
final class SmallMatrices {

    private SmallMatrices() {
    }

    /** A × B. */
    static double[][] multiply(double[][] a, double[][] b) {
        int rows = a.length;
        int inner = b.length;
        int columns = b[0].length;
        double[][] product = new double[rows][columns];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < columns; j++) {
                double sum = 0;
                for (int k = 0; k < inner; k++) {
                    sum += a[i][k] * b[k][j];
                }
                product[i][j] = sum;
            }
        }
        return product;
    }

    /** Aᵀ. */
    static double[][] transpose(double[][] a) {
        double[][] transposed = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                transposed[j][i] = a[i][j];
            }
        }
        return transposed;
    }

    /** A + B. */
    static double[][] add(double[][] a, double[][] b) {
        double[][] sum = copy(a);
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                sum[i][j] += b[i][j];
            }
        }
        return sum;
    }

    /** A ⊙ B (elementwise). */
    static double[][] hadamard(double[][] a, double[][] b) {
        double[][] product = new double[a.length][a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                product[i][j] = a[i][j] * b[i][j];
            }
        }
        return product;
    }

    /** s · A. */
    static double[][] scale(double s, double[][] a) {
        double[][] scaled = new double[a.length][a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                scaled[i][j] = s * a[i][j];
            }
        }
        return scaled;
    }

    /** A zero matrix of the same shape as {@code a}. */
    static double[][] zerosLike(double[][] a) {
        return new double[a.length][a[0].length];
    }

    static double[][] copy(double[][] a) {
        double[][] copy = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            copy[i] = a[i].clone();
        }
        return copy;
    }

    /** A column vector {@code [n][1]} from {@code n} consecutive elements of {@code data} starting at {@code offset}. */
    static double[][] column(double[] data, int offset, int n) {
        double[][] column = new double[n][1];
        for (int i = 0; i < n; i++) {
            column[i][0] = data[offset + i];
        }
        return column;
    }

    /** A rank-1 tensor {@code [H]} becomes {@code [H][1]}; a rank-2 tensor {@code [R, C]} becomes {@code [R][C]}. */
    static double[][] of(Tensor tensor) {
        if (tensor.rank() == 1) {
            return column(tensor.data(), 0, tensor.size(0));
        }
        double[][] matrix = new double[tensor.size(0)][tensor.size(1)];
        for (int i = 0; i < matrix.length; i++) {
            System.arraycopy(tensor.data(), i * matrix[0].length, matrix[i], 0, matrix[0].length);
        }
        return matrix;
    }

    /** The matrix as a tensor: a column vector {@code [n][1]} as {@code [n]} when {@code vector}, else {@code [R, C]}. */
    static Tensor toTensor(double[][] matrix, boolean vector) {
        int rows = matrix.length;
        int columns = matrix[0].length;
        double[] data = new double[rows * columns];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(matrix[i], 0, data, i * columns, columns);
        }
        return vector ? Tensor.of(data, rows) : Tensor.of(data, rows, columns);
    }

    /** The Frobenius norm. */
    static double norm(double[][] a) {
        double sum = 0;
        for (double[] row : a) {
            for (double value : row) {
                sum += value * value;
            }
        }
        return Math.sqrt(sum);
    }

    /**
     * A value as a student reads it: a column vector as {@code [0.1, -0.2]} (its transpose, written flat), a matrix
     * as {@code [[0.1, 0.2], [0.3, 0.4]]}, a 1×1 as the bare number; numbers to 6 significant digits.
     */
    static String format(double[][] value) {
        if (value.length == 1 && value[0].length == 1) {
            return number(value[0][0]);
        }
        StringBuilder text = new StringBuilder("[");
        boolean columnVector = value[0].length == 1;
        for (int i = 0; i < value.length; i++) {
            if (i > 0) {
                text.append(", ");
            }
            if (columnVector) {
                text.append(number(value[i][0]));
            } else {
                text.append('[');
                for (int j = 0; j < value[i].length; j++) {
                    text.append(j > 0 ? ", " : "").append(number(value[i][j]));
                }
                text.append(']');
            }
        }
        return text.append(']').toString();
    }

    /** A number to 6 significant digits, without an exponent for ordinary magnitudes, "0" for zero. */
    static String number(double value) {
        if (value == 0) {
            return "0";
        }
        double magnitude = Math.abs(value);
        if (magnitude >= 1e-4 && magnitude < 1e6) {
            String text = new java.math.BigDecimal(value).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
            return text.equals("-0") ? "0" : text;
        }
        return String.format(Locale.ROOT, "%.5e", value);
    }
}
