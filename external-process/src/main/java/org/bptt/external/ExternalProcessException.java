package org.bptt.external;

/**
 * The external implementation failed one call: it could not be started, exited, printed something that is not an
 * answer, answered another request, answered with wrong shapes, refused the case, or did not answer in time. The
 * message names the command, the call and the case, and what went wrong; the harness reports the case as a plugin
 * error and goes on.
 */
public final class ExternalProcessException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** True when the process printed something that is not the protocol (rather than exiting, hanging or refusing). */
    private final boolean brokeProtocol;

    ExternalProcessException(String message) {
        this(message, false);
    }

    ExternalProcessException(String message, boolean brokeProtocol) {
        super(message);
        this.brokeProtocol = brokeProtocol;
    }

    boolean brokeProtocol() {
        return brokeProtocol;
    }
}
