package org.bptt.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The GRU's and the LSTM's options, declarations, labels and capabilities. */
class GatedCellsTest {

    /** d = 2, H = 3, K = 4: every dimension differs, so a transposed shape cannot pass. */
    private static final ModelSpec ELMAN = ModelSpec.of(2, 3, 4);
    private static final ModelSpec GRU = ELMAN.withCell(Cell.GRU, CellOptions.gru(ResetPlacement.AFTER, false));
    private static final ModelSpec LSTM = ELMAN.withCell(Cell.LSTM, CellOptions.lstm(false, false));

    private static List<String> names(ModelSpec spec) {
        return spec.parameters().stream().map(ParameterDeclaration::name).toList();
    }

    /** Two one-step sequences whose targets are all the first class. */
    private static Batch batch(ModelSpec spec, Tensor initialState, Tensor initialCellState) {
        Tensor targets = Tensor.zeros(2, 1, spec.outputSize());
        targets.set(1.0, 0, 0, 0);
        targets.set(1.0, 1, 0, 0);
        return new Batch(Tensor.zeros(2, 1, spec.inputSize()), targets, null, initialState, initialCellState);
    }

    @Test
    void theGruDeclaresEachGateByKindInTheEquationsOrientation() {
        assertEquals(List.of("U_r", "U_z", "U_n", "W_r", "W_z", "W_n", "b_r", "b_z", "b_n", "V", "c"), names(GRU));
        assertArrayEquals(new int[] {3, 2}, GRU.parameter("U_z").shape());
        assertArrayEquals(new int[] {3, 3}, GRU.parameter("W_n").shape());
        assertArrayEquals(new int[] {3}, GRU.parameter("b_r").shape());
        assertEquals("update gate's input weights", GRU.parameter("U_z").meaning());
        ModelSpec twoBiases = GRU.withCell(Cell.GRU, CellOptions.gru(ResetPlacement.BEFORE, true));
        assertEquals(List.of("U_r", "U_z", "U_n", "W_r", "W_z", "W_n", "b_r", "b_z", "b_n", "b_hr", "b_hz", "b_hn", "V", "c"),
                names(twoBiases));
        assertEquals("candidate's recurrent-side bias", twoBiases.parameter("b_hn").meaning());
        assertEquals(List.of("U_r", "U_z", "U_n", "W_r", "W_z", "W_n", "V"), names(GRU.withBiases(false)));
        assertEquals(names(twoBiases), twoBiases.parameterNames());
    }

    @Test
    void theLstmDeclaresPeepholesOnlyWhenAskedFor() {
        assertEquals(List.of("U_i", "U_f", "U_g", "U_o", "W_i", "W_f", "W_g", "W_o", "b_i", "b_f", "b_g", "b_o", "V", "c"),
                names(LSTM));
        ModelSpec full = LSTM.withCell(Cell.LSTM, CellOptions.lstm(true, true));
        assertEquals(List.of("U_i", "U_f", "U_g", "U_o", "W_i", "W_f", "W_g", "W_o", "b_i", "b_f", "b_g", "b_o",
                "b_hi", "b_hf", "b_hg", "b_ho", "p_i", "p_f", "p_o", "V", "c"), names(full));
        assertArrayEquals(new int[] {3}, full.parameter("p_f").shape());
        assertNull(LSTM.parameter("p_f"));
        for (ParameterDeclaration declaration : full.parameters()) {
            assertTrue(ParameterNames.isKnown(declaration.name()), declaration.name());
        }
    }

    @Test
    void zeroParametersOfAGatedModelValidate() {
        ModelSpec full = LSTM.withCell(Cell.LSTM, CellOptions.lstm(true, true));
        Parameters.zeros(full).validate(full);
        InvalidInputException missing = assertThrows(InvalidInputException.class,
                () -> Parameters.zeros(LSTM).validate(full));
        assertTrue(missing.getMessage().startsWith("parameter b_hi [H] (input gate's recurrent-side bias) is missing"),
                missing.getMessage());
    }

    @Test
    void labelsNameTheCellAndItsOptionsAndLeaveElmanAsItWas() {
        assertEquals("tanh/per-step-softmax/bias/d2-H3-K4/sum", ELMAN.label());
        assertEquals("gru-reset-after/per-step-softmax/bias/d2-H3-K4/sum", GRU.label());
        assertEquals("gru-reset-before/per-step-softmax/two-biases/d2-H3-K4/sum",
                GRU.withCell(Cell.GRU, CellOptions.gru(ResetPlacement.BEFORE, true)).label());
        assertEquals("lstm/per-step-softmax/nobias/d2-H3-K4/sum", LSTM.withBiases(false).label());
        assertEquals("lstm-peepholes/last-step-sigmoid/two-biases/d2-H3-K1/mean-over-batch",
                LSTM.withCell(Cell.LSTM, CellOptions.lstm(true, true)).withHead(Head.LAST_STEP_SIGMOID)
                        .withReduction(LossReduction.MEAN_OVER_BATCH).label());
    }

