package org.bptt.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.bptt.api.InvalidInputException;

/**
 * How JMH measures each cell. Reported numbers come from {@link #full()}: two forks (a JIT decision or a memory
 * layout that one JVM happens to take shows up as a difference between forks, not as precision), warm-up
 * iterations, a fixed heap, one benchmark thread. On two shared cores noise is the enemy: compare within one run and
 * read ratios.
 *
 * @param forks                 JVMs per cell, each with its own warm-up
 * @param warmupIterations      iterations discarded per fork
 * @param warmupTime            length of each warm-up iteration
 * @param measurementIterations iterations kept per fork (each gives one sample: its mean time per call)
 * @param measurementTime       length of each measured iteration (at least one call)
 * @param heap                  -Xms and -Xmx of every fork, e.g. {@code 3g}
 * @param threads               the cores every fork may use, at least 1: its OMP_NUM_THREADS (ND4J's thread count) and
 *                              its -XX:ActiveProcessorCount (what Java code that sizes a thread pool by
 *                              {@link Runtime#availableProcessors()} sees, e.g. reference-fast), so that every
 *                              implementation gets the same number of threads
 * @param gcProfiler            whether JMH's GC profiler runs (bytes allocated per call)
 * @param cellBudget            the measured time each fork may spend on a cell whose calls are slow, zero for none:
 *                              see {@link #measuredIterations}; and the time each fork's own-call timing aims at,
 *                              see {@link #ownCallRepetitions}
 * @param sharedJvm             every cell in one forked JVM (with one fork): each cell still warms up, but they share
 *                              one JIT profile, which a fork per cell keeps apart; what a JVM per cell costs in
 *                              start-up (a second or more each, ND4J's native libraries more) is saved. For a first
 *                              look ({@link #quick()} in {@code bptt run}), not for figures to report
 */
