package org.bptt.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.bptt.api.Batch;
import org.bptt.api.Capability;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.RnnImplementation;
import org.bptt.api.Tensor;
import org.bptt.core.cases.Suite;
import org.bptt.core.cases.SuiteCase;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.plugins.PluginRegistry;
import org.junit.jupiter.api.Test;

/**
 * The verifier on the gated cells: every declared gate gradient, c_t and dL/dc_{-1} are compared when both sides
 * offer them, a wrong one is caught and named, garbage in them is an error, and a missing cell option skips the case.
 */
class GatedVerificationTest {

    private static final PluginRegistry REGISTRY = PluginRegistry.discover(List.of());
    private static final LoadedPlugin ORACLE = REGISTRY.require("reference-aggregated");
    private static final RnnImplementation REFERENCE = ORACLE.implementation();
    private static final Verifier VERIFIER = new Verifier();
    private static final List<Case> GATED = Suite.DEFAULT.cases(7L, EnumSet.of(Cell.GRU, Cell.LSTM));

    private static LoadedPlugin plugin(RnnImplementation implementation) {
        return LoadedPlugin.of(implementation, "test");
    }

    private static SuiteCase first(Predicate<Case> condition) {
        return SuiteCase.fullBptt(GATED.stream().filter(condition).findFirst().orElseThrow());
    }

    /** An unmasked LSTM case with peepholes, two biases, given h_{-1} and c_{-1}, and T &gt; 2. */
    private static SuiteCase lstmWithEverything() {
        return first(c -> c.spec().cell() == Cell.LSTM && c.spec().cellOptions().peepholes() && c.spec().cellOptions().twoBiases()
                && c.batch().initialCellState() != null && c.batch().steps() > 2);
    }

    @Test
    void theNaiveReferencePassesEveryGatedCaseOfTheDefaultSuiteIncludingTheTruncatedOnes() {
        List<SuiteCase> cases = new ArrayList<>(GATED.stream().map(SuiteCase::fullBptt).toList());
        cases.addAll(Suite.DEFAULT.truncatedCases(7L, EnumSet.of(Cell.GRU, Cell.LSTM)));
        List<CaseResult> results = VERIFIER.verifyAll(cases, REGISTRY.require("reference-naive"), ORACLE, null);
        List<String> notPassed = results.stream().filter(r -> r.status() != Status.PASSED)
                .map(r -> r.caseId() + " " + r.status() + ": " + r.message()).toList();
        assertTrue(notPassed.isEmpty(), notPassed.size() + " not passed:\n" + String.join("\n", notPassed.subList(0, Math.min(10, notPassed.size()))));
    }

    @Test
    void anLstmCaseComparesTheCellStatesEveryDeclaredGradientAndDlDcMinusOne() {
        SuiteCase lstm = lstmWithEverything();
        CaseResult result = VERIFIER.verify(lstm, REGISTRY.require("reference-naive"), ORACLE);
        assertEquals(Status.PASSED, result.status(), result.message());
        List<String> expected = new ArrayList<>(List.of("h", "c_t", "y", "loss", "loss (gradients)"));
        lstm.testCase().spec().parameterNames().forEach(name -> expected.add("dL/d" + name));
        expected.addAll(List.of("dL/dx", "dL/dh_{-1}", "dL/dc_{-1}", "dL/dh"));
        assertEquals(expected, result.comparisons().stream().map(c -> c.quantity().name()).toList());
        assertTrue(expected.contains("dL/dp_f") && expected.contains("dL/db_ho"), "peepholes and two biases are declared");
    }

    @Test
    void aGruCaseComparesNoCellState() {
        CaseResult result = VERIFIER.verify(first(c -> c.spec().cell() == Cell.GRU && c.batch().initialState() != null),
                REGISTRY.require("reference-naive"), ORACLE);
        assertEquals(Status.PASSED, result.status(), result.message());
        List<String> compared = result.comparisons().stream().map(c -> c.quantity().name()).toList();
        assertFalse(compared.contains("c_t") || compared.contains("dL/dc_{-1}"), compared.toString());
        assertTrue(compared.contains("dL/dW_n") && compared.contains("dL/dh_{-1}"), compared.toString());
    }

