package org.bptt.api;

import java.util.Comparator;
import java.util.List;

/**
 * The parameter names of the naming scheme (see the package documentation), owned here so that code reading a
 * particular parameter names it by a constant, never by a string literal of its own.
 */
public final class ParameterNames {

    /** The Elman cell's input-to-hidden weights, {@code [H, d]}. */
    public static final String U = "U";
    /** The Elman cell's hidden-to-hidden (recurrent) weights, {@code [H, H]}. */
    public static final String W = "W";
    /** The Elman cell's hidden bias, {@code [H]}; only with biases. */
    public static final String B = "b";

    // The GRU (see the package documentation for its equations).
    /** The GRU reset gate's input weights, {@code [H, d]}. */
    public static final String U_R = "U_r";
    /** The GRU update gate's input weights, {@code [H, d]}. */
    public static final String U_Z = "U_z";
    /** The GRU candidate's input weights, {@code [H, d]}. */
    public static final String U_N = "U_n";
    /** The GRU reset gate's recurrent weights, {@code [H, H]}. */
    public static final String W_R = "W_r";
    /** The GRU update gate's recurrent weights, {@code [H, H]}. */
    public static final String W_Z = "W_z";
    /** The GRU candidate's recurrent weights, {@code [H, H]}. */
    public static final String W_N = "W_n";
    /** The GRU reset gate's bias (the input-side one with two biases), {@code [H]}; only with biases. */
    public static final String B_R = "b_r";
    /** The GRU update gate's bias (the input-side one with two biases), {@code [H]}; only with biases. */
    public static final String B_Z = "b_z";
    /** The GRU candidate's bias (the input-side one with two biases), {@code [H]}; only with biases. */
    public static final String B_N = "b_n";
    /** The GRU reset gate's recurrent-side bias, only with two biases, {@code [H]}. */
    public static final String B_HR = "b_hr";
    /** The GRU update gate's recurrent-side bias, only with two biases, {@code [H]}. */
    public static final String B_HZ = "b_hz";
    /** The GRU candidate's recurrent-side bias, only with two biases, {@code [H]}. */
    public static final String B_HN = "b_hn";

    // The LSTM (see the package documentation for its equations).
    /** The LSTM input gate's input weights, {@code [H, d]}. */
    public static final String U_I = "U_i";
    /** The LSTM forget gate's input weights, {@code [H, d]}. */
    public static final String U_F = "U_f";
    /** The LSTM cell candidate's input weights, {@code [H, d]}. */
    public static final String U_G = "U_g";
    /** The LSTM output gate's input weights, {@code [H, d]}. */
    public static final String U_O = "U_o";
    /** The LSTM input gate's recurrent weights, {@code [H, H]}. */
    public static final String W_I = "W_i";
    /** The LSTM forget gate's recurrent weights, {@code [H, H]}. */
    public static final String W_F = "W_f";
    /** The LSTM cell candidate's recurrent weights, {@code [H, H]}. */
    public static final String W_G = "W_g";
    /** The LSTM output gate's recurrent weights, {@code [H, H]}. */
    public static final String W_O = "W_o";
    /** The LSTM input gate's bias (the input-side one with two biases), {@code [H]}; only with biases. */
    public static final String B_I = "b_i";
    /** The LSTM forget gate's bias (the input-side one with two biases), {@code [H]}; only with biases. */
    public static final String B_F = "b_f";
    /** The LSTM cell candidate's bias (the input-side one with two biases), {@code [H]}; only with biases. */
    public static final String B_G = "b_g";
    /** The LSTM output gate's bias (the input-side one with two biases), {@code [H]}; only with biases. */
    public static final String B_O = "b_o";
    /** The LSTM input gate's recurrent-side bias, only with two biases, {@code [H]}. */
    public static final String B_HI = "b_hi";
    /** The LSTM forget gate's recurrent-side bias, only with two biases, {@code [H]}. */
    public static final String B_HF = "b_hf";
    /** The LSTM cell candidate's recurrent-side bias, only with two biases, {@code [H]}. */
    public static final String B_HG = "b_hg";
    /** The LSTM output gate's recurrent-side bias, only with two biases, {@code [H]}. */
    public static final String B_HO = "b_ho";
    /** The LSTM input gate's peephole weights on the cell state (a diagonal), {@code [H]}; only with peepholes. */
    public static final String P_I = "p_i";
    /** The LSTM forget gate's peephole weights on the cell state (a diagonal), {@code [H]}; only with peepholes. */
    public static final String P_F = "p_f";
    /** The LSTM output gate's peephole weights on the cell state (a diagonal), {@code [H]}; only with peepholes. */
    public static final String P_O = "p_o";

    /** The head's hidden-to-output weights, {@code [K, H]}. */
    public static final String V = "V";
    /** The head's output bias, {@code [K]}; only with biases. */
    public static final String C = "c";

    /**
     * Every name a cell or head can declare, in the order in which models declare them: the cell's (Elman, GRU,
     * LSTM; within a gated cell, by kind (input weights, recurrent weights, biases, recurrent-side biases,
     * peepholes), and by gate in the order of PyTorch's packed layout: r, z, n and i, f, g, o), then the head's.
     * These are layer 0's forward names; the other layers and directions prefix them ({@link ParameterName}).
     */
    public static final List<String> ALL = List.of(U, W, B,
            U_R, U_Z, U_N, W_R, W_Z, W_N, B_R, B_Z, B_N, B_HR, B_HZ, B_HN,
            U_I, U_F, U_G, U_O, W_I, W_F, W_G, W_O, B_I, B_F, B_G, B_O, B_HI, B_HF, B_HG, B_HO, P_I, P_F, P_O,
            V, C);

    /**
     * The order in which parameters are kept: layer by layer from the input, in each layer the forward direction
     * before the reverse one, within one direction as {@link #ALL}; the head's last.
     */
    static final Comparator<String> ORDER = Comparator.comparing(ParameterName::parse, Comparator
            .comparingInt((ParameterName name) -> name.head() ? Integer.MAX_VALUE : 2 * name.layer() + (name.reverse() ? 1 : 0))
            .thenComparingInt(name -> ALL.indexOf(name.base())));

    private ParameterNames() {
    }

    /** True when {@code name} is a name of the scheme: one of {@link #ALL}, bare or with its layer and direction. */
    public static boolean isKnown(String name) {
        return ParameterName.isValid(name);
    }
}
