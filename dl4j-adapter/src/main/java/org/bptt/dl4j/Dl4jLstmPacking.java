package org.bptt.dl4j;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bptt.api.Cell;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;

/**
 * DL4J's packed LSTM parameters and the canonical per-gate ones (the API's {@code U_*, W_*, b_*, p_*} in the
 * equations' orientation), both ways. Read in the sources of {@code deeplearning4j-nn} 1.0.0-M2.1 (its
 * {@code -sources.jar}); {@code LSTMHelpers} is the one forward and backward pass that both {@code LSTM} and
 * {@code GravesLSTM} call.
 *
 * <h2>DL4J's layout</h2>
 * <pre>
 *   W  [d, 4H]              input weights      ("W",  LSTMParamInitializer.INPUT_WEIGHT_KEY)
 *   RW [H, 4H]  (LSTM)      recurrent weights  ("RW", RECURRENT_WEIGHT_KEY)
 *   RW [H, 4H + 3] (GravesLSTM): the same 4H columns, then three peephole columns
 *   b  [1, 4H]              one bias           ("b",  BIAS_KEY)
 * </pre>
 * DL4J multiplies row vectors, {@code ifog = x_t · W + h_{t-1} · RW[:, 0:4H] + b} ({@code LSTMHelpers} lines
 * 227–231), so column {@code k·H + j} of each block belongs to hidden unit j of the k-th block, and
 * {@code W[m, k·H + j]} is the canonical {@code U_gate[j, m]}: a transposed block. The four blocks, in column order:
 * <table>
 *   <caption>DL4J's gate blocks</caption>
 *   <tr><th>block</th><th>DL4J's name</th><th>nonlinearity</th><th>canonical</th><th>where (LSTMHelpers)</th></tr>
 *   <tr><td>0</td><td>"input" / "network input" (wI, bi)</td><td>the layer's activation (tanh)</td><td>g, the cell
 *       candidate</td><td>lines 233–244, 634–638</td></tr>
 *   <tr><td>1</td><td>forget gate (wF, bf)</td><td>the gate activation (sigmoid)</td><td>f</td>
 *       <td>lines 255–271</td></tr>
 *   <tr><td>2</td><td>output gate (wO, bo)</td><td>sigmoid</td><td>o</td><td>lines 321–332</td></tr>
 *   <tr><td>3</td><td>"input modulation gate" (wG, bg)</td><td>sigmoid</td><td>i, the input gate</td>
 *       <td>lines 284–295</td></tr>
 * </table>
 * DL4J's names run opposite to the usual ones: its "input" (I) is the tanh candidate g and its "input modulation
 * gate" (G) the sigmoid input gate i, so its "IFOG" is the canonical <b>g, f, o, i</b> (the order DL4J's Keras
 * import calls "CFOI"). Then {@code c_t = f ⊙ c_{t-1} + i ⊙ g} (lines 306–319) and {@code h_t = o ⊙ tanh(c_t)}
 * (lines 345–360). GravesLSTM's peephole columns (lines 119–121, backward 452–454), each a diagonal weight per unit:
 * <pre>
 *   RW[j, 4H]     = p_f[j]   "wFF", times c_{t-1}, in the forget gate   (line 258)
 *   RW[j, 4H + 1] = p_o[j]   "wOO", times c_t,     in the output gate   (line 324)
 *   RW[j, 4H + 2] = p_i[j]   "wGG", times c_{t-1}, in the input gate    (line 287)
 * </pre>
 * so the peepholes come in the order <b>f, o, i</b>. Initialisation, overwritten here before every call: the forget
 * block's bias is set to {@code forgetGateBiasInit}, 1.0 by default ({@code LSTMParamInitializer} lines 144–145,
 * {@code AbstractLSTM} line 55); the gate activation defaults to sigmoid ({@code AbstractLSTM} line 61) and the
 * layer activation to the network's default, sigmoid, so the adapter sets tanh explicitly.
 *
 * <h2>What this class maps</h2>
 * Row-major {@link Tensor}s in DL4J's shapes ({@link Packed}), which {@link Dl4jLayout} turns into ND4J arrays of
 * those shapes. The canonical model has one bias per gate (DL4J has no second one) and peepholes or not; without
 * biases the packed bias is zero, and on a GravesLSTM a model without peepholes has zero peephole columns: adding
 * zero is exact, so the layer computes exactly the model. Unpacking (for gradients) returns only what the model
 * declares, so the gradients of those held-at-zero entries are dropped.
 */
final class Dl4jLstmPacking {

    /**
     * One of DL4J's four gate blocks: the canonical names of its input weights, recurrent weights and bias.
     */
    record Block(String inputWeights, String recurrentWeights, String bias) {
    }

    /** DL4J's blocks in column order: g, f, o, i. */
    static final List<Block> BLOCKS = List.of(
            new Block(ParameterNames.U_G, ParameterNames.W_G, ParameterNames.B_G),
            new Block(ParameterNames.U_F, ParameterNames.W_F, ParameterNames.B_F),
            new Block(ParameterNames.U_O, ParameterNames.W_O, ParameterNames.B_O),
            new Block(ParameterNames.U_I, ParameterNames.W_I, ParameterNames.B_I));

