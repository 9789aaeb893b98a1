package org.bptt.experiments.reproduce;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.bptt.api.InvalidInputException;

/**
 * A part of a preset's grid, chosen by value along its dimensions, e.g. {@code T=50,100} and {@code
 * network=smart-tanh}: a cell is selected when each named dimension holds one of the listed values. The cells keep
 * their place (and key) in the whole grid, so the checkpoints of a selection are those of the full run, and
 * selections run into one folder add up to the grid.
 *
 * <p>It lets a machine run the row of a grid that fits its budget without changing any setting of the preset.
 */
public final class CellSelection {

    /** The dimensions, in the order of the grid, with how a cell shows each one. */
    private static final Map<String, Function<GridCell, String>> DIMENSIONS = dimensions();

    private static Map<String, Function<GridCell, String>> dimensions() {
        Map<String, Function<GridCell, String>> dimensions = new LinkedHashMap<>();
        dimensions.put("task", GridCell::task);
        dimensions.put("T", cell -> String.valueOf(cell.length()));
        dimensions.put("network", cell -> cell.network().id());
        dimensions.put("method", cell -> cell.method().id());
        dimensions.put("seed", cell -> String.valueOf(cell.seed()));
        return dimensions;
    }

    private static final CellSelection ALL = new CellSelection(Map.of());

    private final Map<String, Set<String>> chosen;

    private CellSelection(Map<String, Set<String>> chosen) {
        this.chosen = chosen;
    }

    /** Every cell. */
    public static CellSelection all() {
        return ALL;
    }

    /**
     * The selection named by {@code terms} ("DIMENSION=VALUE[,VALUE...]", e.g. "T=50,100"), checked against {@code
     * preset}'s grid: an unknown dimension, a value the grid does not have, or a dimension named twice is refused
     * with the values it could have been.
     */
    public static CellSelection parse(List<String> terms, Preset preset) {
        if (terms == null || terms.isEmpty()) {
            return ALL;
        }
        List<GridCell> grid = preset.cells();
        Map<String, Set<String>> chosen = new LinkedHashMap<>();
        for (String term : terms) {
            int equals = term.indexOf('=');
            InvalidInputException.require(equals > 0, "--select must be DIMENSION=VALUE[,VALUE...], got '%s' "
                    + "(dimensions: %s)", term, String.join(", ", DIMENSIONS.keySet()));
            String dimension = term.substring(0, equals).strip();
            Function<GridCell, String> value = DIMENSIONS.get(dimension);
            InvalidInputException.require(value != null, "--select '%s': no dimension '%s' (dimensions: %s)", term,
                    dimension, String.join(", ", DIMENSIONS.keySet()));
            InvalidInputException.require(!chosen.containsKey(dimension),
                    "--select names %s twice: list its values in one term, e.g. %s=A,B", dimension, dimension);
            Set<String> available = new LinkedHashSet<>();
            grid.forEach(cell -> available.add(value.apply(cell)));
            Set<String> values = new LinkedHashSet<>();
            for (String item : term.substring(equals + 1).split(",")) {
                String trimmed = item.strip();
                // in any case: the tables print a method as SGD-CR, its id is sgd-cr
                String known = available.stream().filter(trimmed::equalsIgnoreCase).findFirst().orElse(null);
                InvalidInputException.require(known != null,
                        "--select '%s': %s has no value '%s' in %s (its values: %s)", term, dimension, trimmed,
                        preset.name(), String.join(", ", available));
                values.add(known);
            }
            chosen.put(dimension, Collections.unmodifiableSet(values));
        }
        return new CellSelection(chosen);
    }

    /** Whether {@code cell} is selected. */
    public boolean contains(GridCell cell) {
        for (Map.Entry<String, Set<String>> entry : chosen.entrySet()) {
            if (!entry.getValue().contains(DIMENSIONS.get(entry.getKey()).apply(cell))) {
                return false;
            }
        }
        return true;
    }

    /** Whether this is the whole grid. */
    public boolean isAll() {
        return chosen.isEmpty();
    }

    /** The selected cells of {@code cells}, in their order. */
    public List<GridCell> of(List<GridCell> cells) {
        return cells.stream().filter(this::contains).toList();
    }

    /** E.g. "T=50,100 network=smart-tanh", or "the whole grid". */
    public String describe() {
        if (chosen.isEmpty()) {
            return "the whole grid";
        }
        List<String> terms = new ArrayList<>();
        chosen.forEach((dimension, values) -> terms.add(dimension + "=" + String.join(",", values)));
        return String.join(" ", terms);
    }
}
