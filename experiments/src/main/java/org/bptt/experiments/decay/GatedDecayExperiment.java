package org.bptt.experiments.decay;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.Capability;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.CellOptions;
import org.bptt.api.DataType;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.InvalidInputException;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterDeclaration;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.ResetPlacement;
import org.bptt.api.Tensor;
import org.bptt.core.cases.CaseGenerator;
import org.bptt.core.cases.CaseGenerator.Rescaling;
import org.bptt.core.cases.WeightInit;
import org.bptt.core.plugins.IsolatedPlugin;
import org.bptt.core.plugins.PluginCallFailure;
import org.bptt.outputs.Statistics;
import org.bptt.outputs.Table;

/**
 * How the gradient of a last-step loss decays with the distance in time through the gated cells, measured on the
 * oracle. Unlike the Elman cell ({@link DecayExperiment}), no bound is checked: the gates make the step Jacobian
 * depend on the data, and the curves are what the experiment shows.
 *
 * <h2>What is measured</h2>
 * For every cell, recurrent scale, gate bias and seed, one case ({@link #testCase}: B = 1, no mask, zero initial
 * states, a last-step softmax head with K = 2, d = {@link Settings#inputSize()}) and, by lag ℓ = T−1−k:
 * <ul>
 *   <li>{@link Curve#HIDDEN}, both cells: ‖∂L/∂h_k‖ / ‖∂L/∂h_{T−1}‖ for ℓ = 0 … T−1, from
 *       {@link Capability#HIDDEN_STATE_GRADIENTS} (with a last-step head, dL/dh_k is ∂L_T/∂h_k);</li>
 *   <li>{@link Curve#CELL}, the LSTM: ‖∂L/∂c_k‖ / ‖∂L/∂c_{T−2}‖ for ℓ = 1 … T (k = T−2 … −1). The SPI returns
 *       dL/dc only for the initial cell state, so ∂L/∂c_k is dL/dc_{−1} of the same loss on the steps k+1 … T−1
 *       alone, started from the states (h_k, c_k) of the forward pass ({@link Capability#CELL_STATES}): the
 *       suffix run computes the same trajectory from step k+1 on, so its dL/dc_{−1} is ∂L/∂c_k. That is T gradient
 *       calls per seed on sequences of 1 … T steps (O(T²) steps), hence the smaller T and H of these settings.
 *       ∂L/∂c_{T−1} itself would need a run of no steps, so the curve starts at ℓ = 1 and is normalised there.</li>
 * </ul>
 *
 * <h2>The knobs</h2>
 * <ul>
 *   <li>The <b>memory gate's bias</b>: the LSTM's forget-gate bias b_f, the GRU's update-gate bias b_z (every
 *       element set to the value). These gates multiply the old state (c_t = f ⊙ c_{t−1} + …, h_t = … + z ⊙
 *       h_{t−1}), so a large bias holds the gate near 1 and the state, and its gradient, is carried forward
 *       (Gers, Schmidhuber &amp; Cummins 2000 for b_f; Jozefowicz, Zaremba &amp; Sutskever 2015 recommend b_f = 1).</li>
 *   <li>The <b>recurrent matrices' largest singular value</b>: every W_* (one per gate) rescaled to the same σ_max.
 *       It scales the paths through h_{t−1} into the gates and the candidate, the only paths an Elman cell has.</li>
 * </ul>
 * The other weights: U_* and V Xavier-uniform, the other biases uniform on (−0.1, 0.1), inputs uniform on (−1, 1)
 * (drawn like {@link CaseGenerator}'s). The same seed gives the same raw weights for every scale and bias of a cell.
 * The GRU has its reset gate after the recurrent product and the LSTM no peepholes, one bias vector per gate: the
 * forms of PyTorch and cuDNN.
 *
 * <p>Plugins are called through their {@link IsolatedPlugin}: a failed call is a problem of that seed, and an oracle
 * whose call timed out ends the sweep. Deterministic: the same settings give identical results.
 */
public final class GatedDecayExperiment {

    /** The output size: two classes, as in {@link DecayExperiment}. */
    static final int OUTPUT_SIZE = 2;
    /** The range of the biases other than the memory gate's, and of nothing else. */
    private static final double BIAS_RANGE = 0.1;

    private final Settings settings;

