package org.bptt.cli;

import java.time.Duration;
import org.bptt.core.plugins.PluginCalls;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** How long one plugin call may take: every command that calls plugins calls them through {@link #calls()}. */
final class TimeoutOptions {

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60", converter = PositiveSeconds.class,
            description = "Longest time one plugin call may take before it counts as hung; a hung or throwing plugin is"
                    + " reported by name and the command goes on without it (default: ${DEFAULT-VALUE}).")
    double timeoutSeconds;

    Duration timeout() {
        return Duration.ofMillis(Math.round(timeoutSeconds * 1000));
    }

    /** Checks the value while the command line is parsed, so a bad one stops the command before it makes anything. */
    static final class PositiveSeconds implements CommandLine.ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            double seconds;
            try {
                seconds = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("--timeout must be a number of seconds, got '" + value + "'");
            }
            if (!(seconds > 0) || !Double.isFinite(seconds)) {
                throw new CommandLine.TypeConversionException("--timeout must be positive, got " + value);
            }
            return seconds;
        }
    }

    /** The isolation every plugin call of the command goes through. */
    PluginCalls calls() {
        return new PluginCalls(timeout());
    }
}
