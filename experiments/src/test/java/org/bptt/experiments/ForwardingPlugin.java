package org.bptt.experiments;

import java.util.EnumSet;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.bptt.api.Batch;
import org.bptt.api.Capability;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.PluginInfo;
import org.bptt.api.RnnImplementation;
import org.bptt.core.plugins.IsolatedPlugin;
import org.bptt.reference.ReferenceAggregatedRnn;

/**
 * A test plugin: the reference with a different id, chosen capabilities, and its gradient results passed through a
 * function (to play a correct library, a wrong one, or one that throws).
 */
public final class ForwardingPlugin implements RnnImplementation {

    private final RnnImplementation reference = new ReferenceAggregatedRnn();
    private final PluginInfo info;
    private final Set<Capability> capabilities;
    private final UnaryOperator<GradientResult> gradients;

    public ForwardingPlugin(String id, Set<Capability> capabilities, UnaryOperator<GradientResult> gradients) {
        this.info = new PluginInfo(id, "test plugin " + id, "1", "tests", "the reference, passed through a function");
        this.capabilities = EnumSet.copyOf(capabilities);
        this.gradients = gradients;
    }

    /** The reference's capabilities without the ones given. */
    public static Set<Capability> referenceCapabilitiesWithout(Capability... removed) {
        Set<Capability> capabilities = EnumSet.copyOf(new ReferenceAggregatedRnn().capabilities());
        for (Capability capability : removed) {
            capabilities.remove(capability);
        }
        return capabilities;
    }

    /** This plugin behind its isolated calls. */
    public IsolatedPlugin isolated() {
        return TestCalls.isolated(this);
    }

    @Override
    public PluginInfo info() {
        return info;
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public ForwardResult forward(ModelSpec spec, Parameters parameters, Batch batch) {
        return reference.forward(spec, parameters, batch);
    }

    @Override
    public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
        GradientResult result = reference.gradients(spec, parameters, batch);
        return gradients.apply(new GradientResult(result.loss(), result.parameterGradients(), result.inputGradients(),
                capabilities.contains(Capability.INITIAL_STATE_GRADIENTS) ? result.initialStateGradients() : null,
                capabilities.contains(Capability.HIDDEN_STATE_GRADIENTS) ? result.hiddenStateGradients() : null));
    }
}
