package org.bptt.experiments.decay;

import org.bptt.api.Activation;

/**
 * The vanishing-gradient bound (Bengio, Simard &amp; Frasconi 1994; Pascanu, Mikolov &amp; Bengio 2013) and the rounding
 * allowance with which a measured curve is checked against it.
 *
 * <h2>The bound</h2>
 * With a loss at the last step T−1 only, BPTT passes the gradient back by
 * <pre>
 *   ∂L/∂h_k = Wᵀ (f'(a_{k+1}) ⊙ ∂L/∂h_{k+1}),     so   ‖∂L/∂h_k‖ ≤ γ·σ_max(W) · ‖∂L/∂h_{k+1}‖
 * </pre>
 * with γ = max |f'| ({@link Activation#gamma()}: 1 for tanh, relu and identity, 1/4 for sigmoid). Hence, at lag
 * ℓ = T−1−k,
 * <pre>
 *   ‖∂L/∂h_k‖ / ‖∂L/∂h_{T−1}‖ ≤ (γ·σ_max)^ℓ                         (the Jacobian bound ‖∂h_{T−1}/∂h_k‖ ≤ (γσ_max)^ℓ)
 *   ‖∂L/∂x_k‖ ≤ γ·σ_max(U) · ‖∂L/∂h_k‖ ≤ γ·σ_max(U) · ‖∂L/∂h_{T−1}‖ · (γ·σ_max)^ℓ
 * </pre>
 * Vanishing is guaranteed when γσ_max &lt; 1. The spectral radius ρ ≤ σ_max gives no bound: ρ &gt; 1/γ is only
 * necessary for explosion.
 *
 * <h2>The rounding allowance</h2>
 * The measured ratio is computed in doubles (u = 2⁻⁵³), and so is σ_max. Each backward step is a matrix–vector
 * product of length H, whose computed value differs from the exact one by at most γ_H·|Wᵀ|·|v| ≈ H·u·|Wᵀ|·|v|
 * (Higham, Accuracy and Stability of Numerical Algorithms, §3.5), and ‖|W|‖₂ ≤ √H·‖W‖₂; f', the norms, the division
 * and the singular value decomposition add a few u each. Over ℓ steps the relative errors add up, so a measured
 * point counts as breaking the bound only when
 * <pre>
 *   ratio &gt; (γσ_max)^ℓ · (1 + allowance),     allowance = 4·(ℓ + 1)·(H + 2)·√H·u
 * </pre>
 * (about 9e-11 at ℓ = 1000, H = 32). The comparison is made on logarithms so that a bound far below the smallest
 * double does not underflow. Points whose measured norm is below {@value #SMALLEST_CHECKED} are not checked:
 * there the numbers approach the subnormal range, where rounding is no longer relative.
 */
public final class DecayBound {

    /** u, the unit roundoff of doubles. */
    public static final double UNIT_ROUNDOFF = 0x1p-53;
    /** Norms below this are neither checked nor fitted: within 2⁶⁰ of the subnormal range. */
    public static final double SMALLEST_CHECKED = 1e-290;

    private DecayBound() {
    }

    /** The relative rounding allowance 4·(ℓ + 1)·(H + 2)·√H·u for lag ℓ and hidden size H. */
    public static double allowance(int lag, int hiddenSize) {
        return 4.0 * (lag + 1) * (hiddenSize + 2) * Math.sqrt(hiddenSize) * UNIT_ROUNDOFF;
    }

    /** γ·σ_max, the per-step factor of the bound. */
    public static double factor(Activation activation, double largestSingularValue) {
        return activation.gamma() * largestSingularValue;
    }

    /** ln((γσ_max)^ℓ) = ℓ·ln(γσ_max): finite where the bound itself would underflow or overflow. */
    public static double logBound(double factor, int lag) {
        return lag == 0 ? 0.0 : lag * Math.log(factor);
    }

    /** (γσ_max)^ℓ (0 or ∞ where it leaves the range of doubles). */
    public static double bound(double factor, int lag) {
        return Math.exp(logBound(factor, lag));
    }

    /** Whether a measured value can be checked: finite and at least {@value #SMALLEST_CHECKED}. Zero passes trivially. */
    public static boolean checkable(double measured) {
        return Double.isFinite(measured) && (measured == 0 || measured >= SMALLEST_CHECKED);
    }

    /**
     * measured / bound, computed as exp(ln measured − ln bound) so that neither underflows; 0 for a zero measurement.
     *
     * @param logBound ln of the bound
     */
    public static double ratioToBound(double measured, double logBound) {
        return measured == 0 ? 0.0 : Math.exp(Math.log(measured) - logBound);
    }

    /**
     * Whether {@code measured} (a checkable value) breaks the bound e^{logBound} by more than the allowance for
     * {@code lag} and {@code hiddenSize}.
     */
    public static boolean violates(double measured, double logBound, int lag, int hiddenSize) {
        return measured > 0 && Math.log(measured) - logBound > Math.log1p(allowance(lag, hiddenSize));
    }
}