    /** The measured curves. */
    public enum Curve {
        /** ‖∂L/∂h_k‖ / ‖∂L/∂h_{T−1}‖, lags 0 … T−1. */
        HIDDEN("hidden", "‖∂L/∂h_k‖ / ‖∂L/∂h_{T−1}‖", 0),
        /** ‖∂L/∂c_k‖ / ‖∂L/∂c_{T−2}‖, lags 1 … T (the LSTM). */
        CELL("cell", "‖∂L/∂c_k‖ / ‖∂L/∂c_{T−2}‖", 1);

        private final String label;
        private final String symbol;
        private final int firstLag;

        Curve(String label, String symbol, int firstLag) {
            this.label = label;
            this.symbol = symbol;
            this.firstLag = firstLag;
        }

        /** The name in tables and file names: {@code hidden}, {@code cell}. */
        public String label() {
            return label;
        }

        /** What the curve's values are, for titles. */
        public String symbol() {
            return symbol;
        }

        /** The lag of the curve's first value: index i of a curve holds lag i + firstLag. */
        public int firstLag() {
            return firstLag;
        }
    }

    /**
     * What to sweep.
     *
     * @param cells        {@link Cell#GRU} and/or {@link Cell#LSTM}
     * @param recurrentScales the largest singular values every W_* is rescaled to, each &gt; 0
     * @param gateBiases   the values of the memory gate's bias (b_f, b_z), finite
     * @param steps        T ≥ 2
     * @param hiddenSize   H
     * @param inputSize    d
     * @param seeds        seeds per configuration
     * @param firstSeed    the seeds are firstSeed, firstSeed + 1, …
     */
    public record Settings(List<Cell> cells, List<Double> recurrentScales, List<Double> gateBiases, int steps,
                           int hiddenSize, int inputSize, int seeds, long firstSeed) {

        public Settings {
            InvalidInputException.require(cells != null && !cells.isEmpty(), "gated decay: give at least one cell");
            for (Cell cell : cells) {
                InvalidInputException.require(cell == Cell.GRU || cell == Cell.LSTM,
                        "gated decay: cells must be gru or lstm, got %s (the Elman cell has its own sweep)", cell);
            }
            InvalidInputException.require(recurrentScales != null && !recurrentScales.isEmpty(),
                    "gated decay: give at least one recurrent scale");
            for (double scale : recurrentScales) {
                InvalidInputException.require(scale > 0 && Double.isFinite(scale),
                        "gated decay: recurrent scales (σ_max of every W_*) must be positive, got %s", scale);
            }
            InvalidInputException.require(gateBiases != null && !gateBiases.isEmpty(), "gated decay: give at least one gate bias");
            for (double bias : gateBiases) {
                InvalidInputException.require(Double.isFinite(bias), "gated decay: gate biases must be finite, got %s", bias);
            }
            InvalidInputException.require(steps >= 2, "gated decay: T must be at least 2, got %d", steps);
            InvalidInputException.require(hiddenSize >= 1, "gated decay: hidden size must be at least 1, got %d", hiddenSize);
            InvalidInputException.require(inputSize >= 1, "gated decay: input size must be at least 1, got %d", inputSize);
            InvalidInputException.require(seeds >= 1, "gated decay: give at least one seed, got %d", seeds);
            cells = cells.stream().distinct().toList();
            recurrentScales = List.copyOf(recurrentScales);
            gateBiases = List.copyOf(gateBiases);
        }

        /**
         * A first look: T = 100, H = 16, d = 4, 3 seeds, σ_max(W_*) in {0.5, 1.0, 2.0}, gate bias in {−2, 0, 2, 6}.
         */
        public static Settings quick(List<Cell> cells) {
            return new Settings(cells, List.of(0.5, 1.0, 2.0), List.of(-2.0, 0.0, 2.0, 6.0), 100, 16, 4, 3, 1L);
        }

        /**
         * The full sweep: T = 200, H = 32, d = 4, 5 seeds, σ_max(W_*) in {0.5, 1.0, 1.5, 2.0}, gate bias in
         * {−2, 0, 1, 2, 4, 6}.
         */
        public static Settings full(List<Cell> cells) {
            return new Settings(cells, List.of(0.5, 1.0, 1.5, 2.0), List.of(-2.0, 0.0, 1.0, 2.0, 4.0, 6.0), 200, 32, 4,
                    5, 1L);
        }

        /**
         * The model of every case of {@code cell}: the GRU with its reset gate after the recurrent product, the LSTM
         * without peepholes, one bias vector per gate; a last-step softmax head with K = 2, the loss summed, doubles.
         */
        public ModelSpec spec(Cell cell) {
            CellOptions options = cell == Cell.GRU ? CellOptions.gru(ResetPlacement.AFTER, false) : CellOptions.lstm(false, false);
            return new ModelSpec(cell, options, inputSize, hiddenSize, OUTPUT_SIZE, Activation.TANH,
                    Head.LAST_STEP_SOFTMAX, true, LossReduction.SUM, DataType.FLOAT64);
        }

        /** The configurations in sweep order: cell, then recurrent scale, then gate bias. */
        public List<Config> configs() {
            List<Config> configs = new ArrayList<>();
            for (Cell cell : cells) {
                for (double scale : recurrentScales) {
                    for (double bias : gateBiases) {
                        configs.add(new Config(cell, scale, bias));
                    }
                }
            }
            return configs;
        }

        /** The number of cases (configurations × seeds): the units of progress. */
        public int cases() {
            return configs().size() * seeds;
        }

        /** The settings as key/value text for provenance. */
        public Map<String, String> describe() {
            Map<String, String> description = new LinkedHashMap<>();
            description.put("gatedCells", cells.toString());
            description.put("gatedRecurrentScales", recurrentScales.toString());
            description.put("gatedGateBiases", gateBiases.toString());
            description.put("gatedSteps", Integer.toString(steps));
            description.put("gatedHiddenSize", Integer.toString(hiddenSize));
            description.put("gatedInputSize", Integer.toString(inputSize));
            description.put("gatedSeeds", Integer.toString(seeds));
            description.put("gatedFirstSeed", Long.toString(firstSeed));
            description.put("gatedModel", "GRU reset after, LSTM without peepholes, one bias per gate; LAST_STEP_SOFTMAX, K="
                    + OUTPUT_SIZE + ", SUM, FLOAT64, B=1, no mask, zero initial states");
            return description;
        }
    }

