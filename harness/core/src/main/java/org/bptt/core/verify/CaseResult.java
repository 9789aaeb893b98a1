package org.bptt.core.verify;

import java.util.List;
import java.util.Map;
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
 */
public record CaseResult(String caseId, String implementationId, String oracleId, Status status, String message,
                         List<QuantityComparison> comparisons, Map<String, String> parameters, long nanos) {
}
