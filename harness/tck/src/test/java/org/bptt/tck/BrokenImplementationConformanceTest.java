package org.bptt.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.bptt.api.Batch;
import org.bptt.api.Capability;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.PluginInfo;
import org.bptt.api.RnnImplementation;
import org.bptt.api.Tensor;
import org.bptt.core.cases.Suite;
import org.bptt.core.plugins.PluginRegistry;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * The kit must make a broken implementation's tests fail. The kits below are nested classes so that the build does
 * not run them by themselves; this test runs them through the JUnit Platform launcher and counts the outcomes.
 */
class BrokenImplementationConformanceTest {

    private static final RnnImplementation REFERENCE = PluginRegistry.discover(List.of()).require("reference-aggregated").implementation();
    /** The kits below run the Elman cases (their wrappers know the Elman cell's parameters and results only). */
    private static final List<Case> QUICK = Suite.QUICK.cases(42L, EnumSet.of(Cell.ELMAN));

    @Test
    void aDroppedBiasGradientFailsExactlyTheCasesWithBiases() {
        TestExecutionSummary summary = run(DroppedBiasKit.class);
        long withBiases = QUICK.stream().filter(c -> c.spec().biases()).count();
        assertTrue(withBiases > 0 && withBiases < QUICK.size());
        assertEquals(QUICK.size(), summary.getTestsStartedCount());
        assertEquals(withBiases, summary.getTestsFailedCount());
        assertEquals(QUICK.size() - withBiases, summary.getTestsSucceededCount());
        for (TestExecutionSummary.Failure failure : summary.getFailures()) {
            assertTrue(failure.getException() instanceof AssertionFailedError, failure.getException().toString());
            String message = failure.getException().getMessage();
            assertTrue(message.startsWith("FAILED "), message);
            assertTrue(message.contains("dL/db[i=0]: expected "), message);
        }
    }

    @Test
    void aFailureNamesTheMistakeBehindIt() {
        TestExecutionSummary summary = run(NegatedGradientsKit.class);
        assertEquals(QUICK.size(), summary.getTestsFailedCount());
        for (TestExecutionSummary.Failure failure : summary.getFailures()) {
            String message = failure.getException().getMessage();
            assertTrue(message.contains("\n" + RnnConformanceKit.DIAGNOSIS + "output-gradient-sign: "), message);
        }
        // dL/db = 0 is the catalogued hidden-bias-gradient-lost on every case; where the gradient reaching step 0 has
        // vanished it is also what keeping only step 0's term gives, and the diagnosis names both
        List<String> messages = run(DroppedBiasKit.class).getFailures().stream().map(f -> f.getException().getMessage()).toList();
        assertFalse(messages.isEmpty());
        assertTrue(messages.stream().allMatch(m -> m.contains("\n" + RnnConformanceKit.DIAGNOSIS)
                && m.substring(m.indexOf("\n" + RnnConformanceKit.DIAGNOSIS)).contains("hidden-bias-gradient-lost")),
                messages.toString());
    }

    @Test
    void missingCapabilitiesAbortTheirTestsWithTheReason() throws Throwable {
        List<DynamicTest> tests = new NoMasksKit().conformance().toList();
        assertEquals(QUICK.size(), tests.size());
        int aborted = 0;
        for (int i = 0; i < tests.size(); i++) {
            assertEquals(QUICK.get(i).id(), tests.get(i).getDisplayName());
            if (QUICK.get(i).batch().mask() != null) {
                DynamicTest test = tests.get(i);
                TestAbortedException abort = assertThrows(TestAbortedException.class, () -> test.getExecutable().execute());
                assertEquals("skipped: no-masks lacks MASKS", abort.getMessage());
                aborted++;
            } else {
                tests.get(i).getExecutable().execute(); // passes: it is the reference
            }
        }
        assertTrue(aborted > 0);
    }

