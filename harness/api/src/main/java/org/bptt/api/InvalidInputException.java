package org.bptt.api;

/**
 * A user's mistake in a spec, a parameter file or a batch: a size that is not positive, shapes that do not match,
 * a NaN weight. The message names the field and the offending value; tools print it without a stack trace.
 */
public class InvalidInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }

    /** Throws when {@code condition} is false, with a message formatted by {@link String#format}. */
    public static void require(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new InvalidInputException(String.format(java.util.Locale.ROOT, format, args));
        }
    }
}
