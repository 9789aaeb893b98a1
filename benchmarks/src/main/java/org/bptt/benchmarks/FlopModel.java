package org.bptt.benchmarks;

/**
 * The floating-point operations a call is credited with, whatever the implementation does (so GFLOP/s compares
 * implementations on the same work). One multiply-add is two operations; elementwise work (f, softmax, biases) is
 * not counted. Per sequence and step the forward pass multiplies U x_t, W h_{t-1} and V h_t:
 * <pre>
 *   forward          = 2·B·T·(H·d + H² + H·K)
 *   backward         = 2 · forward     (each product's gradient with respect to both its factors)
 *   forward+backward = 3 · forward
 * </pre>
 * The naive O(T²) variant is credited with the same work as any other: its GFLOP/s is the useful throughput, and
 * falls as T grows.
 */
public final class FlopModel {

    private FlopModel() {
    }

    /** 2·B·T·(H·d + H² + H·K). */
    public static double forward(Shape shape, int steps) {
        double d = shape.inputSize();
        double h = shape.hiddenSize();
        double k = shape.outputSize();
        return 2.0 * shape.batchSize() * steps * (h * d + h * h + h * k);
    }

    /** 2 · forward. */
    public static double backward(Shape shape, int steps) {
        return 2 * forward(shape, steps);
    }

    /** The work credited to one call in {@code mode}. */
    public static double of(Mode mode, Shape shape, int steps) {
        return mode == Mode.FORWARD ? forward(shape, steps) : forward(shape, steps) + backward(shape, steps);
    }

    /** Operations per second in GFLOP/s, for a call of {@code millisecondsPerCall}. */
    public static double gflops(Mode mode, Shape shape, int steps, double millisecondsPerCall) {
        return of(mode, shape, steps) / (millisecondsPerCall * 1e6);
    }
}
