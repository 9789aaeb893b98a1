package org.bptt.coursework;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Locale;
import org.bptt.api.Case;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.InvalidInputException;
import org.bptt.api.ParameterNames;
import org.bptt.api.Tensor;
import org.bptt.core.plugins.IsolatedPlugin;
import org.bptt.core.plugins.PluginCallFailure;
import org.bptt.core.plugins.PluginCalls;
import org.bptt.core.plugins.PluginRegistry;
import org.bptt.reference.ReferenceAggregatedRnn;
import org.junit.jupiter.api.Test;

/**
 * The "right" values of these answers files come from the reference plugin (not from the tape being checked);
 * the expected tape steps are the tape layout derived by hand for d = H = K = 2, tanh, biases, h_{-1} = 0:
 * <pre>
 *   w_0 = U, w_1 = x_0, w_2 = U x_0, w_3 = b, w_4 = a_0, w_5 = h_0, w_6 = V, w_7 = V h_0, w_8 = c, w_9 = o_0,
 *   w_10 = y_0, w_11 = J_0, w_12 = x_1, w_13 = U x_1, w_14 = W, w_15 = W h_0, w_16 = a_1, w_17 = h_1, ...,
 *   w_22 = x_2, w_23 = U x_2, w_24 = W h_1, w_25 = a_2, w_26 = h_2
 * </pre>
 */
class AnswerCheckTest {

    private static final String SPEC = "\"spec\": {\"inputSize\": 2, \"hiddenSize\": 2, \"outputSize\": 2, \"steps\": 3,"
            + " \"activation\": \"tanh\", \"head\": \"per_step_softmax\", \"biases\": true, \"reduction\": \"sum\"}, \"seed\": 7";

    private final Case source = new ExplainCase(AnswerSheet.DEFAULT_SPEC, 3, false, 7).toCase();
    private final ForwardResult forward = new ReferenceAggregatedRnn().forward(source.spec(), source.parameters(), source.batch());
    private final GradientResult gradients = new ReferenceAggregatedRnn().gradients(source.spec(), source.parameters(), source.batch());

    @Test
    void theTapeIsLaidOutAsDerivedByHand() {
        Tape tape = Tape.record(source);
        assertEquals("w_0 = U", tape.nodes().get(0).describe());
        assertEquals("w_2 = w_0 · w_1   (U x_0)", tape.nodes().get(2).describe());
        assertEquals("w_4 = w_2 + w_3   (a_0)", tape.nodes().get(4).describe());
        assertEquals("w_17 = tanh(w_16)   (h_1)", tape.nodes().get(17).describe());
        assertEquals("w_16 = w_13 + w_15 + w_3   (a_1)", tape.nodes().get(16).describe());
        assertEquals("w_26 = tanh(w_25)   (h_2)", tape.nodes().get(26).describe());
    }

    @Test
    void theIssuesExampleWithoutBiasesStartsUxTanh() {
        Tape tape = Tape.record(new ExplainCase(AnswerSheet.DEFAULT_SPEC.withBiases(false), 3, false, 7).toCase());
        assertEquals("w_0 = U", tape.nodes().get(0).describe());
        assertEquals("w_1 = x_0", tape.nodes().get(1).describe());
        assertEquals("w_2 = w_0 · w_1   (a_0 = U x_0)", tape.nodes().get(2).describe());
        assertEquals("w_3 = tanh(w_2)   (h_0)", tape.nodes().get(3).describe());
    }

    @Test
    void correctAnswersAreRight() {
        AnswerCheck check = check("{" + SPEC + ", \"answers\": {"
                + "\"h_1\": " + json(row(forward.hiddenStates(), 1)) + ", "
                + "\"y_2\": " + json(row(forward.outputs(), 2)) + ", "
                + "\"L\": " + forward.loss() + ", "
                + "\"dL/dW\": " + json(gradients.parameterGradients().get(ParameterNames.W)) + ", "
                + "\"∂L/∂U\": " + json(gradients.parameterGradients().get(ParameterNames.U)) + ", "
                + "\"dL/db\": " + json(gradients.parameterGradients().get(ParameterNames.B)) + ", "
                + "\"dL/dh_0\": " + json(row(gradients.hiddenStateGradients(), 0)) + "}}");
        assertTrue(check.allRight(), () -> check.results().stream().map(AnswerCheck.Result::describe).toList().toString());
        assertEquals(7, check.results().size());
    }

    @Test
    void aWrongHiddenStateIsNamedWithTheCorrectValueTheWorstIndexAndTheStepThatComputesIt() {
        double[] h2 = row(forward.hiddenStates(), 2).data().clone();
        h2[1] += 0.01;
        AnswerCheck check = check("{" + SPEC + ", \"answers\": {"
                + "\"h_1\": " + json(row(forward.hiddenStates(), 1)) + ", \"h_2\": " + json(Tensor.of(h2, 2)) + "}}");
        assertFalse(check.allRight());
        assertTrue(check.result("h_1").right());
        AnswerCheck.Result wrong = check.result("h_2");
        assertFalse(wrong.right());
        assertEquals("[i=1]", wrong.comparison().worst().index());
        assertEquals(forward.hiddenStates().get(0, 2, 1), wrong.comparison().worst().expected());
        assertEquals("w_26 = tanh(w_25)   (h_2)", wrong.departsAt());
        assertNull(wrong.departsThrough());
        assertTrue(wrong.describe().contains("WRONG  h_2: correct value [" + SmallMatrices.number(forward.hiddenStates().get(0, 2, 0))),
                wrong.describe());
        assertTrue(wrong.describe().contains("first departs at tape step w_26 = tanh(w_25)   (h_2)"), wrong.describe());
    }

