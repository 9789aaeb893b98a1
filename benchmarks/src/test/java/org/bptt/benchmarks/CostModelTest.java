package org.bptt.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
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
            assertEquals(1.0, CostModel.flopModelNaiveRatio(Mode.FORWARD_BACKWARD, org.bptt.api.Cell.ELMAN, shape, 1), 1e-15);
            assertEquals(2.0, CostModel.flopModelNaiveRatio(Mode.FORWARD_BACKWARD, org.bptt.api.Cell.ELMAN, shape, 5), 1e-12);
            assertEquals(1 + 255 / 4.0, CostModel.flopModelNaiveRatio(Mode.FORWARD_BACKWARD, org.bptt.api.Cell.ELMAN, shape, 256), 1e-12);
        }
    }

    @Test
    void theRatioFollowsTheShapesShareOfStepBackpropWork() {
        // d=4, H=2, K=3: H·d + H² = 12 of H·d + H² + H·K = 18, so 1 + (T − 1)·12/54 = 2 at T = 5.5, = 3 at T = 10.
        Shape shape = new Shape(5, 4, 2, 3);
        assertEquals(3.0, CostModel.flopModelNaiveRatio(Mode.FORWARD_BACKWARD, org.bptt.api.Cell.ELMAN, shape, 10), 1e-12);
        assertEquals(4.0 * 2 * 4 + 4.0 * 2 * 2, CostModel.stepBackpropFlops(org.bptt.api.Cell.ELMAN, shape));
    }

    @Test
    void forwardOnlyTheTwoVariantsAreTheSameCode() {
        assertEquals(1.0, CostModel.flopModelNaiveRatio(Mode.FORWARD, org.bptt.api.Cell.ELMAN, Shape.GRID.get(3), 512));
    }

    @Test
    void naiveFlopsAreTheAggregatedFlopsTimesTheRatio() {
        Shape shape = Shape.GRID.get(1);
        // Aggregated: 3 · 2 · 16 · 64 · (8192 + 16384 + 8192) operations; the naive adds (2080 − 64) step-backprops
        // of 4 · 128 · 64 + 4 · 128² per sequence.
        double aggregated = 3.0 * 2 * 16 * 64 * 32_768;
        double extra = 16.0 * (2080 - 64) * (4 * 128 * 64 + 4 * 128 * 128);
        assertEquals(aggregated + extra, CostModel.naiveFlops(org.bptt.api.Cell.ELMAN, shape, 64), 1e-6 * aggregated);
    }

    @Test
    void theStepCountPredictionIsTheFlopModelWhenTheForwardPassTakesAThird() {
        // φ = 1/3 is the FLOP model's forward share (2 of its 6 operations per step), so both must agree.
        for (Shape shape : List.of(Shape.GRID.get(1), new Shape(5, 4, 2, 3))) {
            for (int t : List.of(1, 7, 256)) {
                assertEquals(CostModel.flopModelNaiveRatio(Mode.FORWARD_BACKWARD, org.bptt.api.Cell.ELMAN, shape, t),
                        CostModel.predictedNaiveRatio(org.bptt.api.Cell.ELMAN, shape, t, 1.0 / 3), 1e-12);
            }
        }
    }

    @Test
    void theStepCountPredictionFollowsTheMeasuredForwardShare() {
        // Grid shape: q = 3/4. T = 33: the naive variant does 16 more step-backprops per step; with the forward pass
        // at half the call, step-backprops take 3/4 · 1/2 = 3/8 of it: 1 + 16 · 3/8 = 7.
        assertEquals(7.0, CostModel.predictedNaiveRatio(org.bptt.api.Cell.ELMAN, Shape.GRID.get(2), 33, 0.5), 1e-12);
        // All forward: nothing to multiply.
        assertEquals(1.0, CostModel.predictedNaiveRatio(org.bptt.api.Cell.ELMAN, Shape.GRID.get(2), 33, 1.0), 1e-12);
    }
}
