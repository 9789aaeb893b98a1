package org.bptt.coursework;

import org.bptt.api.Activation;
import org.bptt.api.Head;
import org.bptt.api.ModelSpec;

/**
 * The output of a step written out as one nested expression in the inputs, by substituting
 * h_t = f(U x_t + W h_{t-1} + b) into itself down to h_{-1}:
 * <pre>
 *   y_2 = softmax(V tanh(U x_2 + W tanh(U x_1 + W tanh(U x_0))))       (tanh, no biases, h_{-1} = 0)
 * </pre>
 * Terms that are absent are left out: W h_{-1} when h_{-1} = 0, b and c without biases. The identity activation
 * writes no function (a sum it multiplies is parenthesised); the sigmoid (activation or head) is σ. Each expression
 * comes as plain text and as LaTeX.
 */
public final class ClosedForm {

    private final ModelSpec spec;
    private final boolean initialState;

    /**
     * @param initialState whether h_{-1} is given (otherwise it is zero and leaves the expression)
     */
    public ClosedForm(ModelSpec spec, boolean initialState) {
        this.spec = spec;
        this.initialState = initialState;
    }

    /** y_t as plain text, e.g. {@code y_1 = softmax(V tanh(U x_1 + W tanh(U x_0)))}. */
    public String text(int t) {
        return "y_" + t + " = " + output(t, Syntax.TEXT);
    }

    /** y_t as LaTeX, e.g. {@code y_{1} = \operatorname{softmax}\left(V \tanh\left(U x_{1} + ...\right)\right)}. */
    public String latex(int t) {
        return "y_{" + t + "} = " + output(t, Syntax.LATEX);
    }

    /** h_t as plain text. */
    public String hiddenText(int t) {
        return "h_" + t + " = " + hidden(t, Syntax.TEXT);
    }

    /** h_t as LaTeX. */
    public String hiddenLatex(int t) {
        return "h_{" + t + "} = " + hidden(t, Syntax.LATEX);
    }

    private enum Syntax { TEXT, LATEX }

    private String output(int t, Syntax syntax) {
        String logits = "V " + factor(hidden(t, syntax), syntax) + (spec.biases() ? " + c" : "");
        String squash = spec.head() == Head.LAST_STEP_SIGMOID
                ? (syntax == Syntax.TEXT ? "σ" : "\\sigma")
                : (syntax == Syntax.TEXT ? "softmax" : "\\operatorname{softmax}");
        return call(squash, logits, syntax);
    }

    /** h_t written out; null for h_{-1} = 0. */
    private String hidden(int t, Syntax syntax) {
        if (t < 0) {
            return initialState ? (syntax == Syntax.TEXT ? "h_{-1}" : "h_{-1}") : null;
        }
        StringBuilder preActivation = new StringBuilder("U " + input(t, syntax));
        String previous = hidden(t - 1, syntax);
        if (previous != null) {
            preActivation.append(" + W ").append(factor(previous, syntax));
        }
        if (spec.biases()) {
            preActivation.append(" + b");
        }
        Activation activation = spec.activation();
        return switch (activation) {
            case IDENTITY -> preActivation.toString();
            case TANH -> call(syntax == Syntax.TEXT ? "tanh" : "\\tanh", preActivation.toString(), syntax);
            case SIGMOID -> call(syntax == Syntax.TEXT ? "σ" : "\\sigma", preActivation.toString(), syntax);
            case RELU -> call(syntax == Syntax.TEXT ? "relu" : "\\operatorname{relu}", preActivation.toString(), syntax);
        };
    }

    private static String input(int t, Syntax syntax) {
        return syntax == Syntax.TEXT ? "x_" + t : "x_{" + t + "}";
    }

    private static String call(String function, String argument, Syntax syntax) {
        return syntax == Syntax.TEXT ? function + "(" + argument + ")" : function + "\\left(" + argument + "\\right)";
    }

    /** An expression multiplied by a matrix: a top-level sum (only the identity activation makes one) gets parentheses. */
    private static String factor(String expression, Syntax syntax) {
        if (!topLevelSum(expression)) {
            return expression;
        }
        return syntax == Syntax.TEXT ? "(" + expression + ")" : "\\left(" + expression + "\\right)";
    }

    private static boolean topLevelSum(String expression) {
        int depth = 0;
        for (int i = 0; i < expression.length(); i++) {
            char c = expression.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == '+' && depth == 0) {
                return true;
            }
        }
        return false;
    }
}
