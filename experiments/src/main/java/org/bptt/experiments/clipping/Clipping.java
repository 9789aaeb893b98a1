package org.bptt.experiments.clipping;

import java.util.Locale;
import org.bptt.api.InvalidInputException;
import org.bptt.api.Parameters;

/**
 * A clipping rule, as a value: a method and its threshold. Written {@code none}, {@code norm:5},
 * {@code value:0.5}, {@code layer-norm:5} or {@code parameter-norm:5} on command lines and in tables.
 *
 * @param method    how to clip
 * @param threshold the threshold (ignored for {@link Method#NONE})
 */
public record Clipping(Method method, double threshold) {

    /** The clipping methods of {@link GradientClipping}. */
    public enum Method {
        /** No clipping. */
        NONE("none"),
        /** {@link GradientClipping#byGlobalNorm}. */
        GLOBAL_NORM("norm"),
        /** {@link GradientClipping#byValue}. */
        VALUE("value"),
        /** {@link GradientClipping#byGroupNorm} with {@link GradientClipping#LAYERS}: DL4J's ClipL2PerLayer. */
        LAYER_NORM("layer-norm"),
        /** {@link GradientClipping#byGroupNorm} with {@link GradientClipping#EACH_PARAMETER}: DL4J's ClipL2PerParamType. */
        PARAMETER_NORM("parameter-norm");

        private final String label;

        Method(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public Clipping {
        InvalidInputException.require(method != null, "clipping method must be given");
        InvalidInputException.require(method == Method.NONE || (threshold > 0 && Double.isFinite(threshold)),
                "clipping threshold must be positive and finite, got %s", threshold);
        if (method == Method.NONE) {
            threshold = 0;
        }
    }

    public static Clipping none() {
        return new Clipping(Method.NONE, 0);
    }

    public static Clipping globalNorm(double threshold) {
        return new Clipping(Method.GLOBAL_NORM, threshold);
    }

    public static Clipping value(double threshold) {
        return new Clipping(Method.VALUE, threshold);
    }

    /** The clipped gradient: a new object, or {@code gradient} itself for {@link Method#NONE}; {@code gradient} is never modified. */
    public Parameters apply(Parameters gradient) {
        return switch (method) {
            case NONE -> gradient;
            case GLOBAL_NORM -> GradientClipping.byGlobalNorm(gradient, threshold);
            case VALUE -> GradientClipping.byValue(gradient, threshold);
            case LAYER_NORM -> GradientClipping.byGroupNorm(gradient, threshold, GradientClipping.LAYERS);
            case PARAMETER_NORM -> GradientClipping.byGroupNorm(gradient, threshold, GradientClipping.EACH_PARAMETER);
        };
    }

    /** {@code none}, or the method's label and the threshold, e.g. {@code norm:5.0}. */
    public String label() {
        return method == Method.NONE ? "none" : method.label() + ":" + threshold;
    }

    @Override
    public String toString() {
        return label();
    }

    /**
     * Parses {@code none} or {@code <method>:<threshold>}, e.g. {@code norm:5}.
     *
     * @throws InvalidInputException naming the text and the accepted forms
     */
    public static Clipping parse(String text) {
        String trimmed = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (trimmed.equals("none")) {
            return none();
        }
        int colon = trimmed.indexOf(':');
        String accepted = "expected none, norm:<t>, value:<t>, layer-norm:<t> or parameter-norm:<t> with t > 0";
        InvalidInputException.require(colon > 0, "clipping '%s' is not understood; %s", text, accepted);
        String name = trimmed.substring(0, colon);
        double threshold;
        try {
            threshold = Double.parseDouble(trimmed.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new InvalidInputException("clipping '" + text + "' has no number after ':'; " + accepted);
        }
        for (Method method : Method.values()) {
            if (method != Method.NONE && method.label().equals(name)) {
                return new Clipping(method, threshold);
            }
        }
        throw new InvalidInputException("clipping method '" + name + "' is unknown; " + accepted);
    }
}
