package org.bptt.dl4j;

import org.bptt.api.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Conversions between the harness's row-major, batch-first {@link Tensor}s and DL4J's arrays.
 *
 * <p>The harness puts time second: {@code [B, T, F]}. DL4J's default recurrent format (NCW) puts it last:
 * {@code [B, F, T]}. Weight matrices are transposed: the harness writes {@code U: [H, d]} (so that
 * {@code a = U x}); DL4J multiplies row vectors, {@code a = x · W}, with {@code W: [d, H]} = Uᵀ.
 */
final class Dl4jLayout {

    private Dl4jLayout() {
    }

    /** {@code [B, T, F]} → an array {@code [B, F, T]} of {@code dataType}. Not modified: {@code batchFirst}. */
    static INDArray toTimeLast(Tensor batchFirst, DataType dataType) {
        int batchSize = batchFirst.size(0);
        int steps = batchFirst.size(1);
        int features = batchFirst.size(2);
        double[] source = batchFirst.data();
        double[] timeLast = new double[source.length];
        for (int sequence = 0; sequence < batchSize; sequence++) {
            for (int step = 0; step < steps; step++) {
                for (int feature = 0; feature < features; feature++) {
                    timeLast[(sequence * features + feature) * steps + step] =
                            source[(sequence * steps + step) * features + feature];
                }
            }
        }
        return array(timeLast, dataType, batchSize, features, steps);
    }

    /** An array {@code [B, F, T]} → a tensor {@code [B, T, F]} of doubles. */
    static Tensor fromTimeLast(INDArray timeLast) {
        int batchSize = Math.toIntExact(timeLast.size(0));
        int features = Math.toIntExact(timeLast.size(1));
        int steps = Math.toIntExact(timeLast.size(2));
        double[] source = rowMajorDoubles(timeLast);
        double[] batchFirst = new double[source.length];
        for (int sequence = 0; sequence < batchSize; sequence++) {
            for (int feature = 0; feature < features; feature++) {
                for (int step = 0; step < steps; step++) {
                    batchFirst[(sequence * steps + step) * features + feature] =
                            source[(sequence * features + feature) * steps + step];
                }
            }
        }
        return Tensor.of(batchFirst, batchSize, steps, features);
    }

    /** The transpose of a matrix tensor {@code [R, C]} as an array {@code [C, R]} of {@code dataType}. */
    static INDArray transposed(Tensor matrix, DataType dataType) {
        int rows = matrix.size(0);
        int columns = matrix.size(1);
        double[] source = matrix.data();
        double[] transposed = new double[source.length];
        for (int row = 0; row < rows; row++) {
            for (int column = 0; column < columns; column++) {
                transposed[column * rows + row] = source[row * columns + column];
            }
        }
        return array(transposed, dataType, columns, rows);
    }

    /** The transpose of a matrix array {@code [C, R]} as a tensor {@code [R, C]} of doubles. */
    static Tensor transposedTensor(INDArray matrix) {
        int rows = Math.toIntExact(matrix.size(1));
        int columns = Math.toIntExact(matrix.size(0));
        double[] source = rowMajorDoubles(matrix);
        double[] transposed = new double[source.length];
        for (int row = 0; row < rows; row++) {
            for (int column = 0; column < columns; column++) {
                transposed[row * columns + column] = source[column * rows + row];
            }
        }
        return Tensor.of(transposed, rows, columns);
    }

    /** A vector tensor {@code [n]} as an array of {@code shape} ({@code [n]} or {@code [1, n]} for a bias). */
    static INDArray vector(Tensor vector, DataType dataType, long... shape) {
        return array(vector.data().clone(), dataType, shape);
    }

    /** Any array holding n elements (a bias {@code [n]} or {@code [1, n]}) as a vector tensor {@code [n]}. */
    static Tensor vector(INDArray array) {
        double[] values = rowMajorDoubles(array);
        return Tensor.of(values, values.length);
    }

    /** The elements of {@code array} as doubles in row-major order, whatever its ordering, view or type. */
    static double[] rowMajorDoubles(INDArray array) {
        // A fresh 'c'-ordered copy owns a buffer holding exactly its elements, in row-major order.
        INDArray contiguous = array.dup('c');
        if (contiguous.dataType() != DataType.DOUBLE) {
            contiguous = contiguous.castTo(DataType.DOUBLE);
        }
        double[] values = contiguous.data().asDouble();
        if (values.length != contiguous.length()) {
            throw new IllegalStateException("ND4J copy of a " + java.util.Arrays.toString(array.shape())
                    + " array holds " + values.length + " elements");
        }
        return values;
    }

    /** A fresh row-major array of {@code dataType} holding {@code values} (taken over, not copied). */
    static INDArray array(double[] values, DataType dataType, long... shape) {
        INDArray doubles = Nd4j.createFromArray(values).reshape('c', shape);
        return dataType == DataType.DOUBLE ? doubles : doubles.castTo(dataType);
    }
}
