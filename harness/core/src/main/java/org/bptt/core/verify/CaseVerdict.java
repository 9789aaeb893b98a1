package org.bptt.core.verify;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.bptt.api.Batch;
import org.bptt.api.ExactComputation;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.PluginFailureException;
import org.bptt.api.Quantity;
import org.bptt.api.Results;
import org.bptt.api.Truncation;
import org.bptt.api.WrongComputation;
import org.bptt.core.cases.CaseLabel;
import org.bptt.core.cases.SuiteCase;
import org.bptt.core.compare.QuantityComparison;
import org.bptt.core.plugins.ExpectedOutputs;
import org.bptt.core.plugins.IsolatedPlugin;
import org.bptt.core.plugins.ResultCheck;

/**
 * The verdict on one case for one implementation, with its explanation: builds the {@link CaseResult}.
 * <ul>
 *   <li>compared: {@link Status#PASSED} when every comparison passed; {@link Status#FAILED} naming the first failure
 *       nobody explains (and listing every failed quantity); {@link Status#KNOWN_DIVERGENCE} when every failure is
 *       explained, with the explanations. A failure is explained when a known divergence is claimed for it
 *       ({@link DivergenceExplainer#claim}) and the implementation's value matches the claimed model's prediction to
 *       tolerance ({@link WrongComputationCheck}); a claim whose model predicts something else is a failure that names
 *       the claim and both distances. A claim without a model ({@link org.bptt.api.WrongComputation#unchecked}) is
 *       accepted and reported as unchecked. Each model predicts once per case, whatever the number of quantities it
 *       is claimed for;</li>
 *   <li>well-formed results with NaN or infinite values: {@link Status#KNOWN_DIVERGENCE} when every non-finite
 *       quantity is explained (a model that predicts that quantity non-finite, or an unchecked claim), else
 *       {@link Status#ERROR} "returned garbage";</li>
 *   <li>a model the oracle cannot compute (an oracle of stored vectors knows the case's exact values only) can be
 *       neither confirmed nor refuted: its claim is accepted as unchecked;</li>
 *   <li>{@link Status#ILL_CONDITIONED} when the verifier's {@link SensitivityProbe} finds a failed case too
 *       sensitive to rounding to judge, with the amplification it measured;</li>
 *   <li>{@link Status#ERROR} and {@link Status#SKIPPED} with the reason given.</li>
 * </ul>
 */
final class CaseVerdict {

    private final SuiteCase suiteCase;
    private final IsolatedPlugin implementation;
    private final String oracleId;
    private final KnownDivergences knownDivergences;
    private final WrongComputationCheck check;
    private final ExactComputation exact;
    /** Wall time of the implementation's calls, set once they are made. */
    private long nanos;

    /**
     * @param check what judges a claimed model against the implementation's numbers (the verifier's tolerances)
     * @param exact the oracle, for the claimed models' predictions
     */
    CaseVerdict(SuiteCase suiteCase, IsolatedPlugin implementation, String oracleId, KnownDivergences knownDivergences,
                WrongComputationCheck check, ExactComputation exact) {
        this.suiteCase = suiteCase;
        this.implementation = implementation;
        this.oracleId = oracleId;
        this.knownDivergences = knownDivergences;
        this.check = check;
        this.exact = exact;
    }

    /** Records the wall time of the implementation's calls on this case. */
    void timed(long callNanos) {
        this.nanos = callNanos;
    }

    CaseResult error(String message) {
        return result(Status.ERROR, message, List.of());
    }

    CaseResult skipped(String reason) {
        return result(Status.SKIPPED, reason, List.of());
    }

