package org.bptt.core.cases;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.CellOptions;
import org.bptt.api.DataType;
import org.bptt.api.Head;
import org.bptt.api.InvalidInputException;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.ResetPlacement;
import org.bptt.api.Combine;
import org.bptt.api.Tensor;
import org.bptt.api.Topology;
import org.bptt.api.Truncation;

/**
 * The verification suites. Every suite starts with the two hand-made examples ({@value #WORKED_EXAMPLE_ID}: the
 * lecture's worked example, and {@value #SENTIMENT_EXAMPLE_ID}: the one-hot sentiment example), then:
 * <ul>
 *   <li>{@link #DEFAULT}: the full grid of every activation (4) × head (3) × biases on/off × mask off/on ×
 *       h_{-1} off/on × B ∈ {1, 3} × T ∈ {1, 2, 3, 17, 64}, at d = 3, H = 5, K = 4 (K = 1 for the sigmoid head):
 *       960 grid cases. The loss reduction cycles through all three with the grid position, and so does the
 *       weight initialisation; W is always rescaled to spectral radius 0.9.</li>
 *   <li>{@link #QUICK}: 48 grid cases of DEFAULT (the same ids and, for the same seed, the same data), four per
 *       activation × head, together covering biases, mask and h_{-1} on and off, both batch sizes and every T.</li>
 *   <li>{@link #FULL}: DEFAULT, plus each activation × head at d = 8, H = 32, K = 10, B = 8, T = 256 (with biases,
 *       mask, h_{-1}) and at d = 4, H = 16, K = 6, B = 4, T = 100 (without), plus float32 copies of each
 *       activation × head at B = 3, T = 17.</li>
 * </ul>
 * DEFAULT and FULL also hold float32 copies of a slice of the DEFAULT grid, every activation × head with and
 * without a mask ({@link #float32Cases}).
 * The gated cells' cases follow the Elman ones (whose ids, data and order are what they were before there was a
 * choice of cell), the GRU's then the LSTM's. Each gated cell has six variants ({@link #variants}): the GRU's reset
 * before or after the recurrent product, the LSTM without or with peepholes, each with one bias vector per gate,
 * two, or none; the activation is the cell's own, and d, H, K as above.
 * <ul>
 *   <li>DEFAULT: every variant (6) × head (3) × mask off/on × initial states off/on × T ∈ {1, 2, 3, 17, 64}, 360
 *       cases per cell; B is thinned as {@link #gatedBatchIndex} says (3, except 1 for the unmasked cases with
 *       initial states). The reduction and weight initialisation cycle as for Elman.</li>
 *   <li>QUICK: 12 of DEFAULT's cases per cell, two per variant ({@link #gatedQuickGrid}).</li>
 *   <li>FULL: the unthinned grid, both batch sizes, 720 cases per cell.</li>
 * </ul>
 * An LSTM case with initial states gives both h_{-1} and c_{-1}.
 *
 * <p>Case ids are stable, unique and file-name safe, e.g. {@code tanh-perstep-bias-mask-h0-meanb-B3-T17} or
 * {@code gru-resetafter-lastsoftmax-twobias-nomask-h0-sum-B1-T64}. Each case's seed is derived from the suite seed
 * and its id, so a case's data does not depend on which suite or shard it is in. {@link #cases(long, Set)} selects
 * the cases of some cells; a case is the same whichever cells are selected.
 *
 * <p><b>Truncated BPTT</b> ({@link #truncatedCases}): DEFAULT grid cases with B = 3, T ∈ {@link #TRUNCATED_LENGTHS},
 * no h_{-1}, each run with the four {@link #truncations(int) truncations} (k1, k2) = (T, T), (4, 4), (8, 3), (3, 8):
 * nothing cut (equal to full BPTT), chunked BPTT, k2 &lt; k1 and k2 &gt; k1.
 * <ul>
 *   <li>DEFAULT: both lengths × every head × mask off/on, 12 cases, so 48 truncated cases. The activation cycles
 *       so that each head meets every activation and each activation both mask settings; biases are on for
 *       (head index + length index) even, off otherwise, so both appear with every head and mask.</li>
 *   <li>QUICK: DEFAULT's T = 17 half, 24 truncated cases.</li>
 *   <li>FULL: every activation for each of DEFAULT's (length, head, mask), 192 truncated cases.</li>
 * </ul>
 * The gated cells' truncated cases ({@link #gatedTruncatedGrid}) follow the same rule with the cell's variant in
 * place of the activation: DEFAULT 48 per cell (each length meets all six variants), QUICK 24, FULL 288.
 */
public enum Suite {
    QUICK,
    DEFAULT,
    FULL;

    public static final String WORKED_EXAMPLE_ID = "lecture-worked-example";
    public static final String SENTIMENT_EXAMPLE_ID = "sentiment-example";

