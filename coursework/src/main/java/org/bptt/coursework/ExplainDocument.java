package org.bptt.coursework;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bptt.api.Case;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.core.compare.QuantityComparison;

/**
 * The content of {@code explain.md} and {@code explain.html}: the example's numbers, the drawing, the closed form,
 * the tape with its reverse sweep, the forward-mode recursion, the BPTT table, the agreement with the reference
 * and, when answers were checked, the verdicts.
 */
final class ExplainDocument {

    private ExplainDocument() {
    }

    static ReportDocument build(Explanation explanation, ReferenceAgreement agreement, AnswerCheck check) {
        Case source = explanation.source();
        ReportDocument document = new ReportDocument("bptt explain: " + explanation.example().describe());
        example(document, explanation);
        document.heading(1, "The unrolled network")
                .image(ExplainReport.SVG_FILE, explanation.svg(), "The network unrolled over T = " + explanation.steps()
                        + " steps: the same U, W, V on every step.");
        closedForm(document, explanation);
        tape(document, explanation);
        reverseSweep(document, explanation);
        forwardMode(document, explanation);
        bpttTable(document, explanation);
        document.heading(1, "Agreement with the reference")
                .paragraph("The loss and every parameter gradient, computed three ways here, against the `"
                        + Explanation.REFERENCE_ID + "` plugin (a separate implementation on EJML), within the harness's "
                        + "default tolerance policy (max(1e-12, 1e-9·|x|, 16 ulp) · √T).")
                .table(List.of("quantity", "verdict"), agreement.comparisons().stream()
                        .map(c -> List.of(c.quantity().name(), (c.passed() ? "agrees: " : "DISAGREES: ") + c.describe())).toList());
        if (check != null) {
            document.heading(1, "Your answers");
            List<List<String>> rows = new ArrayList<>();
            for (AnswerCheck.Result result : check.results()) {
                rows.add(List.of(result.name(), result.right() ? "right" : "WRONG",
                        AnswerCheck.format(result.expected()), AnswerCheck.format(result.given()),
                        result.right() ? "" : result.comparison().worst().index().isEmpty() ? "(the value)" : result.comparison().worst().index(),
                        result.right() ? "" : result.departsAt() + (result.departsThrough() == null ? ""
                                : " (through your " + result.departsThrough() + ")")));
            }
            document.table(List.of("quantity", "verdict", "correct value", "yours", "largest error at", "first departs at"), rows);
        }
        document.paragraph("Case `" + source.id() + "`: " + source.description() + ".");
        return document;
    }

    private static void example(ReportDocument document, Explanation explanation) {
        Case source = explanation.source();
        document.heading(1, "The example")
                .paragraph("a_t = U x_t + W h_{t-1}" + (source.spec().biases() ? " + b" : "") + ",  h_t = "
                        + Tape.activationName(source.spec().activation()) + "(a_t),  o_t = V h_t" + (source.spec().biases() ? " + c" : "")
                        + ",  y_t = " + (source.spec().head() == org.bptt.api.Head.LAST_STEP_SIGMOID ? "σ(o_t)" : "softmax(o_t)")
                        + ";  loss: cross-entropy " + (source.spec().head().lastStepOnly() ? "at the last step" : "at every step")
                        + ", reduction " + source.spec().reduction().name().toLowerCase(Locale.ROOT)
                        + ". Weights, inputs and targets drawn from seed " + explanation.example().seed() + ".");
        List<List<String>> rows = new ArrayList<>();
        Parameters parameters = source.parameters();
        for (var entry : parameters.byName().entrySet()) {
            rows.add(List.of(entry.getKey(), SmallMatrices.format(SmallMatrices.of(entry.getValue()))));
        }
        Tape tape = explanation.tape();
        rows.add(List.of("h_{-1}", tape.indexOf("h_{-1}") >= 0 ? SmallMatrices.format(tape.node("h_{-1}").value()) : "0"));
        for (int t = 0; t < explanation.steps(); t++) {
            rows.add(List.of("x_" + t, SmallMatrices.format(tape.node("x_" + t).value())));
        }
        for (int t : tape.lossSteps()) {
            rows.add(List.of("y*_" + t + " (target)", SmallMatrices.format(tape.target(t))));
        }
        document.table(List.of("given", "value"), rows);
    }

