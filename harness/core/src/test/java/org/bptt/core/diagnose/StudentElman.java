package org.bptt.core.diagnose;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.Capability;
import org.bptt.api.Cell;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.PluginInfo;
import org.bptt.api.RnnImplementation;
import org.bptt.api.Tensor;

/**
 * A student's Elman RNN, written the way a NumPy submission is, independently of the catalogue's models: the batch
 * is processed a step at a time as [B, H] matrices in row-vector form (a_t = x_t Uᵀ + h_{t−1} Wᵀ + b), and the mask
 * multiplies (a padded step carries the state through, h_t = m h̃_t + (1 − m) h_{t−1}, and its loss is weighed by m),
 * so a last-step head reads h_{T−1}. The mistakes it makes are named by the catalogue's names, each a change of its
 * own lines.
 */
final class StudentElman implements RnnImplementation {

    /** A mistake that is in no catalogue: dL/dV accumulated twice. */
    static final String UNCATALOGUED = "output-weight-gradient-doubled";

    private final Set<String> mistakes;
    private final PluginInfo info;

    /** @param mistakes the catalogue names of the mistakes this student makes; none for a correct submission */
    StudentElman(String... mistakes) {
        this.mistakes = Set.of(mistakes);
        String id = "student" + (mistakes.length == 0 ? "-correct" : "-" + String.join("-and-", mistakes));
        this.info = new PluginInfo(id, id, "0", "tests", "a student's Elman BPTT");
    }

