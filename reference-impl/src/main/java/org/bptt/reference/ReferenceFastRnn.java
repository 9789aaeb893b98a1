package org.bptt.reference;

import java.util.EnumSet;
import org.bptt.api.Batch;
import org.bptt.api.Capability;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;

/**
 * The reference plugin {@value #ID}: the aggregated BPTT of {@link ReferenceAggregatedRnn} for the Elman cell and the
 * LSTM, written for speed by {@link FastAggregatedBptt} (vectorised products, the batch's sequences on all cores). It
 * computes the same quantities as the readable reference (tested against it on every model variant) and is what the
 * benchmarks compare with other libraries' speed and what trains the reproductions' cells; the readable one stays the
 * oracle. No truncated BPTT, no GRU, one layer in one direction.
 */
public final class ReferenceFastRnn extends ReferencePlugin {

    public static final String ID = "reference-fast";

    public ReferenceFastRnn() {
        super(ID, "Reference Elman RNN and LSTM, aggregated BPTT O(T), fast kernels",
                "The reference's aggregated BPTT on plain arrays with vectorised, cache-blocked products, the batch's"
                        + " sequences on all cores; checked against reference-aggregated. Elman cell and LSTM, one layer.",
                false, EnumSet.of(Capability.LSTM, Capability.LSTM_PEEPHOLES, Capability.TWO_BIASES,
                        Capability.INITIAL_CELL_STATE, Capability.INITIAL_CELL_STATE_GRADIENTS, Capability.CELL_STATES));
    }

    @Override
    public ForwardResult forward(ModelSpec spec, Parameters parameters, Batch batch) {
        return new FastAggregatedBptt(spec, parameters).forward(batch);
    }

    @Override
    public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
        return new FastAggregatedBptt(spec, parameters).gradients(batch);
    }
}
