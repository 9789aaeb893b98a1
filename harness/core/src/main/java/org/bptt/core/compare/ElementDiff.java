package org.bptt.core.compare;

import java.util.Locale;
import org.bptt.api.Quantity;

/**
 * One element of one compared tensor.
 *
 * @param quantity  the compared quantity, e.g. {@code dL/dW}
 * @param index     the element's index in the tensor, e.g. {@code [b=0, t=2, i=1]} or {@code [row=3, col=0]}
 * @param expected  the oracle's value
 * @param actual    the implementation's value
 * @param absError  |actual − expected|
 * @param relError  |actual − expected| / max(|expected|, |actual|), 0 when both are 0
 * @param ulpError  the distance in units in the last place of the data type compared
 * @param allowed   the absolute error the tolerance policy allows at this element
 */
public record ElementDiff(Quantity quantity, String index, double expected, double actual, double absError,
                          double relError, double ulpError, double allowed) {

    /**
     * A whole tensor that could not be compared element by element (wrong shape, missing). Its {@link #index()}
     * holds the problem in words, e.g. {@code "has shape [3, 4], expected [4, 4]"}; values are NaN and errors
     * infinite, so it always fails.
     */
    public static ElementDiff malformed(Quantity quantity, String problem) {
        return new ElementDiff(quantity, problem, Double.NaN, Double.NaN, Double.POSITIVE_INFINITY,
                Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, 0);
    }

    /** True for a {@link #malformed} tensor rather than one element. */
    public boolean isMalformed() {
        return Double.isNaN(expected) && Double.isNaN(actual) && !index.isEmpty() && !index.startsWith("[");
    }

    /** How far past its allowance this element is: ≤ 1 passes. */
    public double errorRatio() {
        return allowed > 0 ? absError / allowed : (absError == 0 ? 0 : Double.POSITIVE_INFINITY);
    }

    /** True when the error is finite and within the allowance. */
    public boolean passed() {
        return Double.isFinite(absError) && absError <= allowed;
    }

    /**
     * One line for a report, e.g.
     * {@code dL/dW[row=1, col=3]: expected 0.123, actual 0.125, abs 2.0e-03, rel 1.6e-02, 3.2e+12 ulp (allowed 1.2e-10)}.
     * Values are printed in full (shortest exact decimal) so that tiny differences stay visible.
     */
    public String describe() {
        if (isMalformed()) {
            return quantity + " " + index;
        }
        if (!Double.isFinite(actual)) {
            return String.format(Locale.ROOT, "%s%s: expected %s, actual %s (not finite)", quantity, index, expected, actual);
        }
        return String.format(Locale.ROOT, "%s%s: expected %s, actual %s, abs %.1e, rel %.1e, %.1e ulp (allowed %.1e)",
                quantity, index, expected, actual, absError, relError, ulpError, allowed);
    }
}
