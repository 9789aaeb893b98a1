package org.bptt.core.verify;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.bptt.api.Batch;
import org.bptt.api.Capability;
import org.bptt.api.Case;
import org.bptt.api.DataType;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.InvalidInputException;
import org.bptt.api.ModelSpec;
import org.bptt.api.Quantity;
import org.bptt.api.Results;
import org.bptt.core.cases.SuiteCase;
import org.bptt.core.diagnose.Diagnostician;
import org.bptt.core.compare.QuantityComparison;
import org.bptt.core.compare.TensorComparator;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.core.plugins.CallTime;
import org.bptt.core.plugins.ExpectedOutputs;
import org.bptt.core.plugins.IsolatedPlugin;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.plugins.PluginCallFailure;
import org.bptt.core.plugins.PluginCalls;
import org.bptt.core.plugins.ResultCheck;

/**
 * Verifies one implementation against an oracle, case by case: it runs the steps below and leaves each step's work
 * to the class that owns it. Never throws for anything a plugin does.
 *
 * <p>For each {@link SuiteCase}, in order:
 * <ol>
 *   <li>the case is validated (an invalid case is {@link Status#ERROR}, naming the field);</li>
 *   <li>capabilities: if the implementation lacks one that {@link Capability#requiredBy} lists (and
 *       {@link Capability#TRUNCATED_BPTT} for a truncated case), the case is {@link Status#SKIPPED}
 *       ("reference-naive lacks MASKS, INITIAL_STATE"); likewise for the oracle;</li>
 *   <li>the oracle runs in double precision ({@code spec.withDataType(FLOAT64)}), the implementation in the case's
 *       data type, each through {@link PluginCalls} ({@link IsolatedPlugin}: a worker thread, the call timeout,
 *       copies of the arguments, the still-running tracking): {@code forward()} then {@code gradients()} for full
 *       BPTT, {@code truncatedGradients()} alone for truncated BPTT. A throw, a hang or a malformed result is
 *       {@link Status#ERROR} and the run goes on;</li>
 *   <li>the results must be finite where they are compared ({@link ResultCheck}); well-formed results with NaN or
 *       infinite values are {@link Status#ERROR} "returned garbage: ...", or {@link Status#KNOWN_DIVERGENCE} when
 *       every non-finite quantity is explained;</li>
 *   <li>the quantities are compared under the {@link TolerancePolicy} in the order of the computation
 *       ({@link ResultComparator}): h, y, the loss, the loss returned with the gradients, every parameter gradient,
 *       dL/dx, dL/dh_{-1} and dL/dh, the optional ones when both plugins offer them (truncated BPTT: the gradients
 *       alone, and dL/dx only when both returned it);</li>
 *   <li>the verdict ({@link CaseVerdict}): any failure makes the case {@link Status#FAILED}, naming the first failing
 *       quantity, its index, both values and the errors; when every failure is explained it is
 *       {@link Status#KNOWN_DIVERGENCE} with the explanations. A failure is explained when a known divergence is
 *       claimed for it ({@link DivergenceExplainer}: the {@link KnownDivergences} list, else the implementation's own
 *       {@code knownDivergence}) and the implementation matches the claimed model's prediction, which the model
 *       makes from the oracle ({@link OracleComputation});</li>
 *   <li>a failed case only: the {@link SensitivityProbe} runs the oracle on the case's data changed by one machine
 *       epsilon; when that moves every failed quantity beyond tolerance too, rounding alone can fail a correct
 *       implementation there, and the case is {@link Status#ILL_CONDITIONED} with the measured amplification.</li>
 *   <li>a case still {@link Status#FAILED} gets its diagnosis ({@link Diagnostician}): the catalogued mistake, or pair of
 *       mistakes, whose model the implementation's numbers match on every failed quantity, or that none does.</li>
 * </ol>
 * The case's labels ({@link org.bptt.core.cases.CaseLabel}) travel with every result.
 */
