package org.bptt.core.plugins;

import java.util.Optional;
import org.bptt.api.LanguageModelForward;
import org.bptt.api.LanguageModelGradients;
import org.bptt.api.LanguageModelImplementation;
import org.bptt.api.LanguageModelParameters;
import org.bptt.api.LanguageModelSpec;
import org.bptt.api.Quantity;
import org.bptt.api.TokenBatch;

/**
 * A {@link LanguageModelImplementation} as every command calls it: through {@link PluginCalls} (a worker thread,
 * the timeout, the still-running tracking), with a copy of the weights, and with the result checked for null. The
 * shapes of what it returns are the comparator's to judge: a missing or misshapen tensor fails its comparison,
 * naming the tensor. Each call returns a result or throws a {@link PluginCallFailure}; it never hangs the caller.
 *
 * <p>Made by {@link PluginCalls#isolate(LoadedLanguageModel)}.
 */
public final class IsolatedLanguageModel {

    private final LoadedLanguageModel model;
    private final PluginCalls calls;

    IsolatedLanguageModel(LoadedLanguageModel model, PluginCalls calls) {
        this.model = model;
        this.calls = calls;
    }

    public LoadedLanguageModel model() {
        return model;
    }

    public String id() {
        return model.id();
    }

    /**
     * {@code forward()} on a copy of {@code parameters} (the token batch is immutable by contract).
     *
     * @param parameters Not modified.
     */
    public LanguageModelForward forward(LanguageModelSpec spec, LanguageModelParameters parameters, TokenBatch batch)
            throws PluginCallFailure {
        LanguageModelImplementation implementation = model.implementation();
        LanguageModelParameters copy = parameters.copy();
        LanguageModelForward result = calls.call(implementation, id(), "forward()", new CallTime(),
                () -> implementation.forward(spec, copy, batch));
        if (result == null) {
            throw garbage("forward() returned null");
        }
        return result;
    }

    /**
     * {@code gradients()} on a copy of {@code parameters}.
     *
     * @param parameters Not modified.
     */
    public LanguageModelGradients gradients(LanguageModelSpec spec, LanguageModelParameters parameters, TokenBatch batch)
            throws PluginCallFailure {
        LanguageModelImplementation implementation = model.implementation();
        LanguageModelParameters copy = parameters.copy();
        LanguageModelGradients result = calls.call(implementation, id(), "gradients()", new CallTime(),
                () -> implementation.gradients(spec, copy, batch));
        if (result == null || result.gradients() == null) {
            throw garbage("gradients() returned " + (result == null ? "null" : "no parameter gradients"));
        }
        return result;
    }

    /**
     * The model's own {@link LanguageModelImplementation#knownDivergence} of {@code quantity}, on a copy of the
     * weights. A throw, a hang, null or a blank text explain nothing: empty.
     */
    public Optional<String> knownDivergence(LanguageModelSpec spec, LanguageModelParameters parameters, TokenBatch batch,
                                            Quantity quantity) {
        LanguageModelImplementation implementation = model.implementation();
        LanguageModelParameters copy = parameters.copy();
        try {
            return IsolatedPlugin.explanation(calls.call(implementation, id(), "knownDivergence()", new CallTime(),
                    () -> implementation.knownDivergence(spec, copy, batch, quantity)));
        } catch (PluginCallFailure failure) {
            return Optional.empty();
        }
    }

    private PluginCallFailure garbage(String problem) {
        return new PluginCallFailure(PluginCallFailure.Kind.RETURNED_GARBAGE, id(), "returned garbage: " + problem);
    }
}
