package org.bptt.api;

/**
 * Thrown by an implementation for a case beyond one of its documented limits (for example a case too large for an
 * algorithm whose cost grows too fast): not a bug, and not a missing capability that {@link Capability} can declare
 * up front. A harness reports such a case as skipped, with this message as the reason, instead of as an error.
 */
public class DocumentedLimitException extends UnsupportedOperationException {

    private static final long serialVersionUID = 1L;

    /** @param message the limit and what the case needs, e.g. "RTRL is for small cases: ... (limit 2e10)" */
    public DocumentedLimitException(String message) {
        super(message);
    }
}