public final class Verifier {

    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);

    private final TolerancePolicy policy;
    private final PluginCalls calls;
    private final KnownDivergences knownDivergences;
    private final ResultComparator comparator;
    private final Diagnostician diagnostician;
    private final SensitivityProbe sensitivityProbe;
    /** Computes the perturbed cases of the {@link SensitivityProbe}; null: the oracle of each call. */
    private final LoadedPlugin sensitivityOracle;
    private final WrongComputationCheck wrongComputationCheck;

    public Verifier(TolerancePolicy policy, Duration callTimeout) {
        this(policy, callTimeout, KnownDivergences.none());
    }

    public Verifier(TolerancePolicy policy, Duration callTimeout, KnownDivergences knownDivergences) {
        this(policy, callTimeout, knownDivergences, null);
    }

    /**
     * @param sensitivityOracle computes the exact results of the perturbed cases that tell ill-conditioned cases
     *                          apart, for an oracle that cannot (stored vectors); null to use the oracle itself
     */
    public Verifier(TolerancePolicy policy, Duration callTimeout, KnownDivergences knownDivergences,
                    LoadedPlugin sensitivityOracle) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.calls = new PluginCalls(Objects.requireNonNull(callTimeout, "callTimeout"));
        this.knownDivergences = Objects.requireNonNull(knownDivergences, "knownDivergences");
        this.comparator = new ResultComparator(new TensorComparator(policy));
        this.diagnostician = Diagnostician.fromClassPath(policy);
        this.sensitivityProbe = new SensitivityProbe(comparator);
        this.sensitivityOracle = sensitivityOracle;
        this.wrongComputationCheck = new WrongComputationCheck(policy);
    }

    /** Default tolerances and a 30 s call timeout. */
    public Verifier() {
        this(TolerancePolicy.defaults(), DEFAULT_CALL_TIMEOUT);
    }

    public TolerancePolicy policy() {
        return policy;
    }

    public Duration callTimeout() {
        return calls.timeout();
    }

    /** Verifies every case in order, handing each result to {@code onEach} (may be null) as soon as it is known. */
    public List<CaseResult> verifyAll(List<SuiteCase> cases, LoadedPlugin implementation, LoadedPlugin oracle,
                                      Consumer<CaseResult> onEach) {
        List<CaseResult> results = new ArrayList<>(cases.size());
        for (SuiteCase suiteCase : cases) {
            CaseResult result;
            try {
                result = verify(suiteCase, implementation, oracle);
            } catch (RuntimeException | LinkageError e) {
                // Not the plugin's fault (those are caught inside verify): a harness bug, still not fatal to the run.
                result = new CaseResult(suiteCase == null ? "?" : suiteCase.id(), implementation.id(), oracle.id(),
                        Status.ERROR, "harness error: " + PluginCalls.describe(e), List.of(), Map.of(), 0);
            }
            results.add(result);
            if (onEach != null) {
                onEach.accept(result);
            }
        }
        return results;
    }

    /**
     * Verifies {@code implementation} against {@code oracle} on one case; the result carries the case's id
     * ({@link SuiteCase#id()}) and labels. Never throws for anything a plugin does.
     */
    public CaseResult verify(SuiteCase suiteCase, LoadedPlugin implementation, LoadedPlugin oracle) {
        IsolatedPlugin isolatedImplementation = calls.isolate(implementation);
        IsolatedPlugin isolatedOracle = calls.isolate(oracle);
        CaseVerdict verdict = new CaseVerdict(suiteCase, isolatedImplementation, oracle.id(), knownDivergences,
                wrongComputationCheck, new OracleComputation(isolatedOracle));
        Case testCase = suiteCase.testCase();
        try {
            testCase.validate();
        } catch (InvalidInputException e) {
            return verdict.error("invalid case: " + e.getMessage());
        } catch (RuntimeException e) {
            return verdict.error("invalid case: " + PluginCalls.describe(e));
        }
        ModelSpec spec = testCase.spec();
        Batch batch = testCase.batch();
        Set<Capability> lacking = lacking(required(suiteCase, spec), implementation);
        if (!lacking.isEmpty()) {
            return verdict.skipped(implementation.id() + " lacks " + names(lacking));
        }
        ModelSpec oracleSpec = spec.withDataType(DataType.FLOAT64);
        Set<Capability> oracleLacking = lacking(required(suiteCase, oracleSpec), oracle);
        if (!oracleLacking.isEmpty()) {
            return verdict.skipped("oracle " + oracle.id() + " lacks " + names(oracleLacking));
        }

        ExpectedOutputs compared = ExpectedOutputs.commonTo(implementation, oracle);
        Results expected;
        try {
            expected = run(isolatedOracle, oracleSpec, suiteCase, compared, new CallTime());
        } catch (PluginCallFailure failure) {
            return verdict.error("oracle " + oracle.id() + " " + failure.getMessage());
        }
        String oracleGarbage = nonFiniteProblem(expected, oracleSpec, batch, compared);
        if (oracleGarbage != null) {
            return verdict.error("oracle " + oracle.id() + " returned garbage: " + oracleGarbage);
        }
        CallTime time = new CallTime();
        Results actual;
        try {
            actual = run(isolatedImplementation, spec, suiteCase, compared, time);
        } catch (PluginCallFailure failure) {
            verdict.timed(time.nanos());
            // A documented limit of the implementation (a case too large for it) is a skip with the reason.
            return failure.kind() == PluginCallFailure.Kind.DECLINED ? verdict.skipped(failure.getMessage())
                    : verdict.error(failure.getMessage());
        }
        verdict.timed(time.nanos());
        String garbage = nonFiniteProblem(actual, spec, batch, compared);
        if (garbage != null) {
            // well formed (the isolated call checked that) but for NaN or infinite values: maybe a documented
            // divergence of the library
            List<Quantity> nonFinite = ResultCheck.nonFiniteQuantities(actual.forward(), actual.gradients(),
                    suiteCase.isTruncated(), spec, batch, compared);
            return verdict.nonFinite("returned garbage: " + garbage, nonFinite, actual, compared);
        }
        List<QuantityComparison> comparisons = comparator.compare(expected, actual, spec, batch, compared);
        CaseResult result = verdict.compared(comparisons, actual, compared);
        if (result.status() != Status.FAILED) {
            return result;
        }
        List<QuantityComparison> failed = comparisons.stream().filter(c -> !c.passed()).toList();
        IsolatedPlugin probeOracle = sensitivityOracle == null ? isolatedOracle : calls.isolate(sensitivityOracle);
        Optional<SensitivityProbe.Sensitivity> illConditioned = sensitivityProbe.measure(probeOracle, oracleSpec,
                spec, suiteCase, expected, compared, failed).filter(SensitivityProbe.Sensitivity::illConditioned);
        if (illConditioned.isPresent()) {
            return verdict.illConditioned(illConditioned.get().describe(failed), comparisons);
        }
        // which catalogued mistake produces exactly these numbers
        return result.withDiagnosis(diagnostician.diagnose(suiteCase, actual, comparisons,
                new OracleComputation(isolatedOracle), compared).describe());
    }

    /** The capabilities a plugin needs to run {@code suiteCase} on {@code spec}. */
    private static Set<Capability> required(SuiteCase suiteCase, ModelSpec spec) {
        Set<Capability> required = EnumSet.copyOf(Capability.requiredBy(spec, suiteCase.testCase().batch()));
        if (suiteCase.isTruncated()) {
            required.add(Capability.TRUNCATED_BPTT);
        }
        return required;
    }

    /**
     * forward() then gradients() for full BPTT; truncatedGradients() alone for truncated BPTT (no forward result).
     *
     * @param time Modified: the calls' wall time is added
     */
    static Results run(IsolatedPlugin plugin, ModelSpec spec, SuiteCase suiteCase, ExpectedOutputs compared,
                               CallTime time) throws PluginCallFailure {
        Case testCase = suiteCase.testCase();
        if (suiteCase.isTruncated()) {
            GradientResult gradients = plugin.truncatedGradients(spec, testCase.parameters(), testCase.batch(),
                    suiteCase.truncation(), compared, time);
            return new Results(null, gradients);
        }
        ForwardResult forward = plugin.forward(spec, testCase.parameters(), testCase.batch(), compared, time);
        GradientResult gradients = plugin.gradients(spec, testCase.parameters(), testCase.batch(), compared, time);
        return new Results(forward, gradients);
    }

    /** Null when well-formed {@code results} are finite wherever they are compared; otherwise the first problem. */
    private static String nonFiniteProblem(Results results, ModelSpec spec, Batch batch, ExpectedOutputs compared) {
        boolean truncated = results.forward() == null;
        String problem = truncated ? null : ResultCheck.forwardProblem(results.forward(), spec, batch, compared, true);
        return problem != null ? problem
                : ResultCheck.gradientProblem(results.gradients(), truncated, spec, batch, compared, true);
    }

    private static Set<Capability> lacking(Set<Capability> required, LoadedPlugin plugin) {
        Set<Capability> lacking = EnumSet.noneOf(Capability.class);
        lacking.addAll(required);
        lacking.removeAll(plugin.capabilities());
        return lacking;
    }

    private static String names(Set<Capability> capabilities) {
        return capabilities.stream().map(Enum::name).collect(Collectors.joining(", "));
    }
}
