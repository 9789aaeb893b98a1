package org.bptt.benchmarks;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.bptt.api.Case;
import org.bptt.core.plugins.IsolatedPlugin;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.plugins.PluginCallFailure;
import org.bptt.core.plugins.PluginCalls;

/**
 * One isolated {@code forward()} and {@code gradients()} call per implementation before anything is timed. JMH calls
 * the plugins directly (an isolated call would add its thread hand-over to every time measured), so a plugin that
 * throws or hangs would fail or hang a fork; called first through {@link IsolatedPlugin}, on the smallest case of the
 * grid it can run, such a plugin is found, reported by name and left out of the timings.
 */
public final class BenchPreflight {

    private BenchPreflight() {
    }

    /**
     * The implementations of {@code grid} found in {@code available} whose pre-flight calls failed, by id, each with
     * its failure ({@link PluginCallFailure#describe()}), in grid order. An implementation with no runnable cell is
     * not called.
     */
    public static Map<String, String> failures(BenchGrid grid, Map<String, LoadedPlugin> available, PluginCalls calls) {
        Map<String, String> failures = new LinkedHashMap<>();
        for (String id : grid.implementations()) {
            LoadedPlugin plugin = available.get(id);
            if (plugin == null) {
                continue;
            }
            Optional<Cell> smallest = grid.cells().stream()
                    .filter(cell -> cell.implementation().equals(id))
                    .filter(cell -> BenchmarkCase.unsupportedReason(plugin, cell.rnnCell(), cell.topology(), cell.shape(),
                            cell.precision()) == null)
                    .min(Comparator.comparingDouble(Cell::flops));
            if (smallest.isEmpty()) {
                continue;
            }
            Cell cell = smallest.get();
            Case testCase = BenchmarkCase.create(cell.rnnCell(), cell.topology(), cell.shape(), cell.steps(), cell.precision());
            IsolatedPlugin isolated = calls.isolate(plugin);
            try {
                isolated.forward(testCase.spec(), testCase.parameters(), testCase.batch());
                isolated.gradients(testCase.spec(), testCase.parameters(), testCase.batch());
            } catch (PluginCallFailure failure) {
                failures.put(id, failure.describe());
            }
        }
        return failures;
    }
}
