package org.bptt.benchmarks;

import java.util.Locale;
import org.bptt.api.DataType;

/**
 * One point of the benchmark grid: an implementation, a shape, a sequence length and what is measured.
 *
 * @param implementation the plugin id
 * @param shape          B, d, H, K
 * @param steps          T
 * @param mode           forward, or forward + backward
 * @param precision      the arithmetic asked of the plugin
 */
public record Cell(String implementation, Shape shape, int steps, Mode mode, DataType precision) {

    /** A key that identifies the cell across runs: {@code implementation|shape|T|mode|precision}. */
    public String key() {
        return implementation + "|" + shape + "|" + steps + "|" + mode.label() + "|" + precisionName(precision);
    }

    /** The work the {@link FlopModel} credits to one call. */
    public double flops() {
        return FlopModel.of(mode, shape, steps);
    }

    /** E.g. {@code reference-aggregated 16x64x128x64 T=64 forward+backward float64}. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s %s T=%d %s %s", implementation, shape, steps, mode.label(), precisionName(precision));
    }

    /** {@code float64} or {@code float32}. */
    public static String precisionName(DataType precision) {
        return precision.name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code float64} or {@code float32}. */
    public static DataType parsePrecision(String text) {
        for (DataType type : DataType.values()) {
            if (type.name().equalsIgnoreCase(text.trim())) {
                return type;
            }
        }
        throw new org.bptt.api.InvalidInputException("unknown precision '" + text + "'; expected float64 or float32");
    }
}
