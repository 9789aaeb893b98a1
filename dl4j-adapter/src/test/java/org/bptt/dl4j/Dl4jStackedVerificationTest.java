package org.bptt.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.bptt.api.Batch;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.Combine;
import org.bptt.api.DataType;
import org.bptt.api.Head;
import org.bptt.api.ModelSpec;
import org.bptt.api.Topology;
import org.bptt.api.Truncation;
import org.bptt.core.cases.SuiteCase;
import org.bptt.api.GradientResult;
import org.bptt.core.compare.QuantityComparison;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.verify.CaseResult;
import org.bptt.core.verify.KnownDivergences;
import org.bptt.core.verify.Status;
import org.bptt.core.verify.Verifier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The DL4J plugins' stacked and bidirectional networks against the reference ({@code reference-aggregated}, whose
 * stacked BPTT the reference's own tests check against finite differences), under the harness's default tolerance:
 * every combine mode, one to three layers, each head, masked and not, float64 and float32 taking turns. Each
 * quantity agrees, or its difference is a known divergence that the plugin declares: §1 (dL/dx of masked last-step
 * heads) and §11 (bidirectional LSTMs read the padding). Truncated BPTT on stacks of forward layers, through
 * harness-core's {@link Verifier} as {@code bptt verify} runs it: BPTT(T, T) passes, a truncation that cuts is §2's
 * known divergence, in every layer.
 */
class Dl4jStackedVerificationTest {

    private static final Verifier VERIFIER = new Verifier(TolerancePolicy.defaults(), Duration.ofSeconds(60),
            KnownDivergences.none());
    private static final LoadedPlugin ORACLE = LoadedPlugin.of(Dl4jTestSupport.REFERENCE, "test");
    private static final List<Topology> TOPOLOGIES = List.of(Topology.forward(3),
            Topology.bidirectional(2, Combine.CONCAT), Topology.bidirectional(2, Combine.SUM),
            Topology.bidirectional(1, Combine.MEAN), Topology.bidirectional(1, Combine.PRODUCT));

    @ParameterizedTest
    @EnumSource(Dl4jRecurrentLayer.class)
    void stackedAndBidirectionalNetworksPassOrAreDeclaredKnownDivergences(Dl4jRecurrentLayer layer) {
        List<Case> cases = new ArrayList<>();
        int turn = 0;
        for (Topology topology : TOPOLOGIES) {
            for (Head head : Head.values()) {
                for (boolean masked : new boolean[] {false, true}) {
                    ModelSpec spec = spec(layer, head, topology)
                            .withDataType(turn % 3 == 2 ? DataType.FLOAT32 : DataType.FLOAT64);
                    Batch batch = StackedCases.batch(spec, 7, masked, 500L + turn);
                    cases.add(new Case("stacked-" + turn, spec.label(), spec, StackedCases.parameters(spec, 900L + turn),
                            batch, 500L + turn));
                    turn++;
                }
            }
        }
        Dl4jRnnPlugin plugin = plugin(layer);
        for (Case testCase : cases) {
            ModelSpec spec = testCase.spec();
            Batch batch = testCase.batch();
            String context = testCase.description() + (batch.mask() == null ? "" : " masked");
            List<QuantityComparison> comparisons = new ArrayList<>(Dl4jTestSupport.compareForward(spec, batch,
                    Dl4jTestSupport.REFERENCE.forward(spec, testCase.parameters(), batch),
                    plugin.forward(spec, testCase.parameters(), batch)));
            GradientResult expected = Dl4jTestSupport.REFERENCE.gradients(spec, testCase.parameters(), batch);
            GradientResult actual = plugin.gradients(spec, testCase.parameters(), batch);
            comparisons.addAll(Dl4jTestSupport.compareParameterGradients(spec, batch, expected, actual));
            comparisons.add(Dl4jTestSupport.compareInputGradients(spec, batch, expected.inputGradients(),
                    actual.inputGradients()));
            List<String> failed = comparisons.stream().filter(c -> !c.passed()).map(c -> c.quantity().name()).toList();
            if (Dl4jKnownDivergences.bidirectionalLstmReadsThePadding(layer, spec, batch)) {
                assertTrue(failed.contains("loss"), context + ": the padding read as data changes the loss; " + failed);
                assertExplained(plugin, testCase, comparisons, "§11", context);
            } else if (Dl4jKnownDivergences.inputGradientsDiverge(testCase)) {
                assertEquals(List.of("dL/dx"), failed, context);
                assertExplained(plugin, testCase, comparisons, "§1", context);
            } else {
                assertEquals(List.of(), Dl4jTestSupport.failures(context, comparisons));
            }
        }
    }

