package org.bptt.dl4j;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bptt.api.Cell;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.ResetPlacement;
import org.bptt.api.Tensor;

/**
 * The canonical gated-cell parameters (the API's {@code U_*, W_*, b_*, b_h*, p_*} in the equations' orientation) and
 * the packed ones of SameDiff's recurrent operations in {@code nd4j-api} 1.0.0-M2.1, both ways. Both operations
 * multiply row vectors, {@code z = x × Wx + h_{t-1} × Wr + b}, with the gates in blocks of H columns, so column
 * {@code k·H + j} belongs to hidden unit j of the k-th gate and {@code Wx[m, k·H + j]} is the canonical
 * {@code U_gate[j, m]}: a transposed block.
 *
 * <h2>{@code gru} (op {@code gru}, libnd4j {@code helpers/impl/gru.cpp})</h2>
 * <pre>
 *   Wx [d, 3H], Wh [H, 3H], b [3H]    blocks r, u, c   = canonical r, z, n
 *   h_t = u ⊙ h_{t-1} + (1 − u) ⊙ c,  c = tanh(x Wxc + r ⊙ (h_{t-1} Whc) + bc)
 * </pre>
 * the reset gate after the recurrent product with one bias per gate (KNOWN_DIVERGENCES.md §8): {@code b_hn} would sit
 * inside {@code r ⊙ (…)}, where the one bias cannot go, so two-bias GRUs are refused.
 *
 * <h2>{@code lstmLayer} (op {@code lstmLayer}, libnd4j {@code helpers/impl/lstmLayer.cpp}, {@code lstmLayerCell})</h2>
 * <pre>
 *   Wx [d, 4H], Wr [H, 4H], b [4H]    blocks i, f, g, o   ("dimension 4*nOut implies order it, ft, c't, ot")
 *   Wp [3H]                           peepholes i, f, o   ("dimension 3*nOut implies order it, ft, ot")
 * </pre>
 * with {@code zi += c_{t-1} ⊙ Wp_i}, {@code zf += c_{t-1} ⊙ Wp_f} and {@code zo += c_t ⊙ Wp_o}: the API's peepholes.
 * The bias is one vector per gate, and an LSTM's two biases only ever appear as their sum {@code b_* + b_h*}, so a
 * two-bias LSTM is packed with the sum, and both biases' gradients are the packed bias's gradient.
 *
 * <p>Every tensor here is row-major, in the operation's shapes; {@link Dl4jLayout#array} makes ND4J arrays of them.
 */
final class SameDiffPacking {

    /** One gate block: the canonical names of its input weights, recurrent weights, bias and recurrent-side bias. */
    record Gate(String inputWeights, String recurrentWeights, String bias, String recurrentBias) {
    }

    /** {@code gru}'s blocks in column order: r, u (= z), c (= n). */
    static final List<Gate> GRU_GATES = List.of(
            new Gate(ParameterNames.U_R, ParameterNames.W_R, ParameterNames.B_R, ParameterNames.B_HR),
            new Gate(ParameterNames.U_Z, ParameterNames.W_Z, ParameterNames.B_Z, ParameterNames.B_HZ),
            new Gate(ParameterNames.U_N, ParameterNames.W_N, ParameterNames.B_N, ParameterNames.B_HN));

    /** {@code lstmLayer}'s blocks in column order: i, f, g, o. */
    static final List<Gate> LSTM_GATES = List.of(
            new Gate(ParameterNames.U_I, ParameterNames.W_I, ParameterNames.B_I, ParameterNames.B_HI),
            new Gate(ParameterNames.U_F, ParameterNames.W_F, ParameterNames.B_F, ParameterNames.B_HF),
            new Gate(ParameterNames.U_G, ParameterNames.W_G, ParameterNames.B_G, ParameterNames.B_HG),
            new Gate(ParameterNames.U_O, ParameterNames.W_O, ParameterNames.B_O, ParameterNames.B_HO));

    /** {@code lstmLayer}'s peephole blocks {@code Wp [3H]} in order: i, f, o. */
    static final List<String> LSTM_PEEPHOLES = List.of(ParameterNames.P_I, ParameterNames.P_F, ParameterNames.P_O);

    /**
     * An operation's packed weights.
     *
     * @param inputWeights     Wx, {@code [d, G·H]}
     * @param recurrentWeights Wh (gru) or Wr (lstmLayer), {@code [H, G·H]}
     * @param bias             b, {@code [G·H]}: zero for a model without biases (both operations are given this zero
 *                         bias then: adding zero is exact, and its gradient is dropped)
     * @param peepholes        Wp, {@code [3H]}, for an LSTM with peepholes; null otherwise
     */
    record Packed(Tensor inputWeights, Tensor recurrentWeights, Tensor bias, Tensor peepholes) {
    }

    private SameDiffPacking() {
    }

    /** The gate blocks of {@code spec}'s cell in the operation's column order. */
    static List<Gate> gates(ModelSpec spec) {
        return switch (spec.cell()) {
            case GRU -> GRU_GATES;
            case LSTM -> LSTM_GATES;
            case ELMAN -> throw new IllegalArgumentException("SameDiff's gru and lstmLayer compute gated cells, not "
                    + spec.label());
        };
    }

