package org.bptt.experiments.reproduce;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.bptt.api.Batch;
import org.bptt.api.Capability;
import org.bptt.api.InvalidInputException;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.core.plugins.IsolatedPlugin;
import org.bptt.core.plugins.PluginCallFailure;
import org.bptt.datasets.SequenceTask;
import org.bptt.experiments.train.SgdTrainer;

/**
 * Runs the cells of a {@link Preset} and checkpoints each one as it finishes, so that a run on shards, or a run
 * stopped and started again, computes every cell exactly once.
 *
 * <p>A run's folder holds {@value #PRESET_FILE} (the preset's description: a folder of another preset is refused)
 * and {@value #CELLS}/{@code <key>.cell}, one file per finished cell, written atomically: a file there is a finished
 * cell, and a cell killed half way leaves no file and is run again. Every cell's weights, training batches and
 * held-out batch come from its seed alone ({@link #run}), so the same cell gives the same checkpoint on any shard,
 * in any order, on any machine with the same Java: merged shards are a single run.
 */
public final class Reproduction {

    /** The folder of the checkpoints in a run folder. */
    public static final String CELLS = "cells";
    /** The file naming the preset a run folder belongs to. */
    public static final String PRESET_FILE = "preset.txt";
    private static final String CHECKPOINT_SUFFIX = ".cell";

    /** What a run reports while it goes. */
    public interface Listener {
        /** The run will train these cells (of the shard and selection, not yet checkpointed), in this order. */
        default void planned(List<GridCell> cells) {
        }

        /** A cell starts; {@code done} cells of the shard are finished (earlier runs' included), {@code left} are not. */
        default void cellStarted(GridCell cell, int done, int left) {
        }

        /** One SGD step of {@code cell} was taken. */
        default void step(GridCell cell, SgdTrainer.Step step) {
        }

        /** A cell finished and its checkpoint is written. */
        default void cellFinished(GridCell cell, CellResult result) {
        }
    }

    /**
     * A plugin call timed out (or an earlier one is still running): every further call would wait for the timeout
     * again, so the run stops; the cell it happened in is not checkpointed, and a later run resumes from it.
     */
    public static final class PluginHung extends RuntimeException {
        private final GridCell cell;

        PluginHung(GridCell cell, PluginCallFailure failure) {
            super(failure.describe(), failure);
            this.cell = cell;
        }

        /** The cell that was running. */
        public GridCell cell() {
            return cell;
        }
    }

    private final Preset preset;
    private final CellSelection selection;

    /** The whole grid of {@code preset}. */
    public Reproduction(Preset preset) {
        this(preset, CellSelection.all());
    }

    /** The cells of {@code preset} that {@code selection} holds; the tables and charts cover those alone. */
    public Reproduction(Preset preset, CellSelection selection) {
        this.preset = preset;
        this.selection = selection;
    }

    public Preset preset() {
        return preset;
    }

    public CellSelection selection() {
        return selection;
    }

    /** The selected cells of the grid, in grid order. */
    public List<GridCell> cells() {
        return selection.of(preset.cells());
    }

    /**
     * Runs the cells of shard {@code shard}/{@code shards} that {@code folder} has no checkpoint of, in grid order.
     *
     * @return how many cells this call ran
     * @throws PluginHung            when a plugin call timed out: the cells finished before are checkpointed
     * @throws InvalidInputException when the folder belongs to another preset
     * @throws IOException           when a checkpoint cannot be written
     */
    public int runShard(IsolatedPlugin plugin, Path folder, int shard, int shards, Listener listener) throws IOException {
        return runShard(List.of(List.of(plugin)), folder, shard, shards, listener);
    }

