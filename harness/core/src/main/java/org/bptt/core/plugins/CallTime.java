package org.bptt.core.plugins;

/**
 * The wall time of a series of plugin calls, added up as they are made (a timed-out call counts its whole timeout).
 * A timing column of reports: not deterministic.
 */
public final class CallTime {

    private long nanos;

    /** Adds one call's wall time. */
    void add(long callNanos) {
        nanos += callNanos;
    }

    /** The total so far, in nanoseconds. */
    public long nanos() {
        return nanos;
    }
}
