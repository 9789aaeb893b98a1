package org.bptt.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.ServiceLoader;

import org.bptt.api.Activation;
import org.bptt.api.Capability;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.CellOptions;
import org.bptt.api.DataType;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.RnnImplementation;
import org.bptt.api.Truncation;
import org.bptt.core.cases.CaseGenerator;
import org.junit.jupiter.api.Test;

/** The LSTM plugins' own contract: identity, capabilities, discovery, refusals, the parameters they return. */
class Dl4jLstmTest {

    private static final EnumSet<Capability> COMMON = EnumSet.of(
            Capability.PER_STEP_SOFTMAX, Capability.LAST_STEP_SOFTMAX, Capability.LAST_STEP_SIGMOID,
            Capability.BIASES, Capability.NO_BIASES, Capability.MASKS, Capability.FLOAT64, Capability.FLOAT32,
            Capability.HIDDEN_STATES, Capability.INPUT_GRADIENTS, Capability.TRUNCATED_BPTT, Capability.STACKED,
            Capability.BIDIRECTIONAL_CONCAT, Capability.BIDIRECTIONAL_SUM, Capability.BIDIRECTIONAL_MEAN,
            Capability.BIDIRECTIONAL_PRODUCT);

    @Test
    void describeThemselves() {
        var lstm = Dl4jTestSupport.DL4J_LSTM.info();
        assertEquals("dl4j-lstm", lstm.id());
        assertEquals("Deeplearning4j LSTM", lstm.name());
        assertEquals("1.0.0-M2.1", lstm.version());
        var graves = Dl4jTestSupport.DL4J_GRAVES_LSTM.info();
        assertEquals("dl4j-graves-lstm", graves.id());
        assertEquals("Deeplearning4j GravesLSTM", graves.name());
        assertEquals("Eclipse Deeplearning4j (adapter: bptt-harness)", graves.vendor());
    }

    /**
     * Exactly what DL4J does: one bias per gate (no TWO_BIASES), a given initial state as the stored state (whose
     * gradients are §3's known divergence), no cell states or state gradients; peepholes only on GravesLSTM; no Elman
     * activation (the Elman cell is {@code dl4j}'s).
     */
    @Test
    void declareExactlyWhatWorks() {
        EnumSet<Capability> lstm = EnumSet.copyOf(COMMON);
        lstm.add(Capability.LSTM);
        lstm.add(Capability.INITIAL_STATE);
        lstm.add(Capability.INITIAL_CELL_STATE);
        assertEquals(lstm, Dl4jTestSupport.DL4J_LSTM.capabilities());
        EnumSet<Capability> graves = EnumSet.copyOf(lstm);
        graves.add(Capability.LSTM_PEEPHOLES);
        assertEquals(graves, Dl4jTestSupport.DL4J_GRAVES_LSTM.capabilities());
    }

    @Test
    void areFoundByTheServiceLoader() {
        List<String> ids = ServiceLoader.load(RnnImplementation.class).stream().map(ServiceLoader.Provider::get)
                .map(implementation -> implementation.info().id()).filter(id -> id.startsWith("dl4j")).sorted().toList();
        assertEquals(List.of("dl4j", "dl4j-graves-lstm", "dl4j-last-time-step", "dl4j-lstm", "dl4j-lstm-last-time-step"), ids);
    }

    @Test
    void refuseWhatDl4jCannotDoByName() {
        // A given initial state is taken by one layer only (KNOWN_DIVERGENCES.md §3): a stack declines it by name.
        ModelSpec spec = LstmCases.spec(false, Head.PER_STEP_SOFTMAX, true, LossReduction.SUM)
                .withTopology(org.bptt.api.Topology.forward(2));
        Case withStates = CaseGenerator.generate("stacked-h0", spec, 2, 3, false, true, 1);
        UnsupportedOperationException initial = assertThrows(UnsupportedOperationException.class,
                () -> Dl4jTestSupport.DL4J_LSTM.gradients(spec, withStates.parameters(), withStates.batch()));
        assertTrue(initial.getMessage().startsWith("dl4j-lstm: DL4J takes a given initial state only"), initial.getMessage());

        ModelSpec peepholes = LstmCases.spec(true, Head.PER_STEP_SOFTMAX, true, LossReduction.SUM);
        Case peepholeCase = LstmCases.generate(peepholes, 2, 3, false, false, 1);
        UnsupportedOperationException noPeepholes = assertThrows(UnsupportedOperationException.class,
                () -> Dl4jTestSupport.DL4J_LSTM.forward(peepholes, peepholeCase.parameters(), peepholeCase.batch()));
        assertTrue(noPeepholes.getMessage().contains("LSTM_PEEPHOLES"), noPeepholes.getMessage());

        ModelSpec twoBiases = new ModelSpec(Cell.LSTM, CellOptions.lstm(false, true), 3, 4, 3, Activation.TANH,
                Head.PER_STEP_SOFTMAX, true, LossReduction.SUM, DataType.FLOAT64);
        Case twoBiasCase = LstmCases.generate(twoBiases, 2, 3, false, false, 1);
        UnsupportedOperationException oneBias = assertThrows(UnsupportedOperationException.class,
                () -> Dl4jTestSupport.DL4J_GRAVES_LSTM.forward(twoBiases, twoBiasCase.parameters(), twoBiasCase.batch()));
        assertTrue(oneBias.getMessage().contains("TWO_BIASES"), oneBias.getMessage());
    }

    /**
     * The gradients are exactly the model's parameters: no biases for a model without them, no peepholes from a
     * GravesLSTM running a model without them (its zero peepholes' gradients are dropped), in full and truncated
     * BPTT.
     */
    @Test
    void returnGradientsForExactlyTheModelsParameters() {
        for (boolean biases : new boolean[] {true, false}) {
            ModelSpec spec = LstmCases.spec(false, Head.LAST_STEP_SOFTMAX, biases, LossReduction.SUM);
            Case testCase = LstmCases.generate(spec, 2, 4, true, false, 2);
            for (Dl4jRnnPlugin plugin : List.of(Dl4jTestSupport.DL4J_LSTM, Dl4jTestSupport.DL4J_GRAVES_LSTM)) {
                plugin.gradients(spec, testCase.parameters(), testCase.batch()).parameterGradients().validate(spec);
                plugin.truncatedGradients(spec, testCase.parameters(), testCase.batch(), new Truncation(2, 2))
                        .parameterGradients().validate(spec);
            }
        }
    }
}
