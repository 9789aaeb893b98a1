package org.bptt.experiments.reproduce;

import org.bptt.experiments.clipping.Clipping;
import org.bptt.experiments.train.NormPreservingRegulariser;

/**
 * How a network is trained: plain SGD, SGD with the gradient clipped by its norm (Pascanu et al.'s SGD-C), or that
 * with their regulariser Ω added first (SGD-CR).
 */
public enum Method {
    /** Plain SGD. */
    SGD("sgd", "SGD", Clipping.none(), 0),
    /**
     * SGD-C: when ‖g‖ &gt; 1, g ← g/‖g‖ (Pascanu et al. 2013, Algorithm 1; threshold 1: trainingRNNs RNN.py line 495,
     * applied at lines 224-230).
     */
    SGD_C("sgd-c", "SGD-C", Clipping.globalNorm(1.0), 0),
    /**
     * SGD-CR: g ← g + α ∂Ω/∂W with α = 2 (RNN.py lines 216-217 and 467; {@link NormPreservingRegulariser}), then
     * clipped as SGD-C (the norm of lines 219-230 is taken after adding).
     */
    SGD_CR("sgd-cr", "SGD-CR", Clipping.globalNorm(1.0), NormPreservingRegulariser.STRENGTH);

    private final String id;
    private final String label;
    private final Clipping clipping;
    private final double regulariserStrength;

    Method(String id, String label, Clipping clipping, double regulariserStrength) {
        this.id = id;
        this.label = label;
        this.clipping = clipping;
        this.regulariserStrength = regulariserStrength;
    }

    public String id() {
        return id;
    }

    /** The paper's name. */
    public String label() {
        return label;
    }

    public Clipping clipping() {
        return clipping;
    }

    /** α of the regulariser Ω, 0 without it. */
    public double regulariserStrength() {
        return regulariserStrength;
    }

    public static Method byId(String id) {
        for (Method method : values()) {
            if (method.id.equals(id)) {
                return method;
            }
        }
        throw new org.bptt.api.InvalidInputException("unknown method '" + id + "'");
    }
}
