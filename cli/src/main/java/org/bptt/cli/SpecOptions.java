package org.bptt.cli;

import org.bptt.api.Activation;
import org.bptt.api.Cell;
import org.bptt.api.DataType;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import picocli.CommandLine.Option;

/**
 * The options that describe a model (activation, head, biases, loss reduction), shared by every command that builds
 * one case from its options ({@code gradcheck}, {@code explain}). The sizes are the commands' own: each has defaults
 * that suit its use (a hand-sized example for {@code explain}).
 */
final class SpecOptions {

    @Option(names = "--activation", paramLabel = "F", defaultValue = "tanh",
            description = "Activation: tanh, sigmoid, relu, identity (default: ${DEFAULT-VALUE}).")
    String activation;

    @Option(names = "--head", paramLabel = "HEAD", defaultValue = "per_step_softmax",
            description = "Head: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Head head;

    @Option(names = "--no-biases", description = "A model without biases b and c.")
    boolean noBiases;

    @Option(names = "--reduction", paramLabel = "R", defaultValue = "sum",
            description = "Loss reduction: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    LossReduction reduction;

    /** The double-precision model of these options with sizes d, H and K (K is 1 under the sigmoid head). */
    ModelSpec spec(int inputSize, int hiddenSize, int outputSize) {
        return new ModelSpec(Cell.ELMAN, inputSize, hiddenSize, head == Head.LAST_STEP_SIGMOID ? 1 : outputSize,
                Activation.parse(activation), head, !noBiases, reduction, DataType.FLOAT64);
    }
}
