package org.bptt.experiments.train;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.bptt.api.Batch;
import org.bptt.api.Capability;
import org.bptt.api.Cell;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.InvalidInputException;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.bptt.core.plugins.IsolatedPlugin;
import org.bptt.core.plugins.PluginCallFailure;
import org.bptt.datasets.SequenceTask;
import org.bptt.experiments.clipping.Clipping;
import org.bptt.experiments.clipping.GradientClipping;

/**
 * Plain stochastic gradient descent through the SPI alone, so that any implementation can be trained: at every step
 * a fresh batch is drawn from the task, {@link org.bptt.api.RnnImplementation#gradients} gives g = dL/dθ, the
 * clipping rule may shorten it, and θ ← θ − η·g. Every call goes through the implementation's {@link IsolatedPlugin}:
 * one that throws, hangs or returns a malformed result ends the run with a {@link PluginCallFailure}.
 *
 * <p>Training stops early, and the run is marked diverged, as soon as the loss, the gradient or the updated
 * parameters are NaN or infinite: that is what an exploding gradient does to an unclipped network. Every
 * {@link Settings#evaluateEvery()} steps (and before the first and after the last) the loss and the success rate
 * (the task's criterion) are measured on a fixed evaluation batch.
 *
 * <p>The output is the plugin's head, or a linear or sigmoid output with squared error computed here
 * ({@link SquaredErrorOutput}); Pascanu et al.'s regulariser Ω ({@link NormPreservingRegulariser}) can be added to the
 * gradient before clipping.
 */
public final class SgdTrainer {

    /** What the network outputs and what its loss is. */
    public enum Output {
        /** The plugin's own head ({@link ModelSpec#head()}): its outputs, its loss. */
        HEAD,
        /** o = V h_T + c with squared error ({@link SquaredErrorOutput}), through the plugin's last-step sigmoid head. */
        LINEAR_SQUARED_ERROR,
        /** σ(o) with squared error ({@link SquaredErrorOutput}), through the plugin's last-step sigmoid head. */
        SIGMOID_SQUARED_ERROR
    }

    private final IsolatedPlugin implementation;
    private final SequenceTask task;
    private final ModelSpec spec;
    /** The squared-error output, or null for {@link Output#HEAD}. */
    private final SquaredErrorOutput squaredErrorOutput;

    /**
     * How to train.
     *
     * @param learningRate  η &gt; 0
     * @param steps         the number of SGD steps
     * @param batchSize     sequences per step
     * @param clipping      applied to every gradient before the update
     * @param evaluateEvery measure on the evaluation batch every this many steps (≥ 1)
     * @param regulariserStrength α ≥ 0: α·∂Ω/∂W is added to the gradient before clipping (Pascanu et al.'s SGD-CR,
     *                      {@link NormPreservingRegulariser}; Elman networks only); 0 for none
     */
    public record Settings(double learningRate, int steps, int batchSize, Clipping clipping, int evaluateEvery,
                           double regulariserStrength) {
        public Settings {
            InvalidInputException.require(regulariserStrength >= 0 && Double.isFinite(regulariserStrength),
                    "the regulariser's strength must be zero or positive, got %s", regulariserStrength);
            InvalidInputException.require(learningRate > 0 && Double.isFinite(learningRate),
                    "learning rate must be positive, got %s", learningRate);
            InvalidInputException.require(steps >= 1, "training needs at least one step, got %d", steps);
            InvalidInputException.require(batchSize >= 1, "batch size must be at least 1, got %d", batchSize);
            InvalidInputException.require(clipping != null, "clipping must be given (Clipping.none() for none)");
            InvalidInputException.require(evaluateEvery >= 1, "evaluateEvery must be at least 1, got %d", evaluateEvery);
        }

        /** Settings without the regulariser. */
        public Settings(double learningRate, int steps, int batchSize, Clipping clipping, int evaluateEvery) {
            this(learningRate, steps, batchSize, clipping, evaluateEvery, 0);
        }
    }

    /**
     * One SGD step.
     *
     * @param step         1, 2, …
     * @param loss         the training batch's loss before the update
     * @param gradientNorm ‖g‖ before clipping
     * @param appliedNorm  ‖g‖ after clipping (equal to gradientNorm when nothing was clipped)
     */
    public record Step(int step, double loss, double gradientNorm, double appliedNorm) {
        public boolean clipped() {
            return appliedNorm < gradientNorm;
        }
    }

    /**
     * A measurement on the evaluation batch.
     *
     * @param step        after this many steps (0: the initial weights)
     * @param loss        the evaluation batch's loss
     * @param successRate the fraction of its sequences the task counts as correct
     * @param meanSquaredError the mean over its sequences of Σ_k (y_k − t_k)², y the outputs (the test error of
     *                    papers that train a regression on squared error)
     */
    public record Evaluation(int step, double loss, double successRate, double meanSquaredError) {

