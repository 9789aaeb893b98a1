package org.bptt.core.gradcheck;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.Case;
import org.bptt.api.Capability;
import org.bptt.api.DataType;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.InvalidInputException;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.bptt.core.compare.IndexLabels;
import org.bptt.core.plugins.IsolatedPlugin;
import org.bptt.core.plugins.PluginCallFailure;

/**
 * Checks an implementation's gradients against finite differences of the loss its own {@code forward()} computes,
 * in double precision. It needs nothing but the forward pass, so it is an oracle independent of any BPTT code.
 *
 * <h2>The difference quotient</h2>
 * For each checked element θ_i, with the loss L(θ) of {@code forward()}:
 * <pre>
 *   n_i = [ 8·(L(θ + ε e_i) − L(θ − ε e_i)) − (L(θ + 2ε e_i) − L(θ − 2ε e_i)) ] / (12 ε)
 * </pre>
 * the fourth-order central difference (Richardson extrapolation of two central differences). Its truncation error is
 * O(ε⁴) against O(ε²) for the two-point central difference, which allows a larger ε and so less rounding error,
 * which is ≈ u·|L|/ε. The default ε = {@value #DEFAULT_EPSILON} balances the two: measured against the exact
 * reference gradients over every activation × head × mask combination (d = 2, H = 3, T ≤ 64), |a − n| stayed below
 * 1.2e-11·max(1, |L|), against 7.7e-10·max(1, |L|) for the two-point difference at ε = 1e-6 (and truncation error
 * took over at ε = 1e-3).
 *
 * <h2>The error</h2>
 * For the analytic value a_i = the implementation's gradient:
 * <pre>
 *   relative error = |a_i − n_i| / max(|a_i|, |n_i|, floor),     floor = floorFactor · max(1, |L|)
 * </pre>
 * The floor is the finite difference's resolution, not a convenience: rounding makes n_i uncertain by an amount
 * proportional to |L| (about 1e-11·max(1, |L|) at the default ε), so a derivative much smaller than that cannot be
 * judged relatively: with the default floorFactor {@value #DEFAULT_FLOOR_FACTOR}, an element below 1e-5·max(1, |L|)
 * (a vanishing long-range gradient, say) is judged by its absolute error instead, and a relative tolerance of 1e-6
 * then asks |a_i − n_i| ≤ 1e-11·max(1, |L|) of it, which still catches any missing or wrong term of that size.
 *
 * <h2>ReLU</h2>
 * ReLU's loss is not differentiable where a pre-activation is 0. When a stencil point θ ± ε, θ ± 2ε puts any
 * unmasked pre-activation on the other side of 0 than θ does, the difference quotient straddles a kink and is
 * meaningless: such an element is skipped (counted and noted, not failed). The sign pattern is read from the hidden
 * states of {@code forward()} (h_t &gt; 0 exactly when a_t &gt; 0) when the implementation offers
 * {@link Capability#HIDDEN_STATES}; otherwise the element is skipped when its two-point central differences with
 * steps ε and 2ε disagree by more than 1e-4 relative (on a smooth loss they agree to O(ε²)).
 *
 * <h2>Calls</h2>
 * Every call goes through the plugin's {@link IsolatedPlugin}: a call that throws, hangs or returns garbage (a
 * malformed result, or a loss that is not finite) ends the check of that implementation with a
 * {@link PluginCallFailure}.
 *
 * <h2>What is checked</h2>
 * U, W, b, V, c; the inputs x (at unmasked steps only: masked inputs do not reach the loss) when the
 * implementation offers {@link Capability#INPUT_GRADIENTS}; h_{-1} when the case gives one and the implementation
 * offers {@link Capability#INITIAL_STATE_GRADIENTS}. A tensor with at most {@code maxElementsPerParameter} elements is
 * checked at every element, a larger one at a seeded random subset of that size.
 */
public final class FiniteDifferences {

