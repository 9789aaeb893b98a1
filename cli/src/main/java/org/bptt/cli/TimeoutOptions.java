package org.bptt.cli;

import java.time.Duration;
import org.bptt.api.InvalidInputException;
import org.bptt.core.plugins.PluginCalls;
import picocli.CommandLine.Option;

/** How long one plugin call may take: every command that calls plugins calls them through {@link #calls()}. */
final class TimeoutOptions {

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Longest time one plugin call may take before it counts as hung; a hung or throwing plugin is"
                    + " reported by name and the command goes on without it (default: ${DEFAULT-VALUE}).")
    double timeoutSeconds;

    Duration timeout() {
        InvalidInputException.require(timeoutSeconds > 0 && Double.isFinite(timeoutSeconds),
                "--timeout must be positive, got %s", timeoutSeconds);
        return Duration.ofMillis(Math.round(timeoutSeconds * 1000));
    }

    /** The isolation every plugin call of the command goes through. */
    PluginCalls calls() {
        return new PluginCalls(timeout());
    }
}
