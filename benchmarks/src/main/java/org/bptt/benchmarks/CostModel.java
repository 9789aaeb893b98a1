package org.bptt.benchmarks;

import org.bptt.api.Cell;

/**
 * What the lecture's step counts predict for the naive variant against the aggregated one, both of the reference
 * (plugins {@value #NAIVE} and {@value #AGGREGATED}), stated in operations like {@link FlopModel}.
 *
 * <p>Written here for the Elman cell (G = 1); for a gated cell every H·d and H² below is G·H·d and G·H², G its
 * number of weight pairs ({@link FlopModel#weightPairs}), and the methods take the cell.
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
 * This FLOP-only ratio ({@link #flopModelNaiveRatio}) assumes every operation runs at the same rate: it credits the
 * forward pass with a third of the aggregated call's time.
 *
 * <p><b>The prediction the targets use</b> ({@link #predictedNaiveRatio(Shape, int, double)}) keeps the step counts and
 * drops that one assumption: the forward pass's share of the aggregated call is measured (its forward-only time over
 * its forward+backward time, both JMH medians of the same run). The rest of the call is the backward pass, split
 * between the output layer and the T step-backprops by their operations, so one aggregated call spends
 * q·(1 − φ) of its time in step-backprops, with φ the forward share and q = (H·d + H²)/(H·d + H² + H·K); the naive
 * variant runs (T+1)/2 times as many:
 * <pre>
 *   naive / aggregated = 1 + (T − 1)/2 · q · (1 − φ)        (φ = 1/3 gives the FLOP-only ratio back)
 * </pre>
 * Why: the forward pass carries the elementwise work the FLOP model leaves out (f on every hidden unit, the softmax's
 * exponentials) and its products are done for all steps at once, so it does not run at the step-backprops' rate;
 * measured here it takes 36–40% of an aggregated call on 16x64x128x64 and about 40% on 1x16x32x16, not 33%. Only
 * the aggregated variant's times enter the prediction: the naive variant's measured time is checked against it.
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
     * The operations of one step-backprop: dU_* += δ_* x_kᵀ, dW_* += δ_* h_{k-1}ᵀ, U_*ᵀ δ_* and W_*ᵀ δ_* for each of
     * the cell's G weight pairs, G·(4·H·d + 4·H²) (the elementwise work, f' ⊙ g, the gates' products and db += δ,
     * not counted).
     */
    public static double stepBackpropFlops(Cell cell, Shape shape) {
        double d = shape.inputSize();
        double h = shape.hiddenSize();
        return FlopModel.weightPairs(cell) * (4 * h * d + 4 * h * h);
    }

    /** The FLOP model's share of the forward pass in one aggregated forward+backward call: 1/3. */
    public static final double FLOP_MODEL_FORWARD_SHARE = 1.0 / 3.0;

    /**
     * q = G(H·d + H²)/(G(H·d + H²) + H·K): the step-backprops' share of the backward pass's operations (the rest is
     * the output layer, 4·H·K per step against 4·G·(H·d + H²)).
     */
    public static double stepBackpropShareOfBackward(Cell cell, Shape shape) {
        double d = shape.inputSize();
        double h = shape.hiddenSize();
        double k = shape.outputSize();
        double recurrent = FlopModel.weightPairs(cell) * (h * d + h * h);
        return recurrent / (recurrent + h * k);
    }

    /**
     * The naive / aggregated time ratio the step counts predict for one forward+backward call, given the forward
     * pass's share φ of the aggregated call: 1 + (T − 1)/2 · q · (1 − φ).
     *
     * @param forwardShare φ, the aggregated forward-only median over its forward+backward median (in [0, 1])
     */
    public static double predictedNaiveRatio(Cell cell, Shape shape, int steps, double forwardShare) {
        double extraStepBackpropsPerStep = (stepBackprops(true, steps) - stepBackprops(false, steps)) / (double) steps;
        return 1 + extraStepBackpropsPerStep * stepBackpropShareOfBackward(cell, shape) * (1 - forwardShare);
    }

    /** The FLOP-only ratio for one call in {@code mode}: every operation at the same rate (φ = 1/3); 1 forward only. */
    public static double flopModelNaiveRatio(Mode mode, Cell cell, Shape shape, int steps) {
        if (mode == Mode.FORWARD) {
            return 1.0;
        }
        double aggregated = FlopModel.of(Mode.FORWARD_BACKWARD, cell, shape, steps);
        double extra = shape.batchSize() * (double) (stepBackprops(true, steps) - stepBackprops(false, steps))
                * stepBackpropFlops(cell, shape);
        return (aggregated + extra) / aggregated;
    }

    /** The operations the naive variant really performs in one forward+backward call (its O(T²) work). */
    public static double naiveFlops(Cell cell, Shape shape, int steps) {
        return FlopModel.of(Mode.FORWARD_BACKWARD, cell, shape, steps)
                * flopModelNaiveRatio(Mode.FORWARD_BACKWARD, cell, shape, steps);
    }
}
