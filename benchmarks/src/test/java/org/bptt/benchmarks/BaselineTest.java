package org.bptt.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.bptt.api.DataType;
import org.bptt.reports.RunFolder;
import org.bptt.reports.RunOutputs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The baseline comparison flags a clear slowdown, and neither noise nor a small or unprovable change. */
class BaselineTest extends BenchTestBase {

    private static final Cell CELL = new Cell("reference-aggregated", org.bptt.api.Cell.ELMAN, Shape.GRID.get(1), 64, Mode.FORWARD_BACKWARD,
            DataType.FLOAT64);

    @Test
    void aClearTwentyPercentSlowdownIsFlagged() {
        Baseline.Comparison comparison = Baseline.compare(CELL, noisy(100, 0.03, 8), noisy(120, 0.03, 8));
        assertEquals(Baseline.Verdict.REGRESSION, comparison.verdict(), comparison.toString());
        assertTrue(comparison.change() > 0.1 && comparison.pSlower() < 0.01, comparison.toString());
    }

    @Test
    void noiseOfTheSameDistributionIsNotFlagged() {
        // Ten different draws of ±20% noise around the same median: none is a regression.
        for (int draw = 0; draw < 10; draw++) {
            Baseline.Comparison comparison = Baseline.compare(CELL, noisy(100, 0.2, 8), noisy(100, 0.2, 8));
            assertFalse(comparison.verdict() == Baseline.Verdict.REGRESSION, comparison.toString());
        }
    }

    @Test
    void aSignificantButSmallSlowdownIsNotFlagged() {
        // 5% slower, very consistently: the rank test is sure, the effect is below the 10% that matters.
        Baseline.Comparison comparison = Baseline.compare(CELL, noisy(100, 0.005, 8), noisy(105, 0.005, 8));
        assertTrue(comparison.pSlower() < 0.01, comparison.toString());
        assertEquals(Baseline.Verdict.NO_CLEAR_CHANGE, comparison.verdict());
    }

    @Test
    void aLargeSlowdownOnTooFewSamplesCannotBeFlagged() {
        // 3 against 3 samples: the smallest one-sided p is 1/20, never below 0.01 (a --quick run).
        Baseline.Comparison comparison = Baseline.compare(CELL, new double[] {10, 11, 12}, new double[] {20, 21, 22});
        assertEquals(0.05, comparison.pSlower(), 1e-15);
        assertEquals(Baseline.Verdict.NO_CLEAR_CHANGE, comparison.verdict());
    }

    @Test
    void aClearSpeedUpIsAnImprovement() {
        Baseline.Comparison comparison = Baseline.compare(CELL, noisy(100, 0.03, 8), noisy(70, 0.03, 8));
        assertEquals(Baseline.Verdict.IMPROVEMENT, comparison.verdict());
    }

    @Test
    void cellsMeasuredInOneRunOnlyAreNotCompared() {
        Cell other = new Cell("dl4j", org.bptt.api.Cell.ELMAN, Shape.GRID.get(0), 8, Mode.FORWARD, DataType.FLOAT64);
        Map<String, Baseline.CellSamples> baseline = Map.of(other.key(), new Baseline.CellSamples(other, new double[] {1, 2}));
        CellResult current = new CellResult(CELL, CellResult.Status.MEASURED, "", List.of(new double[] {5, 6}), 0.1,
                Double.NaN, Double.NaN, 1);
        List<Baseline.Comparison> comparisons = Baseline.compare(baseline, List.of(current));
        assertEquals(2, comparisons.size());
        assertTrue(comparisons.stream().allMatch(c -> c.verdict() == Baseline.Verdict.NOT_COMPARED));
        assertFalse(Baseline.anyRegression(comparisons));
    }

    @Test
    void samplesRoundTripThroughTheSamplesTable(@TempDir Path root) throws Exception {
        RunFolder run = RunFolder.create(root, "bench", Clock.systemUTC());
        CellResult result = new CellResult(CELL, CellResult.Status.MEASURED, "",
                List.of(new double[] {1.25, 1.5}, new double[] {0.1 + 0.2, 3e-9}), 0.1, 1024, Double.NaN, 1);
        BenchAnalysis analysis = new BenchAnalysis(List.of(result));
        new RunOutputs(run).writeTables(BenchTables.tables(analysis, List.of()));
        Map<String, Baseline.CellSamples> read = BenchTables.readSamples(run.path());
        assertEquals(List.of(CELL.key()), List.copyOf(read.keySet()));
        assertEquals(CELL, read.get(CELL.key()).cell());
        org.junit.jupiter.api.Assertions.assertArrayEquals(result.samples(), read.get(CELL.key()).samples());
    }
}
