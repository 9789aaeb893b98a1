package org.bptt.reference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import org.bptt.api.Batch;
import org.bptt.api.Cell;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.InvalidInputException;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;

/**
 * The plugin {@value ReferenceFastRnn#ID}: the same forward pass and aggregated BPTT as {@link RecurrentNetwork} and
 * {@link AggregatedBptt}, step for step, written for speed instead of for reading, for the Elman cell
 * ({@link FastElmanRecurrence}) and the LSTM ({@link FastLstmRecurrence}), one layer, one direction:
 * <ul>
 *   <li>plain {@code double[]} arrays, one step per row, read straight from the batch's tensors and written straight
 *       into the result's, with the products in {@link FastKernels} (vectorised, cache-blocked) and the weight
 *       matrices' transposes made once per call;</li>
 *   <li>the recurrence of a chunk's sequences taken a step at a time for all of them at once: one product of the
 *       step's rows, one row per sequence still running, with W (the recurrence's products one row each would read
 *       all of W from memory for every sequence and step, which bounded the speed on large H). Each row is the same
 *       sum in the same order as alone, so the results do not depend on how the sequences are grouped;</li>
 *   <li>the sequences of a batch split into contiguous chunks that run on the cores in parallel, each chunk summing
 *       its own parameter gradients; the chunks' sums are then added in chunk order, so a result is the same on
 *       every run on the same machine (machines with another number of cores may differ in the last bits).</li>
 * </ul>
 * This class is the part every cell shares: the output layer o_t = h_t Vᵀ + c, the loss, and its gradients
 * G = (y_t − y*_t)/divisor, dV = Σ Gᵀ h_t, dc = Σ G, and G V, the outputs' share of the gradient reaching h_t.
 * Tested against the readable reference on every model variant.
 */
final class FastAggregatedBptt {

    /** The pool the chunks run in: one thread per core, daemon threads. */
    private static final ForkJoinPool POOL = new ForkJoinPool(Runtime.getRuntime().availableProcessors());

    private final ModelSpec spec;
    private final int hiddenSize;
    private final int outputSize;
    private final FastRecurrence recurrence;
    /** V {@code [K, H]}, Vᵀ {@code [H, K]}. */
    private final FastKernels.RightHand v;
    private final FastKernels.RightHand vTransposed;
    /** c {@code [K]}; zeros without biases. */
    private final double[] c;

    /** @throws InvalidInputException for a cell other than the Elman cell and the LSTM, or more than one layer or direction */
    FastAggregatedBptt(ModelSpec spec, Parameters parameters) {
        InvalidInputException.require(spec.cell() == Cell.ELMAN || spec.cell() == Cell.LSTM,
                "%s is written for the Elman cell and the LSTM, not the %s", ReferenceFastRnn.ID, spec.cell());
        if (!spec.topology().single()) {
            throw new InvalidInputException(String.format("%s runs one layer in one direction, not %s",
                    ReferenceFastRnn.ID, spec.topology().label().substring(1)));
        }
        this.spec = spec;
        this.hiddenSize = spec.hiddenSize();
        this.outputSize = spec.outputSize();
        this.recurrence = spec.cell() == Cell.LSTM ? new FastLstmRecurrence(spec, parameters)
                : new FastElmanRecurrence(spec, parameters);
        double[] v = parameters.get(ParameterNames.V).data().clone();
        this.v = new FastKernels.RightHand(v, outputSize, hiddenSize);
        this.vTransposed = new FastKernels.RightHand(FastKernels.transpose(v, outputSize, hiddenSize), hiddenSize, outputSize);
        this.c = spec.biases() ? parameters.get(ParameterNames.C).data().clone() : new double[outputSize];
    }

    /** The forward pass, as {@link RecurrentNetwork#forward(Batch)} computes it. */
    ForwardResult forward(Batch batch) {
        Tensor hiddenStates = Tensor.zeros(batch.batchSize(), batch.steps(), hiddenSize);
        Tensor cellStates = recurrence.hasCellState() ? Tensor.zeros(batch.batchSize(), batch.steps(), hiddenSize) : null;
        Tensor outputs = spec.head().lastStepOnly() ? Tensor.zeros(batch.batchSize(), outputSize)
                : Tensor.zeros(batch.batchSize(), batch.steps(), outputSize);
        List<double[]> lossSums = inChunks(batch, (first, end) -> {
            double lossSum = 0;
            for (FastSequence sequence : forwardChunk(batch, first, end)) {
                lossSum += sequence.lossSum;
                copyStatesAndOutputs(sequence, hiddenStates, cellStates, outputs);
            }
            return new double[] {lossSum};
        });
        double lossSum = 0;
        for (double[] chunk : lossSums) {
            lossSum += chunk[0];
        }
        return new ForwardResult(hiddenStates, outputs, lossSum / divisor(batch), cellStates);
    }

