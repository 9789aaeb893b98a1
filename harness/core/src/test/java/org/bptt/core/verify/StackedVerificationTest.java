package org.bptt.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bptt.api.Batch;
import org.bptt.api.Capability;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.Combine;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterName;
import org.bptt.api.Parameters;
import org.bptt.api.PluginInfo;
import org.bptt.api.RnnImplementation;
import org.bptt.api.Tensor;
import org.bptt.api.Topology;
import org.bptt.core.cases.CaseLabel;
import org.bptt.core.compare.QuantityComparison;
import org.bptt.core.cases.Suite;
import org.bptt.core.cases.SuiteCase;
import org.bptt.core.gradcheck.FiniteDifferences;
import org.bptt.core.gradcheck.GradientCheck;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.plugins.PluginCallFailure;
import org.bptt.core.plugins.PluginCalls;
import org.bptt.core.plugins.PluginRegistry;
import org.junit.jupiter.api.Test;

/**
 * The suite's stacked and bidirectional cases: what they cover, finite differences against the reference on every
 * one of them, the naive reference against the aggregated oracle, labels, and a plugin whose reverse direction ignores
 * the mask caught and located.
 */
class StackedVerificationTest {

    private static final PluginRegistry REGISTRY = PluginRegistry.discover(List.of());
    private static final LoadedPlugin ORACLE = REGISTRY.require("reference-aggregated");
    private static final Verifier VERIFIER = new Verifier();
    private static final Set<Cell> EVERY_CELL = EnumSet.allOf(Cell.class);
    private static final List<Case> STACKED = Suite.DEFAULT.stackedCases(42L, EVERY_CELL);

    @Test
    void theDefaultSuiteHoldsStackedAndBidirectionalCasesOfEveryCellWithMasksAndInitialStates() {
        assertEquals(3 * 33, STACKED.size());
        assertEquals(3, STACKED.stream().filter(c -> c.spec().dataType() == org.bptt.api.DataType.FLOAT32).count());
        Set<String> ids = new HashSet<>();
        Set<String> single = new HashSet<>(Suite.DEFAULT.cases(42L).stream().map(Case::id).toList());
        for (Case c : STACKED) {
            c.validate();
            assertTrue(ids.add(c.id()), "duplicate id " + c.id());
            assertFalse(single.contains(c.id()), c.id());
            assertFalse(c.spec().topology().single(), c.id());
        }
        for (Cell cell : Cell.values()) {
            for (Topology topology : List.of(Topology.forward(2), Topology.forward(3), Topology.bidirectional(1, Combine.CONCAT),
                    Topology.bidirectional(2, Combine.CONCAT), Topology.bidirectional(3, Combine.CONCAT),
                    Topology.bidirectional(1, Combine.SUM), Topology.bidirectional(1, Combine.MEAN), Topology.bidirectional(1, Combine.PRODUCT))) {
                assertTrue(STACKED.stream().anyMatch(c -> c.spec().cell() == cell && c.spec().topology().equals(topology)
                        && c.batch().mask() != null && c.batch().initialState() != null), cell + " " + topology);
            }
            for (int batchSize : new int[] {1, 3}) {
                for (int steps : new int[] {1, 2, 17}) {
                    for (boolean bidirectional : new boolean[] {false, true}) {
                        assertTrue(STACKED.stream().anyMatch(c -> c.spec().cell() == cell && c.spec().bidirectional() == bidirectional
                                && c.batch().batchSize() == batchSize && c.batch().steps() == steps), cell + " B" + batchSize + " T" + steps);
                    }
                }
            }
        }
        List<Case> quick = Suite.QUICK.stackedCases(42L, EVERY_CELL);
        assertEquals(9, quick.size());
        assertTrue(STACKED.containsAll(quick), "QUICK's stacked cases are DEFAULT's, data and all");
        assertEquals(12, Suite.DEFAULT.stackedTruncatedCases(42L, EVERY_CELL).size());
    }

