package org.bptt.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bptt.api.Case;
import org.bptt.api.GradientResult;
import org.bptt.api.RnnImplementation;

/**
 * Measures the heap one forward + backward call needs, in a JVM of its own started by {@link BenchRunner} with
 * {@link #JVM_OPTIONS} (the serial collector and a small young generation, so that garbage is collected often and
 * the heap in use stays close to what is live). For each cell given as arguments ({@code implementation shape T
 * precision}, four arguments per cell) it prints one line {@code RESULT <cell key> <peak bytes>} (or
 * {@code ERROR <cell key> <message>}).
 *
 * <p><b>Peak</b>: after warm-up calls (class loading, a plugin's caches) and a full collection, the heap pools' peak
 * usage is reset, one call is made, and the sum of each heap pool's peak usage minus the heap in use before the call
 * is the figure. It is an upper bound of the memory the call needs at once (the pools need not peak together; up to
 * one young generation, {@value #YOUNG_GENERATION}, of garbage and short-lived data promoted before it died can
 * count), and it is good to a few megabytes: the JVM's own data (class loading, jar file indexes) comes and goes
 * between collections too. ND4J (DL4J) keeps its arrays off the heap; they are not counted.
 */
public final class MemoryProbe {

    /** The young generation of the probe's JVM. */
    public static final String YOUNG_GENERATION = "4m";

    /** The probe JVM's options, besides the heap size. */
    public static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-Xmn" + YOUNG_GENERATION,
            "-Djava.awt.headless=true");

    private MemoryProbe() {
    }

    public static void main(String[] args) {
        if (args.length % 6 != 0) {
            System.err.println("usage: MemoryProbe (implementation cell topology shape T precision)...");
            System.exit(2);
        }
        Map<String, RnnImplementation> plugins = new HashMap<>();
        for (int i = 0; i < args.length; i += 6) {
            Cell cell = new Cell(args[i], Cell.parseRnnCell(args[i + 1]), Shape.parse(args[i + 3]),
                    Integer.parseInt(args[i + 4]), Mode.FORWARD_BACKWARD, Cell.parsePrecision(args[i + 5]),
                    Cell.parseTopology(args[i + 2]));
            try {
                RnnImplementation plugin = plugins.computeIfAbsent(cell.implementation(),
                        id -> BenchmarkCase.plugin(id, BenchmarkCase.pluginDirectories()));
                long peak = measure(plugin, BenchmarkCase.create(cell.rnnCell(), cell.topology(), cell.shape(), cell.steps(),
                        cell.precision()),
                        callsPerCell(RunTimeEstimate.callSeconds(cell)) - 1);
                System.out.printf(Locale.ROOT, "RESULT %s %d%n", cell.key(), peak);
            } catch (RuntimeException | OutOfMemoryError e) {
                System.out.printf(Locale.ROOT, "ERROR %s %s%n", cell.key(), String.valueOf(e).replace('\n', ' '));
            }
            System.out.flush();
        }
    }

    /**
     * The calls the probe makes for a cell whose call is expected to take {@code expectedSeconds}: two warm-up calls
     * and the measured one; only the measured one beyond a second, since the probe has run the same implementation
     * on the grid's shorter cells before (cells come shortest first).
     */
    static int callsPerCell(double expectedSeconds) {
        return expectedSeconds > 1.0 ? 1 : 3;
    }

    /** The peak heap growth of one call, in bytes, after {@code warmUpCalls} calls. */
    static long measure(RnnImplementation plugin, Case testCase, int warmUpCalls) {
        for (int call = 0; call < warmUpCalls; call++) {
            if (plugin.gradients(testCase.spec(), testCase.parameters(), testCase.batch()) == null) {
                throw new IllegalStateException("the plugin returned no result");
            }
        }
        long before = usedAfterFullCollection();
        List<MemoryPoolMXBean> pools = heapPools();
        pools.forEach(MemoryPoolMXBean::resetPeakUsage);
        GradientResult result = plugin.gradients(testCase.spec(), testCase.parameters(), testCase.batch());
        long peak = 0;
        for (MemoryPoolMXBean pool : pools) {
            peak += pool.getPeakUsage().getUsed();
        }
        if (result == null) {
            throw new IllegalStateException("the plugin returned no result");
        }
        return Math.max(0, peak - before);
    }

    private static long usedAfterFullCollection() {
        // Two collections: the first may only queue finalizable or weakly reachable objects.
        System.gc();
        System.gc();
        long used = 0;
        for (MemoryPoolMXBean pool : heapPools()) {
            used += pool.getUsage().getUsed();
        }
        return used;
    }

    private static List<MemoryPoolMXBean> heapPools() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(pool -> pool.getType() == MemoryType.HEAP).toList();
    }
}
