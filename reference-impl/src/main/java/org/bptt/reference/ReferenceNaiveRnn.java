package org.bptt.reference;

import org.bptt.api.Batch;
import org.bptt.api.GradientResult;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.Truncation;

/**
 * The reference plugin {@value #ID}: full and truncated BPTT by {@link NaiveBptt}, O(T²) per sequence, for the Elman
 * cell, the GRU and the LSTM.
 */
public final class ReferenceNaiveRnn extends ReferencePlugin {

    public static final String ID = "reference-naive";

    public ReferenceNaiveRnn() {
        super(ID, "Reference Elman RNN, GRU and LSTM, naive BPTT O(T²)",
                "Hand-written Elman RNN, GRU and LSTM on EJML (double); every loss term is backpropagated on its own"
                        + " to step 0.",
                true, true);
    }

    @Override
    public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
        return NaiveBptt.gradients(spec, parameters, batch, new StepBackpropCounter());
    }

    @Override
    public GradientResult truncatedGradients(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation) {
        return NaiveBptt.truncatedGradients(spec, parameters, batch, truncation, new StepBackpropCounter());
    }
}
