package org.bptt.core.compare;

import java.util.List;
import org.bptt.api.Quantity;

/**
 * The comparison of one quantity (a tensor such as the hidden states, or a gradient) between an implementation and
 * its oracle. A passing comparison still records its worst element.
 *
 * @param quantity  the quantity, e.g. {@code h}, {@code y}, {@code loss}, {@code dL/dW}
 * @param elements  how many elements were compared
 * @param failed    how many elements exceeded their allowance
 * @param worst     the element with the largest error ratio (error / allowance), or null when nothing was compared
 * @param failures  the first few failing elements, in index order
 */
public record QuantityComparison(Quantity quantity, int elements, int failed, ElementDiff worst, List<ElementDiff> failures) {

    public QuantityComparison {
        failures = List.copyOf(failures);
    }

    public boolean passed() {
        return failed == 0;
    }

    /**
     * One line: for a failure, the worst element ({@link ElementDiff#describe()}, the one the worst-error columns
     * and charts show) and how many elements failed; for a pass, the worst element's error ratio.
     */
    public String describe() {
        if (!passed()) {
            ElementDiff shown = worst != null ? worst : failures.isEmpty() ? null : failures.get(0);
            String line = shown == null ? quantity + " failed" : shown.describe();
            return failed > 1 ? line + " [" + failed + " of " + elements + " elements failed]" : line;
        }
        return worst == null ? quantity + ": nothing compared"
                : String.format(java.util.Locale.ROOT, "%s: %d elements within tolerance (worst %.2g of allowance at %s)",
                        quantity, elements, worst.errorRatio(), worst.index().isEmpty() ? "the value" : worst.index());
    }
}
