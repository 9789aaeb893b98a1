package org.bptt.experiments.train;

import java.util.Arrays;
import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.InvalidInputException;
import org.bptt.api.Tensor;

/**
 * Pascanu, Mikolov &amp; Bengio's regulariser Ω (2013, Section 3.3; their SGD-CR adds α·∂Ω/∂W to the gradient and
 * then clips), exactly as their code computes it, github.com/pascanur/trainingRNNs@3f5df3f RNN.py lines 188-217. For
 * an Elman network a_k = U x_k + W h_{k-1} + b, h_k = f(a_k), with g_k = dC/dh_k the total gradient reaching h_k
 * (from its own loss and from the future) and δ_k = g_k ⊙ f'(a_k) = dC/da_k:
 * <pre>
 *   q_k = ‖Wᵀ δ_k‖² / ‖g_k‖²                      (lines 194-206: tmp_x / tmp_y; their W_hh is our Wᵀ)
 *   Ω   = Σ_{(k,b) counted} (q_k − 1)² / N         (lines 207-209; counted: ‖g_k‖² ≥ bound, N of them)
 *   ∂Ω/∂W = Σ_{(k,b) counted} 4 (q_k − 1) δ_k (Wᵀ δ_k)ᵀ / (‖g_k‖² N)
 * </pre>
 * for every step k = 0 … T−1 of every sequence b. Three details of their code that the paper's formula does not
 * show, all kept here:
 * <ul>
 *   <li>q_k is the ratio of the squared norms (tmp_x and tmp_y are sums of squares), where the paper writes the
 *       ratio of the norms;</li>
 *   <li>the gradient is taken with g_k and h_k held constant (line 210 differentiates with respect to W_hh a graph
 *       whose g_k and h_k are placeholders, substituted only afterwards, lines 211-215): only the W of Wᵀ δ_k is
 *       differentiated;</li>
 *   <li>a (k, b) whose ‖g_k‖² is below {@link #BOUND} contributes (1 − 1)² = 0 and is not counted in N (lines
 *       207-209: the batch mean of the terms summed over time, divided by the summed fraction counted).</li>
 * </ul>
 * f'(a_k) is read from h_k: 1 − h_k² for tanh, h_k(1 − h_k) for the sigmoid (their lines 194-197); for ReLU and the
 * identity, which their code does not have, their derivatives 1[h_k &gt; 0] and 1. A batch with no counted term has
 * Ω = 0 and no gradient (their code divides 0 by 0 there).
 */
public final class NormPreservingRegulariser {

    /** Their {@code state['bound']} (RNN.py line 490): a term whose ‖g_k‖² is below it is left out. */
    public static final double BOUND = 1e-20;

    private NormPreservingRegulariser() {
    }

    /**
     * Ω and ∂Ω/∂W.
     *
     * @param omega     Ω
     * @param gradient  ∂Ω/∂W, {@code [H, H]}
     * @param counted   N, the terms counted
     */
    public record Value(double omega, Tensor gradient, int counted) {
    }

    /**
     * Ω of one batch and its gradient with respect to W.
     *
     * @param activation           f of the Elman cell
     * @param recurrentWeights     W {@code [H, H]}, a_k = … + W h_{k-1}. Not modified.
     * @param hiddenStates         h_k {@code [B, T, H]}. Not modified.
     * @param hiddenStateGradients g_k = dC/dh_k {@code [B, T, H]}. Not modified.
     * @param batch                its mask says which steps each sequence has
     */
    public static Value of(Activation activation, Tensor recurrentWeights, Tensor hiddenStates,
                           Tensor hiddenStateGradients, Batch batch) {
        int h = recurrentWeights.size(0);
        InvalidInputException.require(hiddenStates != null && hiddenStateGradients != null,
                "the regulariser Ω needs the hidden states and their gradients");
        // The tensors are read through their row-major arrays, a row at a time: the step of SGD-CR would otherwise
        // take several times as long as the BPTT it regularises. The sums run in the order of the formulas.
        double[] weights = recurrentWeights.data();          // W[i][j] at i·H + j
        double[] states = hiddenStates.data();               // h_k of sequence b at (b·T + k)·H
        double[] stateGradients = hiddenStateGradients.data();
        int steps = hiddenStates.size(1);
        InvalidInputException.require(hiddenStates.hasShape(batch.batchSize(), steps, h)
                        && hiddenStateGradients.hasShape(batch.batchSize(), steps, h),
                "the regulariser Ω needs hidden states and their gradients of shape [B, T, H] = [%d, %d, %d], got %s and %s",
                batch.batchSize(), steps, h, Arrays.toString(hiddenStates.shape()),
                Arrays.toString(hiddenStateGradients.shape()));
        double[] delta = new double[h];                       // δ_k
        double[] carried = new double[h];                     // Wᵀ δ_k
        double sum = 0;
        int counted = 0;
        Tensor gradient = Tensor.zeros(h, h);
        double[] gradientData = gradient.data();
        for (int b = 0; b < batch.batchSize(); b++) {
            for (int k = 0; k < batch.length(b); k++) {
                int row = (b * steps + k) * h;
                double gradientNormSquared = 0;              // ‖g_k‖²
                for (int i = 0; i < h; i++) {
                    double g = stateGradients[row + i];
                    gradientNormSquared += g * g;
                    delta[i] = g * derivative(activation, states[row + i]);
                }
                if (gradientNormSquared < BOUND) {
                    continue;
                }
                Arrays.fill(carried, 0);            // (Wᵀ δ_k)_j = Σ_i W[i][j] δ_k[i], summed over i in order
                for (int i = 0; i < h; i++) {
                    double deltaI = delta[i];
                    for (int j = 0; j < h; j++) {
                        carried[j] += weights[i * h + j] * deltaI;
                    }
                }
                double carriedNormSquared = 0;               // ‖Wᵀ δ_k‖²
                for (int j = 0; j < h; j++) {
                    carriedNormSquared += carried[j] * carried[j];
                }
                double ratio = carriedNormSquared / gradientNormSquared;      // q_k
                sum += (ratio - 1) * (ratio - 1);
                counted++;
                double factor = 4 * (ratio - 1) / gradientNormSquared;
                for (int i = 0; i < h; i++) {
                    double factorDeltaI = factor * delta[i];
                    for (int j = 0; j < h; j++) {
                        gradientData[i * h + j] += factorDeltaI * carried[j];   // 4(q−1) δ (Wᵀδ)ᵀ / ‖g‖²
                    }
                }
            }
        }
        if (counted == 0) {
            return new Value(0, gradient, 0);
        }
        double[] data = gradient.data();
        for (int i = 0; i < data.length; i++) {
            data[i] /= counted;
        }
        return new Value(sum / counted, gradient, counted);
    }

    /** f'(a) from h = f(a). */
    private static double derivative(Activation activation, double hidden) {
        return switch (activation) {
            case TANH -> 1 - hidden * hidden;
            case SIGMOID -> hidden * (1 - hidden);
            case RELU -> hidden > 0 ? 1 : 0;
            case IDENTITY -> 1;
        };
    }
}
