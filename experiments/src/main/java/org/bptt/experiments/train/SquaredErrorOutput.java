package org.bptt.experiments.train;

import java.util.Locale;
import org.bptt.api.Batch;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.InvalidInputException;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.bptt.core.plugins.IsolatedPlugin;
import org.bptt.core.plugins.PluginCallFailure;

/**
 * An output trained on the squared error at each sequence's last step, as the papers train their regression tasks:
 * <pre>
 *   o_b = V h_b + c                       h_b the last hidden state of sequence b
 *   p_b = o_b   (linear)   or   σ(o_b)   (sigmoid)
 *   L   = (1/D) Σ_b (p_b − t_b)²          D the spec's loss divisor (B for MEAN_OVER_BATCH, as their .mean(axis=0))
 * </pre>
 * The linear one is Pascanu et al.'s {@code lastLinear} (github.com/pascanur/trainingRNNs@3f5df3f RNN.py lines
 * 179-181); the sigmoid one is Hochreiter &amp; Schmidhuber's output unit ("logistic with output range [0, 1]", 1997,
 * Section 5.4) with the squared error they minimise.
 *
 * <p>The API's heads have neither. Rather than add a head to the API (and to every plugin), this class computes the
 * output here and leaves the gradients of the whole network to the plugin's own BPTT, through its last-step sigmoid
 * head with a target made for the purpose: a sigmoid head with binary cross-entropy back-propagates
 * dL/do_b = (σ(o_b) − y*_b)/D, and every gradient it returns (V, c, the recurrence, dL/dh_t) is linear in that error
 * signal. With r_b = dL_b/do_b the squared error's own signal, 2(p_b − t_b) times p'(o_b) (1 for the linear output,
 * σ(o_b)(1 − σ(o_b)) for the sigmoid), the target y*_b = σ(o_b) − r_b/s makes the plugin back-propagate r_b/(sD):
 * s times its gradients are this output's. The factor s ≥ 1 is chosen so that every y*_b lies in [0, 1], where the
 * API wants targets. σ(o_b) is the plugin's own, read from a forward pass, so the subtraction σ(o_b) − y*_b that the
 * plugin performs returns r_b/s to within one rounding of a number in [0, 1].
 *
 * <p>A plugin needs {@link Head#LAST_STEP_SIGMOID} (so K = 1), and for the linear output
 * {@link org.bptt.api.Capability#HIDDEN_STATES}: the forward pass's hidden states give o_b exactly as the plugin's V
 * and c would.
 */
public final class SquaredErrorOutput {

    /** What the output unit computes from o. */
    public enum Squash {
        /** p = o. */
        LINEAR,
        /** p = σ(o). */
        SIGMOID
    }

    /**
     * The output on a batch.
     *
     * @param outputs p, {@code [B, 1]}
     * @param loss    L as above
     * @param forward the plugin's forward pass (its outputs are σ(o), its loss is not L)
     */
    public record Prediction(Tensor outputs, double loss, ForwardResult forward) {
    }

    /**
     * The output's error signal would need a sigmoid target outside [0, 1]: σ(o) has rounded to 0 or 1, which happens
     * only when |o| exceeds about 37, far beyond any target of the tasks: the network has diverged.
     */
    public static final class Saturated extends RuntimeException {
        Saturated(String message) {
            super(message);
        }
    }

    private final IsolatedPlugin plugin;
    private final ModelSpec spec;
    private final Squash squash;

    /**
     * @param spec the network with {@link Head#LAST_STEP_SIGMOID}, whose V and c are this output's
     * @throws InvalidInputException when the spec has another head
     */
    public SquaredErrorOutput(IsolatedPlugin plugin, ModelSpec spec, Squash squash) {
        InvalidInputException.require(spec.head() == Head.LAST_STEP_SIGMOID,
                "a squared-error output is computed through the plugin's LAST_STEP_SIGMOID head, but the model has %s",
                spec.head());
        this.plugin = plugin;
        this.spec = spec;
        this.squash = squash;
    }

