package org.bptt.reference;

import org.bptt.api.Batch;
import org.bptt.api.GradientResult;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.Truncation;

/**
 * The reference plugin {@value #ID}: full and truncated BPTT by {@link AggregatedBptt}, O(T) per sequence, for the
 * Elman cell, the GRU and the LSTM.
 */
public final class ReferenceAggregatedRnn extends ReferencePlugin {

    public static final String ID = "reference-aggregated";

    public ReferenceAggregatedRnn() {
        super(ID, "Reference Elman RNN, GRU and LSTM, aggregated BPTT O(T)",
                "Hand-written Elman RNN, GRU and LSTM on EJML (double); one backward sweep aggregates every loss term's"
                        + " gradient.",
                true, true);
    }

    @Override
    public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
        return AggregatedBptt.gradients(spec, parameters, batch, new StepBackpropCounter());
    }

    @Override
    public GradientResult truncatedGradients(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation) {
        return AggregatedBptt.truncatedGradients(spec, parameters, batch, truncation, new StepBackpropCounter());
    }
}
