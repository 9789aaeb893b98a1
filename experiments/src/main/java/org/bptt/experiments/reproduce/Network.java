package org.bptt.experiments.reproduce;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.bptt.api.Activation;
import org.bptt.api.Cell;
import org.bptt.api.CellOptions;
import org.bptt.api.DataType;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterDeclaration;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.bptt.core.cases.CaseGenerator;
import org.bptt.core.cases.CaseGenerator.Rescaling;
import org.bptt.core.cases.WeightInit;
import org.bptt.datasets.SequenceTask;

/**
 * A network of a reproduction: its cell, its activation and how its weights are drawn, each with where it comes from.
 * The Pascanu et al. initialisations are those of their code, github.com/pascanur/trainingRNNs at commit 3f5df3f,
 * {@code RNN.py}; their {@code W_hh} multiplies h from the right ({@code TT.dot(h_tm1, W_hh)}, line 158), so it is our
 * W transposed, which leaves its spectral radius unchanged.
 */
public enum Network {

    /** RNN.py lines 95-104: sigmoid units, U, W, V ~ N(0, 0.01²), biases 0. */
    SIGMOID("sigmoid", Cell.ELMAN, Activation.SIGMOID, "RNN.py lines 95-104 (init 'sigmoid'): U, W, V ~ N(0, 0.01²), biases 0"),
    /** RNN.py lines 115-124: tanh units, U, W, V ~ N(0, 0.1²), biases 0. */
    BASIC_TANH("basic-tanh", Cell.ELMAN, Activation.TANH, "RNN.py lines 115-124 (init 'basic_tanh'): U, W, V ~ N(0, 0.1²), biases 0"),
    /**
     * RNN.py lines 125-140: tanh units, U, V ~ N(0, 0.01²), W ~ N(0, 0.01²) with all but 15 entries of each of
     * their rows (our columns) set to zero, then rescaled to spectral radius 0.95; biases 0.
     */
    SMART_TANH("smart-tanh", Cell.ELMAN, Activation.TANH,
            "RNN.py lines 125-140 (init 'smart_tanh'): U, V ~ N(0, 0.01²); W ~ N(0, 0.01²), 15 non-zero per row, rescaled to spectral radius 0.95; biases 0"),
    /** A tanh Elman network with Xavier weights: our choice where a paper does not state its initialisation. */
    TANH("tanh", Cell.ELMAN, Activation.TANH, "ours: Xavier-uniform U, W, V; biases uniform on (-0.1, 0.1)"),
    /** ReLU units with the identity recurrent matrix (Le, Jaitly & Hinton 2015, the IRNN). */
    IRNN("irnn", Cell.ELMAN, Activation.RELU,
            "Le et al. 2015, abstract: ReLU units, W initialised to the identity; U, V ~ N(0, 0.001²) as in "
                    + "Knet.jl's reproduction (github.com/denizyuret/Knet.jl@8622c76 examples/adding.jl line 173); "
                    + "biases 0 ours"),
    /** An LSTM with Xavier weights: our choice (the cell of Gers et al., with a forget gate). */
    LSTM("lstm", Cell.LSTM, Activation.TANH, "ours: Xavier-uniform weights; biases uniform on (-0.1, 0.1); forget gate of Gers et al. 2000"),
    /**
     * The LSTM of Hochreiter &amp; Schmidhuber 1997: input and output gates and no forget gate, f ≡ 1 (the forget
     * gate is Gers et al. 2000's). The harness's LSTM gets it without a cell of its own: U_f = W_f = 0 and
     * b_f = {@value #NO_FORGETTING_BIAS}, so f = σ(b_f) rounds to exactly 1 in double precision, c_t = c_{t-1} +
     * i_t ⊙ g_t, and f(1 − f) = 0 makes the gradients of U_f, W_f and b_f exactly zero: SGD never moves them. It runs
     * on every plugin with an LSTM. The other weights and biases are drawn as their adding experiment draws them
     * (Section 5.4, "State drift versus initial bias"): uniform on [−0.1, 0.1], except the input gates' biases, −3.0
     * for the first block of cells and −6.0 for the second (our first and second half of the units). Our choices,
     * where the paper's cell differs: g and the cell output are tanh (the paper's g ranges over [−2, 2] and its h
     * over [−1, 1]), each unit has its own gates (the paper's memory blocks of size 2 share them), and the gradient
     * is full BPTT (the paper truncates it at the cells' inputs).
     */
    LSTM_1997("lstm-1997", Cell.LSTM, Activation.TANH, "Hochreiter & Schmidhuber 1997: no forget gate (f ≡ 1: U_f = W_f = 0, "
            + "b_f = 50, σ(50) = 1 exactly in double precision); Section 5.4: weights and biases uniform on [-0.1, 0.1], "
            + "input gate biases -3.0 (first half of the units) and -6.0 (second half); ours: tanh squashing, one gate "
            + "per unit, full BPTT");

    /** The range of the 1997 LSTM's initial weights, [−0.1, 0.1] (Hochreiter &amp; Schmidhuber 1997, Section 5.4). */
    static final double LSTM_1997_WEIGHT_RANGE = 0.1;
    /** The 1997 LSTM's input gate biases of the first and the second block (Section 5.4). */
    static final double[] LSTM_1997_INPUT_GATE_BIASES = {-3.0, -6.0};

    /**
     * b_f of {@link #LSTM_1997}: σ(b) = 1/(1 + e^(−b)) rounds to 1 once e^(−b) is below half an ulp of 1 (b &gt; 36.8);
     * 50 leaves room for a plugin that computes σ another way, e.g. as (1 + tanh(b/2))/2.
     */
    static final double NO_FORGETTING_BIAS = 50;

