package org.bptt.dl4j;

import java.util.function.ToDoubleFunction;

import org.bptt.api.Batch;
import org.bptt.api.Cell;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.bptt.api.Truncation;

/**
 * Central finite differences, (f(θ + ε e_i) − f(θ − ε e_i)) / 2ε, of {@link PlainElman}'s and {@link PlainLstm}'s
 * losses (by the spec's cell), for what harness-core's {@code FiniteDifferences} cannot check: the truncated-BPTT
 * objective, and the loss from a given h_{-1} (and c_{-1}) of a network driven through DL4J directly. With ε = 1e-6 in double precision the truncation error is
 * about ε² times the third derivative (~1e-12) and the rounding error about ulp(L)/ε (~1e-10·|L|), so agreement
 * to ~1e-7 absolute on gradients of order one is what can be expected.
 */
final class PlainFiniteDifferences {

    static final double STEP = 1e-6;

    private PlainFiniteDifferences() {
    }

    /** dL/dθ of the plain full loss (with the batch's h_{-1} and c_{-1}), numerically. */
    static Parameters parameterGradients(ModelSpec spec, Parameters parameters, Batch batch) {
        Parameters gradients = Parameters.zeros(spec);
        for (String name : parameters.byName().keySet()) {
            Tensor numeric = gradient(parameters.get(name), perturbed -> spec.cell() == Cell.LSTM
                    ? PlainLstm.loss(spec, parameters.with(name, perturbed), batch)
                    : PlainElman.loss(spec, parameters.with(name, perturbed), batch));
            System.arraycopy(numeric.data(), 0, gradients.get(name).data(), 0, numeric.length());
        }
        return gradients;
    }

    /**
     * The gradient of the truncated-BPTT objective, numerically, written from {@link Truncation}'s definition: the
     * hidden states of the unperturbed forward pass are constants; for every chunk of k1 steps of every sequence,
     * ending at τ, the losses of the chunk's steps in τ−k2+1 … τ are recomputed from the constant state before
     * max(0, τ−k2+1) with the perturbed parameters; the sum over chunks is divided by the full loss's divisor.
     */
    static Parameters truncatedParameterGradients(ModelSpec spec, Parameters parameters, Batch batch,
                                                  Truncation truncation) {
        return truncatedParameterGradients(spec, parameters, batch, truncation, false);
    }

    /**
     * As {@link #truncatedParameterGradients(ModelSpec, Parameters, Batch, Truncation)}, except that with
     * {@code windowsStopAtChunkStart} no window reaches back before its own chunk's first step (the window is
     * max(chunk start, τ−k2+1) … τ): what DL4J does for a last chunk shorter than k2, or for k2 &gt; k1.
     */
    static Parameters truncatedParameterGradients(ModelSpec spec, Parameters parameters, Batch batch,
                                                  Truncation truncation, boolean windowsStopAtChunkStart) {
        PlainLstm.Forward lstm = spec.cell() == Cell.LSTM ? PlainLstm.forward(spec, parameters, batch) : null;
        Tensor constantStates = lstm != null ? lstm.hiddenStates() : PlainElman.forward(spec, parameters, batch).hiddenStates();
        Tensor constantCellStates = lstm != null ? lstm.cellStates() : null;
        Parameters gradients = Parameters.zeros(spec);
        for (String name : parameters.byName().keySet()) {
            Tensor numeric = gradient(parameters.get(name), perturbed -> truncatedObjective(spec,
                    parameters.with(name, perturbed), batch, truncation, windowsStopAtChunkStart, constantStates,
                    constantCellStates));
            System.arraycopy(numeric.data(), 0, gradients.get(name).data(), 0, numeric.length());
        }
        return gradients;
    }

    /** @param constantCellStates the LSTM's cell states of the unperturbed forward pass, null for the Elman cell */
    private static double truncatedObjective(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation,
                                             boolean windowsStopAtChunkStart, Tensor constantStates,
                                             Tensor constantCellStates) {
        double sum = 0;
        for (int sequence = 0; sequence < batch.batchSize(); sequence++) {
            int length = batch.length(sequence);
            for (int chunkStart = 0; chunkStart < length; chunkStart += truncation.forwardLength()) {
                int chunkEnd = Math.min(chunkStart + truncation.forwardLength(), length) - 1;
                int firstStep = Math.max(windowsStopAtChunkStart ? chunkStart : 0,
                        chunkEnd - truncation.backwardLength() + 1);
                double[] stateBefore = PlainElman.initialState(spec, batch, sequence);
                double[] cellBefore = PlainLstm.row(batch.initialCellState(), sequence, spec.hiddenSize());
                if (firstStep > 0) {
                    for (int i = 0; i < stateBefore.length; i++) {
                        stateBefore[i] = constantStates.get(sequence, firstStep - 1, i);
                        cellBefore[i] = constantCellStates == null ? 0 : constantCellStates.get(sequence, firstStep - 1, i);
                    }
                }
                int firstLossStep = Math.max(chunkStart, firstStep);
                sum += constantCellStates == null
                        ? PlainElman.stretchLoss(spec, parameters, batch, sequence, stateBefore, firstStep, chunkEnd, firstLossStep)
                        : PlainLstm.stretchLoss(spec, parameters, batch, sequence, stateBefore, cellBefore, firstStep,
                                chunkEnd, firstLossStep);
            }
        }
        return sum / PlainElman.divisor(spec, batch);
    }

    /** The numerical gradient of {@code function} at {@code point} (not modified). */
    static Tensor gradient(Tensor point, ToDoubleFunction<Tensor> function) {
        Tensor gradient = Tensor.zeros(point.shape());
        for (int i = 0; i < point.length(); i++) {
            Tensor plus = point.copy();
            plus.data()[i] += STEP;
            Tensor minus = point.copy();
            minus.data()[i] -= STEP;
            gradient.data()[i] = (function.applyAsDouble(plus) - function.applyAsDouble(minus)) / (2 * STEP);
        }
        return gradient;
    }
}
