package org.bptt.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.bptt.api.DataType;
import org.bptt.api.InvalidInputException;

/**
 * What a benchmark run measures: every implementation × shape × T × mode, except the naive variant's
 * forward + backward beyond its budget.
 *
 * <p><b>Where the naive variant stops, and why.</b> Its forward + backward does O(T²) work
 * ({@link CostModel#naiveFlops}); a call is run only while that stays within {@link #naiveFlopBudget} (default
 * {@value #NAIVE_FLOP_BUDGET} operations; a cell takes a dozen calls, and what one takes is measured in
 * benchmarks/README.md). On the grid that is T ≤ 512, 256, 128 and 64 for the four shapes: two or more points
 * at T ≥ 32 to fit its slope and check its ratio on every shape; one step further would cost about four times as much
 * (T = 128 on the largest shape: 422 GFLOP). Its forward pass is the aggregated one's and is measured on the whole
 * grid.
 *
 * @param name            {@code full}, {@code quick}, or {@code custom}
 * @param implementations plugin ids, in table order
 * @param shapes          B, d, H, K
 * @param steps           the T values, increasing
 * @param modes           what is measured
 * @param precision       the arithmetic asked of the plugins
 * @param naiveFlopBudget the largest naive forward + backward call run, in operations
 */
public record BenchGrid(String name, List<String> implementations, List<Shape> shapes, List<Integer> steps,
                        List<Mode> modes, DataType precision, double naiveFlopBudget) {

    /** The sequence lengths. */
    public static final List<Integer> GRID_STEPS = List.of(8, 16, 32, 64, 128, 256, 512);

    /** The plugins measured by default, when they are installed: the reference's two BPTTs, its fast twin, DL4J. */
    public static final List<String> DEFAULT_IMPLEMENTATIONS =
            List.of(CostModel.AGGREGATED, CostModel.NAIVE, "reference-fast", "dl4j");

    /** 110 GFLOP: the largest naive forward + backward call of the full grid. */
    public static final double NAIVE_FLOP_BUDGET = 110e9;

    public BenchGrid {
        InvalidInputException.require(implementations != null && !implementations.isEmpty(), "no implementation to benchmark");
        InvalidInputException.require(shapes != null && !shapes.isEmpty(), "no shape to benchmark");
        InvalidInputException.require(steps != null && !steps.isEmpty(), "no sequence length T to benchmark");
        InvalidInputException.require(modes != null && !modes.isEmpty(), "no mode to benchmark");
        for (int t : steps) {
            InvalidInputException.require(t >= 1, "sequence length T must be at least 1, got %d", t);
        }
        implementations = List.copyOf(implementations);
        shapes = List.copyOf(shapes);
        steps = steps.stream().distinct().sorted().toList();
        modes = List.copyOf(modes);
    }

    /** The grid: four shapes, T = 8 … 512, forward and forward + backward, double precision. */
    public static BenchGrid full(List<String> implementations, DataType precision) {
        return new BenchGrid("full", implementations, Shape.GRID, GRID_STEPS,
                List.of(Mode.FORWARD_BACKWARD, Mode.FORWARD), precision, NAIVE_FLOP_BUDGET);
    }

    /**
     * The sub-grid of {@code --quick}, about a minute: the two smaller shapes, T = 16, 32, 64, forward + backward, and
     * the aggregated reference's forward pass alone (the naive/aggregated prediction needs its share; see
     * {@link CostModel}) (one fork, short iterations: see {@link JmhSettings#quick()}).
     */
    public static BenchGrid quick(List<String> implementations, DataType precision) {
        return new BenchGrid(QUICK, implementations, Shape.GRID.subList(0, 2), List.of(16, 32, 64),
                List.of(Mode.FORWARD_BACKWARD, Mode.FORWARD), precision, NAIVE_FLOP_BUDGET);
    }

    /** The name of the {@code --quick} grid. */
    public static final String QUICK = "quick";

    /**
     * The grid of cells an earlier run wrote (for {@link BenchJob#reanalyse}): its implementations, shapes, T and modes
     * in the order they first appear, its precision, and the default naive budget.
     */
    public static BenchGrid of(String name, List<CellResult> results) {
        Set<String> implementations = new LinkedHashSet<>();
        Set<Shape> shapes = new LinkedHashSet<>();
        Set<Integer> steps = new LinkedHashSet<>();
        Set<Mode> modes = new LinkedHashSet<>();
        Set<DataType> precisions = new LinkedHashSet<>();
        for (CellResult result : results) {
            Cell cell = result.cell();
            implementations.add(cell.implementation());
            shapes.add(cell.shape());
            steps.add(cell.steps());
            modes.add(cell.mode());
            precisions.add(cell.precision());
        }
        InvalidInputException.require(precisions.size() == 1, "a bench run has one precision, these cells have %s", precisions);
        return new BenchGrid(name, List.copyOf(implementations), List.copyOf(shapes), List.copyOf(steps),
                List.copyOf(modes), precisions.iterator().next(), NAIVE_FLOP_BUDGET);
    }

    /** The same grid restricted to the given shapes, T values, modes (each null or empty: keep them all). */
    public BenchGrid restrictedTo(List<Shape> onlyShapes, List<Integer> onlySteps, List<Mode> onlyModes) {
        boolean restricted = (onlyShapes != null && !onlyShapes.isEmpty()) || (onlySteps != null && !onlySteps.isEmpty())
                || (onlyModes != null && !onlyModes.isEmpty());
        return new BenchGrid(restricted ? "custom" : name, implementations,
                onlyShapes == null || onlyShapes.isEmpty() ? shapes : onlyShapes,
                onlySteps == null || onlySteps.isEmpty() ? steps : onlySteps,
                onlyModes == null || onlyModes.isEmpty() ? modes : onlyModes, precision, naiveFlopBudget);
    }

    /** The same grid with other implementations. */
    public BenchGrid withImplementations(List<String> ids) {
        return new BenchGrid(name, ids, shapes, steps, modes, precision, naiveFlopBudget);
    }

    /** True for a cell that is run (not the naive variant beyond its budget). */
    public boolean runs(Cell cell) {
        return !isNaiveBeyondBudget(cell);
    }

    /** True when {@code cell} is the naive forward + backward beyond {@link #naiveFlopBudget}. */
    public boolean isNaiveBeyondBudget(Cell cell) {
        return cell.implementation().equals(CostModel.NAIVE) && cell.mode() == Mode.FORWARD_BACKWARD
                && CostModel.naiveFlops(cell.shape(), cell.steps()) > naiveFlopBudget;
    }

    /** Every cell of the grid, run or not: implementation, then shape, then mode, then T. */
    public List<Cell> allCells() {
        List<Cell> cells = new ArrayList<>();
        for (String implementation : implementations) {
            for (Shape shape : shapes) {
                for (Mode mode : modes) {
                    if (name.equals(QUICK) && mode == Mode.FORWARD && !implementation.equals(CostModel.AGGREGATED)) {
                        continue;  // the quick grid times the forward pass alone only where the cost model needs it
                    }
                    for (int t : steps) {
                        cells.add(new Cell(implementation, shape, t, mode, precision));
                    }
                }
            }
        }
        return cells;
    }

    /** The cells that are run. */
    public List<Cell> cells() {
        return allCells().stream().filter(this::runs).toList();
    }

    /** The largest T of the grid the naive forward + backward runs at on {@code shape}, or 0 for none. */
    public int naiveMaxSteps(Shape shape) {
        int largest = 0;
        for (int t : steps) {
            if (CostModel.naiveFlops(shape, t) <= naiveFlopBudget) {
                largest = t;
            }
        }
        return largest;
    }

    /** Where the naive variant stops, e.g. {@code 1x16x32x16: T ≤ 512; 16x64x128x64: T ≤ 256}. */
    public String naiveLimits() {
        Map<String, String> limits = new LinkedHashMap<>();
        for (Shape shape : shapes) {
            int largest = naiveMaxSteps(shape);
            limits.put(shape.toString(), largest == 0 ? "not run" : "T ≤ " + largest);
        }
        List<String> parts = new ArrayList<>();
        limits.forEach((shape, limit) -> parts.add(shape + ": " + limit));
        return String.join("; ", parts);
    }

    /** A one-line description for provenance and logs. */
    public String describe() {
        return String.format(Locale.ROOT, "%s grid: implementations %s; shapes (BxdxHxK) %s; T %s; %s; %s; naive"
                        + " forward+backward up to %.0f GFLOP per call (%s)",
                name, implementations, shapes, steps, modes.stream().map(Mode::label).toList(),
                Cell.precisionName(precision), naiveFlopBudget / 1e9, naiveLimits());
    }
}
