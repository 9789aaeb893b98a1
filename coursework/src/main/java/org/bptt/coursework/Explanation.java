package org.bptt.coursework;

import org.bptt.api.Case;
import org.bptt.api.GradientResult;
import org.bptt.core.plugins.IsolatedPlugin;
import org.bptt.core.plugins.PluginCallFailure;

/**
 * Everything {@code bptt explain} shows for one small case: the tape and its reverse sweep, the forward-mode
 * recursion, the BPTT table, the closed form and the drawing, plus the reference's gradients they are checked
 * against.
 *
 * @param example     the spec, T and seed
 * @param source      the generated case (B = 1)
 * @param tape        the Wengert list with values and adjoints
 * @param forwardMode ∂h_t/∂U, ∂h_t/∂W, ∂h_t/∂b per step (Elman cell; empty for a gated cell)
 * @param table       the per-(t, k) contributions of BPTT
 * @param closedForm  y_t as nested expressions
 * @param reference   the reference plugin's loss and gradients of the same case
 */
public record Explanation(ExplainCase example, Case source, Tape tape, ForwardMode forwardMode, BpttTable table,
                          ClosedForm closedForm, GradientResult reference) {

    /** The id of the plugin an explanation is checked against, found through the plugin registry. */
    public static final String REFERENCE_ID = "reference-aggregated";

    /**
     * Computes every part for {@code example}, and asks {@code reference} for the gradients they are checked against.
     *
     * @throws PluginCallFailure when the reference's call fails
     */
    public static Explanation of(ExplainCase example, IsolatedPlugin reference) throws PluginCallFailure {
        Case source = example.toCase();
        Tape tape = Tape.record(source);
        return new Explanation(example, source, tape, ForwardMode.of(tape), BpttTable.of(tape),
                new ClosedForm(example.spec(), example.initialState()),
                reference.gradients(source.spec(), source.parameters(), source.batch()));
    }

    /** The drawing of the unrolled network. */
    public String svg() {
        return UnrolledDiagram.svg(example.spec(), example.steps(), example.initialState());
    }

    /** T. */
    public int steps() {
        return example.steps();
    }
}
