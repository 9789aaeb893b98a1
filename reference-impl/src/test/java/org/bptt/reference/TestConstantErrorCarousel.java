package org.bptt.reference;

import static org.bptt.reference.TensorAssertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import org.bptt.api.Batch;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.CellOptions;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The constant-error carousel (Hochreiter &amp; Schmidhuber 1997): an LSTM whose forget gate is saturated near 1
 * (b_f = 8, so f_t ≈ σ(8) ≈ 1 − 3.4·10⁻⁴) and whose input gate is nearly closed (b_i = −8) carries its cell state,
 * and the gradient along it, across T = 50 steps almost unchanged: ∂c_{T-1}/∂c_{-1} ≈ diag(Π_t f_t), each diagonal
 * element near 1. An Elman cell with the same kind of recurrent weights (W ~ N(0, 0.8²/H), |tanh'| ≤ 1) loses
 * ∂h_{T-1}/∂h_{-1} geometrically. Each Jacobian is measured twice, independently: by central differences of the
 * forward pass's states (ε = 10⁻⁶) and by the cell's step-backprop sending a unit gradient from the last state back to
 * the initial one.
 */
class TestConstantErrorCarousel extends ReferenceTestBase {

    private static final int STEPS = 50;
    private static final double EPSILON = 1e-6;

    @Test
    void aSaturatedForgetGateKeepsTheCellStateGradientNearOneWhileElmansDecays() {
        ModelSpec lstm = ModelSpec.of(2, 3, 2).withCell(Cell.LSTM, CellOptions.lstm(false, false));
        Case lstmCase = RandomCases.build(lstm, 1, STEPS, false, true, random);
        Parameters parameters = lstmCase.parameters()
                .with(ParameterNames.B_F, Tensor.of(new double[] {8, 8, 8}, 3))
                .with(ParameterNames.B_I, Tensor.of(new double[] {-8, -8, -8}, 3));
        double[][] carousel = jacobianByBackprop(lstm, parameters, lstmCase.batch(), true);
        assertClose("∂c_T/∂c_0 by differences against backprop",
                matrix(jacobianByDifferences(lstm, parameters, lstmCase.batch(), true)), matrix(carousel), 1e-6, 1e-9);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double element = carousel[i][j];
                String where = String.format(Locale.ROOT, "∂c_T/∂c_0[%d][%d] = %.6f", i, j, element);
                assertTrue(i == j ? element > 0.9 && element < 1 : Math.abs(element) < 0.01, where);
            }
        }

        ModelSpec elman = ModelSpec.of(2, 3, 2);
        Case elmanCase = RandomCases.build(elman, 1, STEPS, false, true, random);
        double[][] decayed = jacobianByBackprop(elman, elmanCase.parameters(), elmanCase.batch(), false);
        double[][] decayedByDifferences = jacobianByDifferences(elman, elmanCase.parameters(), elmanCase.batch(), false);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                String where = String.format(Locale.ROOT, "Elman ∂h_T/∂h_0[%d][%d] = %.3g by backprop, %.3g by differences",
                        i, j, decayed[i][j], decayedByDifferences[i][j]);
                assertTrue(Math.abs(decayed[i][j]) < 1e-4 && Math.abs(decayedByDifferences[i][j]) < 1e-4, where);
            }
        }
    }

    /**
     * ∂s_{T-1}/∂s_{-1} of sequence 0, s the cell state ({@code cellState}) or the hidden state: row i is what the
     * step-backprops send back to the initial state from a unit gradient on s_{T-1}[i].
     */
    private static double[][] jacobianByBackprop(ModelSpec spec, Parameters parameters, Batch batch, boolean cellState) {
        int hiddenSize = spec.hiddenSize();
        SequenceTrajectory trajectory = new RecurrentNetwork(spec, parameters).forward(batch, 0);
        StepBackprop step = trajectory.cell.stepBackprop(new StepBackpropCounter());
        ParameterGradients gradients = new ParameterGradients(spec);
        StateGradient gradient = new StateGradient(hiddenSize, spec.cell().hasCellState());
        StateGradient toPrevious = new StateGradient(hiddenSize, spec.cell().hasCellState());
        double[][] jacobian = new double[hiddenSize][];
        for (int i = 0; i < hiddenSize; i++) {
            gradient.zero();
            (cellState ? gradient.cell : gradient.hidden).set(i, 0, 1.0);
            for (int k = STEPS - 1; k >= 0; k--) {
                step.backward(k, gradient, gradients, new org.ejml.data.DMatrixRMaj(STEPS, spec.inputSize()), toPrevious);
                gradient.setTo(toPrevious);
            }
            jacobian[i] = (cellState ? gradient.cell : gradient.hidden).data.clone();
        }
        return jacobian;
    }

    /** The same Jacobian by central differences of the forward pass's last state in the initial one. */
    private static double[][] jacobianByDifferences(ModelSpec spec, Parameters parameters, Batch batch, boolean cellState) {
        int hiddenSize = spec.hiddenSize();
        Tensor initial = (cellState ? batch.initialCellState() : batch.initialState()).copy();
        Batch perturbed = cellState
                ? new Batch(batch.inputs(), batch.targets(), null, batch.initialState(), initial)
                : new Batch(batch.inputs(), batch.targets(), null, initial, batch.initialCellState());
        RecurrentNetwork network = new RecurrentNetwork(spec, parameters);
        double[][] jacobian = new double[hiddenSize][hiddenSize];
        for (int j = 0; j < hiddenSize; j++) {
            double original = initial.get(0, j);
            initial.set(original + EPSILON, 0, j);
            Tensor plus = lastStates(network, perturbed, cellState);
            initial.set(original - EPSILON, 0, j);
            Tensor minus = lastStates(network, perturbed, cellState);
            initial.set(original, 0, j);
            for (int i = 0; i < hiddenSize; i++) {
                jacobian[i][j] = (plus.get(0, STEPS - 1, i) - minus.get(0, STEPS - 1, i)) / (2 * EPSILON);
            }
        }
        return jacobian;
    }

    private static Tensor lastStates(RecurrentNetwork network, Batch batch, boolean cellState) {
        var forward = network.forward(batch);
        return cellState ? forward.cellStates() : forward.hiddenStates();
    }

    private static Tensor matrix(double[][] rows) {
        Tensor matrix = Tensor.zeros(rows.length, rows[0].length);
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < rows[i].length; j++) {
                matrix.set(rows[i][j], i, j);
            }
        }
        return matrix;
    }
}
