package org.bptt.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CostModelTest extends BenchTestBase {

    @Test
    void stepCountsAreTheLecturesTriangleAndLine() {
        assertEquals(1, CostModel.stepBackprops(true, 1));
        assertEquals(36, CostModel.stepBackprops(true, 8));
        assertEquals(131_328, CostModel.stepBackprops(true, 512));
        assertEquals(512, CostModel.stepBackprops(false, 512));
    }

    @Test
    void onTheGridShapesTheRatioIsOnePlusTMinusOneOverFour() {
        // d = K = H/2: (H·H/2 + H²) / (3 (H·H/2 + H² + H·H/2)) = 1.5 / 6 = 1/4.
        for (Shape shape : Shape.GRID) {
            assertEquals(1.0, CostModel.predictedNaiveRatio(Mode.FORWARD_BACKWARD, shape, 1), 1e-15);
            assertEquals(2.0, CostModel.predictedNaiveRatio(Mode.FORWARD_BACKWARD, shape, 5), 1e-12);
            assertEquals(1 + 255 / 4.0, CostModel.predictedNaiveRatio(Mode.FORWARD_BACKWARD, shape, 256), 1e-12);
        }
    }

    @Test
    void theRatioFollowsTheShapesShareOfStepBackpropWork() {
        // d=4, H=2, K=3: H·d + H² = 12 of H·d + H² + H·K = 18, so 1 + (T − 1)·12/54 = 2 at T = 5.5, = 3 at T = 10.
        Shape shape = new Shape(5, 4, 2, 3);
        assertEquals(3.0, CostModel.predictedNaiveRatio(Mode.FORWARD_BACKWARD, shape, 10), 1e-12);
        assertEquals(4.0 * 2 * 4 + 4.0 * 2 * 2, CostModel.stepBackpropFlops(shape));
    }

    @Test
    void forwardOnlyTheTwoVariantsAreTheSameCode() {
        assertEquals(1.0, CostModel.predictedNaiveRatio(Mode.FORWARD, Shape.GRID.get(3), 512));
    }

    @Test
    void naiveFlopsAreTheAggregatedFlopsTimesTheRatio() {
        Shape shape = Shape.GRID.get(1);
        // Aggregated: 3 · 2 · 16 · 64 · (8192 + 16384 + 8192) operations; the naive adds (2080 − 64) step-backprops
        // of 4 · 128 · 64 + 4 · 128² per sequence.
        double aggregated = 3.0 * 2 * 16 * 64 * 32_768;
        double extra = 16.0 * (2080 - 64) * (4 * 128 * 64 + 4 * 128 * 128);
        assertEquals(aggregated + extra, CostModel.naiveFlops(shape, 64), 1e-6 * aggregated);
    }
}
