package org.bptt.dl4j;

import java.util.ArrayList;
import java.util.List;

import org.bptt.api.Batch;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.ModelSpec;
import org.bptt.api.Quantity;
import org.bptt.api.RnnImplementation;
import org.bptt.api.Tensor;
import org.bptt.core.compare.IndexLabels;
import org.bptt.core.compare.QuantityComparison;
import org.bptt.core.compare.TensorComparator;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.core.plugins.IsolatedPlugin;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.plugins.PluginCalls;
import org.bptt.reference.ReferenceAggregatedRnn;

/**
 * What the tests share: one adapter instance (DL4J starts once, networks are cached as in a real run), the
 * reference oracle, and comparisons under the harness's default {@link TolerancePolicy}: for doubles
 * max(1e-12, 1e-9·|value|, 16 ulp)·√T, for float32 max(1e-6, 1e-4·|value|, 16 ulp)·√T. Its javadoc gives the
 * reasons; in short, DL4J and the reference evaluate the same sums in different orders, so they differ by rounding
 * (about 1e-16 relative per operation, a few thousand operations per element here), while any error in the
 * mathematics shows up at 1e-3 or more.
 */
final class Dl4jTestSupport {

    static final Dl4jSimpleRnn DL4J = new Dl4jSimpleRnn();
    static final Dl4jLstm DL4J_LSTM = new Dl4jLstm();
    static final Dl4jGravesLstm DL4J_GRAVES_LSTM = new Dl4jGravesLstm();
    static final RnnImplementation REFERENCE = new ReferenceAggregatedRnn();
    static final TensorComparator COMPARATOR = new TensorComparator(TolerancePolicy.defaults());
    private static final PluginCalls CALLS = new PluginCalls(java.time.Duration.ofSeconds(60));

    private Dl4jTestSupport() {
    }

    /** The LSTM plugin running {@code layer}. */
    static Dl4jRnnPlugin lstmPlugin(Dl4jRecurrentLayer layer) {
        return layer == Dl4jRecurrentLayer.LSTM ? DL4J_LSTM : DL4J_GRAVES_LSTM;
    }

    /** {@code implementation} behind its isolated calls, as the harness's commands call it. */
    static IsolatedPlugin isolated(RnnImplementation implementation) {
        return CALLS.isolate(LoadedPlugin.of(implementation, "test"));
    }

    /** Comparisons of the forward results: loss, outputs y and hidden states h (per-step tensors skip masked steps). */
    static List<QuantityComparison> compareForward(ModelSpec spec, Batch batch, ForwardResult expected,
                                                   ForwardResult actual) {
        List<QuantityComparison> comparisons = new ArrayList<>();
        int steps = batch.steps();
        comparisons.add(COMPARATOR.compareScalar(Quantity.LOSS, expected.loss(), actual.loss(), spec.dataType(), steps));
        comparisons.add(COMPARATOR.compare(Quantity.OUTPUTS, expected.outputs(), actual.outputs(), batch.mask(),
                spec.head() == Head.PER_STEP_SOFTMAX ? IndexLabels.OUTPUT_PER_STEP : IndexLabels.OUTPUT_LAST_STEP,
                spec.dataType(), steps));
        comparisons.add(COMPARATOR.compare(Quantity.HIDDEN_STATES, expected.hiddenStates(), actual.hiddenStates(), batch.mask(),
                IndexLabels.HIDDEN_PER_STEP, spec.dataType(), steps));
        return comparisons;
    }

    /** Comparisons of the loss and the parameter gradients (five, or three without biases). */
    static List<QuantityComparison> compareParameterGradients(ModelSpec spec, Batch batch, GradientResult expected,
                                                              GradientResult actual) {
        List<QuantityComparison> comparisons = new ArrayList<>();
        int steps = batch.steps();
        comparisons.add(COMPARATOR.compareScalar(Quantity.GRADIENT_LOSS, expected.loss(), actual.loss(), spec.dataType(), steps));
        // byName leaves out absent biases (a spec without biases).
        for (String name : expected.parameterGradients().byName().keySet()) {
            Tensor expectedGradient = expected.parameterGradients().get(name);
            comparisons.add(COMPARATOR.compare(Quantity.gradientOf(name), expectedGradient, actual.parameterGradients().get(name),
                    null, IndexLabels.generic(expectedGradient.rank()), spec.dataType(), steps));
        }
        return comparisons;
    }

    static QuantityComparison compareInputGradients(ModelSpec spec, Batch batch, Tensor expected, Tensor actual) {
        return COMPARATOR.compare(Quantity.INPUT_GRADIENTS, expected, actual, batch.mask(), IndexLabels.INPUT_PER_STEP, spec.dataType(),
                batch.steps());
    }

    /** The failures among {@code comparisons}, one line each, prefixed with {@code context}; empty when all pass. */
    static List<String> failures(String context, List<QuantityComparison> comparisons) {
        List<String> failures = new ArrayList<>();
        for (QuantityComparison comparison : comparisons) {
            if (!comparison.passed()) {
                failures.add(context + ": " + comparison.quantity() + " " + comparison.failed() + " of "
                        + comparison.elements() + " elements differ; worst " + comparison.worst().describe());
            }
        }
        return failures;
    }

    /** The largest |a − b| over two tensors of the same shape (optionally only at unmasked steps). */
    static double maxAbsoluteDifference(Tensor a, Tensor b, Tensor mask) {
        double max = 0;
        for (int offset = 0; offset < a.length(); offset++) {
            if (mask != null && a.rank() >= 3) {
                int[] index = a.indexOf(offset);
                if (mask.get(index[0], index[1]) == 0) {
                    continue;
                }
            }
            max = Math.max(max, Math.abs(a.data()[offset] - b.data()[offset]));
        }
        return max;
    }
}