    /** Every failed comparison is a known divergence that the plugin explains, citing {@code section}. */
    private static void assertExplained(Dl4jRnnPlugin plugin, Case testCase, List<QuantityComparison> comparisons,
                                        String section, String context) {
        for (QuantityComparison comparison : comparisons) {
            if (!comparison.passed()) {
                String explanation = plugin.knownDivergence(testCase.spec(), testCase.parameters(), testCase.batch(), null,
                        comparison.quantity()).map(org.bptt.api.WrongComputation::description).orElse("");
                assertTrue(explanation.contains(section), context + ": " + comparison.quantity() + " explained by "
                        + section + ", got '" + explanation + "'");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Dl4jRecurrentLayer.class)
    void truncatedBpttOnAStackIsFullBpttWhenNothingIsCutAndTheKnownDivergenceOtherwise(Dl4jRecurrentLayer layer) {
        int steps = 9;
        List<SuiteCase> cases = new ArrayList<>();
        for (Head head : List.of(Head.PER_STEP_SOFTMAX, Head.LAST_STEP_SOFTMAX)) {
            ModelSpec spec = spec(layer, head, Topology.forward(2));
            Case testCase = new Case("stacked-truncated-" + head, spec.label(), spec, StackedCases.parameters(spec, 77),
                    StackedCases.batch(spec, steps, true, 78), 78);
            for (Truncation truncation : List.of(new Truncation(steps, steps), new Truncation(3, 3))) {
                cases.add(SuiteCase.truncated(testCase, truncation));
            }
        }
        List<CaseResult> results = VERIFIER.verifyAll(cases, LoadedPlugin.of(plugin(layer), "test"), ORACLE, null);
        for (int i = 0; i < cases.size(); i++) {
            CaseResult result = results.get(i);
            String context = result.caseId() + " " + cases.get(i).truncation() + " " + result.status() + ": " + result.message();
            if (cases.get(i).truncation().forwardLength() == steps) {
                assertEquals(Status.PASSED, result.status(), context);
            } else {
                assertEquals(Status.KNOWN_DIVERGENCE, result.status(), context);
                assertTrue(result.message().contains("§2c"), context);
                // Both layers' cell gradients are among the explained ones; the output layer's stay exact (§2).
                List<String> failed = result.comparisons().stream().filter(c -> !c.passed()).map(c -> c.quantity().name()).toList();
                assertTrue(failed.stream().anyMatch(name -> name.startsWith("dL/dl1.")), context + " " + failed);
                assertTrue(!failed.contains("dL/dV") && !failed.contains("dL/dc"), context + " " + failed);
            }
        }
    }

    private static ModelSpec spec(Dl4jRecurrentLayer layer, Head head, Topology topology) {
        return StackedCases.spec(layer == Dl4jRecurrentLayer.SIMPLE_RNN ? Cell.ELMAN : Cell.LSTM,
                layer == Dl4jRecurrentLayer.GRAVES_LSTM, head, topology);
    }

    private static Dl4jRnnPlugin plugin(Dl4jRecurrentLayer layer) {
        return switch (layer) {
            case SIMPLE_RNN -> Dl4jTestSupport.DL4J;
            case LSTM -> Dl4jTestSupport.DL4J_LSTM;
            case GRAVES_LSTM -> Dl4jTestSupport.DL4J_GRAVES_LSTM;
        };
    }
}