    /**
     * One configuration.
     *
     * @param cell           GRU or LSTM
     * @param recurrentScale σ_max of every W_*
     * @param gateBias       every element of b_f (LSTM) or b_z (GRU)
     */
    public record Config(Cell cell, double recurrentScale, double gateBias) {

        /** The name of the memory gate's bias: {@code b_f} or {@code b_z}. */
        public String gateBiasName() {
            return memoryGateBias(cell);
        }

        /** E.g. {@code lstm σmax(W_*)=1.0 b_f=6.0}. */
        public String describe() {
            return String.format(Locale.ROOT, "%s σmax(W_*)=%s %s=%s", cellName(cell), recurrentScale, gateBiasName(), gateBias);
        }
    }

    /**
     * The curves of one case.
     *
     * @param hidden ‖∂L/∂h_k‖ / ‖∂L/∂h_{T−1}‖, index = lag (0 … T−1)
     * @param cell   ‖∂L/∂c_k‖ / ‖∂L/∂c_{T−2}‖, index = lag − 1 (lags 1 … T); null for a cell without a cell state
     */
    public record Curves(double[] hidden, double[] cell) {

        /** The values of {@code curve}, or null when this case has none. */
        public double[] of(Curve curve) {
            return curve == Curve.HIDDEN ? hidden : cell;
        }
    }

    /** A point of a curve over the seeds of one configuration. */
    public record CurvePoint(Config config, Curve curve, int lag, double median, double min, double max) {
    }

    /**
     * A curve's summary over the seeds.
     *
     * @param nominalGate σ(gate bias): the memory gate's value where the rest of its pre-activation is zero
     * @param fittedRate  per-step rate ({@link DecayRate}) over the seeds: median, min, max
     * @param lastValue   the value at the largest lag: median over the seeds
     */
    public record Summary(Config config, Curve curve, int seeds, double nominalGate, double fittedRateMedian,
                          double fittedRateMin, double fittedRateMax, int lastLag, double lastValue) {
    }

    /** A failed call of the oracle on one configuration and seed. */
    public record Problem(Config config, long seed, String message) {
    }

