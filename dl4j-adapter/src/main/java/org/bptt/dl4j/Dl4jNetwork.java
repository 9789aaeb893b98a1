package org.bptt.dl4j;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.bptt.api.Activation;
import org.bptt.api.Head;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.bptt.api.Truncation;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Builds the DL4J network for a {@link ModelSpec} and moves parameters and gradients in and out of it.
 *
 * <p>The network is a recurrent layer ({@link Dl4jRecurrentLayer}: {@code SimpleRnn(d → H, f)}, {@code LSTM} or
 * {@code GravesLSTM}) then {@code RnnOutputLayer(H → K)}: softmax with multi-class cross-entropy (MCXENT), or for
 * {@link Head#LAST_STEP_SIGMOID} sigmoid with binary cross-entropy (XENT) and K = 1. No updater (NoOp), no
 * regularization, no dropout; the initial weights do not matter because every parameter is overwritten before each
 * call. Parameter keys and their meaning (the recurrent layer's in {@link Dl4jRecurrentLayer}):
 * <pre>
 *   0_W  input weights   0_RW recurrent weights   0_b bias    (SimpleRnn: Uᵀ [d, H], Wᵀ [H, H], b [H])
 *   1_W  [H, K] = Vᵀ     1_b  [K] = c                         (biases are [1, n] in some DL4J versions)
 * </pre>
 *
 * <p><b>Without biases</b> ({@code spec.biases() == false}) the same network is used with both biases
 * {@code 0_b} and {@code 1_b} set to zero before every call, and their gradients discarded: nothing trains them.
 * Adding a zero bias is exact in floating point (a + 0 = a), so the network computes exactly
 * h_t = f(U x_t + W h_{t-1}), o_t = V h_t. DL4J 1.0.0-M2.1 offers nothing better: {@code SimpleRnn} has no
 * {@code hasBias} option (its builder has none, and {@code SimpleRnnParamInitializer.numParams} always counts
 * nIn·nOut + nOut·nOut + nOut), and an {@code RnnOutputLayer} built with {@code hasBias(false)} computes gradients
 * but cannot run forward: {@code RnnOutputLayer.activate} adds its bias unconditionally and throws a
 * NullPointerException (KNOWN_DIVERGENCES.md §4). DL4J's {@code LSTM} and {@code GravesLSTM} have no
 * {@code hasBias} option either.
 */
final class Dl4jNetwork {

    static final String INPUT_WEIGHTS = "0_W";
    static final String RECURRENT_WEIGHTS = "0_RW";
    static final String HIDDEN_BIAS = "0_b";
    static final String OUTPUT_WEIGHTS = "1_W";
    static final String OUTPUT_BIAS = "1_b";
    private static final Set<String> PARAMETER_KEYS =
            Set.of(INPUT_WEIGHTS, RECURRENT_WEIGHTS, HIDDEN_BIAS, OUTPUT_WEIGHTS, OUTPUT_BIAS);

    private Dl4jNetwork() {
    }

    /**
     * What decides the network's structure: the recurrent layer, the spec without its reduction (applied outside
     * DL4J) and without the cell options (a GravesLSTM holds absent peepholes at zero), and the truncation for
     * truncated BPTT (null for full BPTT).
     */
    record Key(Dl4jRecurrentLayer recurrentLayer, int inputSize, int hiddenSize, int outputSize, Activation activation,
               Head head, org.bptt.api.DataType dataType, Truncation truncation) {

        static Key of(Dl4jRecurrentLayer recurrentLayer, ModelSpec spec, Truncation truncation) {
            return new Key(recurrentLayer, spec.inputSize(), spec.hiddenSize(), spec.outputSize(), spec.activation(),
                    spec.head(), spec.dataType(), truncation);
        }
    }

    /** The ND4J type computing {@code dataType}. */
    static DataType nd4jType(org.bptt.api.DataType dataType) {
        return dataType == org.bptt.api.DataType.FLOAT32 ? DataType.FLOAT : DataType.DOUBLE;
    }

    /** A new, initialized network for {@code key}, with its parameter keys checked: no updater, no clipping. */
    static MultiLayerNetwork build(Key key) {
        return build(key, new NoOp(), GradientNormalization.None, 1.0);
    }

    /**
     * A new, initialized network for {@code key} that trains with {@code updater} and applies
     * {@code gradientNormalization} with {@code threshold} to both layers (DL4J ignores the threshold for the modes
     * that do not use one).
     */
    static MultiLayerNetwork build(Key key, IUpdater updater, GradientNormalization gradientNormalization,
                                   double threshold) {
        Layer recurrent = key.recurrentLayer().configuration(key.inputSize(), key.hiddenSize(), key.activation());
        RnnOutputLayer output = outputLayer(key.hiddenSize(), key.outputSize(), key.head());
        NeuralNetConfiguration.ListBuilder layers = new NeuralNetConfiguration.Builder()
                .seed(0)
                .dataType(nd4jType(key.dataType()))
                .updater(updater)
                .gradientNormalization(gradientNormalization)
                .gradientNormalizationThreshold(threshold)
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(recurrent)
                .layer(output);
        MultiLayerConfiguration configuration;
        if (key.truncation() == null) {
            configuration = layers.backpropType(BackpropType.Standard).build();
        } else {
            configuration = layers.backpropType(BackpropType.TruncatedBPTT)
                    .tBPTTForwardLength(key.truncation().forwardLength())
                    .tBPTTBackwardLength(key.truncation().backwardLength())
                    .build();
        }
        MultiLayerNetwork network = new MultiLayerNetwork(configuration);
        network.init();
        Set<String> expected = new TreeSet<>(PARAMETER_KEYS);
        Set<String> actual = new TreeSet<>(network.paramTable().keySet());
        if (!actual.equals(expected)) {
            throw new IllegalStateException("DL4J network for " + key + " has parameters " + actual
                    + ", expected " + expected + ": this adapter does not know this DL4J version's layout");
        }
        return network;
    }

    /**
     * The head: {@code RnnOutputLayer(inputSize → outputSize)}, softmax with MCXENT, or sigmoid with XENT for
     * {@link Head#LAST_STEP_SIGMOID}; time last (NCW).
     */
    static RnnOutputLayer outputLayer(int inputSize, int outputSize, Head head) {
        boolean sigmoidHead = head == Head.LAST_STEP_SIGMOID;
        return new RnnOutputLayer.Builder(sigmoidHead ? LossFunctions.LossFunction.XENT : LossFunctions.LossFunction.MCXENT)
                .nIn(inputSize).nOut(outputSize)
                .activation(sigmoidHead ? org.nd4j.linalg.activations.Activation.SIGMOID
                        : org.nd4j.linalg.activations.Activation.SOFTMAX)
                .dataFormat(RNNFormat.NCW)
                .build();
    }

    /**
     * Writes {@code parameters} into the parameter views of {@code network}, whose layer 0 is
     * {@code recurrentLayer}; without biases, both biases are set to zero. Not modified: {@code parameters}.
     */
    static void setParameters(MultiLayerNetwork network, Dl4jRecurrentLayer recurrentLayer, ModelSpec spec,
                              Parameters parameters) {
        DataType type = nd4jType(spec.dataType());
        Map<String, INDArray> table = network.paramTable();
        recurrentLayer.setParameters(table, spec, parameters, type);
        assign(table, OUTPUT_WEIGHTS, Dl4jLayout.transposed(parameters.get(ParameterNames.V), type));
        Tensor outputBias = spec.biases() ? parameters.get(ParameterNames.C) : Tensor.zeros(spec.outputSize());
        assign(table, OUTPUT_BIAS, Dl4jLayout.vector(outputBias, type, require(table, OUTPUT_BIAS).shape()));
    }

    /**
     * DL4J's gradients (or parameters: they share keys, shapes and orientation), multiplied by {@code scale}, in the
     * harness's orientation, one for each parameter {@code spec} declares; layer 0 is {@code recurrentLayer}.
     * Without biases the gradients of the two zero biases are discarded: the model has no b and no c (and a
     * GravesLSTM's zero peepholes are discarded for a model without peepholes). Not modified: {@code byKey}.
     */
    static Parameters parameterGradients(Map<String, INDArray> byKey, double scale, Dl4jRecurrentLayer recurrentLayer,
                                         ModelSpec spec) {
        Map<String, Tensor> byName = recurrentLayer.cellTensors(byKey, spec);
        byName.put(ParameterNames.V, Dl4jLayout.transposedTensor(require(byKey, OUTPUT_WEIGHTS)));
        byName.put(ParameterNames.C, Dl4jLayout.vector(require(byKey, OUTPUT_BIAS)));
        return Parameters.of(spec, declaration -> {
            Tensor tensor = byName.get(declaration.name());
            if (tensor == null) {
                throw new IllegalArgumentException("dl4j: " + recurrentLayer.dl4jName() + " has no parameter "
                        + declaration.name() + " of the model " + spec.label());
            }
            return scaled(tensor, scale);
        });
    }

    /** DL4J's activation for the Elman cell's f (shared with {@link Dl4jLanguageModelNetwork}, like the three helpers below). */
    static org.nd4j.linalg.activations.Activation hiddenActivation(Activation activation) {
        return switch (activation) {
            case TANH -> org.nd4j.linalg.activations.Activation.TANH;
            case SIGMOID -> org.nd4j.linalg.activations.Activation.SIGMOID;
            case RELU -> org.nd4j.linalg.activations.Activation.RELU;
            case IDENTITY -> org.nd4j.linalg.activations.Activation.IDENTITY;
        };
    }

    static void assign(Map<String, INDArray> table, String key, INDArray value) {
        INDArray target = require(table, key);
        if (!java.util.Arrays.equals(target.shape(), value.shape())) {
            throw new IllegalStateException("DL4J parameter " + key + " has shape " + java.util.Arrays.toString(target.shape())
                    + " but the adapter maps a " + java.util.Arrays.toString(value.shape()) + " array to it");
        }
        target.assign(value);
    }

    static INDArray require(Map<String, INDArray> arrays, String key) {
        INDArray array = arrays.get(key);
        if (array == null) {
            throw new IllegalStateException("DL4J has no parameter or gradient '" + key + "'; it has " + arrays.keySet());
        }
        return array;
    }

    static Tensor scaled(Tensor tensor, double scale) {
        double[] data = tensor.data();
        for (int i = 0; i < data.length; i++) {
            data[i] *= scale;
        }
        return tensor;
    }
}
