package org.bptt.cli;

import java.util.EnumSet;
import java.util.Set;
import org.bptt.api.Batch;
import org.bptt.api.Capability;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.PluginInfo;
import org.bptt.api.RnnImplementation;
import org.bptt.api.Tensor;
import org.bptt.core.plugins.PluginRegistry;

/**
 * Deliberately wrong implementations, registered for the CLI's tests only (src/test/resources/META-INF/services):
 * each wraps the reference and plants one classic mistake of a hand-written RNN.
 */
public final class BrokenPlugins {

    private BrokenPlugins() {
    }

    private abstract static class Wrapper implements RnnImplementation {
        private RnnImplementation reference;
        private final java.util.concurrent.atomic.AtomicBoolean inCall = new java.util.concurrent.atomic.AtomicBoolean();

        /**
         * Runs {@code call}, or throws when another call of this instance is running: the SPI promises one call at a
         * time per instance, and a harness that verifies on several threads must keep that promise.
         */
        <T> T oneCallAtATime(java.util.function.Supplier<T> call) {
            if (!inCall.compareAndSet(false, true)) {
                throw new IllegalStateException(info().id() + " was called while another call of this instance ran");
            }
            try {
                return call.get();
            } finally {
                inCall.set(false);
            }
        }

        /** Found on first use, not in the constructor: discovery instantiates this very class. */
        RnnImplementation reference() {
            if (reference == null) {
                reference = PluginRegistry.discover().require("reference-aggregated").implementation();
            }
            return reference;
        }

        /**
         * What the reference offers for the Elman cell, stated here: asking the reference would rediscover this
         * class. The breakages below are the Elman cell's (W, b), so these plugins run no gated cell.
         */
        @Override
        public Set<Capability> capabilities() {
            return EnumSet.complementOf(EnumSet.of(Capability.FLOAT32, Capability.TRUNCATED_BPTT, Capability.GRU_RESET_BEFORE,
                    Capability.GRU_RESET_AFTER, Capability.LSTM, Capability.LSTM_PEEPHOLES, Capability.TWO_BIASES,
                    Capability.INITIAL_CELL_STATE, Capability.INITIAL_CELL_STATE_GRADIENTS, Capability.CELL_STATES));
        }
    }

    /**
     * An LSTM (without peepholes, one bias per gate) whose dL/dW_f[2, 1] is off by 1e-3: a wrong gate gradient the
     * gate must name.
     */
    public static final class WrongForgetGateGradient extends Wrapper {
        @Override
        public PluginInfo info() {
            return new PluginInfo("test-wrong-forget-gate", "Test: wrong forget-gate gradient", "1", "tests", "");
        }

        @Override
        public Set<Capability> capabilities() {
            return EnumSet.of(Capability.LSTM, Capability.PER_STEP_SOFTMAX, Capability.LAST_STEP_SOFTMAX,
                    Capability.LAST_STEP_SIGMOID, Capability.BIASES, Capability.NO_BIASES, Capability.MASKS, Capability.FLOAT64,
                    Capability.HIDDEN_STATES, Capability.CELL_STATES);
        }

        @Override
        public ForwardResult forward(ModelSpec spec, Parameters parameters, Batch batch) {
            return oneCallAtATime(() -> reference().forward(spec, parameters, batch));
        }

        @Override
        public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
            return oneCallAtATime(() -> {
                GradientResult exact = reference().gradients(spec, parameters, batch);
                Tensor forget = exact.parameterGradients().get(ParameterNames.W_F).copy();
                forget.set(forget.get(2, 1) + 1e-3, 2, 1);
                return new GradientResult(exact.loss(), exact.parameterGradients().with(ParameterNames.W_F, forget),
                        exact.inputGradients(), exact.initialStateGradients(), exact.hiddenStateGradients(),
                        exact.initialCellStateGradients());
            });
        }
    }

    /** Uses Wᵀ where W belongs: h_t = f(U x_t + Wᵀ h_{t-1} + b). */
    public static final class TransposedRecurrentMatrix extends Wrapper {
        @Override
        public PluginInfo info() {
            return new PluginInfo("test-transposed-w", "Test: transposed recurrent matrix", "1", "tests", "");
        }

        @Override
        public ForwardResult forward(ModelSpec spec, Parameters parameters, Batch batch) {
            return oneCallAtATime(() -> reference().forward(spec, withTransposedW(parameters), batch));
        }

        @Override
        public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
            return oneCallAtATime(() -> reference().gradients(spec, withTransposedW(parameters), batch));
        }

        private static Parameters withTransposedW(Parameters parameters) {
            Tensor w = parameters.get(ParameterNames.W);
            Tensor transposed = Tensor.zeros(w.shape());
            for (int row = 0; row < w.size(0); row++) {
                for (int column = 0; column < w.size(1); column++) {
                    transposed.set(w.get(row, column), column, row);
                }
            }
            return parameters.with(ParameterNames.W, transposed);
        }
    }

    /** Forgets the hidden bias's gradient: dL/db comes back as zeros. */
    public static final class DroppedBiasGradient extends Wrapper {
        @Override
        public PluginInfo info() {
            return new PluginInfo("test-dropped-bias", "Test: dropped bias gradient", "1", "tests", "");
        }

        @Override
        public ForwardResult forward(ModelSpec spec, Parameters parameters, Batch batch) {
            return oneCallAtATime(() -> reference().forward(spec, parameters, batch));
        }

        @Override
        public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
            return oneCallAtATime(() -> {
                GradientResult exact = reference().gradients(spec, parameters, batch);
                Parameters gradients = exact.parameterGradients();
                if (gradients.get(ParameterNames.B) != null) {
                    gradients = gradients.with(ParameterNames.B, Tensor.zeros(gradients.get(ParameterNames.B).shape()));
                }
                return new GradientResult(exact.loss(), gradients, exact.inputGradients(), exact.initialStateGradients(),
                        exact.hiddenStateGradients());
            });
        }
    }
}
