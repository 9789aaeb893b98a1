package org.bptt.coursework;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bptt.api.DataType;
import org.bptt.api.Parameters;
import org.bptt.api.Quantity;
import org.bptt.api.Tensor;
import org.bptt.core.compare.IndexLabels;
import org.bptt.core.compare.QuantityComparison;
import org.bptt.core.compare.TensorComparator;
import org.bptt.core.compare.TolerancePolicy;

/**
 * The explanation's own check, shown with it: the loss and every parameter gradient three ways (the tape's reverse
 * sweep, the forward-mode contraction, the sum of the BPTT table) against the reference-aggregated plugin, within
 * the harness's default tolerance policy. A student can trust the numbers because they agree.
 *
 * @param comparisons one per quantity and method, e.g. {@code dL/dW (reverse sweep)}
 */
public record ReferenceAgreement(List<QuantityComparison> comparisons) {

    public static ReferenceAgreement of(Explanation explanation) {
        TensorComparator comparator = new TensorComparator(TolerancePolicy.defaults());
        int steps = explanation.steps();
        List<QuantityComparison> comparisons = new ArrayList<>();
        comparisons.add(comparator.compareScalar(new Quantity("L (tape)"), explanation.reference().loss(),
                explanation.tape().node("L").value()[0][0], DataType.FLOAT64, steps));
        Parameters reference = explanation.reference().parameterGradients();
        for (Map.Entry<String, Tensor> gradient : reference.byName().entrySet()) {
            String parameter = gradient.getKey();
            Tensor expected = gradient.getValue();
            boolean vector = expected.rank() == 1;
            IndexLabels labels = IndexLabels.generic(expected.rank());
            comparisons.add(comparator.compare(computedBy(parameter, "reverse sweep"), expected,
                    SmallMatrices.toTensor(explanation.tape().parameterGradient(parameter), vector), null, labels,
                    DataType.FLOAT64, steps));
            if (explanation.forwardMode().parameters().contains(parameter)) {
                comparisons.add(comparator.compare(computedBy(parameter, "forward mode"), expected,
                        SmallMatrices.toTensor(explanation.forwardMode().contractedGradient(parameter), vector), null, labels,
                        DataType.FLOAT64, steps));
            }
            comparisons.add(comparator.compare(computedBy(parameter, "BPTT table sum"), expected,
                    explanation.table().sum(parameter), null, labels, DataType.FLOAT64, steps));
        }
        return new ReferenceAgreement(List.copyOf(comparisons));
    }

    /** The gradient of {@code parameter} as one method computed it, e.g. {@code dL/dW (reverse sweep)}. */
    private static Quantity computedBy(String parameter, String method) {
        return new Quantity(Quantity.gradientOf(parameter).name() + " (" + method + ")");
    }

    public boolean allAgree() {
        return comparisons.stream().allMatch(QuantityComparison::passed);
    }
}