public record JmhSettings(int forks, int warmupIterations, Duration warmupTime, int measurementIterations,
                          Duration measurementTime, String heap, int threads, boolean gcProfiler, Duration cellBudget,
                          boolean sharedJvm) {

    /** The most measured iterations per fork a time budget gives a cell. */
    public static final int MAX_ITERATIONS = 30;
    /** The most repetitions per fork of an own-call timing. */
    public static final int MAX_OWN_CALL_REPETITIONS = 200;

    /** Settings with a fixed iteration count for every cell (no time budget). */
    public JmhSettings(int forks, int warmupIterations, Duration warmupTime, int measurementIterations,
                       Duration measurementTime, String heap, int threads, boolean gcProfiler) {
        this(forks, warmupIterations, warmupTime, measurementIterations, measurementTime, heap, threads, gcProfiler,
                Duration.ZERO, false);
    }

    /** Settings with a fork per cell. */
    public JmhSettings(int forks, int warmupIterations, Duration warmupTime, int measurementIterations,
                       Duration measurementTime, String heap, int threads, boolean gcProfiler, Duration cellBudget) {
        this(forks, warmupIterations, warmupTime, measurementIterations, measurementTime, heap, threads, gcProfiler,
                cellBudget, false);
    }

    public JmhSettings {
        InvalidInputException.require(forks >= 1, "forks must be at least 1, got %d", forks);
        InvalidInputException.require(!sharedJvm || forks == 1, "one JVM for every cell has one fork, not %d", forks);
        InvalidInputException.require(warmupIterations >= 0, "warm-up iterations must be at least 0, got %d", warmupIterations);
        InvalidInputException.require(measurementIterations >= 1, "measurement iterations must be at least 1, got %d", measurementIterations);
        InvalidInputException.require(heap != null && heap.matches("[1-9][0-9]*[mMgG]"), "heap '%s' must be like 3g or 512m", heap);
        InvalidInputException.require(threads >= 1, "threads must be at least 1, got %d", threads);
        InvalidInputException.require(cellBudget != null && !cellBudget.isNegative(), "the cell budget must be zero or"
                + " positive, got %s", cellBudget);
    }

    /**
     * The warm-up iterations per fork of {@code cell}: {@link #warmupIterations}, except for a call expected (by
     * {@link RunTimeEstimate#callSeconds}) to take at least a warm-up iteration's time, whose iterations are then one
     * call each: as many as cover the same warm-up time (the JIT compiler needs seconds, not iterations), at least two.
     */
    public int warmupIterationsFor(Cell cell) {
        double call = RunTimeEstimate.callSeconds(cell);
        double iteration = warmupTime.toMillis() / 1000.0;
        if (call < iteration) {
            return warmupIterations;
        }
        int covering = (int) Math.ceil(warmupIterations * iteration / call);
        return Math.min(warmupIterations, Math.max(Math.min(2, warmupIterations), covering));
    }

    /**
     * The measured iterations per fork of {@code cell}. A call shorter than an iteration gets the fixed
     * {@link #measurementIterations}: each sample is then the mean of several calls. A slow call (expected, by
     * {@link RunTimeEstimate#callSeconds}, to take at least an iteration's time) makes each iteration one call, so a
     * fixed count would give a handful of calls: it gets as many iterations as fit in {@link #cellBudget} instead, at
     * least {@link #measurementIterations} and at most {@value #MAX_ITERATIONS}.
     */
    public int measuredIterations(Cell cell) {
        double call = RunTimeEstimate.callSeconds(cell);
        double iteration = measurementTime.toMillis() / 1000.0;
        if (cellBudget.isZero() || call < iteration) {
            return measurementIterations;
        }
        int fitting = (int) Math.floor(cellBudget.toMillis() / 1000.0 / call);
        return Math.max(measurementIterations, Math.min(MAX_ITERATIONS, fitting));
    }

    /**
     * The timed repetitions per fork of a library's own call on {@code cell}: as many calls as fit in the larger of
     * {@link #cellBudget} and the measured iterations' time, at least {@link #measurementIterations} and at most
     * {@value #MAX_OWN_CALL_REPETITIONS}. Each repetition is one sample.
     */
    public int ownCallRepetitions(Cell cell) {
        return ownCallRepetitions(RunTimeEstimate.callSeconds(cell));
    }

    /** {@link #ownCallRepetitions(Cell)} for a call known to take about {@code callSeconds}. */
    public int ownCallRepetitions(double callSeconds) {
        double time = Math.max(cellBudget.toMillis(), measurementIterations * measurementTime.toMillis()) / 1000.0;
        int fitting = (int) Math.floor(time / callSeconds);
        return Math.max(measurementIterations, Math.min(MAX_OWN_CALL_REPETITIONS, fitting));
    }

    /** The untimed calls before an own-call timing: about the warm-up iterations' time, 1 to 50 calls. */
    public int ownCallWarmUps(Cell cell) {
        return ownCallWarmUps(RunTimeEstimate.callSeconds(cell));
    }

    /** {@link #ownCallWarmUps(Cell)} for a call known to take about {@code callSeconds}. */
    public int ownCallWarmUps(double callSeconds) {
        double time = warmupIterations * warmupTime.toMillis() / 1000.0;
        int fitting = (int) Math.ceil(time / callSeconds);
        return Math.max(1, Math.min(50, fitting));
    }

    /**
     * The reported runs: 2 forks × (4 warm-up + 4 measured iterations of 1 s; a slow call up to 30 s of measured
     * iterations), 3 GiB heap, all cores, GC profiler. Four warm-up seconds, not two: after two, the C2 compiler had
     * not finished with reference-fast's Vector API kernels in any fork (benchmarks/README.md, "JMH settings").
     */
    public static JmhSettings full() {
        return new JmhSettings(2, 4, Duration.ofSeconds(1), 4, Duration.ofSeconds(1), "3g", cores(), true,
                Duration.ofSeconds(30));
    }

    /**
     * {@code --quick}: 1 fork × (1 warm-up + 3 measured iterations of 100 ms), one thread: a first look, not a result.
     * One thread because quick runs happen on busy machines (CI, {@code bptt run}), where ND4J's OpenMP threads
     * stall waiting for each other when a core is taken: on this 2-core machine, with other builds running (load
     * about 2.5), two quick runs minutes apart measured DL4J's forward+backward at 2.0 s and 6.2 s a call with 2
     * threads (16x64x128x64, T = 16 and 64) and at 0.067 s and 0.16 s with 1.
     */
    public static JmhSettings quick() {
        return new JmhSettings(1, 1, Duration.ofMillis(100), 3, Duration.ofMillis(100), "3g", 1, true);
    }

    /** The same settings with another number of forks. */
    public JmhSettings withForks(int value) {
        return new JmhSettings(value, warmupIterations, warmupTime, measurementIterations, measurementTime, heap, threads,
                gcProfiler, cellBudget, sharedJvm);
    }

    /** The same settings with another number of OpenMP threads. */
    public JmhSettings withThreads(int value) {
        return new JmhSettings(forks, warmupIterations, warmupTime, measurementIterations, measurementTime, heap, value,
                gcProfiler, cellBudget, sharedJvm);
    }

    /** The same settings with another cell budget. */
    public JmhSettings withCellBudget(Duration value) {
        return new JmhSettings(forks, warmupIterations, warmupTime, measurementIterations, measurementTime, heap, threads,
                gcProfiler, value, sharedJvm);
    }

    /** The same settings with every cell in one forked JVM (see {@link #sharedJvm}), and one fork. */
    public JmhSettings inSharedJvm() {
        return new JmhSettings(1, warmupIterations, warmupTime, measurementIterations, measurementTime, heap, threads,
                gcProfiler, cellBudget, true);
    }

    /** The samples a cell yields: forks × measured iterations. */
    public int samplesPerCell() {
        return forks * measurementIterations;
    }

    /**
     * The JVM options of every fork. The Vector API's incubator module lets reference-fast multiply with its
     * register-blocked kernels (the same bits as without it, faster).
     */
    public List<String> jvmArgs() {
        return List.of("-Xms" + heap, "-Xmx" + heap, "-XX:+UseParallelGC", "-XX:ActiveProcessorCount=" + threads,
                "--add-modules", "jdk.incubator.vector", "-Djava.awt.headless=true");
    }

    /** A one-line description. */
    public String describe() {
        return String.format(Locale.ROOT, "%s × (%d warm-up × %s + %d measured × %s iterations), mean time per"
                        + " call per iteration%s, 1 benchmark thread, %s, OMP_NUM_THREADS=%d%s",
                sharedJvm ? "one JVM for every cell (one JIT profile shared)" : forks + " fork(s)", warmupIterations,
                text(warmupTime), measurementIterations, text(measurementTime),
                cellBudget.isZero() ? "" : "; a slow call: as many warm-up calls as cover the warm-up time (at least"
                        + " 2) and as many iterations as fit in " + text(cellBudget) + " (at most " + MAX_ITERATIONS + ")",
                String.join(" ", jvmArgs()), threads, gcProfiler ? ", GC profiler" : "");
    }

    /** The processors of this machine. */
    static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    private static String text(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }
}