    /**
     * The canonical {@code parameters} of the GRU or LSTM {@code spec}, packed as {@code gru} or {@code lstmLayer}
     * reads them. Not modified: {@code parameters}.
     *
     * @throws IllegalArgumentException for a model the operation cannot compute (an Elman cell, a GRU with the
     *                                  reset gate before the product or with two biases)
     */
    static Packed pack(ModelSpec spec, Parameters parameters) {
        requireExpressible(spec);
        List<Gate> gates = gates(spec);
        int d = spec.inputSize();
        int h = spec.hiddenSize();
        int columns = gates.size() * h;
        double[] input = new double[d * columns];
        double[] recurrent = new double[h * columns];
        double[] bias = new double[columns];
        for (int block = 0; block < gates.size(); block++) {
            Gate gate = gates.get(block);
            GateColumns.pack(parameters.get(gate.inputWeights()), parameters.get(gate.recurrentWeights()), block,
                    input, columns, recurrent, columns);
            for (int unit = 0; unit < h; unit++) {
                int column = block * h + unit;
                if (spec.biases()) {
                    bias[column] = parameters.get(gate.bias()).get(unit);
                }
                if (spec.cellOptions().twoBiases()) {
                    bias[column] += parameters.get(gate.recurrentBias()).get(unit);
                }
            }
        }
        Tensor peepholes = null;
        if (spec.cellOptions().peepholes()) {
            peepholes = Tensor.zeros(LSTM_PEEPHOLES.size() * h);
            for (int block = 0; block < LSTM_PEEPHOLES.size(); block++) {
                Tensor p = parameters.get(LSTM_PEEPHOLES.get(block));
                for (int unit = 0; unit < h; unit++) {
                    peepholes.set(p.get(unit), block * h + unit);
                }
            }
        }
        return new Packed(Tensor.of(input, d, columns), Tensor.of(recurrent, h, columns), Tensor.of(bias, columns),
                peepholes);
    }

    /**
     * The canonical gradients in {@code packed} (the gradients of the packed weights), by name, for exactly the cell
     * parameters {@code spec} declares: no biases for a model without them (the zero bias held for {@code gru} is
     * not trained), both biases of a two-bias LSTM (each equal to the packed bias's gradient, since the cell sees
     * only their sum). Not modified: {@code packed}.
     *
     * @throws IllegalArgumentException for a model the operation cannot compute, or a shape that does not fit it
     */
    static Map<String, Tensor> unpackGradients(ModelSpec spec, Packed packed) {
        requireExpressible(spec);
        List<Gate> gates = gates(spec);
        int d = spec.inputSize();
        int h = spec.hiddenSize();
        int columns = gates.size() * h;
        requireShape(packed.inputWeights(), "Wx", d, columns);
        requireShape(packed.recurrentWeights(), "Wr", h, columns);
        requireShape(packed.bias(), "b", columns);
        Map<String, Tensor> byName = new LinkedHashMap<>();
        for (int block = 0; block < gates.size(); block++) {
            Gate gate = gates.get(block);
            GateColumns.Gate unpacked = GateColumns.unpack(packed.inputWeights(), packed.recurrentWeights(), packed.bias(), block, h, d);
            byName.put(gate.inputWeights(), unpacked.inputWeights());
            byName.put(gate.recurrentWeights(), unpacked.recurrentWeights());
            if (spec.biases()) {
                byName.put(gate.bias(), unpacked.bias());
            }
            if (spec.cellOptions().twoBiases()) {
                byName.put(gate.recurrentBias(), unpacked.bias().copy());
            }
        }
        if (spec.cellOptions().peepholes()) {
            requireShape(packed.peepholes(), "Wp", LSTM_PEEPHOLES.size() * h);
            for (int block = 0; block < LSTM_PEEPHOLES.size(); block++) {
                Tensor p = Tensor.zeros(h);
                for (int unit = 0; unit < h; unit++) {
                    p.set(packed.peepholes().get(block * h + unit), unit);
                }
                byName.put(LSTM_PEEPHOLES.get(block), p);
            }
        }
        return byName;
    }

    private static void requireExpressible(ModelSpec spec) {
        gates(spec);
        if (spec.cell() == Cell.GRU && spec.cellOptions().resetPlacement() != ResetPlacement.AFTER) {
            throw new IllegalArgumentException("SameDiff's gru places the reset gate after the recurrent product; the"
                    + " model " + spec.label() + " places it before");
        }
        if (spec.cell() == Cell.GRU && spec.cellOptions().twoBiases()) {
            throw new IllegalArgumentException("SameDiff's gru has one bias per gate, and b_hn of the model "
                    + spec.label() + " would sit inside r ⊙ (W_n h + b_hn), where no single bias can go");
        }
    }

    private static void requireShape(Tensor tensor, String name, int... shape) {
        if (tensor == null || !tensor.hasShape(shape)) {
            throw new IllegalArgumentException("SameDiff's packed " + name + " has shape "
                    + (tensor == null ? "none" : java.util.Arrays.toString(tensor.shape())) + ", expected "
                    + java.util.Arrays.toString(shape));
        }
    }
}
