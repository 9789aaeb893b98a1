package org.bptt.cli;

/** The exit codes of {@code bptt}, as documented in the README. */
public final class ExitCode {
    /** Everything compared within tolerance (skipped cases included). */
    public static final int OK = 0;
    /** An implementation diverged from its oracle, a plugin failed, or a regression was flagged. */
    public static final int DIVERGED = 1;
    /** A user's mistake: a bad option, a malformed file, an invalid spec. Message and usage, no stack trace. */
    public static final int USAGE = 2;
    /** A bug of ours: the stack trace is printed. */
    public static final int INTERNAL_ERROR = 70;

    private ExitCode() {
    }
}
