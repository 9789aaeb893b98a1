package org.bptt.api;

/**
 * A model of a wrong computation: a library's documented bug, or a classic mistake in implementing BPTT. It predicts
 * the numbers the wrong computation gives on a case, so that a divergence is explained only when an
 * implementation's numbers <em>match the model</em> (to the same tolerance as the exact comparison) while they
 * differ from the exact ones. A different wrong answer is not explained by it, and if the bug is ever fixed, the
 * claim fails visibly instead of excusing the case.
 *
 * <p>Used by known divergences (a third-party bug, checked) and by the diagnosis of a failing implementation (which
 * catalogued mistake produces exactly these numbers).
 */
public interface WrongComputation {

    /** What is computed wrongly, in one line (e.g. "tanh' written as 1 − h instead of 1 − h²"). */
    String description();

    /**
     * What this case adds to the description, e.g. the truncation lengths that decide which parts of a bug apply
     * ("k1 = 3, k2 = 8: §2c, §2b"). Reports print it with the case and group cases by {@link #description()} alone,
     * so a description names no case's numbers. Empty by default.
     */
    default String caseDetail() {
        return "";
    }

    /**
     * The results the wrong computation gives on this case. The model may build them from {@code exact} (on a
     * changed batch or spec, or with arithmetic on the exact values) or compute them itself. Quantities the
     * mistake does not touch are predicted equal to the exact ones.
     *
     * @param truncation the truncation of a truncated-BPTT case, or null for full BPTT (then the prediction has a
     *                   forward pass)
     * @throws DocumentedLimitException when the model does not cover this case (it then explains nothing)
     */
    Results predict(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation, ExactComputation exact);

    /**
     * False for an explanation that has no model yet ({@link #unchecked}): the harness then accepts the claim
     * without checking the numbers, and says so ("unchecked: ..."). Every model that predicts is checked.
     */
    default boolean checked() {
        return true;
    }

    /**
     * A declared explanation that predicts nothing: a known divergence nobody has modelled exactly yet. A harness
     * reports it as {@code unchecked: <description>}, so that such excuses stay visible and few.
     *
     * @param description what differs and why, with where the evidence is
     */
    static WrongComputation unchecked(String description) {
        return new WrongComputation() {
            @Override
            public String description() {
                return description;
            }

            @Override
            public Results predict(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation,
                                   ExactComputation exact) {
                throw new DocumentedLimitException("unchecked: no model predicts the numbers of '" + description + "'");
            }

            @Override
            public boolean checked() {
                return false;
            }
        };
    }
}
