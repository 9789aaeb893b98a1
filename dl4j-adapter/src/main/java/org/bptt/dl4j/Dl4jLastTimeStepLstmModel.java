package org.bptt.dl4j;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import org.bptt.api.Batch;
import org.bptt.api.Cell;
import org.bptt.api.DocumentedLimitException;
import org.bptt.api.ExactComputation;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterDeclaration;
import org.bptt.api.ParameterName;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Results;
import org.bptt.api.Tensor;
import org.bptt.api.Topology;
import org.bptt.api.Truncation;

/**
 * The model of §11 under {@code LastTimeStep} (KNOWN_DIVERGENCES.md, plugin {@code dl4j-lstm-last-time-step}): a
 * bidirectional network of DL4J {@code LSTM} layers whose top layer sits in {@code LastTimeStep}, on a batch whose
 * mask shortens some sequence. Three things differ from the exact computation, each modelled:
 * <ul>
 *   <li>Every layer below the top runs unmasked ({@code LSTM.feedForwardMaskArray} drops the mask), forwards and
 *       backwards, so the top layer reads their unmasked outputs.</li>
 *   <li>The top layer gets its mask back ({@code LastTimeStep.setMaskArray}), so its forward pass is the masked one on
 *       those inputs, but {@code LSTM.backpropGradient} hands {@code LSTMHelpers.backpropGradientHelper} no mask: in the
 *       reverse direction, which reads the padded steps before the sequence, the error flows on from the sequence's
 *       first step into the padding ({@link #leakIntoThePadding}), and from there into the layers below.</li>
 *   <li>The hidden states are read from the network without the wrapper, where no layer has the mask: those of the
 *       whole network run unmasked.</li>
 * </ul>
 * The top layer's exact part, the layers below and the head are the exact computation ({@link Dl4jBugModels}'s
 * {@code layerAlone} and {@code drivenByErrors}); only the leak is written out here. No dL/dx: these plugins return
 * none.
 */
final class Dl4jLastTimeStepLstmModel {

    /** The LSTM's gates as the naming scheme calls their parameters: input weights, recurrent weights, bias. */
    private static final String[][] GATES = {
            {ParameterNames.U_I, ParameterNames.W_I, ParameterNames.B_I},
            {ParameterNames.U_F, ParameterNames.W_F, ParameterNames.B_F},
            {ParameterNames.U_G, ParameterNames.W_G, ParameterNames.B_G},
            {ParameterNames.U_O, ParameterNames.W_O, ParameterNames.B_O}};
    private static final int INPUT = 0;
    private static final int FORGET = 1;
    private static final int CANDIDATE = 2;
    private static final int OUTPUT = 3;

    private Dl4jLastTimeStepLstmModel() {
    }

    /** The prediction (a {@link Dl4jBugModels.Prediction}). */
    static Results predict(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation,
                           ExactComputation exact) {
        if (truncation != null) {
            throw new DocumentedLimitException("DL4J runs no truncated BPTT through bidirectional layers");
        }
        if (spec.cell() != Cell.LSTM || spec.cellOptions().peepholes() || spec.cellOptions().twoBiases()
                || !spec.bidirectional() || !spec.head().lastStepOnly()) {
            throw new DocumentedLimitException("modelled for bidirectional networks of DL4J's LSTM (no peepholes, one"
                    + " bias per gate) under a last-step head");
        }
        Batch unmasked = new Batch(batch.inputs(), batch.targets(), null, null);
        Tensor hiddenStates = exact.forward(spec, parameters, unmasked).hiddenStates();

        int top = spec.layers() - 1;
        Tensor topInputs = top == 0 ? batch.inputs() : combined(spec, exact.forward(lowerLayers(spec),
                lowerParameters(spec, parameters), unmasked).hiddenStates());
        ModelSpec topAlone = Dl4jBugModels.layerAlone(spec, top);
        Parameters topParameters = Dl4jBugModels.layerAloneParameters(spec, parameters, top);
        Batch topBatch = new Batch(topInputs, batch.targets(), batch.mask(), null);
        ForwardResult topForward = exact.forward(topAlone, topParameters, topBatch);
        GradientResult topGradients = exact.gradients(topAlone, topParameters, topBatch);

        Map<String, Tensor> topLayer = Dl4jBugModels.layerGradients(topGradients, top);
        Tensor inputErrors = topGradients.inputGradients().copy();
        leakIntoThePadding(topAlone, topParameters, topBatch, topGradients, parameterGradient -> topLayer.get(
                ParameterName.of(top, true, parameterGradient).toString()), inputErrors);

        Map<String, Tensor> gradients = new LinkedHashMap<>(topLayer);
        if (top > 0) {
            gradients.putAll(Dl4jBugModels.drivenByErrors(lowerLayers(spec), lowerParameters(spec, parameters),
                    batch.inputs(), null, inputErrors, exact).parameterGradients().byName());
        }
        Map<String, Tensor> ordered = new LinkedHashMap<>();
        for (ParameterDeclaration declaration : spec.parameters()) {
            String name = declaration.name();
            ordered.put(name, ParameterName.parse(name).head() ? topGradients.parameterGradients().get(name)
                    : gradients.get(name));
        }
        return new Results(new ForwardResult(hiddenStates, topForward.outputs(), topForward.loss()),
                new GradientResult(topGradients.loss(), new Parameters(ordered), null, null, null));
    }

