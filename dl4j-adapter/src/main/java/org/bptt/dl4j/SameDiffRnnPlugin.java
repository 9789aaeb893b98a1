package org.bptt.dl4j;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bptt.api.Batch;
import org.bptt.api.Capability;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.PluginInfo;
import org.bptt.api.Quantity;
import org.bptt.api.RnnImplementation;
import org.bptt.api.Tensor;
import org.nd4j.autodiff.loss.LossReduce;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A SameDiff recurrent operation of {@code nd4j-api} behind the harness SPI, run by the same {@code nd4j-native}
 * backend as the DL4J layers (no second native backend): {@link SameDiffGru} ({@code samediff-gru}, op {@code gru})
 * and {@link SameDiffLstm} ({@code samediff-lstm}, op {@code lstmLayer}).
 *
 * <h2>The graph</h2>
 * One SameDiff graph holds the whole model: the operation computes h_t from the inputs, the initial state(s) and its
 * packed weights ({@link SameDiffPacking}); the head is written in SameDiff operations on top,
 * <pre>
 *   o = h Vᵀ + c                                  (every step, [B·T, K]; Vᵀ is the variable)
 *   softmax heads:  J = −Σ_k target_k · log softmax(o)_k,            y = softmax(o)
 *   sigmoid head:   J = −target · log σ(o) − (1 − target) · log(1 − σ(o)),   y = sigmoid(o)
 *   L = Σ_{b,t} w_bt · J_bt
 * </pre>
 * by SameDiff's own losses, {@code softmaxCrossEntropy} and {@code sigmoidCrossEntropy} on the logits, with the
 * weights w, {@code LossReduce.SUM} and no label smoothing. The term weights are {@code w_bt = 1/D} at the steps
 * that have a loss term (every unmasked step for the per-step head, each sequence's last unmasked step for the
 * last-step heads; D the reduction's divisor) and 0 elsewhere. Padded
 * steps come after every real one, so they reach no loss term and need no mask in the operation. Every gradient, of
 * the weights, the inputs and the initial states, comes from SameDiff's {@code calculateGradients}: the operation's
 * own backward op ({@code gru_bp}, {@code lstmLayer_bp}) and SameDiff's differentiation of the head.
 *
 * <p>Inputs, initial states and weights are variables (so that their gradients exist); targets and term weights are
 * placeholders. Graphs are cached per model and batch shape (spec, B, T); each call sets the variables' arrays.
 * Calls must come one at a time, as the SPI promises.
 */
abstract class SameDiffRnnPlugin implements RnnImplementation {

    private static final int MAX_CACHED_GRAPHS = 16;
    static final String INPUTS = "x";
    static final String INITIAL_STATE = "h0";
    static final String INITIAL_CELL_STATE = "c0";
    static final String INPUT_WEIGHTS = "Wx";
    static final String RECURRENT_WEIGHTS = "Wr";
    static final String BIAS = "b";
    static final String PEEPHOLES = "Wp";
    /** Vᵀ, {@code [H, K]}. */
    private static final String OUTPUT_WEIGHTS = "Vt";
    private static final String OUTPUT_BIAS = "c";
    private static final String TARGETS = "targets";
    private static final String TERM_WEIGHTS = "termWeights";
    private static final String HIDDEN = "h";
    private static final String OUTPUTS = "y";
    private static final String LOSS = "loss";

    /** What both plugins can do, whatever their operation. */
    static final Set<Capability> COMMON_CAPABILITIES = EnumSet.of(
            Capability.PER_STEP_SOFTMAX, Capability.LAST_STEP_SOFTMAX, Capability.LAST_STEP_SIGMOID,
            Capability.BIASES, Capability.NO_BIASES, Capability.MASKS, Capability.FLOAT64, Capability.FLOAT32,
            Capability.INITIAL_STATE, Capability.HIDDEN_STATES, Capability.INPUT_GRADIENTS,
            Capability.INITIAL_STATE_GRADIENTS);

    private final PluginInfo info;
    private final Set<Capability> capabilities;

    private record GraphKey(ModelSpec spec, int batchSize, int steps) {
    }

    /** Built graphs by model and batch shape, least recently used first. */
    private final Map<GraphKey, SameDiff> graphs = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<GraphKey, SameDiff> eldest) {
            return size() > MAX_CACHED_GRAPHS;
        }
    };

    /**
     * @param id           the plugin id
     * @param opName       the SameDiff operation, e.g. {@code lstmLayer}
     * @param capabilities {@link #COMMON_CAPABILITIES} and the cells (and options) this operation computes
     */
    SameDiffRnnPlugin(String id, String opName, Set<Capability> capabilities) {
        this.info = new PluginInfo(id, "Deeplearning4j SameDiff " + opName, Dl4jRnnPlugin.dl4jVersion(),
                "Eclipse Deeplearning4j (adapter: bptt-harness)", "SameDiff's " + opName + " operation (nd4j-api) with"
                        + " the head and loss in SameDiff operations, gradients from calculateGradients, on the"
                        + " harness's weights");
        this.capabilities = EnumSet.copyOf(capabilities);
    }

    /** {@link #COMMON_CAPABILITIES} and {@code specific} ones. */
    static Set<Capability> withCommonCapabilities(Capability... specific) {
        Set<Capability> all = EnumSet.copyOf(COMMON_CAPABILITIES);
        all.addAll(List.of(specific));
        return all;
    }

    /**
     * Adds the recurrent operation to {@code sd}: from the variables {@link #INPUTS} {@code [B, T, d]},
     * {@link #INITIAL_STATE} {@code [B, H]} (and {@link #INITIAL_CELL_STATE} for a cell with a cell state) and the
     * packed weights ({@link #INPUT_WEIGHTS}, {@link #RECURRENT_WEIGHTS}, {@link #BIAS}, and {@link #PEEPHOLES} for a
     * model with peepholes), it returns the hidden states {@code [B, T, H]}.
     */
    abstract SDVariable hiddenStates(SameDiff sd, ModelSpec spec, Map<String, SDVariable> variables);

    @Override
    public PluginInfo info() {
        return info;
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.copyOf(capabilities);
    }

    @Override
    public ForwardResult forward(ModelSpec spec, Parameters parameters, Batch batch) {
        requireSupported(spec, parameters, batch);
        DataType type = Dl4jNetwork.nd4jType(spec.dataType());
        Dl4jRnnPlugin.DefaultDataTypes previousTypes = Dl4jRnnPlugin.DefaultDataTypes.use(type);
        try {
            SameDiff sd = graph(spec, batch);
            setVariables(sd, spec, parameters, batch, type);
            Map<String, INDArray> results = sd.output(placeholders(spec, batch, type), HIDDEN, OUTPUTS, LOSS);
            Tensor hiddenStates = Tensor.of(Dl4jLayout.rowMajorDoubles(results.get(HIDDEN)), batch.batchSize(),
                    batch.steps(), spec.hiddenSize());
            Tensor perStep = Tensor.of(Dl4jLayout.rowMajorDoubles(results.get(OUTPUTS)), batch.batchSize(),
                    batch.steps(), spec.outputSize());
            return new ForwardResult(hiddenStates, headOutputs(spec, perStep, batch),
                    results.get(LOSS).getDouble(0));
        } finally {
            previousTypes.restore();
        }
    }

    @Override
    public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
        requireSupported(spec, parameters, batch);
        DataType type = Dl4jNetwork.nd4jType(spec.dataType());
        Dl4jRnnPlugin.DefaultDataTypes previousTypes = Dl4jRnnPlugin.DefaultDataTypes.use(type);
        try {
            SameDiff sd = graph(spec, batch);
            setVariables(sd, spec, parameters, batch, type);
            List<String> variables = new ArrayList<>(variableNames(spec));
            OutAndGrad result = sd.calculateGradientsAndOutputs(placeholders(spec, batch, type), List.of(LOSS), variables);
            Map<String, INDArray> gradients = result.getGradients();
            SameDiffPacking.Packed packedGradients = new SameDiffPacking.Packed(
                    matrix(gradients.get(INPUT_WEIGHTS)), matrix(gradients.get(RECURRENT_WEIGHTS)),
                    Dl4jLayout.vector(gradients.get(BIAS)),
                    spec.cellOptions().peepholes() ? Dl4jLayout.vector(gradients.get(PEEPHOLES)) : null);
            Map<String, Tensor> byName = new HashMap<>(SameDiffPacking.unpackGradients(spec, packedGradients));
            byName.put(ParameterNames.V, Dl4jLayout.transposedTensor(gradients.get(OUTPUT_WEIGHTS)));
            if (spec.biases()) {
                byName.put(ParameterNames.C, Dl4jLayout.vector(gradients.get(OUTPUT_BIAS)));
            }
            Parameters parameterGradients = Parameters.of(spec, declaration -> byName.get(declaration.name()));
            Tensor inputGradients = Tensor.of(Dl4jLayout.rowMajorDoubles(gradients.get(INPUTS)), batch.batchSize(),
                    batch.steps(), spec.inputSize());
            Tensor initialStateGradients = matrix(gradients.get(INITIAL_STATE));
            Tensor initialCellStateGradients = spec.cell().hasCellState()
                    ? matrix(gradients.get(INITIAL_CELL_STATE)) : null;
            return new GradientResult(result.getOutputs().get(LOSS).getDouble(0), parameterGradients, inputGradients,
                    initialStateGradients, null, initialCellStateGradients);
        } finally {
            previousTypes.restore();
        }
    }

    /**
     * True for the quantities that the operation's backward op produces: the cell's parameter gradients, dL/dx,
     * dL/dh_{-1} and dL/dc_{-1} (the head's dL/dV and dL/dc come from SameDiff's differentiation of the head alone).
     */
    static boolean fromBackwardOp(ModelSpec spec, Quantity quantity) {
        if (quantity.equals(Quantity.INPUT_GRADIENTS) || quantity.equals(Quantity.INITIAL_STATE_GRADIENTS)
                || quantity.equals(Quantity.INITIAL_CELL_STATE_GRADIENTS)) {
            return true;
        }
        return spec.cell().parameters(spec).stream()
                .anyMatch(declaration -> Quantity.gradientOf(declaration.name()).equals(quantity));
    }

    private SameDiff graph(ModelSpec spec, Batch batch) {
        return graphs.computeIfAbsent(new GraphKey(spec, batch.batchSize(), batch.steps()),
                key -> buildGraph(spec, batch.batchSize(), batch.steps()));
    }

    /** The variables whose gradients are asked for: the inputs, the initial state(s) and every weight. */
    private static List<String> variableNames(ModelSpec spec) {
        List<String> names = new ArrayList<>(List.of(INPUTS, INITIAL_STATE));
        if (spec.cell().hasCellState()) {
            names.add(INITIAL_CELL_STATE);
        }
        names.addAll(List.of(INPUT_WEIGHTS, RECURRENT_WEIGHTS, BIAS));
        if (spec.cellOptions().peepholes()) {
            names.add(PEEPHOLES);
        }
        names.add(OUTPUT_WEIGHTS);
        if (spec.biases()) {
            names.add(OUTPUT_BIAS);
        }
        return names;
    }

    private SameDiff buildGraph(ModelSpec spec, int batchSize, int steps) {
        DataType type = Dl4jNetwork.nd4jType(spec.dataType());
        int h = spec.hiddenSize();
        int k = spec.outputSize();
        int columns = SameDiffPacking.gates(spec).size() * h;
        SameDiff sd = SameDiff.create();
        Map<String, SDVariable> variables = new HashMap<>();
        variables.put(INPUTS, sd.var(INPUTS, type, batchSize, steps, spec.inputSize()));
        variables.put(INITIAL_STATE, sd.var(INITIAL_STATE, type, batchSize, h));
        if (spec.cell().hasCellState()) {
            variables.put(INITIAL_CELL_STATE, sd.var(INITIAL_CELL_STATE, type, batchSize, h));
        }
        variables.put(INPUT_WEIGHTS, sd.var(INPUT_WEIGHTS, type, spec.inputSize(), columns));
        variables.put(RECURRENT_WEIGHTS, sd.var(RECURRENT_WEIGHTS, type, h, columns));
        variables.put(BIAS, sd.var(BIAS, type, columns));
        if (spec.cellOptions().peepholes()) {
            variables.put(PEEPHOLES, sd.var(PEEPHOLES, type, SameDiffPacking.LSTM_PEEPHOLES.size() * h));
        }
        SDVariable hidden = sd.identity(HIDDEN, hiddenStates(sd, spec, variables));
        // Vᵀ is the variable, not V with mmul's transpose flag: the gradient of a transposed mmul is wrong when the
        // product is [1, 1] (B = T = 1 with the sigmoid head; KNOWN_DIVERGENCES.md §10).
        SDVariable logits = sd.mmul(hidden.reshape(batchSize * steps, h), sd.var(OUTPUT_WEIGHTS, type, h, k));
        if (spec.biases()) {
            logits = logits.add(sd.var(OUTPUT_BIAS, type, k));
        }
        SDVariable targets = sd.placeHolder(TARGETS, type, batchSize * steps, k);
        SDVariable termWeights = sd.placeHolder(TERM_WEIGHTS, type, batchSize * steps, 1);
        SDVariable loss;
        if (spec.head() == Head.LAST_STEP_SIGMOID) {
            sd.nn().sigmoid(OUTPUTS, logits);
            loss = sd.loss().sigmoidCrossEntropy(LOSS, targets, logits, termWeights, LossReduce.SUM, 0.0);
        } else {
            sd.nn().softmax(OUTPUTS, logits, 1);
            // softmax_cross_entropy_loss takes one weight per row of its [B·T, K] labels: [B·T].
            loss = sd.loss().softmaxCrossEntropy(LOSS, targets, logits, termWeights.reshape(batchSize * steps),
                    LossReduce.SUM, 0.0);
        }
        sd.setLossVariables(loss);
        createGradientFunctionQuietly(sd);
        return sd;
    }

    /**
     * Builds {@code sd}'s gradient function now, with {@code System.out} silenced: SameDiff 1.0.0-M2.1 prints
     * "Added differentiated op …" to {@code System.out} for every operation it differentiates
     * ({@code SameDiff.createGradFunction}, unconditionally), which would interleave with the harness's console
     * output. The graph is cached, so this happens once per model and batch shape.
     */
    private static void createGradientFunctionQuietly(SameDiff sd) {
        synchronized (System.class) {
            PrintStream console = System.out;
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            try {
                sd.createGradFunction();
            } finally {
                System.setOut(console);
            }
        }
    }

    private void setVariables(SameDiff sd, ModelSpec spec, Parameters parameters, Batch batch, DataType type) {
        int b = batch.batchSize();
        int h = spec.hiddenSize();
        set(sd, INPUTS, batch.inputs(), type);
        set(sd, INITIAL_STATE, batch.initialState() != null ? batch.initialState() : Tensor.zeros(b, h), type);
        if (spec.cell().hasCellState()) {
            set(sd, INITIAL_CELL_STATE, batch.initialCellState() != null ? batch.initialCellState() : Tensor.zeros(b, h), type);
        }
        SameDiffPacking.Packed packed = SameDiffPacking.pack(spec, parameters);
        set(sd, INPUT_WEIGHTS, packed.inputWeights(), type);
        set(sd, RECURRENT_WEIGHTS, packed.recurrentWeights(), type);
        set(sd, BIAS, packed.bias(), type);
        if (packed.peepholes() != null) {
            set(sd, PEEPHOLES, packed.peepholes(), type);
        }
        sd.getVariable(OUTPUT_WEIGHTS).setArray(Dl4jLayout.transposed(parameters.get(ParameterNames.V), type));
        if (spec.biases()) {
            set(sd, OUTPUT_BIAS, parameters.get(ParameterNames.C), type);
        }
    }

    private static void set(SameDiff sd, String name, Tensor value, DataType type) {
        long[] shape = new long[value.rank()];
        for (int dimension = 0; dimension < shape.length; dimension++) {
            shape[dimension] = value.size(dimension);
        }
        sd.getVariable(name).setArray(Dl4jLayout.array(value.data().clone(), type, shape));
    }

    /**
     * Targets per step {@code [B·T, K]} (for the last-step heads the batch's target at each sequence's last step,
     * zero elsewhere) and term weights {@code [B·T, 1]}: 1/D where a loss term is, 0 elsewhere.
     */
    private static Map<String, INDArray> placeholders(ModelSpec spec, Batch batch, DataType type) {
        int b = batch.batchSize();
        int steps = batch.steps();
        int k = spec.outputSize();
        double divisor = spec.reduction().divisor(b, batch.lossTerms(spec.head()));
        double[] targets = new double[b * steps * k];
        double[] weights = new double[b * steps];
        for (int sequence = 0; sequence < b; sequence++) {
            int length = batch.length(sequence);
            for (int step = 0; step < length; step++) {
                int row = sequence * steps + step;
                if (spec.head() == Head.PER_STEP_SOFTMAX) {
                    weights[row] = 1 / divisor;
                    for (int output = 0; output < k; output++) {
                        targets[row * k + output] = batch.targets().get(sequence, step, output);
                    }
                } else if (step == length - 1) {
                    weights[row] = 1 / divisor;
                    for (int output = 0; output < k; output++) {
                        targets[row * k + output] = batch.targets().get(sequence, output);
                    }
                }
            }
        }
        return Map.of(TARGETS, Dl4jLayout.array(targets, type, b * steps, k),
                TERM_WEIGHTS, Dl4jLayout.array(weights, type, b * steps, 1));
    }

    /** Per-step heads report every step's output; last-step heads the output at each sequence's last step. */
    private static Tensor headOutputs(ModelSpec spec, Tensor perStep, Batch batch) {
        if (spec.head() == Head.PER_STEP_SOFTMAX) {
            return perStep;
        }
        int k = spec.outputSize();
        Tensor lastStep = Tensor.zeros(batch.batchSize(), k);
        for (int sequence = 0; sequence < batch.batchSize(); sequence++) {
            for (int output = 0; output < k; output++) {
                lastStep.set(perStep.get(sequence, batch.length(sequence) - 1, output), sequence, output);
            }
        }
        return lastStep;
    }

    private static Tensor matrix(INDArray array) {
        return Tensor.of(Dl4jLayout.rowMajorDoubles(array), Math.toIntExact(array.size(0)), Math.toIntExact(array.size(1)));
    }

    private void requireSupported(ModelSpec spec, Parameters parameters, Batch batch) {
        Set<Capability> lacking = EnumSet.noneOf(Capability.class);
        lacking.addAll(Capability.requiredBy(spec, batch));
        lacking.removeAll(capabilities);
        if (!lacking.isEmpty()) {
            throw new UnsupportedOperationException(info.id() + ": the model " + spec.label() + " needs " + lacking
                    + ", which SameDiff's operation does not have");
        }
        parameters.validate(spec);
        batch.validate(spec);
    }
}
