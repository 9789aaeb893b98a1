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

    /** The keys of {@link #COLUMN_LABELS}, in column order. */
    public static final List<String> KEYS = COLUMN_LABELS.stream().map(CaseLabel::key).toList();

    private CaseParameters() {
    }

    /** The table column of a label: its key, except {@code dataType}, whose column is {@code dtype}. */
    public static String column(CaseLabel label) {
        return label == CaseLabel.DATA_TYPE ? "dtype" : label.key();
    }

    /** The table columns of {@link #COLUMN_LABELS}, in order. */
    public static List<String> columns() {
        return COLUMN_LABELS.stream().map(CaseParameters::column).toList();
    }
}
