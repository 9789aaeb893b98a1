package org.bptt.experiments.train;

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
 * A linear output trained on the squared error at each sequence's last step, as Pascanu et al.'s code trains the
 * adding and multiplication problems ({@code lastLinear}, github.com/pascanur/trainingRNNs@3f5df3f RNN.py lines
 * 179-181):
 * <pre>
 *   o_b = V h_b + c                       h_b the last hidden state of sequence b
 *   L   = (1/D) Σ_b Σ_k (o_bk − t_bk)²    D the spec's loss divisor (B for MEAN_OVER_BATCH, as their .mean(axis=0))
 * </pre>
 * The API's heads all squash their output. Rather than add a head to the API (and to every plugin), this class
 * computes the linear output here and leaves the gradients of the whole network to the plugin's own BPTT, through
 * its last-step sigmoid head with a target made for the purpose:
 * <p>a sigmoid head with binary cross-entropy back-propagates dL/do_b = (σ(o_b) − y*_b)/D, and every gradient it
 * returns (V, c, the recurrence, dL/dh_t) is linear in that error signal. The target y*_b = σ(o_b) − r_b/s, with
 * r_b = 2(o_b − t_b) the linear output's error signal, makes the plugin back-propagate r_b/(sD): s times its
 * gradients are the linear output's. The factor s ≥ 1 is chosen so that every y*_b lies in [0, 1], where the API
 * wants targets. σ(o_b) is the plugin's own, read from a forward pass, so the subtraction σ(o_b) − y*_b that the
 * plugin performs returns r_b/s to within one rounding of a number in [0, 1].
 *
 * <p>A plugin needs {@link Head#LAST_STEP_SIGMOID} (so K = 1) and {@link org.bptt.api.Capability#HIDDEN_STATES};
 * the forward pass's hidden states give o_b exactly as the plugin's V and c would.
 */
public final class LinearOutput {

    /**
     * The linear output on a batch.
     *
     * @param outputs o, {@code [B, K]}
     * @param loss    L as above
     * @param forward the plugin's forward pass (its outputs are σ(o), its loss is not L)
     */
    public record Prediction(Tensor outputs, double loss, ForwardResult forward) {
    }

    /**
     * The linear output's value would need a sigmoid target outside [0, 1]: σ(o) has rounded to 0 or 1, which
     * happens only when |o| exceeds about 37, far beyond any target of the tasks: the network has diverged.
     */
    public static final class Saturated extends RuntimeException {
        Saturated(String message) {
            super(message);
        }
    }

    private final IsolatedPlugin plugin;
    private final ModelSpec spec;

    /**
     * @param spec the network with {@link Head#LAST_STEP_SIGMOID}, whose V and c are the linear output's
     * @throws InvalidInputException when the spec has another head
     */
    public LinearOutput(IsolatedPlugin plugin, ModelSpec spec) {
        InvalidInputException.require(spec.head() == Head.LAST_STEP_SIGMOID,
                "a linear output is computed through the plugin's LAST_STEP_SIGMOID head, but the model has %s",
                spec.head());
        this.plugin = plugin;
        this.spec = spec;
    }

    /**
     * o and L of {@code parameters} on {@code batch}.
     *
     * @throws PluginCallFailure when the forward call fails
     */
    public Prediction predict(Parameters parameters, Batch batch) throws PluginCallFailure {
        ForwardResult forward = plugin.forward(spec, parameters, batch);
        InvalidInputException.require(forward.hiddenStates() != null,
                "%s returned no hidden states, which the linear output reads", plugin.id());
        Tensor outputs = linearOutputs(parameters, batch, forward.hiddenStates());
        double squaredError = 0;
        for (int b = 0; b < batch.batchSize(); b++) {
            for (int k = 0; k < spec.outputSize(); k++) {
                double error = outputs.get(b, k) - batch.targets().get(b, k);
                squaredError += error * error;
            }
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
        double[] errorSignals = new double[batchSize];       // r_b = 2(o_b − t_b)
        double scale = 1;                                    // s
        for (int b = 0; b < batchSize; b++) {
            double sigmoid = squashed.get(b, 0);
            errorSignals[b] = 2 * (prediction.outputs().get(b, 0) - batch.targets().get(b, 0));
            double room = errorSignals[b] > 0 ? sigmoid : 1 - sigmoid;   // how far y* may move from σ(o) within [0, 1]
            if (errorSignals[b] != 0 && room == 0) {
                throw new Saturated(String.format(java.util.Locale.ROOT,
                        "the linear output o = %s of sequence %d is beyond the range the sigmoid head carries",
                        prediction.outputs().get(b, 0), b));
            }
            if (errorSignals[b] != 0) {
                // twice the least factor, so that y* stays inside [0, 1] after rounding
                scale = Math.max(scale, 2 * Math.abs(errorSignals[b]) / room);
            }
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
    Tensor linearOutputs(Parameters parameters, Batch batch, Tensor hiddenStates) {
        Tensor v = parameters.get(ParameterNames.V);
        Tensor c = parameters.get(ParameterNames.C);
        int outputSize = spec.outputSize();
        int width = hiddenStates.size(2);
        Tensor outputs = Tensor.zeros(batch.batchSize(), outputSize);
        for (int b = 0; b < batch.batchSize(); b++) {
            int last = batch.length(b) - 1;
            for (int k = 0; k < outputSize; k++) {
                double o = c == null ? 0 : c.get(k);
                for (int j = 0; j < width; j++) {
                    o += v.get(k, j) * hiddenStates.get(b, last, j);
                }
                outputs.set(o, b, k);
            }
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
