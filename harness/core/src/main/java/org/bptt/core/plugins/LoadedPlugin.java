package org.bptt.core.plugins;

import java.util.Set;
import org.bptt.api.Capability;
import org.bptt.api.PluginInfo;
import org.bptt.api.RnnImplementation;

/**
 * A discovered implementation, with its info and capabilities read once at discovery (so that a later call cannot
 * throw from them).
 *
 * @param implementation the instance
 * @param info           its {@link RnnImplementation#info()}
 * @param capabilities   its {@link RnnImplementation#capabilities()}, an unmodifiable copy
 * @param source         where it came from: the jar's path, or {@code "class path"}
 */
public record LoadedPlugin(RnnImplementation implementation, PluginInfo info, Set<Capability> capabilities, String source) {

    public LoadedPlugin {
        capabilities = capabilities.isEmpty() ? Set.of() : java.util.Collections.unmodifiableSet(java.util.EnumSet.copyOf(capabilities));
    }

    /** A plugin wrapping an instance at hand (tests, a kit's own implementation); reads info and capabilities now. */
    public static LoadedPlugin of(RnnImplementation implementation, String source) {
        return new LoadedPlugin(implementation, implementation.info(), implementation.capabilities(), source);
    }

    public String id() {
        return info.id();
    }

    public boolean has(Capability capability) {
        return capabilities.contains(capability);
    }
}