    /**
     * What {@code LSTMHelpers.backpropGradientHelper} adds without a mask, in the reverse direction of the layer alone
     * ({@code alone}, one bidirectional layer on its inputs): for each sequence shorter than T, the error reaching its
     * start, dL/dh_{-1} and dL/dc_{-1} of that direction (from {@code exactGradients}, the layer's exact gradients),
     * flows on through the padded steps len, len + 1, …, T − 1, which the reverse direction read before the sequence.
     * Their stored gates are those of x_t from h = c = 0 (the masked states), their stored c_t is the masked 0 (so
     * tanh'(c_t) = 1 and the forget gate's error, ∝ c_{t-1} = 0, vanishes) and tanh(c_t) that of the unmasked
     * c_t = i ⊙ g. Per step, with dh and dc the errors arriving:
     * <pre>
     *   δ_o = dh ⊙ tanh(i ⊙ g) ⊙ o(1 − o),   dc' = dh ⊙ o + dc,   δ_i = dc' ⊙ g ⊙ i(1 − i),   δ_g = dc' ⊙ i ⊙ (1 − g²)
     *   dU_* += δ_* x_tᵀ,   db_* += δ_*,   dL/dx_t += Σ U_*ᵀ δ_*;   then dh = Σ W_*ᵀ δ_*,   dc = f ⊙ dc'
     * </pre>
     * The recurrent weights get nothing (h_{t-1} is the masked 0).
     *
     * @param gradientOf  the reverse direction's gradient of a gate parameter, by its bare name. Modified.
     * @param inputErrors dL/d(the layer's inputs), {@code [B, T, in]}. Modified: the padded steps' terms are added.
     */
    private static void leakIntoThePadding(ModelSpec alone, Parameters parameters, Batch batch,
                                           GradientResult exactGradients, Function<String, Tensor> gradientOf,
                                           Tensor inputErrors) {
        Tensor initialStateErrors = Batch.stateOf(exactGradients.initialStateGradients(), alone, 0, true);
        Tensor initialCellErrors = Batch.stateOf(exactGradients.initialCellStateGradients(), alone, 0, true);
        int hiddenSize = alone.hiddenSize();
        int inputSize = alone.inputSize();
        for (int sequence = 0; sequence < batch.batchSize(); sequence++) {
            double[] dh = new double[hiddenSize];
            double[] dc = new double[hiddenSize];
            for (int j = 0; j < hiddenSize; j++) {
                dh[j] = initialStateErrors.get(sequence, j);
                dc[j] = initialCellErrors.get(sequence, j);
            }
            for (int t = batch.length(sequence); t < batch.steps(); t++) {
                double[] x = new double[inputSize];
                for (int m = 0; m < inputSize; m++) {
                    x[m] = batch.inputs().get(sequence, t, m);
                }
                double[] i = gate(alone, parameters, INPUT, x, true);
                double[] f = gate(alone, parameters, FORGET, x, true);
                double[] g = gate(alone, parameters, CANDIDATE, x, false);
                double[] o = gate(alone, parameters, OUTPUT, x, true);
                double[][] delta = new double[GATES.length][hiddenSize];
                for (int j = 0; j < hiddenSize; j++) {
                    delta[OUTPUT][j] = dh[j] * Math.tanh(i[j] * g[j]) * o[j] * (1 - o[j]);
                    dc[j] = dh[j] * o[j] + dc[j];
                    delta[INPUT][j] = dc[j] * g[j] * i[j] * (1 - i[j]);
                    delta[CANDIDATE][j] = dc[j] * i[j] * (1 - g[j] * g[j]);
                }
                double[] dhPrevious = new double[hiddenSize];
                for (int k = 0; k < GATES.length; k++) {
                    Tensor inputWeights = parameters.get(reverse(GATES[k][0]));
                    Tensor recurrentWeights = parameters.get(reverse(GATES[k][1]));
                    Tensor inputWeightsGradient = gradientOf.apply(GATES[k][0]);
                    Tensor biasGradient = alone.biases() ? gradientOf.apply(GATES[k][2]) : null;
                    for (int j = 0; j < hiddenSize; j++) {
                        if (biasGradient != null) {
                            biasGradient.data()[j] += delta[k][j];
                        }
                        for (int m = 0; m < inputSize; m++) {
                            inputWeightsGradient.set(inputWeightsGradient.get(j, m) + delta[k][j] * x[m], j, m);
                            inputErrors.set(inputErrors.get(sequence, t, m) + inputWeights.get(j, m) * delta[k][j],
                                    sequence, t, m);
                        }
                        for (int m = 0; m < hiddenSize; m++) {
                            dhPrevious[m] += recurrentWeights.get(j, m) * delta[k][j];
                        }
                    }
                }
                for (int j = 0; j < hiddenSize; j++) {
                    dc[j] *= f[j];
                }
                dh = dhPrevious;
            }
        }
    }

