package org.bptt.reference;

/**
 * Counts step-backprops: applications of {@link StepBackprop#backward}, the chain rule through one step of the
 * recurrence. Full BPTT of a sequence of T steps with a loss at every step costs T of them when aggregated and
 * T(T+1)/2 when every loss term is backpropagated on its own. Not thread-safe: one counter per call.
 */
public final class StepBackpropCounter {

    private long count;

    /** Records one more step-backprop. */
    void increment() {
        count++;
    }

    /** The number of step-backprops recorded so far. */
    public long count() {
        return count;
    }
}
