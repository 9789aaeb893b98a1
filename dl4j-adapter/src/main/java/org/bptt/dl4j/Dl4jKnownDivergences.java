package org.bptt.dl4j;

import org.bptt.api.Batch;
import org.bptt.api.Case;
import org.bptt.api.ModelSpec;
import org.bptt.api.Truncation;

/**
 * Where DL4J 1.0.0-M2.1, run by {@link Dl4jSimpleRnn}, is known to differ from the exact values (the reference
 * and finite differences agree with each other there). The evidence is in {@code dl4j-adapter/KNOWN_DIVERGENCES.md}
 * and the tests that reproduce it; these predicates let a harness classify the affected comparisons.
 */
public final class Dl4jKnownDivergences {

    private Dl4jKnownDivergences() {
    }

    /**
     * dL/dx is wrong for last-step heads whenever the batch has a mask: {@code MultiLayerNetwork.calculateGradients}
     * passes the features mask where the labels mask belongs, so the loss is taken at every unmasked step (against
     * zero labels) instead of only the last. Loss and parameter gradients are not affected (they come from
     * {@code computeGradientAndScore}).
     */
    public static boolean inputGradientsDiverge(ModelSpec spec, Batch batch) {
        return spec.head().lastStepOnly() && batch.mask() != null;
    }

    /** {@link #inputGradientsDiverge(ModelSpec, Batch)} for a case. */
    public static boolean inputGradientsDiverge(Case testCase) {
        return inputGradientsDiverge(testCase.spec(), testCase.batch());
    }

    /**
     * DL4J's truncated gradients dL/dU, dL/dW, dL/db may differ from {@link Truncation}'s definition whenever the
     * truncation cuts anything (T &gt; min(k1, k2)), for three reasons: {@code tbpttBackLength} (k2) has no effect;
     * DL4J never backpropagates past the start of a chunk (where the definition reaches k2 steps back, for a last
     * chunk shorter than k2 or for k2 &gt; k1); and the SimpleRnn gradient of every chunk after the first is computed
     * on hidden states recomputed from h = 0 instead of the carried state (a bug). With T ≤ min(k1, k2) nothing is
     * cut and DL4J's result is full BPTT, as it should be.
     */
    public static boolean truncatedRecurrentGradientsDiverge(Batch batch, Truncation truncation) {
        return batch.steps() > Math.min(truncation.forwardLength(), truncation.backwardLength());
    }

    /**
     * DL4J's truncated gradients dL/dV and dL/dc (the output layer's) also differ when losses should be dropped:
     * a per-step head with k2 &lt; min(k1, T). DL4J ignores k2, so it keeps the losses of each chunk's first
     * k1 − k2 steps. For last-step heads the only loss term is the last step, which no chunk drops.
     */
    public static boolean truncatedOutputGradientsDiverge(ModelSpec spec, Batch batch, Truncation truncation) {
        return !spec.head().lastStepOnly()
                && truncation.backwardLength() < Math.min(truncation.forwardLength(), batch.steps());
    }
}