    @Test
    void aWrongForgetGateGradientIsCaughtAndNamedWithItsIndex() {
        CaseResult result = VERIFIER.verify(lstmWithEverything(), plugin(new WrongGradient(REFERENCE, ParameterNames.W_F, 2, 1)), ORACLE);
        assertEquals(Status.FAILED, result.status(), result.message());
        assertTrue(result.message().startsWith("dL/dW_f[row=2, col=1]"), result.message());
        assertEquals(List.of("dL/dW_f"), result.comparisons().stream().filter(c -> c.failed() > 0).map(c -> c.quantity().name()).toList());
    }

    @Test
    void aWrongGruCandidateGradientIsCaughtAndNamed() {
        SuiteCase gru = first(c -> c.spec().cell() == Cell.GRU && c.spec().cellOptions().twoBiases());
        CaseResult result = VERIFIER.verify(gru, plugin(new WrongGradient(REFERENCE, ParameterNames.B_HN, 3, -1)), ORACLE);
        assertEquals(Status.FAILED, result.status(), result.message());
        assertTrue(result.message().startsWith("dL/db_hn[i=3]"), result.message());
    }

    @Test
    void aWrongCellStateIsCaughtAndNamedWhileMaskedStepsAreNotCompared() {
        SuiteCase lstm = lstmWithEverything();
        int lastStep = lstm.testCase().batch().steps() - 1;
        CaseResult wrong = VERIFIER.verify(lstm, plugin(new WrongCellState(REFERENCE, 0, lastStep, 1, 1e-3)), ORACLE);
        assertEquals(Status.FAILED, wrong.status(), wrong.message());
        assertTrue(wrong.message().startsWith("c_t[b=0, t=" + lastStep + ", i=1]"), wrong.message());

        SuiteCase masked = first(c -> c.spec().cell() == Cell.LSTM && c.batch().mask() != null && c.batch().length(0) < c.batch().steps());
        int padding = masked.testCase().batch().steps() - 1;
        CaseResult atPadding = VERIFIER.verify(masked, plugin(new WrongCellState(REFERENCE, 0, padding, 0, Double.NaN)), ORACLE);
        assertEquals(Status.PASSED, atPadding.status(), "a masked step's c_t is unspecified: " + atPadding.message());
    }

    @Test
    void aWrongInitialCellStateGradientIsCaughtAndNamed() {
        CaseResult result = VERIFIER.verify(lstmWithEverything(), plugin(new WrongInitialCellStateGradient(REFERENCE)), ORACLE);
        assertEquals(Status.FAILED, result.status(), result.message());
        assertTrue(result.message().startsWith("dL/dc_{-1}[b=0, i=0]"), result.message());
    }

    @Test
    void aNanCellStateIsGarbage() {
        SuiteCase lstm = lstmWithEverything();
        CaseResult result = VERIFIER.verify(lstm, plugin(new WrongCellState(REFERENCE, 0, 1, 2, Double.NaN)), ORACLE);
        assertEquals(Status.ERROR, result.status(), result.message());
        assertEquals("returned garbage: c_t has NaN at [b=0, t=1, i=2]", result.message());
    }

    @Test
    void withoutCellStatesDeclaredTheyAreNotCompared() {
        CaseResult result = VERIFIER.verify(lstmWithEverything(),
                plugin(new Without(REFERENCE, EnumSet.of(Capability.CELL_STATES, Capability.INITIAL_CELL_STATE_GRADIENTS))), ORACLE);
        assertEquals(Status.PASSED, result.status(), result.message());
        List<String> compared = result.comparisons().stream().map(c -> c.quantity().name()).toList();
        assertFalse(compared.contains("c_t") || compared.contains("dL/dc_{-1}"), compared.toString());
    }

    @Test
    void aCaseNeedingACellOptionThePluginLacksIsSkippedWithTheReason() {
        LoadedPlugin noPeepholes = plugin(new Without(REFERENCE, EnumSet.of(Capability.LSTM_PEEPHOLES)));
        CaseResult peepholes = VERIFIER.verify(lstmWithEverything(), noPeepholes, ORACLE);
        assertEquals(Status.SKIPPED, peepholes.status());
        assertEquals("without lacks LSTM_PEEPHOLES", peepholes.message());
        LoadedPlugin noResetBefore = plugin(new Without(REFERENCE, EnumSet.of(Capability.GRU_RESET_BEFORE, Capability.INITIAL_CELL_STATE)));
        CaseResult resetBefore = VERIFIER.verify(first(c -> c.spec().cell() == Cell.GRU
                && c.spec().cellOptions().resetPlacement() == org.bptt.api.ResetPlacement.BEFORE), noResetBefore, ORACLE);
        assertEquals("without lacks GRU_RESET_BEFORE", resetBefore.message());
        CaseResult withC0 = VERIFIER.verify(lstmWithEverything(), plugin(new Without(REFERENCE, EnumSet.of(Capability.INITIAL_CELL_STATE))), ORACLE);
        assertEquals("without lacks INITIAL_CELL_STATE", withC0.message());
    }

