package org.bptt.dl4j;

import org.bptt.api.Batch;
import org.bptt.api.Capability;
import org.bptt.api.ModelSpec;
import org.bptt.api.OwnCallTimes;
import org.bptt.api.OwnCallTiming;
import org.bptt.api.Parameters;

/**
 * The plugin {@value #ID}: Deeplearning4j's {@code LSTM} layer, the LSTM without peepholes, with one bias per gate
 * (two-bias models are skipped by capability: DL4J has no second bias). Its parameter layout (gate blocks g, f, o, i)
 * is in {@link Dl4jLstmPacking}; everything else is {@link Dl4jRnnPlugin}'s, except
 * the benchmark's timing of DL4J's own calls ({@link Dl4jOwnCallTimer}).
 */
public final class Dl4jLstm extends Dl4jRnnPlugin implements OwnCallTiming {

    /** The plugin id. */
    public static final String ID = "dl4j-lstm";

    public Dl4jLstm() {
        super(Dl4jRecurrentLayer.LSTM, ID, "Deeplearning4j LSTM",
                withCommonCapabilities(Capability.LSTM));
    }

    @Override
    public OwnCallTimes timeOwnCalls(ModelSpec spec, Parameters parameters, Batch batch, TimedCall call, int warmUps,
                                     int repetitions) {
        return Dl4jOwnCallTimer.time(recurrentLayer(), spec, parameters, batch, call, warmUps, repetitions);
    }
}
