package org.bptt.coursework;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.CellOptions;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.InvalidInputException;
import org.bptt.api.ParameterNames;
import org.bptt.api.ResetPlacement;
import org.bptt.api.Tensor;
import org.bptt.core.plugins.IsolatedPlugin;
import org.bptt.core.plugins.PluginCallFailure;
import org.bptt.core.plugins.PluginCalls;
import org.bptt.core.plugins.PluginRegistry;
import org.bptt.reference.ReferenceAggregatedRnn;
import org.junit.jupiter.api.Test;

/**
 * Answers sheets for the gated cells. The "right" values come from the reference plugin or are recomputed here by
 * hand from the parameters; the tape layout is derived by hand for a GRU (reset after, one bias), d = H = K = 2,
 * h_{-1} = 0:
 * <pre>
 *   w_0 = U_r, w_1 = x_0, w_2 = U_r x_0, w_3 = b_r, w_4 = a_{r,0}, w_5 = r_0, w_6 = U_z, …, w_10 = z_0, w_11 = U_n,
 *   w_12 = U_n x_0, w_13 = b_n, w_14 = a_{n,0}, w_15 = n_0, w_16 = 1 − z_0, w_17 = h_0 = (1 − z_0) ⊙ n_0,
 *   w_18 = V, …, w_23 = J_0, w_24 = x_1, w_25 = U_r x_1, w_26 = W_r, w_27 = W_r h_0, w_28 = a_{r,1}, w_29 = r_1
 * </pre>
 */
class GatedAnswerCheckTest {

    private static final String GRU = "\"spec\": {\"cell\": \"gru\", \"reset\": \"after\", \"steps\": 3}, \"seed\": 7";
    private static final String LSTM = "\"spec\": {\"cell\": \"lstm\", \"peepholes\": true, \"steps\": 2, \"initialState\": true},"
            + " \"seed\": 3";

    @Test
    void theGruTapeIsLaidOutAsDerivedByHand() {
        AnswerSheet sheet = AnswerSheet.parse("{" + GRU + ", \"answers\": {\"L\": 1}}", "answers.json");
        assertEquals(Cell.GRU, sheet.example().spec().cell());
        assertEquals(CellOptions.gru(ResetPlacement.AFTER, false), sheet.example().spec().cellOptions());
        Tape tape = Tape.record(sheet.example().toCase());
        assertEquals("w_4 = w_2 + w_3   (a_{r,0})", tape.nodes().get(4).describe());
        assertEquals("w_5 = σ(w_4)   (r_0)", tape.nodes().get(5).describe());
        assertEquals("w_15 = tanh(w_14)   (n_0)", tape.nodes().get(15).describe());
        assertEquals("w_16 = 1 − w_10   (1 − z_0)", tape.nodes().get(16).describe());
        assertEquals("w_17 = w_16 ⊙ w_15   (h_0 = (1 − z_0) ⊙ n_0)", tape.nodes().get(17).describe());
        assertEquals("w_28 = w_25 + w_3 + w_27   (a_{r,1})", tape.nodes().get(28).describe());
        assertEquals("w_29 = σ(w_28)   (r_1)", tape.nodes().get(29).describe());
    }

    @Test
    void rightGruAnswersAreRightAndAWrongStateIsWhereTheGradientDeparts() {
        Case source = example(GRU);
        ForwardResult forward = new ReferenceAggregatedRnn().forward(source.spec(), source.parameters(), source.batch());
        GradientResult gradients = new ReferenceAggregatedRnn().gradients(source.spec(), source.parameters(), source.batch());
        AnswerCheck right = check("{" + GRU + ", \"answers\": {"
                + "\"h_1\": " + exact(row(forward.hiddenStates(), 1)) + ", "
                + "\"y_2\": " + exact(row(forward.outputs(), 2)) + ", "
                + "\"L\": " + forward.loss() + ", "
                + "\"dL/dW_z\": " + exact(gradients.parameterGradients().get(ParameterNames.W_Z)) + ", "
                + "\"∂L/∂U_n\": " + exact(gradients.parameterGradients().get(ParameterNames.U_N)) + ", "
                + "\"dL/db_r\": " + exact(gradients.parameterGradients().get(ParameterNames.B_R)) + ", "
                + "\"dL/dh_0\": " + exact(row(gradients.hiddenStateGradients(), 0)) + "}}");
        assertTrue(right.allRight(), () -> right.results().stream().map(AnswerCheck.Result::describe).toList().toString());

        double[] h0 = row(forward.hiddenStates(), 0).data().clone();
        h0[1] += 0.01;
        Tensor wn = gradients.parameterGradients().get(ParameterNames.W_N).copy();
        wn.data()[0] += 0.01;
        AnswerCheck wrong = check("{" + GRU + ", \"answers\": {\"h_0\": " + exact(Tensor.of(h0, 2)) + ", \"dL/dW_n\": " + exact(wn) + "}}");
        AnswerCheck.Result state = wrong.result("h_0");
        assertFalse(state.right());
        assertEquals("w_17 = w_16 ⊙ w_15   (h_0 = (1 − z_0) ⊙ n_0)", state.departsAt());
        assertNull(state.departsThrough());
        AnswerCheck.Result gradient = wrong.result("dL/dW_n");
        assertFalse(gradient.right());
        assertEquals(state.departsAt(), gradient.departsAt());
        assertEquals("h_0", gradient.departsThrough());
    }

