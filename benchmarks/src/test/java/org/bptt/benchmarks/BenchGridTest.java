package org.bptt.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bptt.api.DataType;
import org.bptt.api.InvalidInputException;
import org.junit.jupiter.api.Test;

class BenchGridTest extends BenchTestBase {

    private static final List<String> ALL = BenchGrid.DEFAULT_IMPLEMENTATIONS;

    @Test
    void theNaiveVariantStopsWhereItsCallExceeds110Gflop() {
        BenchGrid grid = BenchGrid.full(ALL, DataType.FLOAT64);
        // Largest shape: forward+backward at T = 64 is 3·2·32·64·524288 = 6.44e9, times the ratio 1 + 63/4 = 16.75:
        // 108 GFLOP, within 110; at T = 128, 12.9e9 · (1 + 127/4) = 422 GFLOP, beyond. Next shape down, T = 128:
        // 3.22e9 · 32.75 = 105.5 GFLOP; T = 256: 417 GFLOP.
        assertEquals(64, grid.naiveMaxSteps(Shape.GRID.get(3)));
        assertEquals(128, grid.naiveMaxSteps(Shape.GRID.get(2)));
        assertEquals(256, grid.naiveMaxSteps(Shape.GRID.get(1)));
        assertEquals(512, grid.naiveMaxSteps(Shape.GRID.get(0)));
        assertEquals("1x16x32x16: T ≤ 512; 16x64x128x64: T ≤ 256; 32x128x256x128: T ≤ 128; 32x256x512x256: T ≤ 64",
                grid.naiveLimits());
    }

    @Test
    void theFullGridRunsEveryCellButTheNaiveBeyondBudget() {
        BenchGrid grid = BenchGrid.full(ALL, DataType.FLOAT64);
        assertEquals(4 * 4 * 7 * 2, grid.allCells().size());
        // The naive forward+backward misses 0 + 1 + 2 + 3 of its 28 cells; its forward pass runs everywhere.
        assertEquals(4 * 4 * 7 * 2 - 6, grid.cells().size());
        Cell beyond = new Cell(CostModel.NAIVE, Shape.GRID.get(3), 128, Mode.FORWARD_BACKWARD, DataType.FLOAT64);
        assertFalse(grid.runs(beyond));
        assertTrue(grid.runs(new Cell(CostModel.NAIVE, Shape.GRID.get(3), 128, Mode.FORWARD, DataType.FLOAT64)));
        assertTrue(grid.runs(new Cell("dl4j", Shape.GRID.get(3), 512, Mode.FORWARD_BACKWARD, DataType.FLOAT64)));
    }

    @Test
    void theQuickGridIsTheTwoSmallerShapesAtThreeLengthsForwardBackwardPlusTheAggregatedForwardPass() {
        BenchGrid grid = BenchGrid.quick(ALL, DataType.FLOAT64);
        assertEquals(List.of(Shape.GRID.get(0), Shape.GRID.get(1)), grid.shapes());
        assertEquals(List.of(16, 32, 64), grid.steps());
        // Forward + backward for all four, and the forward pass of reference-aggregated alone (the cost model's φ).
        assertEquals(4 * 2 * 3 + 2 * 3, grid.cells().size());
        assertEquals(2 * 3, grid.cells().stream().filter(cell -> cell.mode() == Mode.FORWARD)
                .filter(cell -> cell.implementation().equals(CostModel.AGGREGATED)).count());
    }

    @Test
    void restrictingKeepsWhatIsNotRestrictedAndRenamesTheGrid() {
        BenchGrid grid = BenchGrid.full(ALL, DataType.FLOAT64).restrictedTo(List.of(Shape.GRID.get(1)), List.of(64, 32), null);
        assertEquals("custom", grid.name());
        assertEquals(List.of(32, 64), grid.steps());
        assertEquals(2, grid.modes().size());
        assertEquals("full", BenchGrid.full(ALL, DataType.FLOAT64).restrictedTo(null, List.of(), null).name());
    }

    @Test
    void shapesParseAndRejectWithTheText() {
        assertEquals(new Shape(16, 64, 128, 64), Shape.parse("16x64x128x64"));
        assertEquals("16x64x128x64", Shape.parse("16x64x128x64").toString());
        InvalidInputException wrong = assertThrows(InvalidInputException.class, () -> Shape.parse("16x64x128"));
        assertTrue(wrong.getMessage().contains("'16x64x128'"), wrong.getMessage());
        assertThrows(InvalidInputException.class, () -> Shape.parse("16x64xHx64"));
        assertThrows(InvalidInputException.class, () -> Shape.parse("0x64x128x64"));
    }

    @Test
    void theRunTimeEstimateAddsForksIterationsAndCalls() {
        JmhSettings settings = new JmhSettings(2, 1, java.time.Duration.ofSeconds(1), 2, java.time.Duration.ofSeconds(1),
                "1g", 1, false);
        // One forward cell of the aggregated reference: 1.75 GFLOP at the assumed 3.5 GFLOP/s is 1/2 s a call; a fork
        // is 1.5 s to start + 3 iterations × (1 s + 1/2 s) = 6 s; two forks 12 s. No memory probe for forward cells.
        Shape shape = new Shape(1, 1, 1, 1);
        int steps = (int) (1.75e9 / FlopModel.forward(shape, 1));
        Cell cell = new Cell(CostModel.AGGREGATED, shape, steps, Mode.FORWARD, DataType.FLOAT64);
        assertEquals(12, RunTimeEstimate.of(List.of(cell), settings).toSeconds(), 1);
    }
}
