package org.bptt.core.gradcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.Capability;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.DataType;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.PluginInfo;
import org.bptt.api.RnnImplementation;
import org.bptt.api.Tensor;
import java.time.Duration;
import org.bptt.core.cases.CaseGenerator;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.plugins.PluginCallFailure;
import org.bptt.core.plugins.PluginCalls;
import org.bptt.core.plugins.PluginRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Finite differences against the reference plugins (found through the registry, as a user would find them). */
class FiniteDifferencesTest {

    private static final PluginRegistry REGISTRY = PluginRegistry.discover(List.of());
    private static final double RELATIVE_TOLERANCE = 1e-6;
    /** Small sizes keep 960 cases × 3 plugins within seconds; 12 elements per tensor keeps T = 64 cheap. */
    private static final FiniteDifferences FINITE_DIFFERENCES = new FiniteDifferences(FiniteDifferences.DEFAULT_EPSILON, 12, 7L);
    private static final PluginCalls CALLS = new PluginCalls(Duration.ofSeconds(30));

    /** {@code implementation} checked through its isolated calls, as every command checks it. */
    private static GradientCheck check(RnnImplementation implementation, Case testCase) throws PluginCallFailure {
        return FINITE_DIFFERENCES.check(CALLS.isolate(LoadedPlugin.of(implementation, "test")), testCase);
    }

    @ParameterizedTest
    @ValueSource(strings = {"reference-aggregated", "reference-naive", "reference-rtrl"})
    void agreesWithEveryReferencePluginOnEveryCombination(String pluginId) throws PluginCallFailure {
        RnnImplementation implementation = REGISTRY.require(pluginId).implementation();
        List<String> failures = new ArrayList<>();
        List<Case> cases = allCombinations();
        int checkedElements = 0;
        for (Case testCase : cases) {
            GradientCheck check = check(implementation, testCase);
            checkedElements += check.parameters().stream().mapToInt(ParameterCheck::checked).sum();
            if (!check.passed(RELATIVE_TOLERANCE)) {
                failures.add(check.describe());
            }
        }
        assertEquals(4 * 3 * 2 * 2 * 2 * 2 * 5, cases.size());
        assertTrue(checkedElements > 20 * cases.size(), "too few elements were checked: " + checkedElements);
        assertTrue(failures.isEmpty(), failures.size() + " of " + cases.size() + " cases disagree:\n" + String.join("\n", failures));
    }

