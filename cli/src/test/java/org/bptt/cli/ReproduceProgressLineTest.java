package org.bptt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bptt.experiments.reproduce.CellResult;
import org.bptt.experiments.reproduce.GridCell;
import org.bptt.experiments.reproduce.Preset;
import org.bptt.experiments.reproduce.Presets;
import org.bptt.experiments.train.SgdTrainer;
import org.junit.jupiter.api.Test;

/**
 * The progress line's estimate of the time left: the time so far per sequence step trained (T × SGD steps), counting
 * the running cells' steps, times the sequence steps left; so a run of long cells has an estimate before the first
 * cell ends.
 */
class ReproduceProgressLineTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void estimatesTheTimeLeftFromTheStepsOfTheRunningCellBeforeAnyCellEnds() {
        Preset preset = Presets.get("le2015", true);     // T = 10 and 20, three networks each, 150 steps a cell
        List<GridCell> cells = preset.cells();
        AtomicLong clock = new AtomicLong(5 * SECOND);
        StringWriter log = new StringWriter();
        ReproduceCommand.ProgressLine progress = new ReproduceCommand.ProgressLine(preset, new PrintWriter(log), clock::get);
        progress.planned(cells);
        GridCell first = cells.get(0);
        assertEquals(10, first.length());
        progress.cellStarted(first, 0, cells.size());
        // 75 of the first cell's 150 steps in 75 s: 750 of the 13,500 sequence steps planned (3 · (10 + 20) · 150),
        // 12,750 left at 0.1 s each.
        clock.addAndGet(75 * SECOND);
        progress.step(first, new SgdTrainer.Step(75, 0.5, 1.0, 1.0));
        assertEquals("le2015: 0 done, 6 left, ETA 0:21:15 — " + first.key() + " step 75/150, loss 0.5000",
                log.toString().strip());

        // The cell ends after 150 s: 1500 sequence steps done, 12,000 left.
        clock.addAndGet(75 * SECOND);
        progress.cellFinished(first, new CellResult(first.key(), "reference-fast",
                List.of(new SgdTrainer.Evaluation(150, 0.25, 0.75, 0.1)), -1, "", ""));
        String[] lines = log.toString().strip().split("\n");
        assertEquals("le2015: 1 done, 5 left, ETA 0:20:00 — " + first.key() + ": held-out loss 0.2500, fraction wrong 0.2500",
                lines[lines.length - 1]);
    }
}
