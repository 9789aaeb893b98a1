package org.bptt.cli;

import org.bptt.api.Combine;
import org.bptt.api.Direction;
import org.bptt.api.InvalidInputException;
import org.bptt.api.Topology;
import picocli.CommandLine.Option;

/**
 * The one network a command builds from its options ({@code gradcheck}, {@code explain}): how many layers, which
 * direction, how a bidirectional network combines its directions. ({@link TopologyOptions} chooses among the suite's
 * networks instead, with repeatable options.)
 */
final class NetworkOptions {

    @Option(names = "--layers", paramLabel = "L", defaultValue = "1",
            description = "Stack L layers of the cell (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--direction", paramLabel = "DIR", defaultValue = "forward",
            description = "Read the sequence ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Direction direction;

    @Option(names = "--combine", paramLabel = "MODE",
            description = "How a bidirectional network combines its directions: ${COMPLETION-CANDIDATES} (default: concat).")
    Combine combine;

    /** The topology the options choose; --combine without a bidirectional network is the user's mistake. */
    Topology topology() {
        InvalidInputException.require(combine == null || direction == Direction.BIDIRECTIONAL,
                "--combine is for a bidirectional network; add --direction bidirectional");
        return direction == Direction.BIDIRECTIONAL
                ? Topology.bidirectional(layers, combine == null ? Combine.CONCAT : combine)
                : Topology.forward(layers);
    }
}