    public static final double DEFAULT_EPSILON = 1e-4;
    public static final int DEFAULT_MAX_ELEMENTS_PER_PARAMETER = 64;
    public static final double DEFAULT_FLOOR_FACTOR = 1e-5;
    /**
     * How much the central differences with steps ε and 2ε may disagree (relatively) before a ReLU element counts as
     * on a kink: on a smooth loss they differ by about ε²·|third derivative of L|/2, far below this.
     */
    static final double CENTRAL_DIFFERENCE_DISAGREEMENT = 1e-4;

    private final double epsilon;
    private final int maxElementsPerParameter;
    private final long seed;
    private final double floorFactor;

    public FiniteDifferences(double epsilon, int maxElementsPerParameter, long seed) {
        this(epsilon, maxElementsPerParameter, seed, DEFAULT_FLOOR_FACTOR);
    }

    /**
     * @param epsilon                 the step ε of the stencil
     * @param maxElementsPerParameter every element of a tensor this small or smaller is checked, else a seeded sample
     * @param seed                    the seed of the sample
     * @param floorFactor             the relative error's floor is floorFactor · max(1, |L|)
     */
    public FiniteDifferences(double epsilon, int maxElementsPerParameter, long seed, double floorFactor) {
        InvalidInputException.require(epsilon > 0 && Double.isFinite(epsilon), "epsilon must be positive, got %s", epsilon);
        InvalidInputException.require(maxElementsPerParameter >= 1, "max elements per parameter must be at least 1, got %d",
                maxElementsPerParameter);
        InvalidInputException.require(floorFactor > 0 && Double.isFinite(floorFactor), "floor factor must be positive, got %s", floorFactor);
        this.epsilon = epsilon;
        this.maxElementsPerParameter = maxElementsPerParameter;
        this.seed = seed;
        this.floorFactor = floorFactor;
    }

    /** ε = {@value #DEFAULT_EPSILON}, {@value #DEFAULT_MAX_ELEMENTS_PER_PARAMETER} elements per parameter, seed 0, floor factor {@value #DEFAULT_FLOOR_FACTOR}. */
    public FiniteDifferences() {
        this(DEFAULT_EPSILON, DEFAULT_MAX_ELEMENTS_PER_PARAMETER, 0L);
    }

    public double epsilon() {
        return epsilon;
    }

    /**
     * Checks {@code implementation.gradients()} against finite differences of {@code implementation.forward()} on
     * {@code testCase}, in double precision (a float32 spec is checked as float64).
     *
     * @throws InvalidInputException when the case is invalid
     * @throws PluginCallFailure     when a call of the implementation threw, timed out or returned garbage
     */
    public GradientCheck check(IsolatedPlugin implementation, Case testCase) throws PluginCallFailure {
        testCase.validate();
        ModelSpec spec = testCase.spec().withDataType(DataType.FLOAT64);
        Parameters parameters = testCase.parameters();
        Batch batch = testCase.batch();
        GradientResult gradients = implementation.gradients(spec, parameters, batch);
        LossFunction loss = new LossFunction(implementation, spec, parameters, batch);
        double floor = floorFactor * Math.max(1, Math.abs(loss.base().loss()));
        List<ParameterCheck> checks = new ArrayList<>();
        for (var entry : parameters.byName().entrySet()) {
            String name = entry.getKey();
            Tensor analytic = gradients.parameterGradients().get(name);
            checks.add(checkTensor(name, entry.getValue(), analytic, null, loss, IndexLabels.generic(entry.getValue().rank()), floor));
        }
        if (implementation.has(Capability.INPUT_GRADIENTS)) {
            checks.add(checkTensor("x", batch.inputs(), gradients.inputGradients(), batch.mask(), loss, IndexLabels.INPUT_PER_STEP, floor));
        } else {
            checks.add(notChecked("x", "not checked: the implementation lacks INPUT_GRADIENTS"));
        }
        if (batch.initialState() != null) {
            if (implementation.has(Capability.INITIAL_STATE_GRADIENTS)) {
                checks.add(checkTensor("h0", batch.initialState(), gradients.initialStateGradients(), null, loss,
                        IndexLabels.initialStates(spec.topology().single()), floor));
            } else {
                checks.add(notChecked("h0", "not checked: the implementation lacks INITIAL_STATE_GRADIENTS"));
            }
        }
        if (batch.initialCellState() != null) {
            if (implementation.has(Capability.INITIAL_CELL_STATE_GRADIENTS)) {
                checks.add(checkTensor("c0", batch.initialCellState(), gradients.initialCellStateGradients(), null, loss,
                        IndexLabels.initialStates(spec.topology().single()), floor));
            } else {
                checks.add(notChecked("c0", "not checked: the implementation lacks INITIAL_CELL_STATE_GRADIENTS"));
            }
        }
        return new GradientCheck(testCase.id(), implementation.id(), epsilon, floor, checks);
    }

