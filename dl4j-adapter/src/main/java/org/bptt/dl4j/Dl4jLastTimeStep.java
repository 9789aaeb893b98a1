package org.bptt.dl4j;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.bptt.api.Capability;

/**
 * The plugin {@value #ID}: last-step heads the way DL4J documents them, the top {@code SimpleRnn} (of a stacked or
 * bidirectional network too) inside {@code LastTimeStep}, which picks each sequence's last unmasked step, then an
 * {@code OutputLayer}. It runs last-step heads only (no per-step case reaches it) and no truncated BPTT;
 * {@link Dl4jLstmLastTimeStep} is the same with LSTM layers. Everything else is {@link Dl4jRnnPlugin}'s.
 *
 * <p>No dL/dx (INPUT_GRADIENTS is not declared): {@code MultiLayerNetwork.calculateGradients}, the only DL4J call
 * that returns it, hands the features mask {@code [B, T]} to the {@code OutputLayer} as its labels mask (the bug of
 * KNOWN_DIVERGENCES.md §1), which throws "Invalid mask array" against labels {@code [B, K]} whenever there is a mask.
 */
public final class Dl4jLastTimeStep extends Dl4jRnnPlugin {

    /** The plugin id. */
    public static final String ID = "dl4j-last-time-step";

    public Dl4jLastTimeStep() {
        super(Dl4jRecurrentLayer.SIMPLE_RNN, ID, "Deeplearning4j SimpleRnn in LastTimeStep",
                capabilities(Capability.TANH, Capability.SIGMOID, Capability.RELU, Capability.IDENTITY), true);
    }

    /** What the LastTimeStep plugins can do, and the cells (or activations) {@code specific} to one. */
    static Set<Capability> capabilities(Capability... specific) {
        Set<Capability> capabilities = EnumSet.of(Capability.LAST_STEP_SOFTMAX, Capability.LAST_STEP_SIGMOID,
                Capability.BIASES, Capability.NO_BIASES, Capability.MASKS, Capability.FLOAT64, Capability.FLOAT32,
                Capability.HIDDEN_STATES, Capability.STACKED,
                Capability.BIDIRECTIONAL_CONCAT, Capability.BIDIRECTIONAL_SUM, Capability.BIDIRECTIONAL_MEAN,
                Capability.BIDIRECTIONAL_PRODUCT);
        capabilities.addAll(List.of(specific));
        return capabilities;
    }
}
