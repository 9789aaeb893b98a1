package org.bptt.core.cases;

import java.util.Locale;
import org.bptt.api.Case;
import org.bptt.api.InvalidInputException;
import org.bptt.api.Truncation;

/**
 * What a suite hands to a verifier: a case, and the truncation BPTT(k1, k2) its gradients are computed with
 * ({@link org.bptt.api.RnnImplementation#truncatedGradients}), or none for full BPTT (then {@code forward()} and
 * {@code gradients()} are compared).
 *
 * @param testCase   the model, weights and batch
 * @param truncation k1 and k2, or null for full BPTT
 */
public record SuiteCase(Case testCase, Truncation truncation) {

    public SuiteCase {
        InvalidInputException.require(testCase != null, "a suite case needs a case");
    }

    /** {@code testCase} under full BPTT. */
    public static SuiteCase fullBptt(Case testCase) {
        return new SuiteCase(testCase, null);
    }

    /** {@code testCase} under truncated BPTT(k1, k2). */
    public static SuiteCase truncated(Case testCase, Truncation truncation) {
        InvalidInputException.require(truncation != null, "truncated case %s needs a truncation", testCase.id());
        return new SuiteCase(testCase, truncation);
    }

    /** True for truncated BPTT. */
    public boolean isTruncated() {
        return truncation != null;
    }

    /**
     * The case's id under full BPTT; under truncation {@code <case id>-tbptt-k1_<k1>-k2_<k2>}, e.g.
     * {@code tanh-perstep-bias-mask-noh0-meanb-B3-T17-tbptt-k1_8-k2_3}.
     */
    public String id() {
        return id(testCase.id(), truncation);
    }

    /** The id of the case called {@code caseId} under {@code truncation} (null for full BPTT). */
    public static String id(String caseId, Truncation truncation) {
        return truncation == null ? caseId : String.format(Locale.ROOT, "%s-tbptt-k1_%d-k2_%d", caseId,
                truncation.forwardLength(), truncation.backwardLength());
    }

    /** One human sentence: the case's description, and the truncation if any. */
    public String description() {
        return truncation == null ? testCase.description() : String.format(Locale.ROOT, "%s; truncated BPTT(k1=%d, k2=%d)",
                testCase.description(), truncation.forwardLength(), truncation.backwardLength());
    }
}