    /**
     * {@link #runShard(IsolatedPlugin, Path, int, int, Listener)} with one worker thread per entry of {@code workers},
     * each taking the next cell not yet started, in grid order, and training it on the first of its implementations
     * that can ({@link #run(List, GridCell, Listener)}). A cell's result depends on its seed and the implementation
     * alone, so the checkpoints are the same whatever the number of workers and whichever worker ran a cell. The
     * listener is called by one worker at a time. The first failure stops the workers after their current cells
     * (those finished are checkpointed) and is thrown.
     *
     * @param workers per thread, its own instances of the same implementations in the same order (a plugin instance
     *                serves one thread)
     */
    public int runShard(List<List<IsolatedPlugin>> workers, Path folder, int shard, int shards, Listener listener)
            throws IOException {
        claim(folder);
        List<GridCell> cells = selection.of(preset.cells(shard, shards));
        List<GridCell> todo = cells.stream().filter(cell -> !Files.exists(checkpoint(folder, cell))).toList();
        Queue<GridCell> queue = new ConcurrentLinkedQueue<>(todo);
        Listener serialised = new SerialisedListener(listener);
        serialised.planned(todo);
        int[] done = {cells.size() - todo.size()};
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (List<IsolatedPlugin> worker : workers) {
            Thread thread = new Thread(() -> {
                GridCell cell;
                while (failure.get() == null && (cell = queue.poll()) != null) {
                    try {
                        synchronized (done) {
                            serialised.cellStarted(cell, done[0], cells.size() - done[0]);
                        }
                        CellResult result = run(worker, cell, serialised);
                        write(checkpoint(folder, cell), result.toText());
                        synchronized (done) {
                            done[0]++;
                        }
                        serialised.cellFinished(cell, result);
                    } catch (IOException | RuntimeException | Error e) {
                        failure.compareAndSet(null, e);
                    }
                }
            }, "bptt-reproduce-" + (threads.size() + 1));
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure.compareAndSet(null, new java.io.InterruptedIOException("interrupted while the cells ran"));
            }
        }
        Throwable first = failure.get();
        if (first instanceof IOException io) {
            throw io;
        }
        if (first instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (first instanceof Error error) {
            throw error;
        }
        return todo.size() - queue.size();
    }

    /** A listener that several workers call, one at a time. */
    private record SerialisedListener(Listener listener) implements Listener {
        @Override
        public synchronized void planned(List<GridCell> cells) {
            listener.planned(cells);
        }

        @Override
        public synchronized void cellStarted(GridCell cell, int done, int left) {
            listener.cellStarted(cell, done, left);
        }

        @Override
        public synchronized void step(GridCell cell, SgdTrainer.Step step) {
            listener.step(cell, step);
        }

        @Override
        public synchronized void cellFinished(GridCell cell, CellResult result) {
            listener.cellFinished(cell, result);
        }
    }

    /** {@link #run(List, GridCell, Listener)} on one implementation. */
    public CellResult run(IsolatedPlugin plugin, GridCell cell, Listener listener) {
        return run(List.of(plugin), cell, listener);
    }

    /**
     * Trains one cell on the first of {@code implementations} that has every capability the cell needs (e.g. the
     * fast reference for an Elman network, the readable one for an LSTM), and records which. The initial weights, the
     * training batches and the held-out batch are drawn from the cell's seed alone, so the methods of one network
     * start from the same weights and see the same batches. A plugin failure, or a capability the task needs and no
     * implementation has, is the cell's result, not an exception.
     *
     * @throws PluginHung when a plugin call timed out
     */
    public CellResult run(List<IsolatedPlugin> implementations, GridCell cell, Listener listener) {
        SequenceTask task = Preset.task(cell.task(), cell.length());
        ModelSpec spec = cell.network().spec(task, preset.hiddenSize());
        SplittableRandom root = new SplittableRandom(cell.seed());
        Parameters initial = cell.network().initialise(spec, root.split());
        long trainingSeed = root.nextLong();
        Batch evaluation = task.batch(preset.evaluationSize(), root.split());
        SgdTrainer.Output output = Preset.output(cell.task());
        SgdTrainer.Settings settings = new SgdTrainer.Settings(preset.learningRate(), preset.steps(),
                preset.batchSize(), cell.method().clipping(), preset.evaluateEvery(),
                cell.method().regulariserStrength());
        Set<Capability> needed = EnumSet.noneOf(Capability.class);
        needed.addAll(Capability.requiredBy(spec, evaluation));
        needed.addAll(SgdTrainer.capabilitiesNeeded(output, settings));
        IsolatedPlugin plugin = implementations.stream().filter(candidate -> candidate.capabilities().containsAll(needed))
                .findFirst().orElse(null);
        if (plugin == null) {
            IsolatedPlugin first = implementations.get(0);
            Set<Capability> missing = EnumSet.copyOf(needed);
            missing.removeAll(first.capabilities());
            return new CellResult(cell.key(), first.id(), List.of(), -1, "", implementations.size() == 1
                    ? first.id() + " lacks " + missing
                    : "none of " + implementations.stream().map(IsolatedPlugin::id).toList() + " can train it ("
                            + first.id() + " lacks " + missing + ")");
        }
        try {
            SgdTrainer.Run run = new SgdTrainer(plugin, task, spec, output).train(initial, new SplittableRandom(trainingSeed),
                    evaluation, settings, step -> listener.step(cell, step));
            return new CellResult(cell.key(), plugin.id(), run.evaluations(), run.divergedAtStep(), run.divergence(), "");
        } catch (PluginCallFailure failure) {
            if (failure.kind() == PluginCallFailure.Kind.TIMED_OUT || failure.kind() == PluginCallFailure.Kind.STILL_RUNNING) {
                throw new PluginHung(cell, failure);
            }
            return new CellResult(cell.key(), plugin.id(), List.of(), -1, "", failure.describe());
        }
    }