    /** Adds 1e-3 to one element of one parameter's gradient ({@code column} −1 for a vector). */
    private static final class WrongGradient extends TestPlugins.Delegating {
        private final String name;
        private final int row;
        private final int column;

        WrongGradient(RnnImplementation delegate, String name, int row, int column) {
            super("wrong-gradient", delegate);
            this.name = name;
            this.row = row;
            this.column = column;
        }

        @Override
        public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
            GradientResult right = delegate.gradients(spec, parameters, batch);
            Tensor wrong = right.parameterGradients().get(name).copy();
            if (column < 0) {
                wrong.set(wrong.get(row) + 1e-3, row);
            } else {
                wrong.set(wrong.get(row, column) + 1e-3, row, column);
            }
            return new GradientResult(right.loss(), right.parameterGradients().with(name, wrong), right.inputGradients(),
                    right.initialStateGradients(), right.hiddenStateGradients(), right.initialCellStateGradients());
        }
    }

    /** Adds {@code change} to c_t at one index (NaN: sets it to NaN). */
    private static final class WrongCellState extends TestPlugins.Delegating {
        private final int[] index;
        private final double change;

        WrongCellState(RnnImplementation delegate, int sequence, int step, int unit, double change) {
            super("wrong-c", delegate);
            this.index = new int[] {sequence, step, unit};
            this.change = change;
        }

        @Override
        public ForwardResult forward(ModelSpec spec, Parameters parameters, Batch batch) {
            ForwardResult right = delegate.forward(spec, parameters, batch);
            Tensor cellStates = right.cellStates().copy();
            cellStates.set(Double.isNaN(change) ? Double.NaN : cellStates.get(index) + change, index);
            return new ForwardResult(right.hiddenStates(), right.outputs(), right.loss(), cellStates);
        }
    }

    /** Adds 1e-3 to dL/dc_{-1}[0, 0]. */
    private static final class WrongInitialCellStateGradient extends TestPlugins.Delegating {
        WrongInitialCellStateGradient(RnnImplementation delegate) {
            super("wrong-dc0", delegate);
        }

        @Override
        public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
            GradientResult right = delegate.gradients(spec, parameters, batch);
            Tensor wrong = right.initialCellStateGradients().copy();
            wrong.set(wrong.get(0, 0) + 1e-3, 0, 0);
            return new GradientResult(right.loss(), right.parameterGradients(), right.inputGradients(),
                    right.initialStateGradients(), right.hiddenStateGradients(), wrong);
        }
    }

    /** The delegate without some capabilities (and without the results they stand for). */
    private static final class Without extends TestPlugins.Delegating {
        private final Set<Capability> removed;

        Without(RnnImplementation delegate, Set<Capability> removed) {
            super("without", delegate);
            this.removed = removed;
        }

        @Override
        public Set<Capability> capabilities() {
            Set<Capability> capabilities = EnumSet.copyOf(delegate.capabilities());
            capabilities.removeAll(removed);
            return capabilities;
        }

        @Override
        public ForwardResult forward(ModelSpec spec, Parameters parameters, Batch batch) {
            ForwardResult result = delegate.forward(spec, parameters, batch);
            return removed.contains(Capability.CELL_STATES)
                    ? new ForwardResult(result.hiddenStates(), result.outputs(), result.loss(), null) : result;
        }

        @Override
        public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
            GradientResult result = delegate.gradients(spec, parameters, batch);
            return removed.contains(Capability.INITIAL_CELL_STATE_GRADIENTS)
                    ? new GradientResult(result.loss(), result.parameterGradients(), result.inputGradients(),
                            result.initialStateGradients(), result.hiddenStateGradients(), null)
                    : result;
        }
    }
}
