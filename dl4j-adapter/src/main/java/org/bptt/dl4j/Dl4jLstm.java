package org.bptt.dl4j;

import org.bptt.api.Capability;

/**
 * The plugin {@value #ID}: Deeplearning4j's {@code LSTM} layer, the LSTM without peepholes, with one bias per gate
 * (two-bias models are skipped by capability: DL4J has no second bias). Its parameter layout (gate blocks g, f, o, i)
 * is in {@link Dl4jLstmPacking}; everything else is {@link Dl4jRnnPlugin}'s.
 */
public final class Dl4jLstm extends Dl4jRnnPlugin {

    /** The plugin id. */
    public static final String ID = "dl4j-lstm";

    public Dl4jLstm() {
        super(Dl4jRecurrentLayer.LSTM, ID, "Deeplearning4j LSTM",
                withCommonCapabilities(Capability.LSTM));
    }
}
