package org.bptt.api;

/**
 * Which ways each layer of a network reads the sequence ({@link Topology#direction()}).
 */
public enum Direction {
    /** Each layer reads steps 0 … T−1 (of a masked sequence: 0 … its last valid step). */
    FORWARD,
    /**
     * Each layer has a forward and a reverse direction with separate weights; the reverse one reads a sequence from
     * its last valid step back to step 0 (never from the padded end), and the two directions' states at a step are
     * combined ({@link Combine}) into the layer's output at that step.
     */
    BIDIRECTIONAL
}
