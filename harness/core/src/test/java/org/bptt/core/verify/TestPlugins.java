package org.bptt.core.verify;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.bptt.api.Batch;
import org.bptt.api.Capability;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.PluginInfo;
import org.bptt.api.Quantity;
import org.bptt.api.RnnImplementation;
import org.bptt.api.Tensor;
import org.bptt.api.Truncation;
import org.bptt.api.ExactComputation;
import org.bptt.api.Results;
import org.bptt.api.WrongComputation;

/** Deliberately broken implementations, each wrapping a correct one. Test code only: never shipped. */
final class TestPlugins {

    private TestPlugins() {
    }

    /**
     * A model of a wrong computation that predicts exactly what {@code computing} returns: the declared divergence
     * of a test plugin that computes so.
     */
    static WrongComputation computedBy(RnnImplementation computing, String description) {
        return new WrongComputation() {
            @Override
            public String description() {
                return description;
            }

            @Override
            public Results predict(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation,
                                   ExactComputation exact) {
                return truncation == null
                        ? new Results(computing.forward(spec, parameters, batch), computing.gradients(spec, parameters, batch))
                        : new Results(null, computing.truncatedGradients(spec, parameters, batch, truncation));
            }
        };
    }

    /** The model of a forgotten hidden-bias gradient, built from the exact results: dL/db is zero. */
    static WrongComputation droppedBiasGradientModel(String description) {
        return new WrongComputation() {
            @Override
            public String description() {
                return description;
            }

            @Override
            public Results predict(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation,
                                   ExactComputation exact) {
                GradientResult right = exact.gradients(spec, parameters, batch);
                return new Results(exact.forward(spec, parameters, batch), new GradientResult(right.loss(),
                        right.parameterGradients().with(ParameterNames.B, Tensor.zeros(spec.hiddenSize())),
                        right.inputGradients(), right.initialStateGradients(), right.hiddenStateGradients()));
            }
        };
    }

    /** Passes everything to a delegate under its own id; subclasses break one thing. */
    static class Delegating implements RnnImplementation {
        final RnnImplementation delegate;
        private final PluginInfo info;

        Delegating(String id, RnnImplementation delegate) {
            this.delegate = delegate;
            this.info = new PluginInfo(id, "test plugin " + id, "0", "tests", "a deliberately broken plugin");
        }

        @Override
        public PluginInfo info() {
            return info;
        }

        @Override
        public Set<Capability> capabilities() {
            return delegate.capabilities();
        }

        @Override
        public ForwardResult forward(ModelSpec spec, Parameters parameters, Batch batch) {
            return delegate.forward(spec, parameters, batch);
        }

        @Override
        public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
            return delegate.gradients(spec, parameters, batch);
        }

