package org.bptt.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bptt.outputs.Statistics;

/**
 * What became of one grid cell: its JMH samples (one per measured iteration: the mean time per call over that
 * iteration, in milliseconds), or why there are none.
 *
 * @param cell               the grid cell
 * @param status             measured, or why not
 * @param message            why not (empty when measured)
 * @param samplesByFork      per fork, its measured iterations' mean times per call (ms), in order
 * @param errorMs            JMH's score error: half the width of the 99.9% confidence interval of the mean time per
 *                           call (Student t over all samples; NaN with fewer than three samples)
 * @param allocBytesPerCall  bytes allocated on the heap per call (JMH's GC profiler, gc.alloc.rate.norm), NaN when
 *                           not profiled
 * @param peakHeapBytes      the heap's growth at its highest during one call ({@link MemoryProbe}), NaN when not probed
 * @param threads            the threads the implementation computed with: what every fork was given
 *                           ({@link JmhSettings#threads()}), or for an own-call cell what the library stated; 0 when
 *                           not known (a run written before this was recorded)
 */
public record CellResult(Cell cell, Status status, String message, List<double[]> samplesByFork, double errorMs,
                         double allocBytesPerCall, double peakHeapBytes, int threads) {

    /** Measured, or why not. */
    public enum Status {
        /** JMH measured it. */
        MEASURED,
        /** The plugin cannot run the case (a missing capability) or is not installed. */
        SKIPPED,
        /** The naive variant beyond its operations budget (see {@link BenchGrid}). */
        BEYOND_BUDGET,
        /** The benchmark threw or JMH failed; see jmh-output.txt. */
        FAILED
    }

    public CellResult {
        Objects.requireNonNull(cell, "cell");
        Objects.requireNonNull(status, "status");
        message = message == null ? "" : message;
        List<double[]> copy = new ArrayList<>();
        for (double[] fork : samplesByFork == null ? List.<double[]>of() : samplesByFork) {
            copy.add(fork.clone());
        }
        samplesByFork = List.copyOf(copy);
    }

    /** A cell that was not measured. */
    public static CellResult notMeasured(Cell cell, Status status, String message) {
        return new CellResult(cell, status, message, List.of(), Double.NaN, Double.NaN, Double.NaN, 0);
    }

    /** The same result with the memory probe's figure. */
    public CellResult withPeakHeap(double peakHeap) {
        return new CellResult(cell, status, message, samplesByFork, errorMs, allocBytesPerCall, peakHeap, threads);
    }

    /**
     * The spread across forks: the largest fork's median time minus the smallest's, over the median of all samples;
     * NaN with fewer than two forks. A JIT decision or a memory layout one JVM happened to take shows up here, not
     * in the spread within a fork.
     */
    public double forkSpread() {
        if (samplesByFork.size() < 2 || !measured()) {
            return Double.NaN;
        }
        double lowest = Double.POSITIVE_INFINITY;
        double highest = Double.NEGATIVE_INFINITY;
        for (double[] fork : samplesByFork) {
            double median = Statistics.median(fork);
            lowest = Math.min(lowest, median);
            highest = Math.max(highest, median);
        }
        return (highest - lowest) / medianMs();
    }

    public boolean measured() {
        return status == Status.MEASURED && samples().length > 0;
    }

    /** Every sample, fork after fork. */
    public double[] samples() {
        int count = 0;
        for (double[] fork : samplesByFork) {
            count += fork.length;
        }
        double[] all = new double[count];
        int position = 0;
        for (double[] fork : samplesByFork) {
            System.arraycopy(fork, 0, all, position, fork.length);
            position += fork.length;
        }
        return all;
    }

    /** The median of the samples, in ms per call; NaN when not measured. */
    public double medianMs() {
        return Statistics.median(samples());
    }

    /** The mean of the samples (JMH's score), in ms per call; NaN when not measured. */
    public double meanMs() {
        return Stats.mean(samples());
    }

    /** GFLOP/s of the median time, by the {@link FlopModel}. */
    public double gflops() {
        return measured() ? FlopModel.gflops(cell.mode(), cell.rnnCell(), cell.shape(), cell.steps(), medianMs()) : Double.NaN;
    }
}
