package org.bptt.coursework;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bptt.api.Case;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.ParameterNames;
import org.bptt.api.Tensor;
import org.bptt.core.diagnose.Diagnosis;
import org.bptt.core.diagnose.MistakeCatalogues;
import org.bptt.core.plugins.IsolatedPlugin;
import org.bptt.core.plugins.PluginCallFailure;
import org.bptt.core.plugins.PluginCalls;
import org.bptt.core.plugins.PluginRegistry;
import org.bptt.core.verify.OracleComputation;
import org.bptt.reference.ReferenceAggregatedRnn;
import org.junit.jupiter.api.Test;

/**
 * Hand-computed answers with a catalogued mistake are diagnosed with it. The answers are made from the reference's
 * values (not from the catalogue's models): every gradient negated is what an output gradient written y* − y gives,
 * since the whole backward pass is linear in it.
 */
class AnswerDiagnosisTest {

    private static final String SPEC = "\"spec\": {\"inputSize\": 2, \"hiddenSize\": 2, \"outputSize\": 2, \"steps\": 3,"
            + " \"activation\": \"tanh\", \"head\": \"per_step_softmax\", \"biases\": true, \"reduction\": \"sum\"}, \"seed\": 7";
    private static final IsolatedPlugin REFERENCE = new PluginCalls(Duration.ofSeconds(30))
            .isolate(PluginRegistry.discover().require(Explanation.REFERENCE_ID));

    private final Case source = new ExplainCase(AnswerSheet.DEFAULT_SPEC, 3, false, 7).toCase();
    private final ForwardResult forward = new ReferenceAggregatedRnn().forward(source.spec(), source.parameters(), source.batch());
    private final GradientResult gradients = new ReferenceAggregatedRnn().gradients(source.spec(), source.parameters(), source.batch());

    @Test
    void negatedGradientsAreTheOutputGradientsSign() {
        Optional<Diagnosis> diagnosis = diagnose("\"L\": " + forward.loss() + ", "
                + "\"h_1\": " + json(row(forward.hiddenStates(), 1)) + ", "
                + "\"dL/dW\": " + json(negated(gradients.parameterGradients().get(ParameterNames.W))) + ", "
                + "\"dL/dV\": " + json(negated(gradients.parameterGradients().get(ParameterNames.V))) + ", "
                + "\"dL/dh_1\": " + json(negated(row(gradients.hiddenStateGradients(), 1))));
        assertTrue(diagnosis.isPresent());
        assertEquals(List.of(Set.of("output-gradient-sign")), Diagnosis.explanationsIn(diagnosis.get().describe()),
                diagnosis.get().describe());
    }

    @Test
    void rightAnswersNeedNoDiagnosis() {
        assertTrue(diagnose("\"L\": " + forward.loss() + ", \"dL/dW\": "
                + json(gradients.parameterGradients().get(ParameterNames.W))).isEmpty());
    }

    @Test
    void aWrongAnswerNoMistakeGivesIsSaidPlainly() {
        double[] w = gradients.parameterGradients().get(ParameterNames.W).data().clone();
        w[0] += 0.5;
        Optional<Diagnosis> diagnosis = diagnose("\"dL/dW\": " + json(Tensor.of(w, 2, 2)));
        assertTrue(diagnosis.isPresent());
        assertTrue(diagnosis.get().describe().startsWith("no catalogued mistake explains dL/dW; first difference at tape step "),
                diagnosis.get().describe());
    }

    private Optional<Diagnosis> diagnose(String answers) {
        AnswerSheet sheet = AnswerSheet.parse("{" + SPEC + ", \"answers\": {" + answers + "}}", "answers.json");
        Explanation explanation;
        try {
            explanation = Explanation.of(sheet.example(), REFERENCE);
        } catch (PluginCallFailure failure) {
            throw new AssertionError(failure.describe(), failure);
        }
        return AnswerDiagnosis.of(AnswerCheck.of(sheet, explanation), explanation, sheet.tolerance(),
                MistakeCatalogues.fromClassPath(), new OracleComputation(REFERENCE));
    }

    private static Tensor negated(Tensor tensor) {
        double[] values = tensor.data().clone();
        for (int i = 0; i < values.length; i++) {
            values[i] = -values[i];
        }
        return new Tensor(tensor.shape().clone(), values);
    }

    private static Tensor row(Tensor perStep, int t) {
        int n = perStep.size(2);
        double[] values = new double[n];
        System.arraycopy(perStep.data(), perStep.offset(0, t, 0), values, 0, n);
        return Tensor.of(values, n);
    }

    /** A vector as a JSON array, a matrix as an array of rows. */
    private static String json(Tensor tensor) {
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
