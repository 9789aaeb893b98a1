package org.bptt.core.language;

import java.util.List;
import java.util.Map;
import org.bptt.api.Quantity;
import org.bptt.core.compare.QuantityComparison;

/**
 * The verdict on one language model against the oracle: its loss and comparisons, or the failure of its calls; and,
 * for each comparison beyond tolerance that the model explains as a documented divergence, the explanation.
 *
 * @param id               the model's id
 * @param loss             its forward loss (NaN when its calls failed)
 * @param comparisons      one per quantity, in the order of {@link LanguageModelVerifier}
 * @param knownDivergences the explanation of each failed quantity the model explains
 * @param error            what went wrong with its calls (naming the call), or null
 */
public record LanguageModelVerdict(String id, double loss, List<QuantityComparison> comparisons,
                                   Map<Quantity, String> knownDivergences, String error) {

    public LanguageModelVerdict {
        comparisons = List.copyOf(comparisons);
        knownDivergences = Map.copyOf(knownDivergences);
    }

    /** No error, and every comparison within tolerance or explained. */
    public boolean passed() {
        return error == null && comparisons.stream()
                .allMatch(comparison -> comparison.passed() || knownDivergences.containsKey(comparison.quantity()));
    }
}
