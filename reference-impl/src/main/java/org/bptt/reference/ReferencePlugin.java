package org.bptt.reference;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import org.bptt.api.Batch;
import org.bptt.api.Capability;
import org.bptt.api.ForwardResult;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.PluginInfo;
import org.bptt.api.RnnImplementation;

/**
 * What the three reference plugins share: the forward pass ({@link ElmanRnn#forward(Batch)}), their identity and
 * their capabilities. Every reference plugin computes in double precision and offers every activation, head and
 * optional output; they differ only in how they compute the gradients.
 */
public abstract class ReferencePlugin implements RnnImplementation {

    /** The vendor every reference plugin reports. */
    public static final String VENDOR = "bptt-harness";

    /** The capabilities of every reference plugin (not {@link Capability#FLOAT32}: the reference is double). */
    private static final Set<Capability> COMMON_CAPABILITIES = Collections.unmodifiableSet(EnumSet.of(
            Capability.TANH, Capability.SIGMOID, Capability.RELU, Capability.IDENTITY,
            Capability.PER_STEP_SOFTMAX, Capability.LAST_STEP_SOFTMAX, Capability.LAST_STEP_SIGMOID,
            Capability.BIASES, Capability.NO_BIASES, Capability.MASKS, Capability.INITIAL_STATE,
            Capability.FLOAT64, Capability.HIDDEN_STATES, Capability.INPUT_GRADIENTS,
            Capability.INITIAL_STATE_GRADIENTS, Capability.HIDDEN_STATE_GRADIENTS));

    private final PluginInfo info;
    private final Set<Capability> capabilities;

    protected ReferencePlugin(String id, String name, String description, boolean truncatedBptt) {
        this.info = new PluginInfo(id, name, version(), VENDOR, description);
        EnumSet<Capability> all = EnumSet.copyOf(COMMON_CAPABILITIES);
        if (truncatedBptt) {
            all.add(Capability.TRUNCATED_BPTT);
        }
        this.capabilities = Collections.unmodifiableSet(all);
    }

    /** This module's version from the jar manifest's Implementation-Version, or "dev" when run from classes. */
    static String version() {
        String version = ReferencePlugin.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
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
        return new ElmanRnn(spec, parameters).forward(batch);
    }
}
