package org.bptt.dl4j;

import java.util.LinkedHashMap;
import java.util.Map;

import org.bptt.api.Batch;
import org.bptt.api.CellOptions;
import org.bptt.api.DocumentedLimitException;
import org.bptt.api.ExactComputation;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterDeclaration;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.ResetPlacement;
import org.bptt.api.Results;
import org.bptt.api.Tensor;
import org.bptt.api.Truncation;

/**
 * The model of §8 (KNOWN_DIVERGENCES.md): SameDiff's {@code gru_bp} (libnd4j {@code gruCellBp}) is the BPTT of the
 * GRU with the reset gate after the recurrent product,
 * <pre>
 *   r_t = σ(U_r x_t + W_r h_{t-1} + b_r),   z_t = σ(U_z x_t + W_z h_{t-1} + b_z),
 *   q_t = W_n h_{t-1},   n_t = tanh(U_n x_t + b_n + r_t ⊙ q_t),   h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t-1},
 * </pre>
 * except for one term: the reset gate's pre-activation error, which it computes as
 * ∂L/∂a_r = W_nᵀ (∂L/∂a_n ⊙ h_{t-1} ⊙ r_t ⊙ (1 − r_t)) instead of ∂L/∂a_n ⊙ q_t ⊙ r_t ⊙ (1 − r_t). That wrong error then
 * flows on as the right one would: into dU_r, dW_r, db_r, dL/dx_t and dL/dh_{t-1}.
 *
 * <p>Predicted by that backward pass, written out below, on the exact forward pass and driven by the exact output
 * errors; h, y, the loss and the head's gradients are exact. Both expressions vanish where h_{t-1} = 0.
 */
final class SameDiffGruResetGate {

    private SameDiffGruResetGate() {
    }

    /** The prediction of §8's model (a {@link Dl4jBugModels.Prediction}). */
    static Results predict(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation,
                           ExactComputation exact) {
        if (truncation != null) {
            throw new DocumentedLimitException("SameDiff offers no truncated BPTT");
        }
        CellOptions options = spec.cellOptions();
        if (options.resetPlacement() != ResetPlacement.AFTER || options.twoBiases() || !spec.topology().single()) {
            throw new DocumentedLimitException("modelled for SameDiff's gru: one forward layer, the reset gate after"
                    + " the product, one bias per gate");
        }
        ForwardResult forward = exact.forward(spec, parameters, batch);
        GradientResult full = exact.gradients(spec, parameters, batch);
        Tensor outputErrors = Dl4jBugModels.topLayerErrors(spec, parameters, batch, exact);
        Gate resetGate = Gate.of(parameters, ParameterNames.U_R, ParameterNames.W_R, ParameterNames.B_R);
        Gate updateGate = Gate.of(parameters, ParameterNames.U_Z, ParameterNames.W_Z, ParameterNames.B_Z);
        Gate candidate = Gate.of(parameters, ParameterNames.U_N, ParameterNames.W_N, ParameterNames.B_N);
        int hiddenSize = spec.hiddenSize();
        Tensor inputGradients = Tensor.zeros(batch.inputs().shape());
        Tensor initialStateGradients = Tensor.zeros(batch.batchSize(), hiddenSize);
        for (int sequence = 0; sequence < batch.batchSize(); sequence++) {
            double[] dh = new double[hiddenSize];                                     // ∂L/∂h_t from the steps after t
            for (int t = batch.length(sequence) - 1; t >= 0; t--) {
                double[] x = row(batch.inputs(), sequence, t);
                double[] h = t == 0 ? initialState(batch, sequence, hiddenSize) : row(forward.hiddenStates(), sequence, t - 1);
                double[] r = sigmoid(resetGate.preActivation(x, h));
                double[] z = sigmoid(updateGate.preActivation(x, h));
                double[] q = candidate.recurrentProduct(h);
                double[] n = candidate.inputPart(x);
                for (int i = 0; i < hiddenSize; i++) {
                    n[i] = Math.tanh(n[i] + r[i] * q[i]);
                }
                double[] candidateDelta = new double[hiddenSize];                     // ∂L/∂a_n
                double[] updateGateDelta = new double[hiddenSize];                    // ∂L/∂a_z
                double[] recurrentProductDelta = new double[hiddenSize];              // ∂L/∂q_t
                double[] scaledByResetGate = new double[hiddenSize];                  // ∂L/∂a_n ⊙ h_{t-1} ⊙ r_t(1 − r_t)
                double[] dhPrevious = new double[hiddenSize];                         // ∂L/∂h_{t-1}
                for (int i = 0; i < hiddenSize; i++) {
                    dh[i] += outputErrors.get(sequence, t, i);
                    candidateDelta[i] = dh[i] * (1 - z[i]) * (1 - n[i] * n[i]);
                    updateGateDelta[i] = dh[i] * (h[i] - n[i]) * z[i] * (1 - z[i]);
                    recurrentProductDelta[i] = candidateDelta[i] * r[i];
                    scaledByResetGate[i] = candidateDelta[i] * h[i] * r[i] * (1 - r[i]);
                    dhPrevious[i] = dh[i] * z[i];
                }
                double[] resetGateDelta = candidate.recurrentTransposed(scaledByResetGate); // libnd4j's ∂L/∂a_r
                double[] dx = new double[x.length];
                candidate.backwardInputPart(candidateDelta, x, dx);
                candidate.backwardRecurrentPart(recurrentProductDelta, h, dhPrevious);
                resetGate.backwardInputPart(resetGateDelta, x, dx);
                resetGate.backwardRecurrentPart(resetGateDelta, h, dhPrevious);
                updateGate.backwardInputPart(updateGateDelta, x, dx);
                updateGate.backwardRecurrentPart(updateGateDelta, h, dhPrevious);
                for (int m = 0; m < x.length; m++) {
                    inputGradients.set(dx[m], sequence, t, m);
                }
                dh = dhPrevious;
            }
            for (int i = 0; i < hiddenSize; i++) {
                initialStateGradients.set(dh[i], sequence, i);
            }
        }
        Map<String, Tensor> gradients = new LinkedHashMap<>();
        for (ParameterDeclaration declaration : spec.parameters()) {
            String name = declaration.name();
            gradients.put(name, switch (name) {
                case ParameterNames.U_R -> resetGate.inputWeightsGradient;
                case ParameterNames.W_R -> resetGate.recurrentWeightsGradient;
                case ParameterNames.B_R -> resetGate.biasGradient;
                case ParameterNames.U_Z -> updateGate.inputWeightsGradient;
                case ParameterNames.W_Z -> updateGate.recurrentWeightsGradient;
                case ParameterNames.B_Z -> updateGate.biasGradient;
                case ParameterNames.U_N -> candidate.inputWeightsGradient;
                case ParameterNames.W_N -> candidate.recurrentWeightsGradient;
                case ParameterNames.B_N -> candidate.biasGradient;
                default -> full.parameterGradients().get(name);                       // the head's: exact
            });
        }
        return new Results(forward, new GradientResult(full.loss(), new Parameters(gradients), inputGradients,
                initialStateGradients, null));
    }

