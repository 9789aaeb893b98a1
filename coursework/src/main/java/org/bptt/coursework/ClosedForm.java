package org.bptt.coursework;

import java.util.ArrayList;
import java.util.List;
import org.bptt.api.Activation;
import org.bptt.api.Cell;
import org.bptt.api.Head;
import org.bptt.api.ModelSpec;
import org.bptt.api.ResetPlacement;

/**
 * The output of a step written out as one nested expression in the inputs, by substituting
 * h_t = f(U x_t + W h_{t-1} + b) into itself down to h_{-1}:
 * <pre>
 *   y_2 = softmax(V tanh(U x_2 + W tanh(U x_1 + W tanh(U x_0))))       (tanh, no biases, h_{-1} = 0)
 * </pre>
 * Terms that are absent are left out: W h_{-1} when h_{-1} = 0, b and c without biases. The identity activation
 * writes no function (a sum it multiplies is parenthesised); the sigmoid (activation or head) is σ. Each expression
 * comes as plain text and as LaTeX.
 *
 * <p>A gated cell's h_{t-1} enters every gate, so substituting it down to h_{-1} would copy each earlier step three
 * (GRU) or four (LSTM) times; its closed form is written per gate instead: each step's gates, candidate, c_t and h_t
 * in x_t and h_{t-1} (and c_{t-1}), with the terms that vanish left out, as in
 * <pre>
 *   r_0 = σ(U_r x_0 + b_r),  z_0 = σ(U_z x_0 + b_z),  n_0 = tanh(U_n x_0 + b_n),  h_0 = (1 − z_0) ⊙ n_0
 * </pre>
 * (GRU, one bias, h_{-1} = 0), and y_t = softmax(V h_t + c).
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

    /** y_t as plain text, e.g. {@code y_1 = softmax(V tanh(U x_1 + W tanh(U x_0)))}; for a gated cell in h_t. */
    public String text(int t) {
        return "y_" + t + " = " + output(t, Syntax.TEXT);
    }

    /** y_t as LaTeX, e.g. {@code y_{1} = \operatorname{softmax}\left(V \tanh\left(U x_{1} + ...\right)\right)}. */
    public String latex(int t) {
        return "y_{" + t + "} = " + output(t, Syntax.LATEX);
    }

    /** h_t as plain text; for a gated cell one line per gate, candidate and state of step t, h_t last. */
    public String hiddenText(int t) {
        return spec.cell() == Cell.ELMAN ? "h_" + t + " = " + hidden(t, Syntax.TEXT) : hidden(t, Syntax.TEXT);
    }

    /** h_t as LaTeX. */
    public String hiddenLatex(int t) {
        return spec.cell() == Cell.ELMAN ? "h_{" + t + "} = " + hidden(t, Syntax.LATEX) : hidden(t, Syntax.LATEX);
    }

    private enum Syntax { TEXT, LATEX }

    private String output(int t, Syntax syntax) {
        String hidden = spec.cell() == Cell.ELMAN ? hidden(t, syntax) : subscript("h", Integer.toString(t), syntax);
        String logits = "V " + factor(hidden, syntax) + (spec.biases() ? " + c" : "");
        String squash = spec.head() == Head.LAST_STEP_SIGMOID
                ? (syntax == Syntax.TEXT ? "σ" : "\\sigma")
                : (syntax == Syntax.TEXT ? "softmax" : "\\operatorname{softmax}");
        return call(squash, logits, syntax);
    }

    /** h_t written out; null for h_{-1} = 0. For a gated cell, step t's lines. */
    private String hidden(int t, Syntax syntax) {
        if (spec.cell() != Cell.ELMAN && t >= 0) {
            return String.join(syntax == Syntax.TEXT ? "\n" : " \\\\\n", gatedStep(Integer.toString(t),
                    t == 0 ? "-1" : Integer.toString(t - 1), t > 0 || initialState, syntax));
        }
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

    /**
     * One step of a gated cell, a line per gate, candidate and state: step {@code t} (a number, or "t" for the
     * general equations), the step before it {@code previous}, and whether h_{previous} (and c_{previous}) are in
     * the equations (otherwise they are zero and their terms left out).
     */
    private List<String> gatedStep(String t, String previous, boolean hasPrevious, Syntax syntax) {
        String odot = syntax == Syntax.TEXT ? " ⊙ " : " \\odot ";
        String sigma = syntax == Syntax.TEXT ? "σ" : "\\sigma";
        String tanh = syntax == Syntax.TEXT ? "tanh" : "\\tanh";
        String previousHidden = subscript("h", previous, syntax);
        List<String> lines = new ArrayList<>();
        if (spec.cell() == Cell.GRU) {
            lines.add(gate("r", sigma, t, previous, hasPrevious, null, syntax));
            lines.add(gate("z", sigma, t, previous, hasPrevious, null, syntax));
            List<String> candidate = new ArrayList<>(inputTerms("n", t, syntax));
            String recurrentBias = spec.cellOptions().twoBiases() ? subscript("b", "hn", syntax) : null;
            String reset = subscript("r", t, syntax);
            if (spec.cellOptions().resetPlacement() == ResetPlacement.BEFORE) {
                if (hasPrevious) {
                    candidate.add(subscript("W", "n", syntax) + " " + parenthesised(reset + odot + previousHidden, syntax));
                }
                if (recurrentBias != null) {
                    candidate.add(recurrentBias);
                }
            } else {
                List<String> recurrent = new ArrayList<>();
                if (hasPrevious) {
                    recurrent.add(subscript("W", "n", syntax) + " " + previousHidden);
                }
                if (recurrentBias != null) {
                    recurrent.add(recurrentBias);
                }
                if (!recurrent.isEmpty()) {
                    String sum = String.join(" + ", recurrent);
                    candidate.add(reset + odot + (recurrent.size() > 1 ? parenthesised(sum, syntax) : sum));
                }
            }
            lines.add(subscript("n", t, syntax) + " = " + call(tanh, String.join(" + ", candidate), syntax));
            String update = subscript("z", t, syntax);
            String hidden = parenthesised((syntax == Syntax.TEXT ? "1 − " : "1 - ") + update, syntax) + odot + subscript("n", t, syntax);
            if (hasPrevious) {
                hidden += " + " + update + odot + previousHidden;
            }
            lines.add(subscript("h", t, syntax) + " = " + hidden);
        } else {
            String previousCell = hasPrevious ? subscript("c", previous, syntax) : null;
            lines.add(gate("i", sigma, t, previous, hasPrevious, previousCell, syntax));
            lines.add(gate("f", sigma, t, previous, hasPrevious, previousCell, syntax));
            lines.add(gate("g", tanh, t, previous, hasPrevious, null, syntax));
            String cell = subscript("i", t, syntax) + odot + subscript("g", t, syntax);
            if (hasPrevious) {
                cell = subscript("f", t, syntax) + odot + previousCell + " + " + cell;
            }
            lines.add(subscript("c", t, syntax) + " = " + cell);
            lines.add(gate("o", sigma, t, previous, hasPrevious, subscript("c", t, syntax), syntax));
            lines.add(subscript("h", t, syntax) + " = " + subscript("o", t, syntax) + odot
                    + call(tanh, subscript("c", t, syntax), syntax));
        }
        return lines;
    }

    /**
     * Gate {@code symbol} at step t: σ or tanh of U_* x_t + b_* + W_* h_{t-1} + b_h* (+ p_* ⊙ {@code peepholeState}
     * with peepholes), in the reference's order, without the terms the model does not have.
     */
    private String gate(String symbol, String function, String t, String previous, boolean hasPrevious, String peepholeState,
                        Syntax syntax) {
        List<String> terms = new ArrayList<>(inputTerms(symbol, t, syntax));
        if (hasPrevious) {
            terms.add(subscript("W", symbol, syntax) + " " + subscript("h", previous, syntax));
        }
        if (spec.cellOptions().twoBiases()) {
            terms.add(subscript("b", "h" + symbol, syntax));
        }
        if (peepholeState != null && spec.cellOptions().peepholes()) {
            terms.add(subscript("p", symbol, syntax) + (syntax == Syntax.TEXT ? " ⊙ " : " \\odot ") + peepholeState);
        }
        return subscript(symbol, t, syntax) + " = " + call(function, String.join(" + ", terms), syntax);
    }

    /** U_* x_t and, with biases, b_*. */
    private List<String> inputTerms(String symbol, String t, Syntax syntax) {
        List<String> terms = new ArrayList<>();
        terms.add(subscript("U", symbol, syntax) + " " + subscript("x", t, syntax));
        if (spec.biases()) {
            terms.add(subscript("b", symbol, syntax));
        }
        return terms;
    }

    /**
     * The general equations of the spec's gated cell at step t, one line per gate, candidate and state, as text
     * (e.g. {@code r_t = σ(U_r x_t + b_r + W_r h_{t-1} + b_hr)}).
     */
    public List<String> gatedEquations() {
        return gatedStep("t", "t-1", true, Syntax.TEXT);
    }

    /** base_index as text (index in braces unless it is one letter or a number) or base_{index} as LaTeX. */
    private static String subscript(String base, String index, Syntax syntax) {
        boolean plain = syntax == Syntax.TEXT && index.matches("[a-z]+|[0-9]+");
        return base + "_" + (plain ? index : "{" + index + "}");
    }

    private static String parenthesised(String expression, Syntax syntax) {
        return syntax == Syntax.TEXT ? "(" + expression + ")" : "\\left(" + expression + "\\right)";
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
