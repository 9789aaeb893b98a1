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

    /** The full grid's Elman rows: the grid as it was before it had gated cells. */
    private static BenchGrid fullElman() {
        return BenchGrid.full(ALL, DataType.FLOAT64).restrictedTo(List.of(org.bptt.api.Cell.ELMAN), null, null, null);
    }

    @Test
    void theNaiveVariantStopsWhereItsCallExceeds110Gflop() {
        BenchGrid grid = fullElman();
        // Largest shape: forward+backward at T = 64 is 3·2·32·64·524288 = 6.44e9, times the ratio 1 + 63/4 = 16.75:
        // 108 GFLOP, within 110; at T = 128, 12.9e9 · (1 + 127/4) = 422 GFLOP, beyond. Next shape down, T = 128:
        // 3.22e9 · 32.75 = 105.5 GFLOP; T = 256: 417 GFLOP.
        assertEquals(64, grid.naiveMaxSteps(org.bptt.api.Cell.ELMAN, Shape.GRID.get(3)));
        assertEquals(128, grid.naiveMaxSteps(org.bptt.api.Cell.ELMAN, Shape.GRID.get(2)));
        assertEquals(256, grid.naiveMaxSteps(org.bptt.api.Cell.ELMAN, Shape.GRID.get(1)));
        assertEquals(512, grid.naiveMaxSteps(org.bptt.api.Cell.ELMAN, Shape.GRID.get(0)));
        assertEquals("1x16x32x16: T ≤ 512; 16x64x128x64: T ≤ 256; 32x128x256x128: T ≤ 128; 32x256x512x256: T ≤ 64",
                grid.naiveLimits());
    }

    /**
     * The gated cells' naive calls do G times the Elman cell's recurrent work (G = 3 for the GRU, 4 for the LSTM).
     * Largest shape, H·d + H² = 393216 and H·K = 131072: the GRU at T = 32 does 3·2·32·32·(3·393216 + 131072) =
     * 8.05e9 operations aggregated plus 32·(528 − 32) step-backprops of 3·4·393216, 74.9e9: 83 GFLOP, within 110; at
     * T = 64, 321 GFLOP. The LSTM at T = 32: 10.5e9 + 32·496·4·4·393216 = 99.9e9, 110.3 GFLOP, just beyond; at T = 16,
     * 29 GFLOP.
     */
    @Test
    void theFullGridHasGatedRowsAndTheirNaiveBudget() {
        BenchGrid grid = BenchGrid.full(ALL, DataType.FLOAT64);
        assertEquals(List.of(org.bptt.api.Cell.ELMAN, org.bptt.api.Cell.GRU, org.bptt.api.Cell.LSTM), grid.rnnCells());
        assertEquals(3 * 4 * 4 * 7 * 2, grid.allCells().size());
        assertEquals(32, grid.naiveMaxSteps(org.bptt.api.Cell.GRU, Shape.GRID.get(3)));
        assertEquals(16, grid.naiveMaxSteps(org.bptt.api.Cell.LSTM, Shape.GRID.get(3)));
        assertEquals(List.of(org.bptt.api.Cell.ELMAN), BenchGrid.quick(ALL, DataType.FLOAT64).rnnCells(), "the quick grid is as it was");
        Cell lstm = new Cell(CostModel.AGGREGATED, org.bptt.api.Cell.LSTM, Shape.GRID.get(1), 64, Mode.FORWARD, DataType.FLOAT64);
        assertEquals("reference-aggregated|16x64x128x64|64|forward|float64|lstm", lstm.key());
        assertEquals("reference-aggregated|16x64x128x64|64|forward|float64",
                new Cell(CostModel.AGGREGATED, org.bptt.api.Cell.ELMAN, Shape.GRID.get(1), 64, Mode.FORWARD, DataType.FLOAT64).key(),
                "an Elman cell's key is the one runs made before the gated cells wrote");
        assertEquals(List.of(org.bptt.api.Cell.GRU), grid.restrictedTo(List.of(org.bptt.api.Cell.GRU), null, null, null).rnnCells());
    }

    @Test
    void theFullGridRunsEveryCellButTheNaiveBeyondBudget() {
        BenchGrid grid = fullElman();
        assertEquals(4 * 4 * 7 * 2, grid.allCells().size());
        // The naive forward+backward misses 0 + 1 + 2 + 3 of its 28 cells; its forward pass runs everywhere.
        assertEquals(4 * 4 * 7 * 2 - 6, grid.cells().size());
        Cell beyond = new Cell(CostModel.NAIVE, org.bptt.api.Cell.ELMAN, Shape.GRID.get(3), 128, Mode.FORWARD_BACKWARD, DataType.FLOAT64);
        assertFalse(grid.runs(beyond));
        assertTrue(grid.runs(new Cell(CostModel.NAIVE, org.bptt.api.Cell.ELMAN, Shape.GRID.get(3), 128, Mode.FORWARD, DataType.FLOAT64)));
        assertTrue(grid.runs(new Cell("dl4j", org.bptt.api.Cell.ELMAN, Shape.GRID.get(3), 512, Mode.FORWARD_BACKWARD, DataType.FLOAT64)));
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
        BenchGrid grid = BenchGrid.full(ALL, DataType.FLOAT64).restrictedTo(null, List.of(Shape.GRID.get(1)), List.of(64, 32), null);
        assertEquals("custom", grid.name());
        assertEquals(List.of(32, 64), grid.steps());
        assertEquals(2, grid.modes().size());
        assertEquals("full", BenchGrid.full(ALL, DataType.FLOAT64).restrictedTo(null, null, List.of(), null).name());
    }

    @Test
    void aRestrictedQuickGridIsStillAFirstLook() {
        BenchGrid grid = BenchGrid.quick(ALL, DataType.FLOAT64).restrictedTo(null, null, List.of(16, 64), null);
        assertEquals(BenchGrid.QUICK, grid.name());
        assertEquals(List.of(16, 64), grid.steps());
        // four implementations' forward + backward and reference-aggregated's forward pass, at 2 shapes × 2 T
        assertEquals(4 * 2 * 2 + 2 * 2, grid.cells().size());
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
        int steps = (int) (1.75e9 / FlopModel.forward(org.bptt.api.Cell.ELMAN, shape, 1));
        Cell cell = new Cell(CostModel.AGGREGATED, org.bptt.api.Cell.ELMAN, shape, steps, Mode.FORWARD, DataType.FLOAT64);
        assertEquals(12, RunTimeEstimate.of(List.of(cell), settings).toSeconds(), 1);
    }

    @Test
    void aSlowCallGetsTheIterationsItsBudgetHoldsAndAFastCallTheFixedCount() {
        JmhSettings settings = JmhSettings.full();
        Shape shape = new Shape(1, 1, 1, 1);
        // The aggregated reference is assumed at 3.5 GFLOP/s: 7.35 GFLOP forward (6 FLOP a step on this shape) is a
        // 2.1 s call, and 30 s hold 14 of them.
        int slowSteps = (int) Math.round(7.35e9 / FlopModel.forward(org.bptt.api.Cell.ELMAN, shape, 1));
        Cell slow = new Cell(CostModel.AGGREGATED, org.bptt.api.Cell.ELMAN, shape, slowSteps, Mode.FORWARD, DataType.FLOAT64);
        assertEquals(14, settings.measuredIterations(slow));
        Cell fast = new Cell(CostModel.AGGREGATED, org.bptt.api.Cell.ELMAN, shape, 8, Mode.FORWARD, DataType.FLOAT64);
        assertEquals(settings.measurementIterations(), settings.measuredIterations(fast));
        // No budget: the fixed count for every call.
        assertEquals(settings.measurementIterations(), settings.withCellBudget(java.time.Duration.ZERO).measuredIterations(slow));
        // A call longer than the whole budget still gets the fixed count, not fewer.
        assertEquals(settings.measurementIterations(), settings.measuredIterations(callOf(42)));
    }

    @Test
    void aSlowCallWarmsUpForTheSameSecondsInFewerIterations() {
        JmhSettings settings = JmhSettings.full();
        assertEquals(4, settings.warmupIterations());
        // At the aggregated reference's assumed 3.5 GFLOP/s: a 2.1 s call covers the 4 s of warm-up in 2 calls, a
        // 1.5 s call in 3, a 42 s call still gets 2; a call shorter than an iteration gets the 4 iterations of 1 s.
        assertEquals(2, settings.warmupIterationsFor(callOf(2.1)));
        assertEquals(3, settings.warmupIterationsFor(callOf(1.5)));
        assertEquals(2, settings.warmupIterationsFor(callOf(42)));
        assertEquals(4, settings.warmupIterationsFor(callOf(0.01)));
        // The quick settings' single warm-up iteration stays one.
        assertEquals(1, JmhSettings.quick().warmupIterationsFor(callOf(2.1)));
    }

    /** A forward cell of the aggregated reference whose call the estimate puts at {@code seconds}. */
    private static Cell callOf(double seconds) {
        Shape shape = new Shape(4, 4, 4, 4);
        int steps = (int) Math.round(seconds * 3.5e9 / FlopModel.forward(org.bptt.api.Cell.ELMAN, shape, 1));
        Cell cell = new Cell(CostModel.AGGREGATED, org.bptt.api.Cell.ELMAN, shape, steps, Mode.FORWARD, DataType.FLOAT64);
        assertEquals(seconds, RunTimeEstimate.callSeconds(cell), seconds * 0.01, "the estimate the test assumes");
        return cell;
    }

    @Test
    void theOwnCallTimingsAreEstimatedPerForkFromTheirCalls() {
        JmhSettings settings = new JmhSettings(2, 1, java.time.Duration.ofSeconds(1), 2, java.time.Duration.ofSeconds(1),
                "1g", 1, false, java.time.Duration.ofSeconds(10));
        // A call of 1.8 GFLOP (6 FLOP a step on this shape) at the assumed 3.5 GFLOP/s takes 0.514 s: 1 s of warm-up
        // takes 2 calls, 10 s of budget hold 19; a fork is 5 s to start its JVM + 21 calls = 15.8 s, two forks 31.6 s.
        Shape shape = new Shape(1, 1, 1, 1);
        int steps = (int) Math.round(1.8e9 / FlopModel.forward(org.bptt.api.Cell.ELMAN, shape, 1));
        Cell cell = new Cell(CostModel.AGGREGATED, org.bptt.api.Cell.ELMAN, shape, steps, Mode.FORWARD, DataType.FLOAT64);
        assertEquals(2, settings.ownCallWarmUps(cell));
        assertEquals(19, settings.ownCallRepetitions(cell));
        assertEquals(32, RunTimeEstimate.ownCalls(List.of(cell), settings).toSeconds(), 1);
        assertEquals(0, RunTimeEstimate.ownCalls(List.of(), settings).toSeconds());
    }

    @Test
    void theDefaultGridIsOneForwardLayerAndItsKeysAreAsBefore() {
        BenchGrid grid = fullElman();
        assertEquals(List.of(org.bptt.api.Topology.SINGLE), grid.topologies());
        Cell first = grid.allCells().get(0);
        assertEquals("reference-aggregated|1x16x32x16|8|forward+backward|float64", first.key());
        assertEquals("reference-aggregated 1x16x32x16 T=8 forward+backward float64", first.toString());
    }

    @Test
    void aGridOfTopologiesHasEveryCellInEachAndNamesThem() {
        org.bptt.api.Topology stacked = org.bptt.api.Topology.forward(2);
        org.bptt.api.Topology bidirectional = org.bptt.api.Topology.bidirectional(2, org.bptt.api.Combine.CONCAT);
        BenchGrid grid = BenchGrid.quick(List.of(CostModel.AGGREGATED), DataType.FLOAT64)
                .withTopologies(List.of(stacked, bidirectional));
        assertEquals("custom", grid.name());
        List<Cell> cells = grid.allCells();
        // The quick grid's aggregated cells (2 shapes × 3 T × 2 modes) once per topology.
        assertEquals(2 * 12, cells.size());
        assertEquals(12, cells.stream().filter(cell -> cell.topology().equals(bidirectional)).count());
        Cell bi = cells.stream().filter(cell -> cell.topology().equals(bidirectional)).findFirst().orElseThrow();
        assertEquals("reference-aggregated|1x16x32x16|16|forward+backward|float64|l2-bi", bi.key());
        assertEquals("reference-aggregated l2-bi 1x16x32x16 T=16 forward+backward float64", bi.toString());
        assertEquals(FlopModel.of(Mode.FORWARD_BACKWARD, org.bptt.api.Cell.ELMAN, bidirectional, bi.shape(), 16), bi.flops());
        assertEquals("l2-bi lstm ", Cell.networkPrefix(org.bptt.api.Cell.LSTM, bidirectional));
        assertEquals("quick", BenchGrid.quick(List.of(CostModel.AGGREGATED), DataType.FLOAT64)
                .withTopologies(List.of(org.bptt.api.Topology.SINGLE)).name());
    }

    @Test
    void topologyNamesReadBack() {
        for (org.bptt.api.Topology topology : List.of(org.bptt.api.Topology.SINGLE, org.bptt.api.Topology.forward(3),
                org.bptt.api.Topology.bidirectional(1, org.bptt.api.Combine.CONCAT),
                org.bptt.api.Topology.bidirectional(2, org.bptt.api.Combine.MEAN))) {
            assertEquals(topology, Cell.parseTopology(Cell.topologyName(topology)));
        }
        assertEquals("l2-bi-mean", Cell.topologyName(org.bptt.api.Topology.bidirectional(2, org.bptt.api.Combine.MEAN)));
        InvalidInputException bad = assertThrows(InvalidInputException.class, () -> Cell.parseTopology("two-bi"));
        assertTrue(bad.getMessage().contains("'two-bi'"), bad.getMessage());
    }

    @Test
    void aPluginWithoutStackedOrBidirectionalIsSkippedWithTheReason() {
        Shape shape = Shape.GRID.get(0);
        org.bptt.api.ModelSpec spec = shape.spec(org.bptt.api.Cell.ELMAN)
                .withTopology(org.bptt.api.Topology.bidirectional(2, org.bptt.api.Combine.SUM));
        org.bptt.api.Batch batch = new org.bptt.api.Batch(org.bptt.api.Tensor.zeros(1, 1, spec.inputSize()),
                org.bptt.api.Tensor.zeros(1, 1, spec.outputSize()), null, null);
        // A plugin that runs every one-layer forward case of the shape, and then some.
        java.util.Set<org.bptt.api.Capability> oneLayer = java.util.EnumSet.copyOf(
                org.bptt.api.Capability.requiredBy(shape.spec(org.bptt.api.Cell.ELMAN), batch));
        assertEquals("one-layer lacks [STACKED, BIDIRECTIONAL_SUM]",
                BenchmarkCase.unsupportedReason("one-layer", oneLayer, spec, batch));
        java.util.Set<org.bptt.api.Capability> concatOnly = java.util.EnumSet.copyOf(oneLayer);
        concatOnly.addAll(List.of(org.bptt.api.Capability.STACKED, org.bptt.api.Capability.BIDIRECTIONAL_CONCAT));
        assertEquals("concat-only lacks [BIDIRECTIONAL_SUM]", BenchmarkCase.unsupportedReason("concat-only", concatOnly, spec, batch));
        java.util.Set<org.bptt.api.Capability> both = java.util.EnumSet.copyOf(concatOnly);
        both.add(org.bptt.api.Capability.BIDIRECTIONAL_SUM);
        assertEquals(null, BenchmarkCase.unsupportedReason("both", both, spec, batch));
    }
}
