package org.bptt.api;

/** Which steps produce a loss, and how the output is squashed. */
public enum Head {
    /** y_t = softmax(o_t) and a cross-entropy term at every (unmasked) step: many-to-many, the language model. */
    PER_STEP_SOFTMAX,
    /** softmax and cross-entropy at each sequence's last (unmasked) step only: many-to-one classification. */
    LAST_STEP_SOFTMAX,
    /** A single output, y = sigmoid(o), with binary cross-entropy at the last step: the sentiment example. K = 1. */
    LAST_STEP_SIGMOID;

    /** True when only the last step of each sequence has a loss term. */
    public boolean lastStepOnly() {
        return this != PER_STEP_SOFTMAX;
    }
}