    /** GravesLSTM's peephole columns after the 4H gate columns, in order: f, o, i. */
    static final List<String> PEEPHOLE_COLUMNS = List.of(ParameterNames.P_F, ParameterNames.P_O, ParameterNames.P_I);

    /**
     * DL4J's three LSTM parameters as row-major tensors.
     *
     * @param inputWeights     W, {@code [d, 4H]}
     * @param recurrentWeights RW, {@code [H, 4H]}, or {@code [H, 4H + 3]} with the peephole columns
     * @param bias             b, {@code [4H]}
     */
    record Packed(Tensor inputWeights, Tensor recurrentWeights, Tensor bias) {
    }

    private Dl4jLstmPacking() {
    }

    /**
     * The canonical {@code parameters} of the LSTM {@code spec}, packed as DL4J's LSTM ({@code peepholeColumns}
     * false) or GravesLSTM (true) stores them. Not modified: {@code parameters}.
     *
     * @throws IllegalArgumentException when the spec is not a one-bias LSTM, or has peepholes that an {@code LSTM}
     *                                  layer cannot hold
     */
    static Packed pack(ModelSpec spec, Parameters parameters, boolean peepholeColumns) {
        requireLstm(spec, peepholeColumns);
        int d = spec.inputSize();
        int h = spec.hiddenSize();
        int columns = 4 * h + (peepholeColumns ? 3 : 0);
        double[] input = new double[d * 4 * h];
        double[] recurrent = new double[h * columns];
        double[] bias = new double[4 * h];
        for (int block = 0; block < BLOCKS.size(); block++) {
            Block names = BLOCKS.get(block);
            GateColumns.pack(parameters.get(names.inputWeights()), parameters.get(names.recurrentWeights()), block,
                    input, 4 * h, recurrent, columns);
            if (spec.biases()) {
                for (int unit = 0; unit < h; unit++) {
                    bias[block * h + unit] = parameters.get(names.bias()).get(unit);
                }
            }
        }
        if (spec.cellOptions().peepholes()) {
            for (int peephole = 0; peephole < PEEPHOLE_COLUMNS.size(); peephole++) {
                Tensor p = parameters.get(PEEPHOLE_COLUMNS.get(peephole));
                for (int unit = 0; unit < h; unit++) {
                    recurrent[unit * columns + 4 * h + peephole] = p.get(unit);
                }
            }
        }
        return new Packed(Tensor.of(input, d, 4 * h), Tensor.of(recurrent, h, columns), Tensor.of(bias, 4 * h));
    }

    /**
     * The canonical tensors in {@code packed} (parameters or their gradients: both share DL4J's layout), by name,
     * for exactly the cell parameters {@code spec} declares: no biases for a model without them, no peepholes for a
     * model without them (a GravesLSTM's peephole columns are then dropped). Not modified: {@code packed}.
     *
     * @throws IllegalArgumentException when the spec is not a one-bias LSTM or a shape does not fit it
     */
    static Map<String, Tensor> unpack(ModelSpec spec, Packed packed) {
        int d = spec.inputSize();
        int h = spec.hiddenSize();
        int columns = packed.recurrentWeights().size(1);
        requireLstm(spec, columns == 4 * h + 3);
        requireShape(packed.inputWeights(), "W", d, 4 * h);
        requireShape(packed.recurrentWeights(), "RW", h, columns);
        requireShape(packed.bias(), "b", 4 * h);
        Map<String, Tensor> byName = new LinkedHashMap<>();
        for (int block = 0; block < BLOCKS.size(); block++) {
            Block names = BLOCKS.get(block);
            GateColumns.Gate gate = GateColumns.unpack(packed.inputWeights(), packed.recurrentWeights(), packed.bias(), block, h, d);
            byName.put(names.inputWeights(), gate.inputWeights());
            byName.put(names.recurrentWeights(), gate.recurrentWeights());
            if (spec.biases()) {
                byName.put(names.bias(), gate.bias());
            }
        }
        if (spec.cellOptions().peepholes()) {
            for (int peephole = 0; peephole < PEEPHOLE_COLUMNS.size(); peephole++) {
                Tensor p = Tensor.zeros(h);
                for (int unit = 0; unit < h; unit++) {
                    p.set(packed.recurrentWeights().get(unit, 4 * h + peephole), unit);
                }
                byName.put(PEEPHOLE_COLUMNS.get(peephole), p);
            }
        }
        return byName;
    }

    private static void requireLstm(ModelSpec spec, boolean peepholeColumns) {
        if (spec.cell() != Cell.LSTM) {
            throw new IllegalArgumentException("DL4J's LSTM layout is for the LSTM cell, got " + spec.cell());
        }
        if (spec.cellOptions().twoBiases()) {
            throw new IllegalArgumentException("DL4J's LSTM and GravesLSTM have one bias per gate; the model "
                    + spec.label() + " has two");
        }
        if (spec.cellOptions().peepholes() && !peepholeColumns) {
            throw new IllegalArgumentException("DL4J's LSTM layer has no peepholes (GravesLSTM has); the model "
                    + spec.label() + " has them");
        }
    }

    private static void requireShape(Tensor tensor, String key, int... shape) {
        if (!tensor.hasShape(shape)) {
            throw new IllegalArgumentException("DL4J's LSTM parameter " + key + " has shape "
                    + java.util.Arrays.toString(tensor.shape()) + ", expected " + java.util.Arrays.toString(shape));
        }
    }
}
