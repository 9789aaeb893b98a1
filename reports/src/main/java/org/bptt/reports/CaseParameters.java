package org.bptt.reports;

import java.util.List;
import org.bptt.core.cases.CaseLabel;

/**
 * The case labels ({@link CaseLabel}, the owner of their keys) that the reports give their own table columns, Allure
 * parameters and labels, in column order. A result may carry other labels too (k1 and k2 of a truncated case, or
 * any other key): the tables keep those in one {@code other_parameters} column.
 */
public final class CaseParameters {

    /** The labels with a column of their own, in column order. */
    public static final List<CaseLabel> COLUMN_LABELS = List.of(CaseLabel.SPEC, CaseLabel.ACTIVATION, CaseLabel.HEAD,
            CaseLabel.BIASES, CaseLabel.REDUCTION, CaseLabel.DATA_TYPE, CaseLabel.INPUT_SIZE, CaseLabel.HIDDEN_SIZE,
            CaseLabel.OUTPUT_SIZE, CaseLabel.BATCH_SIZE, CaseLabel.STEPS, CaseLabel.MASKED, CaseLabel.INITIAL_STATE,
            CaseLabel.SEED);

    /**
     * The labels of the cell and its options, which have columns of their own after every older column (the case
     * table's last columns), so that the columns that were there before the choice of cell keep their positions.
     */
    public static final List<CaseLabel> CELL_COLUMN_LABELS = List.of(CaseLabel.CELL, CaseLabel.RESET_PLACEMENT,
            CaseLabel.PEEPHOLES, CaseLabel.TWO_BIASES, CaseLabel.INITIAL_CELL_STATE);

    /** The keys of {@link #COLUMN_LABELS}, in column order. */
    public static final List<String> KEYS = COLUMN_LABELS.stream().map(CaseLabel::key).toList();

    /** The keys of {@link #CELL_COLUMN_LABELS}, in column order. */
    public static final List<String> CELL_KEYS = CELL_COLUMN_LABELS.stream().map(CaseLabel::key).toList();

    private CaseParameters() {
    }

    /**
     * The table column of a label: its key, except {@code dataType}, whose column is {@code dtype}, and
     * {@code twoBiases}, whose column is {@code two_biases} as the other multi-word columns are written.
     */
    public static String column(CaseLabel label) {
        return switch (label) {
            case DATA_TYPE -> "dtype";
            case TWO_BIASES -> "two_biases";
            default -> label.key();
        };
    }

    /** The table columns of {@link #COLUMN_LABELS}, in order. */
    public static List<String> columns() {
        return COLUMN_LABELS.stream().map(CaseParameters::column).toList();
    }

    /** The table columns of {@link #CELL_COLUMN_LABELS}, in order. */
    public static List<String> cellColumns() {
        return CELL_COLUMN_LABELS.stream().map(CaseParameters::column).toList();
    }
}
