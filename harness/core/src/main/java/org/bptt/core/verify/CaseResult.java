package org.bptt.core.verify;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.bptt.core.compare.QuantityComparison;

/**
 * The verdict on one case for one implementation against one oracle.
 *
 * @param caseId           the case's id
 * @param implementationId the plugin under test
 * @param oracleId         the plugin it was compared with
 * @param status           the outcome
 * @param message          one line: what failed and where, why it was skipped, or the plugin's error; empty on a pass
 * @param comparisons      one per compared quantity, in a stable order
 * @param parameters       what describes the case (spec label, activation, head, B, T, seed, ...), in a stable order
 * @param nanos            wall time of the implementation's calls for this case (a timing column: not deterministic)
 * @param diagnosis        for a {@link Status#FAILED} case, which catalogued mistake (or pair) explains every failure,
 *                         or that none does ({@link org.bptt.core.diagnose.Diagnosis}); empty otherwise
 */
public record CaseResult(String caseId, String implementationId, String oracleId, Status status, String message,
                         List<QuantityComparison> comparisons, Map<String, String> parameters, long nanos,
                         String diagnosis) {

    public CaseResult {
        diagnosis = diagnosis == null ? "" : diagnosis;
    }

    /** A result without a diagnosis. */
    public CaseResult(String caseId, String implementationId, String oracleId, Status status, String message,
                      List<QuantityComparison> comparisons, Map<String, String> parameters, long nanos) {
        this(caseId, implementationId, oracleId, status, message, comparisons, parameters, nanos, "");
    }

    /** This result with {@code value} as its diagnosis. */
    public CaseResult withDiagnosis(String value) {
        return new CaseResult(caseId, implementationId, oracleId, status, message, comparisons, parameters, nanos, value);
    }

    /** What the message of a {@link Status#KNOWN_DIVERGENCE} starts with. */
    public static final String KNOWN_DIVERGENCE_PREFIX = "known divergence: ";

    /** What the message of a {@link Status#ILL_CONDITIONED} result starts with (the measured amplification follows). */
    public static final String ILL_CONDITIONED_PREFIX = "ill-conditioned: ";

    /**
     * Between a known divergence's explanations and what was beyond tolerance in this case: the explanations are the
     * same for every case they explain (reports group by them), the detail is this case's own.
     */
    public static final String CASE_DETAIL = " (in this case: ";

    /** Between two explanations of one known divergence (an explanation's own text may hold "; "). */
    public static final String EXPLANATION_SEPARATOR = " ‖ ";

    /**
     * The message of a known divergence: {@code known divergence: <explanation> ‖ <explanation> (in this case:
     * <detail>)}.
     */
    static String knownDivergenceMessage(List<String> explanations, String detail) {
        return KNOWN_DIVERGENCE_PREFIX + String.join(EXPLANATION_SEPARATOR, explanations) + CASE_DETAIL + detail + ")";
    }

    /**
     * For a known divergence, each distinct explanation of its failures, without this case's detail: the texts that
     * reports count and group cases by (a case with two explanations counts under each). Empty for any other status.
     */
    public List<String> explanations() {
        if (status != Status.KNOWN_DIVERGENCE || message == null || !message.startsWith(KNOWN_DIVERGENCE_PREFIX)) {
            return List.of();
        }
        String text = message.substring(KNOWN_DIVERGENCE_PREFIX.length());
        int detail = text.indexOf(CASE_DETAIL);
        return List.of((detail < 0 ? text : text.substring(0, detail)).split(Pattern.quote(EXPLANATION_SEPARATOR)));
    }
}
