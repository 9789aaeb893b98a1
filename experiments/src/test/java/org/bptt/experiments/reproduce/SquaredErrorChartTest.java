package org.bptt.experiments.reproduce;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bptt.experiments.train.SgdTrainer;
import org.bptt.outputs.ChartSpec;
import org.junit.jupiter.api.Test;

/** Le et al.'s chart: the held-out squared error against steps, median over the seeds, beside always answering 1. */
class SquaredErrorChartTest {

    @Test
    void theMedianOverTheSeedsIsDrawnAsItsLogarithmWithoutThePointsThatHaveNone() {
        Preset preset = new Preset("tiny", true, "a test", Preset.Display.SQUARED_ERROR_VS_STEPS,
                List.of(Preset.FIXED_LENGTH_ADDING), List.of(10), List.of(Network.IRNN), List.of(Method.SGD_C), 3,
                4, 0.01, 16, 20, 10, 20, 4.0, List.of(), List.of());
        double[][] squaredErrors = {
                {0.30, 0.040, 0.0},
                {0.20, 0.010, 0.0},
                {0.25, 0.025, 0.001}};
        Map<GridCell, CellResult> results = new LinkedHashMap<>();
        for (GridCell cell : preset.cells()) {
            double[] errors = squaredErrors[(int) cell.seed() - 1];
            results.put(cell, new CellResult(cell.key(), "reference-fast", List.of(
                    new SgdTrainer.Evaluation(0, 1.0, 0.0, errors[0]),
                    new SgdTrainer.Evaluation(10, 1.0, 0.5, errors[1]),
                    new SgdTrainer.Evaluation(20, 1.0, 1.0, errors[2])), -1, "", ""));
        }
        List<ChartSpec> charts = new ReproductionResult(preset, results).charts();

        assertEquals(1, charts.size());
        ChartSpec chart = charts.get(0);
        assertEquals(ChartSpec.TickLabels.POWERS_OF_TEN, chart.yAxis().tickLabels());
        ChartSpec.Series irnn = chart.seriesNamed("irnn SGD-C").orElseThrow();
        // medians 0.25 and 0.025, ×4 on the scale of X1 + X2: 1 and 0.1, drawn as log₁₀ 0 and −1; at step 20 the
        // median is 0, which has no logarithm
        assertEquals(List.of(0.0, 10.0), irnn.x());
        assertEquals(0.0, irnn.y().get(0), 1e-15);
        assertEquals(-1.0, irnn.y().get(1), 1e-15);
        ChartSpec.Series baseline = chart.seriesNamed("always 1 (MSE 1/6)").orElseThrow();
        assertEquals(-Math.log10(6), baseline.y().get(0), 1e-15);
        assertEquals(-Math.log10(6), baseline.y().get(1), 1e-15);
        assertEquals(List.of(0.0, 10.0), baseline.x());
    }
}