    private static ParameterCheck notChecked(String name, String note) {
        return new ParameterCheck(name, 0, 0, 0, 0, 0, "", Double.NaN, Double.NaN, note);
    }

    /** {@code analytic} has {@code point}'s shape: the isolated call checked every gradient the plugin declares. */
    private ParameterCheck checkTensor(String name, Tensor point, Tensor analytic, Tensor mask, LossFunction loss,
                                       IndexLabels labels, double floor) throws PluginCallFailure {
        int[] candidates = candidates(point, mask);
        int[] sample = sample(candidates, name);
        int checked = 0;
        int skipped = 0;
        double maxRelative = 0;
        double maxAbsolute = 0;
        int worst = -1;
        double worstNumeric = Double.NaN;
        for (int offset : sample) {
            Derivative derivative = derivative(loss, name, point, offset, floor);
            if (derivative.onKink()) {
                skipped++;
                continue;
            }
            checked++;
            double a = analytic.data()[offset];
            double n = derivative.value();
            double absolute = Math.abs(a - n);
            double relative = absolute / Math.max(Math.max(Math.abs(a), Math.abs(n)), floor);
            maxAbsolute = Math.max(maxAbsolute, absolute);
            if (worst < 0 || relative > maxRelative) {
                maxRelative = relative;
                worst = offset;
                worstNumeric = n;
            }
        }
        String note = skipped == 0 ? "" : skipped + " element(s) skipped: a ReLU pre-activation changes sign inside the stencil "
                + "(θ ± 2ε), where the loss is not differentiable";
        if (sample.length < candidates.length) {
            note = (note.isEmpty() ? "" : note + "; ") + "a seeded sample of " + sample.length + " of " + candidates.length + " elements";
        }
        return new ParameterCheck(name, candidates.length, checked, skipped, maxRelative, maxAbsolute,
                worst < 0 ? "" : labels.format(point.indexOf(worst)), worst < 0 ? Double.NaN : analytic.data()[worst],
                worstNumeric, note);
    }

    /** The offsets that reach the loss: all, or for per-step tensors under a mask only the unmasked steps. */
    private static int[] candidates(Tensor point, Tensor mask) {
        if (mask == null) {
            return java.util.stream.IntStream.range(0, point.length()).toArray();
        }
        return java.util.stream.IntStream.range(0, point.length())
                .filter(offset -> {
                    int[] index = point.indexOf(offset);
                    return mask.get(index[0], index[1]) != 0;
                }).toArray();
    }

