package org.bptt.dl4j;

import org.bptt.api.Tensor;

/**
 * The layout DL4J's LSTM layers and SameDiff's {@code lstmLayer} and {@code gru} share: the gates' weights side by
 * side as column blocks, input weights {@code [d, G·H]}, recurrent weights {@code [H, ≥ G·H]}, one bias {@code [G·H]};
 * block g, column g·H + unit, holds the canonical row {@code unit} of gate g's {@code U [H, d]}, {@code W [H, H]} and
 * {@code b [H]}. The adapters differ in gate order, peepholes and biases, not in this.
 */
final class GateColumns {

    private GateColumns() {
    }

    /** One gate's canonical tensors: U {@code [H, d]}, W {@code [H, H]}, b {@code [H]}. */
    record Gate(Tensor inputWeights, Tensor recurrentWeights, Tensor bias) {
    }

    /**
     * Writes gate {@code block}'s U and W into the packed row-major arrays, {@code input} {@code [d, inputColumns]}
     * and {@code recurrent} {@code [H, recurrentColumns]} (wider than G·H where peephole columns follow the gates).
     * Modified: {@code input} and {@code recurrent}, in the block's columns only.
     */
    static void pack(Tensor u, Tensor w, int block, double[] input, int inputColumns, double[] recurrent, int recurrentColumns) {
        int h = w.size(0);
        int d = u.size(1);
        for (int unit = 0; unit < h; unit++) {
            int column = block * h + unit;
            for (int m = 0; m < d; m++) {
                input[m * inputColumns + column] = u.get(unit, m);
            }
            for (int m = 0; m < h; m++) {
                recurrent[m * recurrentColumns + column] = w.get(unit, m);
            }
        }
    }

    /** Gate {@code block}'s canonical tensors read from the packed ones. Not modified: the packed tensors. */
    static Gate unpack(Tensor input, Tensor recurrent, Tensor bias, int block, int h, int d) {
        Tensor u = Tensor.zeros(h, d);
        Tensor w = Tensor.zeros(h, h);
        Tensor b = Tensor.zeros(h);
        for (int unit = 0; unit < h; unit++) {
            int column = block * h + unit;
            for (int m = 0; m < d; m++) {
                u.set(input.get(m, column), unit, m);
            }
            for (int m = 0; m < h; m++) {
                w.set(recurrent.get(m, column), unit, m);
            }
            b.set(bias.get(column), unit);
        }
        return new Gate(u, w, b);
    }
}
