package org.bptt.experiments;

import java.time.Duration;
import org.bptt.api.RnnImplementation;
import org.bptt.core.plugins.IsolatedPlugin;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.plugins.PluginCalls;

/** Plugins for the experiments' tests, called through the same isolation as every command calls them. */
public final class TestCalls {

    private static final PluginCalls CALLS = new PluginCalls(Duration.ofSeconds(30));

    private TestCalls() {
    }

    /** {@code implementation} behind its isolated calls. */
    public static IsolatedPlugin isolated(RnnImplementation implementation) {
        return CALLS.isolate(LoadedPlugin.of(implementation, "test"));
    }

    /** {@code implementation} behind isolated calls with {@code timeout}. */
    public static IsolatedPlugin isolated(RnnImplementation implementation, Duration timeout) {
        return new PluginCalls(timeout).isolate(LoadedPlugin.of(implementation, "test"));
    }

    /** Sleeps until interrupted (a timed-out call is), as a hung plugin call would hang. */
    public static void hang() {
        try {
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
