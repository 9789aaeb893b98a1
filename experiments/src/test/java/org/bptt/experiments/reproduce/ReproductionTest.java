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
import org.bptt.reference.ReferenceFastRnn;
import org.bptt.reference.ReferenceRtrlRnn;
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
        Reproduction.Listener killAtFourthCellsSeventhStep = killAt(4, 7, started);
        assertThrows(Killed.class, () -> reproduction.runShard(REFERENCE, interrupted, 1, 1, killAtFourthCellsSeventhStep));
        try (var files = Files.list(interrupted.resolve(Reproduction.CELLS))) {
            assertEquals(3, files.filter(file -> file.toString().endsWith(".cell")).count(),
                    "three cells finished, the fourth left no checkpoint");
        }
        List<String> resumed = new ArrayList<>();
        List<String> planned = new ArrayList<>();
        int ran = reproduction.runShard(REFERENCE, interrupted, 1, 1, new Reproduction.Listener() {
            @Override
            public void planned(List<GridCell> cells) {
                cells.forEach(cell -> planned.add(cell.key()));
            }

            @Override
            public void cellStarted(GridCell cell, int done, int left) {
                resumed.add(cell.key());
                assertEquals(3 + resumed.size() - 1, done);
            }
        });
        assertEquals(5, ran);
        assertEquals(resumed, planned, "the run announces the cells it will train, the finished ones left out");
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
    void aShardKilledInTheMiddleResumesAndTheMergedShardsGiveTheTablesOfOneUninterruptedRun(@TempDir Path temp)
            throws IOException {
        Reproduction reproduction = new Reproduction(TINY);
        Path whole = temp.resolve("whole");
        reproduction.runShard(REFERENCE, whole, 1, 1, new Reproduction.Listener() { });

        List<Path> shards = List.of(temp.resolve("a"), temp.resolve("b"), temp.resolve("c"));
        reproduction.runShard(REFERENCE, shards.get(0), 1, 3, new Reproduction.Listener() { });
        assertThrows(Killed.class, () -> reproduction.runShard(REFERENCE, shards.get(1), 2, 3, killAt(2, 5, new ArrayList<>())));
        assertEquals(1, reproduction.read(List.of(shards.get(1))).size(), "shard 2 finished one cell before the kill");
        assertEquals(2, reproduction.runShard(REFERENCE, shards.get(1), 2, 3, new Reproduction.Listener() { }),
                "the resumed shard runs the killed cell again and the one after it");
        reproduction.runShard(REFERENCE, shards.get(2), 3, 3, new Reproduction.Listener() { });
        assertEquals(csv(reproduction, List.of(whole)), csv(reproduction, shards));
    }

    @Test
    void cellsTrainedOnThreeThreadsGiveTheCheckpointsAndTablesOfOne(@TempDir Path temp) throws IOException {
        Reproduction reproduction = new Reproduction(TINY);
        Path one = temp.resolve("one");
        Path three = temp.resolve("three");
        reproduction.runShard(REFERENCE, one, 1, 1, new Reproduction.Listener() { });
        List<String> started = java.util.Collections.synchronizedList(new ArrayList<>());
        assertEquals(8, reproduction.runShard(List.of(List.of(REFERENCE), List.of(TestCalls.isolated(new ReferenceAggregatedRnn())),
                List.of(TestCalls.isolated(new ReferenceAggregatedRnn()))), three, 1, 1, new Reproduction.Listener() {
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
    void selectionsRunIntoOneFolderAddUpToTheGridAndTheirCheckpointsAreTheFullRunsOwn(@TempDir Path temp) throws IOException {
        Reproduction whole = new Reproduction(TINY);
        Path full = temp.resolve("full");
        whole.runShard(REFERENCE, full, 1, 1, new Reproduction.Listener() { });

        Reproduction shortOnes = new Reproduction(TINY, CellSelection.parse(List.of("T=10"), TINY));
        Reproduction smartClipped = new Reproduction(TINY,
                CellSelection.parse(List.of("T=12", "network=smart-tanh", "method=sgd-c"), TINY));
        Path sliced = temp.resolve("sliced");
        assertEquals(4, shortOnes.runShard(REFERENCE, sliced, 1, 1, new Reproduction.Listener() { }));
        assertEquals(1, smartClipped.runShard(REFERENCE, sliced, 1, 1, new Reproduction.Listener() { }));
        assertEquals(List.of("0004-pascanu-adding-T12-basic-tanh-sgd-s1", "0005-pascanu-adding-T12-basic-tanh-sgd-c-s1",
                        "0006-pascanu-adding-T12-smart-tanh-sgd-s1"),
                whole.missing(whole.read(List.of(sliced))).stream().map(GridCell::key).toList(),
                "the cells neither selection holds are missing from the grid");
        for (GridCell cell : smartClipped.cells()) {
            assertEquals(Files.readString(Reproduction.checkpoint(full, cell)), Files.readString(Reproduction.checkpoint(sliced, cell)),
                    cell.key() + ": a selected cell keeps its key and its checkpoint");
        }
        assertEquals(List.of(), smartClipped.missing(smartClipped.read(List.of(sliced))), "a selection is complete on its own");

        whole.runShard(REFERENCE, sliced, 1, 1, new Reproduction.Listener() { });
        assertEquals(csv(whole, List.of(full)), csv(whole, List.of(sliced)), "the rest of the grid, run after, completes it");
    }

    @Test
    void eachCellTrainsOnTheFirstImplementationThatCanAndItsCheckpointSaysWhich(@TempDir Path temp) throws IOException {
        Preset lstmBesideElman = new Preset("tiny-lstm", true, "a test", Preset.Display.SEQUENCES_UNTIL_CRITERION,
                List.of(Preset.HOCHREITER_ADDING), List.of(10), List.of(Network.LSTM_1997, Network.TANH),
                List.of(Method.SGD), 1, 4, 0.5, 5, 6, 3, 20, 1.0, List.of(), List.of());
        Reproduction reproduction = new Reproduction(lstmBesideElman);
        IsolatedPlugin rtrl = TestCalls.isolated(new ReferenceRtrlRnn());
        reproduction.runShard(List.of(List.of(rtrl, REFERENCE)), temp.resolve("rtrl-first"), 1, 1, new Reproduction.Listener() { });
        Map<GridCell, CellResult> results = reproduction.read(List.of(temp.resolve("rtrl-first")));
        assertEquals(List.of("reference-aggregated", "reference-rtrl"),
                results.values().stream().map(CellResult::implementation).toList(),
                "reference-rtrl has no LSTM: the next one trains that cell");
        assertTrue(results.values().stream().noneMatch(CellResult::failed), results.toString());

        CellResult alone = reproduction.run(rtrl, reproduction.cells().get(0), new Reproduction.Listener() { });
        assertTrue(alone.failed() && alone.error().contains("reference-rtrl lacks [LSTM]"), alone.error());

        // The command's own order: reference-fast, which runs both cells, trains both.
        IsolatedPlugin fast = TestCalls.isolated(new ReferenceFastRnn());
        reproduction.runShard(List.of(List.of(fast, REFERENCE)), temp.resolve("fast-first"), 1, 1, new Reproduction.Listener() { });
        assertEquals(List.of("reference-fast", "reference-fast"), reproduction.read(List.of(temp.resolve("fast-first")))
                .values().stream().map(CellResult::implementation).toList());
    }

    @Test
    void theOnlinePresetDiffersFromTheMinibatchOneInTheUpdateRuleAlone() {
        for (boolean quick : new boolean[] {false, true}) {
            Preset minibatches = Presets.get("hochreiter1997", quick);
            Preset online = Presets.get("hochreiter1997-online", quick);
            assertEquals(1, online.batchSize());
            assertEquals(20, minibatches.batchSize());
            // As many training sequences in all, and between two evaluations, on the same grid and held-out sets.
            assertEquals((long) minibatches.steps() * minibatches.batchSize(), (long) online.steps() * online.batchSize());
            assertEquals(minibatches.evaluateEvery() * minibatches.batchSize(), online.evaluateEvery() * online.batchSize());
            assertEquals(new Reproduction(minibatches).cells(), new Reproduction(online).cells());
            assertEquals(List.of(minibatches.tasks(), minibatches.lengths(), minibatches.networks(), minibatches.methods(),
                            minibatches.seeds(), minibatches.hiddenSize(), minibatches.learningRate(),
                            minibatches.evaluationSize(), minibatches.paperResults()),
                    List.of(online.tasks(), online.lengths(), online.networks(), online.methods(), online.seeds(),
                            online.hiddenSize(), online.learningRate(), online.evaluationSize(), online.paperResults()));
        }
    }

    @Test
    void anOnlineCellIsEvaluatedAfterAsManySequencesAsAMinibatchCell() {
        GridCell cell = new Reproduction(Presets.get("hochreiter1997", true)).cells().stream()
                .filter(gridCell -> gridCell.length() == 10 && gridCell.network() == Network.TANH).findFirst().orElseThrow();
        IsolatedPlugin fast = TestCalls.isolated(new ReferenceFastRnn());
        List<List<Long>> sequencesAtEvaluations = new ArrayList<>();
        for (String name : List.of("hochreiter1997", "hochreiter1997-online")) {
            Preset preset = Presets.get(name, true);
            CellResult result = new Reproduction(preset).run(fast, cell, new Reproduction.Listener() { });
            assertTrue(!result.failed() && result.divergedAtStep() == -1, result.toString());
            sequencesAtEvaluations.add(result.evaluations().stream()
                    .map(evaluation -> (long) evaluation.step() * preset.batchSize()).toList());
        }
        assertEquals(sequencesAtEvaluations.get(0), sequencesAtEvaluations.get(1));
        assertEquals(7, sequencesAtEvaluations.get(0).size(), "the untrained network, then every 500 sequences of 3000");
    }

    @Test
    void aSelectionNamesWhatIsWrongWithIt() {
        List<String> messages = new ArrayList<>();
        for (List<String> terms : List.of(List.of("T=11"), List.of("depth=2"), List.of("T"), List.of("T=10", "T=12"))) {
            messages.add(assertThrows(InvalidInputException.class, () -> CellSelection.parse(terms, TINY)).getMessage());
        }
        assertTrue(messages.get(0).contains("no value '11'") && messages.get(0).contains("10, 12"), messages.get(0));
        assertTrue(messages.get(1).contains("no dimension 'depth'") && messages.get(1).contains("task, T, network, method, seed"),
                messages.get(1));
        assertTrue(messages.get(2).contains("DIMENSION=VALUE"), messages.get(2));
        assertTrue(messages.get(3).contains("names T twice"), messages.get(3));
        assertEquals("T=12,10 method=sgd", CellSelection.parse(List.of("T=12,10", "method=sgd"), TINY).describe());
        // a value as the tables print it (SGD-C) names the same cells as its id (sgd-c), and is recorded as the id
        assertEquals("method=sgd-c", CellSelection.parse(List.of("method=SGD-C"), TINY).describe());
        assertEquals(2, new Reproduction(TINY, CellSelection.parse(List.of("T=12,10", "method=sgd", "network=basic-tanh"), TINY))
                .cells().size());
    }

    @Test
    void aFolderOfAnotherPresetIsRefused(@TempDir Path temp) throws IOException {
        new Reproduction(TINY).runShard(REFERENCE, temp, 2, 8, new Reproduction.Listener() { });
        Preset other = Presets.get("le2015", true);
        InvalidInputException error = assertThrows(InvalidInputException.class,
                () -> new Reproduction(other).runShard(REFERENCE, temp, 1, 1, new Reproduction.Listener() { }));
        assertTrue(error.getMessage().contains("another preset"), error.getMessage());
    }

    /** A listener that notes the cells started in {@code started} and kills the run at {@code step} of the cell-th. */
    private static Reproduction.Listener killAt(int cell, int step, List<String> started) {
        return new Reproduction.Listener() {
            @Override
            public void cellStarted(GridCell gridCell, int done, int left) {
                started.add(gridCell.key());
            }

            @Override
            public void step(GridCell gridCell, SgdTrainer.Step taken) {
                if (started.size() == cell && taken.step() == step) {
                    throw new Killed();
                }
            }
        };
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