    /** What a sweep measured. */
    public record Result(Settings settings, String oracleId, List<CurvePoint> curves, List<Summary> summaries,
                         List<Problem> problems) {

        public Result {
            curves = List.copyOf(curves);
            summaries = List.copyOf(summaries);
            problems = List.copyOf(problems);
        }

        /** The points of one configuration's curve, by increasing lag. */
        public List<CurvePoint> curve(Config config, Curve curve) {
            return curves.stream().filter(point -> point.config().equals(config) && point.curve() == curve).toList();
        }

        /** {@code decay-gated-summary}, {@code decay-gated-curves}, {@code decay-gated-problems}. */
        public List<Table> tables() {
            Table.Builder summary = Table.builder("decay-gated-summary", "implementation", "cell", "recurrent_sigma_max",
                    "gate_bias_name", "gate_bias", "nominal_gate", "curve", "seeds", "fitted_rate_median",
                    "fitted_rate_min", "fitted_rate_max", "last_lag", "last_value_median");
            for (Summary row : summaries) {
                summary.row(oracleId, cellName(row.config().cell()), row.config().recurrentScale(),
                        row.config().gateBiasName(), row.config().gateBias(), row.nominalGate(), row.curve().label(),
                        row.seeds(), row.fittedRateMedian(), row.fittedRateMin(), row.fittedRateMax(), row.lastLag(),
                        row.lastValue());
            }
            Table.Builder points = Table.builder("decay-gated-curves", "implementation", "cell", "recurrent_sigma_max",
                    "gate_bias", "curve", "lag", "median", "min", "max");
            for (CurvePoint point : curves) {
                points.row(oracleId, cellName(point.config().cell()), point.config().recurrentScale(),
                        point.config().gateBias(), point.curve().label(), point.lag(), point.median(), point.min(),
                        point.max());
            }
            Table.Builder failures = Table.builder("decay-gated-problems", "implementation", "cell", "recurrent_sigma_max",
                    "gate_bias", "seed", "message");
            for (Problem problem : problems) {
                failures.row(oracleId, cellName(problem.config().cell()), problem.config().recurrentScale(),
                        problem.config().gateBias(), problem.seed(), problem.message());
            }
            return List.of(summary.build(), points.build(), failures.build());
        }
    }

