package org.bptt.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import org.bptt.api.GradientResult;
import org.bptt.api.ParameterNames;
import org.bptt.api.Tensor;

/** Elementwise comparisons that name the tensor, the index, both values and the error when they fail. */
final class TensorAssertions {

    private TensorAssertions() {
    }

    /**
     * Asserts |actual − expected| ≤ relative · max(|actual|, |expected|) + floorFactor · scale for every element,
     * where scale is the largest |expected| element of the tensor.
     */
    static void assertClose(String what, Tensor expected, Tensor actual, double relative, double floorFactor) {
        if (expected == null || actual == null) {
            if (expected != actual) {
                fail(what + ": expected " + expected + " but got " + actual);
            }
            return;
        }
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shapes differ");
        double scale = 0;
        for (double value : expected.data()) {
            scale = Math.max(scale, Math.abs(value));
        }
        for (int i = 0; i < expected.length(); i++) {
            double e = expected.data()[i];
            double a = actual.data()[i];
            double error = Math.abs(a - e);
            double allowed = relative * Math.max(Math.abs(a), Math.abs(e)) + floorFactor * scale;
            if (!(error <= allowed)) {
                fail(String.format(Locale.ROOT, "%s%s: expected %.17g but got %.17g (error %.3g, allowed %.3g, scale %.3g)",
                        what, Arrays.toString(expected.indexOf(i)), e, a, error, allowed, scale));
            }
        }
    }

    /** Scalar version of {@link #assertClose(String, Tensor, Tensor, double, double)} with scale |expected|. */
    static void assertClose(String what, double expected, double actual, double relative, double floorFactor) {
        assertClose(what, Tensor.of(new double[] {expected}, 1), Tensor.of(new double[] {actual}, 1), relative, floorFactor);
    }

    /**
     * Compares every part of two gradient results: loss, the parameter gradients, the per-step gradients and the
     * initial states' gradients.
     */
    static void assertSameGradients(String what, GradientResult expected, GradientResult actual, double relative, double floorFactor) {
        assertClose(what + " loss", expected.loss(), actual.loss(), relative, floorFactor);
        // Every bare name, and every layer's and direction's name either result has.
        Set<String> names = new LinkedHashSet<>(ParameterNames.ALL);
        names.addAll(expected.parameterGradients().byName().keySet());
        names.addAll(actual.parameterGradients().byName().keySet());
        for (String name : names) {
            assertClose(what + " dL/d" + name, expected.parameterGradients().get(name), actual.parameterGradients().get(name),
                    relative, floorFactor);
        }
        assertClose(what + " dL/dx", expected.inputGradients(), actual.inputGradients(), relative, floorFactor);
        assertClose(what + " dL/dh_{-1}", expected.initialStateGradients(), actual.initialStateGradients(), relative, floorFactor);
        assertClose(what + " dL/dh", expected.hiddenStateGradients(), actual.hiddenStateGradients(), relative, floorFactor);
        assertClose(what + " dL/dc_{-1}", expected.initialCellStateGradients(), actual.initialCellStateGradients(),
                relative, floorFactor);
    }
}
