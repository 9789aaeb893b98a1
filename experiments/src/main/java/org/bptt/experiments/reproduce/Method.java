package org.bptt.experiments.reproduce;

import org.bptt.experiments.clipping.Clipping;

/** How a network is trained: plain SGD, or SGD with the gradient clipped by its norm (Pascanu et al.'s SGD-C). */
public enum Method {
    /** Plain SGD. */
    SGD("sgd", "SGD", Clipping.none()),
    /**
     * SGD-C: when ‖g‖ &gt; 1, g ← g/‖g‖ (Pascanu et al. 2013, Algorithm 1; threshold 1: trainingRNNs RNN.py line 495,
     * applied at lines 224-230).
     */
    SGD_C("sgd-c", "SGD-C", Clipping.globalNorm(1.0));

    private final String id;
    private final String label;
    private final Clipping clipping;

    Method(String id, String label, Clipping clipping) {
        this.id = id;
        this.label = label;
        this.clipping = clipping;
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

    public static Method byId(String id) {
        for (Method method : values()) {
            if (method.id.equals(id)) {
                return method;
            }
        }
        throw new org.bptt.api.InvalidInputException("unknown method '" + id + "'");
    }
}
