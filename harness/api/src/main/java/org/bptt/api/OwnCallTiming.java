package org.bptt.api;

/**
 * Optional, for a benchmark that is fair to the library behind an implementation: an {@link RnnImplementation} that
 * also implements this times the library's own call, the way the library's users call it, without the adapter's
 * conversions or extra passes. {@code bptt bench} then reports that time beside the time through the SPI (the
 * difference is the adapter's overhead). An implementation whose SPI call is already its own (the reference) does
 * not need it.
 *
 * <p>The weights and batch are given once: the implementation may convert them and build what the library needs
 * before it starts timing. Then it makes {@code warmUps} calls it does not time, then {@code repetitions} calls,
 * each timed on its own, and returns the times. Like every plugin call, it must not modify its arguments.
 */
public interface OwnCallTiming {

    /** What one timed call computes. */
    enum TimedCall {
        /** The forward pass: hidden states, outputs and the loss, as the library's users run inference. */
        FORWARD,
        /** The loss and every parameter gradient, as one training step of the library computes them. */
        FORWARD_BACKWARD
    }

    /**
     * Times the library's own {@code call} on this case.
     *
     * @param warmUps     calls made and not timed, at least 0
     * @param repetitions calls timed one by one, at least 1
     * @return the time of each repetition, the threads the library computed with, and how it was called
     */
    OwnCallTimes timeOwnCalls(ModelSpec spec, Parameters parameters, Batch batch, TimedCall call, int warmUps,
                              int repetitions);
}
