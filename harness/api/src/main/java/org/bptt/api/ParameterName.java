package org.bptt.api;

/**
 * Where a parameter sits in a stacked or bidirectional network, read from its name: the naming scheme (package
 * documentation) prefixes a cell's parameter with {@code l<k>.} for layer k and {@code reverse.} after it for the
 * reverse direction; layer 0's forward direction and the head have no prefix. So {@code W_z} is layer 0's forward
 * {@code W_z}, {@code l1.U} layer 1's forward {@code U}, {@code l0.reverse.W} layer 0's reverse {@code W}.
 *
 * @param layer   the layer, counting from 0 at the input; 0 for the head's parameters
 * @param reverse true for the reverse direction of a bidirectional layer
 * @param base    the name the cell or head declares, e.g. {@code W_z} ({@link ParameterNames})
 */
public record ParameterName(int layer, boolean reverse, String base) {

    /** What a layer's prefix starts with. */
    public static final String LAYER_PREFIX = "l";
    /** The reverse direction's prefix, after the layer's. */
    public static final String REVERSE = "reverse";

    public ParameterName {
        InvalidInputException.require(layer >= 0, "a layer counts from 0, got %d", layer);
        InvalidInputException.require(base != null && ParameterNames.ALL.contains(base),
                "unknown parameter '%s'; the known names are %s, with a prefix l<k>. and reverse. for where a layer's parameter sits",
                base, ParameterNames.ALL);
        InvalidInputException.require(!isHead(base) || (layer == 0 && !reverse),
                "the head's %s has no layer or direction: there is one head per network", base);
    }

    /** The parameter {@code base} of layer {@code layer}, in the reverse direction when {@code reverse}. */
    public static ParameterName of(int layer, boolean reverse, String base) {
        return new ParameterName(layer, reverse, base);
    }

    /**
     * Reads a name of the scheme.
     *
     * @throws InvalidInputException for a name outside the scheme, naming the known names
     */
    public static ParameterName parse(String name) {
        InvalidInputException.require(name != null, "a parameter name must be given");
        String rest = name;
        int layer = 0;
        boolean prefixed = false;
        if (rest.startsWith(LAYER_PREFIX) && rest.indexOf('.') > LAYER_PREFIX.length()) {
            String digits = rest.substring(LAYER_PREFIX.length(), rest.indexOf('.'));
            InvalidInputException.require(digits.chars().allMatch(Character::isDigit) && (digits.equals("0") || !digits.startsWith("0")),
                    "unknown parameter '%s': a layer's prefix is l<k>. with k = 0, 1, 2, ...", name);
            layer = Integer.parseInt(digits);
            rest = rest.substring(rest.indexOf('.') + 1);
            prefixed = true;
        }
        boolean reverse = rest.startsWith(REVERSE + ".");
        if (reverse) {
            InvalidInputException.require(prefixed, "unknown parameter '%s': the reverse direction's prefix follows a layer's, e.g. l0.reverse.W", name);
            rest = rest.substring(REVERSE.length() + 1);
        }
        InvalidInputException.require(ParameterNames.ALL.contains(rest),
                "unknown parameter '%s'; the known names are %s, with a prefix l<k>. and reverse. for where a layer's parameter sits (e.g. l1.W, l0.reverse.U)",
                name, ParameterNames.ALL);
        // One spelling per parameter: layer 0's forward direction is written bare, never "l0.W".
        InvalidInputException.require(!prefixed || layer > 0 || reverse,
                "unknown parameter '%s': layer 0's forward parameters have no prefix, write '%s'", name, rest);
        return new ParameterName(layer, reverse, rest);
    }

    /** True when {@code name} is a name of the scheme. */
    public static boolean isValid(String name) {
        try {
            parse(name);
            return true;
        } catch (InvalidInputException notInScheme) {
            return false;
        }
    }

    /** True for the head's parameters ({@code V}, {@code c}), which have no layer or direction. */
    public boolean head() {
        return isHead(base);
    }

    private static boolean isHead(String base) {
        return base.equals(ParameterNames.V) || base.equals(ParameterNames.C);
    }

    /** Where the parameter sits, in words: {@code layer 1, reverse direction}, {@code layer 0, forward direction}, {@code head}. */
    public String where() {
        return head() ? "head" : "layer " + layer + ", " + (reverse ? "reverse" : "forward") + " direction";
    }

    /** The name in the scheme, e.g. {@code l1.reverse.W_z}. */
    @Override
    public String toString() {
        if (layer == 0 && !reverse) {
            return base;
        }
        return LAYER_PREFIX + layer + "." + (reverse ? REVERSE + "." : "") + base;
    }
}