    /** Where {@code cell}'s checkpoint lives in {@code folder}. */
    public static Path checkpoint(Path folder, GridCell cell) {
        return folder.resolve(CELLS).resolve(cell.key() + CHECKPOINT_SUFFIX);
    }

    /**
     * The checkpoints of the selected cells found in {@code folders} (the shards of a run), in grid order; a cell
     * checkpointed in two folders is read from the first.
     *
     * @throws InvalidInputException when a folder belongs to another preset or a checkpoint is malformed
     */
    public Map<GridCell, CellResult> read(List<Path> folders) throws IOException {
        for (Path folder : folders) {
            requireSamePreset(folder);
        }
        Map<GridCell, CellResult> results = new LinkedHashMap<>();
        for (GridCell cell : cells()) {
            for (Path folder : folders) {
                Path file = checkpoint(folder, cell);
                if (Files.exists(file)) {
                    results.put(cell, CellResult.parse(Files.readString(file, StandardCharsets.UTF_8), file.toString()));
                    break;
                }
            }
        }
        return results;
    }

    /** The selected cells that none of {@code results} covers. */
    public List<GridCell> missing(Map<GridCell, CellResult> results) {
        List<GridCell> missing = new ArrayList<>();
        for (GridCell cell : cells()) {
            if (!results.containsKey(cell)) {
                missing.add(cell);
            }
        }
        return missing;
    }

    /**
     * Writes {@code results}' checkpoints into {@code folder} (marked as this preset's), so that a folder merged from
     * shards is itself a run folder: it can be merged again, or resumed. A checkpoint already there is left as it is.
     */
    public void copyCheckpoints(Map<GridCell, CellResult> results, Path folder) throws IOException {
        claim(folder);
        for (Map.Entry<GridCell, CellResult> entry : results.entrySet()) {
            Path file = checkpoint(folder, entry.getKey());
            if (!Files.exists(file)) {
                write(file, entry.getValue().toText());
            }
        }
    }

    /** Whether {@code folder} holds the checkpoints of a reproduction (it has a {@value #PRESET_FILE}). */
    public static boolean isRunFolder(Path folder) {
        return Files.isRegularFile(folder.resolve(PRESET_FILE));
    }

    /**
     * The preset whose cells {@code folder} holds, full or quick, read from its {@value #PRESET_FILE}.
     *
     * @throws InvalidInputException when the folder is no reproduction's, or its settings are no preset's (written
     *                               by another version of the tool)
     */
    public static Preset presetOf(Path folder) throws IOException {
        Path file = folder.resolve(PRESET_FILE);
        InvalidInputException.require(Files.isRegularFile(file), "%s is not a reproduction folder: it has no %s",
                folder, PRESET_FILE);
        String found = Files.readString(file, StandardCharsets.UTF_8).strip();
        for (String name : Presets.NAMES) {
            for (boolean quick : new boolean[] {false, true}) {
                Preset preset = Presets.get(name, quick);
                if (preset.describe().equals(found)) {
                    return preset;
                }
            }
        }
        throw new InvalidInputException(folder + "/" + PRESET_FILE + " names settings no preset of this version has: "
                + found);
    }

    /** Marks {@code folder} as this preset's, or checks that it is. */
    private void claim(Path folder) throws IOException {
        Files.createDirectories(folder.resolve(CELLS));
        if (Files.exists(folder.resolve(PRESET_FILE))) {
            requireSamePreset(folder);
        } else {
            write(folder.resolve(PRESET_FILE), preset.describe() + "\n");
        }
    }

    private void requireSamePreset(Path folder) throws IOException {
        Path file = folder.resolve(PRESET_FILE);
        InvalidInputException.require(Files.exists(file), "%s is not a reproduction folder: it has no %s", folder,
                PRESET_FILE);
        String found = Files.readString(file, StandardCharsets.UTF_8).strip();
        InvalidInputException.require(found.equals(preset.describe()),
                "%s holds the cells of another preset or other settings: %s (this run: %s)", folder, found,
                preset.describe());
    }

    /** Writes a temporary sibling and renames it into place, so that a reader never sees half a file. */
    private static void write(Path target, String text) throws IOException {
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