    /**
     * An LSTM with peepholes from a given h_{-1} and c_{-1}: the gradients of the initial states and a peephole from
     * the reference, and the forget gate's pre-activation a_{f,0} = U_f x_0 + b_f + W_f h_{-1} + p_f ⊙ c_{-1}
     * computed here by hand.
     */
    @Test
    void rightLstmAnswersIncludingTheCellStateAndAGatePreActivationAreRight() {
        Case source = example(LSTM);
        GradientResult gradients = new ReferenceAggregatedRnn().gradients(source.spec(), source.parameters(), source.batch());
        int h = source.spec().hiddenSize();
        int d = source.spec().inputSize();
        Tensor u = source.parameters().get(ParameterNames.U_F);
        Tensor w = source.parameters().get(ParameterNames.W_F);
        Tensor b = source.parameters().get(ParameterNames.B_F);
        Tensor p = source.parameters().get(ParameterNames.P_F);
        double[] forgetPreActivation = new double[h];
        for (int i = 0; i < h; i++) {
            double sum = b.get(i) + p.get(i) * source.batch().initialCellState().get(0, i);
            for (int j = 0; j < d; j++) {
                sum += u.get(i, j) * source.batch().inputs().get(0, 0, j);
            }
            for (int j = 0; j < h; j++) {
                sum += w.get(i, j) * source.batch().initialState().get(0, j);
            }
            forgetPreActivation[i] = sum;
        }
        AnswerCheck check = check("{" + LSTM + ", \"answers\": {"
                + "\"a_{f,0}\": " + exact(Tensor.of(forgetPreActivation, h)) + ", "
                + "\"dL/dc_{-1}\": " + exact(Tensor.of(gradients.initialCellStateGradients().data(), h)) + ", "
                + "\"dL/dh_{-1}\": " + exact(Tensor.of(gradients.initialStateGradients().data(), h)) + ", "
                + "\"dL/dp_f\": " + exact(gradients.parameterGradients().get(ParameterNames.P_F)) + ", "
                + "\"dL/dW_o\": " + exact(gradients.parameterGradients().get(ParameterNames.W_O)) + "}}");
        assertTrue(check.allRight(), () -> check.results().stream().map(AnswerCheck.Result::describe).toList().toString());
    }

    /**
     * The README's LSTM example: c_0, h_1 and L right to 6 digits, and dL/dc_0 given as what arrives from step 1
     * alone (f_1 ⊙ dL/dc_1), forgetting the path through h_0 = o_0 ⊙ tanh(c_0). The tape layout by hand (one bias,
     * h_{-1} = c_{-1} = 0): w_0 = U_i, w_1 = x_0, …, w_5 = i_0, …, w_10 = f_0, …, w_15 = g_0, w_16 = c_0 = i_0 ⊙ g_0,
     * w_17 = U_o, …, w_21 = o_0, w_22 = tanh(c_0); c_0's other consumer is f_1 ⊙ c_0.
     */
    @Test
    void theReadmesLstmExampleFindsTheForgottenPathThroughTheHiddenState() {
        AnswerSheet sheet = AnswerSheet.read(java.nio.file.Path.of("examples/answers-lstm.json"));
        Explanation explanation = explain(sheet.example());
        Tape tape = explanation.tape();
        Tensor given = sheet.answers().get("dL/dc_0");
        double[][] fromTheRight = tape.gradientFromTheRight("c_0", 0);
        assertEquals(fromTheRight[0][0], given.get(0), 1e-6, "the file's dL/dc_0 is what arrives from step 1 alone");
        assertEquals(fromTheRight[1][0], given.get(1), 1e-6, "the file's dL/dc_0 is what arrives from step 1 alone");
        AnswerCheck check = AnswerCheck.of(sheet, explanation);
        assertEquals(java.util.List.of(true, true, true, false), check.results().stream().map(AnswerCheck.Result::right).toList());
        int forgetTimesCell = tape.indexOf("f_1 ⊙ c_0");
        assertEquals("reverse sweep: w\u0304_16 = dL/dc_0 from w\u0304_16 += w\u0304_" + forgetTimesCell + " ⊙ w_" + tape.indexOf("f_1")
                + "; w\u0304_16 += w\u0304_22 ⊙ (1 − w_22²)", check.result("dL/dc_0").departsAt());
    }

