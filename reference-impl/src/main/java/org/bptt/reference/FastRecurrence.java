package org.bptt.reference;

import java.util.Arrays;
import java.util.Map;
import org.bptt.api.Batch;
import org.bptt.api.Tensor;

/**
 * The cell's part of {@link FastAggregatedBptt}: its recurrence, forward and backward, over the sequences of a
 * chunk. Every cell here has the same form, which this class runs: G pre-activation values a step (H for the Elman
 * cell, 4H for the LSTM's four gates), z_t = x_t Uᵀ + h_{t-1} Wᵀ with U {@code [G, d]} and W {@code [G, H]}, then the
 * cell's own elementwise {@link #step}; backward, the cell's {@link #stepBackward} turns the gradient reaching h_t
 * into δ_t = ∂L/∂z_t, the gradient reaching h_{t-1} is δ_t W, and dU = Σ δ_tᵀ x_t, dW = Σ δ_tᵀ h_{t-1}, db = Σ δ_t,
 * dL/dx_t = δ_t U. The products run a step for every sequence still running at once (one product of the step's
 * rows); each row is the same sum in the same order as alone, so a sequence's states and per-step gradients do not
 * depend on the sequences around it. The output layer and the loss are the shell's.
 */
abstract class FastRecurrence {

    final int inputSize;
    final int hiddenSize;
    /** G, the pre-activation values of one step. */
    final int gateWidth;
    /** U {@code [G, d]}, Uᵀ {@code [d, G]}, W {@code [G, H]}, Wᵀ {@code [H, G]}. */
    private final FastKernels.RightHand u;
    private final FastKernels.RightHand uTransposed;
    private final FastKernels.RightHand w;
    private final FastKernels.RightHand wTransposed;

    /** @param u U {@code [G, d]} and {@code w} W {@code [G, H]}, row-major; kept, not copied */
    FastRecurrence(int inputSize, int hiddenSize, int gateWidth, double[] u, double[] w) {
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.gateWidth = gateWidth;
        this.u = new FastKernels.RightHand(u, gateWidth, inputSize);
        this.w = new FastKernels.RightHand(w, gateWidth, hiddenSize);
        this.uTransposed = new FastKernels.RightHand(FastKernels.transpose(u, gateWidth, inputSize), inputSize, gateWidth);
        this.wTransposed = new FastKernels.RightHand(FastKernels.transpose(w, gateWidth, hiddenSize), hiddenSize, gateWidth);
    }

    /** Whether the cell has a cell state c_t. */
    abstract boolean hasCellState();

    /**
     * Step t of one sequence, from z_t at {@code preActivations[at …]}: h_t (and whatever else the cell keeps, in
     * the sequence's gates and cell states).
     */
    abstract void step(FastSequence sequence, int t, double[] preActivations, int at);

    /**
     * Step t of one sequence, backward, from the gradient reaching h_t ({@code hiddenGradients[at …]}): δ_t into row
     * t of the sequence's pre-activation gradients, and the cell's own parameter gradients added to
     * {@code sums[extraOffset …]}.
     */
    abstract void stepBackward(FastSequence sequence, int t, double[] hiddenGradients, int at, double[] sums,
                               int extraOffset);

    /** The number of parameter gradient values the cell adds besides dU, dW and db. */
    int extraGradientSize() {
        return 0;
    }

    /** The number of parameter gradient values {@link #backward} adds up: dU, dW, db and the cell's own. */
    final int parameterGradientSize() {
        return gateWidth * inputSize + gateWidth * hiddenSize + gateWidth + extraGradientSize();
    }

    /**
     * Puts the parameter gradients into {@code gradients} under their names, from dU {@code [G, d]}, dW
     * {@code [G, H]} and db {@code [G]} at {@code sums[uAt …]}, {@code [wAt …]}, {@code [bAt …]}, and the cell's own
     * at {@code [extraAt …]}.
     */
    abstract void parameterGradients(double[] sums, int uAt, int wAt, int bAt, int extraAt, Map<String, Tensor> gradients);

    /** Fills each sequence's hidden states (and the cell's own arrays) from its inputs. */
    final void forward(Batch batch, FastSequence[] sequences, int longest) {
        double[] inputs = batch.inputs().data();
        for (FastSequence sequence : sequences) {
            // x_t Uᵀ for every step of the sequence at once.
            FastKernels.multAdd(inputs, batch.inputs().offset(sequence.sequence, 0, 0), uTransposed, sequence.gates, 0,
                    sequence.length);
        }
        // Step by step, every sequence still running at once: z_t = x_t Uᵀ + h_{t-1} Wᵀ, then the cell's step.
        double[] previousStates = new double[sequences.length * hiddenSize];
        double[] preActivations = new double[sequences.length * gateWidth];
        int[] running = new int[sequences.length];
        for (int t = 0; t < longest; t++) {
            int rows = 0;
            for (int k = 0; k < sequences.length; k++) {
                FastSequence sequence = sequences[k];
                if (t < sequence.length) {
                    double[] previous = t == 0 ? sequence.initialState : sequence.hiddenStates;
                    System.arraycopy(previous, t == 0 ? 0 : (t - 1) * hiddenSize, previousStates, rows * hiddenSize, hiddenSize);
                    System.arraycopy(sequence.gates, t * gateWidth, preActivations, rows * gateWidth, gateWidth);
                    running[rows++] = k;
                }
            }
            FastKernels.multAdd(previousStates, 0, wTransposed, preActivations, 0, rows);
            for (int r = 0; r < rows; r++) {
                step(sequences[running[r]], t, preActivations, r * gateWidth);
            }
        }
    }

