package org.bptt.core.plugins;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bptt.api.Activation;
import org.bptt.api.Capability;
import org.bptt.api.Cell;

/**
 * Which cells, and which of their options, a plugin runs, read from its capabilities as {@link Capability#requiredBy}
 * asks for them: the Elman cell with at least one of its activations, the GRU with a reset placement, the LSTM with
 * {@link Capability#LSTM}. The one place that turns capabilities into cells, for the commands that choose cells by
 * default and for {@code bptt plugins}.
 */
public final class CellSupport {

    private CellSupport() {
    }

    /** True when a plugin with {@code capabilities} runs at least one model of {@code cell}. */
    public static boolean supports(Cell cell, Set<Capability> capabilities) {
        return switch (cell) {
            case ELMAN -> EnumSet.of(Capability.TANH, Capability.SIGMOID, Capability.RELU, Capability.IDENTITY).stream()
                    .anyMatch(capabilities::contains);
            case GRU -> capabilities.contains(Capability.GRU_RESET_BEFORE) || capabilities.contains(Capability.GRU_RESET_AFTER);
            case LSTM -> capabilities.contains(Capability.LSTM);
        };
    }

    /** The cells a plugin with {@code capabilities} runs, in the order of {@link Cell}. */
    public static Set<Cell> cells(Set<Capability> capabilities) {
        Set<Cell> cells = EnumSet.noneOf(Cell.class);
        for (Cell cell : Cell.values()) {
            if (supports(cell, capabilities)) {
                cells.add(cell);
            }
        }
        return cells;
    }

    /** The cells at least one of {@code plugins} runs. */
    public static Set<Cell> cellsOfAny(Collection<LoadedPlugin> plugins) {
        Set<Cell> cells = EnumSet.noneOf(Cell.class);
        plugins.forEach(plugin -> cells.addAll(cells(plugin.capabilities())));
        return cells;
    }

    /**
     * What a plugin with {@code capabilities} runs of {@code cell}, in words (empty when it does not run the cell,
     * or runs it with no option): the Elman cell's activations ({@code tanh}, ...); the GRU's reset placements
     * ({@code reset before}, {@code reset after}); the LSTM's {@code peepholes}; for a gated cell also
     * {@code two biases}, and {@code c_{-1}} for a given initial cell state of the LSTM.
     */
    public static List<String> options(Cell cell, Set<Capability> capabilities) {
        List<String> options = new ArrayList<>();
        if (!supports(cell, capabilities)) {
            return options;
        }
        switch (cell) {
            case ELMAN -> {
                for (Activation activation : Activation.values()) {
                    if (capabilities.contains(Capability.valueOf(activation.name()))) {
                        options.add(activation.name().toLowerCase(Locale.ROOT));
                    }
                }
            }
            case GRU -> {
                if (capabilities.contains(Capability.GRU_RESET_BEFORE)) {
                    options.add("reset before");
                }
                if (capabilities.contains(Capability.GRU_RESET_AFTER)) {
                    options.add("reset after");
                }
            }
            case LSTM -> {
                if (capabilities.contains(Capability.LSTM_PEEPHOLES)) {
                    options.add("peepholes");
                }
            }
        }
        if (cell != Cell.ELMAN) {
            if (capabilities.contains(Capability.TWO_BIASES)) {
                options.add("two biases");
            }
            if (cell.hasCellState() && capabilities.contains(Capability.INITIAL_CELL_STATE)) {
                options.add("c_{-1}");
            }
        }
        return List.copyOf(options);
    }
}
