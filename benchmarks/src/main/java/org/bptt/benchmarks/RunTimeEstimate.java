package org.bptt.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The expected run time of a grid, said before it starts. Each cell costs, per fork, a JVM start, building the case,
 * and every warm-up and measured iteration, an iteration lasting its set time plus about one call (JMH finishes the
 * call under way); the memory probe then makes one or two calls per forward + backward cell. A call's length comes from the
 * {@link FlopModel} (the naive variant: {@link CostModel#naiveFlops}) at the rates these implementations reached on
 * the machine the defaults were measured on, with two cores shared: a rough figure, good to a factor of about 1.5.
 */
public final class RunTimeEstimate {

    /** Assumed GFLOP/s by plugin id; {@link #OTHER_RATE} for any other. */
    static final Map<String, Double> RATES = Map.of(
            CostModel.AGGREGATED, 3.5, CostModel.NAIVE, 3.5, BenchAnalysis.FAST, 6.0, BenchAnalysis.DL4J, 2.0);
    static final double OTHER_RATE = 2.0;
    /** Seconds to start a fork and build a case; DL4J loads its native libraries on top. */
    static final double FORK_START_SECONDS = 1.5;
    static final double DL4J_START_SECONDS = 3.0;
    static final double PROBE_START_SECONDS = 5.0;

    private RunTimeEstimate() {
    }

    /** The expected duration of running {@code cells} with {@code settings}. */
    public static Duration of(List<Cell> cells, JmhSettings settings) {
        double seconds = 0;
        boolean anyProbe = false;
        boolean anyDl4j = false;
        for (Cell cell : cells) {
            double call = callSeconds(cell);
            boolean dl4j = cell.implementation().equals(BenchAnalysis.DL4J);
            anyDl4j |= dl4j;
            // In one shared JVM, the start is paid once (below).
            double start = settings.sharedJvm() ? 0 : dl4j ? DL4J_START_SECONDS : FORK_START_SECONDS;
            double fork = start
                    + settings.warmupIterationsFor(cell) * (settings.warmupTime().toMillis() / 1000.0 + call)
                    + settings.measuredIterations(cell) * (settings.measurementTime().toMillis() / 1000.0 + call);
            seconds += settings.forks() * fork;
            if (cell.mode() == Mode.FORWARD_BACKWARD) {
                seconds += MemoryProbe.callsPerCell(call) * call + 0.2;
                anyProbe = true;
            }
        }
        if (settings.sharedJvm() && !cells.isEmpty()) {
            seconds += anyDl4j ? DL4J_START_SECONDS : FORK_START_SECONDS;
        }
        if (anyProbe) {
            seconds += PROBE_START_SECONDS;
        }
        return Duration.ofSeconds(Math.round(seconds));
    }

    /**
     * The expected duration of the own-call timings of {@code cells} (the cells of libraries that time their own
     * calls, {@link BenchRunner#ownCallCells}): per fork, a JVM start and every cell's warm-up and timed calls.
     */
    public static Duration ownCalls(List<Cell> cells, JmhSettings settings) {
        if (cells.isEmpty()) {
            return Duration.ZERO;
        }
        double fork = PROBE_START_SECONDS;
        for (Cell cell : cells) {
            fork += (settings.ownCallWarmUps(cell) + settings.ownCallRepetitions(cell)) * callSeconds(cell);
        }
        return Duration.ofSeconds(Math.round(settings.forks() * fork));
    }

    /** The expected length of one call of {@code cell}, in seconds. */
    static double callSeconds(Cell cell) {
        boolean naiveBackward = cell.implementation().equals(CostModel.NAIVE) && cell.mode() == Mode.FORWARD_BACKWARD;
        double flops = naiveBackward ? CostModel.naiveFlops(cell.rnnCell(), cell.shape(), cell.steps()) : cell.flops();
        return flops / (RATES.getOrDefault(cell.implementation(), OTHER_RATE) * 1e9);
    }

    /** E.g. {@code 1 h 23 min}, {@code 4 min}, {@code 50 s}. */
    public static String text(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds < 90) {
            return seconds + " s";
        }
        long minutes = Math.round(seconds / 60.0);
        return minutes < 60 ? minutes + " min" : (minutes / 60) + " h " + (minutes % 60) + " min";
    }
}
