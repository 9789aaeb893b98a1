package org.bptt.api;

import java.util.Arrays;
import java.util.Locale;

/**
 * A dense, row-major array of doubles with a shape. The data array is shared, not copied: whoever builds a
 * tensor hands it over and does not change it afterwards.
 *
 * @param shape the size of each dimension, each at least 0
 * @param data  the elements in row-major order; {@code data.length} equals the product of {@code shape}
 */
public record Tensor(int[] shape, double[] data) {

    public Tensor {
        if (shape == null || data == null) {
            throw new InvalidInputException("tensor shape and data must not be null");
        }
        long size = 1;
        for (int dimension : shape) {
            if (dimension < 0) {
                throw new InvalidInputException("tensor shape " + Arrays.toString(shape) + " has a negative size");
            }
            size *= dimension;
        }
        if (size != data.length) {
            throw new InvalidInputException("tensor shape " + Arrays.toString(shape) + " holds " + size
                    + " elements but the data has " + data.length);
        }
    }

    /** A tensor of zeros. */
    public static Tensor zeros(int... shape) {
        long size = 1;
        for (int dimension : shape) {
            size *= Math.max(dimension, 0);
        }
        return new Tensor(shape.clone(), new double[Math.toIntExact(size)]);
    }

    /** Wraps {@code data} (not copied) with the given shape. */
    public static Tensor of(double[] data, int... shape) {
        return new Tensor(shape.clone(), data);
    }

    public int rank() {
        return shape.length;
    }

    public int size(int dimension) {
        return shape[dimension];
    }

    public int length() {
        return data.length;
    }

    /** The position in {@link #data()} of the element at {@code index}. */
    public int offset(int... index) {
        if (index.length != shape.length) {
            throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " for shape " + Arrays.toString(shape));
        }
        int offset = 0;
        for (int dimension = 0; dimension < shape.length; dimension++) {
            if (index[dimension] < 0 || index[dimension] >= shape[dimension]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " for shape " + Arrays.toString(shape));
            }
            offset = offset * shape[dimension] + index[dimension];
        }
        return offset;
    }

    /** The multi-dimensional index of the element at position {@code offset} of {@link #data()}. */
    public int[] indexOf(int offset) {
        int[] index = new int[shape.length];
        for (int dimension = shape.length - 1; dimension >= 0; dimension--) {
            index[dimension] = offset % shape[dimension];
            offset /= shape[dimension];
        }
        return index;
    }

    public double get(int... index) {
        return data[offset(index)];
    }

    public void set(double value, int... index) {
        data[offset(index)] = value;
    }

    /** A deep copy. */
    public Tensor copy() {
        return new Tensor(shape.clone(), data.clone());
    }

    public boolean hasShape(int... expected) {
        return Arrays.equals(shape, expected);
    }

    /** The position of the first NaN or infinite element, or -1 when all are finite. */
    public int firstNonFinite() {
        for (int i = 0; i < data.length; i++) {
            if (!Double.isFinite(data[i])) {
                return i;
            }
        }
        return -1;
    }

    /** The Euclidean (Frobenius) norm. */
    public double norm() {
        double sum = 0;
        for (double value : data) {
            sum += value * value;
        }
        return Math.sqrt(sum);
    }

    /**
     * Checks that this tensor, called {@code name}, has the {@code expected} shape and only finite elements.
     *
     * @throws InvalidInputException naming the tensor, the expected and actual shape, or the first bad element
     */
    public void requireShapeAndFinite(String name, int... expected) {
        InvalidInputException.require(hasShape(expected), "%s has shape %s, expected %s",
                name, Arrays.toString(shape), Arrays.toString(expected));
        int bad = firstNonFinite();
        InvalidInputException.require(bad < 0, "%s%s is %s; every element must be finite",
                name, bad < 0 ? "" : Arrays.toString(indexOf(bad)), bad < 0 ? "" : Double.toString(data[bad]));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Tensor that && Arrays.equals(shape, that.shape) && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        if (data.length <= 8) {
            return String.format(Locale.ROOT, "Tensor%s%s", Arrays.toString(shape), Arrays.toString(data));
        }
        return String.format(Locale.ROOT, "Tensor%s[%s, %s, ... %d elements]", Arrays.toString(shape), data[0], data[1], data.length);
    }
}
