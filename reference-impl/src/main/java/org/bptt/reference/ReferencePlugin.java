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
 * What the reference plugins share: the forward pass ({@link RecurrentNetwork#forward(Batch)}), their identity and
 * their capabilities. Every reference plugin computes in double precision and offers every activation, head and
 * optional output of the Elman cell; those written for every cell (the aggregated and the naive BPTT) offer the GRU
 * and the LSTM with all their options too. They differ only in how they compute the gradients.
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

    /**
     * What a plugin written for every cell adds: the gated cells, each of their options, and the cell state; and,
     * since its backward pass is the shared driver's, stacked and bidirectional networks ({@link StackedNetwork}).
     */
    private static final Set<Capability> GATED_CELL_CAPABILITIES = Collections.unmodifiableSet(EnumSet.of(
            Capability.GRU_RESET_BEFORE, Capability.GRU_RESET_AFTER, Capability.LSTM, Capability.LSTM_PEEPHOLES,
            Capability.TWO_BIASES, Capability.INITIAL_CELL_STATE, Capability.INITIAL_CELL_STATE_GRADIENTS,
            Capability.CELL_STATES, Capability.STACKED, Capability.BIDIRECTIONAL_CONCAT, Capability.BIDIRECTIONAL_SUM,
            Capability.BIDIRECTIONAL_MEAN, Capability.BIDIRECTIONAL_PRODUCT));

    private final PluginInfo info;
    private final Set<Capability> capabilities;

    /**
     * @param truncatedBptt whether the plugin implements {@link #truncatedGradients}
     * @param gatedCells    whether it runs the GRU and the LSTM besides the Elman cell
     */
    protected ReferencePlugin(String id, String name, String description, boolean truncatedBptt, boolean gatedCells) {
        this(id, name, description, truncatedBptt, gatedCells ? GATED_CELL_CAPABILITIES : Set.of());
    }

    /**
     * @param truncatedBptt   whether the plugin implements {@link #truncatedGradients}
     * @param cellCapabilities what it runs besides the Elman cell of one layer, one direction
     */
    protected ReferencePlugin(String id, String name, String description, boolean truncatedBptt,
                              Set<Capability> cellCapabilities) {
        this.info = new PluginInfo(id, name, version(), VENDOR, description);
        EnumSet<Capability> all = EnumSet.copyOf(COMMON_CAPABILITIES);
        if (truncatedBptt) {
            all.add(Capability.TRUNCATED_BPTT);
        }
        all.addAll(cellCapabilities);
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
        if (!spec.topology().single()) {
            return new StackedNetwork(spec, parameters).forward(batch);
        }
        return new RecurrentNetwork(spec, parameters).forward(batch);
    }
}