    /**
     * Well-formed results {@code actual} with NaN or infinite values in {@code quantities}: a known divergence when
     * every one of them is explained, else an error with {@code garbage}. A checked model explains a non-finite
     * quantity when it predicts that quantity non-finite too.
     *
     * @param compared what both the implementation and the oracle offer
     */
    CaseResult nonFinite(String garbage, List<Quantity> quantities, Results actual, ExpectedOutputs compared) {
        List<String> explanations = new ArrayList<>();
        List<String> details = new ArrayList<>();
        // Empty: the oracle could not compute the model, which then stays unchecked.
        Map<String, Optional<List<Quantity>>> predictedNonFinite = new HashMap<>();
        for (Quantity quantity : quantities) {
            Optional<WrongComputation> claim = claim(quantity);
            if (claim.isEmpty()) {
                return error(garbage);
            }
            WrongComputation model = claim.get();
            Optional<List<Quantity>> predicted = !model.checked() ? Optional.empty() : predictedNonFinite
                    .computeIfAbsent(model.description(), description -> nonFiniteQuantities(model, actual, compared));
            if (predicted.isPresent() && !predicted.get().contains(quantity)) {
                return error(garbage + "; the model of '" + model.description() + "' does not predict " + quantity
                        + " to be non-finite, so the known divergence does not explain it");
            }
            String explanation = predicted.isEmpty() ? DivergenceExplainer.UNCHECKED + model.description()
                    : model.description();
            addOnce(explanations, explanation);
            addOnce(details, model.caseDetail());
        }
        if (explanations.isEmpty()) {
            return error(garbage);
        }
        return result(Status.KNOWN_DIVERGENCE, CaseResult.knownDivergenceMessage(explanations, caseDetail(details,
                garbage + "; not finite: " + quantities.stream().map(Quantity::name).collect(Collectors.joining(", ")))),
                List.of());
    }

    /**
     * The comparisons of the implementation's results {@code actual} with the exact ones.
     *
     * @param compared what both the implementation and the oracle offer
     */
    CaseResult compared(List<QuantityComparison> comparisons, Results actual, ExpectedOutputs compared) {
        List<QuantityComparison> failed = comparisons.stream().filter(c -> !c.passed()).toList();
        if (failed.isEmpty()) {
            return result(Status.PASSED, "", comparisons);
        }
        List<String> explanations = new ArrayList<>();
        List<String> details = new ArrayList<>();
        Map<String, Optional<WrongComputationCheck.Match>> matches = new HashMap<>();
        String firstUnexplained = null;
        for (QuantityComparison comparison : failed) {
            Optional<WrongComputation> claim = claim(comparison.quantity());
            String unexplained = null;
            if (claim.isEmpty()) {
                unexplained = comparison.describe();
            } else {
                WrongComputation model = claim.get();
                // Empty: not checked (no model, or the oracle cannot compute it).
                Optional<WrongComputationCheck.Match> match = !model.checked() ? Optional.empty()
                        : matches.computeIfAbsent(model.description(), description -> checkWith(model, actual, compared));
                if (match.isEmpty() || match.get().explains(comparison)) {
                    String explanation = match.isEmpty() ? DivergenceExplainer.UNCHECKED + model.description()
                            : model.description();
                    addOnce(explanations, explanation);
                    addOnce(details, model.caseDetail());
                } else {
                    unexplained = refuted(comparison, match.get()) + " (" + comparison.describe() + ")";
                }
            }
            if (unexplained != null && firstUnexplained == null) {
                firstUnexplained = unexplained;
            }
        }
        String alsoFailed = failed.size() > 1 ? "; failed: " + failed.stream().map(c -> c.quantity().name())
                .collect(Collectors.joining(", ")) : "";
        if (firstUnexplained != null) {
            return result(Status.FAILED, firstUnexplained + alsoFailed, comparisons);
        }
        return result(Status.KNOWN_DIVERGENCE, CaseResult.knownDivergenceMessage(explanations,
                caseDetail(details, failed.get(0).describe() + alsoFailed)), comparisons);
    }

    /** Adds a non-empty {@code text} to {@code texts} unless it is there already. */
    private static void addOnce(List<String> texts, String text) {
        if (!text.isEmpty() && !texts.contains(text)) {
            texts.add(text);
        }
    }

    /** A known divergence's detail in this case: what its models add about the case, then what was beyond tolerance. */
    private static String caseDetail(List<String> modelDetails, String beyondTolerance) {
        return modelDetails.isEmpty() ? beyondTolerance : String.join("; ", modelDetails) + "; " + beyondTolerance;
    }

    /**
     * A comparison that failed on an ill-conditioned case: {@link Status#ILL_CONDITIONED} with {@code sensitivity}
     * (the measured amplification).
     */
    CaseResult illConditioned(String sensitivity, List<QuantityComparison> comparisons) {
        return result(Status.ILL_CONDITIONED, sensitivity, comparisons);
    }

