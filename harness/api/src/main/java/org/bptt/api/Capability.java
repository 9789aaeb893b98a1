package org.bptt.api;

import java.util.EnumSet;
import java.util.Set;

/**
 * What an implementation can do. A case that needs a capability an implementation lacks is skipped with the
 * reason, never failed and never silently passed. Optional outputs ({@link #INPUT_GRADIENTS},
 * {@link #INITIAL_STATE_GRADIENTS}, {@link #INITIAL_CELL_STATE_GRADIENTS}, {@link #HIDDEN_STATE_GRADIENTS},
 * {@link #HIDDEN_STATES}, {@link #CELL_STATES}) are compared only when offered.
 *
 * <p>An implementation that declares none of the gated cells' capabilities runs the Elman cell only: the Elman
 * cell needs no capability of its own, so plugins written before there was a choice of cell keep running every
 * Elman case. Likewise one layer read forwards needs nothing; more layers need {@link #STACKED} and a bidirectional
 * network the {@code BIDIRECTIONAL_*} of its combine mode.
 */
public enum Capability {
    /** Activations of the Elman cell. */
    TANH, SIGMOID, RELU, IDENTITY,
    PER_STEP_SOFTMAX, LAST_STEP_SOFTMAX, LAST_STEP_SIGMOID,
    /** The model's biases (the cell's and the head's) are trained. */
    BIASES,
    /** The model has no biases at all. */
    NO_BIASES,
    /** Sequences of different lengths in one batch. */
    MASKS,
    /** A given initial state h_{-1}. */
    INITIAL_STATE,
    FLOAT64, FLOAT32,
    /** Returns hidden states h_t in {@link ForwardResult}. */
    HIDDEN_STATES,
    /** Returns dL/dx_t. */
    INPUT_GRADIENTS,
    /** Returns dL/dh_{-1}. */
    INITIAL_STATE_GRADIENTS,
    /** Returns dL/dh_t (the total gradient reaching each hidden state, from its own loss and from the future). */
    HIDDEN_STATE_GRADIENTS,
    /** Implements {@link RnnImplementation#truncatedGradients}. */
    TRUNCATED_BPTT,
    /** The GRU with its reset gate before the recurrent product ({@link ResetPlacement#BEFORE}). */
    GRU_RESET_BEFORE,
    /** The GRU with its reset gate after the recurrent product ({@link ResetPlacement#AFTER}). */
    GRU_RESET_AFTER,
    /** The LSTM without peepholes. */
    LSTM,
    /** The LSTM's peepholes ({@link CellOptions#peepholes()}); an LSTM case with peepholes needs {@link #LSTM} too. */
    LSTM_PEEPHOLES,
    /** Two bias vectors per gate of a gated cell ({@link CellOptions#twoBiases()}). */
    TWO_BIASES,
    /** A given initial cell state c_{-1} ({@link Batch#initialCellState()}). */
    INITIAL_CELL_STATE,
    /** Returns dL/dc_{-1} ({@link GradientResult#initialCellStateGradients()}). */
    INITIAL_CELL_STATE_GRADIENTS,
    /** Returns cell states c_t in {@link ForwardResult}. */
    CELL_STATES,
    /** More than one layer ({@link Topology#layers()} &gt; 1), of every cell the implementation runs. */
    STACKED,
    /** Bidirectional layers whose directions are concatenated ({@link Combine#CONCAT}). */
    BIDIRECTIONAL_CONCAT,
    /** Bidirectional layers whose directions are summed ({@link Combine#SUM}). */
    BIDIRECTIONAL_SUM,
    /** Bidirectional layers whose directions are averaged ({@link Combine#MEAN}). */
    BIDIRECTIONAL_MEAN,
    /** Bidirectional layers whose directions are multiplied elementwise ({@link Combine#PRODUCT}). */
    BIDIRECTIONAL_PRODUCT;

    /**
     * The capabilities a case needs before an implementation may run it at all. An Elman case needs its
     * activation; a gated case needs its cell and options instead (its nonlinearities are the cell's own).
     */
    public static Set<Capability> requiredBy(ModelSpec spec, Batch batch) {
        Set<Capability> required = EnumSet.noneOf(Capability.class);
        CellOptions options = spec.cellOptions();
        switch (spec.cell()) {
            case ELMAN -> required.add(valueOf(spec.activation().name()));
            case GRU -> required.add(options.resetPlacement() == ResetPlacement.BEFORE ? GRU_RESET_BEFORE : GRU_RESET_AFTER);
            case LSTM -> {
                required.add(LSTM);
                if (options.peepholes()) {
                    required.add(LSTM_PEEPHOLES);
                }
            }
        }
        if (options.twoBiases()) {
            required.add(TWO_BIASES);
        }
        required.add(valueOf(spec.head().name()));
        required.add(spec.biases() ? BIASES : NO_BIASES);
        required.add(spec.dataType() == DataType.FLOAT32 ? FLOAT32 : FLOAT64);
        if (batch.mask() != null) {
            required.add(MASKS);
        }
        if (batch.initialState() != null) {
            required.add(INITIAL_STATE);
        }
        if (batch.initialCellState() != null) {
            required.add(INITIAL_CELL_STATE);
        }
        if (spec.layers() > 1) {
            required.add(STACKED);
        }
        if (spec.bidirectional()) {
            required.add(valueOf("BIDIRECTIONAL_" + spec.topology().combine().name()));
        }
        return required;
    }
}
