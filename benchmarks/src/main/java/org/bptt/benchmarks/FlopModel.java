package org.bptt.benchmarks;

import org.bptt.api.Cell;
import org.bptt.api.Topology;

/**
 * The floating-point operations a call is credited with, whatever the implementation does (so GFLOP/s compares
 * implementations on the same work). One multiply-add is two operations; elementwise work (activations, gates'
 * products, softmax, biases, peepholes) is not counted. Per sequence and step the forward pass multiplies each of the
 * cell's G weight pairs, U_* x_t and W_* h_{t-1}, and the head's V h_t, with G = {@link #weightPairs} (1 for the
 * Elman cell; 3 for the GRU: r, z, n; 4 for the LSTM: i, f, g, o):
 * <pre>
 *   forward          = 2·B·T·(G·(H·d + H²) + H·K)
 *   backward         = 2 · forward     (each product's gradient with respect to both its factors)
 *   forward+backward = 3 · forward
 * </pre>
 * A network of L layers and D directions per layer ({@link Topology}) does each direction's products of each layer:
 * layer 0 reads d inputs, layer ℓ &gt; 0 reads the layer below's output of size O (D·H when its directions are
 * concatenated, H when summed, averaged or multiplied), and the head reads the top layer's O:
 * <pre>
 *   forward = 2·B·T·(D·G·(H·d + H²) + (L − 1)·D·G·(H·O + H²) + O·K)
 * </pre>
 * which is the formula above for one forward layer (L = D = 1, O = H). Combining the directions is elementwise.
 * The naive O(T²) variant is credited with the same work as any other: its GFLOP/s is the useful throughput, and
 * falls as T grows.
 */
public final class FlopModel {

    private FlopModel() {
    }

    /**
     * G, the number of (U_*, W_*) pairs of {@code cell}: the Elman cell's U and W; the GRU's reset gate, update gate
     * and candidate; the LSTM's input, forget and output gates and cell candidate.
     */
    public static int weightPairs(Cell cell) {
        return switch (cell) {
            case ELMAN -> 1;
            case GRU -> 3;
            case LSTM -> 4;
        };
    }

    /** 2·B·T·(G·(H·d + H²) + H·K): one layer read forwards. */
    public static double forward(Cell cell, Shape shape, int steps) {
        return forward(cell, Topology.SINGLE, shape, steps);
    }

    /** 2·B·T·(D·G·(H·d + H²) + (L − 1)·D·G·(H·O + H²) + O·K), O the size of a layer's output. */
    public static double forward(Cell cell, Topology topology, Shape shape, int steps) {
        double d = shape.inputSize();
        double h = shape.hiddenSize();
        double k = shape.outputSize();
        double layerOutput = topology.layerOutputSize(shape.hiddenSize());
        double perDirectionAndGate = topology.directions() * weightPairs(cell);
        double firstLayer = perDirectionAndGate * (h * d + h * h);
        double upperLayers = (topology.layers() - 1) * perDirectionAndGate * (h * layerOutput + h * h);
        return 2.0 * shape.batchSize() * steps * (firstLayer + upperLayers + layerOutput * k);
    }

    /** 2 · forward. */
    public static double backward(Cell cell, Shape shape, int steps) {
        return 2 * forward(cell, shape, steps);
    }

    /** The work credited to one call in {@code mode}: one layer read forwards. */
    public static double of(Mode mode, Cell cell, Shape shape, int steps) {
        return of(mode, cell, Topology.SINGLE, shape, steps);
    }

    /** The work credited to one call in {@code mode} of a network of {@code topology}: forward, or 3 · forward. */
    public static double of(Mode mode, Cell cell, Topology topology, Shape shape, int steps) {
        double forward = forward(cell, topology, shape, steps);
        return mode == Mode.FORWARD ? forward : 3 * forward;
    }

    /** Operations per second in GFLOP/s, for a call of {@code millisecondsPerCall}. */
    public static double gflops(Mode mode, Cell cell, Shape shape, int steps, double millisecondsPerCall) {
        return of(mode, cell, shape, steps) / (millisecondsPerCall * 1e6);
    }
}