    public GatedDecayExperiment(Settings settings) {
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Runs the sweep on {@code oracle}.
     *
     * @param onCase called after each of the {@link Settings#cases()} cases (progress)
     * @throws InvalidInputException when the oracle lacks a capability a cell of the sweep needs, naming it
     */
    public Result run(IsolatedPlugin oracle, Runnable onCase) {
        for (Cell cell : settings.cells()) {
            Set<Capability> missing = requiredCapabilities(settings.spec(cell));
            missing.removeAll(oracle.capabilities());
            InvalidInputException.require(missing.isEmpty(), "the decay oracle '%s' cannot measure the %s's curves: it lacks %s",
                    oracle.id(), cellName(cell), missing);
        }
        List<CurvePoint> points = new ArrayList<>();
        List<Summary> summaries = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        Set<String> timedOut = new HashSet<>();
        for (Config config : settings.configs()) {
            List<Curves> seeds = new ArrayList<>();
            for (int index = 0; index < settings.seeds(); index++) {
                long seed = settings.firstSeed() + index;
                if (timedOut.isEmpty()) {
                    try {
                        seeds.add(curves(oracle, testCase(config, seed)));
                    } catch (PluginCallFailure failure) {
                        boolean hung = failure.kind() == PluginCallFailure.Kind.TIMED_OUT
                                || failure.kind() == PluginCallFailure.Kind.STILL_RUNNING;
                        if (hung) {
                            timedOut.add(oracle.id());
                        }
                        problems.add(new Problem(config, seed, failure.getMessage()
                                + (hung ? "; the rest of the gated sweep is left out" : "")));
                    }
                }
                onCase.run();
            }
            if (!seeds.isEmpty()) {
                for (Curve curve : Curve.values()) {
                    if (seeds.get(0).of(curve) != null) {
                        summarize(config, curve, seeds, points, summaries);
                    }
                }
            }
        }
        return new Result(settings, oracle.id(), points, summaries, problems);
    }

    /** What the oracle must offer for the curves of {@code spec}'s cell, besides what its case needs. */
    static Set<Capability> requiredCapabilities(ModelSpec spec) {
        Batch zeroStates = new Batch(Tensor.zeros(1, 1, spec.inputSize()), Tensor.zeros(1, spec.outputSize()), null,
                Tensor.zeros(1, spec.hiddenSize()), spec.cell().hasCellState() ? Tensor.zeros(1, spec.hiddenSize()) : null);
        Set<Capability> required = EnumSet.copyOf(Capability.requiredBy(spec, zeroStates));
        required.add(Capability.HIDDEN_STATE_GRADIENTS);
        if (spec.cell().hasCellState()) {
            required.addAll(List.of(Capability.INITIAL_STATE, Capability.INITIAL_CELL_STATE, Capability.CELL_STATES,
                    Capability.INITIAL_CELL_STATE_GRADIENTS, Capability.HIDDEN_STATES));
        }
        return required;
    }

    /**
     * The curves of one case on {@code oracle} (see the class comment): one gradient call, and for a cell with a cell
     * state one forward call and T gradient calls on the suffixes of the sequence.
     *
     * @param testCase a B = 1 case with a last-step head and no mask (Not modified)
     * @throws PluginCallFailure when a call fails
     */
    public static Curves curves(IsolatedPlugin oracle, Case testCase) throws PluginCallFailure {
        ModelSpec spec = testCase.spec();
        Batch batch = testCase.batch();
        InvalidInputException.require(batch.batchSize() == 1 && batch.mask() == null && spec.head().lastStepOnly(),
                "a gated decay case has B = 1, no mask and a last-step head, got %s", testCase.description());
        int steps = batch.steps();
        GradientResult gradients = oracle.gradients(spec, testCase.parameters(), batch);
        double[] hiddenNorms = stepNorms(gradients.hiddenStateGradients());
        double[] hidden = new double[steps];
        for (int lag = 0; lag < steps; lag++) {
            hidden[lag] = hiddenNorms[lag] / hiddenNorms[0];
        }
        if (!spec.cell().hasCellState()) {
            return new Curves(hidden, null);
        }
        ForwardResult forward = oracle.forward(spec, testCase.parameters(), batch);
        int hiddenSize = spec.hiddenSize();
        double[] cellNorms = new double[steps];
        // index j holds ‖∂L/∂c_k‖ for k = T−2−j: the suffix of the sequence from step k+1 on, started at (h_k, c_k)
        for (int j = 0; j < steps; j++) {
            int k = steps - 2 - j;
            Tensor h = k < 0 ? batch.initialState() : stepOf(forward.hiddenStates(), k);
            Tensor c = k < 0 ? batch.initialCellState() : stepOf(forward.cellStates(), k);
            Batch suffix = new Batch(suffixOf(batch.inputs(), k + 1), batch.targets(), null,
                    h == null ? Tensor.zeros(1, hiddenSize) : h, c == null ? Tensor.zeros(1, hiddenSize) : c);
            GradientResult suffixGradients = oracle.gradients(spec, testCase.parameters(), suffix);
            Tensor dc = suffixGradients.initialCellStateGradients();
            cellNorms[j] = DecayExperiment.norm(dc.data(), 0, dc.length());
        }
        double[] cell = new double[steps];
        for (int j = 0; j < steps; j++) {
            cell[j] = cellNorms[j] / cellNorms[0];
        }
        return new Curves(hidden, cell);
    }

    /**
     * The case of {@code config} and {@code seed} (see the class comment for how the weights are drawn), validated.
     */
    public Case testCase(Config config, long seed) {
        ModelSpec spec = settings.spec(config.cell());
        SplittableRandom random = new SplittableRandom(seed);
        SplittableRandom weightRandom = random.split();
        Map<String, Tensor> drawn = new LinkedHashMap<>();
        for (ParameterDeclaration declaration : spec.parameters()) {
            // every parameter draws from its own stream, so the knobs change nothing else
            drawn.put(declaration.name(), draw(declaration, config, weightRandom.split()));
        }
        Tensor inputs = uniform(random.split(), 1.0, 1, settings.steps(), settings.inputSize());
        Tensor targets = Tensor.zeros(1, OUTPUT_SIZE);
        targets.set(1.0, 0, random.split().nextInt(OUTPUT_SIZE));
        String id = String.format(Locale.ROOT, "decay-%s-sigma%s-%s%s-s%d", cellName(config.cell()),
                config.recurrentScale(), config.gateBiasName().replace("_", ""), config.gateBias(), seed);
        Case testCase = new Case(id, config.describe() + ", T=" + settings.steps() + ", H=" + settings.hiddenSize(), spec,
                new Parameters(drawn), new Batch(inputs, targets, null, null), seed);
        testCase.validate();
        return testCase;
    }

    private static Tensor draw(ParameterDeclaration declaration, Config config, SplittableRandom random) {
        int[] shape = declaration.shape();
        if (declaration.name().equals(config.gateBiasName())) {
            Tensor bias = Tensor.zeros(shape);
            java.util.Arrays.fill(bias.data(), config.gateBias());
            return bias;
        }
        if (shape.length == 1) {
            return uniform(random, BIAS_RANGE, shape);
        }
        Tensor matrix = uniform(random, Math.sqrt(6.0 / (shape[0] + shape[1])), shape);
        if (declaration.dimensions().equals(List.of("H", "H"))) {
            return CaseGenerator.rescale(matrix, new CaseGenerator.Options(WeightInit.XAVIER,
                    Rescaling.LARGEST_SINGULAR_VALUE, config.recurrentScale()));
        }
        return matrix;
    }

    private void summarize(Config config, Curve curve, List<Curves> seeds, List<CurvePoint> points, List<Summary> summaries) {
        int steps = settings.steps();
        double[] atLag = new double[seeds.size()];
        for (int index = 0; index < steps; index++) {
            for (int s = 0; s < seeds.size(); s++) {
                atLag[s] = seeds.get(s).of(curve)[index];
            }
            points.add(new CurvePoint(config, curve, index + curve.firstLag(), Statistics.median(atLag),
                    Statistics.min(atLag), Statistics.max(atLag)));
        }
        double[] rates = seeds.stream().mapToDouble(seed -> DecayRate.fit(seed.of(curve))).toArray();
        double[] last = seeds.stream().mapToDouble(seed -> seed.of(curve)[steps - 1]).toArray();
        summaries.add(new Summary(config, curve, seeds.size(), 1 / (1 + Math.exp(-config.gateBias())),
                Statistics.median(rates), Statistics.min(rates), Statistics.max(rates), steps - 1 + curve.firstLag(),
                Statistics.median(last)));
    }

    /** {@code gru} or {@code lstm}. */
    public static String cellName(Cell cell) {
        return cell.name().toLowerCase(Locale.ROOT);
    }

    /** The bias of the gate that multiplies the old state: b_f of the LSTM, b_z of the GRU. */
    static String memoryGateBias(Cell cell) {
        return switch (cell) {
            case LSTM -> ParameterNames.B_F;
            case GRU -> ParameterNames.B_Z;
            case ELMAN -> throw new IllegalArgumentException("the Elman cell has no gate");
        };
    }

    /** ‖g_k‖ of a {@code [1, T, n]} tensor by lag: index ℓ holds step T−1−ℓ. */
    private static double[] stepNorms(Tensor perStep) {
        int steps = perStep.size(1);
        int width = perStep.size(2);
        double[] byLag = new double[steps];
        for (int step = 0; step < steps; step++) {
            byLag[steps - 1 - step] = DecayExperiment.norm(perStep.data(), step * width, (step + 1) * width);
        }
        return byLag;
    }

    /** Row {@code step} of a {@code [1, T, H]} tensor, as {@code [1, H]}. */
    private static Tensor stepOf(Tensor states, int step) {
        int width = states.size(2);
        double[] row = java.util.Arrays.copyOfRange(states.data(), step * width, (step + 1) * width);
        return Tensor.of(row, 1, width);
    }

    /** Steps {@code from} … T−1 of a {@code [1, T, d]} tensor. */
    private static Tensor suffixOf(Tensor inputs, int from) {
        int steps = inputs.size(1);
        int width = inputs.size(2);
        double[] data = java.util.Arrays.copyOfRange(inputs.data(), from * width, steps * width);
        return Tensor.of(data, 1, steps - from, width);
    }

    /** Uniform on (−range, range), drawn as {@link CaseGenerator} draws. */
    private static Tensor uniform(SplittableRandom random, double range, int... shape) {
        Tensor tensor = Tensor.zeros(shape);
        double[] data = tensor.data();
        for (int i = 0; i < data.length; i++) {
            data[i] = (2 * random.nextDouble() - 1) * range;
        }
        return tensor;
    }
}
