package org.bptt.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.bptt.api.DataType;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.util.ListStatistics;

/** A cell's forks measured in separate rounds, put together as JMH puts the forks of one run together. */
class BenchRunnerTest {

    private static final Cell CELL = new Cell(CostModel.AGGREGATED, org.bptt.api.Cell.ELMAN, Shape.GRID.get(0), 8,
            Mode.FORWARD_BACKWARD, DataType.FLOAT64);

    @Test
    void forksOfSeparateRoundsMergeAsJmhsForksOfOneRun() {
        CellResult first = new CellResult(CELL, CellResult.Status.MEASURED, "", List.of(new double[] {10, 11, 12}),
                Double.NaN, 800, Double.NaN, 1);
        CellResult second = new CellResult(CELL, CellResult.Status.MEASURED, "", List.of(new double[] {14, 13, 15}),
                Double.NaN, 1000, Double.NaN, 1);

        CellResult merged = BenchRunner.mergeForks(List.of(first, second));

        assertEquals(2, merged.samplesByFork().size());
        assertArrayEquals(new double[] {10, 11, 12}, merged.samplesByFork().get(0));
        assertArrayEquals(new double[] {14, 13, 15}, merged.samplesByFork().get(1));
        // JMH's score error over the six samples: its own statistics class, at its 99.9% level (its Student t
        // quantile and Commons Statistics' agree to about 1e-12).
        ListStatistics jmh = new ListStatistics(new double[] {10, 11, 12, 14, 13, 15});
        assertEquals(jmh.getMeanErrorAt(0.999), merged.errorMs(), 1e-9 * jmh.getMeanErrorAt(0.999));
        assertEquals(900, merged.allocBytesPerCall(), 0);
        assertSame(first, BenchRunner.mergeForks(List.of(first)), "one fork is its own result");
    }
}
