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
                        + (gated(explanation) ? " steps: the same U_*, W_*, V on every step." : " steps: the same U, W, V on every step."));
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
        String loss = ";  loss: cross-entropy " + (source.spec().head().lastStepOnly() ? "at the last step" : "at every step")
                + ", reduction " + source.spec().reduction().name().toLowerCase(Locale.ROOT)
                + ". Weights, inputs and targets drawn from seed " + explanation.example().seed() + ".";
        if (gated(explanation)) {
            String logits = explanation.tape().logitsName(0).startsWith("s") ? "s_t" : "o_t";
            document.heading(1, "The example")
                    .paragraph("The " + cellName(source) + ": " + String.join(",  ", explanation.closedForm().gatedEquations())
                            + ";  " + logits + " = V h_t" + (source.spec().biases() ? " + c" : "") + ",  y_t = "
                            + (source.spec().head() == org.bptt.api.Head.LAST_STEP_SIGMOID ? "σ(" : "softmax(") + logits + ")"
                            + (logits.equals("s_t") ? " (the head's logits are s_t here: o_t is the output gate)" : "") + loss);
        } else {
            document.heading(1, "The example")
                    .paragraph("a_t = U x_t + W h_{t-1}" + (source.spec().biases() ? " + b" : "") + ",  h_t = "
                            + Tape.activationName(source.spec().activation()) + "(a_t),  o_t = V h_t" + (source.spec().biases() ? " + c" : "")
                            + ",  y_t = " + (source.spec().head() == org.bptt.api.Head.LAST_STEP_SIGMOID ? "σ(o_t)" : "softmax(o_t)")
                            + loss);
        }
        List<List<String>> rows = new ArrayList<>();
        Parameters parameters = source.parameters();
        for (var entry : parameters.byName().entrySet()) {
            rows.add(List.of(entry.getKey(), SmallMatrices.format(SmallMatrices.of(entry.getValue()))));
        }
        Tape tape = explanation.tape();
        rows.add(List.of("h_{-1}", tape.indexOf("h_{-1}") >= 0 ? SmallMatrices.format(tape.node("h_{-1}").value()) : "0"));
        if (source.spec().cell().hasCellState()) {
            rows.add(List.of("c_{-1}", tape.indexOf("c_{-1}") >= 0 ? SmallMatrices.format(tape.node("c_{-1}").value()) : "0"));
        }
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
                .paragraph(gated(explanation)
                        ? "Each step's gates, candidate and state written out in x_t and h_{t-1}" + (explanation.source().spec().cell().hasCellState()
                        ? " and c_{t-1}" : "") + ", the terms that vanish left out (h_{t-1} enters every gate, so substituting it "
                        + "further would repeat each earlier step once per gate), then y_" + last + ", as text and as LaTeX:"
                        : "y_" + last + " as one expression in x_0 … x_" + last + " (substituting each h_{t-1} into h_t), as text and as LaTeX:")
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
                .paragraph(gated(explanation)
                        ? "The Wengert list: every operation of the forward pass in the order it is computed, each on earlier "
                        + "entries. Inputs (the parameters, x_t, h_{-1}" + (explanation.source().spec().cell().hasCellState() ? ", c_{-1}" : "")
                        + ") enter where first used; a_{*,t} is the pre-activation of gate (or candidate) * at step t."
                        : "The Wengert list: every operation of the forward pass in the order it is computed, each on "
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
                        + "gives ō += y ⊙ (ȳ − (yᵀȳ) 1); J = −y*ᵀ log y gives ȳ += −J̄ y* ⊘ y."
                        + (gated(explanation) ? " For the gates: g = σ(a) gives ā += ḡ ⊙ g ⊙ (1 − g); n = tanh(a) gives "
                        + "ā += n̄ ⊙ (1 − n²); P = A ⊙ B gives Ā += P̄ ⊙ B and B̄ += P̄ ⊙ A; P = 1 − z gives z̄ += −P̄." : ""))
                .table(List.of("step", "rule", "term"), rows)
                .paragraph("The adjoints when the sweep is done; those of U, W, b, V, c are the gradients dL/dθ:")
                .table(List.of("adjoint", "is", "value"), adjoints);
    }

    private static void forwardMode(ReportDocument document, Explanation explanation) {
        ForwardMode mode = explanation.forwardMode();
        if (gated(explanation)) {
            document.heading(1, "Forward mode: ∂h_t/∂θ")
                    .paragraph("The forward-mode recursion is written for the Elman cell; for the " + cellName(explanation.source())
                            + " the reverse sweep above and the BPTT table below give dL/dθ.");
            return;
        }
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
        if (gated(explanation)) {
            gatedBpttTable(document, explanation);
            return;
        }
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
            lags.add(List.of(Integer.toString(lag.lag()), Integer.toString(lag.terms()), SmallMatrices.number(lag.normOfSumRecurrent()),
                    SmallMatrices.number(lag.largestNormRecurrent()), SmallMatrices.number(lag.normOfSumInput())));
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

    /**
     * A gated cell's BPTT table: the (t, k) contributions by their norms (every W_* together, every U_* together),
     * the same by lag, then the aggregated sweep step by step: the state gradients arriving from the right and each
     * parameter's contribution.
     */
    private static void gatedBpttTable(ReportDocument document, Explanation explanation) {
        BpttTable table = explanation.table();
        Case source = explanation.source();
        List<String> recurrent = BpttTable.parametersShaped(source, "H", "H");
        List<String> input = BpttTable.parametersShaped(source, "H", "d");
        List<List<String>> rows = new ArrayList<>();
        for (BpttTable.Row row : table.rows()) {
            rows.add(List.of(Integer.toString(row.lossStep()), Integer.toString(row.step()), Integer.toString(row.lag()),
                    SmallMatrices.format(SmallMatrices.of(row.hiddenStateGradient())),
                    SmallMatrices.number(BpttTable.norm(row.gradients(), recurrent)), SmallMatrices.number(BpttTable.norm(row.gradients(), input))));
        }
        List<List<String>> lags = new ArrayList<>();
        for (BpttTable.LagNorms lag : table.lags()) {
            lags.add(List.of(Integer.toString(lag.lag()), Integer.toString(lag.terms()), SmallMatrices.number(lag.normOfSumRecurrent()),
                    SmallMatrices.number(lag.largestNormRecurrent()), SmallMatrices.number(lag.normOfSumInput())));
        }
        boolean lstm = source.spec().cell().hasCellState();
        List<List<String>> states = new ArrayList<>();
        List<List<String>> contributions = new ArrayList<>();
        for (BpttTable.StepRow step : table.steps()) {
            String k = Integer.toString(step.step());
            List<String> state = new ArrayList<>(List.of(k, SmallMatrices.format(step.hiddenFromTheRight()),
                    SmallMatrices.format(step.directHidden())));
            if (lstm) {
                state.add(SmallMatrices.format(step.cellFromTheRight()));
            }
            states.add(state);
            for (var contribution : step.contributions().byName().entrySet()) {
                contributions.add(List.of(k, contribution.getKey(), SmallMatrices.format(SmallMatrices.of(contribution.getValue()))));
            }
        }
        for (String parameter : source.parameters().byName().keySet()) {
            contributions.add(List.of("Σ", parameter, SmallMatrices.format(SmallMatrices.of(table.sum(parameter)))));
        }
        List<String> stateHeader = new ArrayList<>(List.of("k", "∂L/∂h_k from the right (Σ_{t>k} ∂J(t)/∂h_k)", "∂J(k)/∂h_k (direct, Vᵀ ō_k)"));
        if (lstm) {
            stateHeader.add("∂L/∂c_k from the right");
        }
        document.heading(1, "The BPTT table")
                .paragraph("Each loss term J(t) reaches the cell's parameters through every earlier step k ≤ t: step k's "
                        + "step-backprop turns ∂J(t)/∂h_k" + (lstm ? " (and ∂J(t)/∂c_k)" : "") + " into one term per gate, "
                        + "∂J(t)/∂θ|_(k), and passes ∂J(t)/∂h_{k-1}" + (lstm ? " and ∂J(t)/∂c_{k-1}" : "") + " on. From the "
                        + "reference's O(T²) BPTT (NaiveBptt.decompose); the norms take every W_* together and every U_* together.")
                .table(List.of("t", "k", "lag t−k", "∂J(t)/∂h_k", "‖∂J(t)/∂W_*|_(k)‖", "‖∂J(t)/∂U_*|_(k)‖"), rows)
                .paragraph("By lag: how much of the gradient comes from steps that far back.")
                .table(List.of("lag", "terms", "‖Σ ∂J(t)/∂W_*|_(k)‖", "max ‖∂J(t)/∂W_*|_(k)‖", "‖Σ ∂J(t)/∂U_*|_(k)‖"), lags)
                .heading(2, "Step by step (the aggregated sweep, k from T−1 down to 0)")
                .paragraph("The gradient arriving at step k from the right, through the steps after it (the hidden state's "
                        + "from the reference's decomposition" + (lstm ? ", the cell state's from the tape's reverse sweep: "
                        + "f_{k+1} ⊙ c_k and the peepholes of step k + 1" : "") + "), and what h_k gets from its own loss term:")
                .table(stateHeader, states)
                .paragraph("Each parameter's contribution at step k, Σ_t ∂J(t)/∂θ|_(k) (V and c only at loss steps); the "
                        + "Σ rows are dL/dθ:")
                .table(List.of("k", "θ", "Σ_t ∂J(t)/∂θ|_(k)"), contributions);
    }

    private static boolean gated(Explanation explanation) {
        return explanation.source().spec().cell() != org.bptt.api.Cell.ELMAN;
    }

    /** "GRU (reset after the recurrent product, two biases)", "LSTM (peepholes)", ... */
    static String cellName(Case source) {
        var options = source.spec().cellOptions();
        List<String> details = new ArrayList<>();
        if (source.spec().cell() == org.bptt.api.Cell.GRU) {
            details.add("reset " + options.resetPlacement().name().toLowerCase(Locale.ROOT) + " the recurrent product");
        }
        if (options.peepholes()) {
            details.add("peepholes");
        }
        details.add(options.twoBiases() ? "two biases per gate" : source.spec().biases() ? "one bias per gate" : "no biases");
        return source.spec().cell().name() + " (" + String.join(", ", details) + ")";
    }

    /** The first disagreement with the reference, or null: for the summary line. */
    static QuantityComparison firstDisagreement(ReferenceAgreement agreement) {
        return agreement.comparisons().stream().filter(c -> !c.passed()).findFirst().orElse(null);
    }
}
