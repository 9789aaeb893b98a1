package org.bptt.api;

/**
 * A plugin that was found but cannot be used because it misbehaves (for example a program behind {@code cmd:} that
 * answers its first hello with garbage): the plugin's fault, not the user's, so a command stops with exit code 1 and
 * this message, which names the plugin and what it did.
 */
public class PluginFailureException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PluginFailureException(String message) {
        super(message);
    }
}
