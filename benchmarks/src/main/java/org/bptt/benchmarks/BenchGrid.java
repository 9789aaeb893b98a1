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
import org.bptt.api.Topology;

/**
 * What a benchmark run measures: every implementation × recurrent cell × shape × T × mode, except the naive variant's
 * forward + backward beyond its budget.
 *
 * <p><b>The cells.</b> The quick grid times the Elman cell alone; the full grid adds the GRU and the LSTM at its
 * shapes ({@link Shape#spec(org.bptt.api.Cell)} says which form of each). A plugin without a cell's capability is
 * skipped on that cell's rows, with the reason. Likewise the topologies ({@code --layers}, {@code --direction}): one
 * layer read forwards unless asked, and a plugin without {@code STACKED} or the {@code BIDIRECTIONAL_*} of the combine
 * mode is skipped on the other topologies' rows.
 *
 * <p><b>Where the naive variant stops, and why.</b> Its forward + backward does O(T²) work
 * ({@link CostModel#naiveFlops}, G times the Elman cell's recurrent work for a cell with G weight pairs); a call is run only while that stays within {@link #naiveFlopBudget} (default
 * {@value #NAIVE_FLOP_BUDGET} operations; a cell takes a dozen calls, and what one takes is measured in
 * benchmarks/README.md). On the grid that is T ≤ 512, 256, 128 and 64 for the four shapes: two or more points
 * at T ≥ 32 to fit its slope and check its ratio on every shape; one step further would cost about four times as much
 * (T = 128 on the largest shape: 422 GFLOP). Its forward pass is the aggregated one's and is measured on the whole
 * grid.
 *
 * @param name            {@code full}, {@code quick}, or {@code custom}
 * @param implementations plugin ids, in table order
 * @param rnnCells        the recurrent cells, in table order
 * @param shapes          B, d, H, K
 * @param steps           the T values, increasing
 * @param modes           what is measured
 * @param precision       the arithmetic asked of the plugins
 * @param naiveFlopBudget the largest naive forward + backward call run, in operations
 * @param topologies      the networks' layers and directions, in table order
 */
