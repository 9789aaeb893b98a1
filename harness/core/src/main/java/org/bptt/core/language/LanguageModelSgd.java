package org.bptt.core.language;

import java.util.ArrayList;
import java.util.List;
import org.bptt.api.InvalidInputException;
import org.bptt.api.LanguageModelGradients;
import org.bptt.api.LanguageModelParameters;
import org.bptt.api.LanguageModelSpec;
import org.bptt.api.Tensor;
import org.bptt.api.TokenBatch;
import org.bptt.core.plugins.IsolatedLanguageModel;
import org.bptt.core.plugins.PluginCallFailure;

/**
 * Full-batch stochastic gradient descent on an RNN language model through its isolated calls:
 * θ ← θ − η dL/dθ, recording the loss, the perplexity and the gradient norm before every update.
 */
public final class LanguageModelSgd {

    /**
     * One step.
     *
     * @param step         0 for the initial weights, then 1, 2, …
     * @param loss         the batch's loss before the update
     * @param perplexity   exp(loss)
     * @param gradientNorm ‖dL/dθ‖ over every parameter
     */
    public record Step(int step, double loss, double perplexity, double gradientNorm) {
    }

    private LanguageModelSgd() {
    }

    /**
     * Trains {@code model} for {@code steps} updates from {@code initial}.
     *
     * @param initial Not modified.
     * @return steps + 1 records: the initial weights' and each update's
     * @throws PluginCallFailure when a gradient call fails
     */
    public static List<Step> train(IsolatedLanguageModel model, LanguageModelSpec spec, LanguageModelParameters initial,
                                   TokenBatch batch, double learningRate, int steps) throws PluginCallFailure {
        InvalidInputException.require(learningRate > 0 && Double.isFinite(learningRate),
                "the learning rate must be positive, got %s", learningRate);
        InvalidInputException.require(steps >= 0, "the number of steps must be at least 0, got %d", steps);
        List<Step> record = new ArrayList<>(steps + 1);
        LanguageModelParameters parameters = initial.copy();
        for (int step = 0; step <= steps; step++) {
            LanguageModelGradients gradients = model.gradients(spec, parameters, batch);
            double squaredNorm = 0;
            for (Tensor gradient : gradients.gradients().byName().values()) {
                squaredNorm += gradient.norm() * gradient.norm();
            }
            record.add(new Step(step, gradients.loss(), gradients.perplexity(), Math.sqrt(squaredNorm)));
            if (step < steps) {
                for (String name : LanguageModelParameters.NAMES) {
                    double[] values = parameters.get(name).data();
                    double[] gradient = gradients.gradients().get(name).data();
                    for (int i = 0; i < values.length; i++) {
                        values[i] -= learningRate * gradient[i];
                    }
                }
            }
        }
        return record;
    }
}
