package org.bptt.dl4j;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.bptt.api.LanguageModelForward;
import org.bptt.api.LanguageModelGradients;
import org.bptt.api.LanguageModelImplementation;
import org.bptt.api.LanguageModelParameters;
import org.bptt.api.LanguageModelSpec;
import org.bptt.api.PluginInfo;
import org.bptt.api.Quantity;
import org.bptt.api.Tensor;
import org.bptt.api.TokenBatch;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Deeplearning4j's RNN language model behind {@link LanguageModelImplementation}: {@code EmbeddingSequenceLayer}
 * in front of {@code SimpleRnn} and a softmax {@code RnnOutputLayer} (MCXENT), on the harness's weights, in double
 * precision. See {@link Dl4jLanguageModelNetwork} for the network and the parameter mapping.
 *
 * <h2>Data</h2>
 * A {@link TokenBatch} becomes, with T its longest sequence's steps: features {@code [B, T]} holding the input token
 * ids as doubles (id 0 at padded steps), one-hot labels {@code [B, |V|, T]} of the next tokens (time last, NCW), and
 * one mask {@code [B, T]} (1 at a sequence's steps) given as both the features mask and the labels mask. Padding is
 * only ever at the end of a sequence, so masked steps send no gradient anywhere: their loss terms are masked and
 * nothing after them has a loss.
 *
 * <h2>Loss convention</h2>
 * DL4J's score is S = (1/B) Σ_b Σ_t J(b, t) over the unmasked steps, and its gradients are those of Σ_b Σ_t J(b, t)
 * (the division by B comes later, in the updater). The model's loss is the mean over the N predicted tokens, so
 * L = S · B / N and dL/dθ = (DL4J's gradient) / N.
 *
 * <p>One instance caches its networks (one per spec); calls must come one at a time. Every call leaves no masks
 * behind.
 */
public final class Dl4jLanguageModel implements LanguageModelImplementation {

    /** The plugin id. */
    public static final String ID = "dl4j-lm";
    private static final int MAX_CACHED_NETWORKS = 8;

    private final PluginInfo info = new PluginInfo(ID, "Deeplearning4j RNN language model",
            new Dl4jSimpleRnn().info().version(), // the DL4J version, as the SimpleRnn adapter reads it from the jar
            "Eclipse Deeplearning4j (adapter: bptt-harness)",
            "DL4J EmbeddingSequenceLayer + SimpleRnn + RnnOutputLayer (MCXENT) in a MultiLayerNetwork, on the harness's weights");

    /** Built networks by spec, least recently used first. */
    private final Map<LanguageModelSpec, MultiLayerNetwork> networks = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<LanguageModelSpec, MultiLayerNetwork> eldest) {
            return size() > MAX_CACHED_NETWORKS;
        }
    };

    @Override
    public PluginInfo info() {
        return info;
    }

    @Override
    public LanguageModelForward forward(LanguageModelSpec spec, LanguageModelParameters parameters, TokenBatch batch) {
        validate(spec, parameters, batch);
        Dl4jRnnPlugin.DefaultDataTypes previousTypes = Dl4jRnnPlugin.DefaultDataTypes.use(DataType.DOUBLE);
        try {
            MultiLayerNetwork network = network(spec, parameters);
            DataSet data = dataSet(spec, batch);
            try {
                List<INDArray> activations = network.feedForward(data.getFeatures(), data.getFeaturesMaskArray(),
                        data.getLabelsMaskArray());
                Tensor hiddenStates = zeroBeyondSteps(Dl4jLayout.fromTimeLast(activations.get(2)), batch);
                Tensor probabilities = zeroBeyondSteps(Dl4jLayout.fromTimeLast(activations.get(3)), batch);
                reset(network);
                double score = network.score(data, false);
                return new LanguageModelForward(hiddenStates, probabilities, loss(batch, score));
            } finally {
                reset(network);
            }
        } finally {
            previousTypes.restore();
        }
    }

    @Override
    public LanguageModelGradients gradients(LanguageModelSpec spec, LanguageModelParameters parameters, TokenBatch batch) {
        validate(spec, parameters, batch);
        Dl4jRnnPlugin.DefaultDataTypes previousTypes = Dl4jRnnPlugin.DefaultDataTypes.use(DataType.DOUBLE);
        try {
            MultiLayerNetwork network = network(spec, parameters);
            DataSet data = dataSet(spec, batch);
            try {
                network.setInput(data.getFeatures());
                network.setLabels(data.getLabels());
                network.setLayerMaskArrays(data.getFeaturesMaskArray(), data.getLabelsMaskArray());
                network.computeGradientAndScore();
                // gradientForVariable's arrays are views into one buffer; parameterGradients copies them out.
                LanguageModelParameters gradients = Dl4jLanguageModelNetwork.parameterGradients(
                        network.gradient().gradientForVariable(), 1.0 / batch.predictedTokens());
                return new LanguageModelGradients(loss(batch, network.score()), gradients);
            } finally {
                reset(network);
            }
        } finally {
            previousTypes.restore();
        }
    }

    /**
     * DL4J's loss is not the exact cross-entropy when a predicted probability of a target token lies outside
     * [ε, 1 − ε], ε = 1e-10: {@code LossMCXENT} clamps the probabilities in its score (not in its gradient), a
     * difference of definition (KNOWN_DIVERGENCES.md §4 and §6). This explains {@code loss} and
     * {@code loss (gradients)} when this adapter's own forward pass on these weights puts a target's probability
     * there; nothing else.
     */
    @Override
    public Optional<String> knownDivergence(LanguageModelSpec spec, LanguageModelParameters parameters, TokenBatch batch,
                                            Quantity quantity) {
        if (spec == null || parameters == null || batch == null || quantity == null || !quantity.isLoss()) {
            return Optional.empty();
        }
        Tensor probabilities = forward(spec, parameters, batch).probabilities();
        double epsilon = Dl4jScoreClamping.SOFTMAX_EPSILON;
        int clamped = 0;
        String first = null;
        for (int sequence = 0; sequence < batch.batchSize(); sequence++) {
            for (int t = 0; t < batch.steps(sequence); t++) {
                double probability = probabilities.get(sequence, t, batch.target(sequence, t));
                if (probability < epsilon || probability > 1 - epsilon) {
                    clamped++;
                    if (first == null) {
                        first = String.format(java.util.Locale.ROOT, "[b=%d, t=%d] p=%.3g", sequence, t, probability);
                    }
                }
            }
        }
        if (clamped == 0) {
            return Optional.empty();
        }
        return Optional.of(String.format(java.util.Locale.ROOT, "DL4J difference of definition: LossMCXENT clamps"
                + " probabilities to [%s, 1 - %s] in its score (not its gradient); %d of %d target probabilities lie"
                + " outside, first %s. See dl4j-adapter/KNOWN_DIVERGENCES.md §6.", epsilon, epsilon, clamped,
                batch.predictedTokens(), first));
    }

    /** Features {@code [B, T]} (token ids, 0 when padded), one-hot labels {@code [B, |V|, T]}, and the mask twice. */
    static DataSet dataSet(LanguageModelSpec spec, TokenBatch batch) {
        int batchSize = batch.batchSize();
        int steps = batch.maxSteps();
        int vocabularySize = spec.vocabularySize();
        double[] features = new double[batchSize * steps];
        double[] labels = new double[batchSize * vocabularySize * steps];
        double[] mask = new double[batchSize * steps];
        for (int sequence = 0; sequence < batchSize; sequence++) {
            for (int t = 0; t < batch.steps(sequence); t++) {
                features[sequence * steps + t] = batch.input(sequence, t);
                labels[(sequence * vocabularySize + batch.target(sequence, t)) * steps + t] = 1.0;
                mask[sequence * steps + t] = 1.0;
            }
        }
        INDArray featureArray = Dl4jLayout.array(features, DataType.DOUBLE, batchSize, steps);
        INDArray labelArray = Dl4jLayout.array(labels, DataType.DOUBLE, batchSize, vocabularySize, steps);
        INDArray maskArray = Dl4jLayout.array(mask, DataType.DOUBLE, batchSize, steps);
        return new DataSet(featureArray, labelArray, maskArray, maskArray.dup());
    }

    /** Zeroes the per-step tensor {@code [B, T, F]} at the steps beyond each sequence's own. Modified: tensor. */
    private static Tensor zeroBeyondSteps(Tensor tensor, TokenBatch batch) {
        int steps = tensor.size(1);
        int features = tensor.size(2);
        for (int sequence = 0; sequence < batch.batchSize(); sequence++) {
            for (int t = batch.steps(sequence); t < steps; t++) {
                java.util.Arrays.fill(tensor.data(), tensor.offset(sequence, t, 0), tensor.offset(sequence, t, 0) + features, 0.0);
            }
        }
        return tensor;
    }

    /** L = S · B / N from DL4J's score S = (summed cross-entropy) / B. */
    private static double loss(TokenBatch batch, double score) {
        return score * batch.batchSize() / batch.predictedTokens();
    }

    private MultiLayerNetwork network(LanguageModelSpec spec, LanguageModelParameters parameters) {
        MultiLayerNetwork network = networks.computeIfAbsent(spec, Dl4jLanguageModelNetwork::build);
        Dl4jLanguageModelNetwork.setParameters(network, parameters);
        return network;
    }

    /** Leaves the network as if new: no masks, no stored state, no input or labels. */
    private static void reset(MultiLayerNetwork network) {
        network.clearLayerMaskArrays();
        network.rnnClearPreviousState();
        network.clear();
    }

    private static void validate(LanguageModelSpec spec, LanguageModelParameters parameters, TokenBatch batch) {
        if (spec == null || parameters == null || batch == null) {
            throw new IllegalArgumentException("dl4j-lm: spec, parameters and batch must all be given");
        }
        parameters.validate(spec);
        batch.validate(spec);
    }
}
