package org.bptt.api;

import java.util.Locale;

/**
 * How many layers a network stacks and which ways each reads the sequence. Layer 0 reads the inputs x_t; layer
 * ℓ &gt; 0 reads, at step t, layer ℓ−1's output at t (its hidden state, or its two directions' states combined);
 * the head reads the top layer's output. Every layer has the same cell, cell options and hidden size H, and its
 * own weights, named as the package documentation says ({@link ParameterName}).
 *
 * @param layers    L, at least 1
 * @param direction {@link Direction#FORWARD} or {@link Direction#BIDIRECTIONAL}
 * @param combine   how a bidirectional layer combines its two directions; null for a forward network
 */
public record Topology(int layers, Direction direction, Combine combine) {

    /** One layer read forwards: the network every model was before there were layers and directions. */
    public static final Topology SINGLE = new Topology(1, Direction.FORWARD, null);

    /**
     * @throws InvalidInputException naming what is wrong
     */
    public Topology {
        InvalidInputException.require(layers >= 1, "the number of layers must be at least 1, got %d", layers);
        InvalidInputException.require(direction != null, "the direction must be given (FORWARD or BIDIRECTIONAL)");
        InvalidInputException.require(direction != Direction.BIDIRECTIONAL || combine != null,
                "a bidirectional network needs its combine mode (CONCAT, SUM, MEAN or PRODUCT)");
        InvalidInputException.require(direction != Direction.FORWARD || combine == null,
                "a forward network has one direction and nothing to combine; its combine mode must be null, got %s", combine);
    }

    /** L layers read forwards. */
    public static Topology forward(int layers) {
        return new Topology(layers, Direction.FORWARD, null);
    }

    /** L bidirectional layers whose directions are combined by {@code combine}. */
    public static Topology bidirectional(int layers, Combine combine) {
        return new Topology(layers, Direction.BIDIRECTIONAL, combine);
    }

    /** True for {@link Direction#BIDIRECTIONAL}. */
    public boolean bidirectional() {
        return direction == Direction.BIDIRECTIONAL;
    }

    /** D, the number of directions per layer: 1 or 2. */
    public int directions() {
        return bidirectional() ? 2 : 1;
    }

    /** True for {@link #SINGLE}: one layer read forwards. */
    public boolean single() {
        return equals(SINGLE);
    }

    /** The size of a layer's output, which the next layer and the head read: H, or 2H when concatenated. */
    public int layerOutputSize(int hiddenSize) {
        return bidirectional() ? combine.outputSize(hiddenSize) : hiddenSize;
    }

    /** The symbol of {@link #layerOutputSize} in declared shapes: {@code H}, or {@code 2H} when concatenated. */
    public String layerOutputSymbol() {
        return bidirectional() && combine == Combine.CONCAT ? "2H" : "H";
    }

    /**
     * The label's part for this topology: empty for {@link #SINGLE} (labels of one-layer forward models stay as
     * they were), else e.g. {@code /2-layers}, {@code /1-layer-bidirectional-concat}.
     */
    public String label() {
        if (single()) {
            return "";
        }
        return "/" + layers + (layers == 1 ? "-layer" : "-layers")
                + (bidirectional() ? "-bidirectional-" + combine.name().toLowerCase(Locale.ROOT) : "");
    }
}
