package org.bptt.dl4j;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.bptt.api.Activation;
import org.bptt.api.Combine;
import org.bptt.api.Head;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterDeclaration;
import org.bptt.api.ParameterName;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.bptt.api.Topology;
import org.bptt.api.Truncation;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.GravesBidirectionalLSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The DL4J network of any {@link Topology}, as a DL4J user stacks one, and where each harness parameter sits in it.
 *
 * <h2>The network</h2>
 * A {@code MultiLayerNetwork} of L recurrent layers then the {@code RnnOutputLayer} of {@link Dl4jNetwork} (index
 * L). Layer ℓ reads {@link ModelSpec#layerInputSize} features. In a forward network each layer is the
 * {@link Dl4jRecurrentLayer} itself; in a bidirectional one it is that layer inside DL4J's {@code Bidirectional}
 * wrapper, whose mode combines the two directions ({@link #mode}: CONCAT, ADD, AVERAGE, MUL for the harness's
 * CONCAT, SUM, MEAN, PRODUCT), except that a GravesLSTM layer whose directions are summed is DL4J's own
 * {@code GravesBidirectionalLSTM} (which always sums; {@link #gravesBidirectional}): the layer a GravesLSTM user
 * builds for that, while {@code Bidirectional(ADD, …)} stays covered by the SimpleRnn and LSTM networks. A one-layer
 * forward network is exactly {@link Dl4jNetwork}'s. For the plugins that read a last-step head the way DL4J
 * documents it ({@link Key#lastTimeStep}), the top recurrent layer is wrapped in {@code LastTimeStep} and the head is
 * an {@code OutputLayer}; the keys stay the same (the wrapper adds none).
 *
 * <h2>Parameter keys</h2>
 * {@link Dl4jRecurrentLayer} maps one direction's cell parameters to a one-layer network's keys {@code 0_W} (input
 * weights), {@code 0_RW} (recurrent weights), {@code 0_b} (bias). Here those three are the keys of layer ℓ's
 * direction ({@link #cellKeys}):
 * <pre>
 *   forward layer ℓ               ℓ_W    ℓ_RW    ℓ_b
 *   Bidirectional, forward        ℓ_fW   ℓ_fRW   ℓ_fb      (the wrapper's prefixes "f" and "b")
 *   Bidirectional, reverse        ℓ_bW   ℓ_bRW   ℓ_bb
 *   GravesBidirectionalLSTM       ℓ_WF   ℓ_RWF   ℓ_bF      and ℓ_WB, ℓ_RWB, ℓ_bB for the reverse direction
 *   the head                      L_W = Vᵀ        L_b = c
 * </pre>
 * for the parameters {@code l<ℓ>.[reverse.]<name>} of the naming scheme ({@link ParameterName}).
 */
final class Dl4jStackedNetwork {

    /** The keys of one direction's input weights, recurrent weights and bias in a one-layer network. */
    private static final List<String> ONE_LAYER_CELL_KEYS =
            List.of(Dl4jNetwork.INPUT_WEIGHTS, Dl4jNetwork.RECURRENT_WEIGHTS, Dl4jNetwork.HIDDEN_BIAS);
    /** The same three as a recurrent layer names them ({@code DefaultParamInitializer}'s and SimpleRnn's, LSTM's). */
    private static final List<String> DL4J_CELL_KEYS = List.of("W", "RW", "b");

    private Dl4jStackedNetwork() {
    }

    /**
     * What decides the network's structure: the recurrent layer, the spec's sizes, activation, head, data type and
     * topology (not its reduction, applied outside DL4J, nor its cell options: a GravesLSTM holds absent peepholes
     * at zero), and the truncation for truncated BPTT (null for full BPTT).
     */
    record Key(Dl4jRecurrentLayer recurrentLayer, int inputSize, int hiddenSize, int outputSize, Activation activation,
               Head head, org.bptt.api.DataType dataType, Topology topology, Truncation truncation,
               boolean topLayerConcatenated, boolean lastTimeStep) {

        static Key of(Dl4jRecurrentLayer recurrentLayer, ModelSpec spec, Truncation truncation) {
            return new Key(recurrentLayer, spec.inputSize(), spec.hiddenSize(), spec.outputSize(), spec.activation(),
                    spec.head(), spec.dataType(), spec.topology(), truncation, false, false);
        }

        /**
         * The network of a last-step head as DL4J documents it: the top recurrent layer inside
         * {@code LastTimeStep}, which picks each sequence's last unmasked step, then an {@code OutputLayer}.
         */
        static Key lastTimeStep(Dl4jRecurrentLayer recurrentLayer, ModelSpec spec) {
            return new Key(recurrentLayer, spec.inputSize(), spec.hiddenSize(), spec.outputSize(), spec.activation(),
                    spec.head(), spec.dataType(), spec.topology(), null, false, true);
        }

        /**
         * The same network except that its top layer concatenates its directions (whatever the topology's combine
         * mode), so that its output holds the states before combining ({@link Dl4jStackedNetwork#topLayerStates}).
         */
        Key withTopLayerConcatenated() {
            return new Key(recurrentLayer, inputSize, hiddenSize, outputSize, activation, head, dataType, topology,
                    null, true, false);
        }

        /** How layer {@code layer}'s directions are combined. */
        Combine combine(int layer) {
            return topLayerConcatenated && layer == topology.layers() - 1 ? Combine.CONCAT : topology.combine();
        }

        /** The size of layer {@code layer}'s output. */
        int outputSizeOf(int layer) {
            return topology.bidirectional() ? combine(layer).outputSize(hiddenSize) : hiddenSize;
        }
    }

    /** DL4J's {@code Bidirectional.Mode} for the harness's combine mode. */
    static Bidirectional.Mode mode(Combine combine) {
        return switch (combine) {
            case CONCAT -> Bidirectional.Mode.CONCAT;
            case SUM -> Bidirectional.Mode.ADD;
            case MEAN -> Bidirectional.Mode.AVERAGE;
            case PRODUCT -> Bidirectional.Mode.MUL;
        };
    }

    /**
     * True when a bidirectional layer of {@code recurrentLayer} combining as {@code combine} is DL4J's
     * {@code GravesBidirectionalLSTM} rather than the {@code Bidirectional} wrapper: a summed GravesLSTM.
     */
    static boolean gravesBidirectional(Dl4jRecurrentLayer recurrentLayer, Combine combine) {
        return recurrentLayer == Dl4jRecurrentLayer.GRAVES_LSTM && combine == Combine.SUM;
    }

    /** The DL4J layer's name, for messages: e.g. {@code Bidirectional(ADD, SimpleRnn)}, {@code GravesBidirectionalLSTM}. */
    static String layerName(Dl4jRecurrentLayer recurrentLayer, Topology topology) {
        if (!topology.bidirectional()) {
            return recurrentLayer.dl4jName();
        }
        return gravesBidirectional(recurrentLayer, topology.combine()) ? "GravesBidirectionalLSTM"
                : "Bidirectional(" + mode(topology.combine()) + ", " + recurrentLayer.dl4jName() + ")";
    }

    /** A new, initialized network for {@code key}, with its parameter keys checked: no updater, no clipping. */
    static MultiLayerNetwork build(Key key) {
        Topology topology = key.topology();
        int layers = topology.layers();
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(0)
                .dataType(Dl4jNetwork.nd4jType(key.dataType()))
                .updater(new NoOp())
                .weightInit(WeightInit.XAVIER)
                .list();
        Set<String> expected = new TreeSet<>();
        for (int layer = 0; layer < layers; layer++) {
            int inputSize = layer == 0 ? key.inputSize() : key.outputSizeOf(layer - 1);
            Layer recurrent = layer(key, layer, inputSize);
            list.layer(key.lastTimeStep() && layer == layers - 1 ? new LastTimeStep(recurrent) : recurrent);
            for (int direction = 0; direction < topology.directions(); direction++) {
                expected.addAll(cellKeys(key.recurrentLayer(), topology, layer, direction == 1).values());
            }
        }
        list.layer(key.lastTimeStep() ? lastStepOutputLayer(key.outputSizeOf(layers - 1), key.outputSize(), key.head())
                : Dl4jNetwork.outputLayer(key.outputSizeOf(layers - 1), key.outputSize(), key.head()));
        expected.add(layers + "_W");
        expected.add(layers + "_b");
        MultiLayerConfiguration configuration;
        if (key.truncation() == null) {
            configuration = list.backpropType(BackpropType.Standard).build();
        } else {
            configuration = list.backpropType(BackpropType.TruncatedBPTT)
                    .tBPTTForwardLength(key.truncation().forwardLength())
                    .tBPTTBackwardLength(key.truncation().backwardLength())
                    .build();
        }
        MultiLayerNetwork network = new MultiLayerNetwork(configuration);
        network.init();
        Set<String> actual = new TreeSet<>(network.paramTable().keySet());
        if (!actual.equals(expected)) {
            throw new IllegalStateException("DL4J network for " + key + " has parameters " + actual
                    + ", expected " + expected + ": this adapter does not know this DL4J version's layout");
        }
        return network;
    }

    /** The head after {@code LastTimeStep}: {@code OutputLayer}, softmax with MCXENT or sigmoid with XENT. */
    private static OutputLayer lastStepOutputLayer(int inputSize, int outputSize, Head head) {
        boolean sigmoidHead = head == Head.LAST_STEP_SIGMOID;
        return new OutputLayer.Builder(sigmoidHead ? LossFunctions.LossFunction.XENT : LossFunctions.LossFunction.MCXENT)
                .nIn(inputSize).nOut(outputSize)
                .activation(sigmoidHead ? org.nd4j.linalg.activations.Activation.SIGMOID
                        : org.nd4j.linalg.activations.Activation.SOFTMAX)
                .build();
    }

    /** Layer {@code layer} of the network of {@code key}, reading {@code inputSize} features. */
    @SuppressWarnings("deprecation")
    private static Layer layer(Key key, int layer, int inputSize) {
        Dl4jRecurrentLayer recurrentLayer = key.recurrentLayer();
        if (!key.topology().bidirectional()) {
            return recurrentLayer.configuration(inputSize, key.hiddenSize(), key.activation());
        }
        Combine combine = key.combine(layer);
        if (gravesBidirectional(recurrentLayer, combine)) {
            return new GravesBidirectionalLSTM.Builder()
                    .nIn(inputSize).nOut(key.hiddenSize())
                    .activation(org.nd4j.linalg.activations.Activation.TANH)
                    .gateActivationFunction(org.nd4j.linalg.activations.Activation.SIGMOID)
                    .dataFormat(RNNFormat.NCW)
                    .build();
        }
        return new Bidirectional(mode(combine), recurrentLayer.configuration(inputSize, key.hiddenSize(), key.activation()));
    }

    /**
     * Where layer {@code layer}'s direction keeps its cell parameters: the one-layer keys {@code 0_W}, {@code 0_RW},
     * {@code 0_b} (as {@link Dl4jRecurrentLayer} reads them) to this network's keys, e.g. {@code 0_RW → 1_bRW} for
     * layer 1's reverse direction inside a {@code Bidirectional} wrapper.
     */
    static Map<String, String> cellKeys(Dl4jRecurrentLayer recurrentLayer, Topology topology, int layer,
                                        boolean reverse) {
        boolean graves = topology.bidirectional() && gravesBidirectional(recurrentLayer, topology.combine());
        String prefix = topology.bidirectional() && !graves ? (reverse ? "b" : "f") : "";
        String suffix = graves ? (reverse ? "B" : "F") : "";
        Map<String, String> keys = new LinkedHashMap<>();
        for (int i = 0; i < ONE_LAYER_CELL_KEYS.size(); i++) {
            keys.put(ONE_LAYER_CELL_KEYS.get(i), layer + "_" + prefix + DL4J_CELL_KEYS.get(i) + suffix);
        }
        return keys;
    }

    /**
     * The one-layer forward model of layer {@code layer}'s cell: the spec with layer {@code layer}'s input size
     * and no topology, whose bare parameter names {@link Dl4jRecurrentLayer} reads.
     */
    static ModelSpec layerSpec(ModelSpec spec, int layer) {
        return new ModelSpec(spec.cell(), spec.cellOptions(), spec.layerInputSize(layer), spec.hiddenSize(),
                spec.outputSize(), spec.activation(), spec.head(), spec.biases(), spec.reduction(), spec.dataType());
    }

    /**
     * Writes {@code parameters} into the parameter views of {@code network}, built for {@code spec} with
     * {@code recurrentLayer}; without biases, every bias is set to zero. Not modified: {@code parameters}.
     */
    static void setParameters(MultiLayerNetwork network, Dl4jRecurrentLayer recurrentLayer, ModelSpec spec,
                              Parameters parameters) {
        setCellParameters(network, recurrentLayer, spec, parameters);
        DataType type = Dl4jNetwork.nd4jType(spec.dataType());
        Map<String, INDArray> table = network.paramTable();
        String outputWeights = spec.layers() + "_W";
        String outputBias = spec.layers() + "_b";
        Dl4jNetwork.assign(table, outputWeights, Dl4jLayout.transposed(parameters.get(ParameterNames.V), type));
        Tensor bias = spec.biases() ? parameters.get(ParameterNames.C) : Tensor.zeros(spec.outputSize());
        Dl4jNetwork.assign(table, outputBias, Dl4jLayout.vector(bias, type, Dl4jNetwork.require(table, outputBias).shape()));
    }

    /**
     * Writes the recurrent layers' parameters of {@code parameters} into {@code network} (built for {@code spec}'s
     * structure, or for {@link Key#withTopLayerConcatenated}: the keys are the same), leaving the head alone.
     * Not modified: {@code parameters}.
     */
    static void setCellParameters(MultiLayerNetwork network, Dl4jRecurrentLayer recurrentLayer, ModelSpec spec,
                                  Parameters parameters) {
        DataType type = Dl4jNetwork.nd4jType(spec.dataType());
        Map<String, INDArray> table = network.paramTable();
        for (int layer = 0; layer < spec.layers(); layer++) {
            ModelSpec layerSpec = layerSpec(spec, layer);
            for (int direction = 0; direction < spec.directions(); direction++) {
                boolean reverse = direction == 1;
                Map<String, Tensor> bare = new LinkedHashMap<>();
                for (ParameterDeclaration declaration : spec.cell().parameters(spec, layer)) {
                    bare.put(declaration.name(),
                            parameters.get(ParameterName.of(layer, reverse, declaration.name()).toString()));
                }
                Map<String, INDArray> views = new LinkedHashMap<>();
                cellKeys(recurrentLayer, spec.topology(), layer, reverse)
                        .forEach((oneLayerKey, key) -> views.put(oneLayerKey, Dl4jNetwork.require(table, key)));
                recurrentLayer.setParameters(views, layerSpec, new Parameters(bare), type);
            }
        }
    }

    /**
     * DL4J's gradients (or parameters: they share keys, shapes and orientation), multiplied by {@code scale}, under
     * the harness's names and in its orientation, one for each parameter {@code spec} declares. Not modified:
     * {@code byKey}.
     */
    static Parameters parameterGradients(Map<String, INDArray> byKey, double scale, Dl4jRecurrentLayer recurrentLayer,
                                         ModelSpec spec) {
        Map<String, Tensor> byName = new LinkedHashMap<>();
        for (int layer = 0; layer < spec.layers(); layer++) {
            ModelSpec layerSpec = layerSpec(spec, layer);
            for (int direction = 0; direction < spec.directions(); direction++) {
                boolean reverse = direction == 1;
                Map<String, INDArray> views = new LinkedHashMap<>();
                cellKeys(recurrentLayer, spec.topology(), layer, reverse)
                        .forEach((oneLayerKey, key) -> views.put(oneLayerKey, Dl4jNetwork.require(byKey, key)));
                for (Map.Entry<String, Tensor> cell : recurrentLayer.cellTensors(views, layerSpec).entrySet()) {
                    byName.put(ParameterName.of(layer, reverse, cell.getKey()).toString(), cell.getValue());
                }
            }
        }
        byName.put(ParameterNames.V, Dl4jLayout.transposedTensor(Dl4jNetwork.require(byKey, spec.layers() + "_W")));
        byName.put(ParameterNames.C, Dl4jLayout.vector(Dl4jNetwork.require(byKey, spec.layers() + "_b")));
        return Parameters.of(spec, declaration -> {
            Tensor tensor = byName.get(declaration.name());
            if (tensor == null) {
                throw new IllegalArgumentException("dl4j: " + layerName(recurrentLayer, spec.topology())
                        + " has no parameter " + declaration.name() + " of the model " + spec.label());
            }
            return Dl4jNetwork.scaled(tensor, scale);
        });
    }
}
