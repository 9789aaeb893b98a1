package org.bptt.api;

/**
 * The options of a {@link ModelSpec}'s cell. Each option belongs to one cell, and a cell that does not read an
 * option requires it at its neutral value (null or false), so that two specs describing the same model are equal
 * and have the same label. {@link ModelSpec} checks the combination against the cell.
 *
 * <ul>
 *   <li>{@link Cell#ELMAN}: no options, {@link #NONE}.</li>
 *   <li>{@link Cell#GRU}: {@link #resetPlacement} (required) and {@link #twoBiases}.</li>
 *   <li>{@link Cell#LSTM}: {@link #peepholes} and {@link #twoBiases}.</li>
 * </ul>
 *
 * @param resetPlacement where a GRU applies its reset gate; null for the other cells
 * @param peepholes      whether an LSTM's input, forget and output gates also see the cell state through the
 *                       diagonal peephole weights {@code p_i, p_f, p_o} (Gers &amp; Schmidhuber 2000; ONNX's
 *                       {@code P}, DL4J's GravesLSTM); false for the other cells
 * @param twoBiases      whether each gate has two bias vectors, an input-side {@code b_*} and a recurrent-side
 *                       {@code b_h*} (PyTorch's {@code bias_ih} and {@code bias_hh}, ONNX's {@code Wb} and
 *                       {@code Rb}) instead of one {@code b_*}; needs {@link ModelSpec#biases()}; false for the
 *                       Elman cell
 */
public record CellOptions(ResetPlacement resetPlacement, boolean peepholes, boolean twoBiases) {

    /** The options of a cell that has none: the Elman cell's. */
    public static final CellOptions NONE = new CellOptions(null, false, false);

    /** A GRU's options. */
    public static CellOptions gru(ResetPlacement resetPlacement, boolean twoBiases) {
        InvalidInputException.require(resetPlacement != null, "a GRU needs its reset placement (BEFORE or AFTER the recurrent product)");
        return new CellOptions(resetPlacement, false, twoBiases);
    }

    /** An LSTM's options. */
    public static CellOptions lstm(boolean peepholes, boolean twoBiases) {
        return new CellOptions(null, peepholes, twoBiases);
    }

    /**
     * Checks that these options are the ones {@code cell} reads, given whether the model has biases.
     *
     * @throws InvalidInputException naming the option and the cell
     */
    void validate(Cell cell, boolean biases) {
        switch (cell) {
            case ELMAN -> InvalidInputException.require(equals(NONE),
                    "the Elman cell has no cell options (reset placement, peepholes, two biases), got %s", this);
            case GRU -> {
                InvalidInputException.require(resetPlacement != null,
                        "a GRU needs its reset placement (BEFORE or AFTER the recurrent product)");
                InvalidInputException.require(!peepholes, "peepholes are an LSTM option: a GRU has no cell state to look at");
            }
            case LSTM -> InvalidInputException.require(resetPlacement == null,
                    "the reset placement (%s) is a GRU option: an LSTM has no reset gate", resetPlacement);
        }
        InvalidInputException.require(!twoBiases || biases,
                "two bias vectors per gate need a model with biases (biases = true)");
    }
}
