package org.bptt.coursework;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.bptt.api.Activation;
import org.bptt.api.Cell;
import org.bptt.api.DataType;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
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
}