    /**
     * From the gradients the outputs send to each h_t ({@link FastSequence#outputHiddenGradients}): the gradients
     * reaching each h_t, h_{-1} (and c_{-1}) and x_t, written into the sequences' rows of the tensors
     * ({@code initialCellStateGradients} null without a cell state), and the parameter gradients added to
     * {@code sums[offset …]}.
     */
    final void backward(Batch batch, FastSequence[] sequences, int longest, double[] sums, int offset,
                        Tensor inputGradients, Tensor hiddenStateGradients, Tensor initialStateGradients,
                        Tensor initialCellStateGradients) {
        int dUOffset = offset;
        int dWOffset = dUOffset + gateWidth * inputSize;
        int dbOffset = dWOffset + gateWidth * hiddenSize;
        int extraOffset = dbOffset + gateWidth;

        // Step by step from the last, every sequence still running at once: g_t = the outputs' share + δ_{t+1} W.
        double[] hiddenGradients = new double[sequences.length * hiddenSize];    // g of each sequence, in turn
        double[] runningDeltas = new double[sequences.length * gateWidth];
        double[] products = new double[sequences.length * hiddenSize];
        int[] running = new int[sequences.length];
        double[] hiddenGradientOut = hiddenStateGradients.data();
        for (int t = longest - 1; t >= 0; t--) {
            int rows = 0;
            for (int k = 0; k < sequences.length; k++) {
                FastSequence sequence = sequences[k];
                if (t >= sequence.length) {
                    continue;
                }
                int gradient = k * hiddenSize;
                if (t >= sequence.firstLossStep) {
                    int lossRow = (t - sequence.firstLossStep) * hiddenSize;
                    for (int i = 0; i < hiddenSize; i++) {
                        hiddenGradients[gradient + i] += sequence.outputHiddenGradients[lossRow + i];
                    }
                }
                System.arraycopy(hiddenGradients, gradient, hiddenGradientOut,
                        hiddenStateGradients.offset(sequence.sequence, 0, 0) + t * hiddenSize, hiddenSize);
                stepBackward(sequence, t, hiddenGradients, gradient, sums, extraOffset);
                System.arraycopy(sequence.preActivationGradients, t * gateWidth, runningDeltas, rows * gateWidth, gateWidth);
                running[rows++] = k;
            }
            Arrays.fill(products, 0, rows * hiddenSize, 0.0);
            FastKernels.multAdd(runningDeltas, 0, w, products, 0, rows);
            for (int r = 0; r < rows; r++) {
                System.arraycopy(products, r * hiddenSize, hiddenGradients, running[r] * hiddenSize, hiddenSize);
            }
        }

        // Per sequence: dL/dh_{-1} (and dL/dc_{-1}), then the parameter and input gradients from every step's δ at once.
        double[] inputs = batch.inputs().data();
        for (int k = 0; k < sequences.length; k++) {
            FastSequence sequence = sequences[k];
            int length = sequence.length;
            double[] deltas = sequence.preActivationGradients;
            System.arraycopy(hiddenGradients, k * hiddenSize, initialStateGradients.data(),
                    initialStateGradients.offset(sequence.sequence, 0), hiddenSize);
            if (initialCellStateGradients != null) {
                System.arraycopy(sequence.cellGradient, 0, initialCellStateGradients.data(),
                        initialCellStateGradients.offset(sequence.sequence, 0), hiddenSize);
            }
            int inputOffset = batch.inputs().offset(sequence.sequence, 0, 0);
            FastKernels.multAddTransA(deltas, 0, inputs, inputOffset, sums, dUOffset, length, gateWidth, inputSize);
            FastKernels.multAddTransA(deltas, 0, sequence.initialState, 0, sums, dWOffset, 1, gateWidth, hiddenSize);
            FastKernels.multAddTransA(deltas, gateWidth, sequence.hiddenStates, 0, sums, dWOffset, length - 1,
                    gateWidth, hiddenSize);
            for (int t = 0; t < length; t++) {
                for (int i = 0; i < gateWidth; i++) {
                    sums[dbOffset + i] += deltas[t * gateWidth + i];
                }
            }
            FastKernels.multAdd(deltas, 0, u, inputGradients.data(), inputGradients.offset(sequence.sequence, 0, 0), length);
        }
    }

    /** Puts the parameter gradients summed at {@code sums[offset …]} into {@code gradients}, under their names. */
    final void parameterGradients(double[] sums, int offset, Map<String, Tensor> gradients) {
        int wAt = offset + gateWidth * inputSize;
        int bAt = wAt + gateWidth * hiddenSize;
        parameterGradients(sums, offset, wAt, bAt, bAt + gateWidth, gradients);
    }
}
