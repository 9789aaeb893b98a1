package org.bptt.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bptt.api.Direction;
import org.bptt.api.InvalidInputException;
import org.bptt.api.ModelSpec;
import picocli.CommandLine.Option;

/**
 * Which layers and directions of a suite run ({@code verify}, {@code run}, {@code export}): a case runs when its
 * number of layers is among {@code --layers} and its direction among {@code --direction}. Without them, the cases of
 * every network the suite holds (one layer forward, stacked, bidirectional), as the default suite is meant to check
 * them all; a plugin that runs no stacked network skips those cases with the reason.
 */
final class TopologyOptions {

    @Option(names = "--layers", paramLabel = "L",
            description = "Run the cases of networks of L layers: 1, 2 or 3 (repeatable; default: all three).")
    List<Integer> layers = new ArrayList<>();

    @Option(names = "--direction", paramLabel = "DIR",
            description = "Run the cases of networks read this way: ${COMPLETION-CANDIDATES} (repeatable; default: both). "
                    + "Bidirectional cases come in every combine mode (concat, sum, mean, product).")
    List<Direction> directions = new ArrayList<>();

    /** The layers asked for: {@code --layers}, or all the suites hold (1, 2 and 3). */
    List<Integer> layers() {
        for (int value : layers) {
            InvalidInputException.require(value >= 1 && value <= 3, "--layers %d: the suites hold networks of 1, 2 or 3 layers", value);
        }
        return layers.isEmpty() ? List.of(1, 2, 3) : List.copyOf(layers);
    }

    /** The directions asked for: {@code --direction}, or both. */
    List<Direction> directions() {
        return directions.isEmpty() ? List.of(Direction.values()) : List.copyOf(directions);
    }

    /** True when the one-layer forward cases (every case there was before stacked networks) run. */
    boolean oneForwardLayer() {
        return layers().contains(1) && directions().contains(Direction.FORWARD);
    }

    /** True unless --layers or --direction asks for more than one forward layer (the form a dataset's cases have). */
    boolean onlyOneForwardLayerAsked() {
        return (layers.isEmpty() || List.of(1).equals(layers)) && (directions.isEmpty() || List.of(Direction.FORWARD).equals(directions));
    }

    /** True when a case of {@code spec} runs. */
    boolean selects(ModelSpec spec) {
        return layers().contains(spec.layers()) && directions().contains(spec.topology().direction());
    }

    /** The selection in words for a command's first line, e.g. {@code 2 layers, bidirectional}; empty for the default. */
    String describe() {
        if (layers.isEmpty() && directions.isEmpty()) {
            return "";
        }
        return "; " + String.join(" or ", layers().stream().map(String::valueOf).toList()) + (layers().equals(List.of(1)) ? " layer, " : " layers, ")
                + String.join(" or ", directions().stream().map(direction -> direction.name().toLowerCase(Locale.ROOT)).toList());
    }
}
