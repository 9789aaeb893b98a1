package org.bptt.dl4j;

import org.bptt.api.Batch;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * One step of DL4J's own training with gradient clipping, on the harness's weights: the way to compare DL4J's
 * {@link GradientNormalization} with the reference's clipping (experiments' {@code GradientClipping}).
 *
 * <p>The network is the adapter's ({@link Dl4jNetwork}) with both layers configured with
 * {@code gradientNormalization(mode)}, {@code gradientNormalizationThreshold(threshold)} and an {@code Sgd(η)}
 * updater, no regularization. One {@code fit} on the batch computes DL4J's summed gradient G, and its updater divides
 * by the minibatch size B, clips, and steps:
 * <pre>
 *   θ' = θ − η · clip(G / B)
 * </pre>
 * G / B is the gradient of the {@link LossReduction#MEAN_OVER_BATCH} loss, which is why the spec must use that
 * reduction: the update does not depend on the spec's reduction, and any other would suggest it does.
 *
 * <p>Supported: every activation and head, masks, float64 and float32, with biases (DL4J's layer norms include
 * the biases, so a model without them cannot be represented by zero biases here). Not supported: an initial
 * state, truncated BPTT. Each call builds a fresh network, so no updater state or iteration count carries over.
 */
public final class Dl4jClippedUpdate {

    private Dl4jClippedUpdate() {
    }

    /**
     * The parameters after one DL4J {@code fit} on {@code batch} from {@code parameters} with {@code Sgd(learningRate)}
     * and {@code gradientNormalization} at {@code threshold} (ignored by {@code None}).
     *
     * @throws IllegalArgumentException when the spec has no biases, a reduction other than MEAN_OVER_BATCH, or the
     *                                  threshold or learning rate is not positive and finite
     */
    public static Parameters step(ModelSpec spec, Parameters parameters, Batch batch,
                                  GradientNormalization gradientNormalization, double threshold, double learningRate) {
        if (spec == null || parameters == null || batch == null || gradientNormalization == null) {
            throw new IllegalArgumentException("dl4j clipped update: spec, parameters, batch and gradient"
                    + " normalization must all be given");
        }
        if (!spec.biases()) {
            throw new IllegalArgumentException("dl4j clipped update: the spec has no biases, but DL4J's per-layer and"
                    + " per-parameter-type norms would include the zero biases' gradients; use a spec with biases");
        }
        if (spec.reduction() != LossReduction.MEAN_OVER_BATCH) {
            throw new IllegalArgumentException("dl4j clipped update: DL4J's updater always steps along the gradient of"
                    + " the MEAN_OVER_BATCH loss, but the spec says " + spec.reduction());
        }
        if (!(threshold > 0 && Double.isFinite(threshold)) || !(learningRate > 0 && Double.isFinite(learningRate))) {
            throw new IllegalArgumentException("dl4j clipped update: threshold and learning rate must be positive and"
                    + " finite, got threshold " + threshold + ", learning rate " + learningRate);
        }
        if (batch.initialState() != null) {
            throw new IllegalArgumentException("dl4j clipped update: the batch gives an initial state h_{-1}, which"
                    + " DL4J's SimpleRnn backprop ignores");
        }
        parameters.validate(spec);
        batch.validate(spec);

        DataType type = Dl4jNetwork.nd4jType(spec.dataType());
        Dl4jRnnPlugin.DefaultDataTypes previousTypes = Dl4jRnnPlugin.DefaultDataTypes.use(type);
        try {
            MultiLayerNetwork network = Dl4jNetwork.build(Dl4jNetwork.Key.of(Dl4jRecurrentLayer.SIMPLE_RNN, spec, null),
                    new Sgd(learningRate), gradientNormalization, threshold);
            Dl4jNetwork.setParameters(network, Dl4jRecurrentLayer.SIMPLE_RNN, spec, parameters);
            network.fit(Dl4jBatch.of(spec, batch, type).dataSet());
            // Parameters and gradients share keys, shapes and orientation: the same mapping reads either.
            return Dl4jNetwork.parameterGradients(network.paramTable(), 1.0, Dl4jRecurrentLayer.SIMPLE_RNN, spec);
        } finally {
            previousTypes.restore();
        }
    }
}
