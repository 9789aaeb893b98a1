package org.bptt.experiments.decay;

/**
 * The per-step decay rate of a curve: the least-squares fit of ln(value) = a + ℓ·ln(rate) over lags ℓ = 0, 1, …
 * while the value is finite and at least {@link DecayBound#SMALLEST_CHECKED}. A rate below one means the gradient
 * vanishes geometrically, above one that it grows. A zero (a relu network whose units are all off at one step cuts
 * the gradient off exactly) ends the fitted range.
 */
public final class DecayRate {

    private DecayRate() {
    }

    /**
     * The fitted rate of {@code valuesByLag} (index = lag), or NaN when fewer than two leading lags can be fitted.
     */
    public static double fit(double[] valuesByLag) {
        int count = fittableLags(valuesByLag);
        if (count < 2) {
            return Double.NaN;
        }
        double meanLag = (count - 1) / 2.0;
        double meanLog = 0;
        for (int lag = 0; lag < count; lag++) {
            meanLog += Math.log(valuesByLag[lag]);
        }
        meanLog /= count;
        double covariance = 0;
        double variance = 0;
        for (int lag = 0; lag < count; lag++) {
            double centredLag = lag - meanLag;
            covariance += centredLag * (Math.log(valuesByLag[lag]) - meanLog);
            variance += centredLag * centredLag;
        }
        return Math.exp(covariance / variance);
    }

    /** How many leading lags can be fitted: finite, positive and at least {@link DecayBound#SMALLEST_CHECKED}. */
    public static int fittableLags(double[] valuesByLag) {
        int count = 0;
        while (count < valuesByLag.length && Double.isFinite(valuesByLag[count])
                && valuesByLag[count] >= DecayBound.SMALLEST_CHECKED) {
            count++;
        }
        return count;
    }
}
