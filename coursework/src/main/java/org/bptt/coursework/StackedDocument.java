package org.bptt.coursework;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bptt.api.ParameterName;
import org.bptt.core.gradcheck.ParameterCheck;

/**
 * The content of {@code explain.md} and {@code explain.html} for a stacked or bidirectional network: the drawing, the
 * reference's loss and its gradients per parameter with their finite-difference check, and a plain statement of what
 * is explained for a one-layer forward network only.
 */
final class StackedDocument {

    private StackedDocument() {
    }

    static ReportDocument build(StackedExplanation explanation) {
        ReportDocument document = new ReportDocument("bptt explain: " + explanation.example().describe());
        document.heading(1, "The unrolled network")
                .image(ExplainReport.SVG_FILE, explanation.svg(), "The network unrolled over T = " + explanation.example().steps()
                        + " steps: each layer's and direction's weights on its edges, named by the scheme (l<k>. for layer k, "
                        + "reverse. for the reverse direction, no prefix for layer 0's forward direction and the head).");
        document.heading(1, "The loss and its gradients")
                .paragraph(String.format(Locale.ROOT, "L = %s, by the `%s` plugin. Each gradient is checked against "
                                + "fourth-order central differences of the same plugin's loss (ε = %s, relative tolerance %s).",
                        explanation.reference().loss(), Explanation.REFERENCE_ID, explanation.finiteDifferences().epsilon(),
                        StackedExplanation.TOLERANCE));
        List<List<String>> rows = new ArrayList<>();
        for (String name : explanation.parameterNames()) {
            ParameterCheck check = explanation.finiteDifferences().parameter(name).orElse(null);
            String verdict = check == null ? "not checked"
                    : (check.passed(StackedExplanation.TOLERANCE) ? "agrees: " : "DISAGREES: ") + check.describe();
            rows.add(List.of(name, ParameterName.parse(name).where(),
                    SmallMatrices.format(SmallMatrices.of(explanation.reference().parameterGradients().get(name))), verdict));
        }
        document.table(List.of("parameter", "where", "dL/dθ", "finite differences"), rows);
        document.heading(1, "Explained for one forward layer only").paragraph(StackedExplanation.ONE_LAYER_ONLY);
        return document;
    }
}
