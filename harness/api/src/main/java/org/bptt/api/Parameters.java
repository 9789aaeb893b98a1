package org.bptt.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The weights of an Elman RNN, in the equations' orientation. The same record carries gradients dL/dθ, which have
 * the parameters' shapes.
 *
 * @param U input-to-hidden, {@code [H, d]}
 * @param W hidden-to-hidden (recurrent), {@code [H, H]}
 * @param b hidden bias, {@code [H]}; null when the spec has no biases
 * @param V hidden-to-output, {@code [K, H]}
 * @param c output bias, {@code [K]}; null when the spec has no biases
 */
@SuppressWarnings("checkstyle:ParameterName") // the equations' names
public record Parameters(Tensor U, Tensor W, Tensor b, Tensor V, Tensor c) {

    /** The names of the parameters in a stable order: U, W, b, V, c. */
    public static final java.util.List<String> NAMES = java.util.List.of("U", "W", "b", "V", "c");

    /** All-zero parameters (or gradient accumulators) for {@code spec}. */
    public static Parameters zeros(ModelSpec spec) {
        int d = spec.inputSize();
        int h = spec.hiddenSize();
        int k = spec.outputSize();
        return new Parameters(Tensor.zeros(h, d), Tensor.zeros(h, h), spec.biases() ? Tensor.zeros(h) : null,
                Tensor.zeros(k, h), spec.biases() ? Tensor.zeros(k) : null);
    }

    /** The parameters by name, in the order of {@link #NAMES}, leaving out absent biases. */
    public Map<String, Tensor> byName() {
        Map<String, Tensor> map = new LinkedHashMap<>();
        map.put("U", U);
        map.put("W", W);
        if (b != null) {
            map.put("b", b);
        }
        map.put("V", V);
        if (c != null) {
            map.put("c", c);
        }
        return map;
    }

    /** The parameter called {@code name} (one of {@link #NAMES}), or null when it is absent. */
    public Tensor get(String name) {
        return switch (name) {
            case "U" -> U;
            case "W" -> W;
            case "b" -> b;
            case "V" -> V;
            case "c" -> c;
            default -> throw new InvalidInputException("unknown parameter '" + name + "'; expected one of " + NAMES);
        };
    }

    /** A copy with the parameter called {@code name} replaced. */
    public Parameters with(String name, Tensor value) {
        return switch (name) {
            case "U" -> new Parameters(value, W, b, V, c);
            case "W" -> new Parameters(U, value, b, V, c);
            case "b" -> new Parameters(U, W, value, V, c);
            case "V" -> new Parameters(U, W, b, value, c);
            case "c" -> new Parameters(U, W, b, V, value);
            default -> throw new InvalidInputException("unknown parameter '" + name + "'; expected one of " + NAMES);
        };
    }

    /** A deep copy. */
    public Parameters copy() {
        return new Parameters(U.copy(), W.copy(), b == null ? null : b.copy(), V.copy(), c == null ? null : c.copy());
    }

    /**
     * Checks the shapes against {@code spec} and that every element is finite.
     *
     * @throws InvalidInputException naming the parameter and what is wrong with it
     */
    public void validate(ModelSpec spec) {
        int d = spec.inputSize();
        int h = spec.hiddenSize();
        int k = spec.outputSize();
        InvalidInputException.require(U != null && W != null && V != null, "parameters U, W and V must all be given");
        U.requireShapeAndFinite("U", h, d);
        W.requireShapeAndFinite("W", h, h);
        V.requireShapeAndFinite("V", k, h);
        if (spec.biases()) {
            InvalidInputException.require(b != null && c != null, "the spec has biases but b or c is missing");
            b.requireShapeAndFinite("b", h);
            c.requireShapeAndFinite("c", k);
        } else {
            InvalidInputException.require(b == null && c == null, "the spec has no biases but b or c is given");
        }
    }
}
