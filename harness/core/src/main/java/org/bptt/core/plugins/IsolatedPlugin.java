package org.bptt.core.plugins;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.bptt.api.Batch;
import org.bptt.api.Capability;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.PluginInfo;
import org.bptt.api.Quantity;
import org.bptt.api.RnnImplementation;
import org.bptt.api.Tensor;
import org.bptt.api.Truncation;
import org.bptt.api.WrongComputation;

/**
 * An {@link RnnImplementation} as every command calls it: through {@link PluginCalls} (a worker thread, the timeout,
 * the still-running tracking), with copies of the weights and the batch (a plugin that modifies its arguments
 * spoils nothing else), and with the result checked ({@link ResultCheck}): a result that is null, lacks a tensor
 * it must hold or has a tensor of the wrong shape is {@link PluginCallFailure.Kind#RETURNED_GARBAGE}, naming the
 * tensor. NaN and infinite values are left to the caller, who knows what it compares. Each call returns a result or
 * throws a {@link PluginCallFailure}; it never hangs the caller.
 *
 * <p>Made by {@link PluginCalls#isolate(LoadedPlugin)}.
 */
public final class IsolatedPlugin {

    private final LoadedPlugin plugin;
    private final PluginCalls calls;

    IsolatedPlugin(LoadedPlugin plugin, PluginCalls calls) {
        this.plugin = plugin;
        this.calls = calls;
    }

    /** The plugin as discovery found it. */
    public LoadedPlugin plugin() {
        return plugin;
    }

    public String id() {
        return plugin.id();
    }

    public PluginInfo info() {
        return plugin.info();
    }

    public Set<Capability> capabilities() {
        return plugin.capabilities();
    }

    public boolean has(Capability capability) {
        return plugin.has(capability);
    }

    /** The longest one call may take. */
    public Duration timeout() {
        return calls.timeout();
    }

    /** {@code forward()}, expecting the results the plugin declares. */
    public ForwardResult forward(ModelSpec spec, Parameters parameters, Batch batch) throws PluginCallFailure {
        return forward(spec, parameters, batch, ExpectedOutputs.declaredBy(capabilities()), new CallTime());
    }

    /**
     * {@code forward()} on copies of {@code parameters} and {@code batch}.
     *
     * @param parameters Not modified.
     * @param batch      Not modified.
     * @param expected   the optional results the result must hold
     * @param time       Modified: the call's wall time is added
     */
    public ForwardResult forward(ModelSpec spec, Parameters parameters, Batch batch, ExpectedOutputs expected, CallTime time)
            throws PluginCallFailure {
        RnnImplementation implementation = plugin.implementation();
        Parameters parametersCopy = parameters.copy();
        Batch batchCopy = copy(batch);
        ForwardResult result = calls.call(implementation, id(), "forward()", time,
                () -> implementation.forward(spec, parametersCopy, batchCopy));
        requireWellFormed(ResultCheck.forwardProblem(result, spec, batch, expected, false));
        return result;
    }

    /** {@code gradients()}, expecting the results the plugin declares. */
    public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) throws PluginCallFailure {
        return gradients(spec, parameters, batch, ExpectedOutputs.declaredBy(capabilities()), new CallTime());
    }

    /**
     * {@code gradients()} on copies of {@code parameters} and {@code batch}.
     *
     * @param parameters Not modified.
     * @param batch      Not modified.
     * @param expected   the optional results the result must hold
     * @param time       Modified: the call's wall time is added
     */
    public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch, ExpectedOutputs expected,
                                    CallTime time) throws PluginCallFailure {
        RnnImplementation implementation = plugin.implementation();
        Parameters parametersCopy = parameters.copy();
        Batch batchCopy = copy(batch);
        GradientResult result = calls.call(implementation, id(), "gradients()", time,
                () -> implementation.gradients(spec, parametersCopy, batchCopy));
        requireWellFormed(ResultCheck.gradientProblem(result, false, spec, batch, expected, false));
        return result;
    }

    /**
     * {@code truncatedGradients()} on copies of {@code parameters} and {@code batch}; the result may leave dL/dx
     * null even when {@code expected} has it.
     *
     * @param parameters Not modified.
     * @param batch      Not modified.
     * @param time       Modified: the call's wall time is added
     */
    public GradientResult truncatedGradients(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation,
                                             ExpectedOutputs expected, CallTime time) throws PluginCallFailure {
        RnnImplementation implementation = plugin.implementation();
        Parameters parametersCopy = parameters.copy();
        Batch batchCopy = copy(batch);
        GradientResult result = calls.call(implementation, id(), "truncatedGradients()", time,
                () -> implementation.truncatedGradients(spec, parametersCopy, batchCopy, truncation));
        requireWellFormed(ResultCheck.gradientProblem(result, true, spec, batch, expected, false));
        return result;
    }

    /**
     * The plugin's own {@link RnnImplementation#knownDivergence} of {@code quantity}, on copies of its arguments: the
     * model of the wrong computation that it claims explains the quantity. A throw, a hang, null or a model whose
     * description is null, blank or throws explain nothing: empty.
     *
     * @param truncation the truncation of a truncated-BPTT comparison, or null
     */
    public Optional<WrongComputation> knownDivergence(ModelSpec spec, Parameters parameters, Batch batch,
                                                      Truncation truncation, Quantity quantity) {
        RnnImplementation implementation = plugin.implementation();
        Parameters parametersCopy = parameters.copy();
        Batch batchCopy = copy(batch);
        try {
            return calls.call(implementation, id(), "knownDivergence()", new CallTime(), () -> {
                Optional<WrongComputation> model = implementation.knownDivergence(spec, parametersCopy, batchCopy,
                        truncation, quantity);
                // The description is read here, inside the isolation, once: a model without one explains nothing.
                return model == null || model.isEmpty() || explanation(Optional.ofNullable(model.get().description())).isEmpty()
                        ? Optional.<WrongComputation>empty() : model;
            });
        } catch (PluginCallFailure failure) {
            return Optional.empty();
        }
    }

    /** A plugin's answer to "is this a known divergence": trimmed, and empty for null or blank. */
    static Optional<String> explanation(Optional<String> declared) {
        if (declared == null || declared.isEmpty() || declared.get().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(declared.get().trim());
    }

    private void requireWellFormed(String problem) throws PluginCallFailure {
        if (problem != null) {
            throw new PluginCallFailure(PluginCallFailure.Kind.RETURNED_GARBAGE, id(), "returned garbage: " + problem);
        }
    }

    /** A deep copy of {@code batch}. */
    static Batch copy(Batch batch) {
        return new Batch(batch.inputs().copy(), batch.targets().copy(), copyOrNull(batch.mask()),
                copyOrNull(batch.initialState()), copyOrNull(batch.initialCellState()));
    }

    private static Tensor copyOrNull(Tensor tensor) {
        return tensor == null ? null : tensor.copy();
    }
}
