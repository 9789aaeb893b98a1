package org.bptt.core.plugins;

/**
 * A plugin that could not be loaded: a provider that cannot be instantiated, throws from {@code info()} or
 * {@code capabilities()}, a duplicate id, an unreadable jar or plugin directory.
 *
 * @param source  where it came from: the jar's or directory's path, or {@code "class path"}
 * @param message what went wrong, naming the provider class when known
 */
public record PluginProblem(String source, String message) {

    @Override
    public String toString() {
        return source + ": " + message;
    }
}
