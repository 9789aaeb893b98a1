package org.bptt.core.verify;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.bptt.api.Batch;
import org.bptt.api.Capability;
import org.bptt.api.Case;
import org.bptt.api.DataType;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.InvalidInputException;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.RnnImplementation;
import org.bptt.api.Tensor;
import org.bptt.api.Truncation;
import org.bptt.core.cases.TruncatedCase;
import org.bptt.core.compare.IndexLabels;
import org.bptt.core.compare.QuantityComparison;
import org.bptt.core.compare.TensorComparator;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.core.plugins.LoadedPlugin;

/**
 * Runs one implementation and an oracle on a case and compares everything they both produce.
 *
 * <p>For each case, in order:
 * <ol>
 *   <li>the case is validated (an invalid case is {@link Status#ERROR}, naming the field);</li>
 *   <li>capabilities: if the implementation lacks one that {@link Capability#requiredBy} lists, the case is
 *       {@link Status#SKIPPED} ("reference-naive lacks MASKS, INITIAL_STATE"); likewise for the oracle;</li>
 *   <li>the oracle runs in double precision ({@code spec.withDataType(FLOAT64)}), the implementation in the case's
 *       data type; both get copies of the weights and batch. Each {@code forward()} and {@code gradients()} call runs
 *       on a daemon worker thread with the call timeout: a throw or a hang is {@link Status#ERROR} and the run goes
 *       on (a hung call cannot be killed; it is interrupted, and while it still runs the same implementation
 *       instance is not called again: its later cases are ERROR "still running");</li>
 *   <li>the implementation's results are never trusted: null, a wrong shape or a NaN/infinity where a value is
 *       compared is {@link Status#ERROR} "returned garbage: ...". Results that are well formed but for NaN or
 *       infinite values are {@link Status#KNOWN_DIVERGENCE} instead when every non-finite quantity is explained as a
 *       failed comparison is (below), with the explanations and the garbage message;</li>
 *   <li>comparison under the {@link TolerancePolicy}, in this order: h (when both offer
 *       {@link Capability#HIDDEN_STATES}), y, the forward loss, the loss returned with the gradients, dL/dU, dL/dW, dL/db, dL/dV, dL/dc, dL/dx
 *       ({@link Capability#INPUT_GRADIENTS}), dL/dh_{-1} ({@link Capability#INITIAL_STATE_GRADIENTS}, also when
 *       h_{-1} = 0) and dL/dh ({@link Capability#HIDDEN_STATE_GRADIENTS}); per-step tensors skip masked steps.
 *       Any failure makes the case {@link Status#FAILED}, the message naming the first failing quantity, its index,
 *       both values and the errors; when every failure is explained it is {@link Status#KNOWN_DIVERGENCE} with the
 *       explanations. A failed quantity is explained by the first matching entry of the {@link KnownDivergences}
 *       list, else by the implementation's own {@link RnnImplementation#knownDivergence} (called like any plugin
 *       method: on a worker thread with the call timeout; a throw, a hang, null or a blank text count as no
 *       explanation). Explanations are asked for failed quantities only, so one for a quantity that passes changes
 *       nothing.</li>
 * </ol>
 *
 * <p><b>Truncated BPTT</b> ({@link #verifyTruncated}): the same steps for a {@link TruncatedCase}, where both
 * plugins must also declare {@link Capability#TRUNCATED_BPTT} (else {@link Status#SKIPPED} with the reason), and
 * each is called once, {@code truncatedGradients(spec, parameters, batch, truncation)}, with the same isolation,
 * timeout and garbage checks. Compared: the loss returned with the gradients ({@value #GRADIENT_LOSS}), dL/dU,
 * dL/dW, dL/db, dL/dV, dL/dc, and dL/dx when both declare {@link Capability#INPUT_GRADIENTS} and both return it
 * (null is allowed there: DL4J's truncated BPTT, for one, computes no input gradients). The
 * {@link KnownDivergences} list is not consulted for truncated cases (its predicates see the case, not the
 * truncation); the implementation's {@code knownDivergence} is, with the truncation.
 */