    /**
     * Why a claimed known divergence does not explain {@code againstExact}: the quantity's worst distance from the
     * exact value and from the model's prediction, e.g. {@code dL/dx: 3.1e-02 from exact, 4.0e-01 from the model of
     * 'DL4J features-mask bug' — the known divergence no longer explains it}.
     */
    static String refuted(QuantityComparison againstExact, WrongComputationCheck.Match match) {
        String claimed = "the model of '" + match.model().description() + "'";
        String fromExact = String.format(Locale.ROOT, "%s: %s from exact", againstExact.quantity(),
                distance(againstExact));
        if (match.notApplicable().isPresent()) {
            return fromExact + "; " + claimed + " predicts nothing here (" + match.notApplicable().get()
                    + ") — the known divergence does not explain it";
        }
        Optional<QuantityComparison> againstModel = match.comparison(againstExact.quantity());
        if (againstModel.isEmpty()) {
            return fromExact + "; " + claimed + " does not predict " + againstExact.quantity()
                    + " — the known divergence does not explain it";
        }
        return fromExact + ", " + distance(againstModel.get()) + " from " + claimed
                + " — the known divergence no longer explains it";
    }

    /** A comparison's largest absolute error, and how many elements failed. */
    private static String distance(QuantityComparison comparison) {
        if (comparison.worst() == null) {
            return "nothing compared";
        }
        String failedElements = comparison.elements() > 1
                ? " (" + comparison.failed() + " of " + comparison.elements() + " elements beyond tolerance)" : "";
        return String.format(Locale.ROOT, "%.1e%s", comparison.worst().absError(), failedElements);
    }

    /**
     * {@code model} checked against {@code actual}; empty when the oracle could not answer the model's question (an
     * oracle of stored vectors holds the case's exact values only, not those of the changed cases a model asks
     * about): the claim can then be neither confirmed nor refuted, and is reported unchecked.
     */
    private Optional<WrongComputationCheck.Match> checkWith(WrongComputation model, Results actual,
                                                           ExpectedOutputs compared) {
        AnsweringOracle answering = new AnsweringOracle(exact);
        WrongComputationCheck.Match match = check.check(model, suiteCase, actual, answering, compared);
        return match.notApplicable().isPresent() && answering.failed ? Optional.empty() : Optional.of(match);
    }

    /** The oracle, remembering whether a call failed. */
    private static final class AnsweringOracle implements ExactComputation {
        private final ExactComputation oracle;
        private boolean failed;

        AnsweringOracle(ExactComputation oracle) {
            this.oracle = oracle;
        }

        @Override
        public ForwardResult forward(ModelSpec spec, Parameters parameters, Batch batch) {
            return answered(() -> oracle.forward(spec, parameters, batch));
        }

        @Override
        public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
            return answered(() -> oracle.gradients(spec, parameters, batch));
        }

        @Override
        public GradientResult truncatedGradients(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation) {
            return answered(() -> oracle.truncatedGradients(spec, parameters, batch, truncation));
        }

        private <T> T answered(java.util.function.Supplier<T> call) {
            try {
                return call.get();
            } catch (PluginFailureException e) {
                failed = true;
                throw e;
            }
        }
    }

    /**
     * The quantities {@code model} predicts to be NaN or infinite on this case; none when it predicts nothing; empty
     * when the oracle could not compute the model (as {@link #checkWith}).
     */
    private Optional<List<Quantity>> nonFiniteQuantities(WrongComputation model, Results actual,
                                                         ExpectedOutputs compared) {
        var testCase = suiteCase.testCase();
        AnsweringOracle answering = new AnsweringOracle(exact);
        try {
            Results predicted = model.predict(testCase.spec(), testCase.parameters(), testCase.batch(),
                    suiteCase.truncation(), answering);
            if (predicted == null || predicted.truncated() != actual.truncated()) {
                return Optional.of(List.of());
            }
            return Optional.of(ResultCheck.nonFiniteQuantities(predicted.forward(), predicted.gradients(),
                    predicted.truncated(), testCase.spec(), testCase.batch(), compared));
        } catch (RuntimeException modelFailed) {
            // A model that does not cover the case, or fails, predicts nothing: the garbage stays unexplained.
            return answering.failed ? Optional.empty() : Optional.of(List.of());
        }
    }

    private Optional<WrongComputation> claim(Quantity quantity) {
        return DivergenceExplainer.claim(knownDivergences, implementation, suiteCase, quantity);
    }

    private CaseResult result(Status status, String message, List<QuantityComparison> comparisons) {
        return new CaseResult(suiteCase.id(), implementation.id(), oracleId, status, message, List.copyOf(comparisons),
                CaseLabel.describe(suiteCase), nanos);
    }
}