    private static void closedForm(ReportDocument document, Explanation explanation) {
        ClosedForm form = explanation.closedForm();
        int last = explanation.steps() - 1;
        StringBuilder text = new StringBuilder();
        StringBuilder latex = new StringBuilder();
        for (int t = 0; t <= last; t++) {
            text.append(form.hiddenText(t)).append('\n');
            latex.append(form.hiddenLatex(t)).append(" \\\\\n");
        }
        text.append(form.text(last)).append('\n');
        latex.append(form.latex(last)).append('\n');
        document.heading(1, "The closed form")
                .paragraph("y_" + last + " as one expression in x_0 … x_" + last + " (substituting each h_{t-1} into h_t), as text and as LaTeX:")
                .code("text", text.toString())
                .code("latex", latex.toString());
    }

    private static void tape(ReportDocument document, Explanation explanation) {
        List<List<String>> rows = new ArrayList<>();
        for (Tape.Node node : explanation.tape().nodes()) {
            rows.add(List.of("w_" + node.index(), node.operation() == Tape.Operation.LEAF ? "input" : node.formula(), node.name(),
                    SmallMatrices.format(node.value())));
        }
        document.heading(1, "The tape (forward)")
                .paragraph("The Wengert list: every operation of the forward pass in the order it is computed, each on "
                        + "earlier entries. Inputs (U, W, b, V, c, x_t, h_{-1}) enter where first used.")
                .table(List.of("w_i", "computed as", "meaning", "value"), rows);
    }

    private static void reverseSweep(ReportDocument document, Explanation explanation) {
        Tape tape = explanation.tape();
        List<List<String>> rows = new ArrayList<>();
        int last = tape.nodes().size() - 1;
        rows.add(List.of("seed", "w̄_" + last + " = L̄ = 1", "1"));
        for (Tape.AdjointStep step : tape.reverseSweep()) {
            rows.add(List.of("at w_" + step.from(), step.rule(), SmallMatrices.format(step.contribution())));
        }
        List<List<String>> adjoints = new ArrayList<>();
        for (Tape.Node node : tape.nodes()) {
            String name = node.name().contains(" = ") ? node.name().substring(0, node.name().indexOf(" = ")) : node.name();
            adjoints.add(List.of("w̄_" + node.index(), "dL/d" + (name.contains(" ") ? "(" + name + ")" : name),
                    SmallMatrices.format(tape.adjoint(node.index()))));
        }
        document.heading(1, "The reverse sweep (adjoints)")
                .paragraph("From the seed L̄ = 1, the nodes are visited from last to first; at node j the chain rule adds "
                        + "one term to the adjoint of each of its inputs (w̄_i = ∂L/∂w_i). Local rules: product P = A·B gives "
                        + "Ā += P̄ Bᵀ and B̄ += Aᵀ P̄; a sum passes P̄ on; h = f(a) gives ā += h̄ ⊙ f'(a); y = softmax(o) "
                        + "gives ō += y ⊙ (ȳ − (yᵀȳ) 1); J = −y*ᵀ log y gives ȳ += −J̄ y* ⊘ y.")
                .table(List.of("step", "rule", "term"), rows)
                .paragraph("The adjoints when the sweep is done; those of U, W, b, V, c are the gradients dL/dθ:")
                .table(List.of("adjoint", "is", "value"), adjoints);
    }

