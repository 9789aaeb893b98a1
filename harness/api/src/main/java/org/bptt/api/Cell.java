package org.bptt.api;

import java.util.ArrayList;
import java.util.List;

/**
 * The recurrent cell of a model: how h_t is computed from x_t and h_{t-1}, and which parameters that takes. Each
 * cell declares its parameters ({@link #parameters}) in the equations' orientation, with the names of the naming
 * scheme (see the package documentation).
 *
 * <p>A cell's options (such as where a GRU applies its reset gate, LSTM peepholes, or one bias vector or two) are
 * to be fields of {@link ModelSpec} that the cell reads when it declares its parameters, as the Elman cell reads
 * {@link ModelSpec#biases()}.
 */
public enum Cell {

    /**
     * Elman (1990): {@code a_t = U x_t + W h_{t-1} + b}, {@code h_t = f(a_t)}. Declares {@code U [H, d]},
     * {@code W [H, H]} and, with biases, {@code b [H]}.
     */
    ELMAN {
        @Override
        public List<ParameterDeclaration> parameters(ModelSpec spec) {
            int d = spec.inputSize();
            int h = spec.hiddenSize();
            List<ParameterDeclaration> declared = new ArrayList<>();
            declared.add(new ParameterDeclaration(ParameterNames.U, List.of("H", "d"), new int[] {h, d}, "input-to-hidden weights"));
            declared.add(new ParameterDeclaration(ParameterNames.W, List.of("H", "H"), new int[] {h, h}, "hidden-to-hidden weights"));
            if (spec.biases()) {
                declared.add(new ParameterDeclaration(ParameterNames.B, List.of("H"), new int[] {h}, "hidden bias"));
            }
            return List.copyOf(declared);
        }
    };

    /** The parameters this cell has in the model {@code spec}, in a stable order. */
    public abstract List<ParameterDeclaration> parameters(ModelSpec spec);
}
