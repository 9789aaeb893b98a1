package org.bptt.core.language;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bptt.api.DataType;
import org.bptt.api.LanguageModelForward;
import org.bptt.api.LanguageModelGradients;
import org.bptt.api.LanguageModelParameters;
import org.bptt.api.LanguageModelSpec;
import org.bptt.api.Quantity;
import org.bptt.api.Tensor;
import org.bptt.api.TokenBatch;
import org.bptt.core.compare.IndexLabels;
import org.bptt.core.compare.QuantityComparison;
import org.bptt.core.compare.TensorComparator;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.core.plugins.IsolatedLanguageModel;
import org.bptt.core.plugins.PluginCallFailure;
import org.bptt.core.verify.DivergenceExplainer;

/**
 * Verifies RNN language models against an oracle on one spec, set of weights and token batch. The oracle's results
 * are computed once; each model is then compared with them under the tolerance policy for doubles, with T the longest
 * sequence's steps: the loss, h, ŷ (per-step tensors only at each sequence's steps), the loss returned with the
 * gradients, and dL/dθ for every parameter of {@link LanguageModelParameters#NAMES}. Every call goes through
 * {@link IsolatedLanguageModel}: a model that throws, hangs or returns null is a verdict with an error, not a crash.
 * A failed comparison the model explains ({@link DivergenceExplainer}) carries the explanation.
 */
public final class LanguageModelVerifier {

    private final LanguageModelSpec spec;
    private final LanguageModelParameters parameters;
    private final TokenBatch batch;
    private final LanguageModelForward expectedForward;
    private final LanguageModelGradients expectedGradients;
    private final TensorComparator comparator;

    /**
     * Runs the oracle.
     *
     * @param parameters Not modified.
     * @throws PluginCallFailure when the oracle's own calls fail
     */
    public LanguageModelVerifier(LanguageModelSpec spec, LanguageModelParameters parameters, TokenBatch batch,
                                 IsolatedLanguageModel oracle, TolerancePolicy policy) throws PluginCallFailure {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        this.batch = Objects.requireNonNull(batch, "batch");
        this.comparator = new TensorComparator(policy);
        this.expectedForward = oracle.forward(spec, parameters, batch);
        this.expectedGradients = oracle.gradients(spec, parameters, batch);
    }

    /** The oracle's forward results. */
    public LanguageModelForward expectedForward() {
        return expectedForward;
    }

    /** {@code model}'s verdict. */
    public LanguageModelVerdict verify(IsolatedLanguageModel model) {
        LanguageModelForward forward;
        LanguageModelGradients gradients;
        try {
            forward = model.forward(spec, parameters, batch);
            gradients = model.gradients(spec, parameters, batch);
        } catch (PluginCallFailure failure) {
            return new LanguageModelVerdict(model.id(), Double.NaN, List.of(), Map.of(), failure.getMessage());
        }
        int steps = batch.maxSteps();
        Tensor mask = batch.mask();
        List<QuantityComparison> comparisons = new ArrayList<>();
        comparisons.add(comparator.compareScalar(Quantity.LOSS, expectedForward.loss(), forward.loss(), DataType.FLOAT64, steps));
        comparisons.add(comparator.compare(Quantity.HIDDEN_STATES, expectedForward.hiddenStates(), forward.hiddenStates(), mask,
                IndexLabels.HIDDEN_PER_STEP, DataType.FLOAT64, steps));
        comparisons.add(comparator.compare(Quantity.OUTPUTS, expectedForward.probabilities(), forward.probabilities(), mask,
                IndexLabels.OUTPUT_PER_STEP, DataType.FLOAT64, steps));
        comparisons.add(comparator.compareScalar(Quantity.GRADIENT_LOSS, expectedGradients.loss(), gradients.loss(),
                DataType.FLOAT64, steps));
        for (String name : LanguageModelParameters.NAMES) {
            Tensor expected = expectedGradients.gradients().get(name);
            comparisons.add(comparator.compare(Quantity.gradientOf(name), expected, gradients.gradients().get(name), null,
                    IndexLabels.generic(expected.rank()), DataType.FLOAT64, steps));
        }
        Map<Quantity, String> knownDivergences = new LinkedHashMap<>();
        for (QuantityComparison comparison : comparisons) {
            if (!comparison.passed()) {
                DivergenceExplainer.explain(model, spec, parameters, batch, comparison.quantity())
                        .ifPresent(explanation -> knownDivergences.put(comparison.quantity(), explanation));
            }
        }
        return new LanguageModelVerdict(model.id(), forward.loss(), comparisons, knownDivergences, null);
    }
}