        @Override
        public GradientResult truncatedGradients(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation) {
            return delegate.truncatedGradients(spec, parameters, batch, truncation);
        }
    }

    /** Uses Wᵀ where W belongs: the classic orientation bug. */
    static final class TransposedRecurrence extends Delegating {
        TransposedRecurrence(RnnImplementation delegate) {
            super("transposed-w", delegate);
        }

        @Override
        public ForwardResult forward(ModelSpec spec, Parameters parameters, Batch batch) {
            return delegate.forward(spec, transposeW(parameters), batch);
        }

        @Override
        public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
            return delegate.gradients(spec, transposeW(parameters), batch);
        }

        private static Parameters transposeW(Parameters parameters) {
            Tensor w = parameters.get(ParameterNames.W);
            int n = w.size(0);
            Tensor transposed = Tensor.zeros(n, n);
            for (int row = 0; row < n; row++) {
                for (int column = 0; column < n; column++) {
                    transposed.set(w.get(column, row), row, column);
                }
            }
            return parameters.with(ParameterNames.W, transposed);
        }
    }

    /** Forgets the hidden bias gradient: dL/db comes back as zeros. */
    static final class DroppedBiasGradient extends Delegating {
        DroppedBiasGradient(RnnImplementation delegate) {
            super("no-db", delegate);
        }

        @Override
        public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
            GradientResult right = delegate.gradients(spec, parameters, batch);
            Parameters gradients = right.parameterGradients();
            return new GradientResult(right.loss(), gradients.with(ParameterNames.B, Tensor.zeros(spec.hiddenSize())), right.inputGradients(),
                    right.initialStateGradients(), right.hiddenStateGradients());
        }
    }

    /** Throws from forward(). */
    static final class Throwing extends Delegating {
        Throwing(RnnImplementation delegate) {
            super("throwing", delegate);
        }

        @Override
        public ForwardResult forward(ModelSpec spec, Parameters parameters, Batch batch) {
            throw new IllegalStateException("native library not found");
        }
    }

    /** Sleeps (interruptibly) in gradients() on cases with T = {@code hangingSteps}; correct otherwise. */
    static final class Hanging extends Delegating {
        private final int hangingSteps;

        Hanging(RnnImplementation delegate, int hangingSteps) {
            super("hanging", delegate);
            this.hangingSteps = hangingSteps;
        }

        @Override
        public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
            if (batch.steps() == hangingSteps) {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted");
                }
            }
            return delegate.gradients(spec, parameters, batch);
        }
    }

    /** Ignores interrupts in forward() until {@link #release()} is called. */
    static final class Stubborn extends Delegating {
        private volatile boolean released;

        Stubborn(RnnImplementation delegate) {
            super("stubborn", delegate);
        }

        void release() {
            released = true;
        }

        @Override
        public ForwardResult forward(ModelSpec spec, Parameters parameters, Batch batch) {
            while (!released) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException ignored) {
                    // deliberately ignored: this plugin cannot be stopped
                }
            }
            return delegate.forward(spec, parameters, batch);
        }
    }

    /** Returns NaN in the outputs at [b=0, t=0, k=1] (a per-step head). */
    static final class NotANumber extends Delegating {
        NotANumber(RnnImplementation delegate) {
            super("nan", delegate);
        }

        @Override
        public ForwardResult forward(ModelSpec spec, Parameters parameters, Batch batch) {
            ForwardResult right = delegate.forward(spec, parameters, batch);
            Tensor outputs = right.outputs().copy();
            outputs.set(Double.NaN, 0, 0, 1);
            return new ForwardResult(right.hiddenStates(), outputs, right.loss());
        }
    }

    /** Returns dL/dW with one row too few. */
    static final class WrongShape extends Delegating {
        WrongShape(RnnImplementation delegate) {
            super("wrong-shape", delegate);
        }

        @Override
        public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
            GradientResult right = delegate.gradients(spec, parameters, batch);
            int h = spec.hiddenSize();
            Tensor tooShort = Tensor.zeros(h - 1, h);
            return new GradientResult(right.loss(), right.parameterGradients().with(ParameterNames.W, tooShort), right.inputGradients(),
                    right.initialStateGradients(), right.hiddenStateGradients());
        }
    }

    /** Sets W to zero in the weights it is given (implementations must not modify their arguments). */
    static final class Vandal extends Delegating {
        Vandal(RnnImplementation delegate) {
            super("vandal", delegate);
        }

        @Override
        public ForwardResult forward(ModelSpec spec, Parameters parameters, Batch batch) {
            java.util.Arrays.fill(parameters.get(ParameterNames.W).data(), 0.0);
            java.util.Arrays.fill(batch.inputs().data(), 0.0);
            return delegate.forward(spec, parameters, batch);
        }
    }

    /** Declares only the given capabilities. */
    static final class Limited extends Delegating {
        private final Set<Capability> capabilities;

        Limited(RnnImplementation delegate, Set<Capability> capabilities) {
            super("limited", delegate);
            this.capabilities = EnumSet.copyOf(capabilities);
        }

        @Override
        public Set<Capability> capabilities() {
            return capabilities;
        }
    }

    /** {@link DroppedBiasGradient} that declares the dropped dL/db as a known divergence of its library. */
    static final class DeclaredDroppedBiasGradient extends Delegating {
        static final String EXPLANATION = "this library does not train the hidden bias (its issue #1)";
        private final DroppedBiasGradient dropped;

        DeclaredDroppedBiasGradient(RnnImplementation delegate) {
            super("declared-no-db", delegate);
            this.dropped = new DroppedBiasGradient(delegate);
        }

        @Override
        public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
            return dropped.gradients(spec, parameters, batch);
        }

        @Override
        public Optional<WrongComputation> knownDivergence(ModelSpec spec, Parameters parameters, Batch batch,
                                                          Truncation truncation, Quantity quantity) {
            return quantity.equals(Quantity.gradientOf("b")) ? Optional.of(droppedBiasGradientModel(EXPLANATION))
                    : Optional.empty();
        }
    }

    /** {@link DroppedBiasGradient} whose knownDivergence() throws. */
    static final class ThrowingExplanation extends Delegating {
        private final DroppedBiasGradient dropped;

        ThrowingExplanation(RnnImplementation delegate) {
            super("no-db", delegate);
            this.dropped = new DroppedBiasGradient(delegate);
        }

        @Override
        public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
            return dropped.gradients(spec, parameters, batch);
        }

        @Override
        public Optional<WrongComputation> knownDivergence(ModelSpec spec, Parameters parameters, Batch batch,
                                                          Truncation truncation, Quantity quantity) {
            throw new IllegalStateException("explanations unavailable");
        }
    }

    /**
     * Returns {@code model} from knownDivergence() for {@code explainedQuantity}, and records every quantity and
     * truncation it is asked about; computes with {@code computing}.
     */
    static final class Explaining extends Delegating {
        private final String explainedQuantity;
        private final WrongComputation model;
        final java.util.List<String> askedAbout = new java.util.concurrent.CopyOnWriteArrayList<>();
        final java.util.List<Optional<Truncation>> askedWith = new java.util.concurrent.CopyOnWriteArrayList<>();

        /** Declares what {@code computing} computes, described by {@code explanation}: a model that always holds. */
        Explaining(RnnImplementation computing, String explainedQuantity, String explanation) {
            this(computing, explainedQuantity, computedBy(computing, explanation));
        }

        Explaining(RnnImplementation computing, String explainedQuantity, WrongComputation model) {
            super("explaining", computing);
            this.explainedQuantity = explainedQuantity;
            this.model = model;
        }

        @Override
        public Optional<WrongComputation> knownDivergence(ModelSpec spec, Parameters parameters, Batch batch,
                                                          Truncation truncation, Quantity quantity) {
            askedAbout.add(quantity.name());
            askedWith.add(Optional.ofNullable(truncation));
            return quantity.name().equals(explainedQuantity) ? Optional.of(model) : Optional.empty();
        }
    }

    /** Scales the hidden bias gradient by a half: wrong, but not the way a dropped gradient is. */
    static final class HalvedBiasGradient extends Delegating {
        HalvedBiasGradient(RnnImplementation delegate) {
            super("half-db", delegate);
        }

        @Override
        public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
            GradientResult right = delegate.gradients(spec, parameters, batch);
            Tensor half = right.parameterGradients().get(ParameterNames.B).copy();
            double[] values = half.data();
            for (int i = 0; i < values.length; i++) {
                values[i] *= 0.5;
            }
            return new GradientResult(right.loss(), right.parameterGradients().with(ParameterNames.B, half),
                    right.inputGradients(), right.initialStateGradients(), right.hiddenStateGradients());
        }
    }

    /** Truncated BPTT that ignores k2: it computes BPTT(k1, k1) whatever it is asked. */
    static final class IgnoresBackwardLength extends Delegating {
        IgnoresBackwardLength(RnnImplementation delegate) {
            super("ignores-k2", delegate);
        }

        @Override
        public GradientResult truncatedGradients(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation) {
            return delegate.truncatedGradients(spec, parameters, batch,
                    new Truncation(truncation.forwardLength(), truncation.forwardLength()));
        }
    }

    /** Truncated BPTT without input gradients (null), as DL4J's is; correct otherwise. */
    static final class NoTruncatedInputGradients extends Delegating {
        NoTruncatedInputGradients(RnnImplementation delegate) {
            super("no-truncated-dx", delegate);
        }

        @Override
        public GradientResult truncatedGradients(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation) {
            GradientResult right = delegate.truncatedGradients(spec, parameters, batch, truncation);
            return new GradientResult(right.loss(), right.parameterGradients(), null, null, null);
        }
    }

    /** Truncated BPTT with NaN in dL/dW[0, 1]. */
    static final class NotANumberInTruncatedGradients extends Delegating {
        NotANumberInTruncatedGradients(RnnImplementation delegate) {
            super("truncated-nan", delegate);
        }

        @Override
        public GradientResult truncatedGradients(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation) {
            GradientResult right = delegate.truncatedGradients(spec, parameters, batch, truncation);
            Tensor w = right.parameterGradients().get(ParameterNames.W).copy();
            w.set(Double.NaN, 0, 1);
            return new GradientResult(right.loss(), right.parameterGradients().with(ParameterNames.W, w), right.inputGradients(),
                    right.initialStateGradients(), right.hiddenStateGradients());
        }
    }
}