    @Test
    void aWrongEarlierStateTheLaterOneDependsOnIsWhereItDeparts() {
        double[] h1 = row(forward.hiddenStates(), 1).data().clone();
        h1[0] -= 0.05;
        double[] h2 = row(forward.hiddenStates(), 2).data().clone();
        h2[0] -= 0.03;
        AnswerCheck check = check("{" + SPEC + ", \"answers\": {\"h_2\": " + json(Tensor.of(h2, 2))
                + ", \"h_1\": " + json(Tensor.of(h1, 2)) + ", \"h_0\": " + json(row(forward.hiddenStates(), 0)) + "}}");
        AnswerCheck.Result later = check.result("h_2");
        assertEquals("w_17 = tanh(w_16)   (h_1)", later.departsAt());
        assertEquals("h_1", later.departsThrough());
        assertEquals("w_17 = tanh(w_16)   (h_1)", check.result("h_1").departsAt());
        assertTrue(check.result("h_0").right());
    }

    @Test
    void aWrongGradientWithRightStatesDepartsInTheReverseSweepAtItsAdjoint() {
        Tensor dW = gradients.parameterGradients().get(ParameterNames.W).copy();
        dW.data()[2] *= -1;   // the sign of dL/dW[1][0] flipped, a classic slip
        AnswerCheck check = check("{" + SPEC + ", \"answers\": {\"h_1\": " + json(row(forward.hiddenStates(), 1))
                + ", \"dL/dW\": " + json(dW) + "}}");
        AnswerCheck.Result wrong = check.result("dL/dW");
        assertFalse(wrong.right());
        assertEquals("[row=1, col=0]", wrong.comparison().worst().index());
        assertTrue(wrong.departsAt().startsWith("reverse sweep: w\u0304_14 = dL/dW from "), wrong.departsAt());
        // W is used at steps 1 and 2: the two products W h_0 (w_15) and W h_1 (w_24) send it their terms.
        assertTrue(wrong.departsAt().contains("w\u0304_14 += w\u0304_15 w_5ᵀ"), wrong.departsAt());
        assertTrue(wrong.departsAt().contains("w\u0304_14 += w\u0304_24 w_17ᵀ"), wrong.departsAt());

        double[] h1 = row(forward.hiddenStates(), 1).data().clone();
        h1[1] += 0.1;
        AnswerCheck alsoWrongState = check("{" + SPEC + ", \"answers\": {\"h_1\": " + json(Tensor.of(h1, 2))
                + ", \"dL/dW\": " + json(dW) + "}}");
        assertEquals("w_17 = tanh(w_16)   (h_1)", alsoWrongState.result("dL/dW").departsAt());
        assertEquals("h_1", alsoWrongState.result("dL/dW").departsThrough());
    }

