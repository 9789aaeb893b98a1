package org.bptt.dl4j;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import org.bptt.api.Batch;
import org.bptt.api.Capability;
import org.bptt.api.Combine;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterDeclaration;
import org.bptt.api.ParameterName;
import org.bptt.api.Parameters;
import org.bptt.api.PluginInfo;
import org.bptt.api.Quantity;
import org.bptt.api.RnnImplementation;
import org.bptt.api.Tensor;
import org.bptt.api.Truncation;
import org.bptt.api.WrongComputation;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A Deeplearning4j recurrent layer behind the harness SPI: the library under test, run on the harness's weights.
 * The plugins are its subclasses, one per DL4J layer ({@link Dl4jRecurrentLayer}): {@link Dl4jSimpleRnn}
 * ({@code dl4j}), {@link Dl4jLstm} ({@code dl4j-lstm}) and {@link Dl4jGravesLstm} ({@code dl4j-graves-lstm}).
 *
 * <h2>The network</h2>
 * The recurrent layer computes h_t from x_t and h_{t-1} (and the LSTMs' c_{t-1}) on row vectors, from
 * h_{-1} = 0 (and c_{-1} = 0), then an {@code RnnOutputLayer} computes {@code y_t = softmax(h_t · Vᵀ + c)} (MCXENT
 * loss) or, for the sigmoid head, {@code sigmoid(…)} with K = 1 (binary XENT loss). See {@link Dl4jNetwork} and
 * {@link Dl4jRecurrentLayer} for the parameter mapping.
 *
 * <p><b>Stacked and bidirectional networks</b> ({@link Capability#STACKED}, every {@code BIDIRECTIONAL_*}) stack L
 * such layers, each inside DL4J's {@code Bidirectional} wrapper for a bidirectional network, in the mode of the
 * topology's combine; {@link Dl4jStackedNetwork} builds them and maps the naming scheme's {@code l<k>.[reverse.]}
 * parameters to DL4J's keys. The hidden states reported are the top layer's directions side by side; where DL4J's
 * wrapper combines them (sum, mean, product), they come from the same network with its top wrapper concatenating.
 * DL4J refuses truncated BPTT for bidirectional layers, and so does {@link Truncation#requireDefinedFor}.
 *
 * <p><b>Last-step heads</b> use the same {@code RnnOutputLayer} with a label mask that is 1 only at each
 * sequence's last unmasked step ({@link Dl4jBatch}), rather than {@code LastTimeStep(…)} + {@code OutputLayer}:
 * the loss and its gradient are the same, but this way layer 0's activations still hold every h_t (LastTimeStep
 * would return only the last one) and masks work unchanged. The output reported is the output layer's value at
 * that last step.
 *
 * <h2>Loss convention</h2>
 * DL4J's score is S = (1/B) Σ_b Σ_t J(b, t) over the label-masked terms, and its gradients are those of
 * Σ_b Σ_t J(b, t) (the division by B happens later, in the updater). With D the spec's divisor
 * ({@link org.bptt.api.LossReduction#divisor}): L = S · B / D and dL/dθ = (DL4J's gradient) / D; the same for dL/dx.
 * DL4J clamps probabilities in the score (MCXENT to [1e-10, 1 − 1e-10], XENT to [1e-5, 1 − 1e-5], XENT's gradient
 * too), so cases with saturated outputs differ from the exact loss; {@link #knownDivergence} declares where.
 *
 * <h2>Without biases</h2>
 * NO_BIASES is the exact model without bias vectors, built from what DL4J has: none of its recurrent layers
 * (1.0.0-M2.1) has a {@code hasBias} option, and an {@code RnnOutputLayer} built with {@code hasBias(false)} crashes
 * in its forward pass (a DL4J bug, KNOWN_DIVERGENCES.md §4). So both biases are set to zero before every call and
 * their gradients are discarded: nothing trains them, and adding zero is exact. See {@link Dl4jNetwork}.
 *
 * <h2>Known divergences</h2>
 * {@link #knownDivergence} declares, with {@link Dl4jKnownDivergences#explain}, the documented differences from the
 * exact values (KNOWN_DIVERGENCES.md): dL/dx of last-step heads with a mask (a DL4J bug); in truncated BPTT the
 * recurrent layer's gradients (partly a DL4J bug, partly differences of definition) and, for per-step heads with
 * k2 &lt; k1, dL/dV, dL/dc (a difference of definition); every quantity of a bidirectional LSTM network with a mask
 * that shortens a sequence (a DL4J bug: the wrapped LSTMs never get the mask); and the losses when DL4J's loss function clamps a saturated
 * probability (a difference of definition). Each explanation says which applies, and is decided from the arguments
 * of the call alone.
 *
 * <h2>A given initial state</h2>
 * INITIAL_STATE (and INITIAL_CELL_STATE), one-layer forward networks outside {@code LastTimeStep}: a given h_{-1}
 * (c_{-1}) is set as the recurrent layer's stored state, which the forward pass reads, so h, y, the loss and the output
 * layer's gradients are exact; but {@code MultiLayerNetwork.computeGradientAndScore} backpropagates through each
 * recurrent layer's {@code backpropGradient}, which recomputes the forward pass from zero, and
 * {@code calculateGradients}' dL/dx starts from zero: a known divergence, modelled (KNOWN_DIVERGENCES.md §3, §7). A
 * stacked or bidirectional network with a given state is declined ({@link org.bptt.api.DocumentedLimitException}).
 * DL4J exposes neither dL/dh_{-1} nor dL/dc_{-1}, nor dL/dh_t, nor the cell states c_t.
 *
 * <p>One instance caches its networks (one per structure and truncation) and keeps nothing else between calls; calls
 * must come one at a time, as the SPI promises. Every call leaves no masks and no stored RNN state behind.
 */
abstract class Dl4jRnnPlugin implements RnnImplementation {

    /** The DL4J version this adapter was written and tested against; reported when the jar does not say. */
    static final String TESTED_DL4J_VERSION = "1.0.0-M2.1";
    private static final int MAX_CACHED_NETWORKS = 16;

    /** What every one of these plugins can do, whatever its recurrent layer. */
    static final Set<Capability> COMMON_CAPABILITIES = EnumSet.of(
            Capability.PER_STEP_SOFTMAX, Capability.LAST_STEP_SOFTMAX, Capability.LAST_STEP_SIGMOID,
            Capability.BIASES, Capability.NO_BIASES, Capability.MASKS, Capability.FLOAT64, Capability.FLOAT32,
            Capability.HIDDEN_STATES, Capability.INPUT_GRADIENTS, Capability.TRUNCATED_BPTT, Capability.STACKED,
            Capability.BIDIRECTIONAL_CONCAT, Capability.BIDIRECTIONAL_SUM, Capability.BIDIRECTIONAL_MEAN,
            Capability.BIDIRECTIONAL_PRODUCT);

    private final Dl4jRecurrentLayer recurrentLayer;
    private final boolean lastTimeStep;
    private final PluginInfo info;
    private final Set<Capability> capabilities;

    /** Built networks by structure, least recently used first. */
    private final Map<Dl4jStackedNetwork.Key, MultiLayerNetwork> networks = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Dl4jStackedNetwork.Key, MultiLayerNetwork> eldest) {
            return size() > MAX_CACHED_NETWORKS;
        }
    };

    /**
     * @param recurrentLayer the DL4J layer computing the recurrence
     * @param id             the plugin id
     * @param name           the plugin's name, e.g. {@code Deeplearning4j SimpleRnn}
     * @param capabilities   {@link #COMMON_CAPABILITIES} and the cells (or activations) this layer computes
     */
    Dl4jRnnPlugin(Dl4jRecurrentLayer recurrentLayer, String id, String name, Set<Capability> capabilities) {
        this(recurrentLayer, id, name, capabilities, false);
    }

    /**
     * @param lastTimeStep true for a plugin of last-step heads only whose network reads them the way DL4J documents
     *                     it: the top recurrent layer inside {@code LastTimeStep}, then an {@code OutputLayer}
     *                     ({@link Dl4jStackedNetwork.Key#lastTimeStep}); its hidden states come from the same layers
     *                     without the wrapper
     */
    Dl4jRnnPlugin(Dl4jRecurrentLayer recurrentLayer, String id, String name, Set<Capability> capabilities,
                  boolean lastTimeStep) {
        this.recurrentLayer = recurrentLayer;
        this.lastTimeStep = lastTimeStep;
        this.info = new PluginInfo(id, name, dl4jVersion(), "Eclipse Deeplearning4j (adapter: bptt-harness)",
                "DL4J " + recurrentLayer.dl4jName() + (lastTimeStep ? " in LastTimeStep + OutputLayer"
                        : " + RnnOutputLayer") + " (MCXENT / XENT) in a MultiLayerNetwork, on the harness's weights");
        this.capabilities = EnumSet.copyOf(capabilities);
        if (!lastTimeStep) {
            // A given h_{-1} (c_{-1}) reaches DL4J as the recurrent layer's stored state (KNOWN_DIVERGENCES.md §3); the
            // LastTimeStep wrapper has no such path.
            this.capabilities.add(Capability.INITIAL_STATE);
            if (recurrentLayer != Dl4jRecurrentLayer.SIMPLE_RNN) {
                this.capabilities.add(Capability.INITIAL_CELL_STATE);
            }
        }
    }

    /** {@link #COMMON_CAPABILITIES} and {@code specific} ones. */
    static Set<Capability> withCommonCapabilities(Capability... specific) {
        Set<Capability> capabilities = EnumSet.copyOf(COMMON_CAPABILITIES);
        capabilities.addAll(List.of(specific));
        return capabilities;
    }

    /** The DL4J layer computing the recurrence. */
    Dl4jRecurrentLayer recurrentLayer() {
        return recurrentLayer;
    }

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
        ForwardPass pass = forwardPass(spec, parameters, batch);
        return new ForwardResult(pass.hiddenStates(), pass.outputs(), pass.loss());
    }

    /**
     * What DL4J's forward pass computes on these arguments.
     *
     * @param hiddenStates   h_t, {@code [B, T, H]}: the top layer's, its directions side by side before they are
     *                       combined ({@code [B, T, 2H]}) in a bidirectional network
     * @param headInputs     what the output layer reads: the top layer's output, {@code [B, T, H]} or
     *                       {@code [B, T, 2H]} when its directions are concatenated
     * @param perStepOutputs the output layer at every step, {@code [B, T, K]}
     * @param outputs        what the head reports ({@link #headOutputs})
     * @param loss           L from DL4J's score
     */
    private record ForwardPass(Tensor hiddenStates, Tensor headInputs, Tensor perStepOutputs, Tensor outputs,
                               double loss) {

        /** True when the loss or a reported output is NaN or infinite. */
        boolean nonFinite() {
            return !Double.isFinite(loss) || outputs.firstNonFinite() >= 0;
        }
    }

    /**
     * The forward pass of the last arguments: {@link #knownDivergence} is asked once per failed quantity of a case,
     * each time with the case's arguments, and reads DL4J's own outputs from the pass that {@link #forward} made of
     * them instead of running DL4J again per quantity.
     */
    private final LastCall<ForwardPass> lastForwardPass = new LastCall<>();

    private ForwardPass forwardPass(ModelSpec spec, Parameters parameters, Batch batch) {
        return lastForwardPass.get(spec, parameters, batch, () -> computeForwardPass(spec, parameters, batch));
    }

    private ForwardPass computeForwardPass(ModelSpec spec, Parameters parameters, Batch batch) {
        requireSupported(spec, parameters, batch);
        if (givenState(batch)) {
            return forwardPassFromGivenState(spec, parameters, batch);
        }
        DataType type = Dl4jNetwork.nd4jType(spec.dataType());
        DefaultDataTypes previousTypes = DefaultDataTypes.use(type);
        try {
            MultiLayerNetwork network = network(spec, parameters, null);
            Dl4jBatch data = Dl4jBatch.of(spec, batch, type);
            try {
                // activations: the input, then each layer's output; the top recurrent layer's is at index L.
                List<INDArray> activations = network.feedForward(data.features(), data.featureMask(), data.labelMask());
                Tensor headInputs = Dl4jLayout.fromTimeLast(activations.get(spec.layers()));
                Tensor outputs = Dl4jLayout.fromTimeLast(activations.get(spec.layers() + 1));
                // Read before topLayerStates, which may leave the network holding other weights.
                double loss = lastTimeStep ? Double.NaN : loss(spec, batch, score(network, activations, data));
                Tensor hiddenStates = combinedByDl4j(spec) ? topLayerStates(spec, parameters, data, network) : headInputs;
                if (lastTimeStep) {
                    return lastTimeStepPass(spec, parameters, batch, data.forLastTimeStep(batch, type), hiddenStates,
                            headInputs, outputs);
                }
                return new ForwardPass(hiddenStates, headInputs, outputs, headOutputs(spec, outputs, data), loss);
            } finally {
                reset(network);
            }
        } finally {
            previousTypes.restore();
        }
    }

    @Override
    public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
        requireSupported(spec, parameters, batch);
        if (givenState(batch)) {
            return gradientsFromGivenState(spec, parameters, batch);
        }
        DataType type = Dl4jNetwork.nd4jType(spec.dataType());
        DefaultDataTypes previousTypes = DefaultDataTypes.use(type);
        try {
            if (!capabilities.contains(Capability.INPUT_GRADIENTS)) {
                MultiLayerNetwork network = lastTimeStep ? lastTimeStepNetwork(spec, parameters)
                        : network(spec, parameters, null);
                Dl4jBatch data = lastTimeStep ? Dl4jBatch.of(spec, batch, type).forLastTimeStep(batch, type)
                        : Dl4jBatch.of(spec, batch, type);
                ScoreAndGradients scoreAndGradients = computeScoreAndGradients(spec, batch, network, data);
                return new GradientResult(scoreAndGradients.loss(), scoreAndGradients.parameterGradients(), null,
                        null, null);
            }
            // L from the case's forward pass (which the verifier asked for just before); first, as it may leave the
            // network holding other weights (gravesBidirectionalTopLayerStates).
            double loss = forwardPass(spec, parameters, batch).loss();
            MultiLayerNetwork network = network(spec, parameters, null);
            Dl4jBatch data = Dl4jBatch.of(spec, batch, type);
            try {
                // dL/dx: only calculateGradients returns it. It gives the output layer the features' mask in place
                // of the labels' (KNOWN_DIVERGENCES.md §1); where the two are the same, its parameter gradients are
                // those fit() computes (computeGradientAndScore: the same backpropGradient calls after the same
                // forward pass), and one DL4J backward pass serves both.
                Pair<Gradient, INDArray> calculated = network.calculateGradients(
                        data.features(), data.labels(), data.featureMask(), data.labelMask());
                Tensor inputGradients = Dl4jLayout.fromTimeLast(calculated.getSecond());
                scale(inputGradients, 1.0 / divisor(spec, batch));
                Parameters parameterGradients = data.labelsMaskedAsFeatures()
                        ? Dl4jStackedNetwork.parameterGradients(calculated.getFirst().gradientForVariable(),
                                1.0 / divisor(spec, batch), recurrentLayer, spec)
                        : computeScoreAndGradients(spec, batch, network, data).parameterGradients();
                return new GradientResult(loss, parameterGradients, inputGradients, null, null);
            } finally {
                reset(network);
            }
        } finally {
            previousTypes.restore();
        }
    }

    /**
     * DL4J's own truncated BPTT ({@code BackpropType.TruncatedBPTT}, {@code tbpttFwdLength} k1,
     * {@code tbpttBackLength} k2) at fixed parameters: the batch is cut into chunks of k1 steps as
     * {@code MultiLayerNetwork.doTruncatedBPTT} does, each chunk's gradient comes from
     * {@code computeGradientAndScore()} with the hidden state DL4J stored at the end of the previous chunk, and
     * the chunks' gradients are summed (where {@code fit} would instead update the parameters after each chunk).
     * The loss is the sum of the chunks' losses (the full loss). Input gradients are not returned. This is DL4J's
     * truncated BPTT, not {@link Truncation}'s: in DL4J 1.0.0-M2.1 k2 has no effect, no chunk backpropagates past
     * its own start, and the recurrent layer's gradient of later chunks ignores the carried state; see
     * {@link Dl4jKnownDivergences} and KNOWN_DIVERGENCES.md.
     */
    @Override
    public GradientResult truncatedGradients(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation) {
        requireSupported(spec, parameters, batch);
        if (truncation == null) {
            throw new IllegalArgumentException(info.id() + ": truncatedGradients needs a truncation");
        }
        truncation.requireDefinedFor(spec);
        DataType type = Dl4jNetwork.nd4jType(spec.dataType());
        DefaultDataTypes previousTypes = DefaultDataTypes.use(type);
        try {
            MultiLayerNetwork network = network(spec, parameters, truncation);
            Dl4jBatch data = Dl4jBatch.of(spec, batch, type);
            int steps = batch.steps();
            int chunkLength = truncation.forwardLength();
            try {
                if (givenState(batch)) {
                    storeGivenState(network, spec, batch, type);
                }
                Map<String, INDArray> gradientSums = new LinkedHashMap<>();
                double scoreSum = 0;
                for (int start = 0; start < steps; start += chunkLength) {
                    Dl4jBatch chunk = data.steps(start, Math.min(steps, start + chunkLength));
                    // setLayerMaskArrays(null, null) would leave the previous chunk's masks in place.
                    network.clearLayerMaskArrays();
                    network.setLayerMaskArrays(chunk.featureMask(), chunk.labelMask());
                    if (chunk.hasNoLossTerms()) {
                        // No loss, so no gradient: only carry the hidden state on. (computeGradientAndScore would
                        // also crash on a [1, 1] all-zero label mask with MCXENT, see Dl4jBatch.)
                        network.rnnActivateUsingStoredState(chunk.features(), true, true);
                    } else {
                        network.setInput(chunk.features());
                        network.setLabels(chunk.labels());
                        // With BackpropType.TruncatedBPTT this forward pass starts from the state stored by the
                        // previous chunk (none for the first) and stores this chunk's last state.
                        network.computeGradientAndScore();
                        // The gradient arrays are views into one buffer that the next chunk overwrites.
                        network.gradient().gradientForVariable().forEach((key, gradient) ->
                                gradientSums.merge(key, gradient.dup(), INDArray::addi));
                        scoreSum += network.score();
                    }
                    network.updateRnnStateWithTBPTTState();
                }
                if (gradientSums.isEmpty()) {
                    throw new IllegalStateException(info.id() + ": no chunk of the batch has a loss term");
                }
                double divisor = divisor(spec, batch);
                Parameters parameterGradients = Dl4jStackedNetwork.parameterGradients(gradientSums, 1.0 / divisor,
                        recurrentLayer, spec);
                return new GradientResult(loss(spec, batch, scoreSum), parameterGradients, null, null, null);
            } finally {
                reset(network);
            }
        } finally {
            previousTypes.restore();
        }
    }

    /** True when the batch gives h_{-1} or c_{-1}. */
    private static boolean givenState(Batch batch) {
        return batch.initialState() != null || batch.initialCellState() != null;
    }

    /**
     * DL4J's forward pass from a given h_{-1} (and c_{-1}), as the recurrent layer's stored state (KNOWN_DIVERGENCES.md
     * §3): h and y from {@code rnnActivateUsingStoredState}, the loss from {@code computeGradientAndScore} of the
     * network built for truncated BPTT over the whole sequence (DL4J's {@code score} starts from zero).
     */
    private ForwardPass forwardPassFromGivenState(ModelSpec spec, Parameters parameters, Batch batch) {
        DataType type = Dl4jNetwork.nd4jType(spec.dataType());
        DefaultDataTypes previousTypes = DefaultDataTypes.use(type);
        try {
            MultiLayerNetwork network = network(spec, parameters, new Truncation(batch.steps(), batch.steps()));
            Dl4jBatch data = Dl4jBatch.of(spec, batch, type);
            Tensor hiddenStates;
            Tensor outputs;
            try {
                storeGivenState(network, spec, batch, type);
                network.setLayerMaskArrays(data.featureMask(), data.labelMask());
                List<INDArray> activations = network.rnnActivateUsingStoredState(data.features(), false, false);
                hiddenStates = Dl4jLayout.fromTimeLast(activations.get(1));
                outputs = Dl4jLayout.fromTimeLast(activations.get(2));
            } finally {
                reset(network);
            }
            double loss = scoreFromGivenState(spec, parameters, batch, data).loss();
            return new ForwardPass(hiddenStates, hiddenStates, outputs, headOutputs(spec, outputs, data), loss);
        } finally {
            previousTypes.restore();
        }
    }

    /**
     * DL4J's loss and gradients from a given h_{-1} (and c_{-1}): {@code computeGradientAndScore} of the network built
     * for truncated BPTT over the whole sequence, from the stored state. The loss and the output layer's gradients
     * are exact; the recurrent layer's backward pass recomputes its states from zero (§3, a known divergence). dL/dx
     * from {@code calculateGradients}, which starts from zero (a known divergence too).
     */
    private GradientResult gradientsFromGivenState(ModelSpec spec, Parameters parameters, Batch batch) {
        DataType type = Dl4jNetwork.nd4jType(spec.dataType());
        DefaultDataTypes previousTypes = DefaultDataTypes.use(type);
        try {
            Dl4jBatch data = Dl4jBatch.of(spec, batch, type);
            ScoreAndGradients fromGivenState = scoreFromGivenState(spec, parameters, batch, data);
            MultiLayerNetwork plain = network(spec, parameters, null);
            try {
                INDArray inputGradient = plain.calculateGradients(data.features(), data.labels(), data.featureMask(),
                        data.labelMask()).getSecond();
                Tensor inputGradients = Dl4jLayout.fromTimeLast(inputGradient);
                scale(inputGradients, 1.0 / divisor(spec, batch));
                return new GradientResult(fromGivenState.loss(), fromGivenState.parameterGradients(), inputGradients,
                        null, null);
            } finally {
                reset(plain);
            }
        } finally {
            previousTypes.restore();
        }
    }

    /** L and the parameter gradients of one {@code computeGradientAndScore}. */
    private record ScoreAndGradients(double loss, Parameters parameterGradients) {
    }

    /** L and the parameter gradients of {@code computeGradientAndScore} on {@code network} and {@code data}. */
    private ScoreAndGradients computeScoreAndGradients(ModelSpec spec, Batch batch, MultiLayerNetwork network,
                                                       Dl4jBatch data) {
        try {
            network.setInput(data.features());
            network.setLabels(data.labels());
            network.setLayerMaskArrays(data.featureMask(), data.labelMask());
            network.computeGradientAndScore();
            return new ScoreAndGradients(loss(spec, batch, network.score()), Dl4jStackedNetwork.parameterGradients(
                    network.gradient().gradientForVariable(), 1.0 / divisor(spec, batch), recurrentLayer, spec));
        } finally {
            reset(network);
        }
    }

    /**
     * The score and gradients of the last given-state arguments: the case's forward pass and its gradients both read
     * them, from one {@code computeGradientAndScore}.
     */
    private final LastCall<ScoreAndGradients> lastScoreFromGivenState = new LastCall<>();

    /**
     * L and the parameter gradients from {@code computeGradientAndScore} on the given state, of the network built for
     * truncated BPTT over the whole sequence; the caller has set ND4J's data type.
     *
     * @param data {@code batch} as DL4J reads it, made by the caller (which reads it too)
     */
    private ScoreAndGradients scoreFromGivenState(ModelSpec spec, Parameters parameters, Batch batch, Dl4jBatch data) {
        return lastScoreFromGivenState.get(spec, parameters, batch, () -> {
            DataType type = Dl4jNetwork.nd4jType(spec.dataType());
            MultiLayerNetwork network = network(spec, parameters, new Truncation(batch.steps(), batch.steps()));
            try {
                network.clearLayerMaskArrays();
                storeGivenState(network, spec, batch, type);
                return computeScoreAndGradients(spec, batch, network, data);
            } finally {
                reset(network);
            }
        });
    }

    /**
     * Stores h_{-1} (and the LSTMs' c_{-1}; an absent one is zero) as the recurrent layer's state, both for truncated
     * BPTT ({@code rnnSetTBPTTState}, read by {@code LSTM}) and for stepping ({@code rnnSetPreviousState}, read by
     * {@code GravesLSTM}'s {@code rnnActivateUsingStoredState}).
     */
    private void storeGivenState(MultiLayerNetwork network, ModelSpec spec, Batch batch, DataType type) {
        Map<String, INDArray> state = new LinkedHashMap<>();
        state.put(org.deeplearning4j.nn.layers.recurrent.SimpleRnn.STATE_KEY_PREV_ACTIVATION,
                stateArray(batch.initialState(), spec, batch, type));
        if (recurrentLayer != Dl4jRecurrentLayer.SIMPLE_RNN) {
            state.put(org.deeplearning4j.nn.layers.recurrent.LSTM.STATE_KEY_PREV_MEMCELL,
                    stateArray(batch.initialCellState(), spec, batch, type));
        }
        org.deeplearning4j.nn.api.layers.RecurrentLayer layer =
                (org.deeplearning4j.nn.api.layers.RecurrentLayer) network.getLayer(0);
        layer.rnnSetTBPTTState(state);
        Map<String, INDArray> copy = new LinkedHashMap<>();
        state.forEach((key, value) -> copy.put(key, value.dup()));
        layer.rnnSetPreviousState(copy);
    }

    /** A {@code [B, H]} state as DL4J's array, zeros when absent. */
    private static INDArray stateArray(Tensor state, ModelSpec spec, Batch batch, DataType type) {
        double[] values = state == null ? new double[batch.batchSize() * spec.hiddenSize()] : state.data().clone();
        return Dl4jLayout.array(values, type, batch.batchSize(), spec.hiddenSize());
    }

    /**
     * The documented divergences of DL4J 1.0.0-M2.1 from the exact values, each as the model of DL4J's computation
     * ({@link Dl4jBugModels}) whose description names the DL4J method, says whether it is a DL4J bug or a difference
     * of definition, and points to KNOWN_DIVERGENCES.md. One model per quantity: where two could apply, the softmax
     * underflow (whose NaN reaches every gradient) first, the clamped score last. Decided from the arguments alone: where it takes DL4J's own outputs, this runs DL4J's
     * forward pass on them again.
     * <ul>
     *   <li>{@link Dl4jKnownDivergences#explain}: dL/dx of masked last-step heads, and the truncated-BPTT
     *       gradients;</li>
     *   <li>the loss functions' clamped probabilities ({@link Dl4jScoreClamping}): the losses (and for the sigmoid
     *       head every gradient), when DL4J's forward pass on these weights and this batch outputs a probability
     *       that its loss function clamps;</li>
     *   <li>ND4J's softmax underflow ({@link Dl4jSoftmaxUnderflow}, an ND4J bug): every quantity but h, when DL4J's
     *       forward pass on these weights and this batch gives a non-finite loss or output and some row of logits
     *       all underflow exp (KNOWN_DIVERGENCES.md §5).</li>
     * </ul>
     */
    @Override
    public Optional<WrongComputation> knownDivergence(ModelSpec spec, Parameters parameters, Batch batch,
                                                      Truncation truncation, Quantity quantity) {
        if (spec == null || parameters == null || batch == null || quantity == null) {
            return Optional.empty();
        }
        boolean clampingAffects = quantity.isLoss() || (spec.head() == Head.LAST_STEP_SIGMOID && quantity.isGradient());
        boolean underflowAffects = !quantity.equals(Quantity.HIDDEN_STATES);
        if (clampingAffects || underflowAffects) {
            ForwardPass pass = forwardPass(spec, parameters, batch);
            // A NaN loss makes every gradient NaN: the underflow explains the case whatever else applies.
            if (underflowAffects && pass.nonFinite()) {
                Optional<String> rows = Dl4jSoftmaxUnderflow.underflowedRows(spec, parameters, pass.headInputs());
                if (rows.isPresent()) {
                    return Optional.of(Dl4jBugModels.model(Dl4jSoftmaxUnderflow.EXPLANATION,
                            Dl4jSoftmaxUnderflow.caseDetail(rows.get()), Dl4jBugModels::softmaxUnderflow));
                }
            }
            Optional<WrongComputation> documented = Dl4jKnownDivergences.explain(recurrentLayer, lastTimeStep, spec, batch,
                    truncation, quantity);
            if (documented.isPresent()) {
                return documented;
            }
            if (clampingAffects) {
                return Dl4jScoreClamping.clampedTerms(spec, batch, pass.perStepOutputs())
                        .map(terms -> Dl4jBugModels.model(Dl4jScoreClamping.explanation(spec),
                                Dl4jScoreClamping.caseDetail(terms), Dl4jBugModels::clampedScore));
            }
            return Optional.empty();
        }
        return Dl4jKnownDivergences.explain(recurrentLayer, lastTimeStep, spec, batch, truncation, quantity);
    }

    private MultiLayerNetwork network(ModelSpec spec, Parameters parameters, Truncation truncation) {
        MultiLayerNetwork network = networks.computeIfAbsent(Dl4jStackedNetwork.Key.of(recurrentLayer, spec, truncation),
                Dl4jStackedNetwork::build);
        Dl4jStackedNetwork.setParameters(network, recurrentLayer, spec, parameters);
        return network;
    }

    private MultiLayerNetwork lastTimeStepNetwork(ModelSpec spec, Parameters parameters) {
        MultiLayerNetwork network = networks.computeIfAbsent(Dl4jStackedNetwork.Key.lastTimeStep(recurrentLayer, spec),
                Dl4jStackedNetwork::build);
        Dl4jStackedNetwork.setParameters(network, recurrentLayer, spec, parameters);
        return network;
    }

    /**
     * The outputs and loss of the {@code LastTimeStep} network on {@code data} ({@link Dl4jBatch#forLastTimeStep}),
     * with the states and per-step outputs of the network without the wrapper (which only they are read from).
     */
    private ForwardPass lastTimeStepPass(ModelSpec spec, Parameters parameters, Batch batch, Dl4jBatch data,
                                         Tensor hiddenStates, Tensor headInputs, Tensor perStepOutputs) {
        MultiLayerNetwork network = lastTimeStepNetwork(spec, parameters);
        try {
            List<INDArray> activations = network.feedForward(data.features(), data.featureMask(), data.labelMask());
            INDArray output = activations.get(activations.size() - 1);
            Tensor outputs = Tensor.of(Dl4jLayout.rowMajorDoubles(output), batch.batchSize(), spec.outputSize());
            double score = score(network, activations, data);
            return new ForwardPass(hiddenStates, headInputs, perStepOutputs, outputs, loss(spec, batch, score));
        } finally {
            reset(network);
        }
    }

    /**
     * DL4J's score of {@code data} from the {@code activations} that {@code network.feedForward} gave for it: what
     * {@code MultiLayerNetwork.score(DataSet, false)} computes after its own forward pass (the output layer's
     * {@code computeScore} on the input the layers below gave it), without a second forward pass.
     */
    private static double score(MultiLayerNetwork network, List<INDArray> activations, Dl4jBatch data) {
        LayerWorkspaceMgr noWorkspaces = LayerWorkspaceMgr.noWorkspaces();
        int outputLayerIndex = network.getnLayers() - 1;
        INDArray outputLayerInput = activations.get(outputLayerIndex);
        InputPreProcessor preProcessor = network.getLayerWiseConfigurations().getInputPreProcess(outputLayerIndex);
        if (preProcessor != null) {
            outputLayerInput = preProcessor.preProcess(outputLayerInput, data.batchSize(), noWorkspaces);
        }
        // feedForward cleared the masks; score(DataSet) sets them for its pass and its computeScore.
        network.setLayerMaskArrays(data.featureMask(), data.labelMask());
        IOutputLayer outputLayer = (IOutputLayer) network.getOutputLayer();
        outputLayer.setInput(outputLayerInput, noWorkspaces);
        outputLayer.setLabels(data.labels());
        return outputLayer.computeScore(network.calcRegularizationScore(true), false, noWorkspaces);
    }

    /** True when DL4J's top layer outputs its directions combined (sum, mean or product), not side by side. */
    private static boolean combinedByDl4j(ModelSpec spec) {
        return spec.bidirectional() && spec.topology().combine() != Combine.CONCAT;
    }

    /**
     * The top layer's two directions side by side, {@code [B, T, 2H]}, before DL4J combines them: the output of
     * the same network with its top layer's {@code Bidirectional} wrapper in CONCAT mode
     * ({@link Dl4jStackedNetwork.Key#withTopLayerConcatenated}), on the same weights and batch. The layers below
     * keep their mode, so this is DL4J's own computation of the states that the combined network sums, averages
     * or multiplies. A top {@code GravesBidirectionalLSTM} has no CONCAT mode: {@link #gravesBidirectionalTopLayerStates}.
     */
    private Tensor topLayerStates(ModelSpec spec, Parameters parameters, Dl4jBatch data, MultiLayerNetwork network) {
        if (Dl4jStackedNetwork.gravesBidirectional(recurrentLayer, spec.topology().combine())) {
            return gravesBidirectionalTopLayerStates(spec, parameters, data, network);
        }
        MultiLayerNetwork concatenated = networks.computeIfAbsent(
                Dl4jStackedNetwork.Key.of(recurrentLayer, spec, null).withTopLayerConcatenated(),
                Dl4jStackedNetwork::build);
        Dl4jStackedNetwork.setCellParameters(concatenated, recurrentLayer, spec, parameters);
        try {
            return Dl4jLayout.fromTimeLast(concatenated.feedForward(data.features(), data.featureMask(),
                    data.labelMask()).get(spec.layers()));
        } finally {
            reset(concatenated);
        }
    }

    /**
     * The top {@code GravesBidirectionalLSTM}'s two directions side by side, {@code [B, T, 2H]}: the layer outputs
     * their sum, so each is its output with the other direction's weights, biases and peepholes set to zero. That
     * direction then outputs exactly zero at every step (g = tanh(0) = 0, so c stays 0 and h = o ⊙ tanh(0) = 0), and
     * adding zero is exact: this is the layer's own computation of each direction. Leaves {@code network} holding
     * the altered weights; every call sets the parameters again before using it.
     */
    private Tensor gravesBidirectionalTopLayerStates(ModelSpec spec, Parameters parameters, Dl4jBatch data,
                                                     MultiLayerNetwork network) {
        int top = spec.layers() - 1;
        Tensor[] directions = new Tensor[2];
        for (int direction = 0; direction < 2; direction++) {
            boolean silenceReverse = direction == 0;
            Map<String, Tensor> altered = new LinkedHashMap<>(parameters.byName());
            for (ParameterDeclaration declaration : spec.cell().parameters(spec, top)) {
                altered.put(ParameterName.of(top, silenceReverse, declaration.name()).toString(),
                        Tensor.zeros(declaration.shape()));
            }
            Dl4jStackedNetwork.setParameters(network, recurrentLayer, spec, new Parameters(altered));
            try {
                directions[direction] = Dl4jLayout.fromTimeLast(network.feedForward(data.features(), data.featureMask(),
                        data.labelMask()).get(spec.layers()));
            } finally {
                reset(network);
            }
        }
        return sideBySide(directions[0], directions[1]);
    }

    /** {@code [B, T, H]} and {@code [B, T, H]} as {@code [B, T, 2H]}, the first's features first. */
    private static Tensor sideBySide(Tensor first, Tensor second) {
        int batchSize = first.size(0);
        int steps = first.size(1);
        int hidden = first.size(2);
        Tensor both = Tensor.zeros(batchSize, steps, 2 * hidden);
        for (int sequence = 0; sequence < batchSize; sequence++) {
            for (int step = 0; step < steps; step++) {
                for (int i = 0; i < hidden; i++) {
                    both.set(first.get(sequence, step, i), sequence, step, i);
                    both.set(second.get(sequence, step, i), sequence, step, hidden + i);
                }
            }
        }
        return both;
    }

    /** Leaves the network as if new: no masks, no stored state, no input or labels. */
    private static void reset(MultiLayerNetwork network) {
        network.clearLayerMaskArrays();
        network.rnnClearPreviousState();
        network.clear();
    }

    private void requireSupported(ModelSpec spec, Parameters parameters, Batch batch) {
        String id = info.id();
        if (spec == null || parameters == null || batch == null) {
            throw new IllegalArgumentException(id + ": spec, parameters and batch must all be given");
        }
        if (givenState(batch) && (lastTimeStep || !spec.topology().single())) {
            throw new org.bptt.api.DocumentedLimitException(id + ": DL4J takes a given initial state only as the stored"
                    + " state of a one-layer forward " + recurrentLayer.dl4jName() + " (KNOWN_DIVERGENCES.md §3), "
                    + (lastTimeStep ? "not inside LastTimeStep" : "not of a stacked or bidirectional network"));
        }
        Set<Capability> lacking = EnumSet.noneOf(Capability.class);
        lacking.addAll(Capability.requiredBy(spec, batch));
        lacking.removeAll(capabilities);
        if (!lacking.isEmpty()) {
            throw new UnsupportedOperationException(id + ": the model " + spec.label() + " needs " + lacking
                    + ", which DL4J's " + recurrentLayer.dl4jName() + " does not have");
        }
        parameters.validate(spec);
        batch.validate(spec);
    }

    /** Per-step heads report every step's output; last-step heads the output at each sequence's last step. */
    private static Tensor headOutputs(ModelSpec spec, Tensor perStepOutputs, Dl4jBatch data) {
        if (spec.head() == Head.PER_STEP_SOFTMAX) {
            return perStepOutputs;
        }
        int outputSize = spec.outputSize();
        Tensor lastStep = Tensor.zeros(data.batchSize(), outputSize);
        for (int sequence = 0; sequence < data.batchSize(); sequence++) {
            for (int output = 0; output < outputSize; output++) {
                lastStep.set(perStepOutputs.get(sequence, data.lastSteps()[sequence], output), sequence, output);
            }
        }
        return lastStep;
    }

    private static double divisor(ModelSpec spec, Batch batch) {
        return spec.reduction().divisor(batch.batchSize(), batch.lossTerms(spec.head()));
    }

    /** L from DL4J's score S = (summed loss) / B. */
    private static double loss(ModelSpec spec, Batch batch, double score) {
        return score * batch.batchSize() / divisor(spec, batch);
    }

    private static void scale(Tensor tensor, double factor) {
        double[] data = tensor.data();
        for (int i = 0; i < data.length; i++) {
            data[i] *= factor;
        }
    }

    /** The DL4J version from the jar's Maven metadata, or the version this adapter was tested against. */
    static String dl4jVersion() {
        try (InputStream properties = MultiLayerNetwork.class.getResourceAsStream(
                "/META-INF/maven/org.deeplearning4j/deeplearning4j-nn/pom.properties")) {
            if (properties != null) {
                Properties metadata = new Properties();
                metadata.load(properties);
                String version = metadata.getProperty("version");
                if (version != null && !version.isBlank()) {
                    return version.trim();
                }
            }
        } catch (IOException unreadable) {
            // Fall through to the tested version: the version string is informative only.
        }
        return TESTED_DL4J_VERSION;
    }

    /**
     * Sets ND4J's global default data types for the duration of a call and restores them afterwards: some ND4J
     * operations create intermediate arrays in the default type, which must match the network's.
     *
     * <p>The default is one setting for the whole JVM, and a harness may call several instances (one per thread)
     * at once. So calls in the type that is set run together, and a call in another type waits until they have all
     * returned; waiting calls are let in first come, first served (a stream of calls in one type never keeps a call
     * in another waiting for more than the calls already running). {@link #restore} must follow every {@link #use},
     * on the same thread or not.
     */
    static final class DefaultDataTypes {
        private static final Object LOCK = new Object();
        /** Guarded by {@link #LOCK}: the type set for the running calls, and how many run. */
        private static DataType typeInUse;
        private static int running;
        /** Guarded by {@link #LOCK}: the defaults before the running calls set theirs, restored after the last. */
        private static DataType previousDefault;
        private static DataType previousFloatingPoint;
        /** Guarded by {@link #LOCK}: calls waiting for their type, first come first. */
        private static final java.util.ArrayDeque<Waiting> WAITING = new java.util.ArrayDeque<>();

        /** A call waiting for its type; {@code admitted} (guarded by {@link #LOCK}) when the type is set for it. */
        private static final class Waiting {
            final DataType type;
            boolean admitted;

            Waiting(DataType type) {
                this.type = type;
            }
        }

        private DefaultDataTypes() {
        }

        /**
         * Sets {@code type} as ND4J's default, waiting while calls in another type run.
         *
         * @throws IllegalStateException when the thread is interrupted while it waits (its interrupt flag stays set)
         */
        static DefaultDataTypes use(DataType type) {
            synchronized (LOCK) {
                if (WAITING.isEmpty() && (running == 0 || typeInUse == type)) {
                    admit(type);
                    return new DefaultDataTypes();
                }
                Waiting waiting = new Waiting(type);
                WAITING.add(waiting);
                while (!waiting.admitted) {
                    try {
                        LOCK.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        if (!waiting.admitted) {
                            WAITING.remove(waiting);
                            throw new IllegalStateException("interrupted while waiting for ND4J's default data type "
                                    + type + " (other calls ran in " + typeInUse + ")");
                        }
                    }
                }
                return new DefaultDataTypes();
            }
        }

        void restore() {
            synchronized (LOCK) {
                running--;
                if (running > 0) {
                    return;
                }
                Nd4j.setDefaultDataTypes(previousDefault, previousFloatingPoint);
                typeInUse = null;
                if (WAITING.isEmpty()) {
                    return;
                }
                DataType next = WAITING.peek().type;
                for (java.util.Iterator<Waiting> waiting = WAITING.iterator(); waiting.hasNext(); ) {
                    Waiting call = waiting.next();
                    if (call.type == next) {
                        waiting.remove();
                        call.admitted = true;
                        admit(next);
                    }
                }
                LOCK.notifyAll();
            }
        }

        /** Counts one more running call in {@code type}, setting it first if none runs. Holds {@link #LOCK}. */
        private static void admit(DataType type) {
            if (running == 0) {
                previousDefault = Nd4j.dataType();
                previousFloatingPoint = Nd4j.defaultFloatingPointType();
                Nd4j.setDefaultDataTypes(type, type);
                typeInUse = type;
            }
            running++;
        }
    }
}
