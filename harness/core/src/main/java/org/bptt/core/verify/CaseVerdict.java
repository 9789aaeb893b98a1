package org.bptt.core.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.bptt.api.Quantity;
import org.bptt.core.cases.CaseLabel;
import org.bptt.core.cases.SuiteCase;
import org.bptt.core.compare.QuantityComparison;
import org.bptt.core.plugins.IsolatedPlugin;

/**
 * The verdict on one case for one implementation, with its explanation: builds the {@link CaseResult}.
 * <ul>
 *   <li>compared: {@link Status#PASSED} when every comparison passed; {@link Status#FAILED} naming the first failure
 *       nobody explains (and listing every failed quantity); {@link Status#KNOWN_DIVERGENCE} when every failure is
 *       explained ({@link DivergenceExplainer}), with the explanations;</li>
 *   <li>well-formed results with NaN or infinite values: {@link Status#KNOWN_DIVERGENCE} when every non-finite
 *       quantity is explained like a failed comparison, else {@link Status#ERROR} "returned garbage";</li>
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
    /** Wall time of the implementation's calls, set once they are made. */
    private long nanos;

    CaseVerdict(SuiteCase suiteCase, IsolatedPlugin implementation, String oracleId, KnownDivergences knownDivergences) {
        this.suiteCase = suiteCase;
        this.implementation = implementation;
        this.oracleId = oracleId;
        this.knownDivergences = knownDivergences;
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
     * Well-formed results with NaN or infinite values in {@code quantities}: a known divergence when every one of
     * them is explained (like a failed comparison), else an error with {@code garbage}.
     */
    CaseResult nonFinite(String garbage, List<Quantity> quantities) {
        List<String> explanations = new ArrayList<>();
        for (Quantity quantity : quantities) {
            Optional<String> explanation = explanation(quantity);
            if (explanation.isEmpty()) {
                return error(garbage);
            }
            if (!explanations.contains(explanation.get())) {
                explanations.add(explanation.get());
            }
        }
        if (explanations.isEmpty()) {
            return error(garbage);
        }
        return result(Status.KNOWN_DIVERGENCE, CaseResult.knownDivergenceMessage(explanations, garbage
                + "; not finite: " + quantities.stream().map(Quantity::name).collect(Collectors.joining(", "))),
                List.of());
    }

    CaseResult compared(List<QuantityComparison> comparisons) {
        List<QuantityComparison> failed = comparisons.stream().filter(c -> !c.passed()).toList();
        if (failed.isEmpty()) {
            return result(Status.PASSED, "", comparisons);
        }
        List<String> explanations = new ArrayList<>();
        QuantityComparison firstUnexplained = null;
        for (QuantityComparison comparison : failed) {
            Optional<String> explanation = explanation(comparison.quantity());
            if (explanation.isPresent()) {
                if (!explanations.contains(explanation.get())) {
                    explanations.add(explanation.get());
                }
            } else if (firstUnexplained == null) {
                firstUnexplained = comparison;
            }
        }
        String alsoFailed = failed.size() > 1 ? "; failed: " + failed.stream().map(c -> c.quantity().name())
                .collect(Collectors.joining(", ")) : "";
        if (firstUnexplained != null) {
            return result(Status.FAILED, firstUnexplained.describe() + alsoFailed, comparisons);
        }
        return result(Status.KNOWN_DIVERGENCE, CaseResult.knownDivergenceMessage(explanations,
                failed.get(0).describe() + alsoFailed), comparisons);
    }

    /**
     * A comparison that failed on an ill-conditioned case: {@link Status#ILL_CONDITIONED} with {@code sensitivity}
     * (the measured amplification).
     */
    CaseResult illConditioned(String sensitivity, List<QuantityComparison> comparisons) {
        return result(Status.ILL_CONDITIONED, sensitivity, comparisons);
    }

    private Optional<String> explanation(Quantity quantity) {
        return DivergenceExplainer.explain(knownDivergences, implementation, suiteCase, quantity);
    }

    private CaseResult result(Status status, String message, List<QuantityComparison> comparisons) {
        return new CaseResult(suiteCase.id(), implementation.id(), oracleId, status, message, List.copyOf(comparisons),
                CaseLabel.describe(suiteCase), nanos);
    }
}