    @Test
    void reluCasesPassWithoutHiddenStatesToo() throws PluginCallFailure {
        RnnImplementation withoutHiddenStates = new Hiding(REGISTRY.require("reference-aggregated").implementation());
        for (Case testCase : allCombinations()) {
            if (testCase.spec().activation() == Activation.RELU) {
                GradientCheck check = check(withoutHiddenStates, testCase);
                assertTrue(check.passed(RELATIVE_TOLERANCE), check::describe);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void anElementWhoseStencilCrossesAReluKinkIsSkippedNotFailed(boolean hiddenStatesOffered) throws PluginCallFailure {
        // One step, one sequence: a_0 = U x_0 + b. Put the first unit's pre-activation 1e-5 above 0, well inside the
        // stencil b_0 ± 2ε (ε = 1e-4), so that moving b_0 switches the unit off.
        ModelSpec spec = ModelSpec.of(2, 3, 2).withActivation(Activation.RELU);
        Case random = CaseGenerator.generate("relu-kink", spec, 1, 1, false, false, 3L);
        Parameters parameters = random.parameters();
        Tensor inputs = random.batch().inputs();
        double inputTerm = parameters.get(ParameterNames.U).get(0, 0) * inputs.get(0, 0, 0) + parameters.get(ParameterNames.U).get(0, 1) * inputs.get(0, 0, 1);
        Tensor b = parameters.get(ParameterNames.B).copy();
        b.set(1e-5 - inputTerm, 0);
        Case onKink = new Case("relu-kink", "a_0 near 0", spec, parameters.with(ParameterNames.B, b), random.batch(), 3L);
        RnnImplementation reference = REGISTRY.require("reference-aggregated").implementation();
        GradientCheck check = check(hiddenStatesOffered ? reference : new Hiding(reference), onKink);
        ParameterCheck hiddenBias = check.parameter("b").orElseThrow();
        assertEquals(1, hiddenBias.skipped(), hiddenBias::describe);
        assertEquals(2, hiddenBias.checked());
        assertTrue(hiddenBias.note().contains("ReLU"), hiddenBias::note);
        assertTrue(check.passed(RELATIVE_TOLERANCE), check::describe);
    }

    @Test
    void aWrongGradientIsCaughtAndLocated() throws PluginCallFailure {
        ModelSpec spec = ModelSpec.of(2, 3, 2);
        Case testCase = CaseGenerator.generate("tanh-bias", spec, 3, 17, true, true, 99L);
        RnnImplementation reference = REGISTRY.require("reference-aggregated").implementation();
        RnnImplementation wrongW = new Delegating(reference) {
            @Override
            public GradientResult gradients(ModelSpec s, Parameters p, Batch b) {
                GradientResult right = super.gradients(s, p, b);
                Tensor w = right.parameterGradients().get(ParameterNames.W).copy();
                w.set(w.get(1, 2) * (1 + 1e-4), 1, 2); // one element off by 1e-4 relative
                return new GradientResult(right.loss(), right.parameterGradients().with(ParameterNames.W, w), right.inputGradients(),
                        right.initialStateGradients(), right.hiddenStateGradients());
            }
        };
        GradientCheck check = check(wrongW, testCase);
        assertFalse(check.passed(RELATIVE_TOLERANCE));
        ParameterCheck worst = check.worst().orElseThrow();
        assertEquals("W", worst.name());
        assertEquals("[row=1, col=2]", worst.worstIndex());
        assertTrue(worst.maxRelativeError() > 5e-5 && worst.maxRelativeError() < 2e-4, worst::describe);
        assertTrue(check.parameter("U").orElseThrow().passed(RELATIVE_TOLERANCE));
    }

    @Test
    void inputsAtMaskedStepsAreNotCheckedAndLargeTensorsAreSampled() throws PluginCallFailure {
        ModelSpec spec = ModelSpec.of(2, 3, 2);
        Case testCase = CaseGenerator.generate("masked", spec, 3, 17, true, false, 5L);
        int unmaskedInputs = 0;
        for (int sequence = 0; sequence < 3; sequence++) {
            unmaskedInputs += testCase.batch().length(sequence) * 2;
        }
        GradientCheck check = check(REGISTRY.require("reference-aggregated").implementation(), testCase);
        ParameterCheck inputs = check.parameter("x").orElseThrow();
        assertEquals(unmaskedInputs, inputs.elements());
        assertEquals(12, inputs.checked());
        assertTrue(check.parameter("h0").isEmpty(), "no h0 in the case, so no h0 check");
        assertEquals(6, check.parameter("U").orElseThrow().checked());
    }

    /** Every activation × head × biases × mask × h0 × B ∈ {1, 3} × T ∈ {1, 2, 3, 17, 64}, d = 2, H = 3, K = 2. */
    static List<Case> allCombinations() {
        List<Case> cases = new ArrayList<>();
        for (Activation activation : Activation.values()) {
            for (Head head : Head.values()) {
                for (boolean biases : new boolean[] {true, false}) {
                    for (boolean masked : new boolean[] {false, true}) {
                        for (boolean initialState : new boolean[] {false, true}) {
                            for (int batchSize : new int[] {1, 3}) {
                                for (int steps : new int[] {1, 2, 3, 17, 64}) {
                                    LossReduction reduction = LossReduction.values()[cases.size() % 3];
                                    ModelSpec spec = new ModelSpec(Cell.ELMAN, 2, 3, head == Head.LAST_STEP_SIGMOID ? 1 : 2, activation,
                                            head, biases, reduction, DataType.FLOAT64);
                                    String id = activation + "-" + head + "-" + biases + "-" + masked + "-" + initialState
                                            + "-B" + batchSize + "-T" + steps + "-" + reduction;
                                    cases.add(CaseGenerator.generate(id, spec, batchSize, steps, masked, initialState,
                                            1000L + cases.size()));
                                }
                            }
                        }
                    }
                }
            }
        }
        return cases;
    }

    /** Passes every call through. */
    static class Delegating implements RnnImplementation {
        final RnnImplementation delegate;

        Delegating(RnnImplementation delegate) {
            this.delegate = delegate;
        }

        @Override
        public PluginInfo info() {
            return delegate.info();
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
    }

    /** The reference without HIDDEN_STATES, to exercise the kink test that does without hidden states. */
    static final class Hiding extends Delegating {
        Hiding(RnnImplementation delegate) {
            super(delegate);
        }

        @Override
        public Set<Capability> capabilities() {
            Set<Capability> capabilities = EnumSet.copyOf(delegate.capabilities());
            capabilities.remove(Capability.HIDDEN_STATES);
            return capabilities;
        }

        @Override
        public ForwardResult forward(ModelSpec spec, Parameters parameters, Batch batch) {
            ForwardResult result = delegate.forward(spec, parameters, batch);
            return new ForwardResult(null, result.outputs(), result.loss());
        }
    }
}
