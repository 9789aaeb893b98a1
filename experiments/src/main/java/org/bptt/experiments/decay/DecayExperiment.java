package org.bptt.experiments.decay;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bptt.api.Activation;
import org.bptt.api.Capability;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.DataType;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.InvalidInputException;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Tensor;
import org.bptt.core.cases.CaseGenerator;
import org.bptt.core.cases.CaseGenerator.Rescaling;
import org.bptt.core.cases.SuiteCase;
import org.bptt.core.cases.WeightInit;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.core.plugins.IsolatedPlugin;
import org.bptt.core.plugins.PluginCallFailure;
import org.bptt.core.verify.DivergenceExplainer;
import org.bptt.core.verify.KnownDivergences;
import org.bptt.experiments.decay.DecayResult.Comparison;
import org.bptt.experiments.decay.DecayResult.Config;
import org.bptt.experiments.decay.DecayResult.CurvePoint;
import org.bptt.experiments.decay.DecayResult.Problem;
import org.bptt.experiments.decay.DecayResult.Quantity;
import org.bptt.experiments.decay.DecayResult.Summary;
import org.bptt.outputs.Statistics;

/**
 * How the gradient decays (or grows) with the distance in time: the vanishing and exploding gradients of Bengio,
 * Simard &amp; Frasconi (1994) and Pascanu, Mikolov &amp; Bengio (2013), measured against the bound of
 * {@link DecayBound}.
 *
 * <h2>What is measured</h2>
 * For every rescaling (W to a spectral radius ρ, or to a largest singular value σ_max), target value, activation and
 * seed, one case is generated ({@link CaseGenerator}, B = 1, no mask, h_{−1} = 0, Xavier U and V, a loss at the last
 * step only: {@link Head#LAST_STEP_SOFTMAX} with K = 2) and every implementation's gradients are taken through the
 * SPI. With a last-step-only head the total gradient dL/dh_k that {@link Capability#HIDDEN_STATE_GRADIENTS} returns
 * is exactly ∂L_T/∂h_k, the term of the per-lag decomposition at lag T−1−k. From it and from
 * {@link Capability#INPUT_GRADIENTS}:
 * <ul>
 *   <li>the hidden-state curve ‖∂L/∂h_k‖ / ‖∂L/∂h_{T−1}‖ against lag, checked against (γσ_max)^lag;</li>
 *   <li>the input curve ‖∂L/∂x_k‖ against lag, checked against γσ_max(U)·‖∂L/∂h_{T−1}‖·(γσ_max)^lag when the
 *       implementation also returns dL/dh;</li>
 *   <li>the fitted per-step rate of each ({@link DecayRate}), next to γσ_max and γρ;</li>
 *   <li>for every implementation other than the oracle, its input curve against the oracle's.</li>
 * </ul>
 * The same seed gives the same raw W for every rescaling target and activation, so a row differs from its neighbour
 * only by the scale of W or by f.
 *
 * <h2>Comparing curves</h2>
 * Each implementation's input curve is divided by its own total norm ‖∂L/∂x‖ before the comparison. With K = 2
 * the output gradient ∂L/∂o = y − y* is (δ, −δ), a single number, and every input gradient is linear in it: the
 * normalised curve does not depend on δ. So the comparison tests exactly the decay with distance, and is not upset
 * by a library that clamps saturated probabilities (DL4J clamps softmax outputs to [1e−10, 1 − 1e−10], which
 * changes δ when the output saturates, as it does for identity or relu networks with σ_max &gt; 1). The un-normalised
 * difference is reported too, for information.
 *
 * <p>The tolerance at a point of magnitude m is
 * <pre>
 *   allowed = max(rel·m, ulps·ulp(m))·√T + {@value #CONDITIONING_FACTOR}·Δ·m
 * </pre>
 * with rel and ulps from the tolerance policy (its absolute term is left out: a norm is a sum of squares and cannot
 * cancel to near zero), and Δ the oracle's own <em>perturbation response</em> on that seed: the largest relative
 * change of its normalised curve when every weight and input is multiplied by 1 ± 2⁻⁵² (random signs, seeded). Δ
 * measures how much rounding-sized differences are amplified by the problem itself. In a contracting network it is
 * about 1e-14 and changes nothing; in the chaotic regime (tanh with ρ(W) well above 1) the forward trajectory
 * amplifies every rounding difference exponentially, exactly as the Jacobian products amplify the gradient, so two
 * correct implementations (which round differently at every operation) differ by about as much as the oracle
 * differs from itself under the perturbation: measured on T = 200, tanh, ρ = 2, Δ is 1e-11 … 6e-8 and DL4J differs
 * from the reference by 0.3 … 3.5 Δ. The factor {@value #CONDITIONING_FACTOR} covers that spread and the single
 * random sample. The table reports Δ and the failures under the policy alone, so the effect stays visible.
 *
 * <p>An implementation whose curve is NaN or infinite where the oracle's is finite disagrees on every lag of that
 * seed. The oracle is run a second time (on the perturbed case) only on the comparison seeds, and only when there
 * is something to compare. Plugins are called one call at a time, each through its {@link IsolatedPlugin}: a call
 * that throws or returns a malformed result is an error of that seed, and a plugin whose call timed out is left out
 * of the rest of the sweep (every later call would wait for the timeout again).
 *
 * <p>Deterministic: the same settings give identical results.
 */
