package org.bptt.dl4j;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.bptt.api.Activation;
import org.bptt.api.LanguageModelParameters;
import org.bptt.api.LanguageModelSpec;
import org.bptt.api.Tensor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Builds the DL4J network of the RNN language model and moves parameters and gradients in and out of it.
 *
 * <p>The network is {@code EmbeddingSequenceLayer(|V| → E, identity, no bias)}, {@code SimpleRnn(E → H, f)}, then
 * {@code RnnOutputLayer(H → |V|)} with softmax and multi-class cross-entropy (MCXENT), in double precision, NoOp
 * updater, no regularization. DL4J multiplies row vectors, so every weight matrix is the transpose of the
 * equations' one:
 * <pre>
 *   0_W  [|V|, E] = Lᵀ     row i is the embedding of token i (EmbeddingSequenceLayer pulls rows)
 *   1_W  [E, H]   = W_eᵀ   1_RW [H, H] = W_hᵀ   1_b [H] = b₁      (SimpleRnn: x_t · W + h_{t-1} · RW + b)
 *   2_W  [H, |V|] = Uᵀ     2_b  [|V|] = b₂
 * </pre>
 * The embedding layer's activation (IDENTITY: e_t is the looked-up column itself, not a function of it) and
 * {@code hasBias(false)} (the model has no embedding bias) are set explicitly, although both are the
 * {@code EmbeddingSequenceLayer} defaults in 1.0.0-M2.1 (checked): a version that changes a default cannot change the
 * model silently, and the parameter-key check in {@link #build} would catch an embedding bias.
 * {@code inferInputLength(true)} lets one network take batches of any length T.
 */
final class Dl4jLanguageModelNetwork {

    static final String EMBEDDINGS = "0_W";
    static final String INPUT_WEIGHTS = "1_W";
    static final String RECURRENT_WEIGHTS = "1_RW";
    static final String HIDDEN_BIAS = "1_b";
    static final String OUTPUT_WEIGHTS = "2_W";
    static final String OUTPUT_BIAS = "2_b";
    private static final Set<String> PARAMETER_KEYS =
            Set.of(EMBEDDINGS, INPUT_WEIGHTS, RECURRENT_WEIGHTS, HIDDEN_BIAS, OUTPUT_WEIGHTS, OUTPUT_BIAS);

    private Dl4jLanguageModelNetwork() {
    }

    /** A new, initialized network for {@code spec}, with its parameter keys checked. */
    static MultiLayerNetwork build(LanguageModelSpec spec) {
        EmbeddingSequenceLayer embedding = new EmbeddingSequenceLayer.Builder()
                .nIn(spec.vocabularySize()).nOut(spec.embeddingSize())
                .activation(org.nd4j.linalg.activations.Activation.IDENTITY)
                .hasBias(false)
                .inferInputLength(true)
                .outputDataFormat(RNNFormat.NCW)
                .build();
        SimpleRnn recurrent = new SimpleRnn.Builder()
                .nIn(spec.embeddingSize()).nOut(spec.hiddenSize())
                .activation(Dl4jNetwork.hiddenActivation(spec.activation()))
                .dataFormat(RNNFormat.NCW)
                .build();
        RnnOutputLayer output = new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nIn(spec.hiddenSize()).nOut(spec.vocabularySize())
                .activation(org.nd4j.linalg.activations.Activation.SOFTMAX)
                .dataFormat(RNNFormat.NCW)
                .build();
        MultiLayerConfiguration configuration = new NeuralNetConfiguration.Builder()
                .seed(0)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(embedding)
                .layer(recurrent)
                .layer(output)
                .build();
        MultiLayerNetwork network = new MultiLayerNetwork(configuration);
        network.init();
        Set<String> actual = new TreeSet<>(network.paramTable().keySet());
        if (!actual.equals(new TreeSet<>(PARAMETER_KEYS))) {
            throw new IllegalStateException("DL4J language-model network for " + spec.label() + " has parameters " + actual
                    + ", expected " + new TreeSet<>(PARAMETER_KEYS) + ": this adapter does not know this DL4J version's layout");
        }
        return network;
    }

    /** Writes {@code parameters} into the network's parameter views, transposed to DL4J's layout. */
    static void setParameters(MultiLayerNetwork network, LanguageModelParameters parameters) {
        Map<String, INDArray> table = network.paramTable();
        Dl4jNetwork.assign(table, EMBEDDINGS, Dl4jLayout.transposed(parameters.L(), DataType.DOUBLE));
        Dl4jNetwork.assign(table, INPUT_WEIGHTS, Dl4jLayout.transposed(parameters.We(), DataType.DOUBLE));
        Dl4jNetwork.assign(table, RECURRENT_WEIGHTS, Dl4jLayout.transposed(parameters.Wh(), DataType.DOUBLE));
        Dl4jNetwork.assign(table, HIDDEN_BIAS, Dl4jLayout.vector(parameters.b1(), DataType.DOUBLE, Dl4jNetwork.require(table, HIDDEN_BIAS).shape()));
        Dl4jNetwork.assign(table, OUTPUT_WEIGHTS, Dl4jLayout.transposed(parameters.U(), DataType.DOUBLE));
        Dl4jNetwork.assign(table, OUTPUT_BIAS, Dl4jLayout.vector(parameters.b2(), DataType.DOUBLE, Dl4jNetwork.require(table, OUTPUT_BIAS).shape()));
    }

    /** DL4J's gradients, multiplied by {@code scale}, in the equations' orientation. */
    static LanguageModelParameters parameterGradients(Map<String, INDArray> byKey, double scale) {
        return new LanguageModelParameters(
                Dl4jNetwork.scaled(Dl4jLayout.transposedTensor(Dl4jNetwork.require(byKey, EMBEDDINGS)), scale),
                Dl4jNetwork.scaled(Dl4jLayout.transposedTensor(Dl4jNetwork.require(byKey, INPUT_WEIGHTS)), scale),
                Dl4jNetwork.scaled(Dl4jLayout.transposedTensor(Dl4jNetwork.require(byKey, RECURRENT_WEIGHTS)), scale),
                Dl4jNetwork.scaled(Dl4jLayout.vector(Dl4jNetwork.require(byKey, HIDDEN_BIAS)), scale),
                Dl4jNetwork.scaled(Dl4jLayout.transposedTensor(Dl4jNetwork.require(byKey, OUTPUT_WEIGHTS)), scale),
                Dl4jNetwork.scaled(Dl4jLayout.vector(Dl4jNetwork.require(byKey, OUTPUT_BIAS)), scale));
    }
}