    /**
     * One gate's weights, U [H, d], W [H, H] and b [H] (zero without biases), and their gradients, summed over the
     * steps (Modified by the backward methods).
     */
    private record Gate(Tensor inputWeights, Tensor recurrentWeights, Tensor bias, Tensor inputWeightsGradient,
                        Tensor recurrentWeightsGradient, Tensor biasGradient) {

        static Gate of(Parameters parameters, String inputWeights, String recurrentWeights, String bias) {
            Tensor u = parameters.get(inputWeights);
            Tensor w = parameters.get(recurrentWeights);
            Tensor b = parameters.byName().containsKey(bias) ? parameters.get(bias) : Tensor.zeros(w.size(0));
            return new Gate(u, w, b, Tensor.zeros(u.shape()), Tensor.zeros(w.shape()), Tensor.zeros(b.shape()));
        }

        /** U x + b. */
        double[] inputPart(double[] x) {
            double[] a = bias.data().clone();
            for (int i = 0; i < a.length; i++) {
                for (int m = 0; m < x.length; m++) {
                    a[i] += inputWeights.get(i, m) * x[m];
                }
            }
            return a;
        }

        /** W h. */
        double[] recurrentProduct(double[] h) {
            double[] a = new double[h.length];
            for (int i = 0; i < a.length; i++) {
                for (int m = 0; m < h.length; m++) {
                    a[i] += recurrentWeights.get(i, m) * h[m];
                }
            }
            return a;
        }

        /** U x + W h + b. */
        double[] preActivation(double[] x, double[] h) {
            double[] a = inputPart(x);
            double[] product = recurrentProduct(h);
            for (int i = 0; i < a.length; i++) {
                a[i] += product[i];
            }
            return a;
        }

        /** Wᵀ v. */
        double[] recurrentTransposed(double[] v) {
            double[] product = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                for (int m = 0; m < v.length; m++) {
                    product[m] += recurrentWeights.get(i, m) * v[i];
                }
            }
            return product;
        }

        /** dU += δ xᵀ, db += δ, {@code dx} += Uᵀ δ. */
        void backwardInputPart(double[] delta, double[] x, double[] dx) {
            for (int i = 0; i < delta.length; i++) {
                biasGradient.data()[i] += delta[i];
                for (int m = 0; m < x.length; m++) {
                    inputWeightsGradient.set(inputWeightsGradient.get(i, m) + delta[i] * x[m], i, m);
                    dx[m] += inputWeights.get(i, m) * delta[i];
                }
            }
        }

        /** dW += δ hᵀ, {@code dh} += Wᵀ δ. */
        void backwardRecurrentPart(double[] delta, double[] h, double[] dh) {
            for (int i = 0; i < delta.length; i++) {
                for (int m = 0; m < h.length; m++) {
                    recurrentWeightsGradient.set(recurrentWeightsGradient.get(i, m) + delta[i] * h[m], i, m);
                    dh[m] += recurrentWeights.get(i, m) * delta[i];
                }
            }
        }
    }

    private static double[] sigmoid(double[] a) {
        double[] s = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            s[i] = 1 / (1 + Math.exp(-a[i]));
        }
        return s;
    }

    /** {@code tensor[sequence, step, :]}. */
    private static double[] row(Tensor tensor, int sequence, int step) {
        double[] values = new double[tensor.size(2)];
        for (int i = 0; i < values.length; i++) {
            values[i] = tensor.get(sequence, step, i);
        }
        return values;
    }

    private static double[] initialState(Batch batch, int sequence, int hiddenSize) {
        double[] values = new double[hiddenSize];
        if (batch.initialState() != null) {
            for (int i = 0; i < hiddenSize; i++) {
                values[i] = batch.initialState().get(sequence, i);
            }
        }
        return values;
    }
}
