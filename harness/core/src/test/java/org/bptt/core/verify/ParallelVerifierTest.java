package org.bptt.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.bptt.api.Batch;
import org.bptt.api.Cell;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.RnnImplementation;
import org.bptt.api.Truncation;
import org.bptt.core.cases.Suite;
import org.bptt.core.cases.SuiteCase;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.plugins.PluginRegistry;
import org.junit.jupiter.api.Test;

class ParallelVerifierTest {

    private static final PluginRegistry REGISTRY = PluginRegistry.discover(List.of());
    private static final LoadedPlugin ORACLE = REGISTRY.require("reference-aggregated");
    private static final Verifier VERIFIER = new Verifier(TolerancePolicy.defaults(), Duration.ofSeconds(30));
    /** Every Elman case of the quick suite, truncated ones included: passes, skips and failures. */
    private static final List<SuiteCase> CASES = quickElmanCases();

    @Test
    void severalThreadsGiveTheSequentialResultsInTheSequentialOrder() {
        LoadedPlugin transposed = LoadedPlugin.of(new TestPlugins.TransposedRecurrence(freshReference()), "test");
        List<LoadedPlugin> implementations = List.of(REGISTRY.require("reference-naive"), transposed,
                REGISTRY.require("reference-rtrl"));
        List<CaseResult> sequential = new ArrayList<>();
        for (LoadedPlugin implementation : implementations) {
            sequential.addAll(VERIFIER.verifyAll(CASES, implementation, ORACLE, null));
        }
        assertTrue(sequential.stream().anyMatch(result -> result.status() == Status.FAILED), "the suite has failures");
        assertTrue(sequential.stream().anyMatch(result -> result.status() == Status.SKIPPED), "the suite has skips");

        List<CaseResult> handedOver = new ArrayList<>();
        List<CaseResult> parallel = new ParallelVerifier(VERIFIER, 4, REGISTRY::newInstance)
                .verifyAll(CASES, implementations, ORACLE, handedOver::add);

        assertEquals(withoutTimes(sequential), withoutTimes(parallel));
        assertEquals(parallel, handedOver, "each result is handed over in the order of the returned list");
    }

    @Test
    void aPluginThatRefusesConcurrentCallsGetsOneInstancePerThread() {
        AtomicInteger made = new AtomicInteger();
        Function<LoadedPlugin, Optional<LoadedPlugin>> newInstance = plugin -> {
            if (!plugin.id().equals(OneCallAtATime.ID)) {
                return REGISTRY.newInstance(plugin);
            }
            made.incrementAndGet();
            return Optional.of(LoadedPlugin.of(new OneCallAtATime(freshReference()), "test"));
        };
        LoadedPlugin first = LoadedPlugin.of(new OneCallAtATime(freshReference()), "test");

        List<CaseResult> results = new ParallelVerifier(VERIFIER, 3, newInstance).verifyAll(CASES, List.of(first),
                ORACLE, null);

        assertEquals(withoutTimes(VERIFIER.verifyAll(CASES, LoadedPlugin.of(new OneCallAtATime(freshReference()),
                "test"), ORACLE, null)), withoutTimes(results));
        assertTrue(results.stream().noneMatch(result -> result.status() == Status.ERROR), () -> results.toString());
        assertTrue(made.get() <= 2, "at most one instance per further thread, made: " + made.get());
    }

    @Test
    void aPluginOfWhichNoOtherInstanceCanBeMadeIsCalledOneCallAtATime() {
        LoadedPlugin only = LoadedPlugin.of(new OneCallAtATime(freshReference()), "test");
        List<CaseResult> results = new ParallelVerifier(VERIFIER, 3, plugin -> Optional.empty())
                .verifyAll(CASES, List.of(only), ORACLE, null);
        assertEquals(CASES.size(), results.size());
        assertTrue(results.stream().noneMatch(result -> result.status() == Status.ERROR), () -> results.toString());
    }

    @Test
    void anImplementationVerifiedAgainstItselfSharesItsOneInstanceWithoutWaitingForItself() {
        LoadedPlugin only = LoadedPlugin.of(new OneCallAtATime(freshReference()), "test");
        List<CaseResult> results = new ParallelVerifier(VERIFIER, 2, plugin -> Optional.empty())
                .verifyAll(CASES, List.of(only), only, null);
        assertTrue(results.stream().allMatch(result -> result.status() == Status.PASSED
                || result.status() == Status.SKIPPED), () -> results.toString());
    }

    @Test
    void aHarnessErrorInOneCaseIsThatCaseVerdictAndTheOthersGoOn() {
        List<SuiteCase> withANull = new ArrayList<>(CASES.subList(0, 3));
        withANull.add(1, null);
        List<CaseResult> results = new ParallelVerifier(VERIFIER, 2, REGISTRY::newInstance)
                .verifyAll(withANull, List.of(REGISTRY.require("reference-naive")), ORACLE, null);
        assertEquals(withoutTimes(VERIFIER.verifyAll(withANull, REGISTRY.require("reference-naive"), ORACLE, null)),
                withoutTimes(results));
        assertEquals(Status.ERROR, results.get(1).status());
        assertTrue(results.get(1).message().startsWith("harness error: "), results.get(1).message());
    }

    private static List<SuiteCase> quickElmanCases() {
        List<SuiteCase> cases = new ArrayList<>();
        Suite.QUICK.cases(3L, EnumSet.of(Cell.ELMAN)).forEach(testCase -> cases.add(SuiteCase.fullBptt(testCase)));
        cases.addAll(Suite.QUICK.truncatedCases(3L, EnumSet.of(Cell.ELMAN)));
        return cases;
    }

    /** A fresh instance of the reference, so that no two plugins of a test share one. */
    private static RnnImplementation freshReference() {
        return REGISTRY.newInstance(ORACLE).orElseThrow().implementation();
    }

    /** The results with the calls' wall times, the one thing that may differ between runs, set to zero. */
    private static List<CaseResult> withoutTimes(List<CaseResult> results) {
        return results.stream().map(result -> new CaseResult(result.caseId(), result.implementationId(),
                result.oracleId(), result.status(), result.message(), result.comparisons(), result.parameters(), 0))
                .toList();
    }

    /** The reference, but a call that arrives while another runs on the same instance throws. */
    private static final class OneCallAtATime extends TestPlugins.Delegating {
        static final String ID = "test-one-call-at-a-time";
        private final AtomicBoolean inCall = new AtomicBoolean();

        OneCallAtATime(RnnImplementation delegate) {
            super(ID, delegate);
        }

        @Override
        public ForwardResult forward(ModelSpec spec, Parameters parameters, Batch batch) {
            enter();
            try {
                return super.forward(spec, parameters, batch);
            } finally {
                inCall.set(false);
            }
        }

        @Override
        public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
            enter();
            try {
                return super.gradients(spec, parameters, batch);
            } finally {
                inCall.set(false);
            }
        }

        @Override
        public GradientResult truncatedGradients(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation) {
            enter();
            try {
                return super.truncatedGradients(spec, parameters, batch, truncation);
            } finally {
                inCall.set(false);
            }
        }

        private void enter() {
            if (!inCall.compareAndSet(false, true)) {
                throw new IllegalStateException("called while another call of this instance runs");
            }
        }
    }
}
