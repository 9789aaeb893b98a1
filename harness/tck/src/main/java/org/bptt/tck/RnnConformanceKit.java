package org.bptt.tck;

import io.qameta.allure.Allure;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.RnnImplementation;
import org.bptt.core.cases.Suite;
import org.bptt.core.cases.SuiteCase;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.core.plugins.CellSupport;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.plugins.PluginRegistry;
import org.bptt.core.verify.CaseResult;
import org.bptt.core.verify.KnownDivergences;
import org.bptt.core.verify.Verifier;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * The conformance kit: extend it in your implementation's own tests, return your implementation, and every case of
 * a {@link Suite} becomes one JUnit 5 dynamic test that compares it with the reference.
 *
 * <pre>{@code
 * class MyRnnConformanceTest extends RnnConformanceKit {
 *     @Override
 *     protected RnnImplementation implementation() {
 *         return new MyRnn();
 *     }
 * }
 * }</pre>
 * The oracle ({@link #oracleId()}, by default {@code reference-aggregated}) is found through
 * {@link PluginRegistry}, so the {@code reference-impl} jar must be on the test class path.
 *
 * <p>Each dynamic test, named after the case id: passes when every compared quantity is within tolerance; fails
 * with {@link AssertionFailedError} for a disagreement ({@code FAILED}: the first wrong tensor, index, both values,
 * then on a line starting {@value #DIAGNOSIS} the catalogued mistake whose numbers the implementation's match, or
 * that none does) or a plugin error ({@code ERROR}: threw, hung, returned garbage); is aborted ({@link TestAbortedException}, as a
 * failed assumption) with the reason when the implementation lacks a capability the case needs, and for a
 * documented {@link KnownDivergences known divergence}, and on an ill-conditioned case (rounding alone moves it
 * beyond tolerance; the message gives the amplification). With Allure on the class path each test carries the labels
 * feature = "conformance", story = the head, and the parameters spec, T, B and seed.
 */
public abstract class RnnConformanceKit {

    /** What starts the line of a failure's message that names the mistake behind it. */
    public static final String DIAGNOSIS = "diagnosis: ";

    /** The implementation under test. Called once per {@link #conformance()} run. */
    protected abstract RnnImplementation implementation();

    /** The cases to run; {@link Suite#QUICK} unless overridden. */
    protected Suite suite() {
        return Suite.QUICK;
    }

    /**
     * The cells whose cases of {@link #suite()} run; by default every cell the implementation declares it runs
     * ({@link CellSupport}), so an Elman-only plugin gets no GRU or LSTM cases to skip.
     *
     * @param implementation the implementation under test, as {@link #implementation()} returned it
     */
    protected Set<Cell> cells(RnnImplementation implementation) {
        return CellSupport.cells(implementation.capabilities());
    }

    /** The suite's seed: the same seed gives the same cases. */
    protected long seed() {
        return 42L;
    }

    /** The plugin id of the oracle, which must be on the test class path. */
    protected String oracleId() {
        return "reference-aggregated";
    }

    /** The tolerance policy; {@link TolerancePolicy#defaults()} unless overridden. */
    protected TolerancePolicy tolerance() {
        return TolerancePolicy.defaults();
    }

    /** How long one forward() or gradients() call may take. */
    protected Duration callTimeout() {
        return Verifier.DEFAULT_CALL_TIMEOUT;
    }

    /**
     * Documented divergences of this implementation from the reference, each a model of the wrong computation
     * ({@link org.bptt.core.verify.KnownDivergence#model()}): a divergence is known only where the implementation
     * matches its model; an entry given as text only is accepted and reported as unchecked. Besides these, the
     * implementation's own {@link RnnImplementation#knownDivergence} is asked. None unless overridden.
     */
    protected KnownDivergences knownDivergences() {
        return KnownDivergences.none();
    }

    /** Whether each test gets Allure labels and parameters (turn off when running the kit inside another test). */
    protected boolean allureLabels() {
        return true;
    }

    /** One dynamic test per case of {@link #suite()} of the {@link #cells} the implementation runs. */
    @TestFactory
    public Stream<DynamicTest> conformance() {
        RnnImplementation underTest = implementation();
        LoadedPlugin implementation = LoadedPlugin.of(underTest, "conformance kit");
        LoadedPlugin oracle = oracle();
        Verifier verifier = new Verifier(tolerance(), callTimeout(), knownDivergences());
        List<Case> cases = suite().cases(seed(), cells(underTest));
        return cases.stream().map(testCase -> DynamicTest.dynamicTest(testCase.id(),
                () -> check(verifier, testCase, implementation, oracle)));
    }

    private LoadedPlugin oracle() {
        PluginRegistry registry = PluginRegistry.discover(List.of());
        return registry.find(oracleId()).orElseThrow(() -> new IllegalStateException("the oracle '" + oracleId()
                + "' is not on the test class path (add the reference-impl artifact as a test dependency); found: "
                + (registry.ids().isEmpty() ? "no plugins" : String.join(", ", registry.ids()))
                + (registry.problems().isEmpty() ? "" : "; problems: " + registry.problems())));
    }

    private void check(Verifier verifier, Case testCase, LoadedPlugin implementation, LoadedPlugin oracle) {
        if (allureLabels()) {
            Allure.label("feature", "conformance");
            Allure.label("story", testCase.spec().head().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            Allure.parameter("spec", testCase.spec().label());
            Allure.parameter("T", testCase.batch().steps());
            Allure.parameter("B", testCase.batch().batchSize());
            Allure.parameter("seed", testCase.seed());
        }
        CaseResult result = verifier.verify(SuiteCase.fullBptt(testCase), implementation, oracle);
        switch (result.status()) {
            case PASSED -> {
                // every compared quantity within tolerance
            }
            case SKIPPED -> throw new TestAbortedException("skipped: " + result.message());
            case KNOWN_DIVERGENCE, ILL_CONDITIONED -> throw new TestAbortedException(result.message());
            case FAILED, ERROR -> throw new AssertionFailedError(result.status() + " " + testCase.id() + ": " + result.message()
                    + (result.diagnosis().isEmpty() ? "" : "\n" + DIAGNOSIS + result.diagnosis()));
        }
    }
}