    /** The loss and its gradients, as {@link AggregatedBptt#gradients} computes them. */
    GradientResult gradients(Batch batch) {
        int batchSize = batch.batchSize();
        int steps = batch.steps();
        double divisor = divisor(batch);
        Tensor inputGradients = Tensor.zeros(batchSize, steps, spec.inputSize());
        Tensor hiddenStateGradients = Tensor.zeros(batchSize, steps, hiddenSize);
        Tensor initialStateGradients = Tensor.zeros(batchSize, hiddenSize);
        Tensor initialCellStateGradients = recurrence.hasCellState() ? Tensor.zeros(batchSize, hiddenSize) : null;
        // Each chunk returns {loss sum, dV, dc, the recurrence's gradients} flattened into one array.
        int recurrenceOffset = 1 + outputSize * hiddenSize + outputSize;
        int gradientSize = recurrenceOffset + recurrence.parameterGradientSize();
        List<double[]> chunks = inChunks(batch, (first, end) -> {
            FastSequence[] sequences = forwardChunk(batch, first, end);
            double[] sums = new double[gradientSize];
            for (FastSequence sequence : sequences) {
                sums[0] += sequence.lossSum;
            }
            outputLayerBackward(batch, divisor, sequences, sums);
            recurrence.backward(batch, sequences, longest(sequences), sums, recurrenceOffset, inputGradients,
                    hiddenStateGradients, initialStateGradients, initialCellStateGradients);
            return sums;
        });
        double[] total = new double[gradientSize];
        for (double[] chunk : chunks) {
            for (int i = 0; i < gradientSize; i++) {
                total[i] += chunk[i];
            }
        }
        Map<String, Tensor> gradients = new HashMap<>();
        int dVOffset = 1;
        int dcOffset = dVOffset + outputSize * hiddenSize;
        gradients.put(ParameterNames.V, Tensor.of(Arrays.copyOfRange(total, dVOffset, dcOffset), outputSize, hiddenSize));
        gradients.put(ParameterNames.C, Tensor.of(Arrays.copyOfRange(total, dcOffset, dcOffset + outputSize), outputSize));
        recurrence.parameterGradients(total, recurrenceOffset, gradients);
        Parameters parameterGradients = Parameters.of(spec, declaration -> {
            Tensor gradient = gradients.get(declaration.name());
            if (gradient == null) {
                throw new IllegalStateException(ReferenceFastRnn.ID + " has no parameter " + declaration.name());
            }
            return gradient;
        });
        return new GradientResult(total[0] / divisor, parameterGradients, inputGradients, initialStateGradients,
                hiddenStateGradients, initialCellStateGradients);
    }

    /** The forward pass of the sequences {@code first … end−1}, each into a {@link FastSequence} of its own. */
    private FastSequence[] forwardChunk(Batch batch, int first, int end) {
        FastSequence[] sequences = new FastSequence[end - first];
        for (int sequence = first; sequence < end; sequence++) {
            sequences[sequence - first] = new FastSequence(batch, sequence, outputSize, spec.head().lastStepOnly(),
                    recurrence);
        }
        recurrence.forward(batch, sequences, longest(sequences));
        for (FastSequence sequence : sequences) {
            outputsAndLoss(batch, sequence);
        }
        return sequences;
    }

    private static int longest(FastSequence[] sequences) {
        int longest = 0;
        for (FastSequence sequence : sequences) {
            longest = Math.max(longest, sequence.length);
        }
        return longest;
    }

    /**
     * The outputs of the sequence's loss steps, o_t = h_t Vᵀ + c, then softmax or sigmoid and the loss terms, into
     * the sequence's arrays (Σ_t J(t) into {@code lossSum}).
     */
    private void outputsAndLoss(Batch batch, FastSequence sequence) {
        int lossSteps = sequence.length - sequence.firstLossStep;
        double[] outputs = sequence.outputs;
        for (int r = 0; r < lossSteps; r++) {
            System.arraycopy(c, 0, outputs, r * outputSize, outputSize);
        }
        FastKernels.multAdd(sequence.hiddenStates, sequence.firstLossStep * hiddenSize, vTransposed, outputs, 0, lossSteps);
        double[] targets = batch.targets().data();
        int targetOffset = targetOffset(batch, sequence);
        double lossSum = 0;
        for (int r = 0; r < lossSteps; r++) {
            lossSum += squashAndLoss(outputs, r * outputSize, targets, targetOffset + r * outputSize);
        }
        sequence.lossSum = lossSum;
    }

    /** Where the targets of the sequence's first loss step start. */
    private int targetOffset(Batch batch, FastSequence sequence) {
        return spec.head().lastStepOnly() ? batch.targets().offset(sequence.sequence, 0)
                : batch.targets().offset(sequence.sequence, sequence.firstLossStep, 0);
    }

