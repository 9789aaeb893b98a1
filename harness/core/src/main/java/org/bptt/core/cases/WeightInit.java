package org.bptt.core.cases;

/**
 * How {@link CaseGenerator} draws the weights U, W and V (biases are always small uniform values).
 * fan_in and fan_out are a matrix's column and row counts.
 */
public enum WeightInit {
    /** Uniform on (−1/√fan_in, 1/√fan_in): the classic RNN default. */
    UNIFORM,
    /** Glorot/Xavier uniform on (−r, r), r = √(6 / (fan_in + fan_out)). */
    XAVIER,
    /** W orthogonal (Q of the QR decomposition of a Gaussian matrix, signs fixed); U and V as {@link #XAVIER}. */
    ORTHOGONAL
}
