package org.bptt.experiments.reproduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bptt.api.InvalidInputException;
import org.bptt.core.plugins.IsolatedPlugin;
import org.bptt.experiments.TestCalls;
import org.bptt.experiments.train.SgdTrainer;
import org.bptt.outputs.Table;
import org.bptt.reference.ReferenceAggregatedRnn;
import org.bptt.reports.RunOutputs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints, resuming and shards: however a grid is cut and stopped, its tables are those of one plain run. */
class ReproductionTest {

    /** Eight small cells: two lengths × two networks × two methods, one seed, 12 steps each. */
    private static final Preset TINY = new Preset("tiny", true, "a test", Preset.Display.SUCCESS_RATE_VS_LENGTH,
            List.of(Preset.PASCANU_ADDING), List.of(10, 12), List.of(Network.BASIC_TANH, Network.SMART_TANH),
            List.of(Method.SGD, Method.SGD_C), 1, 4, 0.5, 5, 12, 4, 20, 1.0, List.of(), List.of());

    private static final IsolatedPlugin REFERENCE = TestCalls.isolated(new ReferenceAggregatedRnn());

    /** Thrown by a listener to stop a run as a kill would: in the middle of a cell, before its checkpoint. */
    private static final class Killed extends RuntimeException {
        Killed() {
            super("killed");
        }
    }

    @Test
    void aRunKilledInTheMiddleResumesAndGivesTheTablesOfAnUninterruptedRun(@TempDir Path temp) throws IOException {
        Reproduction reproduction = new Reproduction(TINY);
        Path whole = temp.resolve("whole");
        assertEquals(8, reproduction.runShard(REFERENCE, whole, 1, 1, new Reproduction.Listener() { }));

        Path interrupted = temp.resolve("interrupted");
        List<String> started = new ArrayList<>();
        Reproduction.Listener killAtFourthCellsSeventhStep = new Reproduction.Listener() {
            @Override
            public void cellStarted(GridCell cell, int done, int left) {
                started.add(cell.key());
            }

            @Override
            public void step(GridCell cell, SgdTrainer.Step step) {
                if (started.size() == 4 && step.step() == 7) {
                    throw new Killed();
                }
            }
        };
        assertThrows(Killed.class, () -> reproduction.runShard(REFERENCE, interrupted, 1, 1, killAtFourthCellsSeventhStep));
        try (var files = Files.list(interrupted.resolve(Reproduction.CELLS))) {
            assertEquals(3, files.filter(file -> file.toString().endsWith(".cell")).count(),
                    "three cells finished, the fourth left no checkpoint");
        }
        List<String> resumed = new ArrayList<>();
        int ran = reproduction.runShard(REFERENCE, interrupted, 1, 1, new Reproduction.Listener() {
            @Override
            public void cellStarted(GridCell cell, int done, int left) {
                resumed.add(cell.key());
                assertEquals(3 + resumed.size() - 1, done);
            }
        });
        assertEquals(5, ran);
        assertEquals(started.get(3), resumed.get(0), "the killed cell runs again, from its start");
        assertEquals(0, reproduction.runShard(REFERENCE, interrupted, 1, 1, new Reproduction.Listener() { }),
                "a finished run has nothing left to do");
        assertEquals(csv(reproduction, List.of(whole)), csv(reproduction, List.of(interrupted)));
    }

    @Test
    void shardsMergedGiveTheTablesOfOneRun(@TempDir Path temp) throws IOException {
        Reproduction reproduction = new Reproduction(TINY);
        Path whole = temp.resolve("whole");
        reproduction.runShard(REFERENCE, whole, 1, 1, new Reproduction.Listener() { });
        List<Path> shards = List.of(temp.resolve("a"), temp.resolve("b"), temp.resolve("c"));
        int cells = 0;
        for (int shard = 1; shard <= 3; shard++) {
            cells += reproduction.runShard(REFERENCE, shards.get(shard - 1), shard, 3, new Reproduction.Listener() { });
        }
        assertEquals(8, cells, "the shards cover the grid once");
        assertEquals(2, reproduction.missing(reproduction.read(shards.subList(0, 2))).size(), "shard 3 has 2 cells");
        assertEquals(csv(reproduction, List.of(whole)), csv(reproduction, shards));
    }

    @Test
    void cellsTrainedOnThreeThreadsGiveTheCheckpointsAndTablesOfOne(@TempDir Path temp) throws IOException {
        Reproduction reproduction = new Reproduction(TINY);
        Path one = temp.resolve("one");
        Path three = temp.resolve("three");
        reproduction.runShard(REFERENCE, one, 1, 1, new Reproduction.Listener() { });
        List<String> started = java.util.Collections.synchronizedList(new ArrayList<>());
        assertEquals(8, reproduction.runShard(List.of(REFERENCE, TestCalls.isolated(new ReferenceAggregatedRnn()),
                TestCalls.isolated(new ReferenceAggregatedRnn())), three, 1, 1, new Reproduction.Listener() {
                    @Override
                    public void cellStarted(GridCell cell, int done, int left) {
                        started.add(cell.key());
                    }
                }));
        assertEquals(8, started.size(), "every cell started once: " + started);
        try (var cells = Files.list(one.resolve(Reproduction.CELLS))) {
            for (Path cell : cells.sorted().toList()) {
                assertEquals(Files.readString(cell), Files.readString(three.resolve(Reproduction.CELLS).resolve(cell.getFileName())),
                        cell.getFileName() + " is the same checkpoint");
            }
        }
        assertEquals(csv(reproduction, List.of(one)), csv(reproduction, List.of(three)));
    }

    @Test
    void aFolderOfAnotherPresetIsRefused(@TempDir Path temp) throws IOException {
        new Reproduction(TINY).runShard(REFERENCE, temp, 2, 8, new Reproduction.Listener() { });
        Preset other = Presets.get("le2015", true);
        InvalidInputException error = assertThrows(InvalidInputException.class,
                () -> new Reproduction(other).runShard(REFERENCE, temp, 1, 1, new Reproduction.Listener() { }));
        assertTrue(error.getMessage().contains("another preset"), error.getMessage());
    }

    private static String csv(Reproduction reproduction, List<Path> folders) throws IOException {
        Map<GridCell, CellResult> results = reproduction.read(folders);
        assertEquals(List.of(), reproduction.missing(results));
        StringBuilder text = new StringBuilder();
        for (Table table : new ReproductionResult(reproduction.preset(), results).tables()) {
            text.append(RunOutputs.csv(table));
        }
        return text.toString();
    }
}
