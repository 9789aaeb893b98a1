package org.bptt.api;

import java.util.ArrayList;
import java.util.List;

/**
 * The recurrent cell of a model: how h_t is computed from x_t and h_{t-1}, and which parameters that takes. Each
 * cell declares its parameters ({@link #parameters}) in the equations' orientation, with the names of the naming
 * scheme; the equations of every cell are in the package documentation.
 *
 * <p>A cell's options (where a GRU applies its reset gate, LSTM peepholes, one bias vector per gate or two) are
 * the {@link ModelSpec#cellOptions()}, which the cell reads when it declares its parameters, as every cell reads
 * {@link ModelSpec#biases()}. The gated cells' nonlinearities are their own (sigmoid gates, tanh candidate and
 * cell output), so a GRU or LSTM model's {@link ModelSpec#activation()} must be {@link Activation#TANH}.
 */
public enum Cell {

    /**
     * Elman (1990): {@code a_t = U x_t + W h_{t-1} + b}, {@code h_t = f(a_t)}. Declares {@code U [H, d]},
     * {@code W [H, H]} and, with biases, {@code b [H]}.
     */
    ELMAN {
        @Override
        public List<ParameterDeclaration> parameters(ModelSpec spec, int layer) {
            int d = spec.layerInputSize(layer);
            int h = spec.hiddenSize();
            List<ParameterDeclaration> declared = new ArrayList<>();
            declared.add(new ParameterDeclaration(ParameterNames.U, List.of("H", spec.layerInputSymbol(layer)), new int[] {h, d}, "input-to-hidden weights"));
            declared.add(new ParameterDeclaration(ParameterNames.W, List.of("H", "H"), new int[] {h, h}, "hidden-to-hidden weights"));
            if (spec.biases()) {
                declared.add(new ParameterDeclaration(ParameterNames.B, List.of("H"), new int[] {h}, "hidden bias"));
            }
            return List.copyOf(declared);
        }
    },

    /**
     * The gated recurrent unit (Cho et al. 2014): reset gate r, update gate z, candidate n, and
     * {@code h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t-1}}, with the reset gate before or after the recurrent product
     * ({@link CellOptions#resetPlacement()}). Declares, for each of r, z, n: {@code U_* [H, d]}, {@code W_* [H, H]},
     * with biases {@code b_* [H]}, and with two biases also {@code b_h* [H]}.
     */
    GRU {
        @Override
        public List<ParameterDeclaration> parameters(ModelSpec spec, int layer) {
            return gateParameters(spec, layer, List.of(
                    new Gate("reset gate", ParameterNames.U_R, ParameterNames.W_R, ParameterNames.B_R, ParameterNames.B_HR),
                    new Gate("update gate", ParameterNames.U_Z, ParameterNames.W_Z, ParameterNames.B_Z, ParameterNames.B_HZ),
                    new Gate("candidate", ParameterNames.U_N, ParameterNames.W_N, ParameterNames.B_N, ParameterNames.B_HN)));
        }
    },

    /**
     * Long short-term memory (Hochreiter &amp; Schmidhuber 1997, with the forget gate of Gers et al. 2000): input
     * gate i, forget gate f, cell candidate g, output gate o, cell state {@code c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t}
     * and {@code h_t = o_t ⊙ tanh(c_t)}, optionally with peepholes ({@link CellOptions#peepholes()}). Declares, for
     * each of i, f, g, o: {@code U_* [H, d]}, {@code W_* [H, H]}, with biases {@code b_* [H]}, with two biases also
     * {@code b_h* [H]}; and with peepholes {@code p_i, p_f, p_o [H]}.
     */
    LSTM {
        @Override
        public List<ParameterDeclaration> parameters(ModelSpec spec, int layer) {
            List<ParameterDeclaration> declared = new ArrayList<>(gateParameters(spec, layer, List.of(
                    new Gate("input gate", ParameterNames.U_I, ParameterNames.W_I, ParameterNames.B_I, ParameterNames.B_HI),
                    new Gate("forget gate", ParameterNames.U_F, ParameterNames.W_F, ParameterNames.B_F, ParameterNames.B_HF),
                    new Gate("cell candidate", ParameterNames.U_G, ParameterNames.W_G, ParameterNames.B_G, ParameterNames.B_HG),
                    new Gate("output gate", ParameterNames.U_O, ParameterNames.W_O, ParameterNames.B_O, ParameterNames.B_HO))));
            if (spec.cellOptions().peepholes()) {
                int h = spec.hiddenSize();
                declared.add(new ParameterDeclaration(ParameterNames.P_I, List.of("H"), new int[] {h}, "input gate's peephole weights"));
                declared.add(new ParameterDeclaration(ParameterNames.P_F, List.of("H"), new int[] {h}, "forget gate's peephole weights"));
                declared.add(new ParameterDeclaration(ParameterNames.P_O, List.of("H"), new int[] {h}, "output gate's peephole weights"));
            }
            return List.copyOf(declared);
        }

        @Override
        public boolean hasCellState() {
            return true;
        }
    };

    /**
     * The parameters this cell has in layer {@code layer} of the model {@code spec} (one direction's), in a stable
     * order and under their bare names; {@link ModelSpec#parameters()} places them ({@link ParameterDeclaration#at}).
     * Only the input weights' width depends on the layer: d for layer 0, the previous layer's output size above it.
     */
    public abstract List<ParameterDeclaration> parameters(ModelSpec spec, int layer);

    /** The parameters this cell has in layer 0 of the model {@code spec}, in a stable order. */
    public List<ParameterDeclaration> parameters(ModelSpec spec) {
        return parameters(spec, 0);
    }

    /** True when the cell carries a cell state c_t beside h_t (the LSTM), with its own initial value c_{-1}. */
    public boolean hasCellState() {
        return false;
    }

    /** The names of one gate's parameters (or of the GRU's candidate, or the LSTM's cell candidate). */
    private record Gate(String meaning, String inputWeights, String recurrentWeights, String bias, String recurrentBias) {
    }

    /**
     * A gated cell's parameters, by kind and then by gate: every gate's input weights, every gate's recurrent
     * weights, then the biases and the recurrent-side biases the spec asks for.
     */
    private static List<ParameterDeclaration> gateParameters(ModelSpec spec, int layer, List<Gate> gates) {
        int d = spec.layerInputSize(layer);
        int h = spec.hiddenSize();
        List<ParameterDeclaration> declared = new ArrayList<>();
        for (Gate gate : gates) {
            declared.add(new ParameterDeclaration(gate.inputWeights(), List.of("H", spec.layerInputSymbol(layer)), new int[] {h, d}, gate.meaning() + "'s input weights"));
        }
        for (Gate gate : gates) {
            declared.add(new ParameterDeclaration(gate.recurrentWeights(), List.of("H", "H"), new int[] {h, h}, gate.meaning() + "'s recurrent weights"));
        }
        if (spec.biases()) {
            boolean two = spec.cellOptions().twoBiases();
            for (Gate gate : gates) {
                declared.add(new ParameterDeclaration(gate.bias(), List.of("H"), new int[] {h}, gate.meaning() + (two ? "'s input-side bias" : "'s bias")));
            }
            if (two) {
                for (Gate gate : gates) {
                    declared.add(new ParameterDeclaration(gate.recurrentBias(), List.of("H"), new int[] {h}, gate.meaning() + "'s recurrent-side bias"));
                }
            }
        }
        return List.copyOf(declared);
    }
}
