package org.bptt.api;

import java.util.EnumSet;
import java.util.Set;

/**
 * What an implementation can do. A case that needs a capability an implementation lacks is skipped with the
 * reason, never failed and never silently passed. Optional outputs ({@link #INPUT_GRADIENTS},
 * {@link #INITIAL_STATE_GRADIENTS}, {@link #HIDDEN_STATE_GRADIENTS}, {@link #HIDDEN_STATES}) are compared only when
 * offered.
 */
public enum Capability {
    TANH, SIGMOID, RELU, IDENTITY,
    PER_STEP_SOFTMAX, LAST_STEP_SOFTMAX, LAST_STEP_SIGMOID,
    /** Biases b and c are trained. */
    BIASES,
    /** The model has no biases at all. */
    NO_BIASES,
    /** Sequences of different lengths in one batch. */
    MASKS,
    /** A given initial state h_{-1}. */
    INITIAL_STATE,
    FLOAT64, FLOAT32,
    /** Returns hidden states h_t in {@link ForwardResult}. */
    HIDDEN_STATES,
    /** Returns dL/dx_t. */
    INPUT_GRADIENTS,
    /** Returns dL/dh_{-1}. */
    INITIAL_STATE_GRADIENTS,
    /** Returns dL/dh_t (the total gradient reaching each hidden state, from its own loss and from the future). */
    HIDDEN_STATE_GRADIENTS,
    /** Implements {@link RnnImplementation#truncatedGradients}. */
    TRUNCATED_BPTT;

    /** The capabilities a case needs before an implementation may run it at all. */
    public static Set<Capability> requiredBy(ModelSpec spec, Batch batch) {
        Set<Capability> required = EnumSet.noneOf(Capability.class);
        required.add(valueOf(spec.activation().name()));
        required.add(valueOf(spec.head().name()));
        required.add(spec.biases() ? BIASES : NO_BIASES);
        required.add(spec.dataType() == DataType.FLOAT32 ? FLOAT32 : FLOAT64);
        if (batch.mask() != null) {
            required.add(MASKS);
        }
        if (batch.initialState() != null) {
            required.add(INITIAL_STATE);
        }
        return required;
    }
}