    private static void forwardMode(ReportDocument document, Explanation explanation) {
        ForwardMode mode = explanation.forwardMode();
        document.heading(1, "Forward mode: ∂h_t/∂θ")
                .paragraph("The recursion ∂h_t/∂U = f'(a_t) ⊙ (x_t ⊗ e + W ∂h_{t-1}/∂U), element by element "
                        + "∂h_t[i]/∂U[p][q] = f'(a_t)[i] (δ_ip x_t[q] + Σ_j W[i][j] ∂h_{t-1}[j]/∂U[p][q]), and likewise for W "
                        + "(h_{t-1} in place of x_t) and b (1 in place of x_t), starting from ∂h_{-1}/∂θ = 0. Each row gives "
                        + "the matrix ∂h_t[i]/∂θ (the shape of θ).");
        for (String parameter : mode.parameters()) {
            List<List<String>> rows = new ArrayList<>();
            for (int t = 0; t < explanation.steps(); t++) {
                double[][][] jacobian = mode.jacobian(parameter, t);
                for (int i = 0; i < jacobian.length; i++) {
                    rows.add(List.of(i == 0 ? ForwardMode.formula(parameter, t) : "", "f'(a_" + t + ")[" + i + "] = "
                                    + SmallMatrices.number(mode.activationDerivative(t)[i][0]),
                            "∂h_" + t + "[" + i + "]/∂" + parameter + " = " + SmallMatrices.format(jacobian[i])));
                }
            }
            document.heading(2, "∂h_t/∂" + parameter).table(List.of("step", "f'", "value"), rows);
            StringBuilder contraction = new StringBuilder("dL/d" + parameter + " = Σ_t (∂L/∂h_t|direct)ᵀ ∂h_t/∂" + parameter
                    + ", with ∂L/∂h_t|direct = Vᵀ ō_t = ");
            for (int t = 0; t < explanation.steps(); t++) {
                contraction.append(t > 0 ? ", " : "").append(SmallMatrices.format(explanation.tape().directHiddenGradient(t)));
            }
            contraction.append(":  dL/d").append(parameter).append(" = ")
                    .append(SmallMatrices.format(mode.contractedGradient(parameter)));
            document.paragraph(contraction.toString());
        }
    }

    private static void bpttTable(ReportDocument document, Explanation explanation) {
        BpttTable table = explanation.table();
        List<List<String>> rows = new ArrayList<>();
        for (BpttTable.Row row : table.rows()) {
            rows.add(List.of(Integer.toString(row.lossStep()), Integer.toString(row.step()), Integer.toString(row.lag()),
                    SmallMatrices.format(SmallMatrices.of(row.gradients().get(ParameterNames.W))), SmallMatrices.number(row.gradients().get(ParameterNames.W).norm()),
                    SmallMatrices.number(row.gradients().get(ParameterNames.U).norm())));
        }
        rows.add(List.of("Σ", "", "", SmallMatrices.format(SmallMatrices.of(table.sum(ParameterNames.W))), SmallMatrices.number(table.sum(ParameterNames.W).norm()),
                SmallMatrices.number(table.sum(ParameterNames.U).norm())));
        List<List<String>> lags = new ArrayList<>();
        for (BpttTable.LagNorms lag : table.lags()) {
            lags.add(List.of(Integer.toString(lag.lag()), Integer.toString(lag.terms()), SmallMatrices.number(lag.normOfSumW()),
                    SmallMatrices.number(lag.largestNormW()), SmallMatrices.number(lag.normOfSumU())));
        }
        document.heading(1, "The BPTT table")
                .paragraph("Each loss term J(t) reaches W through every earlier step k ≤ t: ∂J(t)/∂W|_(k) = (f'(a_k) ⊙ ∂J(t)/∂h_k) "
                        + "h_{k-1}ᵀ, with ∂J(t)/∂h_{k-1} = Wᵀ (f'(a_k) ⊙ ∂J(t)/∂h_k). The contributions sum to dL/dW (last row; "
                        + "each J(t) already divided by the reduction's divisor). From the reference's O(T²) BPTT "
                        + "(NaiveBptt.decompose).")
                .table(List.of("t", "k", "lag t−k", "∂J(t)/∂W|_(k)", "‖·‖ (W)", "‖∂J(t)/∂U|_(k)‖"), rows)
                .paragraph("By lag: how much of the gradient comes from steps that far back (vanishing gradients show as "
                        + "norms shrinking with the lag).")
                .table(List.of("lag", "terms", "‖Σ ∂J(t)/∂W|_(k)‖", "max ‖∂J(t)/∂W|_(k)‖", "‖Σ ∂J(t)/∂U|_(k)‖"), lags);
    }

    /** The first disagreement with the reference, or null: for the summary line. */
    static QuantityComparison firstDisagreement(ReferenceAgreement agreement) {
        return agreement.comparisons().stream().filter(c -> !c.passed()).findFirst().orElse(null);
    }
}
