package org.bptt.core.compare;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bptt.api.DataType;
import org.bptt.api.Quantity;
import org.bptt.api.Tensor;

/**
 * Compares an implementation's tensor with the oracle's, element by element, under a {@link TolerancePolicy}.
 * Every failure names the tensor, the index, both values and the absolute, relative and ULP errors. A missing
 * tensor, a shape mismatch or a NaN/infinity in the actual tensor is reported as a failure, never thrown.
 */
public final class TensorComparator {

    /** How many failing elements are kept, in index order, besides the worst one. */
    public static final int MAX_FAILURES_KEPT = 10;

    private final TolerancePolicy policy;

    public TensorComparator(TolerancePolicy policy) {
        this.policy = java.util.Objects.requireNonNull(policy, "policy");
    }

    public TolerancePolicy policy() {
        return policy;
    }

    /**
     * Compares {@code actual} with {@code expected}.
     *
     * @param quantity the quantity compared, printed in failures, e.g. {@code dL/dW}
     * @param expected the oracle's tensor (trusted)
     * @param actual   the implementation's tensor (never trusted: may be null, the wrong shape, or not finite)
     * @param mask     {@code [B, T]} or null; when given and the tensor's first two dimensions are {@code [B, T]},
     *                 elements at masked steps are skipped (their values are unspecified)
     * @param labels   names for the index dimensions
     * @param type     the data type the implementation computed in (selects the tolerance terms)
     * @param steps    T, for the tolerance's growth with sequence length
     */
    public QuantityComparison compare(Quantity quantity, Tensor expected, Tensor actual, Tensor mask, IndexLabels labels,
                                      DataType type, int steps) {
        if (actual == null) {
            ElementDiff missing = ElementDiff.malformed(quantity, "is missing (null)");
            return new QuantityComparison(quantity, 0, 1, missing, List.of(missing));
        }
        if (!Arrays.equals(expected.shape(), actual.shape())) {
            ElementDiff wrongShape = ElementDiff.malformed(quantity, "has shape " + Arrays.toString(actual.shape())
                    + ", expected " + Arrays.toString(expected.shape()));
            return new QuantityComparison(quantity, 0, 1, wrongShape, List.of(wrongShape));
        }
        boolean skipMaskedSteps = appliesTo(mask, expected);
        int compared = 0;
        int failed = 0;
        ElementDiff worst = null;
        List<ElementDiff> failures = new ArrayList<>();
        double[] expectedData = expected.data();
        double[] actualData = actual.data();
        for (int offset = 0; offset < expectedData.length; offset++) {
            int[] index = expected.indexOf(offset);
            if (skipMaskedSteps && mask.get(index[0], index[1]) == 0) {
                continue;
            }
            ElementDiff diff = diff(quantity, labels.format(index), expectedData[offset], actualData[offset], type, steps);
            compared++;
            if (!diff.passed()) {
                failed++;
                if (failures.size() < MAX_FAILURES_KEPT) {
                    failures.add(diff);
                }
            }
            if (worst == null || diff.errorRatio() > worst.errorRatio()) {
                worst = diff;
            }
        }
        return new QuantityComparison(quantity, compared, failed, worst, failures);
    }

    /** Compares two scalars, such as the loss. */
    public QuantityComparison compareScalar(Quantity quantity, double expected, double actual, DataType type, int steps) {
        ElementDiff diff = diff(quantity, "", expected, actual, type, steps);
        return new QuantityComparison(quantity, 1, diff.passed() ? 0 : 1, diff, diff.passed() ? List.of() : List.of(diff));
    }

    /** The difference at one element; a non-finite {@code actual} gets infinite errors so that it always fails. */
    public ElementDiff diff(Quantity quantity, String index, double expected, double actual, DataType type, int steps) {
        if (!Double.isFinite(actual)) {
            // The allowance from the expected value alone: an infinite actual value must not widen it.
            double allowed = policy.allowed(quantity, type, steps, expected, expected);
            return new ElementDiff(quantity, index, expected, actual, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY,
                    Double.POSITIVE_INFINITY, allowed);
        }
        double allowed = policy.allowed(quantity, type, steps, expected, actual);
        double absError = Math.abs(actual - expected);
        double magnitude = Math.max(Math.abs(expected), Math.abs(actual));
        double relError = magnitude == 0 ? 0 : absError / magnitude;
        double ulpError = absError == 0 ? 0 : absError / TolerancePolicy.ulp(type, magnitude);
        return new ElementDiff(quantity, index, expected, actual, absError, relError, ulpError, allowed);
    }

    /** True when {@code mask} is {@code [B, T]} and {@code tensor}'s first two dimensions are {@code [B, T]}. */
    static boolean appliesTo(Tensor mask, Tensor tensor) {
        return mask != null && mask.rank() == 2 && tensor.rank() >= 3
                && tensor.size(0) == mask.size(0) && tensor.size(1) == mask.size(1);
    }
}
