package org.bptt.cli;

import org.bptt.api.Activation;
import org.bptt.api.Cell;
import org.bptt.api.CellOptions;
import org.bptt.api.DataType;
import org.bptt.api.Head;
import org.bptt.api.InvalidInputException;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.ResetPlacement;
import picocli.CommandLine.Option;

/**
 * The options that describe a model (cell and its options, activation, head, biases, loss reduction), shared by every
 * command that builds one case from its options ({@code gradcheck}, {@code explain}). The sizes are the commands'
 * own: each has defaults that suit its use (a hand-sized example for {@code explain}).
 */
final class SpecOptions {

    @Option(names = "--cell", paramLabel = "CELL", defaultValue = "elman",
            description = "Cell: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Cell cell;

    @Option(names = "--reset", paramLabel = "WHERE",
            description = "A GRU's reset gate: before or after the recurrent product (default: after, as PyTorch and cuDNN).")
    ResetPlacement resetPlacement;

    @Option(names = "--peepholes", description = "An LSTM with peephole connections p_i, p_f, p_o.")
    boolean peepholes;

    @Option(names = "--two-biases", description = "A GRU or LSTM with two bias vectors per gate (input side and recurrent side).")
    boolean twoBiases;

    @Option(names = "--activation", paramLabel = "F", defaultValue = "tanh",
            description = "The Elman cell's activation: tanh, sigmoid, relu, identity (default: ${DEFAULT-VALUE}; "
                    + "the gated cells have their own).")
    String activation;

    @Option(names = "--head", paramLabel = "HEAD", defaultValue = "per_step_softmax",
            description = "Head: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Head head;

    @Option(names = "--no-biases", description = "A model without biases (the cell's and the head's).")
    boolean noBiases;

    @Option(names = "--reduction", paramLabel = "R", defaultValue = "sum",
            description = "Loss reduction: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    LossReduction reduction;

    /**
     * The double-precision model of these options with sizes d, H and K (K is 1 under the sigmoid head).
     *
     * @throws InvalidInputException naming the option that does not fit the cell
     */
    ModelSpec spec(int inputSize, int hiddenSize, int outputSize) {
        InvalidInputException.require(resetPlacement == null || cell == Cell.GRU,
                "--reset is a GRU option; the %s cell has no reset gate", name(cell));
        InvalidInputException.require(!peepholes || cell == Cell.LSTM,
                "--peepholes is an LSTM option; the %s cell has no cell state to look at", name(cell));
        InvalidInputException.require(!twoBiases || cell != Cell.ELMAN,
                "--two-biases is a GRU or LSTM option; the Elman cell has one bias vector");
        InvalidInputException.require(!twoBiases || !noBiases, "--two-biases and --no-biases contradict each other");
        Activation parsed = Activation.parse(activation);
        InvalidInputException.require(cell == Cell.ELMAN || parsed == Activation.TANH,
                "--activation is the Elman cell's; the %s cell's nonlinearities are its own (sigmoid gates, tanh)", name(cell));
        CellOptions options = switch (cell) {
            case ELMAN -> CellOptions.NONE;
            case GRU -> CellOptions.gru(resetPlacement == null ? ResetPlacement.AFTER : resetPlacement, twoBiases);
            case LSTM -> CellOptions.lstm(peepholes, twoBiases);
        };
        return new ModelSpec(cell, options, inputSize, hiddenSize, head == Head.LAST_STEP_SIGMOID ? 1 : outputSize,
                parsed, head, !noBiases, reduction, DataType.FLOAT64);
    }

    private static String name(Cell cell) {
        return cell.name().toLowerCase(java.util.Locale.ROOT);
    }
}
