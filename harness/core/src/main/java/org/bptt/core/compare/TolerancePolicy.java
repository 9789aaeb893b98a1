package org.bptt.core.compare;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.bptt.api.DataType;
import org.bptt.api.InvalidInputException;
import org.bptt.api.Quantity;

/**
 * How far an implementation's value may be from the oracle's before it counts as a disagreement.
 *
 * <p>For an element with oracle value {@code e} and implementation value {@code a}, with {@code m = max(|e|, |a|)}:
 * <pre>
 *   allowed = max(absolute, relative · m, ulps · ulp_type(m)) · √T
 * </pre>
 * where {@code ulp_type} is the unit in the last place in the data type the implementation computes in (a float32
 * ulp for {@link DataType#FLOAT32}), and T the number of steps.
 *
 * <h2>Why these terms and defaults</h2>
 * <ul>
 *   <li><b>Relative term.</b> The oracle and a correct implementation evaluate the same formulas in different
 *       orders (aggregated vs naive BPTT, BLAS blocking, fused multiply-add), so they differ by rounding. Each
 *       hidden state is a dot product of length d + H, each gradient element a sum over T steps (and B sequences)
 *       of such products: Higham's bound for a sum of n terms is n·u·Σ|x_i|, and typically √n·u·Σ|x_i|.
 *       For doubles (u ≈ 1.1e-16) {@code 1e-9} is about 10^7 u: enough for the lengths used (n ≤ a few thousand)
 *       with a wide margin for cancellation between terms of opposite signs. For float32 (u ≈ 6e-8),
 *       {@code 1e-4} is about 10^3 u, the same reasoning at single precision, where the margin must be smaller to
 *       stay meaningful.</li>
 *   <li><b>Absolute term.</b> Gradient elements that nearly cancel (a sum of terms of size ~1 that comes out near
 *       zero) keep the absolute rounding error of the terms, so a relative test alone would fail them:
 *       {@code 1e-12} for doubles (10^4 u on terms of order one), {@code 1e-6} for float32 (about 16 u).</li>
 *   <li><b>ULP term.</b> The floor of any comparison: {@code 16} ulps. Two correctly rounded evaluations of the
 *       same expression in different orders differ by a few ulps even when nothing cancels.</li>
 *   <li><b>Growth with T.</b> Rounding errors of the T per-step contributions add up; the generated cases keep
 *       ρ(W)·γ below one, so errors carried through the recurrence are damped and do not grow geometrically. The
 *       errors of different steps have no systematic sign, so they grow like a random walk: every term is scaled
 *       by √T (the base values above have the margin for the worst case at small T).</li>
 * </ul>
 * These values come from that reasoning, not from making any particular disagreement pass.
 *
 * @param float64 the terms for {@link DataType#FLOAT64}
 * @param float32 the terms for {@link DataType#FLOAT32}
 */
public record TolerancePolicy(Terms float64, Terms float32) {

    /**
     * The three terms for one data type.
     *
     * @param absolute an absolute error always allowed, ≥ 0
     * @param relative allowed error relative to max(|expected|, |actual|), ≥ 0
     * @param ulps     allowed error in units in the last place of the data type, ≥ 0
     */
    public record Terms(double absolute, double relative, double ulps) {
        public Terms {
            InvalidInputException.require(absolute >= 0 && Double.isFinite(absolute), "absolute tolerance must be finite and ≥ 0, got %s", absolute);
            InvalidInputException.require(relative >= 0 && Double.isFinite(relative), "relative tolerance must be finite and ≥ 0, got %s", relative);
            InvalidInputException.require(ulps >= 0 && Double.isFinite(ulps), "ulp tolerance must be finite and ≥ 0, got %s", ulps);
        }
    }

    public TolerancePolicy {
        Objects.requireNonNull(float64, "float64 terms");
        Objects.requireNonNull(float32, "float32 terms");
    }

    /** Doubles: abs 1e-12, rel 1e-9, 16 ulp; float32: abs 1e-6, rel 1e-4, 16 ulp; all × √T. */
    public static TolerancePolicy defaults() {
        return new TolerancePolicy(new Terms(1e-12, 1e-9, 16), new Terms(1e-6, 1e-4, 16));
    }

    /** This policy with every term of both data types multiplied by {@code factor} (e.g. for a looser run). */
    public TolerancePolicy scaled(double factor) {
        InvalidInputException.require(factor > 0 && Double.isFinite(factor), "tolerance factor must be positive, got %s", factor);
        return new TolerancePolicy(scale(float64, factor), scale(float32, factor));
    }

    private static Terms scale(Terms terms, double factor) {
        return new Terms(terms.absolute() * factor, terms.relative() * factor, terms.ulps() * factor);
    }

    /** The terms for {@code type}. */
    public Terms terms(DataType type) {
        return type == DataType.FLOAT32 ? float32 : float64;
    }

    /**
     * The absolute error allowed between {@code expected} and {@code actual} for {@code quantity} in a case of
     * {@code steps} steps computed in {@code type}. Every quantity uses the same terms today; the parameter lets a
     * policy treat quantities differently later.
     */
    public double allowed(Quantity quantity, DataType type, int steps, double expected, double actual) {
        Terms terms = terms(type);
        double magnitude = Math.max(Math.abs(expected), Math.abs(actual));
        double bound = Math.max(terms.absolute(), Math.max(terms.relative() * magnitude, terms.ulps() * ulp(type, magnitude)));
        return bound * stepFactor(steps);
    }

    /** √T (at least 1): how the allowance grows with the number of steps. */
    public static double stepFactor(int steps) {
        return Math.sqrt(Math.max(1, steps));
    }

    /** The unit in the last place of {@code value} in {@code type}. */
    public static double ulp(DataType type, double value) {
        return type == DataType.FLOAT32 ? Math.ulp((float) value) : Math.ulp(value);
    }

    /** The policy as key/value text for reports and provenance, in a stable order. */
    public Map<String, String> describe() {
        Map<String, String> description = new LinkedHashMap<>();
        description.put("formula", "max(abs, rel*max(|e|,|a|), ulps*ulp(max(|e|,|a|))) * sqrt(T)");
        for (DataType type : DataType.values()) {
            Terms terms = terms(type);
            String prefix = type.name().toLowerCase(Locale.ROOT);
            description.put(prefix + ".abs", Double.toString(terms.absolute()));
            description.put(prefix + ".rel", Double.toString(terms.relative()));
            description.put(prefix + ".ulps", Double.toString(terms.ulps()));
        }
        return description;
    }
}
