package org.bptt.dl4j;

import org.bptt.api.Batch;
import org.bptt.api.Capability;
import org.bptt.api.ModelSpec;
import org.bptt.api.OwnCallTimes;
import org.bptt.api.OwnCallTiming;
import org.bptt.api.Parameters;

/**
 * The plugin {@value #ID}: Deeplearning4j's {@code SimpleRnn}, {@code h_t = f(x_t · Uᵀ + h_{t-1} · Wᵀ + b)} on row
 * vectors, for the Elman cell with each of its four activations. Everything else is {@link Dl4jRnnPlugin}'s, except
 * the benchmark's timing of DL4J's own calls ({@link Dl4jOwnCallTimer}).
 */
public final class Dl4jSimpleRnn extends Dl4jRnnPlugin implements OwnCallTiming {

    /** The plugin id. */
    public static final String ID = "dl4j";

    public Dl4jSimpleRnn() {
        super(Dl4jRecurrentLayer.SIMPLE_RNN, ID, "Deeplearning4j SimpleRnn",
                withCommonCapabilities(Capability.TANH, Capability.SIGMOID, Capability.RELU, Capability.IDENTITY));
    }

    @Override
    public OwnCallTimes timeOwnCalls(ModelSpec spec, Parameters parameters, Batch batch, TimedCall call, int warmUps,
                                     int repetitions) {
        return Dl4jOwnCallTimer.time(recurrentLayer(), spec, parameters, batch, call, warmUps, repetitions);
    }
}
