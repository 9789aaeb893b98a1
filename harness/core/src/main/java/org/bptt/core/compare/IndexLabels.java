package org.bptt.core.compare;

import java.util.List;
import java.util.Objects;

/**
 * Names for the dimensions of a tensor, so that a failure reads {@code h[b=0, t=2, i=1]} or
 * {@code dL/dW[row=1, col=3]} instead of a flat offset.
 *
 * @param names one name per dimension; empty for a scalar
 */
public record IndexLabels(List<String> names) {

    /** A scalar such as the loss: no index at all. */
    public static final IndexLabels SCALAR = new IndexLabels(List.of());
    /** A vector such as a bias: {@code [i=2]}. */
    public static final IndexLabels VECTOR = new IndexLabels(List.of("i"));
    /** A matrix such as a weight: {@code [row=1, col=3]}. */
    public static final IndexLabels MATRIX = new IndexLabels(List.of("row", "col"));
    /** Hidden states and their gradients, {@code [B, T, H]}: {@code [b=0, t=2, i=1]}. */
    public static final IndexLabels HIDDEN_PER_STEP = new IndexLabels(List.of("b", "t", "i"));
    /** Inputs and their gradients, {@code [B, T, d]}: {@code [b=0, t=2, j=1]}. */
    public static final IndexLabels INPUT_PER_STEP = new IndexLabels(List.of("b", "t", "j"));
    /** Per-step outputs, {@code [B, T, K]}: {@code [b=0, t=2, k=1]}. */
    public static final IndexLabels OUTPUT_PER_STEP = new IndexLabels(List.of("b", "t", "k"));
    /** Last-step outputs, {@code [B, K]}: {@code [b=0, k=1]}. */
    public static final IndexLabels OUTPUT_LAST_STEP = new IndexLabels(List.of("b", "k"));
    /** A per-sequence hidden vector such as h_{-1} and its gradient, {@code [B, H]}: {@code [b=0, i=1]}. */
    public static final IndexLabels HIDDEN_PER_SEQUENCE = new IndexLabels(List.of("b", "i"));

    public IndexLabels {
        names = List.copyOf(Objects.requireNonNull(names, "names"));
    }

    public static IndexLabels of(String... names) {
        return new IndexLabels(List.of(names));
    }

    /** Plain labels {@code d0, d1, ...} for a tensor of {@code rank} dimensions. */
    public static IndexLabels generic(int rank) {
        return switch (rank) {
            case 0 -> SCALAR;
            case 1 -> VECTOR;
            case 2 -> MATRIX;
            default -> new IndexLabels(java.util.stream.IntStream.range(0, rank).mapToObj(i -> "d" + i).toList());
        };
    }

    /**
     * Formats {@code index}: {@code [b=0, t=2, i=1]}, or the empty string for a scalar. When the rank does not
     * match the names, falls back to the plain index {@code [0, 2, 1]}.
     */
    public String format(int[] index) {
        if (index.length == 0) {
            return "";
        }
        StringBuilder text = new StringBuilder("[");
        for (int dimension = 0; dimension < index.length; dimension++) {
            if (dimension > 0) {
                text.append(", ");
            }
            if (names.size() == index.length) {
                text.append(names.get(dimension)).append('=');
            }
            text.append(index[dimension]);
        }
        return text.append(']').toString();
    }
}