    /** The batch sizes and lengths of the DEFAULT grid. */
    public static final List<Integer> BATCH_SIZES = List.of(1, 3);
    public static final List<Integer> LENGTHS = List.of(1, 2, 3, 17, 64);
    /** Sizes of the DEFAULT grid's models. */
    public static final int INPUT_SIZE = 3;
    public static final int HIDDEN_SIZE = 5;
    public static final int OUTPUT_SIZE = 4;

    /** The suite's cases of every cell, in a stable order (the Elman cases first); the same seed gives equal cases. */
    public List<Case> cases(long seed) {
        return cases(seed, EnumSet.allOf(Cell.class));
    }

    /**
     * The suite's cases of the given cells, in a stable order: the Elman cases (the two examples and the Elman grid),
     * then the GRU's, then the LSTM's. The same seed gives equal cases, and a case is the same whichever cells are
     * asked for.
     */
    public List<Case> cases(long seed, Set<Cell> cells) {
        List<Case> cases = new ArrayList<>();
        if (cells.contains(Cell.ELMAN)) {
            cases.add(workedExample(seed));
            cases.add(sentimentExample(seed));
            switch (this) {
                case QUICK -> quickGrid().forEach(point -> cases.add(point.build(seed)));
                case DEFAULT -> defaultGrid().forEach(point -> cases.add(point.build(seed)));
                case FULL -> {
                    defaultGrid().forEach(point -> cases.add(point.build(seed)));
                    largeCases().forEach(point -> cases.add(point.build(seed)));
                }
            }
        }
        for (Cell cell : GATED_CELLS) {
            if (cells.contains(cell)) {
                List<GridPoint> grid = switch (this) {
                    case QUICK -> gatedQuickGrid(cell);
                    case DEFAULT -> gatedGrid(cell, false);
                    case FULL -> gatedGrid(cell, true);
                };
                grid.forEach(point -> cases.add(point.build(seed)));
            }
        }
        return List.copyOf(cases);
    }

    /** The lengths T of the truncated cases: longer than every k1 and k2 used, and 64 not a multiple of 3. */
    public static final List<Integer> TRUNCATED_LENGTHS = List.of(17, 64);

    /**
     * The suite's truncated-BPTT cases, in a stable order (the truncation varying fastest); the same seed gives
     * equal cases, and each wraps the DEFAULT grid case of the same id and data.
     */
    public List<SuiteCase> truncatedCases(long seed) {
        return truncatedCases(seed, EnumSet.allOf(Cell.class));
    }

    /**
     * The suite's truncated-BPTT cases of the given cells, in a stable order: the Elman cases, then the GRU's, then
     * the LSTM's, each wrapping the DEFAULT grid case of the same id and data.
     */
    public List<SuiteCase> truncatedCases(long seed, Set<Cell> cells) {
        List<GridPoint> grid = new ArrayList<>();
        if (cells.contains(Cell.ELMAN)) {
            grid.addAll(truncatedGrid());
        }
        for (Cell cell : GATED_CELLS) {
            if (cells.contains(cell)) {
                grid.addAll(gatedTruncatedGrid(cell));
            }
        }
        List<SuiteCase> cases = new ArrayList<>();
        for (GridPoint point : grid) {
            Case testCase = point.build(seed);
            for (Truncation truncation : truncations(point.steps())) {
                cases.add(SuiteCase.truncated(testCase, truncation));
            }
        }
        return List.copyOf(cases);
    }

    /**
     * The truncations every truncated case of T steps is run with, (k1, k2): (T, T) cuts nothing and equals full
     * BPTT; (4, 4) is chunked BPTT (for T = 17 with a last chunk of one step); (8, 3) drops the losses of each
     * chunk's first five steps (k2 &lt; k1); (3, 8) backpropagates each chunk's losses into earlier chunks (k2 &gt; k1).
     */
    public static List<Truncation> truncations(int steps) {
        return List.of(new Truncation(steps, steps), new Truncation(4, 4), new Truncation(8, 3), new Truncation(3, 8));
    }

    /** The grid points of the truncated cases (see the class comment): B = 3, no h_{-1}. */
    List<GridPoint> truncatedGrid() {
        List<GridPoint> grid = new ArrayList<>();
        int lengths = this == QUICK ? 1 : TRUNCATED_LENGTHS.size();
        int batchIndex = BATCH_SIZES.indexOf(3);
        for (int lengthIndex = 0; lengthIndex < lengths; lengthIndex++) {
            int tIndex = LENGTHS.indexOf(TRUNCATED_LENGTHS.get(lengthIndex));
            for (int h = 0; h < Head.values().length; h++) {
                int bias = (h + lengthIndex) % 2;
                for (int mask = 0; mask < 2; mask++) {
                    if (this == FULL) {
                        for (int a = 0; a < Activation.values().length; a++) {
                            grid.add(defaultPoint(a, h, bias, mask, 0, batchIndex, tIndex));
                        }
                    } else {
                        int a = (h + 2 * mask + lengthIndex) % Activation.values().length;
                        grid.add(defaultPoint(a, h, bias, mask, 0, batchIndex, tIndex));
                    }
                }
            }
        }
        return grid;
    }

