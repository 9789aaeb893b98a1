package org.bptt.api;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The hidden-layer nonlinearity f. {@link #gamma()} is γ = max |f'|, the factor in the vanishing-gradient bound
 * ‖∂h_t/∂h_k‖ ≤ (γ·σ_max(W))^(t−k).
 */
public enum Activation {
    /** f(a) = tanh(a), f' = 1 − h². */
    TANH(1.0),
    /** f(a) = 1 / (1 + e^(−a)), f' = h (1 − h). */
    SIGMOID(0.25),
    /** f(a) = max(0, a), f' = 1 where a &gt; 0, else 0 (0 at a = 0). */
    RELU(1.0),
    /** f(a) = a, f' = 1. */
    IDENTITY(1.0);

    private final double gamma;

    Activation(double gamma) {
        this.gamma = gamma;
    }

    /** γ = max over a of |f'(a)|. */
    public double gamma() {
        return gamma;
    }

    /** f(a). */
    public double apply(double preActivation) {
        return switch (this) {
            case TANH -> Math.tanh(preActivation);
            case SIGMOID -> 1.0 / (1.0 + Math.exp(-preActivation));
            case RELU -> preActivation > 0 ? preActivation : 0.0;
            case IDENTITY -> preActivation;
        };
    }

    /** f'(a), written in terms of the output h = f(a), as BPTT uses it. */
    public double derivativeFromOutput(double output) {
        return switch (this) {
            case TANH -> 1.0 - output * output;
            case SIGMOID -> output * (1.0 - output);
            case RELU -> output > 0 ? 1.0 : 0.0;
            case IDENTITY -> 1.0;
        };
    }

    /** Parses a name case-insensitively ("tanh", "RELU"); the error lists the accepted names. */
    public static Activation parse(String name) {
        for (Activation activation : values()) {
            if (activation.name().equalsIgnoreCase(name == null ? "" : name.trim())) {
                return activation;
            }
        }
        throw new InvalidInputException("unknown activation '" + name + "'; expected one of "
                + Arrays.stream(values()).map(a -> a.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
    }
}
