package org.bptt.dl4j;

import java.util.LinkedHashMap;
import java.util.Map;

import org.bptt.api.Activation;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.GravesLSTM;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The DL4J layer that computes the recurrence, layer 0 of {@link Dl4jNetwork}, and how the harness's cell
 * parameters map to its three parameters {@code 0_W} (input weights), {@code 0_RW} (recurrent weights) and
 * {@code 0_b} (bias), which all three layers have under these keys.
 */
enum Dl4jRecurrentLayer {

    /**
     * {@code SimpleRnn}: {@code h_t = f(x_t · W + h_{t-1} · RW + b)} on row vectors, so {@code W [d, H] = Uᵀ},
     * {@code RW [H, H] = Wᵀ}, {@code b [H]}. It always has a bias: a model without one holds it at zero.
     */
    SIMPLE_RNN("SimpleRnn") {
        @Override
        Layer configuration(int inputSize, int hiddenSize, Activation activation) {
            return new SimpleRnn.Builder()
                    .nIn(inputSize).nOut(hiddenSize)
                    .activation(Dl4jNetwork.hiddenActivation(activation))
                    .dataFormat(RNNFormat.NCW)
                    .build();
        }

        @Override
        void setParameters(Map<String, INDArray> table, ModelSpec spec, Parameters parameters, DataType type) {
            Dl4jNetwork.assign(table, Dl4jNetwork.INPUT_WEIGHTS, Dl4jLayout.transposed(parameters.get(ParameterNames.U), type));
            Dl4jNetwork.assign(table, Dl4jNetwork.RECURRENT_WEIGHTS, Dl4jLayout.transposed(parameters.get(ParameterNames.W), type));
            Tensor bias = spec.biases() ? parameters.get(ParameterNames.B) : Tensor.zeros(spec.hiddenSize());
            Dl4jNetwork.assign(table, Dl4jNetwork.HIDDEN_BIAS,
                    Dl4jLayout.vector(bias, type, Dl4jNetwork.require(table, Dl4jNetwork.HIDDEN_BIAS).shape()));
        }

        @Override
        Map<String, Tensor> cellTensors(Map<String, INDArray> byKey, ModelSpec spec) {
            Map<String, Tensor> byName = new LinkedHashMap<>();
            byName.put(ParameterNames.U, Dl4jLayout.transposedTensor(Dl4jNetwork.require(byKey, Dl4jNetwork.INPUT_WEIGHTS)));
            byName.put(ParameterNames.W, Dl4jLayout.transposedTensor(Dl4jNetwork.require(byKey, Dl4jNetwork.RECURRENT_WEIGHTS)));
            if (spec.biases()) {
                byName.put(ParameterNames.B, Dl4jLayout.vector(Dl4jNetwork.require(byKey, Dl4jNetwork.HIDDEN_BIAS)));
            }
            return byName;
        }
    },

    /** {@code LSTM}: no peepholes; layout in {@link Dl4jLstmPacking}. */
    LSTM("LSTM") {
        @Override
        Layer configuration(int inputSize, int hiddenSize, Activation activation) {
            return new LSTM.Builder()
                    .nIn(inputSize).nOut(hiddenSize)
                    .activation(org.nd4j.linalg.activations.Activation.TANH)
                    .gateActivationFunction(org.nd4j.linalg.activations.Activation.SIGMOID)
                    .dataFormat(RNNFormat.NCW)
                    .build();
        }
    },

    /**
     * {@code GravesLSTM} (deprecated in DL4J, still there in 1.0.0-M2.1): the LSTM with peepholes in three extra
     * recurrent-weight columns; layout in {@link Dl4jLstmPacking}. A model without peepholes holds them at zero.
     */
    GRAVES_LSTM("GravesLSTM") {
        @Override
        @SuppressWarnings("deprecation")
        Layer configuration(int inputSize, int hiddenSize, Activation activation) {
            return new GravesLSTM.Builder()
                    .nIn(inputSize).nOut(hiddenSize)
                    .activation(org.nd4j.linalg.activations.Activation.TANH)
                    .gateActivationFunction(org.nd4j.linalg.activations.Activation.SIGMOID)
                    .dataFormat(RNNFormat.NCW)
                    .build();
        }
    };

    private final String dl4jName;

    Dl4jRecurrentLayer(String dl4jName) {
        this.dl4jName = dl4jName;
    }

    /** The DL4J class name, for messages. */
    String dl4jName() {
        return dl4jName;
    }

    /**
     * The layer's configuration, time last (NCW). {@code activation} is the Elman cell's f; the LSTMs' own
     * nonlinearities are set explicitly (tanh, sigmoid gates), since DL4J's default layer activation is sigmoid.
     */
    abstract Layer configuration(int inputSize, int hiddenSize, Activation activation);

    /**
     * Writes the cell's parameters into the layer's parameter views in {@code table} (keys {@code 0_W},
     * {@code 0_RW}, {@code 0_b}), zero where the model leaves a parameter out. Not modified: {@code parameters}.
     */
    void setParameters(Map<String, INDArray> table, ModelSpec spec, Parameters parameters, DataType type) {
        Dl4jLstmPacking.Packed packed = Dl4jLstmPacking.pack(spec, parameters, this == GRAVES_LSTM);
        Dl4jNetwork.assign(table, Dl4jNetwork.INPUT_WEIGHTS, Dl4jLayout.array(packed.inputWeights().data().clone(), type,
                packed.inputWeights().size(0), packed.inputWeights().size(1)));
        Dl4jNetwork.assign(table, Dl4jNetwork.RECURRENT_WEIGHTS, Dl4jLayout.array(packed.recurrentWeights().data().clone(),
                type, packed.recurrentWeights().size(0), packed.recurrentWeights().size(1)));
        Dl4jNetwork.assign(table, Dl4jNetwork.HIDDEN_BIAS,
                Dl4jLayout.vector(packed.bias(), type, Dl4jNetwork.require(table, Dl4jNetwork.HIDDEN_BIAS).shape()));
    }

    /**
     * The cell's tensors in {@code byKey} (DL4J's parameters or gradients, keys {@code 0_W}, {@code 0_RW},
     * {@code 0_b}) under the harness's names, in the equations' orientation, for the cell parameters {@code spec}
     * declares. Not modified: {@code byKey}.
     */
    Map<String, Tensor> cellTensors(Map<String, INDArray> byKey, ModelSpec spec) {
        INDArray recurrent = Dl4jNetwork.require(byKey, Dl4jNetwork.RECURRENT_WEIGHTS);
        Dl4jLstmPacking.Packed packed = new Dl4jLstmPacking.Packed(
                matrix(Dl4jNetwork.require(byKey, Dl4jNetwork.INPUT_WEIGHTS)),
                matrix(recurrent),
                Dl4jLayout.vector(Dl4jNetwork.require(byKey, Dl4jNetwork.HIDDEN_BIAS)));
        return Dl4jLstmPacking.unpack(spec, packed);
    }

    private static Tensor matrix(INDArray array) {
        return Tensor.of(Dl4jLayout.rowMajorDoubles(array), Math.toIntExact(array.size(0)), Math.toIntExact(array.size(1)));
    }
}