    @Test
    void optionsThatDoNotFitTheCellAreRefusedByName() {
        InvalidInputException gruWithoutPlacement = assertThrows(InvalidInputException.class,
                () -> new ModelSpec(Cell.GRU, 2, 3, 4, Activation.TANH, Head.PER_STEP_SOFTMAX, true, LossReduction.SUM,
                        DataType.FLOAT64));
        assertEquals("a GRU needs its reset placement (BEFORE or AFTER the recurrent product)", gruWithoutPlacement.getMessage());
        InvalidInputException gruWithPeepholes = assertThrows(InvalidInputException.class,
                () -> GRU.withCell(Cell.GRU, new CellOptions(ResetPlacement.AFTER, true, false)));
        assertTrue(gruWithPeepholes.getMessage().startsWith("peepholes are an LSTM option"), gruWithPeepholes.getMessage());
        InvalidInputException lstmWithReset = assertThrows(InvalidInputException.class,
                () -> LSTM.withCell(Cell.LSTM, new CellOptions(ResetPlacement.BEFORE, false, false)));
        assertTrue(lstmWithReset.getMessage().startsWith("the reset placement (BEFORE) is a GRU option"), lstmWithReset.getMessage());
        assertThrows(InvalidInputException.class, () -> ELMAN.withCell(Cell.ELMAN, CellOptions.lstm(false, true)));
        InvalidInputException twoBiasesWithoutBiases = assertThrows(InvalidInputException.class,
                () -> GRU.withBiases(false).withCell(Cell.GRU, CellOptions.gru(ResetPlacement.AFTER, true)));
        assertTrue(twoBiasesWithoutBiases.getMessage().startsWith("two bias vectors per gate need a model with biases"),
                twoBiasesWithoutBiases.getMessage());
        InvalidInputException relu = assertThrows(InvalidInputException.class, () -> LSTM.withActivation(Activation.RELU));
        assertEquals("the LSTM's nonlinearities are its own (sigmoid gates, tanh candidate): its activation must be TANH, got RELU",
                relu.getMessage());
    }

    @Test
    void withCellMakesAGatedModelTanh() {
        ModelSpec sigmoidElman = ELMAN.withActivation(Activation.SIGMOID);
        assertEquals(Activation.TANH, sigmoidElman.withCell(Cell.GRU, CellOptions.gru(ResetPlacement.BEFORE, false)).activation());
        assertEquals(Activation.SIGMOID, sigmoidElman.withCell(Cell.ELMAN, CellOptions.NONE).activation());
    }

    @Test
    void onlyTheLstmTakesAnInitialCellState() {
        Tensor state = Tensor.zeros(2, 3);
        batch(LSTM, null, state).validate(LSTM);
        InvalidInputException forGru = assertThrows(InvalidInputException.class, () -> batch(GRU, null, state).validate(GRU));
        assertEquals("initialCellState is given, but the GRU cell has no cell state; leave it null", forGru.getMessage());
        InvalidInputException wrongShape = assertThrows(InvalidInputException.class,
                () -> batch(LSTM, null, Tensor.zeros(2, 4)).validate(LSTM));
        assertTrue(wrongShape.getMessage().contains("initialCellState"), wrongShape.getMessage());
        assertNull(new Batch(Tensor.zeros(1, 1, 2), Tensor.zeros(1, 1, 4), null, null).initialCellState());
    }

    @Test
    void anElmanCaseRequiresWhatItAlwaysDidAndAGatedCaseItsCellAndOptions() {
        assertEquals(EnumSet.of(Capability.TANH, Capability.PER_STEP_SOFTMAX, Capability.BIASES, Capability.FLOAT64),
                Capability.requiredBy(ELMAN, batch(ELMAN, null, null)));
        assertEquals(EnumSet.of(Capability.GRU_RESET_AFTER, Capability.PER_STEP_SOFTMAX, Capability.BIASES, Capability.FLOAT64),
                Capability.requiredBy(GRU, batch(GRU, null, null)));
        ModelSpec gruBefore = GRU.withCell(Cell.GRU, CellOptions.gru(ResetPlacement.BEFORE, true));
        assertEquals(EnumSet.of(Capability.GRU_RESET_BEFORE, Capability.TWO_BIASES, Capability.PER_STEP_SOFTMAX,
                Capability.BIASES, Capability.FLOAT64), Capability.requiredBy(gruBefore, batch(gruBefore, null, null)));
        ModelSpec peepholes = LSTM.withCell(Cell.LSTM, CellOptions.lstm(true, false));
        assertEquals(EnumSet.of(Capability.LSTM, Capability.LSTM_PEEPHOLES, Capability.PER_STEP_SOFTMAX, Capability.BIASES,
                        Capability.FLOAT64, Capability.INITIAL_STATE, Capability.INITIAL_CELL_STATE),
                Capability.requiredBy(peepholes, batch(peepholes, Tensor.zeros(2, 3), Tensor.zeros(2, 3))));
    }

    @Test
    void theShortConstructorsLeaveTheCellStateOut() {
        assertNull(new ForwardResult(null, Tensor.zeros(1, 1, 4), 0.5).cellStates());
        assertNull(new GradientResult(0.5, Parameters.zeros(ELMAN), null, null, null).initialCellStateGradients());
    }
}