    @Test
    void aCellOptionThatDoesNotFitTheCellIsNamed() {
        assertMessage("{\"spec\": {\"cell\": \"rnn\"}, \"answers\": {\"L\": 1}}", "field 'spec.cell' is 'rnn'");
        assertMessage("{\"spec\": {\"cell\": \"lstm\", \"reset\": \"before\"}, \"answers\": {\"L\": 1}}", "reset is a GRU option");
        assertMessage("{\"spec\": {\"cell\": \"gru\", \"peepholes\": true}, \"answers\": {\"L\": 1}}", "peepholes is an LSTM option");
        assertMessage("{\"spec\": {\"cell\": \"gru\", \"reset\": \"sideways\"}, \"answers\": {\"L\": 1}}", "field 'spec.reset' is 'sideways'");
        assertMessage("{\"spec\": {\"twoBiases\": true}, \"answers\": {\"L\": 1}}", "twoBiases is a GRU or LSTM option");
        assertMessage("{" + LSTM + ", \"answers\": {\"o_0\": [1, 2, 3]}}", "'o_0' has shape [3], expected [2]");
        assertMessage("{" + GRU + ", \"answers\": {\"dh_0/dU\": [1]}}", "the model has no U");
    }

    private static Case example(String spec) {
        return AnswerSheet.parse("{" + spec + ", \"answers\": {\"L\": 1}}", "answers.json").example().toCase();
    }

    private static AnswerCheck check(String json) {
        AnswerSheet sheet = AnswerSheet.parse(json, "answers.json");
        return AnswerCheck.of(sheet, explain(sheet.example()));
    }

    private static void assertMessage(String json, String expected) {
        InvalidInputException error = assertThrows(InvalidInputException.class, () -> check(json));
        assertTrue(error.getMessage().contains(expected), error.getMessage());
    }

    /** The explanation of {@code example}, checked against the reference found by id, as {@code bptt explain} finds it. */
    private static Explanation explain(ExplainCase example) {
        IsolatedPlugin reference = new PluginCalls(Duration.ofSeconds(30))
                .isolate(PluginRegistry.discover().require(Explanation.REFERENCE_ID));
        try {
            return Explanation.of(example, reference);
        } catch (PluginCallFailure failure) {
            throw new AssertionError(failure.describe(), failure);
        }
    }

    /** Row t of a {@code [1, T, n]} tensor. */
    private static Tensor row(Tensor perStep, int t) {
        int n = perStep.size(2);
        double[] values = new double[n];
        System.arraycopy(perStep.data(), perStep.offset(0, t, 0), values, 0, n);
        return Tensor.of(values, n);
    }

    /** Full-precision JSON of a vector or matrix. */
    private static String exact(Tensor tensor) {
        if (tensor.rank() == 1) {
            StringBuilder text = new StringBuilder("[");
            for (int i = 0; i < tensor.length(); i++) {
                text.append(i > 0 ? ", " : "").append(tensor.data()[i]);
            }
            return text.append(']').toString();
        }
        StringBuilder text = new StringBuilder("[");
        for (int r = 0; r < tensor.size(0); r++) {
            text.append(r > 0 ? ", " : "").append('[');
            for (int c = 0; c < tensor.size(1); c++) {
                text.append(c > 0 ? ", " : "").append(tensor.get(r, c));
            }
            text.append(']');
        }
        return text.append(']').toString();
    }
}