        /**
         * 1 − {@link #successRate} rounded to 12 decimals, which removes the subtraction's rounding residue (1 − 0.999
         * is 0.0010000000000000009) and changes no meaningful digit of a count's fraction: for the evaluation
         * batches whose fractions end within 12 decimals (the presets' 200, 1000 and 2560 sequences) it is exactly
         * the number of wrong sequences over the batch.
         */
        public double fractionWrong() {
            return Math.round((1 - successRate) * 1e12) / 1e12;
        }
    }

    /**
     * What one training run did.
     *
     * @param steps          every step taken, in order
     * @param evaluations    in order of step
     * @param parameters     the final weights (the last finite ones when the run diverged)
     * @param divergedAtStep the step at which a value became NaN or infinite, or -1
     * @param divergence     what became non-finite, or empty
     */
    public record Run(List<Step> steps, List<Evaluation> evaluations, Parameters parameters, int divergedAtStep,
                      String divergence) {
        public boolean diverged() {
            return divergedAtStep >= 0;
        }

        /** The last evaluation. */
        public Evaluation lastEvaluation() {
            return evaluations.get(evaluations.size() - 1);
        }

        /** The best success rate over the evaluations. */
        public double bestSuccessRate() {
            return evaluations.stream().mapToDouble(Evaluation::successRate).max().orElse(Double.NaN);
        }
    }

    /** A trainer of the plugin's own head. */
    public SgdTrainer(IsolatedPlugin implementation, SequenceTask task, ModelSpec spec) {
        this(implementation, task, spec, Output.HEAD);
    }

    public SgdTrainer(IsolatedPlugin implementation, SequenceTask task, ModelSpec spec, Output output) {
        InvalidInputException.require(spec.inputSize() == task.inputSize() && spec.outputSize() == task.outputSize()
                        && spec.head() == task.head(),
                "model %s does not fit task %s (d=%d, K=%d, %s)", spec.label(), task.id(), task.inputSize(),
                task.outputSize(), task.head());
        this.implementation = implementation;
        this.task = task;
        this.spec = spec;
        this.squaredErrorOutput = switch (output) {
            case HEAD -> null;
            case LINEAR_SQUARED_ERROR -> new SquaredErrorOutput(implementation, spec, SquaredErrorOutput.Squash.LINEAR);
            case SIGMOID_SQUARED_ERROR -> new SquaredErrorOutput(implementation, spec, SquaredErrorOutput.Squash.SIGMOID);
        };
    }

    /**
     * What a plugin needs beyond {@link Capability#requiredBy} for this output and these settings: the hidden states
     * for a linear output, and their gradients too for the regulariser.
     */
    public static Set<Capability> capabilitiesNeeded(Output output, Settings settings) {
        Set<Capability> needed = EnumSet.noneOf(Capability.class);
        if (output == Output.LINEAR_SQUARED_ERROR || settings.regulariserStrength() > 0) {
            needed.add(Capability.HIDDEN_STATES);
        }
        if (settings.regulariserStrength() > 0) {
            needed.add(Capability.HIDDEN_STATE_GRADIENTS);
        }
        return needed;
    }

    /**
     * Trains from {@code initial}.
     *
     * @param initial    Not modified.
     * @param batches    Modified: the training batches are drawn from it
     * @param evaluation the fixed batch of the evaluations
     * @param onStep     called after every step taken (not for the steps a diverged run leaves out)
     * @throws PluginCallFailure when a call of the implementation fails
     */
    public Run train(Parameters initial, SplittableRandom batches, Batch evaluation, Settings settings, Runnable onStep)
            throws PluginCallFailure {
        return train(initial, batches, evaluation, settings, step -> onStep.run());
    }