    @Test
    void aWrongForwardModeDerivativeIsCheckedElementByElement() {
        Tape tape = Tape.record(source);
        // ∂h_0/∂U[i][p][q] = f'(a_0)[i] δ_ip x_0[q] by hand (h_{-1} = 0): only the diagonal slices are non-zero.
        double[][] h0 = tape.node("h_0").value();
        double[][] x0 = tape.node("x_0").value();
        StringBuilder byHand = new StringBuilder("[");
        for (int i = 0; i < 2; i++) {
            byHand.append(i > 0 ? ", " : "").append('[');
            for (int p = 0; p < 2; p++) {
                byHand.append(p > 0 ? ", " : "").append('[');
                for (int q = 0; q < 2; q++) {
                    double value = i == p ? (1 - h0[i][0] * h0[i][0]) * x0[q][0] : 0;
                    byHand.append(q > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.17g", value));
                }
                byHand.append(']');
            }
            byHand.append(']');
        }
        byHand.append(']');
        AnswerCheck right = check("{" + SPEC + ", \"answers\": {\"dh_0/dU\": " + byHand + "}}");
        assertTrue(right.allRight(), () -> right.results().get(0).describe());
        // Forgetting f'(a_0) (the classic slip) gives x_0 on the diagonal instead.
        String forgotDerivative = String.format(Locale.ROOT, "[[[%s, %s], [0, 0]], [[0, 0], [%s, %s]]]",
                x0[0][0], x0[1][0], x0[0][0], x0[1][0]);
        AnswerCheck wrong = check("{" + SPEC + ", \"answers\": {\"dh_0/dU\": " + forgotDerivative + "}}");
        assertFalse(wrong.allRight());
        assertEquals("forward mode: ∂h_0/∂U = f'(a_0) ⊙ (x_0 ⊗ e)", wrong.results().get(0).departsAt());
    }

    @Test
    void valuesRoundedToSixDigitsNeedTheLooserToleranceTheFileMayGive() {
        // h_1 rounded to 6 significant digits: relative error up to 5e-6, far beyond the default 1e-9 · √T.
        Tensor h1 = row(forward.hiddenStates(), 1);
        String rounded = String.format(Locale.ROOT, "[%.5e, %.5e]", h1.get(0), h1.get(1));
        AnswerCheck strict = check("{" + SPEC + ", \"answers\": {\"h_1\": " + rounded + "}}");
        assertFalse(strict.allRight());
        AnswerCheck loose = check("{" + SPEC + ", \"tolerance\": {\"relative\": 1e-5}, \"answers\": {\"h_1\": " + rounded + "}}");
        assertTrue(loose.allRight(), () -> loose.results().get(0).describe());
    }

    /**
     * The README's example: dL/dh_1 is given without the term that reaches h_1 through h_2 (w̄_17 += w_14ᵀ w̄_24),
     * the classic BPTT slip, and dL/dW is computed from it; h_1, h_2 and L are right to 6 digits.
     */
    @Test
    void theReadmesExampleFileFindsTheMissingRecurrentTerm() throws java.io.IOException {
        AnswerSheet sheet = AnswerSheet.read(java.nio.file.Path.of("examples/answers.json"));
        Explanation explanation = explain(sheet.example());
        Tape tape = explanation.tape();
        double[][] directOnly = tape.directHiddenGradient(1);
        Tensor given = sheet.answers().get("dL/dh_1");
        assertEquals(directOnly[0][0], given.get(0), 1e-6, "the file's dL/dh_1 is the direct term alone");
        assertEquals(directOnly[1][0], given.get(1), 1e-6, "the file's dL/dh_1 is the direct term alone");
        AnswerCheck check = AnswerCheck.of(sheet, explanation);
        assertEquals(java.util.List.of(true, true, true, false, false),
                check.results().stream().map(AnswerCheck.Result::right).toList());
        String reverseStep = "reverse sweep: w\u0304_17 = dL/dh_1 from w\u0304_17 += w_14ᵀ w\u0304_24; w\u0304_17 += w_6ᵀ w\u0304_18";
        assertEquals(reverseStep, check.result("dL/dh_1").departsAt());
        assertEquals(reverseStep, check.result("dL/dW").departsAt());
        assertEquals("dL/dh_1", check.result("dL/dW").departsThrough());
    }

    @Test
    void malformedFilesNameTheField() {
        assertMessage("{" + SPEC + ", \"answer\": {}}", "unknown field 'answer'");
        assertMessage("{" + SPEC + "}", "field 'answers' is missing");
        assertMessage("{\"spec\": {\"hiddenSize\": \"two\"}, \"answers\": {\"L\": 1}}", "field 'spec.hiddenSize' must be an integer");
        assertMessage("{\"spec\": {\"hidenSize\": 2}, \"answers\": {\"L\": 1}}", "unknown field 'spec.hidenSize'");
        assertMessage("{" + SPEC + ", \"answers\": {\"h_1\": [0.1, \"x\"]}}", "field 'answers.h_1'[1] must be a number");
        assertMessage("{" + SPEC + ", \"answers\": {\"h_1\": [[0.1], [0.2, 0.3]]}}", "field 'answers.h_1'[1] must be an array of 1");
        assertMessage("{" + SPEC + ", \"answers\": {\"h_1\": [0.1, 0.2, 0.3]}}", "'h_1' has shape [3], expected [2]");
        assertMessage("{" + SPEC + ", \"answers\": {\"h_7\": [0.1, 0.2]}}", "unknown quantity 'h_7'");
        assertMessage("{" + SPEC + ", \"answers\": {\"dh_5/dU\": [0.1]}}", "step 5 is outside 0 … 2");
        assertMessage("{\"spec\": {\"steps\": 40, \"hiddenSize\": 4}, \"answers\": {\"L\": 1}}", "too large for a readable tape");
        assertMessage("{\"spec\": {\"head\": \"attention\"}, \"answers\": {\"L\": 1}}", "field 'spec.head' is 'attention'");
        assertMessage("{" + SPEC + ", \"answers\": {\"L\": 1,}}", "answers.json is not valid JSON");
    }

    private AnswerCheck check(String json) {
        AnswerSheet sheet = AnswerSheet.parse(json, "answers.json");
        assertEquals(new ExplainCase(AnswerSheet.DEFAULT_SPEC, 3, false, 7), sheet.example());
        return AnswerCheck.of(sheet, explain(sheet.example()));
    }

    private static void assertMessage(String json, String expected) {
        InvalidInputException error = assertThrows(InvalidInputException.class, () -> {
            AnswerSheet sheet = AnswerSheet.parse(json, "answers.json");
            AnswerCheck.of(sheet, explain(sheet.example()));
        });
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

    /** Full precision JSON of a vector or matrix. */
    private static String json(Tensor tensor) {
        return AnswerCheck.format(tensor).isEmpty() ? "" : exact(tensor);
    }

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