public final class DecayExperiment {

    /** The output size: two classes, so that ∂L/∂o is (δ, −δ) (see the class comment). */
    static final int OUTPUT_SIZE = 2;
    /** How many times the oracle's perturbation response a compared curve may differ by (see the class comment). */
    public static final double CONDITIONING_FACTOR = 10;
    /** The relative size of the perturbation that measures the conditioning: one ulp of 1. */
    static final double PERTURBATION = 0x1p-52;

    private final Settings settings;

    /**
     * What to sweep.
     *
     * @param activations the activations f
     * @param rescalings  how W is rescaled: {@link Rescaling#SPECTRAL_RADIUS} and/or
     *                    {@link Rescaling#LARGEST_SINGULAR_VALUE}
     * @param targets     the values W is rescaled to, each &gt; 0
     * @param steps       T, the sequence length (lags 0 … T−1)
     * @param hiddenSize  H
     * @param inputSize   d
     * @param seeds       how many seeds per configuration (at least 1)
     * @param comparisonSeeds on how many of those seeds (the first ones) the other implementations run, 1 … seeds
     *                    (a library such as DL4J is much slower than the reference)
     * @param firstSeed   the seeds are firstSeed, firstSeed + 1, …
     * @param init        how U, W (before rescaling) and V are drawn
     * @param tolerance   the policy for comparing input curves with the oracle's
     */
    public record Settings(List<Activation> activations, List<Rescaling> rescalings, List<Double> targets, int steps,
                           int hiddenSize, int inputSize, int seeds, int comparisonSeeds, long firstSeed,
                           WeightInit init, TolerancePolicy tolerance) {

        public Settings {
            InvalidInputException.require(activations != null && !activations.isEmpty(), "decay: give at least one activation");
            InvalidInputException.require(rescalings != null && !rescalings.isEmpty(), "decay: give at least one rescaling");
            InvalidInputException.require(!rescalings.contains(Rescaling.NONE),
                    "decay: rescaling must be spectral-radius or largest-singular-value, not none");
            InvalidInputException.require(targets != null && !targets.isEmpty(), "decay: give at least one rescaling target");
            for (double target : targets) {
                InvalidInputException.require(target > 0 && Double.isFinite(target),
                        "decay: rescaling targets must be positive, got %s", target);
            }
            InvalidInputException.require(steps >= 2, "decay: T must be at least 2, got %d", steps);
            InvalidInputException.require(hiddenSize >= 1, "decay: hidden size must be at least 1, got %d", hiddenSize);
            InvalidInputException.require(inputSize >= 1, "decay: input size must be at least 1, got %d", inputSize);
            InvalidInputException.require(seeds >= 1, "decay: give at least one seed, got %d", seeds);
            InvalidInputException.require(comparisonSeeds >= 1 && comparisonSeeds <= seeds,
                    "decay: comparison seeds must be 1 … %d (the number of seeds), got %d", seeds, comparisonSeeds);
            InvalidInputException.require(init != null, "decay: weight init must be given");
            InvalidInputException.require(tolerance != null, "decay: tolerance policy must be given");
            activations = List.copyOf(activations);
            rescalings = List.copyOf(rescalings);
            targets = List.copyOf(targets);
        }

        /**
         * Settings for {@code bptt run} and a first look: T = 200, H = 32, d = 4, 5 seeds (other implementations
         * on the first 2), σ_max or ρ in {0.5, 0.9, 1.1, 2.0}, every activation, both rescalings: 160 cases, 64 calls
         * of each other implementation (run times: experiments/README.md).
         */
        public static Settings quick() {
            return new Settings(List.of(Activation.values()), List.of(Rescaling.LARGEST_SINGULAR_VALUE, Rescaling.SPECTRAL_RADIUS),
                    List.of(0.5, 0.9, 1.1, 2.0), 200, 32, 4, 5, 2, 1L, WeightInit.XAVIER, TolerancePolicy.defaults());
        }

        /**
         * The full sweep of the issue: T = 1000, H = 64, d = 4, 10 seeds, σ_max or ρ in {0.5, 0.9, 1.0, 1.1, 1.5,
         * 2.0}, every activation, both rescalings, other implementations on every seed: 480 cases, as many calls of
         * each other implementation (run times: experiments/README.md).
         */
        public static Settings full() {
            return new Settings(List.of(Activation.values()), List.of(Rescaling.LARGEST_SINGULAR_VALUE, Rescaling.SPECTRAL_RADIUS),
                    List.of(0.5, 0.9, 1.0, 1.1, 1.5, 2.0), 1000, 64, 4, 10, 10, 1L, WeightInit.XAVIER, TolerancePolicy.defaults());
        }

        /** The model of every case: d, H, K = 2, f, a last-step softmax head, biases, the loss summed, doubles. */
        public ModelSpec spec(Activation activation) {
            return new ModelSpec(Cell.ELMAN, inputSize, hiddenSize, OUTPUT_SIZE, activation, Head.LAST_STEP_SOFTMAX, true,
                    LossReduction.SUM, DataType.FLOAT64);
        }

        /** The configurations in sweep order: rescaling, then target, then activation. */
        public List<Config> configs() {
            List<Config> configs = new ArrayList<>();
            for (Rescaling rescaling : rescalings) {
                for (double target : targets) {
                    for (Activation activation : activations) {
                        configs.add(new Config(rescaling, target, activation));
                    }
                }
            }
            return configs;
        }

        /** The number of cases (configurations × seeds): the units of progress. */
        public int cases() {
            return rescalings.size() * targets.size() * activations.size() * seeds;
        }

        /** The settings as key/value text for provenance. */
        public Map<String, String> describe() {
            Map<String, String> description = new LinkedHashMap<>();
            description.put("activations", activations.toString());
            description.put("rescalings", rescalings.toString());
            description.put("targets", targets.toString());
            description.put("steps", Integer.toString(steps));
            description.put("hiddenSize", Integer.toString(hiddenSize));
            description.put("inputSize", Integer.toString(inputSize));
            description.put("seeds", Integer.toString(seeds));
            description.put("comparisonSeeds", Integer.toString(comparisonSeeds));
            description.put("firstSeed", Long.toString(firstSeed));
            description.put("init", init.toString());
            description.put("head", "LAST_STEP_SOFTMAX, K=" + OUTPUT_SIZE + ", biases, SUM, FLOAT64, B=1, no mask");
            return description;
        }
    }

