package org.bptt.api;

import java.util.Objects;

/**
 * What one computation gives on one case: an implementation's answer, the oracle's exact values, or what a model of
 * a wrong computation ({@link WrongComputation}) predicts.
 *
 * @param forward   the forward pass, or null for truncated BPTT (which has the gradients alone)
 * @param gradients the loss and its gradients (full or truncated BPTT)
 */
public record Results(ForwardResult forward, GradientResult gradients) {

    public Results {
        Objects.requireNonNull(gradients, "gradients");
    }

    /** True for truncated BPTT's results, which have no forward pass. */
    public boolean truncated() {
        return forward == null;
    }
}
