package org.bptt.benchmarks;

import java.util.Locale;

/** What one benchmark call computes. */
public enum Mode {
    /** {@code RnnImplementation.forward}: hidden states, outputs and the loss. */
    FORWARD("forward"),
    /** {@code RnnImplementation.gradients}: the loss and every parameter gradient (and what else the plugin returns). */
    FORWARD_BACKWARD("forwardBackward");

    private final String benchmarkMethod;

    Mode(String benchmarkMethod) {
        this.benchmarkMethod = benchmarkMethod;
    }

    /** The name of the {@link RnnBenchmark} method that measures it. */
    public String benchmarkMethod() {
        return benchmarkMethod;
    }

    /** {@code forward} or {@code forward+backward}, as tables print it. */
    public String label() {
        return this == FORWARD ? "forward" : "forward+backward";
    }

    /** The mode of a {@link RnnBenchmark} method name (simple or fully qualified). */
    public static Mode ofBenchmarkMethod(String name) {
        String method = name.substring(name.lastIndexOf('.') + 1);
        for (Mode mode : values()) {
            if (mode.benchmarkMethod.equals(method)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("no mode for benchmark method '" + name + "'");
    }

    /** Parses {@code forward} or {@code forward+backward} (also {@code forwardBackward}, any case). */
    public static Mode parse(String text) {
        String normalized = text.trim().toLowerCase(Locale.ROOT);
        for (Mode mode : values()) {
            if (mode.label().equals(normalized) || mode.benchmarkMethod.toLowerCase(Locale.ROOT).equals(normalized)) {
                return mode;
            }
        }
        throw new org.bptt.api.InvalidInputException("unknown mode '" + text + "'; expected forward or forward+backward");
    }
}