    /**
     * One implementation's measurement on one case, by lag (index ℓ holds step T−1−ℓ).
     *
     * @param hiddenRatio    ‖∂L/∂h_k‖ / ‖∂L/∂h_{T−1}‖, or null without dL/dh
     * @param lastHiddenNorm ‖∂L/∂h_{T−1}‖, or NaN without dL/dh
     * @param inputNorms     ‖∂L/∂x_k‖, or null without dL/dx
     * @param inputTotalNorm ‖∂L/∂x‖ over every step, or NaN without dL/dx
     */
    record SeedCurves(long seed, double sigmaMax, double spectralRadius, double inputSigmaMax, double[] hiddenRatio,
                      double lastHiddenNorm, double[] inputNorms, double inputTotalNorm) {
    }

    public DecayExperiment(Settings settings) {
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Runs the sweep.
     *
     * @param oracle   gives the hidden-state curves and the input curve others are compared with; must offer
     *                 {@link Capability#HIDDEN_STATE_GRADIENTS} and {@link Capability#INPUT_GRADIENTS}
     * @param compared other implementations (the oracle is left out if listed); each one's input curve is measured
     *                 when it offers {@link Capability#INPUT_GRADIENTS}, its hidden curve when it offers dL/dh
     * @param knownDivergences documented differences of third-party implementations: a seed whose comparison fails is
     *                 counted as a known divergence, with the explanation, not as a failure, when
     *                 {@link DivergenceExplainer} explains {@link org.bptt.api.Quantity#INPUT_GRADIENTS} on its case
     *                 (an entry of this list, else the plugin's own knownDivergence; e.g. a NaN curve from a library
     *                 bug)
     * @param onCase   called after each of the {@link Settings#cases()} cases (progress)
     * @throws InvalidInputException when the oracle lacks a capability it needs
     */
    public DecayResult run(IsolatedPlugin oracle, List<IsolatedPlugin> compared, KnownDivergences knownDivergences,
                           Runnable onCase) {
        KnownDivergences known = knownDivergences == null ? KnownDivergences.none() : knownDivergences;
        InvalidInputException.require(oracle.has(Capability.HIDDEN_STATE_GRADIENTS) && oracle.has(Capability.INPUT_GRADIENTS),
                "the decay oracle '%s' must offer HIDDEN_STATE_GRADIENTS and INPUT_GRADIENTS", oracle.id());
        Map<String, IsolatedPlugin> plugins = new LinkedHashMap<>();
        plugins.put(oracle.id(), oracle);
        for (IsolatedPlugin plugin : compared) {
            plugins.putIfAbsent(plugin.id(), plugin);
        }
        // measurements.get(plugin id).get(config) = one entry per seed that ran
        Map<String, Map<Config, List<SeedCurves>>> measurements = new LinkedHashMap<>();
        // the oracle on perturbed weights and inputs, by configuration, for the comparison seeds
        Map<Config, List<SeedCurves>> perturbed = new LinkedHashMap<>();
        List<Problem> problems = new ArrayList<>();
        // plugins whose call timed out: not called again
        Set<String> timedOut = new HashSet<>();
        for (Config config : settings.configs()) {
            ModelSpec spec = settings.spec(config.activation());
            for (int index = 0; index < settings.seeds(); index++) {
                long seed = settings.firstSeed() + index;
                Case testCase = testCase(config, seed);
                double sigmaMax = CaseGenerator.largestSingularValue(testCase.parameters().get(ParameterNames.W));
                double spectralRadius = CaseGenerator.spectralRadius(testCase.parameters().get(ParameterNames.W));
                double inputSigmaMax = CaseGenerator.largestSingularValue(testCase.parameters().get(ParameterNames.U));
                boolean comparing = plugins.size() > 1 && index < settings.comparisonSeeds();
                for (IsolatedPlugin plugin : plugins.values()) {
                    if ((plugin != oracle && !comparing) || timedOut.contains(plugin.id())) {
                        continue;
                    }
                    String missing = missingCapabilities(plugin, testCase);
                    if (missing != null) {
                        if (index == 0) {
                            problems.add(new Problem(plugin.id(), config, -1, "skipped", missing));
                        }
                        continue;
                    }
                    try {
                        GradientResult result = plugin.gradients(spec, testCase.parameters(), testCase.batch());
                        SeedCurves curves = curves(plugin, result, seed, sigmaMax, spectralRadius, inputSigmaMax);
                        measurements.computeIfAbsent(plugin.id(), id -> new LinkedHashMap<>())
                                .computeIfAbsent(config, c -> new ArrayList<>()).add(curves);
                    } catch (PluginCallFailure failure) {
                        problems.add(new Problem(plugin.id(), config, seed, "error", failureMessage(failure, timedOut)));
                    }
                }
                if (comparing && !timedOut.contains(oracle.id())) {
                    Case perturbedCase = perturb(testCase, seed);
                    try {
                        GradientResult result = oracle.gradients(spec, perturbedCase.parameters(), perturbedCase.batch());
                        perturbed.computeIfAbsent(config, c -> new ArrayList<>())
                                .add(curves(oracle, result, seed, sigmaMax, spectralRadius, inputSigmaMax));
                    } catch (PluginCallFailure failure) {
                        problems.add(new Problem(oracle.id(), config, seed, "error", "on the perturbed case: "
                                + failureMessage(failure, timedOut)));
                    }
                }
                onCase.run();
            }
        }
        SeedExplanation explanation = (implementation, config, seed) -> DivergenceExplainer.explain(known,
                plugins.get(implementation), SuiteCase.fullBptt(testCase(config, seed)),
                org.bptt.api.Quantity.INPUT_GRADIENTS);
        return summarize(oracle.id(), measurements, perturbed, explanation, problems);
    }

    /** The failure's message; a plugin whose call timed out joins {@code timedOut} (Modified) and is left out. */
    private static String failureMessage(PluginCallFailure failure, Set<String> timedOut) {
        if (failure.kind() != PluginCallFailure.Kind.TIMED_OUT && failure.kind() != PluginCallFailure.Kind.STILL_RUNNING) {
            return failure.getMessage();
        }
        timedOut.add(failure.pluginId());
        return failure.getMessage() + "; " + failure.pluginId() + " is left out of the rest of the sweep";
    }

    /** Why a failure of {@code implementation} on one configuration and seed is a known divergence, if it is. */
    @FunctionalInterface
    private interface SeedExplanation {
        Optional<String> of(String implementation, Config config, long seed);
    }

    /**
     * The case with every weight and input multiplied by 1 ± 2⁻⁵² (random signs from a generator seeded with
     * {@code seed}): a rounding-sized change, to measure how much the problem amplifies rounding.
     */
    static Case perturb(Case testCase, long seed) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed ^ 0x5DEECE66DL);
        Map<String, Tensor> changedTensors = new LinkedHashMap<>();
        testCase.parameters().byName().forEach((name, tensor) -> changedTensors.put(name, perturb(tensor, random)));
        org.bptt.api.Parameters changed = new org.bptt.api.Parameters(changedTensors);
        org.bptt.api.Batch batch = testCase.batch();
        org.bptt.api.Batch changedBatch = new org.bptt.api.Batch(perturb(batch.inputs(), random), batch.targets(),
                batch.mask(), batch.initialState());
        return new Case(testCase.id() + "-perturbed", testCase.description() + ", perturbed by one ulp", testCase.spec(),
                changed, changedBatch, testCase.seed());
    }

    private static Tensor perturb(Tensor tensor, java.util.SplittableRandom random) {
        double[] data = tensor.data().clone();
        for (int i = 0; i < data.length; i++) {
            data[i] *= 1 + (random.nextBoolean() ? PERTURBATION : -PERTURBATION);
        }
        return Tensor.of(data, tensor.shape());
    }

    /** The case of {@code config} and {@code seed}: B = 1, T steps, no mask, h_{−1} = 0 (validated). */
    public Case testCase(Config config, long seed) {
        String id = String.format(Locale.ROOT, "decay-%s-%s-%s-s%d", config.rescalingName(), config.target(),
                config.activationName(), seed);
        CaseGenerator.Options options = new CaseGenerator.Options(settings.init(), config.rescaling(), config.target());
        Case testCase = CaseGenerator.generate(id, settings.spec(config.activation()), 1, settings.steps(), false, false,
                seed, options);
        testCase.validate();
        return testCase;
    }

    /** Why {@code plugin} cannot run {@code testCase} for this experiment, or null when it can. */
    private static String missingCapabilities(IsolatedPlugin plugin, Case testCase) {
        Set<Capability> missing = EnumSet.noneOf(Capability.class);
        missing.addAll(Capability.requiredBy(testCase.spec(), testCase.batch()));
        missing.removeAll(plugin.capabilities());
        if (!missing.isEmpty()) {
            return "lacks " + missing;
        }
        if (!plugin.has(Capability.INPUT_GRADIENTS) && !plugin.has(Capability.HIDDEN_STATE_GRADIENTS)) {
            return "offers neither INPUT_GRADIENTS nor HIDDEN_STATE_GRADIENTS";
        }
        return null;
    }

    /** The per-lag norms of one gradient result (its isolated call checked the shapes of what the plugin declares). */
    private SeedCurves curves(IsolatedPlugin plugin, GradientResult result, long seed, double sigmaMax,
                              double spectralRadius, double inputSigmaMax) {
        int steps = settings.steps();
        double[] hiddenRatio = null;
        double lastHiddenNorm = Double.NaN;
        if (plugin.has(Capability.HIDDEN_STATE_GRADIENTS)) {
            double[] norms = stepNorms(result.hiddenStateGradients());
            lastHiddenNorm = norms[0];
            hiddenRatio = new double[steps];
            for (int lag = 0; lag < steps; lag++) {
                hiddenRatio[lag] = norms[lag] / lastHiddenNorm;
            }
        }
        double[] inputNorms = null;
        double inputTotalNorm = Double.NaN;
        if (plugin.has(Capability.INPUT_GRADIENTS)) {
            Tensor input = result.inputGradients();
            inputNorms = stepNorms(input);
            inputTotalNorm = norm(input.data(), 0, input.length());
        }
        return new SeedCurves(seed, sigmaMax, spectralRadius, inputSigmaMax, hiddenRatio, lastHiddenNorm, inputNorms, inputTotalNorm);
    }

    /** ‖g_k‖ of a {@code [1, T, n]} tensor by lag: index ℓ holds step T−1−ℓ. */
    private static double[] stepNorms(Tensor perStep) {
        int steps = perStep.size(1);
        int width = perStep.size(2);
        double[] byLag = new double[steps];
        for (int step = 0; step < steps; step++) {
            byLag[steps - 1 - step] = norm(perStep.data(), step * width, (step + 1) * width);
        }
        return byLag;
    }

    /**
     * The Euclidean norm of {@code data[from, to)}, scaled by the largest magnitude first so that squaring neither
     * overflows (gradients of exploding networks reach 1e200) nor underflows. NaN if any element is NaN, ∞ if any
     * is infinite.
     */
    static double norm(double[] data, int from, int to) {
        double largest = 0;
        for (int i = from; i < to; i++) {
            double magnitude = Math.abs(data[i]);
            if (Double.isNaN(magnitude)) {
                return Double.NaN;
            }
            largest = Math.max(largest, magnitude);
        }
        if (largest == 0 || Double.isInfinite(largest)) {
            return largest;
        }
        double sum = 0;
        for (int i = from; i < to; i++) {
            double scaled = data[i] / largest;
            sum += scaled * scaled;
        }
        return largest * Math.sqrt(sum);
    }

    private DecayResult summarize(String oracleId, Map<String, Map<Config, List<SeedCurves>>> measurements,
                                  Map<Config, List<SeedCurves>> perturbed, SeedExplanation explanation,
                                  List<Problem> problems) {
        List<CurvePoint> curves = new ArrayList<>();
        List<Summary> summaries = new ArrayList<>();
        List<Comparison> comparisons = new ArrayList<>();
        Map<Config, List<SeedCurves>> oracleMeasurements = measurements.getOrDefault(oracleId, Map.of());
        for (Map.Entry<String, Map<Config, List<SeedCurves>>> byPlugin : measurements.entrySet()) {
            String implementation = byPlugin.getKey();
            for (Map.Entry<Config, List<SeedCurves>> byConfig : byPlugin.getValue().entrySet()) {
                Config config = byConfig.getKey();
                List<SeedCurves> seeds = byConfig.getValue();
                for (Quantity quantity : List.of(Quantity.HIDDEN_RATIO, Quantity.INPUT_NORM)) {
                    if (seeds.stream().allMatch(seed -> values(seed, quantity) != null)) {
                        summarizeCurve(implementation, quantity, config, seeds, curves, summaries);
                    }
                }
                if (implementation.equals(oracleId) && perturbed.containsKey(config)) {
                    // the oracle on the seeds the others ran on, so that a chart compares like with like
                    List<SeedCurves> comparisonSeeds = seeds.stream()
                            .filter(seed -> seed.seed() < settings.firstSeed() + settings.comparisonSeeds()).toList();
                    summarizeCurve(implementation, Quantity.INPUT_NORM_COMPARISON_SEEDS, config, comparisonSeeds,
                            curves, new ArrayList<>());
                }
                if (!implementation.equals(oracleId) && seeds.get(0).inputNorms() != null
                        && oracleMeasurements.containsKey(config)) {
                    comparisons.add(compare(implementation, oracleId, config, oracleMeasurements.get(config),
                            perturbed.getOrDefault(config, List.of()), seeds, explanation));
                }
            }
        }
        return new DecayResult(settings, oracleId, curves, summaries, comparisons, problems);
    }

    private static double[] values(SeedCurves seed, Quantity quantity) {
        return quantity == Quantity.HIDDEN_RATIO ? seed.hiddenRatio() : seed.inputNorms();
    }

    /** The input-gradient quantities share their bound. */
    private static boolean isInput(Quantity quantity) {
        return quantity != Quantity.HIDDEN_RATIO;
    }

    /**
     * ln of the bound on {@code quantity} at {@code lag} for one seed, or NaN when none applies (an input curve
     * without ‖∂L/∂h_{T−1}‖).
     */
    private static double logBound(SeedCurves seed, Quantity quantity, Activation activation, int lag) {
        double factor = DecayBound.factor(activation, seed.sigmaMax());
        if (quantity == Quantity.HIDDEN_RATIO) {
            return DecayBound.logBound(factor, lag);
        }
        if (Double.isNaN(seed.lastHiddenNorm())) {
            return Double.NaN;
        }
        // ‖∂L/∂x_k‖ ≤ γ σ_max(U) ‖∂L/∂h_{T−1}‖ (γσ_max)^ℓ
        return Math.log(activation.gamma() * seed.inputSigmaMax() * seed.lastHiddenNorm()) + DecayBound.logBound(factor, lag);
    }

    private void summarizeCurve(String implementation, Quantity quantity, Config config, List<SeedCurves> seeds,
                                List<CurvePoint> curves, List<Summary> summaries) {
        int steps = settings.steps();
        Activation activation = config.activation();
        // The input bound has one more matrix–vector product (Uᵀ) than the hidden one at the same lag.
        int extraSteps = isInput(quantity) ? 1 : 0;
        int checked = 0;
        int unchecked = 0;
        int violations = 0;
        double worstRatio = 0;
        double[] atLag = new double[seeds.size()];
        for (int lag = 0; lag < steps; lag++) {
            double largestLogBound = Double.NaN;
            for (int s = 0; s < seeds.size(); s++) {
                SeedCurves seed = seeds.get(s);
                double measured = values(seed, quantity)[lag];
                atLag[s] = measured;
                double logBound = logBound(seed, quantity, activation, lag);
                if (!Double.isNaN(logBound)) {
                    largestLogBound = Double.isNaN(largestLogBound) ? logBound : Math.max(largestLogBound, logBound);
                }
                if (Double.isNaN(logBound) || !DecayBound.checkable(measured)) {
                    unchecked++;
                    continue;
                }
                checked++;
                if (isInput(quantity) || lag > 0) { // the hidden ratio at lag 0 is 1/1 by definition
                    worstRatio = Math.max(worstRatio, DecayBound.ratioToBound(measured, logBound));
                }
                if (DecayBound.violates(measured, logBound, lag + extraSteps, settings.hiddenSize())) {
                    violations++;
                }
            }
            int finite = atLag.length - Statistics.nonFinite(atLag);
            curves.add(new CurvePoint(implementation, quantity, config, lag, Statistics.median(atLag),
                    Statistics.min(atLag), Statistics.max(atLag), Math.exp(largestLogBound),
                    largestLogBound / Math.log(10), finite));
        }
        double[] rates = seeds.stream().mapToDouble(seed -> DecayRate.fit(values(seed, quantity))).toArray();
        double[] sigmaMax = seeds.stream().mapToDouble(SeedCurves::sigmaMax).toArray();
        double[] spectralRadius = seeds.stream().mapToDouble(SeedCurves::spectralRadius).toArray();
        double[] lastValues = seeds.stream().mapToDouble(seed -> values(seed, quantity)[steps - 1]).toArray();
        double largestFactor = seeds.stream().mapToDouble(seed -> DecayBound.factor(activation, seed.sigmaMax())).max().orElse(Double.NaN);
        double boundAtLastLag = seeds.stream().mapToDouble(seed -> logBound(seed, quantity, activation, steps - 1))
                .map(Math::exp).max().orElse(Double.NaN);
        int degenerate = (int) seeds.stream().filter(seed -> !(values(seed, quantity)[0] > 0 && Double.isFinite(values(seed, quantity)[0]))).count();
        summaries.add(new Summary(implementation, quantity, config, seeds.size(), degenerate, Statistics.median(sigmaMax),
                Statistics.median(spectralRadius), largestFactor, Statistics.median(rates), Statistics.min(rates),
                Statistics.max(rates), Statistics.median(lastValues), boundAtLastLag, checked, unchecked, violations,
                worstRatio));
    }

    /** The input curve of {@code implementation} against the oracle's, seed by seed (see the class comment). */
    private Comparison compare(String implementation, String oracleId, Config config, List<SeedCurves> oracleSeeds,
                               List<SeedCurves> perturbedSeeds, List<SeedCurves> seeds, SeedExplanation explanation) {
        TolerancePolicy.Terms terms = settings.tolerance().terms(DataType.FLOAT64);
        double stepFactor = TolerancePolicy.stepFactor(settings.steps());
        int compared = 0;
        int failed = 0;
        int failedUnderPolicy = 0;
        int skipped = 0;
        double largestResponse = 0;
        double worstErrorRatio = 0;
        double worstRelative = 0;
        int worstLag = -1;
        long worstSeed = -1;
        double rawWorst = 0;
        List<String> notes = new ArrayList<>();
        int knownPoints = 0;
        for (SeedCurves seed : seeds) {
            SeedCurves expected = bySeed(oracleSeeds, seed.seed());
            double[] expectedCurve = expected == null ? null : normalised(expected);
            if (expectedCurve == null) {
                skipped++;
                notes.add("seed " + seed.seed() + ": the oracle's input gradient is "
                        + (expected == null ? "missing" : "of total norm " + expected.inputTotalNorm())
                        + " (a saturated output rounds y − y* to 0), nothing to compare with");
                continue;
            }
            double[] actualCurve = normalised(seed);
            if (actualCurve == null) {
                // the oracle has a curve and this implementation has none: every point of the seed fails
                Optional<String> knownDivergence = explanation.of(implementation, config, seed.seed());
                compared += settings.steps();
                if (knownDivergence.isPresent()) {
                    knownPoints += settings.steps();
                    notes.add("seed " + seed.seed() + ": known divergence: " + knownDivergence.get());
                } else {
                    failed += settings.steps();
                    failedUnderPolicy += settings.steps();
                    worstErrorRatio = Double.POSITIVE_INFINITY;
                    worstRelative = Double.NaN;
                    worstLag = 0;
                    worstSeed = seed.seed();
                    notes.add("seed " + seed.seed() + ": total input-gradient norm " + seed.inputTotalNorm()
                            + " where the oracle's is " + expected.inputTotalNorm());
                }
                continue;
            }
            SeedCurves perturbed = bySeed(perturbedSeeds, seed.seed());
            double[] perturbedCurve = perturbed == null ? null : normalised(perturbed);
            double response = perturbedCurve == null ? 0 : largestRelativeDifference(expectedCurve, perturbedCurve);
            if (perturbedCurve == null) {
                notes.add("seed " + seed.seed() + ": no perturbation response (the perturbed oracle run failed or was degenerate)");
            }
            largestResponse = Math.max(largestResponse, response);
            rawWorst = Math.max(rawWorst, largestRelativeDifference(expected.inputNorms(), seed.inputNorms()));
            int failedBefore = failed;
            int failedUnderPolicyBefore = failedUnderPolicy;
            for (int lag = 0; lag < settings.steps(); lag++) {
                double e = expectedCurve[lag];
                double a = actualCurve[lag];
                double magnitude = Math.max(e, a);
                if (Double.isFinite(e) && Double.isFinite(a) && magnitude < DecayBound.SMALLEST_CHECKED) {
                    continue; // both below the range where rounding is relative
                }
                compared++;
                double policyAllowed = Math.max(terms.relative() * magnitude, terms.ulps() * Math.ulp(magnitude)) * stepFactor;
                double allowed = policyAllowed + CONDITIONING_FACTOR * response * magnitude;
                double error = Math.abs(a - e);
                double errorRatio = Double.isFinite(error) ? error / allowed : Double.POSITIVE_INFINITY;
                if (!(errorRatio <= 1)) {
                    failed++;
                }
                if (!(error <= policyAllowed)) {
                    failedUnderPolicy++;
                }
                if (!(errorRatio <= worstErrorRatio)) {
                    worstErrorRatio = errorRatio;
                    worstRelative = error / magnitude;
                    worstLag = lag;
                    worstSeed = seed.seed();
                }
            }
            if (failed > failedBefore) {
                Optional<String> knownDivergence = explanation.of(implementation, config, seed.seed());
                if (knownDivergence.isPresent()) {
                    knownPoints += failed - failedBefore;
                    failed = failedBefore;
                    failedUnderPolicy = failedUnderPolicyBefore;
                    notes.add("seed " + seed.seed() + ": known divergence: " + knownDivergence.get());
                }
            }
        }
        return new Comparison(implementation, oracleId, config, compared, failed, failedUnderPolicy, knownPoints, skipped,
                largestResponse, worstRelative, worstErrorRatio, worstLag, worstSeed, rawWorst, String.join("; ", notes));
    }

    private static SeedCurves bySeed(List<SeedCurves> seeds, long seed) {
        return seeds.stream().filter(curves -> curves.seed() == seed).findFirst().orElse(null);
    }

    /**
     * ‖∂L/∂x_k‖ / ‖∂L/∂x‖ by lag, or null when the total norm is zero or not finite (nothing to normalise by); a
     * non-finite element makes the total non-finite.
     */
    private static double[] normalised(SeedCurves curves) {
        double total = curves.inputTotalNorm();
        if (curves.inputNorms() == null || !(total > 0 && Double.isFinite(total))) {
            return null;
        }
        double[] normalised = new double[curves.inputNorms().length];
        for (int lag = 0; lag < normalised.length; lag++) {
            normalised[lag] = curves.inputNorms()[lag] / total;
        }
        return normalised;
    }

    /**
     * The largest |a − e| / max(a, e) over the lags where max(a, e) is finite and at least
     * {@link DecayBound#SMALLEST_CHECKED} (∞ where exactly one of the two is non-finite).
     */
    static double largestRelativeDifference(double[] expected, double[] actual) {
        double largest = 0;
        for (int lag = 0; lag < expected.length; lag++) {
            double e = expected[lag];
            double a = actual[lag];
            if (Double.isFinite(e) != Double.isFinite(a)) {
                return Double.POSITIVE_INFINITY;
            }
            double magnitude = Math.max(e, a);
            if (Double.isFinite(magnitude) && magnitude >= DecayBound.SMALLEST_CHECKED) {
                largest = Math.max(largest, Math.abs(a - e) / magnitude);
            }
        }
        return largest;
    }
}
