package org.bptt.api;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One parameter a model declares: its name in the naming scheme (see the package documentation), its shape in the
 * equations' orientation, and what it is. A cell declares its own parameters and the head declares the output
 * layer's; a parameter that a spec leaves out (the biases of a model without biases) is not declared at all.
 *
 * @param name       the parameter's name, e.g. {@code U}
 * @param dimensions the symbols of the shape's dimensions, e.g. {@code [H, d]}, for messages
 * @param shape      the sizes of those dimensions under the spec
 * @param meaning    what the parameter is, in a few words, e.g. {@code input-to-hidden weights}
 */
public record ParameterDeclaration(String name, List<String> dimensions, int[] shape, String meaning) {

    public ParameterDeclaration {
        InvalidInputException.require(name != null && !name.isBlank(), "a parameter declaration needs a name");
        InvalidInputException.require(dimensions != null && shape != null && dimensions.size() == shape.length,
                "parameter %s: %s dimension symbols for the shape %s", name, dimensions, Arrays.toString(shape));
        InvalidInputException.require(meaning != null, "parameter %s: the meaning must be given", name);
        dimensions = List.copyOf(dimensions);
        shape = shape.clone();
    }

    /**
     * This cell parameter as layer {@code layer}'s, in the reverse direction when {@code reverse}: named as
     * {@link ParameterName} says ({@code l1.reverse.W}), with where it sits added to its meaning. Layer 0's
     * forward direction is this declaration itself.
     */
    public ParameterDeclaration at(int layer, boolean reverse) {
        if (layer == 0 && !reverse) {
            return this;
        }
        ParameterName placed = ParameterName.of(layer, reverse, name);
        return new ParameterDeclaration(placed.toString(), dimensions, shape, meaning + " (" + placed.where() + ")");
    }

    /** The shape in symbols, e.g. {@code [H, d]}. */
    public String layout() {
        return dimensions.toString();
    }

    /** Each distinct symbol with its size, in the order of the shape, e.g. {@code H=8, d=4}. */
    public String sizes() {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (int i = 0; i < shape.length; i++) {
            sizes.putIfAbsent(dimensions.get(i), shape[i]);
        }
        return sizes.entrySet().stream().map(entry -> entry.getKey() + "=" + entry.getValue())
                .collect(Collectors.joining(", "));
    }

    /** The shape; a copy, so that the declaration stays as declared. */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ParameterDeclaration that && name.equals(that.name) && dimensions.equals(that.dimensions)
                && Arrays.equals(shape, that.shape) && meaning.equals(that.meaning);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * name.hashCode() + dimensions.hashCode()) + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + layout() + " = " + Arrays.toString(shape) + " (" + meaning + ")";
    }
}
