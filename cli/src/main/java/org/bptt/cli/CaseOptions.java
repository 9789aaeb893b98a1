package org.bptt.cli;

import java.nio.file.Path;
import org.bptt.api.Case;
import org.bptt.api.InvalidInputException;
import org.bptt.api.ModelSpec;
import org.bptt.core.cases.CaseGenerator;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** One case described on the command line, or in a small JSON file ({@link CaseFile}). */
final class CaseOptions {

    @Option(names = "--spec", paramLabel = "FILE", description = "Read the case from a JSON file (see the README); other case options are then ignored.")
    Path specFile;

    @Option(names = {"-d", "--input-size"}, paramLabel = "d", defaultValue = "3", description = "Input size d (default: ${DEFAULT-VALUE}).")
    int inputSize;

    @Option(names = {"-H", "--hidden-size"}, paramLabel = "H", defaultValue = "4", description = "Hidden size H (default: ${DEFAULT-VALUE}).")
    int hiddenSize;

    @Option(names = {"-K", "--output-size"}, paramLabel = "K", defaultValue = "3", description = "Output size K (default: ${DEFAULT-VALUE}; 1 for the sigmoid head).")
    int outputSize;

    @Option(names = {"-T", "--steps"}, paramLabel = "T", defaultValue = "5", description = "Sequence length T (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = {"-B", "--batch"}, paramLabel = "B", defaultValue = "2", description = "Batch size B (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Mixin
    SpecOptions specOptions;

    @Option(names = "--mask", description = "Give the sequences random lengths (a mask).")
    boolean masked;

    @Option(names = "--initial-state", description = "Start from a random h_{-1} (and for an LSTM a random c_{-1}) instead of zeros.")
    boolean initialState;

    @Mixin
    NetworkOptions network = new NetworkOptions();

    @Option(names = "--case-seed", paramLabel = "N", defaultValue = "1", description = "Seed for the weights and inputs (default: ${DEFAULT-VALUE}).")
    long seed;

    /** The case these options describe, validated. */
    Case toCase() {
        Case generated = specFile != null ? CaseFile.read(specFile) : fromOptions();
        generated.validate();
        return generated;
    }

    private Case fromOptions() {
        InvalidInputException.require(steps >= 1, "--steps (T) must be at least 1, got %d", steps);
        InvalidInputException.require(batchSize >= 1, "--batch (B) must be at least 1, got %d", batchSize);
        ModelSpec spec = specOptions.spec(inputSize, hiddenSize, outputSize).withTopology(network.topology());
        return CaseGenerator.generate("gradcheck-" + spec.label().replace('/', '-') + "-B" + batchSize + "-T" + steps,
                spec, batchSize, steps, masked, initialState, seed);
    }
}
