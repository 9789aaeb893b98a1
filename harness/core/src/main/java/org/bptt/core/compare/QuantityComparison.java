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
     * One line: for a failure of one element, that element ({@link ElementDiff#describe()}); of several, the first in
     * index order (the earliest step, where an error starts) briefly, then the worst in full (the element the
     * worst-error columns and charts show) and how many failed; for a pass, the worst element's error ratio.
     */
    public String describe() {
        if (!passed()) {
            ElementDiff first = failures.isEmpty() ? worst : failures.get(0);
            if (first == null) {
                return quantity + " failed";
            }
            if (failed == 1 || worst == null || worst == first || first.isMalformed()) {
                return failed > 1 ? first.describe() + " [" + failed + " of " + elements + " elements failed]"
                        : first.describe();
            }
            return String.format(java.util.Locale.ROOT, "%s%s: expected %s, actual %s, the first; worst %s [%d of %d"
                    + " elements failed]", quantity, first.index(), first.expected(), first.actual(), worst.describe(),
                    failed, elements);
        }
        return worst == null ? quantity + ": nothing compared"
                : String.format(java.util.Locale.ROOT, "%s: %d elements within tolerance (worst %.2g of allowance at %s)",
                        quantity, elements, worst.errorRatio(), worst.index().isEmpty() ? "the value" : worst.index());
    }
}
