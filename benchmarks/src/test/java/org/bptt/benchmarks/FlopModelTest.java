package org.bptt.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FlopModelTest extends BenchTestBase {

    @Test
    void forwardIsTwoOperationsPerMultiplyAddOfTheThreeProducts() {
        // B=1, d=16, H=32, K=16, T=8: U x_t is 32·16 = 512 multiply-adds, W h 32·32 = 1024, V h 16·32 = 512:
        // 2048 a step, 4096 operations, 8 steps: 32768.
        Shape shape = new Shape(1, 16, 32, 16);
        assertEquals(32_768, FlopModel.forward(shape, 8));
        assertEquals(65_536, FlopModel.backward(shape, 8));
        assertEquals(32_768, FlopModel.of(Mode.FORWARD, shape, 8));
        assertEquals(98_304, FlopModel.of(Mode.FORWARD_BACKWARD, shape, 8));
    }

    @Test
    void scalesWithBatchAndSteps() {
        Shape shape = new Shape(3, 5, 7, 2);
        // 7·5 + 7·7 + 7·2 = 98 multiply-adds per step and sequence.
        assertEquals(2.0 * 3 * 11 * 98, FlopModel.forward(shape, 11));
    }

    @Test
    void gflopsIsOperationsPerNanosecond() {
        Shape shape = new Shape(1, 16, 32, 16);
        // 98304 operations in 0.098304 ms = 98304 ns: one operation per nanosecond.
        assertEquals(1.0, FlopModel.gflops(Mode.FORWARD_BACKWARD, shape, 8, 0.098304), 1e-12);
    }
}
