package org.bptt.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.bptt.api.Capability;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.InvalidInputException;
import org.bptt.api.ModelSpec;
import org.bptt.api.RnnImplementation;
import org.bptt.api.Truncation;
import org.junit.jupiter.api.Test;

/** The four plugins as the harness sees them: through ServiceLoader, by id. */
class TestReferencePlugins extends ReferenceTestBase {

    private static Map<String, RnnImplementation> plugins() {
        Map<String, RnnImplementation> plugins = new TreeMap<>();
        for (RnnImplementation plugin : ServiceLoader.load(RnnImplementation.class)) {
            plugins.put(plugin.info().id(), plugin);
        }
        return plugins;
    }

    @Test
    void serviceLoaderFindsTheFourReferencePlugins() {
        Map<String, RnnImplementation> plugins = plugins();
        assertEquals(java.util.Set.of("reference-aggregated", "reference-fast", "reference-naive", "reference-rtrl"), plugins.keySet());
        for (RnnImplementation plugin : plugins.values()) {
            assertEquals("bptt-harness", plugin.info().vendor());
            assertTrue(plugin.info().name().startsWith("Reference Elman RNN"), plugin.info().name());
            assertFalse(plugin.info().version().isBlank());
            EnumSet<Capability> gatedCells = EnumSet.of(Capability.GRU_RESET_BEFORE, Capability.GRU_RESET_AFTER,
                    Capability.LSTM, Capability.LSTM_PEEPHOLES, Capability.TWO_BIASES, Capability.INITIAL_CELL_STATE,
                    Capability.INITIAL_CELL_STATE_GRADIENTS, Capability.CELL_STATES);
            // Stacked and bidirectional networks run on the shared driver, as the gated cells do.
            gatedCells.addAll(EnumSet.of(Capability.STACKED, Capability.BIDIRECTIONAL_CONCAT, Capability.BIDIRECTIONAL_SUM,
                    Capability.BIDIRECTIONAL_MEAN, Capability.BIDIRECTIONAL_PRODUCT));
            EnumSet<Capability> expected = EnumSet.complementOf(EnumSet.of(Capability.FLOAT32, Capability.TRUNCATED_BPTT));
            expected.removeAll(gatedCells);
            if (!plugin.info().id().equals("reference-rtrl") && !plugin.info().id().equals("reference-fast")) {
                expected.add(Capability.TRUNCATED_BPTT);
                expected.addAll(gatedCells);   // the aggregated and naive BPTT are written for every cell
            }
            if (plugin.info().id().equals("reference-fast")) {
                // Its own LSTM recurrence, one layer, one direction: no GRU, no stacks.
                expected.addAll(EnumSet.of(Capability.LSTM, Capability.LSTM_PEEPHOLES, Capability.TWO_BIASES,
                        Capability.INITIAL_CELL_STATE, Capability.INITIAL_CELL_STATE_GRADIENTS, Capability.CELL_STATES));
            }
            assertEquals(expected, plugin.capabilities(), plugin.info().id());
        }
    }

