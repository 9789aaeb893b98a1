package org.bptt.api;

/**
 * How a bidirectional layer combines the forward state {@code h→_t} and the reverse state {@code h←_t} of one step
 * into the layer's output at that step, which the next layer and the head read. Named as DL4J's
 * {@code Bidirectional.Mode} and Keras' {@code merge_mode} name them.
 */
public enum Combine {
    /** {@code [h→_t ; h←_t]}, size 2H: PyTorch's, ONNX's and Keras' only or default, DL4J's {@code CONCAT}. */
    CONCAT,
    /** {@code h→_t + h←_t}, size H (DL4J's {@code ADD}, Keras' {@code sum}). */
    SUM,
    /** {@code (h→_t + h←_t) / 2}, size H (DL4J's {@code AVERAGE}, Keras' {@code ave}). */
    MEAN,
    /** {@code h→_t ⊙ h←_t}, size H (DL4J's {@code MUL}, Keras' {@code mul}). */
    PRODUCT;

    /** The size of the combined output of two directions of {@code hiddenSize} each. */
    public int outputSize(int hiddenSize) {
        return this == CONCAT ? 2 * hiddenSize : hiddenSize;
    }
}
