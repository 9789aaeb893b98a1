package org.bptt.core.plugins;

import java.util.Objects;

/**
 * A plugin call that gave no usable result: the plugin threw, took longer than the timeout, returned garbage, or was
 * not called at all because an earlier call of the same instance timed out and is still running. Its message says
 * what happened to which call, e.g. {@code gradients() timed out after 60s}; {@link #describe()} also names the
 * plugin.
 */
public final class PluginCallFailure extends Exception {

    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /** The plugin threw an exception (or an error). */
        THREW,
        /** The plugin declined the case, naming a documented limit ({@link org.bptt.api.DocumentedLimitException}). */
        DECLINED,
        /** The call did not return within the timeout. */
        TIMED_OUT,
        /** Not called: an earlier call of the same instance timed out and has not returned yet. */
        STILL_RUNNING,
        /** The calling thread was interrupted while it waited. */
        INTERRUPTED,
        /** The result was null, lacked a tensor, had a wrong shape, or a NaN or infinity where it is compared. */
        RETURNED_GARBAGE
    }

    private final Kind kind;
    private final String pluginId;

    public PluginCallFailure(Kind kind, String pluginId, String message) {
        super(message);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.pluginId = Objects.requireNonNull(pluginId, "pluginId");
    }

    public Kind kind() {
        return kind;
    }

    /** The id of the plugin whose call failed. */
    public String pluginId() {
        return pluginId;
    }

    /** The plugin and what happened, e.g. {@code cmd:python3 rnn.py: gradients() timed out after 60s}. */
    public String describe() {
        return pluginId + ": " + getMessage();
    }
}