    @Test
    void aMissingOracleIsExplained() {
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> new MissingOracleKit().conformance());
        assertTrue(error.getMessage().startsWith("the oracle 'no-such-oracle' is not on the test class path"), error.getMessage());
        assertTrue(error.getMessage().contains("reference-aggregated"), "lists what was found: " + error.getMessage());
    }

    /** Runs {@code kit} in its own launcher, without auto-registered listeners (so Allure does not record it). */
    private static TestExecutionSummary run(Class<?> kit) {
        Launcher launcher = LauncherFactory.create(LauncherConfig.builder().enableTestExecutionListenerAutoRegistration(false).build());
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectClass(kit)).build();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request, listener);
        return listener.getSummary();
    }

    /** Returns zeros for dL/db. */
    static final class DroppedBiasKit extends RnnConformanceKit {
        @Override
        protected Set<Cell> cells(RnnImplementation implementation) {
            return EnumSet.of(Cell.ELMAN);
        }

        @Override
        protected RnnImplementation implementation() {
            return new Wrapper("no-db", REFERENCE.capabilities()) {
                @Override
                public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
                    GradientResult right = REFERENCE.gradients(spec, parameters, batch);
                    Parameters gradients = spec.biases() ? right.parameterGradients().with(ParameterNames.B, Tensor.zeros(spec.hiddenSize()))
                            : right.parameterGradients();
                    return new GradientResult(right.loss(), gradients, right.inputGradients(), right.initialStateGradients(),
                            right.hiddenStateGradients());
                }
            };
        }

        @Override
        protected boolean allureLabels() {
            return false;
        }
    }

    /** Every gradient negated, as the output gradient written y* − y makes them. */
    static final class NegatedGradientsKit extends RnnConformanceKit {
        @Override
        protected Set<Cell> cells(RnnImplementation implementation) {
            return EnumSet.of(Cell.ELMAN);
        }

        @Override
        protected RnnImplementation implementation() {
            return new Wrapper("negated-gradients", REFERENCE.capabilities()) {
                @Override
                public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
                    GradientResult right = REFERENCE.gradients(spec, parameters, batch);
                    java.util.Map<String, Tensor> negated = new java.util.LinkedHashMap<>();
                    right.parameterGradients().byName().forEach((name, gradient) -> negated.put(name, negate(gradient)));
                    return new GradientResult(right.loss(), new Parameters(negated), negate(right.inputGradients()),
                            negate(right.initialStateGradients()), negate(right.hiddenStateGradients()));
                }
            };
        }

        private static Tensor negate(Tensor tensor) {
            if (tensor == null) {
                return null;
            }
            double[] values = tensor.data().clone();
            for (int i = 0; i < values.length; i++) {
                values[i] = -values[i];
            }
            return new Tensor(tensor.shape().clone(), values);
        }

        @Override
        protected boolean allureLabels() {
            return false;
        }
    }

    /** The reference without MASKS. */
    static final class NoMasksKit extends RnnConformanceKit {
        @Override
        protected Set<Cell> cells(RnnImplementation implementation) {
            return EnumSet.of(Cell.ELMAN);
        }

        @Override
        protected RnnImplementation implementation() {
            Set<Capability> capabilities = EnumSet.copyOf(REFERENCE.capabilities());
            capabilities.remove(Capability.MASKS);
            return new Wrapper("no-masks", capabilities);
        }

        @Override
        protected boolean allureLabels() {
            return false;
        }
    }

    static final class MissingOracleKit extends RnnConformanceKit {
        @Override
        protected RnnImplementation implementation() {
            return REFERENCE;
        }

        @Override
        protected String oracleId() {
            return "no-such-oracle";
        }
    }

    /** The reference under another id and capabilities. */
    private static class Wrapper implements RnnImplementation {
        private final PluginInfo info;
        private final Set<Capability> capabilities;

        Wrapper(String id, Set<Capability> capabilities) {
            this.info = new PluginInfo(id, "test " + id, "0", "tests", "a test wrapper of the reference");
            this.capabilities = capabilities;
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
            return REFERENCE.forward(spec, parameters, batch);
        }

        @Override
        public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
            return REFERENCE.gradients(spec, parameters, batch);
        }
    }
}
