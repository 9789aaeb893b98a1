package org.bptt.dl4j;

import org.bptt.api.Batch;
import org.bptt.api.Capability;
import org.bptt.api.ModelSpec;
import org.bptt.api.OwnCallTimes;
import org.bptt.api.OwnCallTiming;
import org.bptt.api.Parameters;

/**
 * The plugin {@value #ID}: Deeplearning4j's {@code GravesLSTM} layer, the LSTM with peepholes (Graves 2013; the
 * "vanilla" LSTM of Greff et al. 2015), with one bias per gate. It runs models without peepholes too, with the
 * peephole weights held at zero (exact: adding zero changes nothing). Its parameter layout (gate blocks g, f, o, i,
 * then the peepholes f, o, i) is in {@link Dl4jLstmPacking}; everything else is {@link Dl4jRnnPlugin}'s, except
 * the benchmark's timing of DL4J's own calls ({@link Dl4jOwnCallTimer}).
 */
public final class Dl4jGravesLstm extends Dl4jRnnPlugin implements OwnCallTiming {

    /** The plugin id. */
    public static final String ID = "dl4j-graves-lstm";

    public Dl4jGravesLstm() {
        super(Dl4jRecurrentLayer.GRAVES_LSTM, ID, "Deeplearning4j GravesLSTM",
                withCommonCapabilities(Capability.LSTM, Capability.LSTM_PEEPHOLES));
    }

    @Override
    public OwnCallTimes timeOwnCalls(ModelSpec spec, Parameters parameters, Batch batch, TimedCall call, int warmUps,
                                     int repetitions) {
        return Dl4jOwnCallTimer.time(recurrentLayer(), spec, parameters, batch, call, warmUps, repetitions);
    }
}
