package org.bptt.benchmarks;

import java.util.concurrent.TimeUnit;
import org.bptt.api.Batch;
import org.bptt.api.Case;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.RnnImplementation;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One call of a plugin, forward only or forward + backward, on a seeded case ({@link BenchmarkCase}). The plugin is
 * found by id through {@code ServiceLoader}, like every plugin of the harness.
 *
 * <p>JMH practice (see the JMH samples): the case is built once per trial, outside the measurement; every call
 * returns its result, which JMH consumes, so no work can be dropped as dead code; no loop inside the benchmark
 * method; the plugin may not modify its arguments (the SPI says so), and the trial ends by checking that it did not.
 * The defaults below are for running the jar on its own ({@code java -jar benchmarks/target/benchmarks.jar}); the
 * {@code bptt bench} command sets every option itself.
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 2, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
@Threads(1)
public class RnnBenchmark {

    /** The plugin id. */
    @Param({"reference-aggregated"})
    public String implementation;

    /** The recurrent cell: {@code elman}, {@code gru} or {@code lstm}. */
    @Param({"elman"})
    public String cell;

    /** Layers and directions: {@code l1} (one layer read forwards), {@code l2}, {@code l2-bi}, … ({@link Cell#topologyName}). */
    @Param({"l1"})
    public String topology;

    /** {@code BxdxHxK}. */
    @Param({"16x64x128x64"})
    public String shape;

    /** T. */
    @Param({"8", "16", "32", "64", "128", "256", "512"})
    public int steps;

    /** {@code float64} or {@code float32}. */
    @Param({"float64"})
    public String precision;

    private RnnImplementation plugin;
    private ModelSpec spec;
    private Parameters parameters;
    private Batch batch;
    private Case pristine;

    @Setup(Level.Trial)
    public void setUp() {
        Case testCase = BenchmarkCase.create(Cell.parseRnnCell(cell), Cell.parseTopology(topology), Shape.parse(shape), steps,
                Cell.parsePrecision(precision));
        plugin = BenchmarkCase.plugin(implementation, BenchmarkCase.pluginDirectories());
        String unsupported = BenchmarkCase.unsupportedReason(implementation, plugin.capabilities(), testCase.spec(),
                testCase.batch());
        if (unsupported != null) {
            throw new IllegalStateException("cannot benchmark " + testCase.id() + ": " + unsupported);
        }
        spec = testCase.spec();
        parameters = testCase.parameters();
        batch = testCase.batch();
        pristine = new Case(testCase.id(), testCase.description(), spec, parameters.copy(),
                new Batch(batch.inputs().copy(), batch.targets().copy(), null, null), testCase.seed());
    }

    @Benchmark
    public ForwardResult forward() {
        return plugin.forward(spec, parameters, batch);
    }

    @Benchmark
    public GradientResult forwardBackward() {
        return plugin.gradients(spec, parameters, batch);
    }

    /** The SPI forbids a plugin to modify its arguments: a benchmark of one that does would measure another case. */
    @TearDown(Level.Trial)
    public void checkArgumentsUnchanged() {
        if (!pristine.parameters().equals(parameters) || !pristine.batch().equals(batch)) {
            throw new IllegalStateException(implementation + " modified the parameters or the batch it was given");
        }
    }
}
