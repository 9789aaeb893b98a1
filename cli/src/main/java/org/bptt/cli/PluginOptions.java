package org.bptt.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bptt.api.InvalidInputException;
import org.bptt.core.plugins.PluginProblem;
import org.bptt.core.plugins.PluginRegistry;
import picocli.CommandLine.Option;

/** Where plugins come from: the class path, plus jars dropped into plugin folders. */
final class PluginOptions {

    @Option(names = "--plugins", paramLabel = "DIR",
            description = "A folder of plugin jars (repeatable). Default: ./plugins when it exists.")
    List<Path> pluginDirectories = new ArrayList<>();

    /** The plugin folders searched: those given, or ./plugins (also what the bench's forked JVMs search). */
    List<Path> directories() {
        return pluginDirectories.isEmpty() ? List.of(Path.of("plugins")) : pluginDirectories;
    }

    /**
     * Discovers every plugin, printing each one that could not be loaded as a warning (the run goes on).
     *
     * @throws InvalidInputException when a folder given with --plugins does not exist or is not a folder (the
     *                               default ./plugins may be absent)
     */
    PluginRegistry discover(PrintWriter err) {
        for (Path directory : pluginDirectories) {
            InvalidInputException.require(Files.exists(directory), "--plugins %s: no such folder (%s)", directory,
                    directory.toAbsolutePath());
            InvalidInputException.require(Files.isDirectory(directory), "--plugins %s: not a folder; give the folder "
                    + "that holds the plugin jars", directory);
        }
        PluginRegistry registry = PluginRegistry.discover(directories());
        for (PluginProblem problem : registry.problems()) {
            err.println("warning: plugin from " + problem.source() + " not loaded: " + problem.message());
        }
        return registry;
    }
}