    @Override
    public PluginInfo info() {
        return info;
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.FLOAT64, Capability.TANH, Capability.SIGMOID, Capability.RELU, Capability.IDENTITY,
                Capability.PER_STEP_SOFTMAX, Capability.LAST_STEP_SOFTMAX, Capability.LAST_STEP_SIGMOID,
                Capability.BIASES, Capability.NO_BIASES, Capability.MASKS, Capability.INITIAL_STATE,
                Capability.HIDDEN_STATES, Capability.INPUT_GRADIENTS, Capability.INITIAL_STATE_GRADIENTS,
                Capability.HIDDEN_STATE_GRADIENTS);
    }

    @Override
    public ForwardResult forward(ModelSpec spec, Parameters parameters, Batch batch) {
        return new Pass(spec, parameters, batch).forward();
    }

    @Override
    public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
        return new Pass(spec, parameters, batch).backward();
    }

    private boolean makes(String mistake) {
        return mistakes.contains(mistake);
    }

    /** One forward pass over the batch, kept for the backward pass. */
    private final class Pass {
        final ModelSpec spec;
        final int n;
        final int steps;
        final double[][] u;
        final double[][] w;
        final double[] b;
        final double[][] v;
        final double[] c;
        final double[][][] x;        // [T][B][d]
        final double[][] m;          // [T][B]
        final double[][][] a;        // [T][B][H]
        final double[][][] hNew;     // f(a_t), [T][B][H]
        final double[][][] h;        // the state after step t, [T][B][H]
        final double[][] h0;         // [B][H]
        final double[][][] y;        // [T][B][K], at the steps with a loss
        final double[][][] targets;  // [T][B][K]
        final boolean[] lossAt;      // per step
        double summedLoss;
        double divisor;

        Pass(ModelSpec spec, Parameters parameters, Batch batch) {
            if (spec.cell() != Cell.ELMAN || !spec.topology().single()) {
                throw new UnsupportedOperationException("the student wrote a one-layer Elman RNN");
            }
            this.spec = spec;
            n = batch.batchSize();
            steps = batch.steps();
            int hidden = spec.hiddenSize();
            u = matrix(parameters.get(ParameterNames.U));
            w = matrix(parameters.get(ParameterNames.W));
            v = matrix(parameters.get(ParameterNames.V));
            b = spec.biases() ? parameters.get(ParameterNames.B).data() : new double[hidden];
            c = spec.biases() ? parameters.get(ParameterNames.C).data() : new double[spec.outputSize()];
            x = new double[steps][n][];
            m = new double[steps][n];
            targets = new double[steps][n][];
            lossAt = new boolean[steps];
            boolean lastStep = spec.head().lastStepOnly();
            for (int t = 0; t < steps; t++) {
                lossAt[t] = !lastStep || t == steps - 1;
                for (int s = 0; s < n; s++) {
                    x[t][s] = slice(batch.inputs(), s, t);
                    m[t][s] = batch.mask() == null || makes("padded-steps-counted") ? 1 : batch.mask().get(s, t);
                    targets[t][s] = lastStep ? slice(batch.targets(), s) : slice(batch.targets(), s, t);
                }
            }
            h0 = new double[n][hidden];
            if (batch.initialState() != null && !makes("initial-state-ignored")) {
                for (int s = 0; s < n; s++) {
                    h0[s] = slice(batch.initialState(), s);
                }
            }
            a = new double[steps][][];
            hNew = new double[steps][][];
            h = new double[steps][][];
            y = new double[steps][][];
            double[][] previous = h0;
            for (int t = 0; t < steps; t++) {
                a[t] = plusRow(plus(times(x[t], transpose(u)), times(previous, transpose(w))), b);
                hNew[t] = apply(a[t]);
                h[t] = new double[n][hidden];
                for (int s = 0; s < n; s++) {
                    for (int i = 0; i < hidden; i++) {
                        h[t][s][i] = m[t][s] * hNew[t][s][i] + (1 - m[t][s]) * previous[s][i];
                    }
                }
                previous = h[t];
            }
            double terms = 0;
            for (int t = 0; t < steps; t++) {
                if (!lossAt[t]) {
                    continue;
                }
                double[][] o = plusRow(times(h[t], transpose(v)), c);
                y[t] = new double[n][];
                for (int s = 0; s < n; s++) {
                    double weight = lastStep ? 1 : m[t][s];
                    y[t][s] = spec.head() == Head.LAST_STEP_SIGMOID ? new double[] {1 / (1 + Math.exp(-o[s][0]))} : softmax(o[s]);
                    summedLoss += weight * crossEntropy(o[s], targets[t][s]);
                    terms += weight;
                }
            }
            LossReduction reduction = spec.reduction();
            divisor = reduction == LossReduction.SUM ? 1 : reduction == LossReduction.MEAN_OVER_BATCH ? n : terms;
            if (makes("averaged-where-summed") && reduction == LossReduction.SUM) {
                divisor = terms;
            }
            if (makes("averaged-twice")) {
                divisor = divisor * divisor;
            }
        }

        ForwardResult forward() {
            Tensor hiddenStates = Tensor.zeros(n, steps, spec.hiddenSize());
            Tensor outputs = spec.head().lastStepOnly() ? Tensor.zeros(n, spec.outputSize())
                    : Tensor.zeros(n, steps, spec.outputSize());
            for (int t = 0; t < steps; t++) {
                for (int s = 0; s < n; s++) {
                    put(hiddenStates, h[t][s], s, t);
                    if (lossAt[t]) {
                        if (spec.head().lastStepOnly()) {
                            put(outputs, y[t][s], s);
                        } else {
                            put(outputs, y[t][s], s, t);
                        }
                    }
                }
            }
            return new ForwardResult(hiddenStates, outputs, summedLoss / divisor);
        }

        GradientResult backward() {
            int hidden = spec.hiddenSize();
            int k = spec.outputSize();
            double[][] dU = new double[hidden][spec.inputSize()];
            double[][] dW = new double[hidden][hidden];
            double[] db = new double[hidden];
            double[][] dV = new double[k][hidden];
            double[] dc = new double[k];
            Tensor dx = Tensor.zeros(n, steps, spec.inputSize());
            Tensor dhAll = Tensor.zeros(n, steps, hidden);
            double[][] recurrent = new double[n][hidden];    // da_{t+1} W: what W carries back to h_t
            double[][] carried = new double[n][hidden];      // (1 − m_{t+1}) dh_{t+1}: what a padded step carries back
            for (int t = steps - 1; t >= 0; t--) {
                double[][] dh = makes("future-gradient-dropped") ? copy(carried) : plus(recurrent, carried);
                if (lossAt[t]) {
                    double[][] dy = new double[n][k];
                    for (int s = 0; s < n; s++) {
                        double weight = spec.head().lastStepOnly() ? 1 : m[t][s];
                        for (int j = 0; j < k; j++) {
                            double error = y[t][s][j] - targets[t][s][j];
                            dy[s][j] = weight * (makes("output-gradient-sign") ? -error : error) / divisor;
                        }
                    }
                    addTo(dV, times(transpose(dy), h[t]));
                    if (makes(UNCATALOGUED)) {
                        addTo(dV, times(transpose(dy), h[t]));
                    }
                    if (!makes("output-bias-gradient-lost")) {
                        addTo(dc, columnSums(dy));
                    }
                    dh = plus(dh, times(dy, v));
                }
                double[][] da = new double[n][hidden];
                for (int s = 0; s < n; s++) {
                    put(dhAll, dh[s], s, t);
                    for (int i = 0; i < hidden; i++) {
                        da[s][i] = derivative(a[t][s][i], hNew[t][s][i]) * m[t][s] * dh[s][i];
                    }
                }
                double[][] previous = t == 0 ? h0 : h[t - 1];
                addTo(dU, times(transpose(da), x[t]));
                addTo(dW, times(transpose(da), makes("recurrent-gradient-with-h-t") ? h[t] : previous));
                if (makes("bias-gradient-overwritten")) {
                    db = columnSums(da);
                } else if (!makes("hidden-bias-gradient-lost")) {
                    addTo(db, columnSums(da));
                }
                if (!makes("input-gradient-not-propagated")) {
                    double[][] dxt = times(da, u);
                    for (int s = 0; s < n; s++) {
                        put(dx, dxt[s], s, t);
                    }
                }
                recurrent = times(da, makes("w-instead-of-w-transposed") ? transpose(w) : w);
                for (int s = 0; s < n; s++) {
                    for (int i = 0; i < hidden; i++) {
                        carried[s][i] = (1 - m[t][s]) * dh[s][i];
                    }
                }
            }
            Tensor dh0 = Tensor.zeros(n, hidden);
            double[][] toInitial = plus(recurrent, carried);
            for (int s = 0; s < n; s++) {
                put(dh0, toInitial[s], s);
            }
            Map<String, Tensor> gradients = new LinkedHashMap<>();
            gradients.put(ParameterNames.U, tensor(dU));
            gradients.put(ParameterNames.W, tensor(dW));
            if (spec.biases()) {
                gradients.put(ParameterNames.B, Tensor.of(db, hidden));
            }
            gradients.put(ParameterNames.V, tensor(dV));
            if (spec.biases()) {
                gradients.put(ParameterNames.C, Tensor.of(dc, k));
            }
            return new GradientResult(summedLoss / divisor, new Parameters(gradients), dx, dh0, dhAll);
        }

        private double derivative(double preActivation, double output) {
            Activation f = spec.activation();
            if (makes("tanh-derivative-1-minus-h") && f == Activation.TANH) {
                return 1 - output;
            }
            double at = makes("derivative-at-pre-activation") ? preActivation : output;
            return switch (f) {
                case TANH -> 1 - at * at;
                case SIGMOID -> at * (1 - at);
                case RELU -> output > 0 ? 1 : 0;
                case IDENTITY -> 1;
            };
        }

        private double[][] apply(double[][] preActivations) {
            double[][] out = new double[preActivations.length][preActivations[0].length];
            for (int s = 0; s < out.length; s++) {
                for (int i = 0; i < out[s].length; i++) {
                    out[s][i] = spec.activation().apply(preActivations[s][i]);
                }
            }
            return out;
        }

        private double crossEntropy(double[] o, double[] target) {
            if (spec.head() == Head.LAST_STEP_SIGMOID) {
                double z = o[0];
                double softplusMinus = Math.max(-z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
                return target[0] * softplusMinus + (1 - target[0]) * (softplusMinus + z);
            }
            double max = Double.NEGATIVE_INFINITY;
            for (double value : o) {
                max = Math.max(max, value);
            }
            double sum = 0;
            for (double value : o) {
                sum += Math.exp(value - max);
            }
            double loss = 0;
            for (int j = 0; j < o.length; j++) {
                loss -= target[j] * (o[j] - max - Math.log(sum));
            }
            return loss;
        }
    }

    private static double[] softmax(double[] o) {
        double max = Double.NEGATIVE_INFINITY;
        for (double value : o) {
            max = Math.max(max, value);
        }
        double[] e = new double[o.length];
        double sum = 0;
        for (int j = 0; j < o.length; j++) {
            e[j] = Math.exp(o[j] - max);
            sum += e[j];
        }
        for (int j = 0; j < o.length; j++) {
            e[j] /= sum;
        }
        return e;
    }

    private static double[][] times(double[][] left, double[][] right) {
        double[][] product = new double[left.length][right[0].length];
        for (int i = 0; i < left.length; i++) {
            for (int l = 0; l < right.length; l++) {
                for (int j = 0; j < right[0].length; j++) {
                    product[i][j] += left[i][l] * right[l][j];
                }
            }
        }
        return product;
    }

    private static double[][] transpose(double[][] matrix) {
        double[][] transposed = new double[matrix[0].length][matrix.length];
        for (int i = 0; i < matrix.length; i++) {
            for (int j = 0; j < matrix[0].length; j++) {
                transposed[j][i] = matrix[i][j];
            }
        }
        return transposed;
    }

    private static double[][] plus(double[][] left, double[][] right) {
        double[][] sum = copy(left);
        addTo(sum, right);
        return sum;
    }

    private static double[][] plusRow(double[][] matrix, double[] row) {
        double[][] sum = copy(matrix);
        for (double[] r : sum) {
            for (int j = 0; j < r.length; j++) {
                r[j] += row[j];
            }
        }
        return sum;
    }

    private static double[][] copy(double[][] matrix) {
        double[][] copy = new double[matrix.length][];
        for (int i = 0; i < matrix.length; i++) {
            copy[i] = matrix[i].clone();
        }
        return copy;
    }

    private static void addTo(double[][] target, double[][] values) {
        for (int i = 0; i < target.length; i++) {
            addTo(target[i], values[i]);
        }
    }

    private static void addTo(double[] target, double[] values) {
        for (int j = 0; j < target.length; j++) {
            target[j] += values[j];
        }
    }

    private static double[] columnSums(double[][] matrix) {
        double[] sums = new double[matrix[0].length];
        for (double[] row : matrix) {
            addTo(sums, row);
        }
        return sums;
    }

    private static double[][] matrix(Tensor tensor) {
        double[][] matrix = new double[tensor.size(0)][tensor.size(1)];
        for (int i = 0; i < matrix.length; i++) {
            for (int j = 0; j < matrix[i].length; j++) {
                matrix[i][j] = tensor.get(i, j);
            }
        }
        return matrix;
    }

    private static Tensor tensor(double[][] matrix) {
        Tensor tensor = Tensor.zeros(matrix.length, matrix[0].length);
        for (int i = 0; i < matrix.length; i++) {
            for (int j = 0; j < matrix[i].length; j++) {
                tensor.set(matrix[i][j], i, j);
            }
        }
        return tensor;
    }

    /** The vector along the last dimension at the leading {@code index}. */
    private static double[] slice(Tensor tensor, int... index) {
        double[] values = new double[tensor.size(tensor.rank() - 1)];
        int[] full = java.util.Arrays.copyOf(index, tensor.rank());
        for (int j = 0; j < values.length; j++) {
            full[tensor.rank() - 1] = j;
            values[j] = tensor.get(full);
        }
        return values;
    }

    private static void put(Tensor tensor, double[] values, int... index) {
        int[] full = java.util.Arrays.copyOf(index, tensor.rank());
        for (int j = 0; j < values.length; j++) {
            full[tensor.rank() - 1] = j;
            tensor.set(values[j], full);
        }
    }
}