    /** Copies the sequence's h_t (c_t) and y_t into its rows of the forward pass's tensors. */
    private void copyStatesAndOutputs(FastSequence sequence, Tensor hiddenStates, Tensor cellStates, Tensor outputs) {
        int states = sequence.length * hiddenSize;
        System.arraycopy(sequence.hiddenStates, 0, hiddenStates.data(), hiddenStates.offset(sequence.sequence, 0, 0), states);
        if (cellStates != null) {
            System.arraycopy(sequence.cellStates, 0, cellStates.data(), cellStates.offset(sequence.sequence, 0, 0), states);
        }
        int offset = spec.head().lastStepOnly() ? outputs.offset(sequence.sequence, 0) : outputs.offset(sequence.sequence, 0, 0);
        System.arraycopy(sequence.outputs, 0, outputs.data(), offset, (sequence.length - sequence.firstLossStep) * outputSize);
    }

    /**
     * Replaces the logits at {@code outputs[offset …]} by y = softmax(o) (or σ(o)) and returns the loss term J, from
     * the logits as {@link OutputLayer} computes it (log-sum-exp; softplus for the sigmoid).
     */
    private double squashAndLoss(double[] outputs, int offset, double[] targets, int targetOffset) {
        if (spec.head() == Head.LAST_STEP_SIGMOID) {
            double o = outputs[offset];
            double target = targets[targetOffset];
            outputs[offset] = OutputLayer.sigmoid(o);
            return target * OutputLayer.softplus(-o) + (1 - target) * OutputLayer.softplus(o);
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < outputSize; k++) {
            max = Math.max(max, outputs[offset + k]);
        }
        double sumOfExponentials = 0;
        for (int k = 0; k < outputSize; k++) {
            sumOfExponentials += Math.exp(outputs[offset + k] - max);
        }
        double logSumExp = max + Math.log(sumOfExponentials);
        double loss = 0;
        for (int k = 0; k < outputSize; k++) {
            double logProbability = outputs[offset + k] - logSumExp;
            outputs[offset + k] = Math.exp(logProbability);
            loss -= targets[targetOffset + k] * logProbability;
        }
        return loss;
    }

    /**
     * The output layer of every loss step of the sequences at once: G = (Y − Y*)/divisor, dV += Gᵀ H, dc += Σ G,
     * added to {@code sums} (laid out as in {@link #gradients}), and G V into each sequence's
     * {@link FastSequence#outputHiddenGradients}.
     */
    private void outputLayerBackward(Batch batch, double divisor, FastSequence[] sequences, double[] sums) {
        int dVOffset = 1;
        int dcOffset = dVOffset + outputSize * hiddenSize;
        double[] targets = batch.targets().data();
        for (FastSequence sequence : sequences) {
            int lossSteps = sequence.length - sequence.firstLossStep;
            double[] outputGradients = sequence.outputs;     // y_t is not needed after this: overwritten by (y_t − y*_t)/divisor
            int targetOffset = targetOffset(batch, sequence);
            for (int r = 0; r < lossSteps; r++) {
                int row = r * outputSize;
                for (int i = 0; i < outputSize; i++) {
                    outputGradients[row + i] = (outputGradients[row + i] - targets[targetOffset + row + i]) / divisor;
                    sums[dcOffset + i] += outputGradients[row + i];
                }
            }
            FastKernels.multAddTransA(outputGradients, 0, sequence.hiddenStates, sequence.firstLossStep * hiddenSize,
                    sums, dVOffset, lossSteps, outputSize, hiddenSize);
            FastKernels.multAdd(outputGradients, 0, v, sequence.outputHiddenGradients, 0, lossSteps);
        }
    }

    private double divisor(Batch batch) {
        return spec.reduction().divisor(batch.batchSize(), batch.lossTerms(spec.head()));
    }

    /** Work on the sequences first … end−1 of a chunk. */
    @FunctionalInterface
    private interface ChunkWork {
        double[] run(int first, int end);
    }

    /**
     * Runs {@code work} on contiguous chunks of the batch's sequences, one chunk per core (at most one per sequence),
     * and returns the chunks' results in chunk order.
     */
    private static List<double[]> inChunks(Batch batch, ChunkWork work) {
        int batchSize = batch.batchSize();
        int chunks = Math.min(batchSize, POOL.getParallelism());
        if (chunks == 1) {
            return List.of(work.run(0, batchSize));
        }
        List<Callable<double[]>> tasks = new ArrayList<>();
        for (int chunk = 0; chunk < chunks; chunk++) {
            int first = chunk * batchSize / chunks;
            int end = (chunk + 1) * batchSize / chunks;
            tasks.add(() -> work.run(first, end));
        }
        List<double[]> results = new ArrayList<>();
        for (Future<double[]> future : POOL.invokeAll(tasks)) {
            try {
                results.add(future.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a chunk of the batch", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (cause instanceof Error error) {
                    throw error;
                }
                throw new IllegalStateException("a chunk of the batch failed", cause);
            }
        }
        return results;
    }
}
