package org.bptt.benchmarks;

import java.util.Locale;
import org.bptt.api.Combine;
import org.bptt.api.DataType;
import org.bptt.api.Direction;
import org.bptt.api.Topology;

/**
 * One point of the benchmark grid: an implementation, a recurrent cell, a network topology, a shape, a sequence
 * length and what is measured.
 *
 * @param implementation the plugin id
 * @param rnnCell        the model's recurrent cell (Elman, GRU, LSTM; {@link Shape#spec(org.bptt.api.Cell)})
 * @param shape          B, d, H, K
 * @param steps          T
 * @param mode           forward, or forward + backward
 * @param precision      the arithmetic asked of the plugin
 * @param topology       layers and directions ({@link Topology#SINGLE}: one layer read forwards)
 */
public record Cell(String implementation, org.bptt.api.Cell rnnCell, Shape shape, int steps, Mode mode,
                   DataType precision, Topology topology) {

    /** A cell of one layer read forwards. */
    public Cell(String implementation, org.bptt.api.Cell rnnCell, Shape shape, int steps, Mode mode, DataType precision) {
        this(implementation, rnnCell, shape, steps, mode, precision, Topology.SINGLE);
    }

    /**
     * How the implementation of a cell timed through the library's own call ({@link org.bptt.api.OwnCallTiming})
     * ends: {@code dl4j (own call)} beside {@code dl4j}, timed through the SPI.
     */
    public static final String OWN_CALL_SUFFIX = " (own call)";

    /** The implementation of the own-call cells of plugin {@code pluginId}. */
    public static String ownCallId(String pluginId) {
        return pluginId + OWN_CALL_SUFFIX;
    }

    /** True for a cell timed through the library's own call, not through the SPI. */
    public boolean isOwnCall() {
        return implementation.endsWith(OWN_CALL_SUFFIX);
    }

    /** The plugin id: the implementation without {@link #OWN_CALL_SUFFIX}. */
    public String pluginId() {
        return isOwnCall() ? implementation.substring(0, implementation.length() - OWN_CALL_SUFFIX.length()) : implementation;
    }

    /** This cell's twin timed through the library's own call. */
    public Cell ownCall() {
        return isOwnCall() ? this : new Cell(ownCallId(implementation), rnnCell, shape, steps, mode, precision, topology);
    }

    /** This cell's twin timed through the SPI. */
    public Cell throughSpi() {
        return new Cell(pluginId(), rnnCell, shape, steps, mode, precision, topology);
    }

    /**
     * A key that identifies the cell across runs: {@code implementation|shape|T|mode|precision}, followed by
     * {@code |gru} or {@code |lstm} for a gated cell (so the keys of runs made before there was a choice of cell
     * still name their Elman cells), and by {@code |l2-bi} (say) for a network other than one forward layer.
     */
    public String key() {
        return implementation + "|" + shape + "|" + steps + "|" + mode.label() + "|" + precisionName(precision)
                + (rnnCell == org.bptt.api.Cell.ELMAN ? "" : "|" + rnnCellName(rnnCell))
                + (topology.single() ? "" : "|" + topologyName(topology));
    }

    /** The work the {@link FlopModel} credits to one call. */
    public double flops() {
        return FlopModel.of(mode, rnnCell, topology, shape, steps);
    }

    /**
     * E.g. {@code reference-aggregated 16x64x128x64 T=64 forward+backward float64}, with the cell after the
     * implementation when it is gated ({@code reference-aggregated lstm 16x64x128x64 …}) and the topology before it
     * when it is not one forward layer ({@code reference-aggregated l2-bi lstm 16x64x128x64 …}).
     */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s %s%s T=%d %s %s", implementation, networkPrefix(rnnCell, topology), shape,
                steps, mode.label(), precisionName(precision));
    }

    /**
     * What names the network in labels, before its shape: empty for one Elman layer read forwards, else the topology
     * and the cell, each when it is not the default ({@code lstm }, {@code l2 }, {@code l2-bi gru }).
     */
    public static String networkPrefix(org.bptt.api.Cell rnnCell, Topology topology) {
        return (topology.single() ? "" : topologyName(topology) + " ")
                + (rnnCell == org.bptt.api.Cell.ELMAN ? "" : rnnCellName(rnnCell) + " ");
    }

    /**
     * {@code l<L>} for L forward layers, {@code l<L>-bi} for L bidirectional layers whose directions are concatenated,
     * {@code l<L>-bi-sum} (mean, product) for the other combine modes.
     */
    public static String topologyName(Topology topology) {
        if (!topology.bidirectional()) {
            return "l" + topology.layers();
        }
        return "l" + topology.layers() + "-bi"
                + (topology.combine() == Combine.CONCAT ? "" : "-" + topology.combine().name().toLowerCase(Locale.ROOT));
    }

    /** Parses {@link #topologyName}'s form. */
    public static Topology parseTopology(String text) {
        String[] parts = text.trim().toLowerCase(Locale.ROOT).split("-");
        try {
            int layers = Integer.parseInt(parts[0].startsWith("l") ? parts[0].substring(1) : "");
            if (parts.length == 1) {
                return Topology.forward(layers);
            }
            if (parts[1].equals("bi") && parts.length <= 3) {
                Combine combine = parts.length == 2 ? Combine.CONCAT : Combine.valueOf(parts[2].toUpperCase(Locale.ROOT));
                return new Topology(layers, Direction.BIDIRECTIONAL, combine);
            }
        } catch (IllegalArgumentException e) {
            // falls through to the message below
        }
        throw new org.bptt.api.InvalidInputException("unknown topology '" + text
                + "'; expected l<layers>, l<layers>-bi or l<layers>-bi-<sum|mean|product>, e.g. l2-bi");
    }

    /** {@code elman}, {@code gru} or {@code lstm}. */
    public static String rnnCellName(org.bptt.api.Cell cell) {
        return cell.name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code elman}, {@code gru} or {@code lstm}. */
    public static org.bptt.api.Cell parseRnnCell(String text) {
        for (org.bptt.api.Cell cell : org.bptt.api.Cell.values()) {
            if (cell.name().equalsIgnoreCase(text.trim())) {
                return cell;
            }
        }
        throw new org.bptt.api.InvalidInputException("unknown cell '" + text + "'; expected elman, gru or lstm");
    }

    /** {@code float64} or {@code float32}. */
    public static String precisionName(DataType precision) {
        return precision.name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code float64} or {@code float32}. */
    public static DataType parsePrecision(String text) {
        for (DataType type : DataType.values()) {
            if (type.name().equalsIgnoreCase(text.trim())) {
                return type;
            }
        }
        throw new org.bptt.api.InvalidInputException("unknown precision '" + text + "'; expected float64 or float32");
    }
}
