package org.bptt.reports;

import java.util.List;
import java.util.Optional;
import org.bptt.core.compare.ElementDiff;
import org.bptt.core.compare.QuantityComparison;
import org.bptt.core.verify.CaseResult;
import org.bptt.core.verify.Status;

/** Small facts about results that several reports need, computed one way. */
public final class Results {

    private Results() {
    }

    /** The comparisons of a result, empty (never null) when nothing was compared (a skip or a plugin error). */
    public static List<QuantityComparison> comparisons(CaseResult result) {
        return result.comparisons() == null ? List.of() : result.comparisons();
    }

    /** The worst element's error ratio (error / allowance), or NaN when nothing was compared. */
    public static double errorRatio(QuantityComparison comparison) {
        ElementDiff worst = comparison.worst();
        return worst == null ? Double.NaN : worst.errorRatio();
    }

    /**
     * The quantity whose worst element is furthest past its allowance; the first such on ties. A NaN ratio (e.g. an
     * implementation returned NaN) counts as worse than any number, as {@link Double#compare} orders it.
     */
    public static Optional<QuantityComparison> worstQuantity(CaseResult result) {
        QuantityComparison worst = null;
        for (QuantityComparison comparison : comparisons(result)) {
            if (comparison.worst() == null) {
                continue;
            }
            if (worst == null || Double.compare(errorRatio(comparison), errorRatio(worst)) > 0) {
                worst = comparison;
            }
        }
        return Optional.ofNullable(worst);
    }

    /**
     * True when {@code comparison} is one a known divergence excuses: beyond tolerance in a result that is a known
     * divergence (every failed comparison of such a result is explained). Worst-error figures leave these out and
     * show them apart, so that a documented third-party bug does not hide how close everything else came.
     */
    public static boolean excused(CaseResult result, QuantityComparison comparison) {
        return result.status() == Status.KNOWN_DIVERGENCE && !comparison.passed();
    }

    /** The number of compared quantities that exceeded their tolerance. */
    public static int failedQuantities(CaseResult result) {
        int failed = 0;
        for (QuantityComparison comparison : comparisons(result)) {
            if (!comparison.passed()) {
                failed++;
            }
        }
        return failed;
    }

    /**
     * A double as text that parses back to exactly the same double ({@link Double#toString}: "NaN", "Infinity" and
     * "-Infinity" for the non-finite values).
     */
    public static String number(double value) {
        return Double.toString(value);
    }
}
