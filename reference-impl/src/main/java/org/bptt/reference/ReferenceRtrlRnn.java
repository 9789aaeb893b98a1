package org.bptt.reference;

import org.bptt.api.Batch;
import org.bptt.api.GradientResult;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;

/**
 * The reference plugin {@value #ID}: exact gradients of the Elman cell by forward-mode sensitivities
 * ({@link RealTimeRecurrentLearning}).
 * Its cost grows as T²·H³ for the input and hidden-state gradients: for small cases only.
 */
public final class ReferenceRtrlRnn extends ReferencePlugin {

    public static final String ID = "reference-rtrl";

    public ReferenceRtrlRnn() {
        super(ID, "Reference Elman RNN, real-time recurrent learning (forward mode)",
                "Hand-written Elman RNN on EJML (double); carries the sensitivities dh_t/dθ forward in time (small cases only).",
                false, false);
    }

    @Override
    public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
        return RealTimeRecurrentLearning.gradients(spec, parameters, batch);
    }
}