    /**
     * Trains from {@code initial}, as {@link #train(Parameters, SplittableRandom, Batch, Settings, Runnable)}, telling
     * {@code onStep} each step taken (with its training loss, for progress lines).
     */
    public Run train(Parameters initial, SplittableRandom batches, Batch evaluation, Settings settings,
                     Consumer<Step> onStep) throws PluginCallFailure {
        InvalidInputException.require(settings.regulariserStrength() == 0 || spec.cell() == Cell.ELMAN,
                "the regulariser Ω is defined for the Elman cell, not %s", spec.cell());
        Parameters parameters = initial.copy();
        List<Step> steps = new ArrayList<>(settings.steps());
        List<Evaluation> evaluations = new ArrayList<>();
        evaluations.add(evaluate(0, parameters, evaluation));
        for (int step = 1; step <= settings.steps(); step++) {
            Batch batch = task.batch(settings.batchSize(), batches);
            GradientResult result;
            try {
                result = gradients(parameters, batch, settings.regulariserStrength());
            } catch (SquaredErrorOutput.Saturated saturated) {
                return new Run(steps, evaluations, parameters, step, saturated.getMessage() + " at step " + step);
            }
            Parameters gradient = result.parameterGradients();
            double gradientNorm = GradientClipping.globalNorm(gradient);
            Parameters applied = settings.clipping().apply(gradient);
            double appliedNorm = applied == gradient ? gradientNorm : GradientClipping.globalNorm(applied);
            Step taken = new Step(step, result.loss(), gradientNorm, appliedNorm);
            steps.add(taken);
            String problem = !Double.isFinite(result.loss()) ? "loss is " + result.loss()
                    : !Double.isFinite(gradientNorm) ? "gradient norm is " + gradientNorm : null;
            Parameters updated = problem == null ? update(parameters, applied, settings.learningRate()) : null;
            if (problem == null && (problem = nonFinite(updated)) == null) {
                parameters = updated;
            }
            onStep.accept(taken);
            if (problem != null) {
                return new Run(steps, evaluations, parameters, step, problem + " at step " + step);
            }
            if (step % settings.evaluateEvery() == 0 || step == settings.steps()) {
                evaluations.add(evaluate(step, parameters, evaluation));
            }
        }
        return new Run(steps, evaluations, parameters, -1, "");
    }

    /**
     * The loss of the output and its gradients, plus α·∂Ω/∂W when α &gt; 0.
     *
     * @throws SquaredErrorOutput.Saturated when the output's error signal cannot be carried by the sigmoid head
     */
    private GradientResult gradients(Parameters parameters, Batch batch, double strength) throws PluginCallFailure {
        GradientResult result;
        Tensor hiddenStates = null;
        if (squaredErrorOutput != null) {
            SquaredErrorOutput.Prediction prediction = squaredErrorOutput.predict(parameters, batch);
            hiddenStates = prediction.forward().hiddenStates();
            result = squaredErrorOutput.gradients(parameters, batch, prediction);
        } else {
            result = implementation.gradients(spec, parameters, batch);
            if (strength > 0) {
                hiddenStates = implementation.forward(spec, parameters, batch).hiddenStates();
            }
        }
        if (strength == 0) {
            return result;
        }
        NormPreservingRegulariser.Value omega = NormPreservingRegulariser.of(spec.activation(),
                parameters.get(ParameterNames.W), hiddenStates, result.hiddenStateGradients(), batch);
        Parameters regularised = result.parameterGradients().copy();
        double[] w = regularised.get(ParameterNames.W).data();
        double[] omegaGradient = omega.gradient().data();
        for (int i = 0; i < w.length; i++) {
            w[i] += strength * omegaGradient[i];                      // g_W + α ∂Ω/∂W (RNN.py line 217)
        }
        return new GradientResult(result.loss(), regularised, result.inputGradients(), result.initialStateGradients(),
                result.hiddenStateGradients(), result.initialCellStateGradients());
    }

    /**
     * Loss and success rate of {@code parameters} on {@code evaluation}.
     *
     * @throws PluginCallFailure when the forward call fails
     */
    public Evaluation evaluate(int step, Parameters parameters, Batch evaluation) throws PluginCallFailure {
        Tensor outputs;
        double loss;
        if (squaredErrorOutput != null) {
            SquaredErrorOutput.Prediction prediction = squaredErrorOutput.predict(parameters, evaluation);
            outputs = prediction.outputs();
            loss = prediction.loss();
        } else {
            ForwardResult result = implementation.forward(spec, parameters, evaluation);
            outputs = result.outputs();
            loss = result.loss();
        }
        Tensor targets = evaluation.targets();
        int correct = 0;
        double squaredError = 0;
        for (int sequence = 0; sequence < evaluation.batchSize(); sequence++) {
            if (task.correct(outputs, targets, sequence)) {
                correct++;
            }
            for (int k = 0; k < task.outputSize(); k++) {
                double error = outputs.get(sequence, k) - targets.get(sequence, k);
                squaredError += error * error;
            }
        }
        return new Evaluation(step, loss, correct / (double) evaluation.batchSize(),
                squaredError / evaluation.batchSize());
    }

    /** θ − η·g, parameter by parameter (a new object). */
    static Parameters update(Parameters parameters, Parameters gradient, double learningRate) {
        Parameters updated = parameters.copy();
        for (String name : updated.byName().keySet()) {
            double[] values = updated.get(name).data();
            double[] gradients = gradient.get(name).data();
            for (int i = 0; i < values.length; i++) {
                values[i] -= learningRate * gradients[i];
            }
        }
        return updated;
    }

    /** "parameter W is not finite" for the first non-finite parameter, or null. */
    private static String nonFinite(Parameters parameters) {
        for (var entry : parameters.byName().entrySet()) {
            if (entry.getValue().firstNonFinite() >= 0) {
                return "parameter " + entry.getKey() + " became non-finite";
            }
        }
        return null;
    }
}