    /** Every candidate, or a seeded random subset (partial Fisher–Yates), in increasing order. */
    private int[] sample(int[] candidates, String name) {
        if (candidates.length <= maxElementsPerParameter) {
            return candidates;
        }
        int[] pool = candidates.clone();
        SplittableRandom random = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (name.hashCode() + 1)));
        for (int i = 0; i < maxElementsPerParameter; i++) {
            int j = i + random.nextInt(pool.length - i);
            int swap = pool[i];
            pool[i] = pool[j];
            pool[j] = swap;
        }
        int[] chosen = Arrays.copyOf(pool, maxElementsPerParameter);
        Arrays.sort(chosen);
        return chosen;
    }

    /** A numeric derivative, or a note that its stencil straddles a ReLU kink. */
    private record Derivative(double value, boolean onKink) {
    }

    private Derivative derivative(LossFunction loss, String name, Tensor point, int offset, double floor)
            throws PluginCallFailure {
        double centre = point.data()[offset];
        Evaluation plus = loss.at(name, point, offset, centre + epsilon);
        Evaluation minus = loss.at(name, point, offset, centre - epsilon);
        Evaluation plus2 = loss.at(name, point, offset, centre + 2 * epsilon);
        Evaluation minus2 = loss.at(name, point, offset, centre - 2 * epsilon);
        double value = (8 * (plus.loss() - minus.loss()) - (plus2.loss() - minus2.loss())) / (12 * epsilon);
        boolean onKink = false;
        if (loss.spec.activation() == Activation.RELU) {
            if (loss.readsSigns) {
                Evaluation base = loss.base();
                onKink = !base.sameSigns(plus) || !base.sameSigns(minus) || !base.sameSigns(plus2) || !base.sameSigns(minus2);
            } else {
                // Without hidden states: the two central differences disagree when a kink lies inside the stencil.
                double near = (plus.loss() - minus.loss()) / (2 * epsilon);
                double far = (plus2.loss() - minus2.loss()) / (4 * epsilon);
                double scale = Math.max(Math.max(Math.abs(near), Math.abs(far)), floor);
                onKink = Math.abs(near - far) > CENTRAL_DIFFERENCE_DISAGREEMENT * scale;
            }
        }
        return new Derivative(value, onKink);
    }

    /** One forward pass: the loss, and which unmasked hidden units are active (h &gt; 0), for ReLU. */
    private record Evaluation(double loss, boolean[] active) {
        boolean sameSigns(Evaluation other) {
            return active == null || other.active == null || Arrays.equals(active, other.active);
        }
    }

    /**
     * The loss as a function of one element of a parameter, x, h0 or c0, everything else held at the case's values. The
     * isolated calls copy what they are given, so the case's tensors are shared here, never changed.
     */
    private static final class LossFunction {
        final IsolatedPlugin implementation;
        final ModelSpec spec;
        final Parameters parameters;
        final Batch batch;
        final boolean readsSigns;
        private Evaluation base;

        LossFunction(IsolatedPlugin implementation, ModelSpec spec, Parameters parameters, Batch batch) {
            this.implementation = implementation;
            this.spec = spec;
            this.parameters = parameters;
            this.batch = batch;
            this.readsSigns = implementation.has(Capability.HIDDEN_STATES) && spec.activation() == Activation.RELU;
        }

        Evaluation base() throws PluginCallFailure {
            if (base == null) {
                base = evaluate(parameters, batch);
            }
            return base;
        }

        Evaluation at(String name, Tensor point, int offset, double value) throws PluginCallFailure {
            Tensor moved = point.copy();
            moved.data()[offset] = value;
            return switch (name) {
                case "x" -> evaluate(parameters, new Batch(moved, batch.targets(), batch.mask(), batch.initialState(),
                        batch.initialCellState()));
                case "h0" -> evaluate(parameters, new Batch(batch.inputs(), batch.targets(), batch.mask(), moved,
                        batch.initialCellState()));
                case "c0" -> evaluate(parameters, new Batch(batch.inputs(), batch.targets(), batch.mask(), batch.initialState(),
                        moved));
                default -> evaluate(parameters.with(name, moved), batch);
            };
        }

        private Evaluation evaluate(Parameters at, Batch in) throws PluginCallFailure {
            ForwardResult result = implementation.forward(spec, at, in);
            if (!Double.isFinite(result.loss())) {
                throw new PluginCallFailure(PluginCallFailure.Kind.RETURNED_GARBAGE, implementation.id(),
                        "returned garbage: forward() returned a loss of " + result.loss() + " during the finite-difference check");
            }
            return new Evaluation(result.loss(), readsSigns ? activePattern(result.hiddenStates(), in) : null);
        }

        private boolean[] activePattern(Tensor hidden, Batch in) {
            if (hidden == null) {
                return null;
            }
            double[] data = hidden.data();
            boolean[] active = new boolean[data.length];
            int perStep = hidden.size(2);
            for (int offset = 0; offset < data.length; offset++) {
                int sequence = offset / (hidden.size(1) * perStep);
                int step = (offset / perStep) % hidden.size(1);
                // Masked steps do not reach the loss, so a sign change there is no kink of L.
                active[offset] = in.active(sequence, step) && data[offset] > 0;
            }
            return active;
        }
    }
}
