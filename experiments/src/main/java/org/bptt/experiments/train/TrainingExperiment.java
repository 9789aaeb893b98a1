package org.bptt.experiments.train;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.Capability;
import org.bptt.api.InvalidInputException;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.core.cases.CaseGenerator;
import org.bptt.core.cases.CaseGenerator.Rescaling;
import org.bptt.core.cases.WeightInit;
import org.bptt.core.plugins.IsolatedPlugin;
import org.bptt.core.plugins.PluginCallFailure;
import org.bptt.datasets.AddingProblem;
import org.bptt.datasets.SequenceTask;
import org.bptt.datasets.SequenceTasks;
import org.bptt.experiments.clipping.Clipping;

/**
 * Plain Elman networks trained by SGD on the long-time-lag tasks of Hochreiter &amp; Schmidhuber (1997), over a grid of
 * minimal sequence lengths T, seeds and clipping rules: the classic result that such networks learn short lags and
 * fail long ones, and that clipping the gradient (Pascanu, Mikolov &amp; Bengio 2013) keeps a large learning rate from
 * blowing the training up.
 *
 * <p>For each T and seed, the initial weights, the training batches and the evaluation batch are the same for every
 * clipping rule, so the rules are compared on identical runs up to the first step where a gradient is clipped. The
 * loop goes through the SPI only ({@link SgdTrainer}), so any implementation with the task's head can be trained. A
 * run whose plugin call fails is recorded with the failure; after a call that timed out, the rest of the grid is not
 * run (each of its calls would wait for the timeout again) and its runs are recorded as not run.
 *
 * <p>Deterministic: the same settings give identical results.
 */
public final class TrainingExperiment {

    private final Settings settings;

    /**
     * What to run.
     *
     * @param task           a task id of {@link SequenceTasks#IDS}
     * @param lengths        the minimal sequence lengths T
     * @param seeds          runs per T and clipping rule
     * @param firstSeed      seeds are firstSeed, firstSeed + 1, …
     * @param clippings      the clipping rules compared (e.g. none and norm:1)
     * @param hiddenSize     H
     * @param activation     f
     * @param initialRadius  W is drawn ({@link WeightInit#XAVIER}) and rescaled to this spectral radius
     * @param learningRate   η
     * @param steps          SGD steps per run
     * @param batchSize      sequences per step
     * @param evaluationSize sequences in the fixed evaluation batch
     * @param evaluateEvery  steps between evaluations
     * @param variableLength the paper's lengths T … T + T/10 (needs {@link Capability#MASKS}) or exactly T
     * @param solvedRate     a run counts as solved when its final success rate is at least this
     * @param blowUpFactor   a run counts as blown up when it diverged (non-finite values) or an evaluation loss
     *                       exceeded this many times the initial one
     */
    public record Settings(String task, List<Integer> lengths, int seeds, long firstSeed, List<Clipping> clippings,
                           int hiddenSize, Activation activation, double initialRadius, double learningRate, int steps,
                           int batchSize, int evaluationSize, int evaluateEvery, boolean variableLength,
                           double solvedRate, double blowUpFactor) {

        public Settings {
            InvalidInputException.require(task != null && SequenceTasks.IDS.contains(task),
                    "unknown task '%s'; expected one of %s", task, String.join(", ", SequenceTasks.IDS));
            InvalidInputException.require(lengths != null && !lengths.isEmpty(), "train: give at least one length T");
            for (int length : lengths) {
                InvalidInputException.require(length >= SequenceTasks.minimumLength(task),
                        "train: the %s task needs T ≥ %d, got %d", task, SequenceTasks.minimumLength(task), length);
            }
            InvalidInputException.require(seeds >= 1, "train: give at least one seed, got %d", seeds);
            InvalidInputException.require(clippings != null && !clippings.isEmpty(), "train: give at least one clipping rule");
            InvalidInputException.require(hiddenSize >= 1, "train: hidden size must be at least 1, got %d", hiddenSize);
            InvalidInputException.require(activation != null, "train: activation must be given");
            InvalidInputException.require(initialRadius > 0 && Double.isFinite(initialRadius),
                    "train: the initial spectral radius must be positive, got %s", initialRadius);
            InvalidInputException.require(evaluationSize >= 1, "train: evaluation size must be at least 1, got %d", evaluationSize);
            InvalidInputException.require(solvedRate > 0 && solvedRate <= 1, "train: solved rate must be in (0, 1], got %s", solvedRate);
            InvalidInputException.require(blowUpFactor > 1, "train: blow-up factor must exceed 1, got %s", blowUpFactor);
            // the SGD settings validate themselves
            new SgdTrainer.Settings(learningRate, steps, batchSize, Clipping.none(), evaluateEvery);
            lengths = List.copyOf(lengths);
            clippings = List.copyOf(clippings);
        }

        /**
         * A first look (run times: experiments/README.md): 3 seeds, no clipping and clipping by norm 1,
         * H = 16, tanh, ρ(W) = 0.9 at the start, batch 20, 200 evaluation sequences. The adding problem:
         * T ∈ {5, 10, 20, 40}, η = 2, 2000 steps. The temporal order problem: T ∈ {10, 20, 40}, η = 0.5, 2000 steps.
         * The learning rates are large on purpose: large enough for unclipped runs to blow up, which is what clipping
         * is for.
         */
        public static Settings quick(String task) {
            boolean adding = AddingProblem.ID.equals(task);
            return new Settings(task, adding ? List.of(5, 10, 20, 40) : List.of(10, 20, 40), 3, 1L,
                    List.of(Clipping.none(), Clipping.globalNorm(1.0)), 16, Activation.TANH, 0.9, adding ? 2.0 : 0.5,
                    2000, 20, 200, 100, true, 0.5, 2.0);
        }

        /**
         * The full grid: 5 seeds, 5000 steps, 1000 evaluation sequences; the adding problem at T ∈ {5, 8, 10, 15,
         * 20, 30, 50, 100}, the temporal order problem at T ∈ {10, 15, 20, 30, 50, 100}. The cost grows with the sum
         * of the lengths × seeds × rules × steps (run times: experiments/README.md).
         */
        public static Settings full(String task) {
            boolean adding = AddingProblem.ID.equals(task);
            return new Settings(task, adding ? List.of(5, 8, 10, 15, 20, 30, 50, 100) : List.of(10, 15, 20, 30, 50, 100),
                    5, 1L, List.of(Clipping.none(), Clipping.globalNorm(1.0)), 16, Activation.TANH, 0.9,
                    adding ? 2.0 : 0.5, 5000, 20, 1000, 100, true, 0.5, 2.0);
        }

        /** The task at minimal length {@code length}. */
        public SequenceTask task(int length) {
            return SequenceTasks.create(task, length, variableLength);
        }

        /** The SGD settings with {@code clipping}. */
        public SgdTrainer.Settings sgd(Clipping clipping) {
            return new SgdTrainer.Settings(learningRate, steps, batchSize, clipping, evaluateEvery);
        }

        /** SGD steps over the whole grid: the units of progress. */
        public long totalSteps() {
            return (long) lengths.size() * seeds * clippings.size() * steps;
        }

        /** The settings as key/value text for provenance. */
        public Map<String, String> describe() {
            Map<String, String> description = new LinkedHashMap<>();
            description.put("task", task);
            description.put("lengths", lengths.toString());
            description.put("seeds", Integer.toString(seeds));
            description.put("firstSeed", Long.toString(firstSeed));
            description.put("clippings", clippings.toString());
            description.put("hiddenSize", Integer.toString(hiddenSize));
            description.put("activation", activation.toString());
            description.put("initialSpectralRadius", Double.toString(initialRadius));
            description.put("learningRate", Double.toString(learningRate));
            description.put("steps", Integer.toString(steps));
            description.put("batchSize", Integer.toString(batchSize));
            description.put("evaluationSize", Integer.toString(evaluationSize));
            description.put("evaluateEvery", Integer.toString(evaluateEvery));
            description.put("variableLength", Boolean.toString(variableLength));
            description.put("solvedRate", Double.toString(solvedRate));
            description.put("blowUpFactor", Double.toString(blowUpFactor));
            return description;
        }
    }

