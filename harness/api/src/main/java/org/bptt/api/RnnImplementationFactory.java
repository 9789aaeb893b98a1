package org.bptt.api;

/**
 * The second extension point: makes {@link RnnImplementation}s whose id is not fixed, such as
 * {@code cmd:python3 my_rnn.py} (an implementation in another process). A factory owns an id prefix, e.g.
 * {@code "cmd:"}; an id that starts with a registered prefix and is not the id of a discovered plugin is given to
 * {@link #create} with the whole id. Factories are found by {@link java.util.ServiceLoader} like implementations:
 * register one with a line in {@code META-INF/services/org.bptt.api.RnnImplementationFactory}; it needs a public
 * no-argument constructor.
 *
 * <p>The created implementation's {@link PluginInfo#id()} must be the id it was created for, so that the id
 * resolves to the same implementation everywhere (a forked benchmark JVM creates its own instance from the id).
 * Ids with a prefix are the only ids with a ':' ({@link PluginInfo} allows {@code prefix:anything}).
 */
public interface RnnImplementationFactory {

    /** The prefix this factory owns: lower case letters, digits, '.', '_' or '-', ending in ':', e.g. {@code "cmd:"}. */
    String prefix();

    /**
     * The implementation called {@code id} (which starts with {@link #prefix()}); it may start a process or open
     * a file, and is created once per id and registry.
     *
     * @throws InvalidInputException when the id cannot be made into an implementation (the text after the prefix
     *                               is malformed, a command cannot be started); the message names the id and why
     */
    RnnImplementation create(String id);

    /** One line for {@code bptt plugins} and error messages, e.g. {@code "cmd:COMMAND: an implementation in another process"}. */
    String description();
}
