package org.bptt.experiments.reproduce;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bptt.experiments.train.SgdTrainer;
import org.bptt.outputs.Table;
import org.junit.jupiter.api.Test;

/** The paper's numbers beside ours: each matched with the median over our seeds of the same quantity. */
class PaperTableTest {

    @Test
    void eachNumberStandsBesideTheMedianOfOurSeeds() {
        List<PaperResult> paper = List.of(
                PaperResult.number(Preset.HOCHREITER_ADDING, 10, Network.LSTM_1997, Method.SGD,
                        PaperResult.Quantity.SEQUENCES_UNTIL_CRITERION, 74_000, "74,000", "Table 7"),
                PaperResult.number(Preset.HOCHREITER_ADDING, 10, Network.LSTM_1997, Method.SGD,
                        PaperResult.Quantity.FRACTION_WRONG, 1 / 2560.0, "1 out of 2560", "Table 7"),
                PaperResult.statement(Preset.HOCHREITER_ADDING, "a figure", "Figure 1"));
        Preset preset = new Preset("tiny", true, "a test", Preset.Display.SEQUENCES_UNTIL_CRITERION,
                List.of(Preset.HOCHREITER_ADDING), List.of(10), List.of(Network.LSTM_1997), List.of(Method.SGD), 3,
                4, 0.5, 20, 12, 1, 20, 1.0, List.of(), paper);
        Map<GridCell, CellResult> results = new LinkedHashMap<>();
        int[] solvedAt = {9, 5, 7};
        double[] finalWrong = {0.25, 0.0, 0.5};
        for (GridCell cell : preset.cells()) {
            int seed = (int) cell.seed() - 1;
            results.put(cell, new CellResult(cell.key(), "reference-aggregated", List.of(
                    new SgdTrainer.Evaluation(solvedAt[seed] - 1, 1.0, 0.5, 0.1),
                    new SgdTrainer.Evaluation(solvedAt[seed], 1.0, 1.0, 0.1),
                    new SgdTrainer.Evaluation(12, 1.0, 1 - finalWrong[seed], 0.1)), -1, "", ""));
        }
        Table table = new ReproductionResult(preset, results).paperTable();
        assertEquals(3, table.rows().size());
        // solved at steps 9, 5, 7 with 20 sequences a step: the median is 7 · 20 = 140
        assertEquals("140.0", cell(table, 0, "ours"));
        assertEquals("74000.0", cell(table, 0, "paper"));
        // final fractions wrong 0.25, 0, 0.5: the median is 0.25
        assertEquals("0.25", cell(table, 1, "ours"));
        assertEquals("", cell(table, 2, "ours"));
    }

    @Test
    void sequencesToSquaredErrorCountTheFirstHeldOutEvaluationBelowOneTenthOnTheReportedScale() {
        List<PaperResult> paper = List.of(PaperResult.number(Preset.FIXED_LENGTH_ADDING, 10, Network.IRNN,
                Method.SGD_C, PaperResult.Quantity.SEQUENCES_TO_MSE_0_1, 1_390_000, "1,390,000", "a reproduction"));
        // squared errors are reported ×4 (the scale of X1 + X2): a mean squared error of 0.024 is 0.096, below 0.1
        Preset preset = new Preset("tiny", true, "a test", Preset.Display.SQUARED_ERROR_VS_STEPS,
                List.of(Preset.FIXED_LENGTH_ADDING), List.of(10), List.of(Network.IRNN), List.of(Method.SGD_C), 4,
                4, 0.01, 16, 30, 10, 20, 4.0, List.of(), paper);
        Map<GridCell, CellResult> results = new LinkedHashMap<>();
        double[][] squaredErrors = {
                {0.04, 0.024, 0.03, 0.02},      // first below 0.1 (×4) at step 10, even though it rises again
                {0.04, 0.026, 0.025, 0.02},     // 0.026 · 4 = 0.104 is not below: at step 30
                {0.04, 0.04, 0.04, 0.04},       // never
                {0.01, 0.01, 0.01, 0.01}};      // at step 0
        for (GridCell cell : preset.cells()) {
            double[] errors = squaredErrors[(int) cell.seed() - 1];
            List<SgdTrainer.Evaluation> evaluations = new ArrayList<>();
            for (int i = 0; i < errors.length; i++) {
                evaluations.add(new SgdTrainer.Evaluation(10 * i, 1.0, 0.5, errors[i]));
            }
            results.put(cell, new CellResult(cell.key(), "reference-fast", evaluations, -1, "", ""));
        }
        Table table = new ReproductionResult(preset, results).paperTable();
        // the seeds that got there: steps 10, 30 and 0, 16 sequences a step; the median is 10 · 16 = 160
        assertEquals("160.0", cell(table, 0, "ours"));
        assertEquals("1390000.0", cell(table, 0, "paper"));
    }

    private static String cell(Table table, int row, String column) {
        return table.rows().get(row).get(table.columns().indexOf(column));
    }
}
