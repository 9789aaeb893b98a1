package org.bptt.experiments.decay;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bptt.api.Activation;
import org.bptt.core.cases.CaseGenerator.Rescaling;
import org.bptt.outputs.Table;

/**
 * What a {@link DecayExperiment} measured: per-lag curves, one summary per implementation × quantity × configuration
 * (with the fitted decay rate and the bound check), the agreement of every other implementation's input-gradient
 * curve with the oracle's, and the problems met (skipped implementations, plugin errors). Plain data; {@link #tables()}
 * turns it into the tables a run writes and {@link DecayCharts} into charts.
 *
 * @param settings    what was run
 * @param oracleId    the implementation whose dL/dh_k gives the hidden-state curves
 * @param curves      per implementation × quantity × configuration × lag
 * @param summaries   per implementation × quantity × configuration
 * @param comparisons per other implementation × configuration
 * @param problems    in the order met
 */
public record DecayResult(DecayExperiment.Settings settings, String oracleId, List<CurvePoint> curves,
                          List<Summary> summaries, List<Comparison> comparisons, List<Problem> problems) {

    public DecayResult {
        curves = List.copyOf(curves);
        summaries = List.copyOf(summaries);
        comparisons = List.copyOf(comparisons);
        problems = List.copyOf(problems);
    }

    /** What a curve measures. */
    public enum Quantity {
        /** ‖∂L/∂h_k‖ / ‖∂L/∂h_{T−1}‖: the gradient reaching h_k relative to the last step's. */
        HIDDEN_RATIO("dL/dh ratio"),
        /** ‖∂L/∂x_k‖: the gradient reaching the input at step k. */
        INPUT_NORM("dL/dx norm"),
        /**
         * The oracle's ‖∂L/∂x_k‖ over the comparison seeds only: the curve other implementations (which run on those
         * seeds) are drawn against. Curves only, no summary.
         */
        INPUT_NORM_COMPARISON_SEEDS("dL/dx norm, comparison seeds");

        private final String label;

        Quantity(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * One point of the sweep.
     *
     * @param rescaling how W was rescaled
     * @param target    the spectral radius or largest singular value W was rescaled to
     * @param activation f
     */
    public record Config(Rescaling rescaling, double target, Activation activation) {

        /** {@code spectral-radius}, {@code largest-singular-value}. */
        public String rescalingName() {
            return rescalingName(rescaling);
        }

        public static String rescalingName(Rescaling rescaling) {
            return rescaling.name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** ρ or σ_max, the symbol of the rescaled quantity. */
        public String symbol() {
            return rescaling == Rescaling.SPECTRAL_RADIUS ? "ρ" : "σmax";
        }

        public String activationName() {
            return activation.name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One lag of one curve: order statistics over the seeds, and the bound.
     *
     * @param bound      the largest over the seeds of the bound at this lag (so it bounds every seed's curve and
     *                   the median), or NaN where no bound applies (an implementation without dL/dh for its input
     *                   curve); 0 or ∞ where it leaves the range of doubles
     * @param log10Bound log₁₀ of the bound, finite where the bound itself underflows or overflows
     * @param seeds      the number of seeds with a finite value at this lag
     */
    public record CurvePoint(String implementation, Quantity quantity, Config config, int lag, double median,
                             double min, double max, double bound, double log10Bound, int seeds) {
    }

    /**
     * One curve's summary over its seeds.
     *
     * @param seeds                the number of seeds measured
     * @param degenerateSeeds      seeds whose value at lag 0 is zero or non-finite, so that their curve says nothing
     *                             about decay: with a saturated output (identity or relu networks that explode in the
     *                             forward pass) y − y* rounds to exactly 0, and every gradient with it
     * @param sigmaMaxMedian       the median σ_max(W) over the seeds
     * @param spectralRadiusMedian the median ρ(W)
     * @param largestFactor        the largest γ·σ_max over the seeds
     * @param fittedRateMedian     the median fitted per-step rate ({@link DecayRate})
     * @param valueAtLastLagMedian the median value at lag T−1
     * @param boundAtLastLag       the largest bound over the seeds at lag T−1 (NaN when no bound applies)
     * @param checkedPoints        seed × lag points checked against the bound
     * @param uncheckedPoints      points not checked: non-finite, or below {@link DecayBound#SMALLEST_CHECKED}, or
     *                             without a bound
     * @param violations           checked points above bound × (1 + allowance): a bug if ever non-zero
     * @param worstRatioToBound    the largest measured / bound over the checked points (for the hidden ratio, lags
     *                             ≥ 1: at lag 0 it is 1/1 by definition)
     */
    public record Summary(String implementation, Quantity quantity, Config config, int seeds, int degenerateSeeds,
                          double sigmaMaxMedian,
                          double spectralRadiusMedian, double largestFactor, double fittedRateMedian,
                          double fittedRateMin, double fittedRateMax, double valueAtLastLagMedian, double boundAtLastLag,
                          int checkedPoints, int uncheckedPoints, int violations, double worstRatioToBound) {

        public double gamma() {
            return config.activation().gamma();
        }

        /** γ·σ_max at the median σ_max. */
        public double gammaSigmaMax() {
            return gamma() * sigmaMaxMedian;
        }

        /** γ·ρ at the median ρ. */
        public double gammaRho() {
            return gamma() * spectralRadiusMedian;
        }

        /** γσ_max &lt; 1 for every seed: the bound forces the gradient to vanish. */
        public boolean vanishingGuaranteed() {
            return largestFactor < 1;
        }
    }

    /**
     * How one implementation's input-gradient decay curve agrees with the oracle's. Both curves are normalised by
     * their own total norm ‖∂L/∂x‖, and every lag is compared with the tolerance policy's relative and ULP terms × √T
     * plus the conditioning allowance (see {@link DecayExperiment}).
     *
     * @param comparedPoints       seed × lag points compared
     * @param failedPoints         points outside the tolerance (the policy plus the conditioning allowance)
     * @param failedUnderPolicy    points outside the tolerance policy's terms alone, for information: non-zero
     *                             where the problem itself amplifies rounding (see perturbationResponse)
     * @param knownDivergencePoints points outside the tolerance on seeds that a known divergence explains
     * @param skippedSeeds         seeds not compared: the oracle's own curve is zero or non-finite
     * @param perturbationResponse the largest over the seeds of the oracle's own relative change under a one-ulp
     *                             perturbation of weights and inputs ({@link DecayExperiment})
     * @param worstRelativeError   |a − e| / max(|a|, |e|) at the worst point (by error / allowed)
     * @param worstErrorRatio      error / allowed at the worst point (≤ 1 passes)
     * @param worstLag             where the worst point is
     * @param worstSeed            of which seed
     * @param rawWorstRelativeError the largest relative difference of the un-normalised norms, for information
     * @param note                 why seeds were skipped, or empty
     */
    public record Comparison(String implementation, String oracle, Config config, int comparedPoints, int failedPoints,
                             int failedUnderPolicy, int knownDivergencePoints, int skippedSeeds,
                             double perturbationResponse,
                             double worstRelativeError, double worstErrorRatio, int worstLag,
                             long worstSeed, double rawWorstRelativeError, String note) {

        /** Every compared point within tolerance, and at least one compared. */
        public boolean agree() {
            return comparedPoints > 0 && failedPoints == 0;
        }

        /** At least one point outside the tolerance that no known divergence explains. */
        public boolean disagree() {
            return failedPoints > 0;
        }

        /** The verdict on this curve. */
        public Verdict verdict() {
            if (failedPoints > 0) {
                return Verdict.DISAGREE;
            }
            if (knownDivergencePoints > 0) {
                return Verdict.KNOWN_DIVERGENCE;
            }
            return comparedPoints > 0 ? Verdict.AGREE : Verdict.NOT_COMPARED;
        }
    }

    /** The verdict on one implementation's input-gradient curve against the oracle's. */
    public enum Verdict {
        /** Every compared point within tolerance, and at least one compared. */
        AGREE("agree"),
        /** At least one point outside the tolerance that no known divergence explains. */
        DISAGREE("disagree"),
        /** Points outside the tolerance, every one on a seed that a known divergence explains. */
        KNOWN_DIVERGENCE("known divergence"),
        /** Every seed skipped: the oracle's own curve is zero or non-finite. */
        NOT_COMPARED("not compared");

        private final String label;

        Verdict(String label) {
            this.label = label;
        }

        /** As tables and summaries print it, e.g. {@code known divergence}. */
        public String label() {
            return label;
        }
    }

    /**
     * Something that kept an implementation from a measurement.
     *
     * @param kind    {@code skipped} (a capability is missing; once per configuration) or {@code error} (the
     *                plugin threw or returned something malformed)
     * @param seed    the seed, or -1 for a whole configuration
     */
    public record Problem(String implementation, Config config, long seed, String kind, String message) {
    }

    /** Bound violations over every summary: zero unless an implementation (or this experiment) has a bug. */
    public int violations() {
        return summaries.stream().mapToInt(Summary::violations).sum();
    }

    /** Comparisons with a failure no known divergence explains. */
    public List<Comparison> disagreements() {
        return comparisons.stream().filter(Comparison::disagree).toList();
    }

    /** Plugin errors (not skips). */
    public List<Problem> errors() {
        return problems.stream().filter(problem -> problem.kind().equals("error")).toList();
    }

    /** The tables a run writes: {@code decay-summary}, {@code decay-curves}, {@code decay-comparison}, {@code decay-problems}. */
    public List<Table> tables() {
        List<Table> tables = new ArrayList<>();
        tables.add(summaryTable());
        tables.add(curveTable());
        tables.add(comparisonTable());
        tables.add(problemTable());
        return tables;
    }

    /** One row per implementation × quantity × configuration. */
    public Table summaryTable() {
        Table.Builder table = Table.builder("decay-summary", "implementation", "quantity", "rescaling", "target",
                "activation", "gamma", "seeds", "degenerate_seeds", "steps", "sigma_max_median", "rho_median", "gamma_sigma_max",
                "gamma_rho", "fitted_rate_median", "fitted_rate_min", "fitted_rate_max", "vanishing_guaranteed",
                "gamma_rho_above_1", "value_at_max_lag_median", "bound_at_max_lag", "checked_points",
                "unchecked_points", "bound_violations", "worst_ratio_to_bound");
        for (Summary summary : summaries) {
            Config config = summary.config();
            table.row(summary.implementation(), summary.quantity().label(), config.rescalingName(), config.target(),
                    config.activationName(), summary.gamma(), summary.seeds(), summary.degenerateSeeds(), settings.steps(),
                    summary.sigmaMaxMedian(), summary.spectralRadiusMedian(), summary.gammaSigmaMax(),
                    summary.gammaRho(), summary.fittedRateMedian(), summary.fittedRateMin(), summary.fittedRateMax(),
                    summary.vanishingGuaranteed(), summary.gammaRho() > 1, summary.valueAtLastLagMedian(),
                    summary.boundAtLastLag(), summary.checkedPoints(), summary.uncheckedPoints(), summary.violations(),
                    summary.worstRatioToBound());
        }
        return table.build();
    }

    /** One row per implementation × quantity × configuration × lag. */
    public Table curveTable() {
        Table.Builder table = Table.builder("decay-curves", "implementation", "quantity", "rescaling", "target",
                "activation", "lag", "median", "min", "max", "bound", "log10_bound", "seeds");
        for (CurvePoint point : curves) {
            Config config = point.config();
            table.row(point.implementation(), point.quantity().label(), config.rescalingName(), config.target(),
                    config.activationName(), point.lag(), point.median(), point.min(), point.max(), point.bound(),
                    point.log10Bound(), point.seeds());
        }
        return table.build();
    }

    /** One row per other implementation × configuration. */
    public Table comparisonTable() {
        Table.Builder table = Table.builder("decay-comparison", "implementation", "oracle", "rescaling", "target",
                "activation", "compared_points", "failed_points", "failed_points_policy_only", "known_divergence_points",
                "skipped_seeds", "verdict",
                "oracle_perturbation_response", "worst_relative_error",
                "worst_error_ratio", "worst_lag", "worst_seed", "raw_worst_relative_error", "note");
        for (Comparison comparison : comparisons) {
            Config config = comparison.config();
            table.row(comparison.implementation(), comparison.oracle(), config.rescalingName(), config.target(),
                    config.activationName(), comparison.comparedPoints(), comparison.failedPoints(),
                    comparison.failedUnderPolicy(), comparison.knownDivergencePoints(), comparison.skippedSeeds(),
                    comparison.verdict().label(),
                    comparison.perturbationResponse(), comparison.worstRelativeError(),
                    comparison.worstErrorRatio(), comparison.worstLag(), comparison.worstSeed(),
                    comparison.rawWorstRelativeError(), comparison.note());
        }
        return table.build();
    }

    /** One row per problem. */
    public Table problemTable() {
        Table.Builder table = Table.builder("decay-problems", "implementation", "rescaling", "target", "activation",
                "seed", "kind", "message");
        for (Problem problem : problems) {
            Config config = problem.config();
            table.row(problem.implementation(), config.rescalingName(), config.target(), config.activationName(),
                    problem.seed(), problem.kind(), problem.message());
        }
        return table.build();
    }
}
