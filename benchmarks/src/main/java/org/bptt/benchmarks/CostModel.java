package org.bptt.benchmarks;

/**
 * What the lecture's step counts predict for the naive variant against the aggregated one, both of the reference
 * (plugins {@value #NAIVE} and {@value #AGGREGATED}), stated in operations like {@link FlopModel}.
 *
 * <p>Both run the same forward pass and the same output layer (Vᵀ ∂L/∂o_t, dV and dc for every loss step, once);
 * per sequence and step that is 2·(H·d + H² + H·K) + 4·H·K operations. They differ in the step-backprops: one
 * step-backprop is the chain rule through one step of the recurrence, from the gradient reaching h_k to
 * dU += δ x_kᵀ, dW += δ h_{k-1}ᵀ, dL/dx_k += Uᵀ δ and Wᵀ δ: 4·H·d + 4·H² operations. The aggregated sweep does T
 * of them per sequence, which brings it to the {@link FlopModel}'s 6·(H·d + H² + H·K) per step; the naive one
 * does T(T+1)/2 (each loss term J(t), with the per-step softmax head, is carried back on its own through t + 1
 * steps). So
 * <pre>
 *   naive / aggregated = [6(Hd + H² + HK) + ((T+1)/2 − 1) · 4(Hd + H²)] / [6(Hd + H² + HK)]
 *                      = 1 + (T − 1) · (H·d + H²) / (3 · (H·d + H² + H·K))
 * </pre>
 * = 1 + (T − 1)/4 on every grid shape (d = K = H/2). Forward only, the ratio is 1: the passes are the same code.
 * The model assumes every operation runs at the same rate and leaves out elementwise work (f, f', softmax) and
 * per-call costs; the measured ratio tests how far that holds.
 */
public final class CostModel {

    /** The plugin ids the model is about. */
    public static final String NAIVE = "reference-naive";
    public static final String AGGREGATED = "reference-aggregated";

    private CostModel() {
    }

    /** Step-backprops per sequence of T steps with a loss at every step: T(T+1)/2 naive, T aggregated. */
    public static long stepBackprops(boolean naive, int steps) {
        return naive ? (long) steps * (steps + 1) / 2 : steps;
    }

    /**
     * The operations of one step-backprop: dU += δ x_kᵀ, dW += δ h_{k-1}ᵀ, Uᵀ δ and Wᵀ δ, 4·H·d + 4·H² (the
     * elementwise f' ⊙ g and db += δ not counted).
     */
    public static double stepBackpropFlops(Shape shape) {
        double d = shape.inputSize();
        double h = shape.hiddenSize();
        return 4 * h * d + 4 * h * h;
    }

    /** The predicted naive / aggregated time ratio for one call in {@code mode}. */
    public static double predictedNaiveRatio(Mode mode, Shape shape, int steps) {
        if (mode == Mode.FORWARD) {
            return 1.0;
        }
        double aggregated = FlopModel.of(Mode.FORWARD_BACKWARD, shape, steps);
        double extra = shape.batchSize() * (double) (stepBackprops(true, steps) - stepBackprops(false, steps))
                * stepBackpropFlops(shape);
        return (aggregated + extra) / aggregated;
    }

    /** The operations the naive variant really performs in one forward+backward call (its O(T²) work). */
    public static double naiveFlops(Shape shape, int steps) {
        return FlopModel.of(Mode.FORWARD_BACKWARD, shape, steps) * predictedNaiveRatio(Mode.FORWARD_BACKWARD, shape, steps);
    }
}
