package org.bptt.reference;

import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.DocumentedLimitException;
import org.bptt.api.Cell;
import org.bptt.api.GradientResult;
import org.bptt.api.InvalidInputException;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Real-time recurrent learning (Williams &amp; Zipser 1989): forward-mode differentiation, the third exact way to
 * the same gradients. Instead of sending gradients back in time, it carries the sensitivities ∂h_t/∂θ forward:
 * <pre>
 *   ∂h_t/∂θ = f'(a_t) ⊙ (∂(U x_t + W h_{t-1} + b)/∂θ) = f'(a_t) ⊙ (direct term + W ∂h_{t-1}/∂θ)
 * </pre>
 * e.g. ∂h_2/∂U = (1 − h_2²) ⊙ (x_2 + W ∂h_1/∂U) for tanh, where "x_2" is the direct term ∂(U x_2)/∂U_ij = x_2[j]
 * in row i. At each loss step the gradient is read off as dL/dθ += (∂(J(t)/divisor)/∂h_t)ᵀ ∂h_t/∂θ, where
 * ∂J(t)/∂h_t = Vᵀ (y_t − y*_t) is the output layer's gradient alone (no future: nothing is ever sent back).
 *
 * <p>The same forward recursion, with other direct terms, gives the remaining gradients: ∂h_t/∂x_k (direct term U
 * at k = t), ∂h_t/∂h_{-1} (starting from the identity), and ∂h_t/∂h_k where h_k is taken as an independent variable
 * (a perturbation ε_k added to h_k: the identity at k = t after f), whose read-off is the total dL/dh_k. The V and c
 * gradients come from {@link OutputLayer#backward}, which involves no recurrence. Written for the Elman cell only.
 *
 * <p>Cost: O(H²·(H·d + H² + T·(d + H))) multiply-adds per step, O(T²·H³) in all, and O(H·(H·d + H² + T·(d + H)))
 * memory for the sensitivities: for small models and short sequences only. {@link #gradients} refuses cases above
 * {@link #MAX_MULTIPLY_ADDS} with an {@link UnsupportedOperationException} rather than run for hours.
 */
public final class RealTimeRecurrentLearning {

    /**
     * The largest case RTRL accepts, in multiply-adds. Its cost (above) grows so fast with T and H that a case much
     * larger would take orders of magnitude longer and its sensitivities could exhaust the heap, so it refuses with
     * a message instead. (What a case of this size takes: the reference's section of the README.)
     */
    public static final double MAX_MULTIPLY_ADDS = 2e10;

    private RealTimeRecurrentLearning() {
    }

    /**
     * The loss and its exact gradients, by forward sensitivities.
     *
     * @throws DocumentedLimitException      when the case needs more than {@link #MAX_MULTIPLY_ADDS} (a harness skips it)
     * @throws InvalidInputException         for a cell other than the Elman cell
     */
    public static GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
        ElmanCell cell = elmanCell(spec, parameters);
        double work = multiplyAdds(spec, batch.batchSize(), batch.steps());
        if (work > MAX_MULTIPLY_ADDS) {
            throw new DocumentedLimitException(String.format(java.util.Locale.ROOT,
                    "RTRL is for small cases: B = %d, T = %d, d = %d, H = %d needs about %.2g multiply-adds (limit %.2g);"
                            + " use aggregated BPTT for this size",
                    batch.batchSize(), batch.steps(), spec.inputSize(), spec.hiddenSize(), work, MAX_MULTIPLY_ADDS));
        }
        RecurrentNetwork network = new RecurrentNetwork(spec, cell, new OutputLayer(spec, parameters));
        double divisor = network.divisor(batch);
        int hiddenSize = spec.hiddenSize();
        int inputSize = spec.inputSize();
        BatchGradients batchGradients = new BatchGradients(spec, batch);
        ParameterGradients gradients = batchGradients.parameters;
        // Row-vector views of the gradient accumulators, so that dL/dθ += gᵀ ∂h_t/∂θ is one product.
        DMatrixRMaj inputWeightGradient = rowView(gradients.get(ParameterNames.U));
        DMatrixRMaj recurrentWeightGradient = rowView(gradients.get(ParameterNames.W));
        DMatrixRMaj hiddenBiasGradient = rowView(gradients.get(ParameterNames.B));
        for (int sequence = 0; sequence < batch.batchSize(); sequence++) {
            SequenceTrajectory trajectory = network.forward(batch, sequence);
            int length = trajectory.length;
            ForwardSensitivities sensitivities = new ForwardSensitivities(cell, trajectory.cell);
            DMatrixRMaj outputHiddenGradients = network.outputLayer().backward(trajectory,   // dV, dc; Vᵀ outputGradient_t
                    BackwardWindow.usedLossSteps(BackwardWindow.full(length), trajectory), divisor, gradients);
            DMatrixRMaj hiddenGradient = new DMatrixRMaj(hiddenSize, 1);       // ∂(J(t)/divisor)/∂h_t, direct only
            DMatrixRMaj inputGradients = new DMatrixRMaj(1, length * inputSize);
            DMatrixRMaj hiddenStateGradients = new DMatrixRMaj(1, length * hiddenSize);
            DMatrixRMaj initialStateGradient = new DMatrixRMaj(1, hiddenSize);
            for (int t = 0; t < length; t++) {
                sensitivities.advance(t);
                if (!trajectory.hasLoss(t)) {
                    continue;
                }
                Matrices.getRow(outputHiddenGradients, trajectory.lossRow(t), hiddenGradient);
                CommonOps_DDRM.multAddTransA(hiddenGradient, sensitivities.toU.current, inputWeightGradient);
                CommonOps_DDRM.multAddTransA(hiddenGradient, sensitivities.toW.current, recurrentWeightGradient);
                CommonOps_DDRM.multAddTransA(hiddenGradient, sensitivities.toB.current, hiddenBiasGradient);
                CommonOps_DDRM.multAddTransA(hiddenGradient, sensitivities.toInputs.current, inputGradients);
                CommonOps_DDRM.multAddTransA(hiddenGradient, sensitivities.toHiddenStates.current, hiddenStateGradients);
                CommonOps_DDRM.multAddTransA(hiddenGradient, sensitivities.toInitialState.current, initialStateGradient);
            }
            SequenceGradients sequenceGradients = batchGradients.sequenceGradients(length);
            // The read-off rows hold step k's block at k·d (k·H): exactly the one-step-per-row layout.
            System.arraycopy(inputGradients.data, 0, sequenceGradients.inputGradients.data, 0, length * inputSize);
            System.arraycopy(hiddenStateGradients.data, 0, sequenceGradients.hiddenStateGradients.data, 0, length * hiddenSize);
            System.arraycopy(initialStateGradient.data, 0, sequenceGradients.initialStateGradient.data, 0, hiddenSize);
            batchGradients.addSequence(sequence, trajectory, sequenceGradients);
        }
        return batchGradients.result(divisor);
    }

    /**
     * The Elman cell of {@code spec}.
     *
     * @throws InvalidInputException for any other cell, which RTRL is not written for
     */
    private static ElmanCell elmanCell(ModelSpec spec, Parameters parameters) {
        InvalidInputException.require(spec.cell() == Cell.ELMAN,
                "real-time recurrent learning is written for the Elman cell only, not the %s", spec.cell());
        return new ElmanCell(spec, parameters);
    }

    /** A {@code [1, n]} matrix sharing {@code matrix}'s elements, row by row. */
    private static DMatrixRMaj rowView(DMatrixRMaj matrix) {
        return DMatrixRMaj.wrap(1, matrix.getNumElements(), matrix.data);
    }

    /**
     * The multiply-adds of the sensitivity updates W ∂h_{t-1}/∂θ: B·T steps, each an [H, H] by [H, n] product over
     * n = H·d + H² + H + T·(d + H) + H columns.
     */
    static double multiplyAdds(ModelSpec spec, int batchSize, int steps) {
        double d = spec.inputSize();
        double h = spec.hiddenSize();
        double columns = h * d + h * h + h + steps * (d + h) + h;
        return (double) batchSize * steps * h * h * columns;
    }

    /**
     * The sensitivity ∂h_t/∂U of one sequence at step {@code step} (which must be before the sequence's end), as
     * RTRL carries it: element {@code [r, i, j]} is ∂h_t[r]/∂U[i, j].
     *
     * @return a tensor {@code [H, H, d]}
     */
    public static Tensor hiddenSensitivityToU(ModelSpec spec, Parameters parameters, Batch batch, int sequence, int step) {
        ElmanCell cell = elmanCell(spec, parameters);
        SequenceTrajectory trajectory = new RecurrentNetwork(spec, cell, new OutputLayer(spec, parameters)).forward(batch, sequence);
        if (step < 0 || step >= trajectory.length) {
            throw new IllegalArgumentException("step " + step + " is outside sequence " + sequence + ", which has "
                    + trajectory.length + " steps");
        }
        ForwardSensitivities sensitivities = new ForwardSensitivities(cell, trajectory.cell);
        for (int t = 0; t <= step; t++) {
            sensitivities.advance(t);
        }
        return Matrices.tensor(sensitivities.toU.current, spec.hiddenSize(), spec.hiddenSize(), spec.inputSize());
    }

    /**
     * The Jacobians of h_t, carried from step to step, each an {@code [H, n]} matrix whose row r holds the
     * derivatives of h_t[r] with respect to n variables. Allocated once per sequence.
     */
    static final class ForwardSensitivities {

        private final ElmanCell cell;
        private final CellTrajectory trajectory;
        private final Activation activation;
        private final int inputSize;
        private final int hiddenSize;
        /** ∂h_t/∂U: column i·d + j is the derivative by U[i, j]. */
        final Sensitivity toU;
        /** ∂h_t/∂W: column i·H + j is the derivative by W[i, j]. */
        final Sensitivity toW;
        /** ∂h_t/∂b. */
        final Sensitivity toB;
        /** ∂h_t/∂x_k: column k·d + j is the derivative by x_k[j]. */
        final Sensitivity toInputs;
        /** ∂h_t/∂h_k, h_k as an independent variable: column k·H + j is the derivative by h_k[j]. */
        final Sensitivity toHiddenStates;
        /** ∂h_t/∂h_{-1}. */
        final Sensitivity toInitialState;

        /** The sensitivities of h_{-1}: zero, except ∂h_{-1}/∂h_{-1} = I. */
        ForwardSensitivities(ElmanCell cell, CellTrajectory trajectory) {
            this.cell = cell;
            this.trajectory = trajectory;
            this.activation = cell.activation;
            this.inputSize = cell.U.numCols;
            this.hiddenSize = cell.U.numRows;
            toU = new Sensitivity(hiddenSize, hiddenSize * inputSize);
            toW = new Sensitivity(hiddenSize, hiddenSize * hiddenSize);
            toB = new Sensitivity(hiddenSize, hiddenSize);
            toInputs = new Sensitivity(hiddenSize, trajectory.length() * inputSize);
            toHiddenStates = new Sensitivity(hiddenSize, trajectory.length() * hiddenSize);
            toInitialState = new Sensitivity(hiddenSize, hiddenSize);
            CommonOps_DDRM.setIdentity(toInitialState.current);
        }

        /**
         * From the sensitivities of h_{t-1} to those of h_t:
         * <pre>
         *   ∂a_t/∂θ = direct term + W ∂h_{t-1}/∂θ
         *   ∂h_t/∂θ = f'(a_t) ⊙ ∂a_t/∂θ               (row r scaled by f'(a_t)[r])
         * </pre>
         * with the direct terms ∂a_t[i]/∂U[i, j] = x_t[j], ∂a_t[i]/∂W[i, j] = h_{t-1}[j], ∂a_t[i]/∂b[i] = 1,
         * ∂a_t/∂x_t = U, and ∂h_t/∂h_t = I added after f. Modified: every sensitivity.
         */
        void advance(int t) {
            for (Sensitivity sensitivity : all()) {
                sensitivity.multiplyFromLeft(cell.W);                  // W ∂h_{t-1}/∂θ
            }
            DMatrixRMaj input = trajectory.input(t);
            DMatrixRMaj previousHiddenState = trajectory.previousHiddenState(t);
            for (int i = 0; i < hiddenSize; i++) {
                for (int j = 0; j < inputSize; j++) {
                    toU.current.add(i, i * inputSize + j, input.data[j]);                  // + x_t[j]
                    toInputs.current.add(i, t * inputSize + j, cell.U.get(i, j));         // + U[i, j]
                }
                for (int j = 0; j < hiddenSize; j++) {
                    toW.current.add(i, i * hiddenSize + j, previousHiddenState.data[j]);   // + h_{t-1}[j]
                }
                toB.current.add(i, i, 1.0);                                                // + 1
            }
            DMatrixRMaj hiddenState = trajectory.hiddenState(t);
            for (Sensitivity sensitivity : all()) {
                for (int r = 0; r < hiddenSize; r++) {
                    CommonOps_DDRM.scaleRow(activation.derivativeFromOutput(hiddenState.data[r]), sensitivity.current, r);
                }
            }
            for (int r = 0; r < hiddenSize; r++) {
                toHiddenStates.current.add(r, t * hiddenSize + r, 1.0);                   // ∂h_t/∂h_t = I
            }
        }

        private Sensitivity[] all() {
            return new Sensitivity[] {toU, toW, toB, toInputs, toHiddenStates, toInitialState};
        }
    }

    /** One Jacobian and a workspace of its size, so that W·S needs no allocation (EJML forbids aliasing). */
    static final class Sensitivity {

        DMatrixRMaj current;
        private DMatrixRMaj workspace;

        Sensitivity(int rows, int columns) {
            current = new DMatrixRMaj(rows, columns);
            workspace = new DMatrixRMaj(rows, columns);
        }

        /** current = matrix · current. Modified: current (and the workspace). Not modified: matrix. */
        void multiplyFromLeft(DMatrixRMaj matrix) {
            CommonOps_DDRM.mult(matrix, current, workspace);
            DMatrixRMaj swap = current;
            current = workspace;
            workspace = swap;
        }
    }
}