    /**
     * p and L of {@code parameters} on {@code batch}.
     *
     * @throws PluginCallFailure when the forward call fails
     */
    public Prediction predict(Parameters parameters, Batch batch) throws PluginCallFailure {
        ForwardResult forward = plugin.forward(spec, parameters, batch);
        Tensor outputs;
        if (squash == Squash.LINEAR) {
            InvalidInputException.require(forward.hiddenStates() != null,
                    "%s returned no hidden states, which the linear output reads", plugin.id());
            outputs = linearOutputs(parameters, batch, forward.hiddenStates());
        } else {
            outputs = forward.outputs();
        }
        double squaredError = 0;
        for (int b = 0; b < batch.batchSize(); b++) {
            double error = outputs.get(b, 0) - batch.targets().get(b, 0);
            squaredError += error * error;
        }
        return new Prediction(outputs, squaredError / divisor(batch), forward);
    }

    /**
     * L and its gradients: dL/dθ for every parameter and, when the plugin returns them, dL/dh_t.
     *
     * @param prediction {@link #predict} of the same parameters and batch
     * @throws PluginCallFailure when the gradients call fails
     * @throws Saturated         when σ(o) has rounded to 0 or 1 on the side the error pushes towards
     */
    public GradientResult gradients(Parameters parameters, Batch batch, Prediction prediction) throws PluginCallFailure {
        int batchSize = batch.batchSize();
        Tensor squashed = prediction.forward().outputs();
        double[] errorSignals = new double[batchSize];       // r_b = 2(p_b − t_b) p'(o_b)
        double scale = 1;                                    // s
        for (int b = 0; b < batchSize; b++) {
            double sigmoid = squashed.get(b, 0);
            double slope = squash == Squash.LINEAR ? 1 : sigmoid * (1 - sigmoid);   // p'(o_b)
            errorSignals[b] = 2 * (prediction.outputs().get(b, 0) - batch.targets().get(b, 0)) * slope;
            if (errorSignals[b] == 0) {
                continue;
            }
            double room = errorSignals[b] > 0 ? sigmoid : 1 - sigmoid;   // how far y* may move from σ(o) within [0, 1]
            if (room == 0) {
                throw new Saturated(String.format(Locale.ROOT,
                        "the output o = %s of sequence %d is beyond the range the sigmoid head carries",
                        prediction.outputs().get(b, 0), b));
            }
            // twice the least factor, so that y* stays inside [0, 1] after rounding
            scale = Math.max(scale, 2 * Math.abs(errorSignals[b]) / room);
        }
        Tensor surrogateTargets = Tensor.zeros(batchSize, 1);
        for (int b = 0; b < batchSize; b++) {
            surrogateTargets.set(squashed.get(b, 0) - errorSignals[b] / scale, b, 0);   // y*_b = σ(o_b) − r_b/s
        }
        Batch surrogate = new Batch(batch.inputs(), surrogateTargets, batch.mask(), batch.initialState(),
                batch.initialCellState());
        GradientResult result = plugin.gradients(spec, parameters, surrogate);
        Parameters gradients = result.parameterGradients().copy();
        for (String name : gradients.byName().keySet()) {
            scaleInPlace(gradients.get(name), scale);
        }
        Tensor hiddenStateGradients = result.hiddenStateGradients() == null ? null
                : scaleInPlace(result.hiddenStateGradients().copy(), scale);
        return new GradientResult(prediction.loss(), gradients, null, null, hiddenStateGradients);
    }

    /** o_b = V h_b + c, h_b the hidden state at the last step of sequence b. */
    private Tensor linearOutputs(Parameters parameters, Batch batch, Tensor hiddenStates) {
        Tensor v = parameters.get(ParameterNames.V);
        Tensor c = parameters.get(ParameterNames.C);
        int width = hiddenStates.size(2);
        Tensor outputs = Tensor.zeros(batch.batchSize(), 1);
        for (int b = 0; b < batch.batchSize(); b++) {
            int last = batch.length(b) - 1;
            double o = c == null ? 0 : c.get(0);
            for (int j = 0; j < width; j++) {
                o += v.get(0, j) * hiddenStates.get(b, last, j);
            }
            outputs.set(o, b, 0);
        }
        return outputs;
    }

    private double divisor(Batch batch) {
        return spec.reduction().divisor(batch.batchSize(), batch.lossTerms(spec.head()));
    }

    private static Tensor scaleInPlace(Tensor tensor, double factor) {
        double[] data = tensor.data();
        for (int i = 0; i < data.length; i++) {
            data[i] *= factor;
        }
        return tensor;
    }
}