    /** A gate of the reverse direction at a padded step, from h = 0: σ (or tanh, for the candidate) of U x + b. */
    private static double[] gate(ModelSpec alone, Parameters parameters, int gate, double[] x, boolean sigmoid) {
        Tensor inputWeights = parameters.get(reverse(GATES[gate][0]));
        double[] values = new double[alone.hiddenSize()];
        for (int j = 0; j < values.length; j++) {
            double preActivation = alone.biases() ? parameters.get(reverse(GATES[gate][2])).get(j) : 0;
            for (int m = 0; m < x.length; m++) {
                preActivation += inputWeights.get(j, m) * x[m];
            }
            values[j] = sigmoid ? 1 / (1 + Math.exp(-preActivation)) : Math.tanh(preActivation);
        }
        return values;
    }

    /** The reverse direction's name of a one-layer parameter. */
    private static String reverse(String base) {
        return ParameterName.of(0, true, base).toString();
    }

    /** The layers below the top of {@code spec}, under its head (reading the top of them, as wide as the top layer). */
    private static ModelSpec lowerLayers(ModelSpec spec) {
        return spec.withTopology(new Topology(spec.layers() - 1, spec.topology().direction(), spec.topology().combine()));
    }

    /** The parameters of {@link #lowerLayers}: the case's, and the head's (which {@code drivenByErrors} replaces). */
    private static Parameters lowerParameters(ModelSpec spec, Parameters parameters) {
        return Parameters.of(lowerLayers(spec), declaration -> parameters.get(declaration.name()));
    }

    /**
     * The output of a bidirectional layer, from its directions side by side ({@code [B, T, 2H]}): combined as the
     * network's mode says, what the next layer reads.
     */
    private static Tensor combined(ModelSpec spec, Tensor sideBySide) {
        int hiddenSize = spec.hiddenSize();
        int width = spec.topology().layerOutputSize(hiddenSize);
        Tensor output = Tensor.zeros(sideBySide.size(0), sideBySide.size(1), width);
        for (int sequence = 0; sequence < output.size(0); sequence++) {
            for (int t = 0; t < output.size(1); t++) {
                for (int j = 0; j < width; j++) {
                    double forward = sideBySide.get(sequence, t, j % hiddenSize);
                    double backward = sideBySide.get(sequence, t, hiddenSize + j % hiddenSize);
                    output.set(switch (spec.topology().combine()) {
                        case CONCAT -> sideBySide.get(sequence, t, j);
                        case SUM -> forward + backward;
                        case MEAN -> (forward + backward) / 2;
                        case PRODUCT -> forward * backward;
                    }, sequence, t, j);
                }
            }
        }
        return output;
    }
}
