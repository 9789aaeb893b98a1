package org.bptt.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    /** Discovers every plugin, printing each one that could not be loaded as a warning (the run goes on). */
    PluginRegistry discover(PrintWriter err) {
        PluginRegistry registry = PluginRegistry.discover(directories());
        for (PluginProblem problem : registry.problems()) {
            err.println("warning: plugin from " + problem.source() + " not loaded: " + problem.message());
        }
        return registry;
    }
}
