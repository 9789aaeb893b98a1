package org.bptt.core.cases;

import java.util.Locale;
import org.bptt.api.Case;
import org.bptt.api.InvalidInputException;
import org.bptt.api.Truncation;

/**
 * A verification case for truncated BPTT: a case's model, weights and batch, and the truncation BPTT(k1, k2) to
 * compute its gradients with ({@link org.bptt.api.RnnImplementation#truncatedGradients}).
 *
 * @param testCase   the case (its id is the prefix of this one's)
 * @param truncation k1 and k2
 */
public record TruncatedCase(Case testCase, Truncation truncation) {

    public TruncatedCase {
        InvalidInputException.require(testCase != null, "a truncated case needs a case");
        InvalidInputException.require(truncation != null, "truncated case %s needs a truncation", testCase.id());
    }

    /** {@code <case id>-tbptt-k1_<k1>-k2_<k2>}, e.g. {@code tanh-perstep-bias-mask-noh0-meanb-B3-T17-tbptt-k1_8-k2_3}. */
    public String id() {
        return id(testCase.id(), truncation);
    }

    /** The id of the truncated case made of the case called {@code caseId} and {@code truncation}. */
    public static String id(String caseId, Truncation truncation) {
        return String.format(Locale.ROOT, "%s-tbptt-k1_%d-k2_%d", caseId, truncation.forwardLength(), truncation.backwardLength());
    }

    /** One human sentence: the case's description and the truncation. */
    public String description() {
        return String.format(Locale.ROOT, "%s; truncated BPTT(k1=%d, k2=%d)", testCase.description(),
                truncation.forwardLength(), truncation.backwardLength());
    }
}
