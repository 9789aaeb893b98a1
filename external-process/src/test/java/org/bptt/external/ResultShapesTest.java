package org.bptt.external;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.EnumSet;
import java.util.Set;
import org.bptt.api.Batch;
import org.bptt.api.Capability;
import org.bptt.api.Cell;
import org.bptt.api.CellOptions;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.ResetPlacement;
import org.bptt.api.Tensor;
import org.junit.jupiter.api.Test;

/** The cell-state results of an answer: promised by a capability only for a cell that has a cell state. */
class ResultShapesTest {

    private static final ModelSpec LSTM = ModelSpec.of(2, 3, 4).withCell(Cell.LSTM, CellOptions.lstm(false, false));
    private static final ModelSpec GRU = ModelSpec.of(2, 3, 4).withCell(Cell.GRU, CellOptions.gru(ResetPlacement.AFTER, false));
    /** B = 2, T = 5. */
    private static final Batch BATCH = new Batch(Tensor.zeros(2, 5, 2), Tensor.zeros(2, 5, 4), null, null);
    private static final Set<Capability> CELL_STATE_RESULTS = EnumSet.of(Capability.CELL_STATES,
            Capability.INITIAL_CELL_STATE_GRADIENTS);

    private static ForwardResult forward(Tensor cellStates) {
        return new ForwardResult(null, Tensor.zeros(2, 5, 4), 1.0, cellStates);
    }

    private static GradientResult gradients(ModelSpec spec, Tensor initialCellStateGradients) {
        return new GradientResult(1.0, Parameters.zeros(spec), null, null, null, initialCellStateGradients);
    }

    @Test
    void anLstmsPromisedCellStateResultsMustBeThereInTheirShapes() {
        assertNull(ResultShapes.forwardProblem(forward(Tensor.zeros(2, 5, 3)), LSTM, BATCH, CELL_STATE_RESULTS));
        assertNull(ResultShapes.gradientProblem(gradients(LSTM, Tensor.zeros(2, 3)), LSTM, BATCH, CELL_STATE_RESULTS));
        assertEquals("cellStates is missing (null), but the implementation declares CELL_STATES; expected shape [B, T, H] = [2, 5, 3]",
                ResultShapes.forwardProblem(forward(null), LSTM, BATCH, CELL_STATE_RESULTS));
        assertEquals("initialCellStateGradients has shape [3, 2]; expected [B, H] = [2, 3]",
                ResultShapes.gradientProblem(gradients(LSTM, Tensor.zeros(3, 2)), LSTM, BATCH, CELL_STATE_RESULTS));
        assertNull(ResultShapes.gradientProblem(gradients(LSTM, null), LSTM, BATCH, Set.of()), "not promised, not required");
    }

    @Test
    void aCellWithoutACellStateGetsNoCellStateResults() {
        // A program with both cells declares the capabilities; a GRU case promises nothing about a cell state.
        assertNull(ResultShapes.forwardProblem(forward(null), GRU, BATCH, CELL_STATE_RESULTS));
        assertNull(ResultShapes.gradientProblem(gradients(GRU, null), GRU, BATCH, CELL_STATE_RESULTS));
        assertEquals("cellStates is given, but the gru cell has no cell state; leave it out (or null)",
                ResultShapes.forwardProblem(forward(Tensor.zeros(2, 5, 3)), GRU, BATCH, CELL_STATE_RESULTS));
        assertEquals("initialCellStateGradients is given, but the gru cell has no cell state; leave it out (or null)",
                ResultShapes.gradientProblem(gradients(GRU, Tensor.zeros(2, 3)), GRU, BATCH, CELL_STATE_RESULTS));
    }
}
