package org.bptt.dl4j;

import org.bptt.api.Capability;

/**
 * The plugin {@value #ID}: {@link Dl4jLastTimeStep} with DL4J's {@code LSTM} layers (no peepholes, one bias per
 * gate) in place of SimpleRnn.
 */
public final class Dl4jLstmLastTimeStep extends Dl4jRnnPlugin {

    /** The plugin id. */
    public static final String ID = "dl4j-lstm-last-time-step";

    public Dl4jLstmLastTimeStep() {
        super(Dl4jRecurrentLayer.LSTM, ID, "Deeplearning4j LSTM in LastTimeStep",
                Dl4jLastTimeStep.capabilities(Capability.LSTM), true);
    }
}
