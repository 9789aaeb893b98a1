package org.bptt.reference;

import static org.bptt.reference.TensorAssertions.assertClose;

import java.util.Map;
import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.Cell;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lecture's worked example: T = 3, h_{-1} = 0, tanh, no biases, a softmax loss at every step. Every expected
 * value is written out here in closed form with plain arrays, independently of the reference's loops:
 * <pre>
 *   y_2     = softmax(V tanh(U x_2 + W tanh(U x_1 + W tanh(U x_0))))
 *   ∂h_0/∂U = (1 − h_0²) x_0
 *   ∂h_1/∂U = (1 − h_1²)(x_1 + W (1 − h_0²) x_0)
 *   ∂h_2/∂U = (1 − h_2²)(x_2 + W ∂h_1/∂U)
 *   dL/dU   = Σ_t (Vᵀ (y_t − y*_t))ᵀ ∂h_t/∂U          (the chain rule through each h_t)
 * </pre>
 * where "x_t" in ∂h_t/∂U is the direct term ∂(U x_t)[r]/∂U[i, j] = δ_ri x_t[j].
 */
class TestLectureExample extends ReferenceTestBase {

    private static final int D = 2;
    private static final int H = 3;
    private static final int K = 2;
    /** Closed form and reference evaluate the same products in other orders: agreement to a few ulps. */
    private static final double RELATIVE = 1e-13;
    private static final double FLOOR = 1e-15;

    private final ModelSpec spec = new ModelSpec(Cell.ELMAN, D, H, K, Activation.TANH, Head.PER_STEP_SOFTMAX, false,
            LossReduction.SUM, org.bptt.api.DataType.FLOAT64);
    private double[][] u;
    private double[][] w;
    private double[][] v;
    private double[][] x;
    private double[][] targets;
    private Parameters parameters;
    private Batch batch;

    @BeforeEach
    void drawTheExample() {
        u = gaussian(H, D);
        w = gaussian(H, H);
        v = gaussian(K, H);
        x = gaussian(3, D);
        targets = new double[][] {{1, 0}, {0, 1}, {0.3, 0.7}};
        parameters = new Parameters(Map.of(ParameterNames.U, tensor(u), ParameterNames.W, tensor(w), ParameterNames.V, tensor(v)));
        batch = new Batch(Tensor.of(flatten(x), 1, 3, D), Tensor.of(flatten(targets), 1, 3, K), null, null);
        parameters.validate(spec);
        batch.validate(spec);
    }

    @Test
    void outputAtStepTwoIsTheNestedExpression() {
        double[] y2 = softmax(times(v,
                tanh(plus(times(u, x[2]), times(w,
                        tanh(plus(times(u, x[1]), times(w,
                                tanh(times(u, x[0]))))))))));
        ForwardResult result = new RecurrentNetwork(spec, parameters).forward(batch);
        for (int k = 0; k < K; k++) {
            assertClose("y_2[" + k + "]", y2[k], result.outputs().get(0, 2, k), RELATIVE, FLOOR);
        }
    }

    @Test
    void rtrlSensitivitiesAreTheClosedForms() {
        double[] h0 = tanh(times(u, x[0]));
        double[] h1 = tanh(plus(times(u, x[1]), times(w, h0)));
        double[][][] expectedStepOne = sensitivityOfH1(h0, h1);
        assertClose("∂h_1/∂U", Tensor.of(flatten(expectedStepOne), H, H, D),
                RealTimeRecurrentLearning.hiddenSensitivityToU(spec, parameters, batch, 0, 1), RELATIVE, FLOOR);
        double[] h2 = tanh(plus(times(u, x[2]), times(w, h1)));
        assertClose("∂h_2/∂U", Tensor.of(flatten(sensitivityOfH2(h2, expectedStepOne)), H, H, D),
                RealTimeRecurrentLearning.hiddenSensitivityToU(spec, parameters, batch, 0, 2), RELATIVE, FLOOR);
    }

