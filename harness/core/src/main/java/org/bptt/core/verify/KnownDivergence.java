package org.bptt.core.verify;

import java.util.Objects;
import java.util.function.Predicate;
import org.bptt.api.Case;
import org.bptt.api.Quantity;
import org.bptt.api.WrongComputation;

/**
 * A documented way in which a third-party implementation differs from the reference, as a model of the wrong
 * computation. A failed comparison that matches one, and whose value the model predicts to tolerance, is reported as
 * {@link Status#KNOWN_DIVERGENCE}, with the model's description, instead of {@link Status#FAILED}.
 *
 * @param implementationId the plugin it concerns, e.g. {@code dl4j}
 * @param applies          which cases it concerns, e.g. {@code c -> c.spec().head() == Head.LAST_STEP_SIGMOID}
 * @param quantity         the compared quantity it explains, e.g. {@link Quantity#LOSS}; {@link #ANY_QUANTITY} for any
 * @param model            what the implementation computes there; its description says what differs and why, with
 *                         the evidence (a source line, an issue)
 */
public record KnownDivergence(String implementationId, Predicate<Case> applies, Quantity quantity, WrongComputation model) {

    /** The quantity that matches every quantity. */
    public static final Quantity ANY_QUANTITY = new Quantity("*");

    public KnownDivergence {
        Objects.requireNonNull(implementationId, "implementationId");
        Objects.requireNonNull(applies, "applies");
        Objects.requireNonNull(quantity, "quantity");
        Objects.requireNonNull(model, "model");
    }

    /**
     * An explanation without a model ({@link WrongComputation#unchecked}): accepted as declared and reported as
     * unchecked.
     */
    public KnownDivergence(String implementationId, Predicate<Case> applies, Quantity quantity, String explanation) {
        this(implementationId, applies, quantity, WrongComputation.unchecked(Objects.requireNonNull(explanation, "explanation")));
    }

    /** What differs and why: the model's description. */
    public String explanation() {
        return model.description();
    }

    /** True when this divergence explains a failure of {@code failedQuantity} by {@code implementation} on {@code testCase}. */
    public boolean matches(String implementation, Case testCase, Quantity failedQuantity) {
        return implementationId.equals(implementation)
                && (quantity.equals(ANY_QUANTITY) || quantity.equals(failedQuantity))
                && applies.test(testCase);
    }
}
