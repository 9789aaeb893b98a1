package org.bptt.experiments.clipping;

import java.util.List;
import java.util.Map;
import org.bptt.api.InvalidInputException;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;

/**
 * Gradient clipping on {@link Parameters}-shaped gradients g = dL/dθ. Every method returns a new object and leaves
 * its argument unchanged.
 *
 * <ul>
 *   <li><b>By global norm</b> (Pascanu, Mikolov &amp; Bengio 2013, Algorithm 1): when ‖g‖ &gt; threshold, with ‖g‖
 *       the Euclidean norm over all of U, W, b, V, c together, g ← threshold · g / ‖g‖. The direction is kept; only
 *       the step length is capped.</li>
 *   <li><b>By value</b>: every element is clamped to [−threshold, threshold]. The direction can change.</li>
 *   <li><b>By norm per group</b>: each group of parameters is rescaled by its own norm, as above. DL4J's
 *       {@code GradientNormalization.ClipL2PerLayer} is {@link #LAYERS} (the recurrent layer {U, W, b}, the output
 *       layer {V, c}); {@code ClipL2PerParamType} is {@link #EACH_PARAMETER}; {@code ClipElementWiseAbsoluteValue}
 *       is {@link #byValue}. DL4J clips inside its updater, after dividing the summed gradient by the minibatch size,
 *       so its clipped update matches these methods applied to the gradient of the loss averaged over the batch
 *       ({@link org.bptt.api.LossReduction#MEAN_OVER_BATCH}).</li>
 * </ul>
 *
 * <p><b>Comparing with DL4J</b> needs DL4J internals and is left to the DL4J adapter: configure its network with the
 * {@code GradientNormalization} and threshold, an {@code Sgd(η)} updater and no regularization, run one {@code fit}
 * on the batch from the harness's weights, and compare (θ_before − θ_after)/η with the matching method here applied
 * to the reference's gradient of the {@code MEAN_OVER_BATCH} loss on the same batch. The adapter does this
 * ({@code org.bptt.dl4j.Dl4jClippedUpdate}, tested by {@code Dl4jClippedUpdateTest}): DL4J 1.0.0-M2.1 agrees with
 * {@link #byValue} and {@link #byGroupNorm} for {@link #LAYERS} and {@link #EACH_PARAMETER} to rounding.
 *
 * <p>Norms are computed with scaling (by the largest magnitude) so that a finite gradient of 1e200 still has a finite
 * norm and is clipped correctly. A gradient with a NaN or infinite element has no direction to keep: it is returned
 * unchanged (as a copy) and the caller must treat the step as diverged.
 */
public final class GradientClipping {

    /** DL4J's layers: the SimpleRnn layer holds U, W, b; the output layer V, c. */
    public static final List<List<String>> LAYERS = List.of(List.of(ParameterNames.U, ParameterNames.W, ParameterNames.B),
            List.of(ParameterNames.V, ParameterNames.C));
    /** Every parameter its own group. */
    public static final List<List<String>> EACH_PARAMETER = ParameterNames.ALL.stream().map(List::of).toList();

    private GradientClipping() {
    }

    /** ‖g‖ over every element of every present parameter (NaN or ∞ if an element is). */
    public static double globalNorm(Parameters gradient) {
        return norm(gradient, List.copyOf(gradient.byName().keySet()));
    }

    /** The norm over the parameters in {@code names} that are present. */
    public static double norm(Parameters gradient, List<String> names) {
        double largest = 0;
        for (String name : names) {
            Tensor tensor = gradient.get(name);
            if (tensor == null) {
                continue;
            }
            for (double value : tensor.data()) {
                if (Double.isNaN(value)) {
                    return Double.NaN;
                }
                largest = Math.max(largest, Math.abs(value));
            }
        }
        if (largest == 0 || Double.isInfinite(largest)) {
            return largest;
        }
        double sum = 0;
        for (String name : names) {
            Tensor tensor = gradient.get(name);
            if (tensor == null) {
                continue;
            }
            for (double value : tensor.data()) {
                double scaled = value / largest;
                sum += scaled * scaled;
            }
        }
        return largest * Math.sqrt(sum);
    }

    /** g · threshold / ‖g‖ when ‖g‖ &gt; threshold, else a copy of g. */
    public static Parameters byGlobalNorm(Parameters gradient, double threshold) {
        requireThreshold(threshold);
        return byGroupNorm(gradient, threshold, List.of(List.copyOf(gradient.byName().keySet())));
    }

    /** Each group of parameters rescaled to norm {@code threshold} when its own norm exceeds it. */
    public static Parameters byGroupNorm(Parameters gradient, double threshold, List<List<String>> groups) {
        requireThreshold(threshold);
        Parameters clipped = gradient.copy();
        for (List<String> group : groups) {
            double norm = norm(gradient, group);
            if (!Double.isFinite(norm) || norm <= threshold) {
                continue;
            }
            double factor = threshold / norm;
            for (String name : group) {
                Tensor tensor = clipped.get(name);
                if (tensor == null) {
                    continue;
                }
                double[] data = tensor.data();
                for (int i = 0; i < data.length; i++) {
                    data[i] *= factor;
                }
            }
        }
        return clipped;
    }

    /** Every element clamped to [−threshold, threshold] (NaN stays NaN). */
    public static Parameters byValue(Parameters gradient, double threshold) {
        requireThreshold(threshold);
        Parameters clipped = gradient.copy();
        for (Map.Entry<String, Tensor> entry : clipped.byName().entrySet()) {
            double[] data = entry.getValue().data();
            for (int i = 0; i < data.length; i++) {
                data[i] = Math.max(-threshold, Math.min(threshold, data[i]));
            }
        }
        return clipped;
    }

    private static void requireThreshold(double threshold) {
        InvalidInputException.require(threshold > 0 && Double.isFinite(threshold),
                "clipping threshold must be positive and finite, got %s", threshold);
    }
}