    @Test
    void pluginsGiveTheAlgorithmsResultsAndLeaveTheirArgumentsAlone() {
        ModelSpec spec = ModelSpec.of(3, 4, 3);
        Case testCase = RandomCases.build(spec, 3, 5, true, true, random);
        Case pristine = new Case(testCase.id(), testCase.description(), spec, testCase.parameters().copy(),
                new org.bptt.api.Batch(testCase.batch().inputs().copy(), testCase.batch().targets().copy(),
                        testCase.batch().mask().copy(), testCase.batch().initialState().copy()), 0);
        Map<String, RnnImplementation> plugins = plugins();
        ForwardResult forward = plugins.get("reference-aggregated").forward(spec, testCase.parameters(), testCase.batch());
        GradientResult aggregated = plugins.get("reference-aggregated").gradients(spec, testCase.parameters(), testCase.batch());
        GradientResult naive = plugins.get("reference-naive").gradients(spec, testCase.parameters(), testCase.batch());
        GradientResult rtrl = plugins.get("reference-rtrl").gradients(spec, testCase.parameters(), testCase.batch());
        GradientResult truncated = plugins.get("reference-naive").truncatedGradients(spec, testCase.parameters(),
                testCase.batch(), new Truncation(2, 3));
        assertEquals(forward.loss(), aggregated.loss());
        TensorAssertions.assertSameGradients("plugin aggregated",
                AggregatedBptt.gradients(spec, testCase.parameters(), testCase.batch(), new StepBackpropCounter()), aggregated, 0, 0);
        TensorAssertions.assertSameGradients("plugin naive",
                NaiveBptt.gradients(spec, testCase.parameters(), testCase.batch(), new StepBackpropCounter()), naive, 0, 0);
        TensorAssertions.assertSameGradients("plugin rtrl",
                RealTimeRecurrentLearning.gradients(spec, testCase.parameters(), testCase.batch()), rtrl, 0, 0);
        TensorAssertions.assertSameGradients("plugin naive truncated", AggregatedBptt.truncatedGradients(spec,
                testCase.parameters(), testCase.batch(), new Truncation(2, 3), new StepBackpropCounter()), truncated, 1e-12, 1e-14);
        assertEquals(pristine.parameters(), testCase.parameters(), "parameters were modified");
        assertEquals(pristine.batch(), testCase.batch(), "batch was modified");
    }

    @Test
    void theAggregatedAndNaivePluginsRunTheGatedCellsTheFastOneTheLstmAndTheOthersRefuseThem() {
        Map<String, RnnImplementation> plugins = plugins();
        for (ModelSpec spec : GatedSpecs.everyOption(ModelSpec.of(3, 4, 3))) {
            Case testCase = RandomCases.build(spec, 3, 5, true, true, random);
            var required = Capability.requiredBy(spec, testCase.batch());
            ForwardResult forward = plugins.get("reference-aggregated").forward(spec, testCase.parameters(), testCase.batch());
            assertEquals(spec.cell().hasCellState(), forward.cellStates() != null, spec.label() + " cell states");
            GradientResult aggregated = plugins.get("reference-aggregated").gradients(spec, testCase.parameters(), testCase.batch());
            assertEquals(forward.loss(), aggregated.loss(), spec.label());
            assertEquals(spec.cell().hasCellState(), aggregated.initialCellStateGradients() != null, spec.label() + " dL/dc_{-1}");
            TensorAssertions.assertSameGradients(spec.label() + " plugin naive", aggregated,
                    plugins.get("reference-naive").gradients(spec, testCase.parameters(), testCase.batch()),
                    TestAlgorithmsAgree.RELATIVE, TestAlgorithmsAgree.FLOOR);
            for (String id : new String[] {"reference-aggregated", "reference-naive"}) {
                assertTrue(plugins.get(id).capabilities().containsAll(required), id + " runs " + spec.label());
            }
            RnnImplementation fast = plugins.get("reference-fast");
            if (spec.cell() == Cell.LSTM) {
                assertTrue(fast.capabilities().containsAll(required), "reference-fast runs " + spec.label());
                TensorAssertions.assertSameGradients(spec.label() + " plugin fast", aggregated,
                        fast.gradients(spec, testCase.parameters(), testCase.batch()),
                        TestAlgorithmsAgree.RELATIVE, TestAlgorithmsAgree.FLOOR);
            } else {
                assertFalse(fast.capabilities().containsAll(required), "reference-fast must not claim " + spec.label());
                InvalidInputException refused = assertThrows(InvalidInputException.class,
                        () -> fast.gradients(spec, testCase.parameters(), testCase.batch()));
                assertTrue(refused.getMessage().contains("the Elman cell and the LSTM, not the GRU"), refused.getMessage());
            }
            RnnImplementation rtrl = plugins.get("reference-rtrl");
            assertFalse(rtrl.capabilities().containsAll(required), "reference-rtrl must not claim " + spec.label());
            InvalidInputException refused = assertThrows(InvalidInputException.class,
                    () -> rtrl.gradients(spec, testCase.parameters(), testCase.batch()));
            assertTrue(refused.getMessage().contains("Elman cell only"), refused.getMessage());
        }
    }
}
