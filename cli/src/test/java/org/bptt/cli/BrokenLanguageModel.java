package org.bptt.cli;

import java.util.ServiceLoader;
import org.bptt.api.LanguageModelForward;
import org.bptt.api.LanguageModelGradients;
import org.bptt.api.LanguageModelImplementation;
import org.bptt.api.LanguageModelParameters;
import org.bptt.api.LanguageModelSpec;
import org.bptt.api.PluginInfo;
import org.bptt.api.Tensor;
import org.bptt.api.TokenBatch;

/**
 * A language model with a classic mistake of a hand-written one, for the tests of {@code bptt lm}: it forgets to
 * backpropagate into the embeddings, so dL/dL comes back as zeros (everything else is the reference's).
 */
public final class BrokenLanguageModel implements LanguageModelImplementation {

    private LanguageModelImplementation reference;

    /** Found on first use, not in the constructor: discovery instantiates this very class. */
    private LanguageModelImplementation reference() {
        if (reference == null) {
            reference = ServiceLoader.load(LanguageModelImplementation.class).stream()
                    .filter(provider -> !provider.type().equals(BrokenLanguageModel.class))
                    .map(ServiceLoader.Provider::get)
                    .filter(plugin -> plugin.info().id().equals(LanguageModelCommand.REFERENCE_ID))
                    .findFirst().orElseThrow();
        }
        return reference;
    }

    @Override
    public PluginInfo info() {
        return new PluginInfo("test-lm-frozen-embeddings", "Test: no gradient into the embeddings", "1", "tests", "");
    }

    @Override
    public LanguageModelForward forward(LanguageModelSpec spec, LanguageModelParameters parameters, TokenBatch batch) {
        return reference().forward(spec, parameters, batch);
    }

    @Override
    public LanguageModelGradients gradients(LanguageModelSpec spec, LanguageModelParameters parameters, TokenBatch batch) {
        LanguageModelGradients exact = reference().gradients(spec, parameters, batch);
        return new LanguageModelGradients(exact.loss(),
                exact.gradients().with("L", Tensor.zeros(exact.gradients().L().shape())));
    }
}
