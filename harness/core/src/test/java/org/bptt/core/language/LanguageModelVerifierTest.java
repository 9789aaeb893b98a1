package org.bptt.core.language;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.bptt.api.Activation;
import org.bptt.api.LanguageModelForward;
import org.bptt.api.LanguageModelGradients;
import org.bptt.api.LanguageModelImplementation;
import org.bptt.api.LanguageModelParameters;
import org.bptt.api.LanguageModelSpec;
import org.bptt.api.PluginInfo;
import org.bptt.api.Quantity;
import org.bptt.api.Tensor;
import org.bptt.api.TokenBatch;
import org.bptt.core.compare.QuantityComparison;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.core.plugins.IsolatedLanguageModel;
import org.bptt.core.plugins.LoadedLanguageModel;
import org.bptt.core.plugins.PluginCallFailure;
import org.bptt.core.plugins.PluginCalls;
import org.bptt.core.plugins.PluginRegistry;
import org.junit.jupiter.api.Test;

/** The language model's verifier and SGD, through the isolated calls, against the reference found by id. */
class LanguageModelVerifierTest {

    private static final PluginCalls CALLS = new PluginCalls(Duration.ofSeconds(30));
    private static final LoadedLanguageModel REFERENCE = PluginRegistry.discover(List.of()).requireLanguageModel("reference-lm");
    private static final LanguageModelSpec SPEC = new LanguageModelSpec(5, 3, 4, Activation.SIGMOID);
    private static final TokenBatch BATCH = new TokenBatch(new int[][] {{0, 1, 2, 3, 4}, {4, 2, 0}});
    private static final LanguageModelParameters PARAMETERS = random(SPEC, 11L);

    private static LanguageModelParameters random(LanguageModelSpec spec, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        LanguageModelParameters parameters = LanguageModelParameters.zeros(spec);
        for (String name : LanguageModelParameters.NAMES) {
            Tensor tensor = parameters.get(name).copy();
            for (int i = 0; i < tensor.length(); i++) {
                tensor.data()[i] = random.nextDouble(-0.5, 0.5);
            }
            parameters = parameters.with(name, tensor);
        }
        return parameters;
    }

    /** The reference under another id, its gradients passed through {@code gradients}, explaining with {@code explanation}. */
    private static IsolatedLanguageModel variant(String id, UnaryOperator<LanguageModelGradients> gradients,
                                                 Optional<String> explanation) {
        LanguageModelImplementation reference = REFERENCE.implementation();
        return CALLS.isolate(LoadedLanguageModel.of(new LanguageModelImplementation() {
            @Override
            public PluginInfo info() {
                return new PluginInfo(id, "test " + id, "1", "tests", "");
            }

            @Override
            public LanguageModelForward forward(LanguageModelSpec spec, LanguageModelParameters parameters, TokenBatch batch) {
                return reference.forward(spec, parameters, batch);
            }

            @Override
            public LanguageModelGradients gradients(LanguageModelSpec spec, LanguageModelParameters parameters, TokenBatch batch) {
                return gradients.apply(reference.gradients(spec, parameters, batch));
            }

            @Override
            public Optional<String> knownDivergence(LanguageModelSpec spec, LanguageModelParameters parameters, TokenBatch batch,
                                                    Quantity quantity) {
                return explanation;
            }
        }, "test"));
    }

    private static LanguageModelGradients withoutEmbeddingGradient(LanguageModelGradients exact) {
        return new LanguageModelGradients(exact.loss(), exact.gradients().with("L", Tensor.zeros(exact.gradients().L().shape())));
    }

    private static LanguageModelVerifier verifier() throws PluginCallFailure {
        return new LanguageModelVerifier(SPEC, PARAMETERS, BATCH, CALLS.isolate(REFERENCE), TolerancePolicy.defaults());
    }

    @Test
    void theReferenceAgreesWithItselfOnEveryQuantityInOrder() throws PluginCallFailure {
        LanguageModelVerdict verdict = verifier().verify(variant("copy", UnaryOperator.identity(), Optional.empty()));
        assertTrue(verdict.passed(), verdict.toString());
        assertNull(verdict.error());
        assertEquals(List.of("loss", "h", "y", "loss (gradients)", "dL/dL", "dL/dW_e", "dL/dW_h", "dL/db1", "dL/dU", "dL/db2"),
                verdict.comparisons().stream().map(c -> c.quantity().name()).toList());
    }

    @Test
    void aMissingEmbeddingGradientFailsOnDlDlAlone() throws PluginCallFailure {
        LanguageModelVerdict verdict = verifier().verify(variant("frozen", LanguageModelVerifierTest::withoutEmbeddingGradient,
                Optional.empty()));
        assertFalse(verdict.passed());
        assertEquals(List.of(Quantity.gradientOf("L")),
                verdict.comparisons().stream().filter(c -> !c.passed()).map(QuantityComparison::quantity).toList());
        assertEquals(Map.of(), verdict.knownDivergences());
    }

    @Test
    void aFailureTheModelExplainsCarriesTheExplanationAndPasses() throws PluginCallFailure {
        LanguageModelVerdict verdict = verifier().verify(variant("explained", LanguageModelVerifierTest::withoutEmbeddingGradient,
                Optional.of("this library freezes embeddings (its issue #3)")));
        assertTrue(verdict.passed(), verdict.toString());
        assertEquals(Map.of(Quantity.gradientOf("L"), "this library freezes embeddings (its issue #3)"),
                verdict.knownDivergences(), "asked only about what failed");
    }

    @Test
    void aThrowingModelIsAVerdictWithTheErrorNotACrash() throws PluginCallFailure {
        LanguageModelVerdict verdict = verifier().verify(variant("throws", exact -> {
            throw new IllegalStateException("no GPU");
        }, Optional.empty()));
        assertFalse(verdict.passed());
        assertEquals("gradients() threw java.lang.IllegalStateException: no GPU", verdict.error());
        assertEquals(List.of(), verdict.comparisons());
    }

    /** Each step is θ ← θ − η dL/dθ: the second record is the reference's loss at the first update, computed here. */
    @Test
    void sgdRecordsTheLossBeforeEveryUpdate() throws PluginCallFailure {
        double learningRate = 0.5;
        LanguageModelParameters before = PARAMETERS.copy();
        List<LanguageModelSgd.Step> steps = LanguageModelSgd.train(CALLS.isolate(REFERENCE), SPEC, PARAMETERS, BATCH,
                learningRate, 2);
        assertEquals(List.of(0, 1, 2), steps.stream().map(LanguageModelSgd.Step::step).toList());
        assertEquals(before, PARAMETERS, "the initial weights are not modified");

        LanguageModelImplementation reference = REFERENCE.implementation();
        LanguageModelGradients first = reference.gradients(SPEC, PARAMETERS, BATCH);
        LanguageModelParameters updated = PARAMETERS.copy();
        for (String name : LanguageModelParameters.NAMES) {
            double[] values = updated.get(name).data();
            double[] gradient = first.gradients().get(name).data();
            for (int i = 0; i < values.length; i++) {
                values[i] -= learningRate * gradient[i];
            }
        }
        assertEquals(first.loss(), steps.get(0).loss());
        assertEquals(Math.exp(first.loss()), steps.get(0).perplexity());
        assertEquals(reference.gradients(SPEC, updated, BATCH).loss(), steps.get(1).loss());
        assertTrue(steps.get(1).loss() < steps.get(0).loss(), "a small step downhill lowers the loss");
    }
}
