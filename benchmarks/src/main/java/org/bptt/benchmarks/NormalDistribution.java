package org.bptt.benchmarks;

/**
 * The standard normal distribution's upper tail, Q(z) = P(Z &gt; z) = erfc(z/√2)/2, to about 1e-15 relative: erfc
 * through the regularized incomplete gamma function, erfc(x) = Q(½, x²) for x ≥ 0, by its series below x² &lt; 1.5 and
 * its continued fraction (modified Lentz) above (Numerical Recipes, 3rd ed., §6.2).
 */
final class NormalDistribution {

    /** log Γ(½) = log √π. */
    private static final double LOG_GAMMA_HALF = 0.5 * Math.log(Math.PI);
    private static final double EPSILON = 1e-16;
    private static final int MAX_TERMS = 10_000;

    private NormalDistribution() {
    }

    /** P(Z &gt; z) for a standard normal Z. */
    static double upperTail(double z) {
        if (Double.isNaN(z)) {
            return Double.NaN;
        }
        return 0.5 * erfc(z / Math.sqrt(2));
    }

    /** The complementary error function. */
    static double erfc(double x) {
        if (x < 0) {
            return 2 - erfc(-x);
        }
        double a = x * x;
        if (a == 0) {
            return 1;
        }
        return a < 1.5 ? 1 - lowerGammaSeries(a) : upperGammaContinuedFraction(a);
    }

    /** P(½, a) by its series Σ a^k / (½ (½+1) … (½+k)), times e^(−a) a^½ / Γ(½). */
    private static double lowerGammaSeries(double a) {
        double denominator = 0.5;
        double term = 1 / denominator;
        double sum = term;
        for (int k = 1; k < MAX_TERMS; k++) {
            denominator += 1;
            term *= a / denominator;
            sum += term;
            if (Math.abs(term) < Math.abs(sum) * EPSILON) {
                break;
            }
        }
        return sum * Math.exp(-a + 0.5 * Math.log(a) - LOG_GAMMA_HALF);
    }

    /** Q(½, a) by its continued fraction, evaluated with the modified Lentz method. */
    private static double upperGammaContinuedFraction(double a) {
        double tiny = 1e-300;
        double b = a + 1 - 0.5;
        double c = 1 / tiny;
        double d = 1 / b;
        double h = d;
        for (int i = 1; i < MAX_TERMS; i++) {
            double an = -i * (i - 0.5);
            b += 2;
            d = an * d + b;
            if (Math.abs(d) < tiny) {
                d = tiny;
            }
            c = b + an / c;
            if (Math.abs(c) < tiny) {
                c = tiny;
            }
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.abs(delta - 1) < EPSILON) {
                break;
            }
        }
        return Math.exp(-a + 0.5 * Math.log(a) - LOG_GAMMA_HALF) * h;
    }
}
