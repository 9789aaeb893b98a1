package org.bptt.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.bptt.api.Capability;
import org.bptt.api.Cell;
import org.bptt.api.Combine;
import org.bptt.core.plugins.CellSupport;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.plugins.PluginProblem;
import org.bptt.core.plugins.PluginRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code bptt plugins}: every implementation found, where it came from and what it can do. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = {"List every RNN implementation found on the class path and in the plugin folders, with the cells",
            "it runs (Elman, GRU, LSTM) and their options, as its capabilities declare them."})
final class PluginsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    PluginOptions pluginOptions;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PluginRegistry registry = pluginOptions.discover(spec.commandLine().getErr());
        for (LoadedPlugin plugin : registry.plugins()) {
            out.printf(Locale.ROOT, "%s%n", plugin.info().id());
            out.printf(Locale.ROOT, "  name:         %s%n", plugin.info().name());
            out.printf(Locale.ROOT, "  version:      %s%n", plugin.info().version());
            out.printf(Locale.ROOT, "  vendor:       %s%n", plugin.info().vendor());
            out.printf(Locale.ROOT, "  source:       %s%n", plugin.source());
            out.printf(Locale.ROOT, "  cells:        %s%n", cells(plugin.capabilities()));
            out.printf(Locale.ROOT, "  networks:     %s%n", networks(plugin.capabilities()));
            out.printf(Locale.ROOT, "  capabilities: %s%n", plugin.capabilities().stream()
                    .map(capability -> capability.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
            if (!plugin.info().description().isEmpty()) {
                out.printf(Locale.ROOT, "  about:        %s%n", plugin.info().description());
            }
        }
        registry.factories().values().forEach(factory -> out.printf(Locale.ROOT, "also: %s%n", factory.description()));
        for (PluginProblem problem : registry.problems()) {
            out.printf(Locale.ROOT, "NOT LOADED %s%n  %s%n", problem.source(), problem.message());
        }
        out.printf(Locale.ROOT, "%d plugin(s) loaded, %d not loaded%n", registry.plugins().size(), registry.problems().size());
        return ExitCode.OK;
    }

    /**
     * The layers and directions a plugin runs, read from its capabilities: {@code one forward layer}, then
     * {@code stacked} and {@code bidirectional (concat, sum)} as it declares them.
     */
    static String networks(Set<Capability> capabilities) {
        List<String> networks = new ArrayList<>(List.of("one forward layer"));
        if (capabilities.contains(Capability.STACKED)) {
            networks.add("stacked layers");
        }
        List<String> combines = new ArrayList<>();
        for (Combine combine : Combine.values()) {
            if (capabilities.contains(Capability.valueOf("BIDIRECTIONAL_" + combine.name()))) {
                combines.add(combine.name().toLowerCase(Locale.ROOT));
            }
        }
        if (!combines.isEmpty()) {
            networks.add("bidirectional (" + String.join(", ", combines) + ")");
        }
        return String.join("; ", networks);
    }

    /**
     * The cells a plugin runs and the options it runs them with, read from its capabilities ({@link CellSupport}):
     * {@code elman (tanh, relu); lstm (peepholes, two biases, c_{-1})}, or {@code none}.
     */
    static String cells(Set<Capability> capabilities) {
        List<String> cells = new ArrayList<>();
        for (Cell cell : CellSupport.cells(capabilities)) {
            List<String> options = CellSupport.options(cell, capabilities);
            cells.add(cell.name().toLowerCase(Locale.ROOT) + (options.isEmpty() ? "" : " (" + String.join(", ", options) + ")"));
        }
        return cells.isEmpty() ? "none" : String.join("; ", cells);
    }
}
