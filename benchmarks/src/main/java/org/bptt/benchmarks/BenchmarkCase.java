package org.bptt.benchmarks;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.bptt.api.Batch;
import org.bptt.api.Capability;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.DataType;
import org.bptt.api.InvalidInputException;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterDeclaration;
import org.bptt.api.Parameters;
import org.bptt.api.RnnImplementation;
import org.bptt.api.Tensor;
import org.bptt.api.Topology;
import org.bptt.core.cases.CaseGenerator;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.plugins.PluginRegistry;

/**
 * The weights and batch a benchmark runs on, and the plugin it runs, as both the JMH benchmark and the memory probe
 * set them up: {@link CaseGenerator} with its defaults (Xavier weights, W rescaled to spectral radius 0.9, inputs
 * uniform on (−1, 1), one-hot targets), no mask, h_{-1} = 0, seed {@value #SEED}. A gated cell's case has the same
 * batch, and its weights are drawn from the same seed: every matrix Xavier-uniform, each W_* rescaled to spectral
 * radius 0.9 as the Elman W is, the biases uniform on (−0.1, 0.1) (the values change what is computed, not how
 * much). A network of more layers or two directions ({@link Topology}) has the same batch and every layer's and
 * direction's weights drawn that way too, for every cell.
 */
public final class BenchmarkCase {

    /** The seed of every benchmark case. */
    public static final long SEED = 20_240_5L;

    /** The system property that carries the plugin directories into forked JVMs (path-separator separated). */
    public static final String PLUGIN_DIRECTORIES_PROPERTY = "bptt.bench.plugins";

    private BenchmarkCase() {
    }

    /** The case of a cell, shape, T and precision: one layer read forwards. */
    public static Case create(Cell cell, Shape shape, int steps, DataType precision) {
        return create(cell, Topology.SINGLE, shape, steps, precision);
    }

    /** The case of a cell, topology, shape, T and precision. */
    public static Case create(Cell cell, Topology topology, Shape shape, int steps, DataType precision) {
        ModelSpec elman = shape.spec(Cell.ELMAN).withDataType(precision);
        Case elmanCase = CaseGenerator.generate("bench-" + shape + "-T" + steps, elman, shape.batchSize(), steps, false,
                false, SEED);
        if (cell == Cell.ELMAN && topology.single()) {
            return elmanCase;
        }
        ModelSpec spec = shape.spec(cell).withDataType(precision).withTopology(topology);
        SplittableRandom random = new SplittableRandom(SEED);
        Parameters parameters = Parameters.of(spec, declaration -> gatedParameter(declaration, random.split()));
        String network = (topology.single() ? "" : org.bptt.benchmarks.Cell.topologyName(topology) + "-")
                + cell.name().toLowerCase(Locale.ROOT);
        return new Case("bench-" + network + "-" + shape + "-T" + steps,
                elmanCase.description().replace(elman.label(), spec.label()), spec, parameters, elmanCase.batch(), SEED);
    }

    /** A gated model's parameter, drawn as the class comment says. */
    private static Tensor gatedParameter(ParameterDeclaration declaration, SplittableRandom random) {
        int[] shape = declaration.shape();
        double range = shape.length == 1 ? 0.1 : Math.sqrt(6.0 / (shape[0] + shape[1]));
        Tensor tensor = Tensor.zeros(shape);
        double[] data = tensor.data();
        for (int i = 0; i < data.length; i++) {
            data[i] = (2 * random.nextDouble() - 1) * range;
        }
        if (declaration.dimensions().equals(List.of("H", "H"))) {
            return CaseGenerator.rescale(tensor, CaseGenerator.Options.defaults());
        }
        return tensor;
    }

    /** The plugin directories named by {@value #PLUGIN_DIRECTORIES_PROPERTY}, or none. */
    public static List<Path> pluginDirectories() {
        String value = System.getProperty(PLUGIN_DIRECTORIES_PROPERTY, "");
        List<Path> directories = new ArrayList<>();
        for (String part : value.split(File.pathSeparator)) {
            if (!part.isBlank()) {
                directories.add(Path.of(part));
            }
        }
        return directories;
    }

    /** The property value that passes {@code directories} on, for {@link #pluginDirectories()}. */
    public static String pluginDirectoriesValue(List<Path> directories) {
        List<String> parts = new ArrayList<>();
        for (Path directory : directories) {
            parts.add(directory.toAbsolutePath().toString());
        }
        return String.join(File.pathSeparator, parts);
    }

    /**
     * The plugin {@code id}, from the class path and the plugin directories.
     *
     * @throws InvalidInputException naming the available plugins when there is no such plugin
     */
    public static RnnImplementation plugin(String id, List<Path> pluginDirectories) {
        return PluginRegistry.discover(pluginDirectories).require(id).implementation();
    }

    /** Why {@code plugin} cannot run the cases of {@code cell} and {@code shape} in {@code precision}, or null when it can. */
    public static String unsupportedReason(LoadedPlugin plugin, Cell cell, Shape shape, DataType precision) {
        return unsupportedReason(plugin, cell, Topology.SINGLE, shape, precision);
    }

    /** Why {@code plugin} cannot run the cases of {@code cell}, {@code topology} and {@code shape}, or null when it can. */
    public static String unsupportedReason(LoadedPlugin plugin, Cell cell, Topology topology, Shape shape,
                                           DataType precision) {
        ModelSpec spec = shape.spec(cell).withDataType(precision).withTopology(topology);
        // What a case requires depends on the spec and on whether the batch has a mask or h_{-1}: a one-step
        // stand-in without either has the same requirements as the real case.
        Batch standIn = new Batch(Tensor.zeros(1, 1, spec.inputSize()), Tensor.zeros(1, 1, spec.outputSize()), null, null);
        return unsupportedReason(plugin.id(), plugin.capabilities(), spec, standIn);
    }

    /** Why a plugin with {@code capabilities} cannot run a batch of {@code spec}, or null when it can. */
    public static String unsupportedReason(String id, java.util.Set<Capability> capabilities, ModelSpec spec, Batch batch) {
        List<Capability> missing = new ArrayList<>(Capability.requiredBy(spec, batch));
        missing.removeAll(capabilities);
        return missing.isEmpty() ? null : id + " lacks " + missing;
    }
}
