package org.bptt.reports;

import java.util.List;

/**
 * The keys of {@link org.bptt.core.verify.CaseResult#parameters()} (as {@code Verifier.describeCase} writes them)
 * that the reports know by name and give their own table columns, Allure parameters and labels. A result may carry
 * other keys too: the tables keep those in one {@code other_parameters} column.
 */
public final class CaseParameters {

    /** The spec's label, e.g. {@code tanh/per-step-softmax/bias/d4-H8-K5/sum}. */
    public static final String SPEC = "spec";
    /** f, lower case: {@code tanh}, {@code sigmoid}, {@code relu}, {@code identity}. */
    public static final String ACTIVATION = "activation";
    /** The head, lower case: {@code per_step_softmax}, {@code last_step_softmax}, {@code last_step_sigmoid}. */
    public static final String HEAD = "head";
    /** {@code true} when the model has biases b and c. */
    public static final String BIASES = "biases";
    /** The loss reduction, lower case: {@code sum}, {@code mean_over_batch}, {@code mean_over_terms}. */
    public static final String REDUCTION = "reduction";
    /** {@code float64} or {@code float32}; its table column is {@code dtype}. */
    public static final String DATA_TYPE = "dataType";
    /** d, the input size. */
    public static final String INPUT_SIZE = "d";
    /** H, the hidden size. */
    public static final String HIDDEN_SIZE = "H";
    /** K, the output size. */
    public static final String OUTPUT_SIZE = "K";
    /** B, the batch size. */
    public static final String BATCH_SIZE = "B";
    /** T, the sequence length. */
    public static final String STEPS = "T";
    /** {@code true} when the batch has a mask (sequences of different lengths). */
    public static final String MASKED = "masked";
    /** {@code true} when the batch gives an initial state h_{-1}. */
    public static final String INITIAL_STATE = "h0";
    /** The seed the case was generated from. */
    public static final String SEED = "seed";

    /** Every named key, in column order. */
    public static final List<String> KEYS = List.of(SPEC, ACTIVATION, HEAD, BIASES, REDUCTION, DATA_TYPE, INPUT_SIZE,
            HIDDEN_SIZE, OUTPUT_SIZE, BATCH_SIZE, STEPS, MASKED, INITIAL_STATE, SEED);

    private CaseParameters() {
    }

    /** The table column of a named key: the key itself, except {@code dataType}, whose column is {@code dtype}. */
    public static String column(String key) {
        return DATA_TYPE.equals(key) ? "dtype" : key;
    }

    /** The table columns of {@link #KEYS}, in order. */
    public static List<String> columns() {
        return KEYS.stream().map(CaseParameters::column).toList();
    }
}
