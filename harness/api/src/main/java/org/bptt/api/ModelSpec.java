package org.bptt.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The architecture of a recurrent network and how its loss is reduced.
 *
 * @param cell        the recurrent cell, which declares the recurrence's parameters
 * @param cellOptions the cell's options ({@link CellOptions#NONE} for the Elman cell): a GRU's reset placement,
 *                    LSTM peepholes, two bias vectors per gate
 * @param inputSize   d, the size of x_t, at least 1
 * @param hiddenSize  H, the size of h_t, at least 1
 * @param outputSize  K, the size of o_t, at least 1 (exactly 1 for {@link Head#LAST_STEP_SIGMOID})
 * @param activation  f of the Elman cell; {@link Activation#TANH} for the gated cells, whose nonlinearities are
 *                    their own (sigmoid gates, tanh candidate and cell output)
 * @param head        which steps produce a loss; declares the output layer's parameters
 * @param biases      whether the bias vectors exist, the cell's and the head's; without them the Elman model is
 *                    h_t = f(U x_t + W h_{t-1}), o_t = V h_t
 * @param reduction   how per-term losses are combined into L
 * @param dataType    the arithmetic asked of the implementation
 * @param topology    how many layers of the cell are stacked and which ways they read the sequence
 *                    ({@link Topology#SINGLE}: one layer, forwards)
 */
public record ModelSpec(Cell cell, CellOptions cellOptions, int inputSize, int hiddenSize, int outputSize,
                        Activation activation, Head head, boolean biases, LossReduction reduction, DataType dataType,
                        Topology topology) {

    /**
     * @throws InvalidInputException naming the field and the value that is wrong, or the option that does not fit
     *                               the cell
     */
    public ModelSpec {
        InvalidInputException.require(cell != null, "cell must be given");
        InvalidInputException.require(cellOptions != null, "cellOptions must be given (CellOptions.NONE for the Elman cell)");
        InvalidInputException.require(inputSize >= 1, "inputSize (d) must be at least 1, got %d", inputSize);
        InvalidInputException.require(hiddenSize >= 1, "hiddenSize (H) must be at least 1, got %d", hiddenSize);
        InvalidInputException.require(outputSize >= 1, "outputSize (K) must be at least 1, got %d", outputSize);
        InvalidInputException.require(activation != null, "activation must be given");
        InvalidInputException.require(head != null, "head must be given");
        InvalidInputException.require(reduction != null, "reduction must be given");
        InvalidInputException.require(dataType != null, "dataType must be given");
        InvalidInputException.require(topology != null, "topology must be given (Topology.SINGLE for one layer read forwards)");
        InvalidInputException.require(head != Head.LAST_STEP_SIGMOID || outputSize == 1,
                "outputSize (K) must be 1 for the sigmoid head, got %d", outputSize);
        cellOptions.validate(cell, biases);
        InvalidInputException.require(cell == Cell.ELMAN || activation == Activation.TANH,
                "the %s's nonlinearities are its own (sigmoid gates, tanh candidate): its activation must be TANH, got %s",
                cell, activation);
    }

    /** A one-layer forward model ({@link Topology#SINGLE}). */
    public ModelSpec(Cell cell, CellOptions cellOptions, int inputSize, int hiddenSize, int outputSize,
                     Activation activation, Head head, boolean biases, LossReduction reduction, DataType dataType) {
        this(cell, cellOptions, inputSize, hiddenSize, outputSize, activation, head, biases, reduction, dataType, Topology.SINGLE);
    }

    /** A one-layer forward model of a cell without options (the Elman cell): {@link CellOptions#NONE}. */
    public ModelSpec(Cell cell, int inputSize, int hiddenSize, int outputSize, Activation activation, Head head,
                     boolean biases, LossReduction reduction, DataType dataType) {
        this(cell, CellOptions.NONE, inputSize, hiddenSize, outputSize, activation, head, biases, reduction, dataType);
    }

    /** A double-precision tanh Elman model with biases, per-step softmax and the loss summed. */
    public static ModelSpec of(int inputSize, int hiddenSize, int outputSize) {
        return new ModelSpec(Cell.ELMAN, inputSize, hiddenSize, outputSize, Activation.TANH, Head.PER_STEP_SOFTMAX, true,
                LossReduction.SUM, DataType.FLOAT64);
    }

    /**
     * This model with another cell and its options (and the activation TANH when the cell is gated).
     *
     * @throws InvalidInputException when the options do not fit the cell
     */
    public ModelSpec withCell(Cell value, CellOptions options) {
        return new ModelSpec(Objects.requireNonNull(value), options, inputSize, hiddenSize, outputSize,
                value == Cell.ELMAN ? activation : Activation.TANH, head, biases, reduction, dataType, topology);
    }

    public ModelSpec withActivation(Activation value) {
        return new ModelSpec(cell, cellOptions, inputSize, hiddenSize, outputSize, Objects.requireNonNull(value), head, biases, reduction, dataType, topology);
    }

    public ModelSpec withHead(Head value) {
        return new ModelSpec(cell, cellOptions, inputSize, hiddenSize, value == Head.LAST_STEP_SIGMOID ? 1 : outputSize,
                activation, Objects.requireNonNull(value), biases, reduction, dataType, topology);
    }

    public ModelSpec withBiases(boolean value) {
        return new ModelSpec(cell, cellOptions, inputSize, hiddenSize, outputSize, activation, head, value, reduction, dataType, topology);
    }

    public ModelSpec withReduction(LossReduction value) {
        return new ModelSpec(cell, cellOptions, inputSize, hiddenSize, outputSize, activation, head, biases, Objects.requireNonNull(value), dataType, topology);
    }

    public ModelSpec withDataType(DataType value) {
        return new ModelSpec(cell, cellOptions, inputSize, hiddenSize, outputSize, activation, head, biases, reduction, Objects.requireNonNull(value), topology);
    }

    /** This model with {@code value}'s layers and directions. */
    public ModelSpec withTopology(Topology value) {
        return new ModelSpec(cell, cellOptions, inputSize, hiddenSize, outputSize, activation, head, biases, reduction, dataType,
                Objects.requireNonNull(value));
    }

    /** L, the number of stacked layers ({@link Topology#layers()}). */
    public int layers() {
        return topology.layers();
    }

    /** D, the number of directions per layer: 1, or 2 for a bidirectional network. */
    public int directions() {
        return topology.directions();
    }

    /** True for a bidirectional network. */
    public boolean bidirectional() {
        return topology.bidirectional();
    }

    /** The size of layer {@code layer}'s input at a step: d for layer 0, the previous layer's output size above it. */
    public int layerInputSize(int layer) {
        return layer == 0 ? inputSize : topology.layerOutputSize(hiddenSize);
    }

    /** The symbol of {@link #layerInputSize} in declared shapes: {@code d}, {@code H} or {@code 2H}. */
    public String layerInputSymbol(int layer) {
        return layer == 0 ? "d" : topology.layerOutputSymbol();
    }

    /**
     * The parameters of this model in their stable order: the cell's ({@link Cell#parameters}) for each layer from
     * the input and, in a layer, for the forward direction and then the reverse one, named as {@link ParameterName}
     * says; then the head's ({@link Head#parameters}). For a one-layer Elman model: {@code U, W, b, V, c}, without
     * b and c when there are no biases; for two forward layers {@code U, W, b, l1.U, l1.W, l1.b, V, c}.
     */
    public List<ParameterDeclaration> parameters() {
        List<ParameterDeclaration> declared = new ArrayList<>();
        for (int layer = 0; layer < layers(); layer++) {
            for (int direction = 0; direction < directions(); direction++) {
                boolean reverse = direction == 1;
                for (ParameterDeclaration bare : cell.parameters(this, layer)) {
                    declared.add(bare.at(layer, reverse));
                }
            }
        }
        declared.addAll(head.parameters(this));
        return List.copyOf(declared);
    }

    /** The names of {@link #parameters()}, in the same order. */
    public List<String> parameterNames() {
        return parameters().stream().map(ParameterDeclaration::name).toList();
    }

    /** The declaration of the parameter called {@code name}, or null when this model has none of that name. */
    public ParameterDeclaration parameter(String name) {
        for (ParameterDeclaration declaration : parameters()) {
            if (declaration.name().equals(name)) {
                return declaration;
            }
        }
        return null;
    }

    /**
     * A short label such as {@code tanh/per-step-softmax/bias/d4-H8-K5/sum}, followed by the topology's part when
     * the network is not one forward layer ({@link Topology#label()}, e.g. {@code .../sum/2-layers-bidirectional-concat}). The Elman cell is not named in it:
     * labels and case ids made before there was a choice of cell stay as they were. A gated cell's label starts
     * with the cell and its options instead of the activation ({@code gru-reset-before}, {@code gru-reset-after},
     * {@code lstm}, {@code lstm-peepholes}) and says {@code two-biases} where the model has two bias vectors per
     * gate, e.g. {@code lstm-peepholes/last-step-sigmoid/two-biases/d3-H4-K1/mean-over-batch}.
     */
    public String label() {
        return cellLabel() + "/"
                + head.name().toLowerCase(Locale.ROOT).replace('_', '-') + "/"
                + (cellOptions.twoBiases() ? "two-biases" : biases ? "bias" : "nobias")
                + "/d" + inputSize + "-H" + hiddenSize + "-K" + outputSize + "/"
                + reduction.name().toLowerCase(Locale.ROOT).replace('_', '-')
                + (dataType == DataType.FLOAT32 ? "/f32" : "")
                + topology.label();
    }

    private String cellLabel() {
        return switch (cell) {
            case ELMAN -> activation.name().toLowerCase(Locale.ROOT);
            case GRU -> "gru-reset-" + cellOptions.resetPlacement().name().toLowerCase(Locale.ROOT);
            case LSTM -> cellOptions.peepholes() ? "lstm-peepholes" : "lstm";
        };
    }
}