    /** How many entries of each of their W_hh rows smart_tanh keeps (RNN.py line 132: spng[15:] set to zero). */
    static final int SMART_TANH_NON_ZERO = 15;
    /** The spectral radius smart_tanh rescales W to (RNN.py line 134). */
    static final double SMART_TANH_RADIUS = 0.95;

    private final String id;
    private final Cell cell;
    private final Activation activation;
    private final String source;

    Network(String id, Cell cell, Activation activation, String source) {
        this.id = id;
        this.cell = cell;
        this.activation = activation;
        this.source = source;
    }

    /** A short, file-name-safe name. */
    public String id() {
        return id;
    }

    /** Where the cell, activation and initialisation come from. */
    public String source() {
        return source;
    }

    /** The network for {@code task}: its d, K and head, H hidden units, biases, the loss averaged over the batch. */
    public ModelSpec spec(SequenceTask task, int hiddenSize) {
        CellOptions options = cell == Cell.LSTM ? CellOptions.lstm(false, false) : CellOptions.NONE;
        return new ModelSpec(cell, options, task.inputSize(), hiddenSize, task.outputSize(), activation, task.head(),
                true, LossReduction.MEAN_OVER_BATCH, DataType.FLOAT64);
    }

    /**
     * The initial weights of {@code spec}.
     *
     * @param random Modified: advanced by the draws
     */
    public Parameters initialise(ModelSpec spec, SplittableRandom random) {
        return switch (this) {
            case SIGMOID -> gaussian(spec, 0.01, 0.01, random);
            case BASIC_TANH -> gaussian(spec, 0.1, 0.1, random);
            case SMART_TANH -> smartTanh(spec, random);
            case IRNN -> identity(spec, random);
            case TANH, LSTM -> xavier(spec, random);
            case LSTM_1997 -> lstm1997(spec, random);
        };
    }

    private static Parameters lstm1997(ModelSpec spec, SplittableRandom random) {
        int h = spec.hiddenSize();
        Map<String, Tensor> tensors = new HashMap<>();
        for (ParameterDeclaration declaration : spec.parameters()) {
            Tensor value = Tensor.zeros(declaration.shape());
            double[] data = value.data();
            for (int i = 0; i < data.length; i++) {
                data[i] = LSTM_1997_WEIGHT_RANGE * (2 * random.nextDouble() - 1);
            }
            tensors.put(declaration.name(), value);
        }
        Tensor inputGateBias = tensors.get(ParameterNames.B_I);
        for (int unit = 0; unit < h; unit++) {
            inputGateBias.set(LSTM_1997_INPUT_GATE_BIASES[unit < (h + 1) / 2 ? 0 : 1], unit);
        }
        tensors.put(ParameterNames.U_F, Tensor.zeros(h, spec.inputSize()));
        tensors.put(ParameterNames.W_F, Tensor.zeros(h, h));
        tensors.put(ParameterNames.B_F, constant(h, NO_FORGETTING_BIAS));
        return new Parameters(tensors);
    }

    private static Parameters xavier(ModelSpec spec, SplittableRandom random) {
        return CaseGenerator.parameters(spec, new CaseGenerator.Options(WeightInit.XAVIER, Rescaling.NONE, 1.0), random);
    }

    private static Tensor constant(int size, double value) {
        Tensor tensor = Tensor.zeros(size);
        java.util.Arrays.fill(tensor.data(), value);
        return tensor;
    }

    /** Every matrix N(0, σ²) (W with σ_W), every bias zero. */
    static Parameters gaussian(ModelSpec spec, double sigma, double recurrentSigma, SplittableRandom random) {
        Map<String, Tensor> tensors = new HashMap<>();
        for (ParameterDeclaration declaration : spec.parameters()) {
            int[] shape = declaration.shape();
            Tensor value = Tensor.zeros(shape);
            if (shape.length == 2) {
                double scale = declaration.name().equals(ParameterNames.W) ? recurrentSigma : sigma;
                double[] data = value.data();
                for (int i = 0; i < data.length; i++) {
                    data[i] = scale * random.nextGaussian();
                }
            }
            tensors.put(declaration.name(), value);
        }
        return new Parameters(tensors);
    }

    private static Parameters smartTanh(ModelSpec spec, SplittableRandom random) {
        Parameters drawn = gaussian(spec, 0.01, 0.01, random);
        int h = spec.hiddenSize();
        Tensor w = drawn.get(ParameterNames.W);
        for (int from = 0; from < h; from++) {
            // their row `from` of W_hh is our column `from`: keep SMART_TANH_NON_ZERO entries at random places
            int[] order = permutation(h, random);
            for (int i = Math.min(SMART_TANH_NON_ZERO, h); i < h; i++) {
                w.set(0.0, order[i], from);
            }
        }
        double radius = CaseGenerator.spectralRadius(w);
        double[] data = w.data();
        for (int i = 0; i < data.length; i++) {
            data[i] *= SMART_TANH_RADIUS / radius;
        }
        return drawn;
    }

    private static Parameters identity(ModelSpec spec, SplittableRandom random) {
        Parameters drawn = gaussian(spec, 0.001, 0.0, random);
        Tensor w = drawn.get(ParameterNames.W);
        for (int i = 0; i < spec.hiddenSize(); i++) {
            w.set(1.0, i, i);
        }
        return drawn;
    }

    /** A uniform random permutation of 0 … n − 1 (Fisher-Yates). */
    private static int[] permutation(int n, SplittableRandom random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    /** The network called {@code id}. */
    public static Network byId(String id) {
        for (Network network : values()) {
            if (network.id.equals(id)) {
                return network;
            }
        }
        throw new org.bptt.api.InvalidInputException("unknown network '" + id + "'");
    }
}
