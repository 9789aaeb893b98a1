package org.bptt.experiments.reproduce;

import org.bptt.experiments.clipping.Clipping;

/**
 * How a network is trained: plain SGD, SGD with the gradient clipped by its norm (Pascanu et al.'s SGD-C), or that
 * with their regulariser Ω added first (SGD-CR,
 * {@link org.bptt.experiments.train.NormPreservingRegulariser}).
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
     * SGD-CR: g_W ← g_W + α ∂Ω/∂W ({@link NormPreservingRegulariser}; RNN.py lines 216-217), then clipped as SGD-C
     * (the norm of lines 219-230 is taken after adding). α = 4: "the regularization weight was fixed to 4" (paper,
     * Section 4.1.1); their code's default is 2 (RNN.py line 467).
     */
    SGD_CR("sgd-cr", "SGD-CR", Clipping.globalNorm(1.0), 4.0);

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