    /** Parses a suite name case-insensitively; the error lists the names. */
    public static Suite parse(String name) {
        for (Suite suite : values()) {
            if (suite.name().equalsIgnoreCase(name == null ? "" : name.trim())) {
                return suite;
            }
        }
        throw new InvalidInputException("unknown suite '" + name + "'; expected one of "
                + Arrays.stream(values()).map(s -> s.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
    }

    /** The seed of the case called {@code id} in a suite seeded with {@code suiteSeed}. */
    public static long caseSeed(long suiteSeed, String id) {
        return new SplittableRandom(suiteSeed ^ (0x9E3779B97F4A7C15L * id.hashCode())).nextLong();
    }

    /**
     * One point of a grid: everything that makes a generated case. An Elman point has {@link CellOptions#NONE}; a
     * gated point has the activation TANH (its nonlinearities are the cell's own).
     */
    record GridPoint(String prefix, Cell cell, CellOptions cellOptions, Activation activation, Head head, boolean biases,
                     boolean masked, boolean initialState, LossReduction reduction, WeightInit init, int inputSize,
                     int hiddenSize, int outputSize, int batchSize, int steps, DataType dataType, boolean showSizes,
                     Topology topology) {

        /** A one-layer forward point. */
        GridPoint(String prefix, Cell cell, CellOptions cellOptions, Activation activation, Head head, boolean biases,
                  boolean masked, boolean initialState, LossReduction reduction, WeightInit init, int inputSize,
                  int hiddenSize, int outputSize, int batchSize, int steps, DataType dataType, boolean showSizes) {
            this(prefix, cell, cellOptions, activation, head, biases, masked, initialState, reduction, init, inputSize,
                    hiddenSize, outputSize, batchSize, steps, dataType, showSizes, Topology.SINGLE);
        }

        /** This point computed in float32, its id starting {@code f32-} as FULL's float32 copies do. */
        GridPoint inFloat32() {
            return new GridPoint("f32-" + prefix, cell, cellOptions, activation, head, biases, masked, initialState, reduction,
                    init, inputSize, hiddenSize, outputSize, batchSize, steps, DataType.FLOAT32, showSizes, topology);
        }

        /** This point as a network of {@code value}'s layers and directions. */
        GridPoint withTopology(Topology value) {
            return new GridPoint(prefix, cell, cellOptions, activation, head, biases, masked, initialState, reduction, init,
                    inputSize, hiddenSize, outputSize, batchSize, steps, dataType, showSizes, value);
        }

        /** An Elman point. */
        GridPoint(String prefix, Activation activation, Head head, boolean biases, boolean masked, boolean initialState,
                  LossReduction reduction, WeightInit init, int inputSize, int hiddenSize, int outputSize,
                  int batchSize, int steps, DataType dataType, boolean showSizes) {
            this(prefix, Cell.ELMAN, CellOptions.NONE, activation, head, biases, masked, initialState, reduction, init,
                    inputSize, hiddenSize, outputSize, batchSize, steps, dataType, showSizes);
        }

        /**
         * The id. An Elman case's starts with its activation ({@code tanh-perstep-bias-...}); a gated case's with the
         * cell and its options, and says {@code twobias} for two bias vectors per gate and {@code h0c0} for an LSTM's
         * given h_{-1} and c_{-1} ({@code lstm-peepholes-perstep-twobias-mask-h0c0-meanb-B3-T17}). A stacked or
         * bidirectional case's starts with its layers and directions ({@code l2-}, {@code l2-biconcat-}).
         */
        String id() {
            String states = cell.hasCellState() ? "h0c0" : "h0";
            return topologyName(topology) + prefix + cellName() + "-" + headName(head) + "-"
                    + (cellOptions.twoBiases() ? "twobias" : biases ? "bias" : "nobias") + "-"
                    + (masked ? "mask" : "nomask") + "-" + (initialState ? states : "no" + states)
                    + "-" + reductionName(reduction)
                    + (showSizes ? "-d" + inputSize + "-H" + hiddenSize + "-K" + outputSize : "")
                    + "-B" + batchSize + "-T" + steps;
        }

        private String cellName() {
            return switch (cell) {
                case ELMAN -> activation.name().toLowerCase(Locale.ROOT);
                case GRU -> "gru-reset" + cellOptions.resetPlacement().name().toLowerCase(Locale.ROOT);
                case LSTM -> cellOptions.peepholes() ? "lstm-peepholes" : "lstm";
            };
        }

        Case build(long suiteSeed) {
            ModelSpec spec = new ModelSpec(cell, cellOptions, inputSize, hiddenSize, head == Head.LAST_STEP_SIGMOID ? 1 : outputSize,
                    activation, head, biases, reduction, dataType, topology);
            String id = id();
            return CaseGenerator.generate(id, spec, batchSize, steps, masked, initialState, caseSeed(suiteSeed, id),
                    new CaseGenerator.Options(init, CaseGenerator.Rescaling.SPECTRAL_RADIUS, 0.9));
        }
    }

    /** The start of a case id for {@code topology}: empty for one forward layer, else {@code l2-} or {@code l2-biconcat-}. */
    static String topologyName(Topology topology) {
        if (topology.single()) {
            return "";
        }
        return "l" + topology.layers() + "-"
                + (topology.bidirectional() ? "bi" + topology.combine().name().toLowerCase(Locale.ROOT) + "-" : "");
    }

    static String headName(Head head) {
        return switch (head) {
            case PER_STEP_SOFTMAX -> "perstep";
            case LAST_STEP_SOFTMAX -> "lastsoftmax";
            case LAST_STEP_SIGMOID -> "lastsigmoid";
        };
    }

    static String reductionName(LossReduction reduction) {
        return switch (reduction) {
            case SUM -> "sum";
            case MEAN_OVER_BATCH -> "meanb";
            case MEAN_OVER_TERMS -> "meant";
        };
    }

    private static final boolean[] BIASES = {true, false};
    private static final boolean[] OFF_ON = {false, true};

    /** The DEFAULT grid, T varying fastest. */
    static List<GridPoint> defaultGrid() {
        List<GridPoint> grid = new ArrayList<>();
        Activation[] activations = Activation.values();
        Head[] heads = Head.values();
        for (int a = 0; a < activations.length; a++) {
            for (int h = 0; h < heads.length; h++) {
                for (int bias = 0; bias < 2; bias++) {
                    for (int mask = 0; mask < 2; mask++) {
                        for (int state = 0; state < 2; state++) {
                            for (int bIndex = 0; bIndex < BATCH_SIZES.size(); bIndex++) {
                                for (int tIndex = 0; tIndex < LENGTHS.size(); tIndex++) {
                                    grid.add(defaultPoint(a, h, bias, mask, state, bIndex, tIndex));
                                }
                            }
                        }
                    }
                }
            }
        }
        return grid;
    }

    /** A DEFAULT grid point from its factor indices; the reduction and weight init cycle with the indices. */
    private static GridPoint defaultPoint(int a, int h, int bias, int mask, int state, int bIndex, int tIndex) {
        LossReduction reduction = LossReduction.values()[(a + h + bias + mask + state + bIndex + tIndex) % 3];
        WeightInit init = WeightInit.values()[(a + bIndex + tIndex) % 3];
        return new GridPoint("", Activation.values()[a], Head.values()[h], BIASES[bias], OFF_ON[mask], OFF_ON[state],
                reduction, init, INPUT_SIZE, HIDDEN_SIZE, OUTPUT_SIZE, BATCH_SIZES.get(bIndex), LENGTHS.get(tIndex),
                DataType.FLOAT64, false);
    }

    /**
     * Four points per activation × head: (bias, mask, h0) = (on, on, on), (off, on, off), (on, off, off),
     * (off, off, on); B = 1 only for the third (a mask needs B &gt; 1 to matter); T cycles through every length.
     */
    static List<GridPoint> quickGrid() {
        List<GridPoint> grid = new ArrayList<>();
        int[][] variants = {{0, 1, 1, 1}, {1, 1, 0, 1}, {0, 0, 0, 0}, {1, 0, 1, 1}}; // bias index, mask, state, B index
        for (int a = 0; a < Activation.values().length; a++) {
            for (int h = 0; h < Head.values().length; h++) {
                for (int v = 0; v < variants.length; v++) {
                    int[] variant = variants[v];
                    grid.add(defaultPoint(a, h, variant[0], variant[1], variant[2], variant[3], (a + h + v) % LENGTHS.size()));
                }
            }
        }
        return grid;
    }

    /** FULL's extra cases: large models and float32 copies. */
    static List<GridPoint> largeCases() {
        List<GridPoint> points = new ArrayList<>();
        int index = 0;
        for (Activation activation : Activation.values()) {
            for (Head head : Head.values()) {
                LossReduction reduction = LossReduction.values()[index % 3];
                WeightInit init = WeightInit.values()[index % 3];
                points.add(new GridPoint("large-", activation, head, true, true, true, reduction, init,
                        8, 32, 10, 8, 256, DataType.FLOAT64, true));
                points.add(new GridPoint("large-", activation, head, false, false, false, LossReduction.values()[(index + 1) % 3],
                        init, 4, 16, 6, 4, 100, DataType.FLOAT64, true));
                points.add(new GridPoint("f32-", activation, head, true, true, true, reduction, init,
                        INPUT_SIZE, HIDDEN_SIZE, OUTPUT_SIZE, 3, 17, DataType.FLOAT32, false));
                index++;
            }
        }
        return points;
    }

    /** The gated cells, in the order of their cases. */
    static final List<Cell> GATED_CELLS = List.of(Cell.GRU, Cell.LSTM);

    /**
     * A gated cell with its options and biases: one column of the gated grids.
     *
     * @param options the cell's options
     * @param biases  whether the model has biases (one bias vector per gate, or two with {@code options.twoBiases()})
     */
    record CellVariant(CellOptions options, boolean biases) {
    }

    /**
     * Every variant of {@code cell} the gated grids take, in order: for the GRU reset before, then after the product;
     * for the LSTM without, then with peepholes; each with one bias vector per gate, two, and none.
     */
    static List<CellVariant> variants(Cell cell) {
        List<CellVariant> variants = new ArrayList<>();
        List<CellOptions> placements = switch (cell) {
            case GRU -> List.of(CellOptions.gru(ResetPlacement.BEFORE, false), CellOptions.gru(ResetPlacement.AFTER, false));
            case LSTM -> List.of(CellOptions.lstm(false, false), CellOptions.lstm(true, false));
            case ELMAN -> throw new IllegalArgumentException("the Elman cell has no gated variants");
        };
        for (CellOptions one : placements) {
            variants.add(new CellVariant(one, true));
            variants.add(new CellVariant(new CellOptions(one.resetPlacement(), one.peepholes(), true), true));
            variants.add(new CellVariant(one, false));
        }
        return List.copyOf(variants);
    }

    /**
     * The batch size of a gated grid point: 3 when it is masked (a mask needs B &gt; 1 to matter) or starts from
     * zero states, 1 for an unmasked case with initial states. DEFAULT thus runs each (variant, head, mask, initial
     * states, T) once instead of at both batch sizes, every truncated case's grid point (B = 3, zero states) is in
     * it, and B = 1 still meets every variant, head and T.
     */
    private static int gatedBatchIndex(int mask, int state, boolean everyBatchSize, int bIndex) {
        if (everyBatchSize) {
            return bIndex;
        }
        return mask == 0 && state == 1 ? BATCH_SIZES.indexOf(1) : BATCH_SIZES.indexOf(3);
    }

    /**
     * The gated grid of {@code cell}, T varying fastest: every variant × head × mask off/on × initial states off/on ×
     * T, at B = {@link #gatedBatchIndex} (DEFAULT) or at both batch sizes ({@code everyBatchSize}, FULL).
     */
    static List<GridPoint> gatedGrid(Cell cell, boolean everyBatchSize) {
        List<GridPoint> grid = new ArrayList<>();
        List<CellVariant> variants = variants(cell);
        for (int v = 0; v < variants.size(); v++) {
            for (int h = 0; h < Head.values().length; h++) {
                for (int mask = 0; mask < 2; mask++) {
                    for (int state = 0; state < 2; state++) {
                        for (int bIndex = 0; bIndex < (everyBatchSize ? BATCH_SIZES.size() : 1); bIndex++) {
                            for (int tIndex = 0; tIndex < LENGTHS.size(); tIndex++) {
                                grid.add(gatedPoint(cell, variants.get(v), v, h, mask, state,
                                        gatedBatchIndex(mask, state, everyBatchSize, bIndex), tIndex));
                            }
                        }
                    }
                }
            }
        }
        return grid;
    }

    /** A gated grid point from its factor indices; the reduction and weight init cycle with them, as Elman's do. */
    private static GridPoint gatedPoint(Cell cell, CellVariant variant, int v, int h, int mask, int state, int bIndex,
                                        int tIndex) {
        LossReduction reduction = LossReduction.values()[(v + h + mask + state + bIndex + tIndex) % 3];
        WeightInit init = WeightInit.values()[(v + bIndex + tIndex) % 3];
        return new GridPoint("", cell, variant.options(), Activation.TANH, Head.values()[h], variant.biases(),
                OFF_ON[mask], OFF_ON[state], reduction, init, INPUT_SIZE, HIDDEN_SIZE, OUTPUT_SIZE,
                BATCH_SIZES.get(bIndex), LENGTHS.get(tIndex), DataType.FLOAT64, false);
    }

    /**
     * QUICK's points of {@code cell}, two per variant: one masked and one not; initial states on for the masked
     * point of an even variant and the unmasked point of an odd one (so B = 1 appears too); the head cycling with
     * the variant and the point, T with twice the variant plus the point, so that together they cover every
     * variant, head, T, both mask and initial-state settings and both batch sizes. Each is a DEFAULT grid point.
     */
    static List<GridPoint> gatedQuickGrid(Cell cell) {
        List<GridPoint> grid = new ArrayList<>();
        List<CellVariant> variants = variants(cell);
        for (int v = 0; v < variants.size(); v++) {
            for (int point = 0; point < 2; point++) {
                int mask = 1 - point;
                int state = (v + point + 1) % 2;
                grid.add(gatedPoint(cell, variants.get(v), v, (v + point) % Head.values().length, mask, state,
                        gatedBatchIndex(mask, state, false, 0), (2 * v + point) % LENGTHS.size()));
            }
        }
        return grid;
    }

    /**
     * The truncated cases' grid points of {@code cell}: B = 3, zero initial states, T ∈ {@link #TRUNCATED_LENGTHS}
     * (QUICK: the first) × head × mask off/on, the variant cycling so that each length meets every variant (FULL:
     * every variant at each point).
     */
    List<GridPoint> gatedTruncatedGrid(Cell cell) {
        List<GridPoint> grid = new ArrayList<>();
        List<CellVariant> variants = variants(cell);
        int lengths = this == QUICK ? 1 : TRUNCATED_LENGTHS.size();
        int batchIndex = BATCH_SIZES.indexOf(3);
        for (int lengthIndex = 0; lengthIndex < lengths; lengthIndex++) {
            int tIndex = LENGTHS.indexOf(TRUNCATED_LENGTHS.get(lengthIndex));
            for (int h = 0; h < Head.values().length; h++) {
                for (int mask = 0; mask < 2; mask++) {
                    if (this == FULL) {
                        for (int v = 0; v < variants.size(); v++) {
                            grid.add(gatedPoint(cell, variants.get(v), v, h, mask, 0, batchIndex, tIndex));
                        }
                    } else {
                        int v = (2 * h + mask + 3 * lengthIndex) % variants.size();
                        grid.add(gatedPoint(cell, variants.get(v), v, h, mask, 0, batchIndex, tIndex));
                    }
                }
            }
        }
        return grid;
    }

    /** The lengths T of the float32 cases: the DEFAULT grid's two longest. */
    public static final List<Integer> FLOAT32_LENGTHS = List.of(17, 64);

    /**
     * The suite's float32 cases of the given cells, in a stable order (Elman, GRU, LSTM): float32 copies (ids starting
     * {@code f32-}, judged with the float32 tolerance) of a slice of the DEFAULT grid, the precision DL4J and most
     * training run in. DEFAULT and FULL: for each activation × head (Elman), or each head of a gated cell, one case
     * with a mask and one without, both with B = 3 and zero initial states (as training starts, and what every
     * float32 implementation here can be given: DL4J cannot take a given h_{-1});
     * T ∈ {@link #FLOAT32_LENGTHS}, the masked case at 64 and the other at 17 or the reverse (alternating with the
     * activation and head, so each length meets every head with and without a mask). Elman cases have biases; the
     * gated cells' variant cycles with the head and the mask. 24 Elman, 6 GRU, 6 LSTM cases. QUICK: none.
     */
    public List<Case> float32Cases(long seed, Set<Cell> cells) {
        List<Case> cases = new ArrayList<>();
        if (this == QUICK) {
            return cases;
        }
        int batchIndex = BATCH_SIZES.indexOf(3);
        if (cells.contains(Cell.ELMAN)) {
            for (int a = 0; a < Activation.values().length; a++) {
                for (int h = 0; h < Head.values().length; h++) {
                    for (int mask = 1; mask >= 0; mask--) {
                        cases.add(inFloat32(defaultPoint(a, h, 0, mask, 0, batchIndex,
                                float32LengthIndex(a + h + mask)).build(seed)));
                    }
                }
            }
        }
        for (Cell cell : GATED_CELLS) {
            if (cells.contains(cell)) {
                List<CellVariant> variants = variants(cell);
                for (int h = 0; h < Head.values().length; h++) {
                    for (int mask = 1; mask >= 0; mask--) {
                        int v = (2 * h + mask) % variants.size();
                        cases.add(inFloat32(gatedPoint(cell, variants.get(v), v, h, mask, 0, batchIndex,
                                float32LengthIndex(h + mask)).build(seed)));
                    }
                }
            }
        }
        return List.copyOf(cases);
    }

    /**
     * {@code testCase} computed in float32: the same weights and batch (an implementation rounds them to float32 as it
     * reads them), its id prefixed {@code f32-}.
     */
    static Case inFloat32(Case testCase) {
        ModelSpec spec = testCase.spec().withDataType(DataType.FLOAT32);
        return new Case("f32-" + testCase.id(), testCase.description() + ", in float32", spec, testCase.parameters(),
                testCase.batch(), testCase.seed());
    }

    /** The index in {@link #LENGTHS} of T = 64 for even {@code parity}, of T = 17 for odd. */
    private static int float32LengthIndex(int parity) {
        return LENGTHS.indexOf(FLOAT32_LENGTHS.get(parity % 2 == 0 ? 1 : 0));
    }

    /** The lengths T of the stacked and bidirectional cases. */
    public static final List<Integer> STACKED_LENGTHS = List.of(1, 2, 17);

    /** The topologies of the stacked grid, each met by every cell, head and length. */
    static final List<Topology> STACKED_TOPOLOGIES = List.of(Topology.forward(2), Topology.bidirectional(1, Combine.CONCAT),
            Topology.bidirectional(2, Combine.CONCAT));

    /**
     * The suite's stacked and bidirectional cases of the given cells, in a stable order (Elman, GRU, LSTM); the same
     * seed gives equal cases. None is a one-layer forward network: {@link #cases(long, Set)} holds those.
     * <ul>
     *   <li>DEFAULT and FULL: for each cell, {@link #STACKED_TOPOLOGIES} × head × T ∈ {@link #STACKED_LENGTHS}, the
     *       mask, the initial states and B cycling through (mask, states, B = 3), (no mask, states, B = 1),
     *       (mask, no states, B = 3) and the cell's variant cycling too (27 cases); then three layers forward and
     *       bidirectional, and one bidirectional layer summed, averaged and multiplied (per-step head, mask and
     *       states, B = 3, T = 17), and a float32 copy of two bidirectional layers at the same point: 33 per cell.</li>
     *   <li>QUICK: DEFAULT's T = 17 per-step case of each of {@link #STACKED_TOPOLOGIES}, 3 per cell.</li>
     * </ul>
     * The Elman variants are tanh with biases, sigmoid with biases and tanh without (not relu: finite differences
     * cannot see a kink in a layer below the top, whose states are not compared); the gated ones {@link #variants}.
     */
    public List<Case> stackedCases(long seed, Set<Cell> cells) {
        List<Case> cases = new ArrayList<>();
        for (Cell cell : Cell.values()) {
            if (cells.contains(cell)) {
                stackedGrid(cell).forEach(point -> cases.add(point.build(seed)));
            }
        }
        return List.copyOf(cases);
    }

    /**
     * The suite's truncated-BPTT cases of stacks of forward layers (truncated BPTT is not defined for a bidirectional
     * network): DEFAULT and FULL, for each cell, two forward layers, per-step head, mask, no initial states, B = 3,
     * T = 17, under the four {@link #truncations}; QUICK none.
     */
    public List<SuiteCase> stackedTruncatedCases(long seed, Set<Cell> cells) {
        List<SuiteCase> cases = new ArrayList<>();
        if (this == QUICK) {
            return cases;
        }
        for (Cell cell : Cell.values()) {
            if (cells.contains(cell)) {
                GridPoint point = stackedPoint(cell, 0, 0, STACKED_LENGTHS.indexOf(17), 2).withTopology(Topology.forward(2));
                Case testCase = point.build(seed);
                for (Truncation truncation : truncations(point.steps())) {
                    cases.add(SuiteCase.truncated(testCase, truncation));
                }
            }
        }
        return List.copyOf(cases);
    }

    /** The stacked grid of {@code cell} (see {@link #stackedCases}). */
    List<GridPoint> stackedGrid(Cell cell) {
        List<GridPoint> grid = new ArrayList<>();
        int perStep = Head.PER_STEP_SOFTMAX.ordinal();
        int longest = STACKED_LENGTHS.indexOf(17);
        for (int ti = 0; ti < STACKED_TOPOLOGIES.size(); ti++) {
            for (int h = 0; h < Head.values().length; h++) {
                for (int tIndex = 0; tIndex < STACKED_LENGTHS.size(); tIndex++) {
                    if (this == QUICK && (h != perStep || tIndex != longest)) {
                        continue;
                    }
                    grid.add(stackedPoint(cell, ti + h + tIndex, h, tIndex, (h + tIndex + 1) % 3)
                            .withTopology(STACKED_TOPOLOGIES.get(ti)));
                }
            }
        }
        if (this != QUICK) {
            List<Topology> more = List.of(Topology.forward(3), Topology.bidirectional(3, Combine.CONCAT),
                    Topology.bidirectional(1, Combine.SUM), Topology.bidirectional(1, Combine.MEAN),
                    Topology.bidirectional(1, Combine.PRODUCT));
            for (int i = 0; i < more.size(); i++) {
                grid.add(stackedPoint(cell, i, perStep, longest, 0).withTopology(more.get(i)));
            }
            grid.add(stackedPoint(cell, 0, perStep, longest, 0).withTopology(Topology.bidirectional(2, Combine.CONCAT)).inFloat32());
        }
        return grid;
    }

    /**
     * A one-layer point of the stacked grid (its topology is set after): the cell's variant number {@code variant}
     * (cycling), head {@code h}, T = {@code STACKED_LENGTHS[tIndex]}, and the pattern 0 (mask, states, B = 3),
     * 1 (no mask, states, B = 1) or 2 (mask, no states, B = 3). The reduction and weight init cycle as elsewhere.
     */
    private static GridPoint stackedPoint(Cell cell, int variant, int h, int tIndex, int pattern) {
        boolean masked = pattern != 1;
        boolean states = pattern != 2;
        int batchSize = pattern == 1 ? 1 : 3;
        LossReduction reduction = LossReduction.values()[(variant + h + tIndex + pattern) % 3];
        WeightInit init = WeightInit.values()[(variant + tIndex) % 3];
        int steps = STACKED_LENGTHS.get(tIndex);
        if (cell == Cell.ELMAN) {
            Activation activation = variant % 3 == 1 ? Activation.SIGMOID : Activation.TANH;
            return new GridPoint("", activation, Head.values()[h], variant % 3 != 2, masked, states, reduction, init,
                    INPUT_SIZE, HIDDEN_SIZE, OUTPUT_SIZE, batchSize, steps, DataType.FLOAT64, false);
        }
        CellVariant cellVariant = variants(cell).get(variant % variants(cell).size());
        return new GridPoint("", cell, cellVariant.options(), Activation.TANH, Head.values()[h], cellVariant.biases(),
                masked, states, reduction, init, INPUT_SIZE, HIDDEN_SIZE, OUTPUT_SIZE, batchSize, steps, DataType.FLOAT64, false);
    }

    /**
     * The lecture's worked example: a three-word vocabulary as one-hot inputs (d = K = 3), H = 3, tanh, no biases,
     * per-step softmax predicting the next word of the sequence word0 word1 word2 (targets word1 word2 word0),
     * T = 3, h_{-1} = 0, B = 1, summed loss. Weights are seeded Xavier, ρ(W) = 0.9.
     */
    public static Case workedExample(long suiteSeed) {
        ModelSpec spec = new ModelSpec(Cell.ELMAN, 3, 3, 3, Activation.TANH, Head.PER_STEP_SOFTMAX, false, LossReduction.SUM, DataType.FLOAT64);
        long seed = caseSeed(suiteSeed, WORKED_EXAMPLE_ID);
        Parameters parameters = CaseGenerator.parameters(spec, CaseGenerator.Options.defaults(), new SplittableRandom(seed));
        int[] words = {0, 1, 2};
        int[] nextWords = {1, 2, 0};
        Tensor inputs = Tensor.zeros(1, 3, 3);
        Tensor targets = Tensor.zeros(1, 3, 3);
        for (int step = 0; step < 3; step++) {
            inputs.set(1.0, 0, step, words[step]);
            targets.set(1.0, 0, step, nextWords[step]);
        }
        return new Case(WORKED_EXAMPLE_ID, "the lecture's worked example: one-hot words, tanh, no biases, per-step softmax, T=3, h_{-1}=0",
                spec, parameters, new Batch(inputs, targets, null, null), seed);
    }

    /** The sentiment example's vocabulary, one-hot in this order. */
    public static final List<String> SENTIMENT_VOCABULARY = List.of("good", "bad", "not");

    /**
     * The sentiment example: sentences over {good, bad, not} as one-hot inputs (d = 3), H = 4, tanh with biases, one
     * sigmoid output for the whole sentence (LAST_STEP_SIGMOID), positive = 1: "good" 1, "bad" 0, "not good" 0,
     * "not bad" 1, "not not good" 1. Sentences of different lengths share a batch through a mask (padding inputs
     * are zero); the loss is the mean over the batch.
     */
    public static Case sentimentExample(long suiteSeed) {
        String[][] sentences = {{"good"}, {"bad"}, {"not", "good"}, {"not", "bad"}, {"not", "not", "good"}};
        double[] positive = {1, 0, 0, 1, 1};
        int batchSize = sentences.length;
        int steps = 3;
        ModelSpec spec = new ModelSpec(Cell.ELMAN, 3, 4, 1, Activation.TANH, Head.LAST_STEP_SIGMOID, true, LossReduction.MEAN_OVER_BATCH,
                DataType.FLOAT64);
        long seed = caseSeed(suiteSeed, SENTIMENT_EXAMPLE_ID);
        Parameters parameters = CaseGenerator.parameters(spec, CaseGenerator.Options.defaults(), new SplittableRandom(seed));
        Tensor inputs = Tensor.zeros(batchSize, steps, 3);
        Tensor targets = Tensor.zeros(batchSize, 1);
        Tensor mask = Tensor.zeros(batchSize, steps);
        for (int sequence = 0; sequence < batchSize; sequence++) {
            for (int step = 0; step < sentences[sequence].length; step++) {
                inputs.set(1.0, sequence, step, SENTIMENT_VOCABULARY.indexOf(sentences[sequence][step]));
                mask.set(1.0, sequence, step);
            }
            targets.set(positive[sequence], sequence, 0);
        }
        return new Case(SENTIMENT_EXAMPLE_ID, "the sentiment example: one-hot {good, bad, not} sentences, one sigmoid output per sentence, masked",
                spec, parameters, new Batch(inputs, targets, mask, null), seed);
    }
}
