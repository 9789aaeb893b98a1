package org.bptt.core.compare;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Names for the dimensions of a tensor, so that a failure reads {@code h[b=0, t=2, i=1]} or
 * {@code dL/dW[row=1, col=3]} instead of a flat offset.
 *
 * @param names      one name per dimension; empty for a scalar
 * @param splitWidth 0, or H when a tensor's last dimension holds two directions of H units side by side: then
 *                   {@code names} has one more name than the tensor has dimensions, the direction's before the
 *                   unit's
 */
public record IndexLabels(List<String> names, int splitWidth) {

    /** The name of a direction's dimension, whose values are written {@code forward} and {@code reverse}. */
    private static final String DIRECTION = "direction";

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
    /**
     * Every layer's and direction's h_{-1} (and its gradient) of a stacked or bidirectional network,
     * {@code [L, D, B, H]}: {@code [layer=1, direction=reverse, b=0, i=1]}.
     */
    public static final IndexLabels HIDDEN_PER_LAYER = new IndexLabels(List.of("layer", DIRECTION, "b", "i"));
    /**
     * The top layer's states of a bidirectional network, its directions side by side, {@code [B, T, 2H]}:
     * {@code [b=0, t=2, direction=reverse, i=1]}. Here the last dimension is split into the direction and the unit
     * ({@link #format}).
     */
    public static final IndexLabels BIDIRECTIONAL_PER_STEP = new IndexLabels(List.of("b", "t", DIRECTION, "i"));

    public IndexLabels {
        names = List.copyOf(Objects.requireNonNull(names, "names"));
    }

    public IndexLabels(List<String> names) {
        this(names, 0);
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
     * The labels of the hidden states of a network whose directions are {@code directions} (1 or 2) and hidden size
     * {@code hiddenSize}, {@code [B, T, D·H]}: {@link #HIDDEN_PER_STEP}, or for a bidirectional network labels that
     * name the direction of an element.
     */
    public static IndexLabels hiddenPerStep(int directions, int hiddenSize) {
        return directions == 1 ? HIDDEN_PER_STEP : new IndexLabels(BIDIRECTIONAL_PER_STEP.names, hiddenSize);
    }

    /** The labels of initial states of a network: {@link #HIDDEN_PER_SEQUENCE} for one forward layer, else {@link #HIDDEN_PER_LAYER}. */
    public static IndexLabels initialStates(boolean oneForwardLayer) {
        return oneForwardLayer ? HIDDEN_PER_SEQUENCE : HIDDEN_PER_LAYER;
    }

    /**
     * Formats {@code index}: {@code [b=0, t=2, i=1]}, or the empty string for a scalar. A direction's dimension is
     * written {@code direction=forward} or {@code direction=reverse}. When the rank does not match the names, falls
     * back to the plain index {@code [0, 2, 1]}.
     */
    public String format(int[] index) {
        if (index.length == 0) {
            return "";
        }
        if (splitWidth > 0 && index.length == names.size() - 1) {
            // [b, t, j] of [B, T, 2H]: j < H is the forward direction's unit j, else the reverse one's unit j − H.
            int last = index[index.length - 1];
            int[] split = Arrays.copyOf(index, index.length + 1);
            split[index.length - 1] = last / splitWidth;
            split[index.length] = last % splitWidth;
            index = split;
        }
        StringBuilder text = new StringBuilder("[");
        for (int dimension = 0; dimension < index.length; dimension++) {
            if (dimension > 0) {
                text.append(", ");
            }
            boolean named = names.size() == index.length;
            if (named) {
                text.append(names.get(dimension)).append('=');
            }
            if (named && names.get(dimension).equals(DIRECTION)) {
                text.append(index[dimension] == 0 ? "forward" : "reverse");
            } else {
                text.append(index[dimension]);
            }
        }
        return text.append(']').toString();
    }
}