public record BenchGrid(String name, List<String> implementations, List<org.bptt.api.Cell> rnnCells, List<Shape> shapes,
                        List<Integer> steps, List<Mode> modes, DataType precision, double naiveFlopBudget,
                        List<Topology> topologies) {

    /** The sequence lengths. */
    public static final List<Integer> GRID_STEPS = List.of(8, 16, 32, 64, 128, 256, 512);

    /** The plugins measured by default, when they are installed: the reference's two BPTTs, its fast twin, DL4J. */
    public static final List<String> DEFAULT_IMPLEMENTATIONS =
            List.of(CostModel.AGGREGATED, CostModel.NAIVE, "reference-fast", "dl4j");

    /** Every cell: the full grid's. */
    public static final List<org.bptt.api.Cell> ALL_CELLS =
            List.of(org.bptt.api.Cell.ELMAN, org.bptt.api.Cell.GRU, org.bptt.api.Cell.LSTM);

    /** 110 GFLOP: the largest naive forward + backward call of the full grid. */
    public static final double NAIVE_FLOP_BUDGET = 110e9;

    public BenchGrid {
        InvalidInputException.require(implementations != null && !implementations.isEmpty(), "no implementation to benchmark");
        InvalidInputException.require(rnnCells != null && !rnnCells.isEmpty(), "no cell to benchmark");
        InvalidInputException.require(shapes != null && !shapes.isEmpty(), "no shape to benchmark");
        InvalidInputException.require(steps != null && !steps.isEmpty(), "no sequence length T to benchmark");
        InvalidInputException.require(modes != null && !modes.isEmpty(), "no mode to benchmark");
        InvalidInputException.require(topologies != null && !topologies.isEmpty(), "no topology (layers, direction) to benchmark");
        for (int t : steps) {
            InvalidInputException.require(t >= 1, "sequence length T must be at least 1, got %d", t);
        }
        implementations = List.copyOf(implementations);
        rnnCells = rnnCells.stream().distinct().toList();
        shapes = List.copyOf(shapes);
        steps = steps.stream().distinct().sorted().toList();
        modes = List.copyOf(modes);
        topologies = topologies.stream().distinct().toList();
    }

    /** A grid of networks of one layer read forwards. */
    public BenchGrid(String name, List<String> implementations, List<org.bptt.api.Cell> rnnCells, List<Shape> shapes,
                     List<Integer> steps, List<Mode> modes, DataType precision, double naiveFlopBudget) {
        this(name, implementations, rnnCells, shapes, steps, modes, precision, naiveFlopBudget, List.of(Topology.SINGLE));
    }

    /** The grid: every cell, four shapes, T = 8 … 512, forward and forward + backward, double precision. */
    public static BenchGrid full(List<String> implementations, DataType precision) {
        return new BenchGrid("full", implementations, ALL_CELLS, Shape.GRID, GRID_STEPS,
                List.of(Mode.FORWARD_BACKWARD, Mode.FORWARD), precision, NAIVE_FLOP_BUDGET);
    }

    /**
     * The sub-grid of {@code --quick}, about a minute: the Elman cell, the two smaller shapes, T = 16, 32, 64, forward + backward, and
     * the aggregated reference's forward pass alone (the naive/aggregated prediction needs its share; see
     * {@link CostModel}) (one fork, short iterations: see {@link JmhSettings#quick()}).
     */
    public static BenchGrid quick(List<String> implementations, DataType precision) {
        return new BenchGrid(QUICK, implementations, List.of(org.bptt.api.Cell.ELMAN), Shape.GRID.subList(0, 2), List.of(16, 32, 64),
                List.of(Mode.FORWARD_BACKWARD, Mode.FORWARD), precision, NAIVE_FLOP_BUDGET);
    }

    /** The name of the {@code --quick} grid. */
    public static final String QUICK = "quick";

    /**
     * The grid of cells an earlier run wrote (for {@link BenchJob#reanalyse}): its implementations, cells, shapes, T and modes
     * in the order they first appear, its precision, and the default naive budget.
     */
    public static BenchGrid of(String name, List<CellResult> results) {
        Set<String> implementations = new LinkedHashSet<>();
        Set<org.bptt.api.Cell> rnnCells = new LinkedHashSet<>();
        Set<Shape> shapes = new LinkedHashSet<>();
        Set<Integer> steps = new LinkedHashSet<>();
        Set<Mode> modes = new LinkedHashSet<>();
        Set<Topology> topologies = new LinkedHashSet<>();
        Set<DataType> precisions = new LinkedHashSet<>();
        for (CellResult result : results) {
            Cell cell = result.cell();
            if (!cell.isOwnCall()) {  // an own-call cell is its plugin's, timed another way
                implementations.add(cell.implementation());
            }
            rnnCells.add(cell.rnnCell());
            shapes.add(cell.shape());
            steps.add(cell.steps());
            modes.add(cell.mode());
            topologies.add(cell.topology());
            precisions.add(cell.precision());
        }
        InvalidInputException.require(precisions.size() == 1, "a bench run has one precision, these cells have %s", precisions);
        return new BenchGrid(name, List.copyOf(implementations), List.copyOf(rnnCells), List.copyOf(shapes), List.copyOf(steps),
                List.copyOf(modes), precisions.iterator().next(), NAIVE_FLOP_BUDGET, List.copyOf(topologies));
    }

    /**
     * The same grid restricted to the given cells, shapes, T values, modes (each null or empty: keep them all). A
     * restricted full grid is a custom one; a restricted quick grid stays quick (a first look of one short fork per
     * cell, whose targets are not judged, however few its cells).
     */
    public BenchGrid restrictedTo(List<org.bptt.api.Cell> onlyCells, List<Shape> onlyShapes, List<Integer> onlySteps,
                                  List<Mode> onlyModes) {
        boolean restricted = (onlyCells != null && !onlyCells.isEmpty()) || (onlyShapes != null && !onlyShapes.isEmpty())
                || (onlySteps != null && !onlySteps.isEmpty()) || (onlyModes != null && !onlyModes.isEmpty());
        return new BenchGrid(restricted && !name.equals(QUICK) ? "custom" : name, implementations,
                onlyCells == null || onlyCells.isEmpty() ? rnnCells : onlyCells,
                onlyShapes == null || onlyShapes.isEmpty() ? shapes : onlyShapes,
                onlySteps == null || onlySteps.isEmpty() ? steps : onlySteps,
                onlyModes == null || onlyModes.isEmpty() ? modes : onlyModes, precision, naiveFlopBudget, topologies);
    }

    /** The same grid with other implementations. */
    public BenchGrid withImplementations(List<String> ids) {
        return new BenchGrid(name, ids, rnnCells, shapes, steps, modes, precision, naiveFlopBudget, topologies);
    }

    /**
     * The same grid on networks of the given topologies (a custom grid unless it is one layer read forwards alone,
     * the default).
     */
    public BenchGrid withTopologies(List<Topology> values) {
        boolean single = values.stream().distinct().toList().equals(List.of(Topology.SINGLE));
        return new BenchGrid(single ? name : "custom", implementations, rnnCells, shapes, steps, modes, precision,
                naiveFlopBudget, values);
    }

    /** True for a cell that is run (not the naive variant beyond its budget). */
    public boolean runs(Cell cell) {
        return !isNaiveBeyondBudget(cell);
    }

    /** True when {@code cell} is the naive forward + backward beyond {@link #naiveFlopBudget}. */
    public boolean isNaiveBeyondBudget(Cell cell) {
        return cell.implementation().equals(CostModel.NAIVE) && cell.mode() == Mode.FORWARD_BACKWARD
                && CostModel.naiveFlops(cell.rnnCell(), cell.shape(), cell.steps()) > naiveFlopBudget;
    }

    /**
     * Every cell of the grid, run or not: implementation, then recurrent cell, then topology, then shape, then mode,
     * then T.
     */
    public List<Cell> allCells() {
        List<Cell> cells = new ArrayList<>();
        for (String implementation : implementations) {
            for (org.bptt.api.Cell rnnCell : rnnCells) {
                for (Topology topology : topologies) {
                    for (Shape shape : shapes) {
                        for (Mode mode : modes) {
                            if (name.equals(QUICK) && mode == Mode.FORWARD && !implementation.equals(CostModel.AGGREGATED)) {
                                continue;  // the quick grid times the forward pass alone only where the cost model needs it
                            }
                            for (int t : steps) {
                                cells.add(new Cell(implementation, rnnCell, shape, t, mode, precision, topology));
                            }
                        }
                    }
                }
            }
        }
        return cells;
    }

    /**
     * A recurrent cell in a network of a topology: what a table's rows and a chart are about, besides the shape.
     */
    public record Network(org.bptt.api.Cell rnnCell, Topology topology) {

        /** What names it before a shape in tables and charts ({@link Cell#networkPrefix}), e.g. {@code l2-bi lstm }. */
        public String prefix() {
            return Cell.networkPrefix(rnnCell, topology);
        }
    }

    /** Every recurrent cell in every topology, cells first. */
    public List<Network> networks() {
        List<Network> networks = new ArrayList<>();
        for (org.bptt.api.Cell rnnCell : rnnCells) {
            for (Topology topology : topologies) {
                networks.add(new Network(rnnCell, topology));
            }
        }
        return networks;
    }

    /** The cells that are run. */
    public List<Cell> cells() {
        return allCells().stream().filter(this::runs).toList();
    }

    /** The largest T of the grid the naive forward + backward runs at on {@code cell} and {@code shape}, or 0 for none. */
    public int naiveMaxSteps(org.bptt.api.Cell cell, Shape shape) {
        int largest = 0;
        for (int t : steps) {
            if (CostModel.naiveFlops(cell, shape, t) <= naiveFlopBudget) {
                largest = t;
            }
        }
        return largest;
    }

    /**
     * Where the naive variant stops, e.g. {@code 1x16x32x16: T ≤ 512; 16x64x128x64: T ≤ 256}, a gated cell's shapes
     * named with the cell ({@code lstm 16x64x128x64: T ≤ 128}).
     */
    public String naiveLimits() {
        Map<String, String> limits = new LinkedHashMap<>();
        for (org.bptt.api.Cell rnnCell : rnnCells) {
            for (Shape shape : shapes) {
                int largest = naiveMaxSteps(rnnCell, shape);
                String where = rnnCell == org.bptt.api.Cell.ELMAN ? shape.toString() : Cell.rnnCellName(rnnCell) + " " + shape;
                limits.put(where, largest == 0 ? "not run" : "T ≤ " + largest);
            }
        }
        List<String> parts = new ArrayList<>();
        limits.forEach((shape, limit) -> parts.add(shape + ": " + limit));
        return String.join("; ", parts);
    }

    /** A one-line description for provenance and logs. */
    public String describe() {
        return String.format(Locale.ROOT, "%s grid: implementations %s; cells %s;%s shapes (BxdxHxK) %s; T %s; %s; %s;"
                        + " naive forward+backward up to %.0f GFLOP per call (%s)",
                name, implementations, rnnCells.stream().map(Cell::rnnCellName).toList(),
                topologies.equals(List.of(Topology.SINGLE)) ? ""
                        : " topologies " + topologies.stream().map(Cell::topologyName).toList() + ";", shapes, steps, modes.stream().map(Mode::label).toList(),
                Cell.precisionName(precision), naiveFlopBudget / 1e9, naiveLimits());
    }
}