public final class Verifier {

    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);

    /** The quantities, in the order they are compared and reported. */
    public static final String LOSS = "loss";
    public static final String GRADIENT_LOSS = "loss (gradients)";
    public static final String HIDDEN_STATES = "h";
    public static final String OUTPUTS = "y";
    public static final String INPUT_GRADIENTS = "dL/dx";
    public static final String INITIAL_STATE_GRADIENTS = "dL/dh_{-1}";
    public static final String HIDDEN_STATE_GRADIENTS = "dL/dh";

    /**
     * How long (at most; never longer than the call timeout) to wait for an interrupted, timed-out call to return
     * before its instance counts as "still running".
     */
    private static final Duration INTERRUPT_GRACE = Duration.ofSeconds(1);

    /** Daemon workers, created as needed: a hung plugin call holds one thread but never stops the JVM or the run. */
    private static final ExecutorService WORKERS = Executors.newCachedThreadPool(new DaemonThreads());

    private final TolerancePolicy policy;
    private final Duration callTimeout;
    private final KnownDivergences knownDivergences;
    private final TensorComparator comparator;
    /** Implementation instances whose timed-out call may still be running: the latch opens when it returns. */
    private final Map<RnnImplementation, CountDownLatch> runningAfterTimeout = new IdentityHashMap<>();

    public Verifier(TolerancePolicy policy, Duration callTimeout) {
        this(policy, callTimeout, KnownDivergences.none());
    }

    public Verifier(TolerancePolicy policy, Duration callTimeout, KnownDivergences knownDivergences) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.callTimeout = Objects.requireNonNull(callTimeout, "callTimeout");
        InvalidInputException.require(!callTimeout.isNegative() && !callTimeout.isZero(), "call timeout must be positive, got %s", callTimeout);
        this.knownDivergences = Objects.requireNonNull(knownDivergences, "knownDivergences");
        this.comparator = new TensorComparator(policy);
    }

    /** Default tolerances and a 30 s call timeout. */
    public Verifier() {
        this(TolerancePolicy.defaults(), DEFAULT_CALL_TIMEOUT);
    }

    public TolerancePolicy policy() {
        return policy;
    }

    public Duration callTimeout() {
        return callTimeout;
    }

    /** Verifies every case in order, handing each result to {@code onEach} (may be null) as soon as it is known. */
    public List<CaseResult> verifyAll(List<Case> cases, LoadedPlugin implementation, LoadedPlugin oracle, Consumer<CaseResult> onEach) {
        return verifyEach(cases, testCase -> verify(testCase, implementation, oracle),
                testCase -> testCase == null ? "?" : testCase.id(), implementation, oracle, onEach);
    }

    /**
     * Verifies every truncated case in order, handing each result to {@code onEach} (may be null) as soon as it is
     * known.
     */
    public List<CaseResult> verifyAllTruncated(List<TruncatedCase> cases, LoadedPlugin implementation, LoadedPlugin oracle,
                                               Consumer<CaseResult> onEach) {
        return verifyEach(cases, truncatedCase -> verifyTruncated(truncatedCase, implementation, oracle),
                truncatedCase -> truncatedCase == null ? "?" : truncatedCase.id(), implementation, oracle, onEach);
    }

    private <T> List<CaseResult> verifyEach(List<T> cases, Function<T, CaseResult> verifyOne, Function<T, String> idOf,
                                            LoadedPlugin implementation, LoadedPlugin oracle, Consumer<CaseResult> onEach) {
        List<CaseResult> results = new ArrayList<>(cases.size());
        for (T testCase : cases) {
            CaseResult result;
            try {
                result = verifyOne.apply(testCase);
            } catch (RuntimeException | LinkageError e) {
                // Not the plugin's fault (those are caught inside verify): a harness bug, still not fatal to the run.
                result = new CaseResult(idOf.apply(testCase), implementation.id(), oracle.id(), Status.ERROR,
                        "harness error: " + describe(e), List.of(), Map.of(), 0);
            }
            results.add(result);
            if (onEach != null) {
                onEach.accept(result);
            }
        }
        return results;
    }

    /** Verifies {@code implementation} against {@code oracle} on one case. Never throws for anything a plugin does. */
    public CaseResult verify(Case testCase, LoadedPlugin implementation, LoadedPlugin oracle) {
        return check(new Job(testCase, null), implementation, oracle);
    }

    /**
     * Verifies {@code implementation}'s truncated BPTT against {@code oracle}'s on one truncated case; the result's
     * case id is {@link TruncatedCase#id()} and its parameters include k1 and k2 ({@link #describeTruncatedCase}).
     * Never throws for anything a plugin does.
     */
    public CaseResult verifyTruncated(TruncatedCase truncatedCase, LoadedPlugin implementation, LoadedPlugin oracle) {
        return check(new Job(truncatedCase.testCase(), truncatedCase.truncation()), implementation, oracle);
    }

    /** What one verification runs: a case, and a truncation for truncated BPTT (null for full BPTT). */
    private record Job(Case testCase, Truncation truncation) {

        boolean truncated() {
            return truncation != null;
        }

        String id() {
            return truncated() ? TruncatedCase.id(testCase.id(), truncation) : testCase.id();
        }

        Map<String, String> parameters() {
            return truncated() ? describeTruncatedCase(new TruncatedCase(testCase, truncation)) : describeCase(testCase);
        }

        /** The capabilities a plugin needs to run this job on {@code spec}. */
        Set<Capability> required(ModelSpec spec) {
            Set<Capability> required = EnumSet.copyOf(Capability.requiredBy(spec, testCase.batch()));
            if (truncated()) {
                required.add(Capability.TRUNCATED_BPTT);
            }
            return required;
        }
    }

    private CaseResult check(Job job, LoadedPlugin implementation, LoadedPlugin oracle) {
        Case testCase = job.testCase();
        Outcome outcome = new Outcome(job, implementation, oracle);
        try {
            testCase.validate();
        } catch (InvalidInputException e) {
            return outcome.error("invalid case: " + e.getMessage());
        } catch (RuntimeException e) {
            return outcome.error("invalid case: " + describe(e));
        }
        ModelSpec spec = testCase.spec();
        Batch batch = testCase.batch();
        Set<Capability> lacking = lacking(job.required(spec), implementation);
        if (!lacking.isEmpty()) {
            return outcome.skipped(implementation.id() + " lacks " + names(lacking));
        }
        ModelSpec oracleSpec = spec.withDataType(DataType.FLOAT64);
        Set<Capability> oracleLacking = lacking(job.required(oracleSpec), oracle);
        if (!oracleLacking.isEmpty()) {
            return outcome.skipped("oracle " + oracle.id() + " lacks " + names(oracleLacking));
        }

        Expectations wanted = job.truncated() ? Expectations.truncated(implementation, oracle)
                : Expectations.full(implementation, oracle);
        Results expected;
        try {
            expected = run(oracle, oracleSpec, job);
        } catch (CallFailure failure) {
            return outcome.error("oracle " + oracle.id() + " " + failure.getMessage());
        }
        String oracleGarbage = garbage(expected, oracleSpec, batch, wanted, true);
        if (oracleGarbage != null) {
            return outcome.error("oracle " + oracle.id() + " returned garbage: " + oracleGarbage);
        }
        Results actual;
        try {
            actual = run(implementation, spec, job);
        } catch (CallFailure failure) {
            outcome.nanos = failure.nanos;
            return outcome.error(failure.getMessage());
        }
        outcome.nanos = actual.nanos;
        String garbage = garbage(actual, spec, batch, wanted, true);
        if (garbage != null) {
            if (garbage(actual, spec, batch, wanted, false) == null) {
                // well formed but for NaN or infinite values: maybe a documented divergence of the library
                return outcome.nonFinite("returned garbage: " + garbage, nonFiniteQuantities(actual, spec, batch, wanted));
            }
            return outcome.error("returned garbage: " + garbage);
        }
        return outcome.compared(compare(expected, actual, spec, batch, wanted));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Running a plugin

    /**
     * What is called, and what both the implementation and the oracle offer, hence what is checked and compared.
     *
     * @param forward                 whether forward() is called and its results compared (full BPTT only)
     * @param gradientCall            the gradient method, as messages name it
     * @param inputGradients          whether both declare {@link Capability#INPUT_GRADIENTS}
     * @param inputGradientsIfReturned whether a null dL/dx is allowed, dL/dx then compared only when both return it
     */
    private record Expectations(boolean forward, String gradientCall, boolean hiddenStates, boolean inputGradients,
                                boolean inputGradientsIfReturned, boolean initialStateGradients, boolean hiddenStateGradients) {

        static Expectations full(LoadedPlugin implementation, LoadedPlugin oracle) {
            return new Expectations(true, "gradients()", both(implementation, oracle, Capability.HIDDEN_STATES),
                    both(implementation, oracle, Capability.INPUT_GRADIENTS), false,
                    both(implementation, oracle, Capability.INITIAL_STATE_GRADIENTS),
                    both(implementation, oracle, Capability.HIDDEN_STATE_GRADIENTS));
        }

        static Expectations truncated(LoadedPlugin implementation, LoadedPlugin oracle) {
            return new Expectations(false, "truncatedGradients()", false,
                    both(implementation, oracle, Capability.INPUT_GRADIENTS), true, false, false);
        }

        /** Whether dL/dx is checked in a result whose dL/dx is {@code returned}. */
        boolean checksInputGradients(Tensor returned) {
            return inputGradients && (!inputGradientsIfReturned || returned != null);
        }

        /** Whether dL/dx is compared, given both results' dL/dx. */
        boolean comparesInputGradients(Tensor expected, Tensor actual) {
            return inputGradients && (!inputGradientsIfReturned || (expected != null && actual != null));
        }

        private static boolean both(LoadedPlugin a, LoadedPlugin b, Capability capability) {
            return a.has(capability) && b.has(capability);
        }
    }

    private record Results(ForwardResult forward, GradientResult gradients, long nanos) {
    }

    /** A plugin call that threw, timed out or could not be made. */
    private static final class CallFailure extends Exception {
        private static final long serialVersionUID = 1L;
        final long nanos;

        CallFailure(String message, long nanos) {
            super(message);
            this.nanos = nanos;
        }
    }

    /** forward() then gradients() for full BPTT; truncatedGradients() alone for truncated BPTT (no forward result). */
    private Results run(LoadedPlugin plugin, ModelSpec spec, Job job) throws CallFailure {
        RnnImplementation implementation = plugin.implementation();
        Case testCase = job.testCase();
        long[] nanos = {0};
        if (job.truncated()) {
            Truncation truncation = job.truncation();
            GradientResult gradients = call(implementation, "truncatedGradients()", nanos,
                    () -> implementation.truncatedGradients(spec, testCase.parameters().copy(), copy(testCase.batch()), truncation));
            return new Results(null, gradients, nanos[0]);
        }
        ForwardResult forward = call(implementation, "forward()", nanos,
                () -> implementation.forward(spec, testCase.parameters().copy(), copy(testCase.batch())));
        GradientResult gradients = call(implementation, "gradients()", nanos,
                () -> implementation.gradients(spec, testCase.parameters().copy(), copy(testCase.batch())));
        return new Results(forward, gradients, nanos[0]);
    }

    /** Calls {@code work} on a worker thread with the timeout, adding its wall time to {@code nanos[0]}. */
    private <T> T call(RnnImplementation implementation, String what, long[] nanos, Callable<T> work) throws CallFailure {
        CountDownLatch previous;
        synchronized (runningAfterTimeout) {
            previous = runningAfterTimeout.get(implementation);
        }
        if (previous != null && previous.getCount() > 0) {
            throw new CallFailure("not run: an earlier call to this implementation timed out and is still running", nanos[0]);
        }
        CountDownLatch finished = new CountDownLatch(1);
        long[] callNanos = {0};
        Future<T> future = WORKERS.submit(() -> {
            long start = System.nanoTime();
            try {
                return work.call();
            } finally {
                callNanos[0] = System.nanoTime() - start;
                finished.countDown();
            }
        });
        try {
            T result = future.get(callTimeout.toNanos(), TimeUnit.NANOSECONDS);
            nanos[0] += callNanos[0];
            return result;
        } catch (TimeoutException e) {
            future.cancel(true);
            nanos[0] += callTimeout.toNanos();
            awaitQuietly(finished, callTimeout.compareTo(INTERRUPT_GRACE) < 0 ? callTimeout : INTERRUPT_GRACE);
            synchronized (runningAfterTimeout) {
                runningAfterTimeout.put(implementation, finished);
            }
            throw new CallFailure(what + " timed out after " + format(callTimeout), nanos[0]);
        } catch (ExecutionException e) {
            nanos[0] += callNanos[0];
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new CallFailure(what + " threw " + describe(cause), nanos[0]);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new CallFailure(what + " was not awaited: the verifying thread was interrupted", nanos[0]);
        }
    }

    private static void awaitQuietly(CountDownLatch latch, Duration timeout) {
        try {
            latch.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Checking what a plugin returned

    /**
     * Null when the results are well formed; otherwise what is wrong, naming the tensor and index.
     *
     * @param finiteRequired whether a NaN or infinite value (where it is compared) is garbage; false to look for
     *                       nulls and wrong shapes only
     */
    private static String garbage(Results results, ModelSpec spec, Batch batch, Expectations wanted, boolean finiteRequired) {
        int b = batch.batchSize();
        int t = batch.steps();
        int h = spec.hiddenSize();
        String problem = wanted.forward() ? forwardGarbage(results.forward(), spec, batch, wanted, finiteRequired) : null;
        if (problem != null) {
            return problem;
        }
        GradientResult gradients = results.gradients();
        String method = wanted.gradientCall();
        if (gradients == null) {
            return method + " returned null";
        }
        if (finiteRequired && !Double.isFinite(gradients.loss())) {
            return "the loss returned by " + method + " is " + gradients.loss();
        }
        Parameters parameterGradients = gradients.parameterGradients();
        if (parameterGradients == null) {
            return method + " returned no parameter gradients";
        }
        Parameters shapes = Parameters.zeros(spec);
        for (Map.Entry<String, Tensor> entry : shapes.byName().entrySet()) {
            Tensor expectedShape = entry.getValue();
            problem = tensorProblem("dL/d" + entry.getKey(), parameterGradients.get(entry.getKey()), null, finiteRequired,
                    IndexLabels.generic(expectedShape.rank()), expectedShape.shape());
            if (problem != null) {
                return problem;
            }
        }
        if (wanted.checksInputGradients(gradients.inputGradients())) {
            problem = tensorProblem(INPUT_GRADIENTS, gradients.inputGradients(), batch.mask(), finiteRequired,
                    IndexLabels.INPUT_PER_STEP,
                    b, t, spec.inputSize());
        }
        if (problem == null && wanted.initialStateGradients()) {
            problem = tensorProblem(INITIAL_STATE_GRADIENTS, gradients.initialStateGradients(), null, finiteRequired,
                    IndexLabels.HIDDEN_PER_SEQUENCE, b, h);
        }
        if (problem == null && wanted.hiddenStateGradients()) {
            problem = tensorProblem(HIDDEN_STATE_GRADIENTS, gradients.hiddenStateGradients(), batch.mask(), finiteRequired,
                    IndexLabels.HIDDEN_PER_STEP, b, t, h);
        }
        return problem;
    }

    /** Null when the forward result is well formed; otherwise what is wrong. */
    private static String forwardGarbage(ForwardResult forward, ModelSpec spec, Batch batch, Expectations wanted,
                                         boolean finiteRequired) {
        if (forward == null) {
            return "forward() returned null";
        }
        if (finiteRequired && !Double.isFinite(forward.loss())) {
            return "the forward loss is " + forward.loss();
        }
        int b = batch.batchSize();
        int t = batch.steps();
        boolean perStep = spec.head() == Head.PER_STEP_SOFTMAX;
        String problem = perStep
                ? tensorProblem(OUTPUTS, forward.outputs(), batch.mask(), finiteRequired, IndexLabels.OUTPUT_PER_STEP, b, t, spec.outputSize())
                : tensorProblem(OUTPUTS, forward.outputs(), null, finiteRequired, IndexLabels.OUTPUT_LAST_STEP, b, spec.outputSize());
        if (problem == null && wanted.hiddenStates()) {
            problem = tensorProblem(HIDDEN_STATES, forward.hiddenStates(), batch.mask(), finiteRequired, IndexLabels.HIDDEN_PER_STEP, b, t,
                    spec.hiddenSize());
        }
        return problem;
    }

    /**
     * Null when {@code tensor} has the shape and (if {@code finiteRequired}) is finite wherever it is compared
     * (unmasked steps).
     */
    private static String tensorProblem(String name, Tensor tensor, Tensor mask, boolean finiteRequired,
                                        IndexLabels labels, int... shape) {
        if (tensor == null) {
            return name + " is missing (null)";
        }
        if (!tensor.hasShape(shape)) {
            return name + " has shape " + Arrays.toString(tensor.shape()) + ", expected " + Arrays.toString(shape);
        }
        double[] data = tensor.data();
        for (int offset = 0; finiteRequired && offset < data.length; offset++) {
            if (!Double.isFinite(data[offset])) {
                int[] index = tensor.indexOf(offset);
                if (mask != null && mask.get(index[0], index[1]) == 0) {
                    continue; // values at masked steps are unspecified
                }
                return name + " has " + data[offset] + " at " + labels.format(index);
            }
        }
        return null;
    }

    /**
     * The quantities of well-formed {@code results} (see {@link #garbage}) that hold a NaN or infinite value where
     * they are compared, in the order they are compared.
     */
    private static List<String> nonFiniteQuantities(Results results, ModelSpec spec, Batch batch, Expectations wanted) {
        List<String> quantities = new ArrayList<>();
        ForwardResult forward = results.forward();
        if (wanted.forward()) {
            if (wanted.hiddenStates() && nonFinite(forward.hiddenStates(), batch.mask())) {
                quantities.add(HIDDEN_STATES);
            }
            if (nonFinite(forward.outputs(), spec.head() == Head.PER_STEP_SOFTMAX ? batch.mask() : null)) {
                quantities.add(OUTPUTS);
            }
            if (!Double.isFinite(forward.loss())) {
                quantities.add(LOSS);
            }
        }
        GradientResult gradients = results.gradients();
        if (!Double.isFinite(gradients.loss())) {
            quantities.add(GRADIENT_LOSS);
        }
        for (String name : Parameters.zeros(spec).byName().keySet()) {
            if (nonFinite(gradients.parameterGradients().get(name), null)) {
                quantities.add("dL/d" + name);
            }
        }
        if (wanted.checksInputGradients(gradients.inputGradients()) && nonFinite(gradients.inputGradients(), batch.mask())) {
            quantities.add(INPUT_GRADIENTS);
        }
        if (wanted.initialStateGradients() && nonFinite(gradients.initialStateGradients(), null)) {
            quantities.add(INITIAL_STATE_GRADIENTS);
        }
        if (wanted.hiddenStateGradients() && nonFinite(gradients.hiddenStateGradients(), batch.mask())) {
            quantities.add(HIDDEN_STATE_GRADIENTS);
        }
        return quantities;
    }

    /** True when {@code tensor} holds a NaN or infinity at an unmasked step (a per-step tensor under a mask). */
    private static boolean nonFinite(Tensor tensor, Tensor mask) {
        double[] data = tensor.data();
        for (int offset = 0; offset < data.length; offset++) {
            if (!Double.isFinite(data[offset])) {
                int[] index = tensor.indexOf(offset);
                if (mask == null || mask.get(index[0], index[1]) != 0) {
                    return true;
                }
            }
        }
        return false;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Comparing

    private List<QuantityComparison> compare(Results expected, Results actual, ModelSpec spec, Batch batch, Expectations wanted) {
        DataType type = spec.dataType();
        int steps = batch.steps();
        Tensor mask = batch.mask();
        List<QuantityComparison> comparisons = new ArrayList<>();
        // In the order of the computation, so that the first failure named is the earliest one (a wrong h makes
        // everything after it wrong too).
        if (wanted.forward()) {
            if (wanted.hiddenStates()) {
                comparisons.add(comparator.compare(HIDDEN_STATES, expected.forward().hiddenStates(),
                        actual.forward().hiddenStates(), mask, IndexLabels.HIDDEN_PER_STEP, type, steps));
            }
            boolean perStep = spec.head() == Head.PER_STEP_SOFTMAX;
            comparisons.add(comparator.compare(OUTPUTS, expected.forward().outputs(), actual.forward().outputs(), mask,
                    perStep ? IndexLabels.OUTPUT_PER_STEP : IndexLabels.OUTPUT_LAST_STEP, type, steps));
            comparisons.add(comparator.compareScalar(LOSS, expected.forward().loss(), actual.forward().loss(), type, steps));
        }
        comparisons.add(comparator.compareScalar(GRADIENT_LOSS, expected.gradients().loss(), actual.gradients().loss(), type, steps));
        Parameters expectedGradients = expected.gradients().parameterGradients();
        Parameters actualGradients = actual.gradients().parameterGradients();
        for (Map.Entry<String, Tensor> entry : expectedGradients.byName().entrySet()) {
            Tensor value = entry.getValue();
            comparisons.add(comparator.compare("dL/d" + entry.getKey(), value, actualGradients.get(entry.getKey()), null,
                    IndexLabels.generic(value.rank()), type, steps));
        }
        if (wanted.comparesInputGradients(expected.gradients().inputGradients(), actual.gradients().inputGradients())) {
            comparisons.add(comparator.compare(INPUT_GRADIENTS, expected.gradients().inputGradients(),
                    actual.gradients().inputGradients(), mask, IndexLabels.INPUT_PER_STEP, type, steps));
        }
        if (wanted.initialStateGradients()) {
            comparisons.add(comparator.compare(INITIAL_STATE_GRADIENTS, expected.gradients().initialStateGradients(),
                    actual.gradients().initialStateGradients(), null, IndexLabels.HIDDEN_PER_SEQUENCE, type, steps));
        }
        if (wanted.hiddenStateGradients()) {
            comparisons.add(comparator.compare(HIDDEN_STATE_GRADIENTS, expected.gradients().hiddenStateGradients(),
                    actual.gradients().hiddenStateGradients(), mask, IndexLabels.HIDDEN_PER_STEP, type, steps));
        }
        return comparisons;
    }

    /** Builds the {@link CaseResult} of one case. */
    private final class Outcome {
        final Job job;
        final LoadedPlugin implementation;
        final LoadedPlugin oracle;
        long nanos;

        Outcome(Job job, LoadedPlugin implementation, LoadedPlugin oracle) {
            this.job = job;
            this.implementation = implementation;
            this.oracle = oracle;
        }

        CaseResult error(String message) {
            return result(Status.ERROR, message, List.of());
        }

        CaseResult skipped(String reason) {
            return result(Status.SKIPPED, reason, List.of());
        }

        /**
         * Well-formed results with NaN or infinite values in {@code quantities}: a known divergence when every one of
         * them is explained (like a failed comparison), else an error with {@code garbage}.
         */
        CaseResult nonFinite(String garbage, List<String> quantities) {
            List<String> explanations = new ArrayList<>();
            for (String quantity : quantities) {
                Optional<String> explanation = explanation(quantity);
                if (explanation.isEmpty()) {
                    return error(garbage);
                }
                if (!explanations.contains(explanation.get())) {
                    explanations.add(explanation.get());
                }
            }
            if (explanations.isEmpty()) {
                return error(garbage);
            }
            return result(Status.KNOWN_DIVERGENCE, "known divergence: " + String.join("; ", explanations) + " ("
                    + garbage + "; not finite: " + String.join(", ", quantities) + ")", List.of());
        }

        CaseResult compared(List<QuantityComparison> comparisons) {
            List<QuantityComparison> failed = comparisons.stream().filter(c -> !c.passed()).toList();
            if (failed.isEmpty()) {
                return result(Status.PASSED, "", comparisons);
            }
            List<String> explanations = new ArrayList<>();
            QuantityComparison firstUnexplained = null;
            for (QuantityComparison comparison : failed) {
                Optional<String> explanation = explanation(comparison.quantity());
                if (explanation.isPresent()) {
                    if (!explanations.contains(explanation.get())) {
                        explanations.add(explanation.get());
                    }
                } else if (firstUnexplained == null) {
                    firstUnexplained = comparison;
                }
            }
            String alsoFailed = failed.size() > 1 ? "; failed: " + failed.stream().map(QuantityComparison::quantity)
                    .collect(Collectors.joining(", ")) : "";
            if (firstUnexplained != null) {
                return result(Status.FAILED, firstUnexplained.describe() + alsoFailed, comparisons);
            }
            return result(Status.KNOWN_DIVERGENCE, "known divergence: " + String.join("; ", explanations)
                    + " (" + failed.get(0).describe() + alsoFailed + ")", comparisons);
        }

        /**
         * Why {@code quantity} failed, if that is known: the first matching {@link KnownDivergences} entry (full BPTT
         * only), else the implementation's own {@link RnnImplementation#knownDivergence}.
         */
        private Optional<String> explanation(String quantity) {
            if (!job.truncated()) {
                Optional<KnownDivergence> listed = knownDivergences.match(implementation.id(), job.testCase(), quantity);
                if (listed.isPresent()) {
                    return Optional.of(listed.get().explanation());
                }
            }
            return declaredDivergence(quantity);
        }

        /**
         * The implementation's {@link RnnImplementation#knownDivergence} for {@code quantity}, called like every plugin
         * method (worker thread, timeout, copies of its arguments; its time is not counted in the case's). A throw,
         * a hang, null or a blank text explain nothing: the failure stays a failure.
         */
        private Optional<String> declaredDivergence(String quantity) {
            RnnImplementation plugin = implementation.implementation();
            Case testCase = job.testCase();
            Truncation truncation = job.truncation();
            Optional<String> declared;
            try {
                declared = call(plugin, "knownDivergence()", new long[] {0},
                        () -> plugin.knownDivergence(testCase.spec(), copy(testCase.batch()), truncation, quantity));
            } catch (CallFailure failure) {
                return Optional.empty();
            }
            if (declared == null || declared.isEmpty() || declared.get().isBlank()) {
                return Optional.empty();
            }
            return Optional.of(declared.get().trim());
        }

        private CaseResult result(Status status, String message, List<QuantityComparison> comparisons) {
            return new CaseResult(job.id(), implementation.id(), oracle.id(), status, message, List.copyOf(comparisons),
                    job.parameters(), nanos);
        }
    }

    /**
     * What describes a case, in a stable order: spec, activation, head, biases, reduction, dataType, B, T, masked,
     * h0, seed, d, H, K. Tolerates a malformed case (leaves out what it cannot read).
     */
    public static Map<String, String> describeCase(Case testCase) {
        Map<String, String> parameters = new LinkedHashMap<>();
        ModelSpec spec = testCase.spec();
        Batch batch = testCase.batch();
        if (spec != null) {
            parameters.put("spec", spec.label());
            parameters.put("activation", lower(spec.activation()));
            parameters.put("head", lower(spec.head()));
            parameters.put("biases", Boolean.toString(spec.biases()));
            parameters.put("reduction", lower(spec.reduction()));
            parameters.put("dataType", lower(spec.dataType()));
        }
        if (batch != null) {
            parameters.put("B", Integer.toString(batch.batchSize()));
            parameters.put("T", Integer.toString(batch.steps()));
            parameters.put("masked", Boolean.toString(batch.mask() != null));
            parameters.put("h0", Boolean.toString(batch.initialState() != null));
        }
        parameters.put("seed", Long.toString(testCase.seed()));
        if (spec != null) {
            parameters.put("d", Integer.toString(spec.inputSize()));
            parameters.put("H", Integer.toString(spec.hiddenSize()));
            parameters.put("K", Integer.toString(spec.outputSize()));
        }
        return java.util.Collections.unmodifiableMap(parameters);
    }

    /** {@link #describeCase} of the truncated case's case, then {@code k1} and {@code k2}. */
    public static Map<String, String> describeTruncatedCase(TruncatedCase truncatedCase) {
        Map<String, String> parameters = new LinkedHashMap<>(describeCase(truncatedCase.testCase()));
        parameters.put("k1", Integer.toString(truncatedCase.truncation().forwardLength()));
        parameters.put("k2", Integer.toString(truncatedCase.truncation().backwardLength()));
        return java.util.Collections.unmodifiableMap(parameters);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Small helpers

    private static Set<Capability> lacking(Set<Capability> required, LoadedPlugin plugin) {
        Set<Capability> lacking = EnumSet.noneOf(Capability.class);
        lacking.addAll(required);
        lacking.removeAll(plugin.capabilities());
        return lacking;
    }

    private static String names(Set<Capability> capabilities) {
        return capabilities.stream().map(Enum::name).collect(Collectors.joining(", "));
    }

    private static String lower(Enum<?> value) {
        return value == null ? "" : value.name().toLowerCase(Locale.ROOT);
    }

    private static Batch copy(Batch batch) {
        return new Batch(batch.inputs().copy(), batch.targets().copy(), batch.mask() == null ? null : batch.mask().copy(),
                batch.initialState() == null ? null : batch.initialState().copy());
    }

    static String describe(Throwable error) {
        String text = error.getClass().getName() + (error.getMessage() == null ? "" : ": " + error.getMessage());
        // A wrapper (ServiceConfigurationError, ExecutionException, ...) says little: name the root cause too.
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == error ? text : text + "; caused by " + root.getClass().getName()
                + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    /** "30s" or "200ms". */
    static String format(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    private static final class DaemonThreads implements java.util.concurrent.ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable work) {
            Thread thread = new Thread(work, "bptt-plugin-call-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
