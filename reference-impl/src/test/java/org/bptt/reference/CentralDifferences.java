package org.bptt.reference;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.DoubleSupplier;
import org.bptt.api.Tensor;

/**
 * Central differences of a loss, (L(v + ε) − L(v − ε)) / 2ε, against an analytic gradient, element by element: an
 * oracle that shares nothing with backpropagation but the forward pass.
 */
final class CentralDifferences {

    private CentralDifferences() {
    }

    /**
     * Perturbs each element of {@code variable} in place by ±{@code epsilon} (restoring it after) and asserts
     * |difference − analytic| ≤ relative · max(|difference|, |analytic|) + absolute for each.
     *
     * @param loss the loss, evaluated with {@code variable} as it currently is
     * @return how many of the elements compared had a non-zero gradient (an all-zero comparison checks little)
     */
    static int compare(String what, Tensor variable, Tensor gradient, DoubleSupplier loss, double epsilon,
                        double relative, double absolute) {
        int checked = 0;
        for (int i = 0; i < variable.length(); i++) {
            double original = variable.data()[i];
            variable.data()[i] = original + epsilon;
            double plus = loss.getAsDouble();
            variable.data()[i] = original - epsilon;
            double minus = loss.getAsDouble();
            variable.data()[i] = original;
            double difference = (plus - minus) / (2 * epsilon);
            double analytic = gradient.data()[i];
            double allowed = relative * Math.max(Math.abs(difference), Math.abs(analytic)) + absolute;
            if (!(Math.abs(difference - analytic) <= allowed)) {
                fail(String.format(Locale.ROOT, "%s%s: central difference %.12g, BPTT %.12g (error %.3g, allowed %.3g)",
                        what, Arrays.toString(gradient.indexOf(i)), difference, analytic,
                        Math.abs(difference - analytic), allowed));
            }
            checked += analytic != 0 ? 1 : 0;
        }
        return checked;
    }
}
