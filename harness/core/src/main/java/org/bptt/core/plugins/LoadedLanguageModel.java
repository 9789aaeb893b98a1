package org.bptt.core.plugins;

import org.bptt.api.LanguageModelImplementation;
import org.bptt.api.PluginInfo;

/**
 * A discovered RNN language model, with its info read once at discovery (so that a later call cannot throw from it).
 *
 * @param implementation the instance
 * @param info           its {@link LanguageModelImplementation#info()}
 * @param source         where it came from: the jar's path, or {@code "class path"}
 */
public record LoadedLanguageModel(LanguageModelImplementation implementation, PluginInfo info, String source) {

    /** A language model wrapping an instance at hand (tests); reads its info now. */
    public static LoadedLanguageModel of(LanguageModelImplementation implementation, String source) {
        return new LoadedLanguageModel(implementation, implementation.info(), source);
    }

    public String id() {
        return info.id();
    }
}