    @Test
    void inputWeightGradientIsTheChainRuleThroughTheSensitivities() {
        double[] h0 = tanh(times(u, x[0]));
        double[] h1 = tanh(plus(times(u, x[1]), times(w, h0)));
        double[] h2 = tanh(plus(times(u, x[2]), times(w, h1)));
        double[][][][] sensitivities = new double[3][][][];
        sensitivities[0] = new double[H][H][D];
        for (int r = 0; r < H; r++) {
            for (int j = 0; j < D; j++) {
                sensitivities[0][r][r][j] = (1 - h0[r] * h0[r]) * x[0][j];
            }
        }
        sensitivities[1] = sensitivityOfH1(h0, h1);
        sensitivities[2] = sensitivityOfH2(h2, sensitivities[1]);
        double[][] hidden = {h0, h1, h2};
        double[][] expected = new double[H][D];
        for (int t = 0; t < 3; t++) {
            double[] y = softmax(times(v, hidden[t]));
            double[] hiddenGradient = new double[H];                  // Vᵀ (y_t − y*_t)
            for (int r = 0; r < H; r++) {
                for (int k = 0; k < K; k++) {
                    hiddenGradient[r] += v[k][r] * (y[k] - targets[t][k]);
                }
            }
            for (int i = 0; i < H; i++) {
                for (int j = 0; j < D; j++) {
                    for (int r = 0; r < H; r++) {
                        expected[i][j] += hiddenGradient[r] * sensitivities[t][r][i][j];
                    }
                }
            }
        }
        GradientResult aggregated = AggregatedBptt.gradients(spec, parameters, batch, new StepBackpropCounter());
        assertClose("dL/dU", tensor(expected), aggregated.parameterGradients().get(ParameterNames.U), RELATIVE, FLOOR);
    }

    /** ∂h_1[r]/∂U[i, j] = (1 − h_1[r]²)(δ_ri x_1[j] + W[r, i] (1 − h_0[i]²) x_0[j]). */
    private double[][][] sensitivityOfH1(double[] h0, double[] h1) {
        double[][][] sensitivity = new double[H][H][D];
        for (int r = 0; r < H; r++) {
            for (int i = 0; i < H; i++) {
                for (int j = 0; j < D; j++) {
                    double direct = r == i ? x[1][j] : 0;
                    sensitivity[r][i][j] = (1 - h1[r] * h1[r]) * (direct + w[r][i] * (1 - h0[i] * h0[i]) * x[0][j]);
                }
            }
        }
        return sensitivity;
    }

    /** ∂h_2[r]/∂U[i, j] = (1 − h_2[r]²)(δ_ri x_2[j] + Σ_m W[r, m] ∂h_1[m]/∂U[i, j]). */
    private double[][][] sensitivityOfH2(double[] h2, double[][][] sensitivityOfH1) {
        double[][][] sensitivity = new double[H][H][D];
        for (int r = 0; r < H; r++) {
            for (int i = 0; i < H; i++) {
                for (int j = 0; j < D; j++) {
                    double recurrent = 0;
                    for (int m = 0; m < H; m++) {
                        recurrent += w[r][m] * sensitivityOfH1[m][i][j];
                    }
                    sensitivity[r][i][j] = (1 - h2[r] * h2[r]) * ((r == i ? x[2][j] : 0) + recurrent);
                }
            }
        }
        return sensitivity;
    }

    private double[][] gaussian(int rows, int columns) {
        double[][] matrix = new double[rows][columns];
        for (double[] row : matrix) {
            for (int j = 0; j < columns; j++) {
                row[j] = 0.7 * random.nextGaussian();
            }
        }
        return matrix;
    }

    private static double[] times(double[][] matrix, double[] vector) {
        double[] result = new double[matrix.length];
        for (int i = 0; i < matrix.length; i++) {
            for (int j = 0; j < vector.length; j++) {
                result[i] += matrix[i][j] * vector[j];
            }
        }
        return result;
    }

    private static double[] plus(double[] left, double[] right) {
        double[] result = new double[left.length];
        for (int i = 0; i < left.length; i++) {
            result[i] = left[i] + right[i];
        }
        return result;
    }

    private static double[] tanh(double[] vector) {
        double[] result = new double[vector.length];
        for (int i = 0; i < vector.length; i++) {
            result[i] = Math.tanh(vector[i]);
        }
        return result;
    }

    private static double[] softmax(double[] logits) {
        double sum = 0;
        for (double logit : logits) {
            sum += Math.exp(logit);
        }
        double[] result = new double[logits.length];
        for (int k = 0; k < logits.length; k++) {
            result[k] = Math.exp(logits[k]) / sum;
        }
        return result;
    }

    private static Tensor tensor(double[][] matrix) {
        return Tensor.of(flatten(matrix), matrix.length, matrix[0].length);
    }

    private static double[] flatten(double[][] matrix) {
        return java.util.Arrays.stream(matrix).flatMapToDouble(java.util.Arrays::stream).toArray();
    }

    private static double[] flatten(double[][][] cube) {
        return java.util.Arrays.stream(cube).flatMapToDouble(plane -> java.util.Arrays.stream(flatten(plane))).toArray();
    }
}
