package org.bptt.dl4j;

import org.bptt.api.Batch;
import org.bptt.api.ModelSpec;
import org.bptt.api.OwnCallTiming.TimedCall;
import org.bptt.api.OwnCallTimes;
import org.bptt.api.Parameters;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Times DL4J's own calls the way a DL4J user makes them, for {@code bptt bench}: one network built and given the
 * case's weights and batch before the clock starts, then per repetition either the forward pass through
 * {@code MultiLayerNetwork.output(features, false, featureMask, labelMask)} (inference) or one
 * {@code computeGradientAndScore()} (what {@code fit} does per step before its updater). None of the adapter's work
 * is timed: no conversion of the weights or the batch, no reading the results back, and not the adapter's second
 * pass for dL/dx ({@code calculateGradients}), which a training step does not make.
 */
final class Dl4jOwnCallTimer {

    private Dl4jOwnCallTimer() {
    }

    /**
     * Times {@code call} on a network with {@code recurrentLayer}: {@code warmUps} untimed calls, then
     * {@code repetitions} calls timed one by one with {@link System#nanoTime}. Not modified: the arguments.
     */
    static OwnCallTimes time(Dl4jRecurrentLayer recurrentLayer, ModelSpec spec, Parameters parameters, Batch batch,
                             TimedCall call, int warmUps, int repetitions) {
        if (warmUps < 0 || repetitions < 1) {
            throw new IllegalArgumentException("dl4j own-call timing needs warmUps >= 0 and repetitions >= 1, got "
                    + warmUps + " and " + repetitions);
        }
        DataType type = Dl4jNetwork.nd4jType(spec.dataType());
        Dl4jRnnPlugin.DefaultDataTypes previousTypes = Dl4jRnnPlugin.DefaultDataTypes.use(type);
        try {
            MultiLayerNetwork network = Dl4jNetwork.build(Dl4jNetwork.Key.of(recurrentLayer, spec, null));
            Dl4jNetwork.setParameters(network, recurrentLayer, spec, parameters);
            Dl4jBatch data = Dl4jBatch.of(spec, batch, type);
            Runnable oneCall = call == TimedCall.FORWARD
                    ? () -> network.output(data.features(), false, data.featureMask(), data.labelMask())
                    : () -> {
                        network.setInput(data.features());
                        network.setLabels(data.labels());
                        network.setLayerMaskArrays(data.featureMask(), data.labelMask());
                        network.computeGradientAndScore();
                    };
            for (int i = 0; i < warmUps; i++) {
                oneCall.run();
            }
            long[] nanos = new long[repetitions];
            for (int i = 0; i < repetitions; i++) {
                long start = System.nanoTime();
                oneCall.run();
                nanos[i] = Math.max(1, System.nanoTime() - start);
            }
            String how = call == TimedCall.FORWARD ? "MultiLayerNetwork.output(features, false, featureMask, labelMask)"
                    : "MultiLayerNetwork.computeGradientAndScore()";
            return new OwnCallTimes(nanos, Math.max(1, Nd4j.getEnvironment().maxMasterThreads()), how);
        } finally {
            previousTypes.restore();
        }
    }
}
