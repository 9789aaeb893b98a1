package org.bptt.coursework;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.bptt.api.Activation;
import org.bptt.api.Cell;
import org.bptt.api.CellOptions;
import org.bptt.api.DataType;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.ResetPlacement;
import org.junit.jupiter.api.Test;

/**
 * The expected expressions are written by hand from the equations a_t = U x_t + W h_{t-1} + b, h_t = f(a_t),
 * y_t = softmax(V h_t + c) (σ for the sigmoid head), substituting h_{t-1} into h_t.
 */
class ClosedFormTest {

    private static ModelSpec spec(Activation activation, Head head, boolean biases) {
        return new ModelSpec(Cell.ELMAN, 2, 2, head == Head.LAST_STEP_SIGMOID ? 1 : 2, activation, head, biases, LossReduction.SUM,
                DataType.FLOAT64);
    }

    @Test
    void theIssuesExampleTanhWithoutBiasesFromAZeroState() {
        ClosedForm form = new ClosedForm(spec(Activation.TANH, Head.PER_STEP_SOFTMAX, false), false);
        assertEquals("y_2 = softmax(V tanh(U x_2 + W tanh(U x_1 + W tanh(U x_0))))", form.text(2));
        assertEquals("y_{2} = \\operatorname{softmax}\\left(V \\tanh\\left(U x_{2} + W \\tanh\\left(U x_{1} + W "
                + "\\tanh\\left(U x_{0}\\right)\\right)\\right)\\right)", form.latex(2));
        assertEquals("y_0 = softmax(V tanh(U x_0))", form.text(0));
    }

    @Test
    void biasesAndAGivenInitialStateAppearInEveryStep() {
        ClosedForm form = new ClosedForm(spec(Activation.RELU, Head.LAST_STEP_SIGMOID, true), true);
        assertEquals("y_1 = σ(V relu(U x_1 + W relu(U x_0 + W h_{-1} + b) + b) + c)", form.text(1));
        assertEquals("y_{1} = \\sigma\\left(V \\operatorname{relu}\\left(U x_{1} + W \\operatorname{relu}\\left(U x_{0} "
                + "+ W h_{-1} + b\\right) + b\\right) + c\\right)", form.latex(1));
        assertEquals("h_0 = relu(U x_0 + W h_{-1} + b)", form.hiddenText(0));
    }

    @Test
    void theIdentityActivationWritesNoFunctionAndParenthesisesTheSumsItMultiplies() {
        ClosedForm form = new ClosedForm(spec(Activation.IDENTITY, Head.LAST_STEP_SOFTMAX, false), false);
        assertEquals("y_1 = softmax(V (U x_1 + W U x_0))", form.text(1));
        assertEquals("y_2 = softmax(V (U x_2 + W (U x_1 + W U x_0)))", form.text(2));
        assertEquals("y_{1} = \\operatorname{softmax}\\left(V \\left(U x_{1} + W U x_{0}\\right)\\right)", form.latex(1));
    }

    @Test
    void theSigmoidActivationIsSigma() {
        ClosedForm form = new ClosedForm(spec(Activation.SIGMOID, Head.PER_STEP_SOFTMAX, true), false);
        assertEquals("y_1 = softmax(V σ(U x_1 + W σ(U x_0 + b) + b) + c)", form.text(1));
    }

    private static ModelSpec gated(Cell cell, CellOptions options, boolean biases) {
        return new ModelSpec(cell, options, 2, 2, 2, Activation.TANH, Head.PER_STEP_SOFTMAX, biases, LossReduction.SUM, DataType.FLOAT64);
    }

    /** Written by hand from the GRU's equations (Cell's javadoc): from h_{-1} = 0 the recurrent terms of step 0 vanish. */
    @Test
    void aGruWithTheResetAfterTheProductIsWrittenPerGate() {
        ClosedForm form = new ClosedForm(gated(Cell.GRU, CellOptions.gru(ResetPlacement.AFTER, false), true), false);
        assertEquals("r_0 = σ(U_r x_0 + b_r)\nz_0 = σ(U_z x_0 + b_z)\nn_0 = tanh(U_n x_0 + b_n)\nh_0 = (1 − z_0) ⊙ n_0",
                form.hiddenText(0));
        assertEquals("r_1 = σ(U_r x_1 + b_r + W_r h_0)\nz_1 = σ(U_z x_1 + b_z + W_z h_0)\nn_1 = tanh(U_n x_1 + b_n + r_1 ⊙ W_n h_0)"
                + "\nh_1 = (1 − z_1) ⊙ n_1 + z_1 ⊙ h_0", form.hiddenText(1));
        assertEquals("y_1 = softmax(V h_1 + c)", form.text(1));
    }

    @Test
    void aGruWithTwoBiasesPlacesTheRecurrentBiasWhereTheResetGateIs() {
        ClosedForm before = new ClosedForm(gated(Cell.GRU, CellOptions.gru(ResetPlacement.BEFORE, true), true), true);
        assertEquals("n_0 = tanh(U_n x_0 + b_n + W_n (r_0 ⊙ h_{-1}) + b_hn)", before.hiddenText(0).split("\n")[2]);
        ClosedForm after = new ClosedForm(gated(Cell.GRU, CellOptions.gru(ResetPlacement.AFTER, true), true), true);
        assertEquals("r_1 = σ(U_r x_1 + b_r + W_r h_0 + b_hr)", after.hiddenText(1).split("\n")[0]);
        assertEquals("n_1 = tanh(U_n x_1 + b_n + r_1 ⊙ (W_n h_0 + b_hn))", after.hiddenText(1).split("\n")[2]);
        // Every LaTeX line but the last ends in the line break \\.
        assertEquals("n_{1} = \\tanh\\left(U_{n} x_{1} + b_{n} + r_{1} \\odot \\left(W_{n} h_{0} + b_{hn}\\right)\\right) \\\\",
                after.hiddenLatex(1).split("\n")[2]);
    }

    /** Written by hand from the LSTM's equations: o's peephole sees the new c_t; c_{-1} = 0 leaves step 0. */
    @Test
    void anLstmWithPeepholesAndNoBiasesIsWrittenPerGate() {
        ClosedForm form = new ClosedForm(gated(Cell.LSTM, CellOptions.lstm(true, false), false), false);
        assertEquals("i_0 = σ(U_i x_0)\nf_0 = σ(U_f x_0)\ng_0 = tanh(U_g x_0)\nc_0 = i_0 ⊙ g_0\no_0 = σ(U_o x_0 + p_o ⊙ c_0)"
                + "\nh_0 = o_0 ⊙ tanh(c_0)", form.hiddenText(0));
        assertEquals("i_1 = σ(U_i x_1 + W_i h_0 + p_i ⊙ c_0)\nf_1 = σ(U_f x_1 + W_f h_0 + p_f ⊙ c_0)\ng_1 = tanh(U_g x_1 + W_g h_0)"
                + "\nc_1 = f_1 ⊙ c_0 + i_1 ⊙ g_1\no_1 = σ(U_o x_1 + W_o h_0 + p_o ⊙ c_1)\nh_1 = o_1 ⊙ tanh(c_1)", form.hiddenText(1));
        assertEquals("y_0 = softmax(V h_0)", form.text(0));
    }
}
