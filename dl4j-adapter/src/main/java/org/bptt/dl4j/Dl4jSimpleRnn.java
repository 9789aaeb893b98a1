package org.bptt.dl4j;

import org.bptt.api.Capability;

/**
 * The plugin {@value #ID}: Deeplearning4j's {@code SimpleRnn}, {@code h_t = f(x_t · Uᵀ + h_{t-1} · Wᵀ + b)} on row
 * vectors, for the Elman cell with each of its four activations. Everything else is {@link Dl4jRnnPlugin}'s.
 */
public final class Dl4jSimpleRnn extends Dl4jRnnPlugin {

    /** The plugin id. */
    public static final String ID = "dl4j";

    public Dl4jSimpleRnn() {
        super(Dl4jRecurrentLayer.SIMPLE_RNN, ID, "Deeplearning4j SimpleRnn",
                withCommonCapabilities(Capability.TANH, Capability.SIGMOID, Capability.RELU, Capability.IDENTITY));
    }
}
