package org.bptt.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.bptt.api.Cell;
import org.bptt.api.Combine;
import org.bptt.api.Topology;
import org.junit.jupiter.api.Test;

class FlopModelTest extends BenchTestBase {

    @Test
    void forwardIsTwoOperationsPerMultiplyAddOfTheThreeProducts() {
        // B=1, d=16, H=32, K=16, T=8: U x_t is 32·16 = 512 multiply-adds, W h 32·32 = 1024, V h 16·32 = 512:
        // 2048 a step, 4096 operations, 8 steps: 32768.
        Shape shape = new Shape(1, 16, 32, 16);
        assertEquals(32_768, FlopModel.forward(Cell.ELMAN, shape, 8));
        assertEquals(65_536, FlopModel.backward(Cell.ELMAN, shape, 8));
        assertEquals(32_768, FlopModel.of(Mode.FORWARD, Cell.ELMAN, shape, 8));
        assertEquals(98_304, FlopModel.of(Mode.FORWARD_BACKWARD, Cell.ELMAN, shape, 8));
    }

    @Test
    void scalesWithBatchAndSteps() {
        Shape shape = new Shape(3, 5, 7, 2);
        // 7·5 + 7·7 + 7·2 = 98 multiply-adds per step and sequence.
        assertEquals(2.0 * 3 * 11 * 98, FlopModel.forward(Cell.ELMAN, shape, 11));
    }

    @Test
    void gflopsIsOperationsPerNanosecond() {
        Shape shape = new Shape(1, 16, 32, 16);
        // 98304 operations in 0.098304 ms = 98304 ns: one operation per nanosecond.
        assertEquals(1.0, FlopModel.gflops(Mode.FORWARD_BACKWARD, Cell.ELMAN, shape, 8, 0.098304), 1e-12);
    }

    /**
     * B = 2, d = 2, H = 3, K = 2, T = 5, counted product by product from the cells' equations (package documentation
     * of harness-api): each gate's U_* x_t is a [3, 2] matrix times a vector, 6 multiply-adds; each W_* h_{t-1} a
     * [3, 3] one, 9; the head's V h_t a [2, 3] one, 6.
     */
    @Test
    void theGatedCellsCountEveryGatesProducts() {
        Shape shape = new Shape(2, 2, 3, 2);
        int ux = 3 * 2;
        int wh = 3 * 3;
        int vh = 2 * 3;
        // GRU: r = σ(U_r x + W_r h + b_r), z = σ(U_z x + W_z h + b_z), n = tanh(U_n x + b_n + r ⊙ (W_n h)).
        int gruPerStep = (ux + wh) + (ux + wh) + (ux + wh) + vh;
        // LSTM: i, f, g and o each U_* x + W_* h + b_*; c and h elementwise.
        int lstmPerStep = (ux + wh) + (ux + wh) + (ux + wh) + (ux + wh) + vh;
        assertEquals(51, gruPerStep);
        assertEquals(66, lstmPerStep);
        assertEquals(2.0 * gruPerStep * 2 * 5, FlopModel.forward(Cell.GRU, shape, 5));
        assertEquals(2.0 * lstmPerStep * 2 * 5, FlopModel.forward(Cell.LSTM, shape, 5));
        // Backward: the gradient of each product with respect to both its factors, twice the forward's.
        assertEquals(3 * 2.0 * lstmPerStep * 2 * 5, FlopModel.of(Mode.FORWARD_BACKWARD, Cell.LSTM, shape, 5));
        assertEquals(2 * 2.0 * gruPerStep * 2 * 5, FlopModel.backward(Cell.GRU, shape, 5));
    }

    /**
     * Two bidirectional LSTM layers, directions concatenated, B = 2, d = 2, H = 3, K = 2, T = 5, counted product by
     * product: layer 0 has two directions of four gates, each U_* x_t a [3, 2] matrix times a vector (6 multiply-adds)
     * and W_* h_{t-1} a [3, 3] one (9); layer 1 reads the concatenation [h_fwd; h_rev] of 6 values, so its U_* are
     * [3, 6] (18); the head's V is [2, 6] (12).
     */
    @Test
    void aStackedBidirectionalNetworkCountsEveryLayerAndDirection() {
        Shape shape = new Shape(2, 2, 3, 2);
        int layer0 = 2 * 4 * (6 + 9);
        int layer1 = 2 * 4 * (18 + 9);
        int head = 12;
        assertEquals(120, layer0);
        assertEquals(216, layer1);
        double forward = 2.0 * (layer0 + layer1 + head) * 2 * 5;
        assertEquals(forward, FlopModel.forward(Cell.LSTM, Topology.bidirectional(2, Combine.CONCAT), shape, 5));
        assertEquals(3 * forward, FlopModel.of(Mode.FORWARD_BACKWARD, Cell.LSTM, Topology.bidirectional(2, Combine.CONCAT),
                shape, 5));
        // Summed directions: layer 1 reads H = 3 values ([3, 3] U_*, 9) and the head [2, 3] (6).
        double summed = 2.0 * (layer0 + 2 * 4 * (9 + 9) + 6) * 2 * 5;
        assertEquals(summed, FlopModel.forward(Cell.LSTM, Topology.bidirectional(2, Combine.SUM), shape, 5));
        // Three forward Elman layers: each layer's U x and W h, one direction, H inputs above the first.
        assertEquals(2.0 * ((6 + 9) + 2 * (9 + 9) + 6) * 2 * 5, FlopModel.forward(Cell.ELMAN, Topology.forward(3), shape, 5));
        // One forward layer is the single-layer count.
        assertEquals(FlopModel.forward(Cell.GRU, shape, 5), FlopModel.forward(Cell.GRU, Topology.SINGLE, shape, 5));
    }
}
