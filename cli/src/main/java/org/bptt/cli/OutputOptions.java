package org.bptt.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import org.bptt.reports.RunFolder;
import picocli.CommandLine.Option;

/** Where a run writes: a new folder {@code <timestamp>-<command>} under the output root. */
final class OutputOptions {

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "bptt-reports",
            description = "Output root; each run writes a new folder <timestamp>-<command> in it, and the HTML "
                    + "report carries trends from the previous run there (default: ${DEFAULT-VALUE}).")
    Path root;

    RunFolder create(String command) {
        return create(root, command);
    }

    /** A new run folder {@code <timestamp>-<command>} under {@code root}, e.g. a step's inside the folder of a run. */
    static RunFolder create(Path root, String command) {
        try {
            return RunFolder.create(root, command, Clock.systemDefaultZone());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a run folder under " + root.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }
}