    @Test
    void finiteDifferencesAgreeWithTheReferenceOnEveryStackedCase() throws PluginCallFailure {
        FiniteDifferences finiteDifferences = new FiniteDifferences(FiniteDifferences.DEFAULT_EPSILON, 12, 7L);
        var reference = new PluginCalls(Duration.ofSeconds(60)).isolate(ORACLE);
        List<String> failures = new ArrayList<>();
        for (Case testCase : STACKED) {
            GradientCheck check = finiteDifferences.check(reference, testCase);
            if (!check.passed(1e-6)) {
                failures.add(check.describe());
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + STACKED.size() + " disagree:\n" + String.join("\n", failures));
    }

    @Test
    void theNaiveReferencePassesEveryStackedCaseIncludingTheTruncatedOnes() {
        // The reference computes in double precision only: the float32 cases are for implementations under test.
        List<SuiteCase> cases = new ArrayList<>(STACKED.stream().filter(c -> c.spec().dataType() == org.bptt.api.DataType.FLOAT64)
                .map(SuiteCase::fullBptt).toList());
        cases.addAll(Suite.DEFAULT.stackedTruncatedCases(42L, EVERY_CELL));
        List<CaseResult> results = VERIFIER.verifyAll(cases, REGISTRY.require("reference-naive"), ORACLE, null);
        List<String> notPassed = results.stream().filter(r -> r.status() != Status.PASSED)
                .map(r -> r.caseId() + " " + r.status() + ": " + r.message()).toList();
        assertTrue(notPassed.isEmpty(), notPassed.size() + " not passed:\n" + String.join("\n", notPassed));
    }

    @Test
    void layersAndDirectionsAreCaseLabelsOnlyBeyondOneForwardLayer() {
        Case bidirectional = STACKED.stream().filter(c -> c.spec().topology().equals(Topology.bidirectional(2, Combine.CONCAT)))
                .findFirst().orElseThrow();
        Map<String, String> labels = CaseLabel.describe(SuiteCase.fullBptt(bidirectional));
        assertEquals("2", labels.get("layers"));
        assertEquals("bidirectional", labels.get("direction"));
        assertEquals("concat", labels.get("combine"));
        Map<String, String> single = CaseLabel.describe(SuiteCase.fullBptt(Suite.DEFAULT.cases(42L).get(5)));
        assertFalse(single.containsKey("layers") || single.containsKey("direction"), single::toString);
    }

    /**
     * A plugin whose reverse direction ignores the mask, as the bug reports describe: it starts at the padded end
     * T−1 instead of the sequence's last valid step. Every masked one-layer bidirectional case whose sequences are
     * not all full is caught, and the failure names the reverse direction and the step of the worst element.
     */
    @Test
    void aReverseDirectionThatStartsAtThePaddedEndIsCaughtAndLocated() {
        LoadedPlugin buggy = LoadedPlugin.of(new ReverseIgnoresMask(ORACLE.implementation()), "test");
        List<SuiteCase> bidirectional = STACKED.stream().filter(c -> c.spec().bidirectional() && c.spec().layers() == 1)
                .map(SuiteCase::fullBptt).toList();
        int caught = 0;
        for (CaseResult result : VERIFIER.verifyAll(bidirectional, buggy, ORACLE, null)) {
            Case testCase = bidirectional.stream().filter(c -> c.id().equals(result.caseId())).findFirst().orElseThrow().testCase();
            boolean padded = testCase.batch().mask() != null
                    && java.util.stream.IntStream.range(0, testCase.batch().batchSize()).anyMatch(b -> testCase.batch().length(b) < testCase.batch().steps());
            if (!padded) {
                assertEquals(Status.PASSED, result.status(), result.caseId() + ": " + result.message());
                continue;
            }
            assertEquals(Status.FAILED, result.status(), result.caseId() + ": " + result.message());
            QuantityComparison hiddenStates = result.comparisons().stream().filter(c -> c.quantity().name().equals("h")).findFirst().orElseThrow();
            assertTrue(hiddenStates.failed() > 0, result.caseId());
            String where = hiddenStates.worst().index();
            assertTrue(where.contains("direction=reverse") && where.contains("t="), result.caseId() + ": " + where);
            caught++;
        }
        assertTrue(caught >= 6, "only " + caught + " masked bidirectional cases with padding");
    }

    /**
     * The reference with its reverse direction started at the padded end: given, as its initial state at the last
     * valid step, the state it reaches from its own initial state by reading the padding x_{T−1} … x_n backwards.
     * One bidirectional layer only (it does not declare {@link Capability#STACKED}).
     */
    static final class ReverseIgnoresMask implements RnnImplementation {
        private final RnnImplementation reference;

        ReverseIgnoresMask(RnnImplementation reference) {
            this.reference = reference;
        }

        @Override
        public PluginInfo info() {
            return new PluginInfo("test-reverse-ignores-mask", "reverse direction from the padded end", "1", "test", "a test plugin");
        }

        @Override
        public Set<Capability> capabilities() {
            Set<Capability> capabilities = EnumSet.copyOf(reference.capabilities());
            capabilities.remove(Capability.STACKED);
            capabilities.remove(Capability.TRUNCATED_BPTT);
            return capabilities;
        }

        @Override
        public ForwardResult forward(ModelSpec spec, Parameters parameters, Batch batch) {
            return reference.forward(spec, parameters, fromThePaddedEnd(spec, parameters, batch));
        }

        @Override
        public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
            return reference.gradients(spec, parameters, fromThePaddedEnd(spec, parameters, batch));
        }

        /** The batch with the reverse direction's initial states replaced by where the padding takes them. */
        private Batch fromThePaddedEnd(ModelSpec spec, Parameters parameters, Batch batch) {
            if (batch.mask() == null) {
                return batch;
            }
            int hidden = spec.hiddenSize();
            int[] shape = Batch.stateShape(spec, batch.batchSize());
            Tensor h0 = batch.initialState() == null ? Tensor.zeros(shape) : batch.initialState().copy();
            Tensor c0 = !spec.cell().hasCellState() ? null : batch.initialCellState() == null ? Tensor.zeros(shape) : batch.initialCellState().copy();
            ModelSpec reverseAlone = spec.withTopology(Topology.SINGLE).withHead(Head.PER_STEP_SOFTMAX);
            Map<String, Tensor> weights = new LinkedHashMap<>();
            Parameters.zeros(reverseAlone).byName().forEach((name, zero) -> {
                Tensor reverse = ParameterName.parse(name).head() ? null : parameters.get(ParameterName.of(0, true, name).toString());
                weights.put(name, reverse == null ? zero : reverse);
            });
            for (int b = 0; b < batch.batchSize(); b++) {
                int length = batch.length(b);
                int padding = batch.steps() - length;
                if (padding == 0) {
                    continue;
                }
                Tensor inputs = Tensor.zeros(1, padding, spec.inputSize());
                for (int s = 0; s < padding; s++) {
                    for (int j = 0; j < spec.inputSize(); j++) {
                        inputs.set(batch.inputs().get(b, batch.steps() - 1 - s, j), 0, s, j);
                    }
                }
                Tensor startH = Tensor.zeros(1, hidden);
                Tensor startC = c0 == null ? null : Tensor.zeros(1, hidden);
                for (int i = 0; i < hidden; i++) {
                    startH.set(h0.get(0, 1, b, i), 0, i);
                    if (startC != null) {
                        startC.set(c0.get(0, 1, b, i), 0, i);
                    }
                }
                Tensor ones = Tensor.zeros(1, padding);
                java.util.Arrays.fill(ones.data(), 1.0);
                ForwardResult padded = reference.forward(reverseAlone, new Parameters(weights),
                        new Batch(inputs, Tensor.zeros(1, padding, spec.outputSize()), ones, startH, startC));
                for (int i = 0; i < hidden; i++) {
                    h0.set(padded.hiddenStates().get(0, padding - 1, i), 0, 1, b, i);
                    if (c0 != null) {
                        c0.set(padded.cellStates().get(0, padding - 1, i), 0, 1, b, i);
                    }
                }
            }
            return new Batch(batch.inputs(), batch.targets(), batch.mask(), h0, c0);
        }
    }
}
