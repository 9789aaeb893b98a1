package org.bptt.coursework;

import java.util.List;
import org.bptt.api.Case;
import org.bptt.api.GradientResult;
import org.bptt.core.gradcheck.FiniteDifferences;
import org.bptt.core.gradcheck.GradientCheck;
import org.bptt.core.plugins.IsolatedPlugin;
import org.bptt.core.plugins.PluginCallFailure;

/**
 * What {@code bptt explain} shows for a stacked or bidirectional network: the unrolled drawing, the reference's loss
 * and gradients per parameter (named by the scheme, {@code l1.W}, {@code l0.reverse.U}), and their agreement with
 * finite differences of the reference's own forward pass. The tape, closed form, forward-mode recursion, BPTT table
 * and answer checking are written for a one-layer forward network only.
 *
 * @param example           the spec (its topology not {@link org.bptt.api.Topology#SINGLE}), T and seed
 * @param source            the generated case (B = 1)
 * @param reference         the reference plugin's loss and gradients
 * @param finiteDifferences the reference's gradients against finite differences of its loss
 */
public record StackedExplanation(ExplainCase example, Case source, GradientResult reference, GradientCheck finiteDifferences) {

    /** The largest T drawn: beyond it the drawing of L layers and two directions no longer fits a page. */
    public static final int MAX_STEPS = 3;
    /** The relative tolerance of the finite-difference check, that of {@code bptt gradcheck}. */
    public static final double TOLERANCE = 1e-6;

    /** What is said instead of the parts written for one forward layer only. */
    public static final String ONE_LAYER_ONLY = "The tape and its adjoints, the closed form, the forward-mode recursion, the BPTT "
            + "table and the checking of answers (--check) are written for a one-layer forward network only: run "
            + "`bptt explain` without --layers and --direction for them.";

    /**
     * Asks {@code reference} for the gradients of {@code example} and checks them against finite differences.
     *
     * @throws PluginCallFailure when a call of the reference fails
     */
    public static StackedExplanation of(ExplainCase example, IsolatedPlugin reference) throws PluginCallFailure {
        Case source = example.toCase();
        GradientResult gradients = reference.gradients(source.spec(), source.parameters(), source.batch());
        GradientCheck check = new FiniteDifferences(FiniteDifferences.DEFAULT_EPSILON, FiniteDifferences.DEFAULT_MAX_ELEMENTS_PER_PARAMETER,
                example.seed()).check(reference, source);
        return new StackedExplanation(example, source, gradients, check);
    }

    /** True when every gradient agrees with finite differences within {@link #TOLERANCE}. */
    public boolean agrees() {
        return finiteDifferences.passed(TOLERANCE);
    }

    /** The parameters' names in the spec's order: every layer's and direction's cell parameters, then the head's. */
    public List<String> parameterNames() {
        return example.spec().parameterNames();
    }

    /** The drawing of the unrolled network. */
    public String svg() {
        return StackedDiagram.svg(example.spec(), example.steps(), example.initialState());
    }
}
