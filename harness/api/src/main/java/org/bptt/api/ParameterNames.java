package org.bptt.api;

import java.util.List;

/**
 * The parameter names of the naming scheme (see the package documentation), owned here so that code reading a
 * particular parameter names it by a constant, never by a string literal of its own.
 */
public final class ParameterNames {

    /** The Elman cell's input-to-hidden weights, {@code [H, d]}. */
    public static final String U = "U";
    /** The Elman cell's hidden-to-hidden (recurrent) weights, {@code [H, H]}. */
    public static final String W = "W";
    /** The Elman cell's hidden bias, {@code [H]}; only with biases. */
    public static final String B = "b";
    /** The head's hidden-to-output weights, {@code [K, H]}. */
    public static final String V = "V";
    /** The head's output bias, {@code [K]}; only with biases. */
    public static final String C = "c";

    /**
     * Every name a cell or head can declare, in the order in which models declare them: the cell's, then the
     * head's.
     */
    public static final List<String> ALL = List.of(U, W, B, V, C);

    private ParameterNames() {
    }

    /** True when some cell or head declares a parameter called {@code name}. */
    public static boolean isKnown(String name) {
        return ALL.contains(name);
    }

    /** The position of {@code name} in {@link #ALL}: parameters are kept in this order. */
    static int order(String name) {
        int position = ALL.indexOf(name);
        InvalidInputException.require(position >= 0, "unknown parameter '%s'; the known names are %s", name, ALL);
        return position;
    }
}
