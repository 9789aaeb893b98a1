package org.bptt.dl4j;

import org.bptt.api.Capability;

/**
 * The plugin {@value #ID}: Deeplearning4j's {@code GravesLSTM} layer, the LSTM with peepholes (Graves 2013; the
 * "vanilla" LSTM of Greff et al. 2015), with one bias per gate. It runs models without peepholes too, with the
 * peephole weights held at zero (exact: adding zero changes nothing). Its parameter layout (gate blocks g, f, o, i,
 * then the peepholes f, o, i) is in {@link Dl4jLstmPacking}; everything else is {@link Dl4jRnnPlugin}'s.
 */
public final class Dl4jGravesLstm extends Dl4jRnnPlugin {

    /** The plugin id. */
    public static final String ID = "dl4j-graves-lstm";

    public Dl4jGravesLstm() {
        super(Dl4jRecurrentLayer.GRAVES_LSTM, ID, "Deeplearning4j GravesLSTM",
                withCommonCapabilities(Capability.LSTM, Capability.LSTM_PEEPHOLES));
    }
}
