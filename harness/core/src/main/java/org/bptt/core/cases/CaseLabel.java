package org.bptt.core.cases;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.bptt.api.Batch;
import org.bptt.api.Cell;
import org.bptt.api.CellOptions;
import org.bptt.api.ModelSpec;

/**
 * The labels that describe a case in every result, table and report, and their keys: the one owner of those keys.
 * {@link #describe} writes them in the order of this enum; a label that cannot be read from a malformed case is left
 * out, the truncation's k1 and k2 only appear for truncated BPTT, and a cell option only for the cell that has it
 * (the reset placement for a GRU, peepholes and c0 for an LSTM, two biases for both). The cell and its options come
 * after every label of a full-BPTT case that there was before the choice of cell, so that readers of the older labels
 * see them where they were, and before k1 and k2, which end the labels of a truncated case. The layers and
 * directions ({@link #LAYERS_KEY}) follow the cell, and only for a network that is not one forward layer, so that
 * the labels of those cases stay as they were.
 */
public enum CaseLabel {
    /** The spec's label, e.g. {@code tanh/per-step-softmax/bias/d4-H8-K5/sum}. */
    SPEC("spec"),
    /** f, lower case: {@code tanh}, {@code sigmoid}, {@code relu}, {@code identity}. */
    ACTIVATION("activation"),
    /** The head, lower case: {@code per_step_softmax}, {@code last_step_softmax}, {@code last_step_sigmoid}. */
    HEAD("head"),
    /** {@code true} when the model has biases b and c. */
    BIASES("biases"),
    /** The loss reduction, lower case: {@code sum}, {@code mean_over_batch}, {@code mean_over_terms}. */
    REDUCTION("reduction"),
    /** {@code float64} or {@code float32}. */
    DATA_TYPE("dataType"),
    /** B, the batch size. */
    BATCH_SIZE("B"),
    /** T, the sequence length. */
    STEPS("T"),
    /** {@code true} when the batch has a mask (sequences of different lengths). */
    MASKED("masked"),
    /** {@code true} when the batch gives an initial state h_{-1}. */
    INITIAL_STATE("h0"),
    /** The seed the case was generated from. */
    SEED("seed"),
    /** d, the input size. */
    INPUT_SIZE("d"),
    /** H, the hidden size. */
    HIDDEN_SIZE("H"),
    /** K, the output size. */
    OUTPUT_SIZE("K"),
    /** The cell, lower case: {@code elman}, {@code gru}, {@code lstm}. */
    CELL("cell"),
    /** A GRU's reset placement, lower case: {@code before} or {@code after} the recurrent product; GRU cases only. */
    RESET_PLACEMENT("reset"),
    /** {@code true} when an LSTM has peephole connections; LSTM cases only. */
    PEEPHOLES("peepholes"),
    /** {@code true} when each gate has two bias vectors; gated cases only. */
    TWO_BIASES("twoBiases"),
    /** {@code true} when the batch gives an initial cell state c_{-1}; cases of a cell with a cell state only. */
    INITIAL_CELL_STATE("c0"),
    /** k1 of a truncated case: the steps of each chunk. */
    FORWARD_LENGTH("k1"),
    /** k2 of a truncated case: how far back each chunk's losses are propagated. */
    BACKWARD_LENGTH("k2");

    /**
     * The labels of a stacked or bidirectional network, present only for such a network, before k1 and k2: L, the
     * number of layers; {@code forward} or {@code bidirectional}; and a bidirectional network's combine mode, lower
     * case ({@code concat}, {@code sum}, ...). Keys, not constants of this enum, so that the labels every other case
     * has (this enum's values) stay the ones every report has read; the tables keep them in {@code other_parameters}.
     */
    public static final String LAYERS_KEY = "layers";
    public static final String DIRECTION_KEY = "direction";
    public static final String COMBINE_KEY = "combine";

    private final String key;

    CaseLabel(String key) {
        this.key = key;
    }

    /** The key under which results carry this label. */
    public String key() {
        return key;
    }

    /** What describes {@code suiteCase}, by key, in the order of this enum. Tolerates a malformed case. */
    public static Map<String, String> describe(SuiteCase suiteCase) {
        Map<String, String> labels = new LinkedHashMap<>();
        ModelSpec spec = suiteCase.testCase().spec();
        Batch batch = suiteCase.testCase().batch();
        if (spec != null) {
            labels.put(SPEC.key, spec.label());
            labels.put(ACTIVATION.key, lower(spec.activation()));
            labels.put(HEAD.key, lower(spec.head()));
            labels.put(BIASES.key, Boolean.toString(spec.biases()));
            labels.put(REDUCTION.key, lower(spec.reduction()));
            labels.put(DATA_TYPE.key, lower(spec.dataType()));
        }
        if (batch != null) {
            labels.put(BATCH_SIZE.key, Integer.toString(batch.batchSize()));
            labels.put(STEPS.key, Integer.toString(batch.steps()));
            labels.put(MASKED.key, Boolean.toString(batch.mask() != null));
            labels.put(INITIAL_STATE.key, Boolean.toString(batch.initialState() != null));
        }
        labels.put(SEED.key, Long.toString(suiteCase.testCase().seed()));
        if (spec != null) {
            labels.put(INPUT_SIZE.key, Integer.toString(spec.inputSize()));
            labels.put(HIDDEN_SIZE.key, Integer.toString(spec.hiddenSize()));
            labels.put(OUTPUT_SIZE.key, Integer.toString(spec.outputSize()));
        }
        if (spec != null && spec.cell() != null) {
            Cell cell = spec.cell();
            labels.put(CELL.key, lower(cell));
            CellOptions options = spec.cellOptions() == null ? CellOptions.NONE : spec.cellOptions();
            if (cell == Cell.GRU) {
                labels.put(RESET_PLACEMENT.key, lower(options.resetPlacement()));
            }
            if (cell == Cell.LSTM) {
                labels.put(PEEPHOLES.key, Boolean.toString(options.peepholes()));
            }
            if (cell != Cell.ELMAN) {
                labels.put(TWO_BIASES.key, Boolean.toString(options.twoBiases()));
            }
            if (cell.hasCellState() && batch != null) {
                labels.put(INITIAL_CELL_STATE.key, Boolean.toString(batch.initialCellState() != null));
            }
        }
        if (spec != null && spec.topology() != null && !spec.topology().single()) {
            labels.put(LAYERS_KEY, Integer.toString(spec.layers()));
            labels.put(DIRECTION_KEY, lower(spec.topology().direction()));
            if (spec.bidirectional()) {
                labels.put(COMBINE_KEY, lower(spec.topology().combine()));
            }
        }
        if (suiteCase.isTruncated()) {
            labels.put(FORWARD_LENGTH.key, Integer.toString(suiteCase.truncation().forwardLength()));
            labels.put(BACKWARD_LENGTH.key, Integer.toString(suiteCase.truncation().backwardLength()));
        }
        return Collections.unmodifiableMap(labels);
    }

    private static String lower(Enum<?> value) {
        return value == null ? "" : value.name().toLowerCase(Locale.ROOT);
    }
}