    public TrainingExperiment(Settings settings) {
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Runs the grid on {@code plugin}.
     *
     * @param onStep called after every SGD step of the grid ({@link Settings#totalSteps()} in all, steps a diverged
     *               run leaves out included)
     * @throws InvalidInputException when the plugin lacks a capability the task needs
     */
    public TrainingResult run(IsolatedPlugin plugin, Runnable onStep) {
        SequenceTask probe = settings.task(settings.lengths().get(0));
        ModelSpec spec = probe.spec(settings.hiddenSize(), settings.activation());
        Set<Capability> missing = EnumSet.noneOf(Capability.class);
        missing.addAll(Capability.requiredBy(spec, probe.batch(1, 0L)));
        missing.removeAll(plugin.capabilities());
        InvalidInputException.require(missing.isEmpty(), "%s cannot be trained on the %s task: it lacks %s%s",
                plugin.id(), probe.id(), missing,
                missing.contains(Capability.MASKS) ? " (use fixed-length sequences)" : "");
        List<TrainingResult.RunRecord> runs = new ArrayList<>();
        PluginCallFailure timedOut = null;
        for (int length : settings.lengths()) {
            SequenceTask task = settings.task(length);
            SgdTrainer trainer = new SgdTrainer(plugin, task, spec);
            for (int index = 0; index < settings.seeds(); index++) {
                long seed = settings.firstSeed() + index;
                SplittableRandom root = new SplittableRandom(seed);
                Parameters initial = CaseGenerator.parameters(spec,
                        new CaseGenerator.Options(WeightInit.XAVIER, Rescaling.SPECTRAL_RADIUS, settings.initialRadius()),
                        root.split());
                long trainingSeed = root.nextLong();
                Batch evaluation = task.batch(settings.evaluationSize(), root.split());
                for (Clipping clipping : settings.clippings()) {
                    int[] stepsDone = {0};
                    Runnable counted = () -> {
                        stepsDone[0]++;
                        onStep.run();
                    };
                    TrainingResult.RunRecord record;
                    if (timedOut != null) {
                        record = new TrainingResult.RunRecord(length, clipping, seed, null,
                                "not run: " + timedOut.pluginId() + " timed out earlier");
                    } else {
                        try {
                            SgdTrainer.Run run = trainer.train(initial, new SplittableRandom(trainingSeed), evaluation,
                                    settings.sgd(clipping), counted);
                            record = new TrainingResult.RunRecord(length, clipping, seed, run, "");
                        } catch (PluginCallFailure failure) {
                            boolean hung = failure.kind() == PluginCallFailure.Kind.TIMED_OUT
                                    || failure.kind() == PluginCallFailure.Kind.STILL_RUNNING;
                            if (hung) {
                                timedOut = failure;
                            }
                            record = new TrainingResult.RunRecord(length, clipping, seed, null, failure.describe()
                                    + (hung ? "; the rest of the grid is not run" : ""));
                        }
                    }
                    runs.add(record);
                    for (int rest = stepsDone[0]; rest < settings.steps(); rest++) {
                        onStep.run(); // the steps a diverged or failed run left out
                    }
                }
            }
        }
        return new TrainingResult(settings, plugin.id(), probe.chanceSuccessRate(), runs);
    }
}
