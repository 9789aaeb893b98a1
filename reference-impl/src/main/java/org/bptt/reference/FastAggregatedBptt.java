package org.bptt.reference;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import org.bptt.api.Activation;
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
 * The plugin {@value ReferenceFastRnn#ID}: the same forward pass and aggregated BPTT of the Elman cell as
 * {@link RecurrentNetwork} and {@link AggregatedBptt}, step for step, written for speed instead of for reading:
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
 * Row form of the equations (h_t, x_t as rows): a_t = x_t Uᵀ + h_{t-1} Wᵀ + b, h_t = f(a_t), o_t = h_t Vᵀ + c.
 * Backward, with g_t the gradient reaching h_t and δ_t = f'(a_t) ⊙ g_t: g_t = (y_t − y*_t)/divisor · V + δ_{t+1} W,
 * dU = Σ δ_tᵀ x_t, dW = Σ δ_tᵀ h_{t-1}, dV = Σ (y_t − y*_t)ᵀ h_t / divisor, dL/dx_t = δ_t U. Tested against the
 * readable reference on every model variant.
 */
final class FastAggregatedBptt {

    /** The pool the chunks run in: one thread per core, daemon threads. */
    private static final ForkJoinPool POOL = new ForkJoinPool(Runtime.getRuntime().availableProcessors());

    private final ModelSpec spec;
    private final Activation activation;
    private final int inputSize;
    private final int hiddenSize;
    private final int outputSize;
    /** U {@code [H, d]}, Uᵀ {@code [d, H]}, W, Wᵀ {@code [H, H]}, V {@code [K, H]}, Vᵀ {@code [H, K]}. */
    private final FastKernels.RightHand u;
    private final FastKernels.RightHand uTransposed;
    private final FastKernels.RightHand w;
    private final FastKernels.RightHand wTransposed;
    private final FastKernels.RightHand v;
    private final FastKernels.RightHand vTransposed;
    /** b {@code [H]} and c {@code [K]}; zeros without biases. */
    private final double[] b;
    private final double[] c;

    /** @throws InvalidInputException for a cell other than the Elman cell, the only one written here */
    FastAggregatedBptt(ModelSpec spec, Parameters parameters) {
        InvalidInputException.require(spec.cell() == Cell.ELMAN,
                "%s is written for the Elman cell only, not the %s", ReferenceFastRnn.ID, spec.cell());
        this.spec = spec;
        this.activation = spec.activation();
        this.inputSize = spec.inputSize();
        this.hiddenSize = spec.hiddenSize();
        this.outputSize = spec.outputSize();
        double[] u = parameters.get(ParameterNames.U).data().clone();
        double[] w = parameters.get(ParameterNames.W).data().clone();
        double[] v = parameters.get(ParameterNames.V).data().clone();
        this.u = new FastKernels.RightHand(u, hiddenSize, inputSize);
        this.w = new FastKernels.RightHand(w, hiddenSize, hiddenSize);
        this.v = new FastKernels.RightHand(v, outputSize, hiddenSize);
        this.uTransposed = new FastKernels.RightHand(FastKernels.transpose(u, hiddenSize, inputSize), inputSize, hiddenSize);
        this.wTransposed = new FastKernels.RightHand(FastKernels.transpose(w, hiddenSize, hiddenSize), hiddenSize, hiddenSize);
        this.vTransposed = new FastKernels.RightHand(FastKernels.transpose(v, outputSize, hiddenSize), hiddenSize, outputSize);
        this.b = spec.biases() ? parameters.get(ParameterNames.B).data().clone() : new double[hiddenSize];
        this.c = spec.biases() ? parameters.get(ParameterNames.C).data().clone() : new double[outputSize];
    }

    /** The forward pass, as {@link RecurrentNetwork#forward(Batch)} computes it. */
    ForwardResult forward(Batch batch) {
        Tensor hiddenStates = Tensor.zeros(batch.batchSize(), batch.steps(), hiddenSize);
        Tensor outputs = spec.head().lastStepOnly() ? Tensor.zeros(batch.batchSize(), outputSize)
                : Tensor.zeros(batch.batchSize(), batch.steps(), outputSize);
        List<double[]> lossSums = inChunks(batch, (first, end) -> {
            Workspace[] workspaces = forwardChunk(batch, first, end, hiddenStates, outputs);
            double lossSum = 0;
            for (Workspace workspace : workspaces) {
                lossSum += workspace.lossSum;
            }
            return new double[] {lossSum};
        });
        double lossSum = 0;
        for (double[] chunk : lossSums) {
            lossSum += chunk[0];
        }
        return new ForwardResult(hiddenStates, outputs, lossSum / divisor(batch));
    }

    /** The loss and its gradients, as {@link AggregatedBptt#gradients} computes them. */
    GradientResult gradients(Batch batch) {
        int batchSize = batch.batchSize();
        int steps = batch.steps();
        double divisor = divisor(batch);
        Tensor inputGradients = Tensor.zeros(batchSize, steps, inputSize);
        Tensor hiddenStateGradients = Tensor.zeros(batchSize, steps, hiddenSize);
        Tensor initialStateGradients = Tensor.zeros(batchSize, hiddenSize);
        // Each chunk returns {loss sum, dU, dW, db, dV, dc} flattened into one array.
        int gradientSize = 1 + hiddenSize * inputSize + hiddenSize * hiddenSize + hiddenSize + outputSize * hiddenSize + outputSize;
        List<double[]> chunks = inChunks(batch, (first, end) -> {
            Workspace[] workspaces = forwardChunk(batch, first, end, null, null);
            double[] sums = new double[gradientSize];
            for (Workspace workspace : workspaces) {
                sums[0] += workspace.lossSum;
            }
            backwardChunk(batch, first, divisor, workspaces, sums, inputGradients, hiddenStateGradients,
                    initialStateGradients);
            return sums;
        });
        double[] total = new double[gradientSize];
        for (double[] chunk : chunks) {
            for (int i = 0; i < gradientSize; i++) {
                total[i] += chunk[i];
            }
        }
        int offset = 1;
        Tensor dU = Tensor.of(java.util.Arrays.copyOfRange(total, offset, offset += hiddenSize * inputSize), hiddenSize, inputSize);
        Tensor dW = Tensor.of(java.util.Arrays.copyOfRange(total, offset, offset += hiddenSize * hiddenSize), hiddenSize, hiddenSize);
        Tensor db = Tensor.of(java.util.Arrays.copyOfRange(total, offset, offset += hiddenSize), hiddenSize);
        Tensor dV = Tensor.of(java.util.Arrays.copyOfRange(total, offset, offset += outputSize * hiddenSize), outputSize, hiddenSize);
        Tensor dc = Tensor.of(java.util.Arrays.copyOfRange(total, offset, offset + outputSize), outputSize);
        Parameters parameterGradients = Parameters.of(spec, declaration -> switch (declaration.name()) {
            case ParameterNames.U -> dU;
            case ParameterNames.W -> dW;
            case ParameterNames.B -> db;
            case ParameterNames.V -> dV;
            case ParameterNames.C -> dc;
            default -> throw new IllegalStateException("the Elman reference has no parameter " + declaration.name());
        });
        return new GradientResult(total[0] / divisor, parameterGradients, inputGradients, initialStateGradients,
                hiddenStateGradients);
    }

    /**
     * The forward pass of the sequences {@code first … end−1}, each into a workspace of its own (hidden states,
     * outputs, the first loss step and Σ_t J(t)), and into its row of {@code hiddenStatesOut} and {@code outputsOut}
     * when they are given.
     *
     * @return the workspaces, in the order of the sequences
     */
    private Workspace[] forwardChunk(Batch batch, int first, int end, Tensor hiddenStatesOut, Tensor outputsOut) {
        Workspace[] workspaces = new Workspace[end - first];
        int longest = 0;
        double[] inputs = batch.inputs().data();
        for (int sequence = first; sequence < end; sequence++) {
            Workspace workspace = new Workspace(batch, sequence);
            workspaces[sequence - first] = workspace;
            longest = Math.max(longest, workspace.length);
            // x_t Uᵀ for every step of the sequence at once.
            FastKernels.multAdd(inputs, batch.inputs().offset(sequence, 0, 0), uTransposed, workspace.hiddenStates,
                    0, workspace.length);
        }

        // Step by step, every sequence still running at once: a_t = x_t Uᵀ + h_{t-1} Wᵀ + b, h_t = f(a_t).
        double[] previousStates = new double[workspaces.length * hiddenSize];
        double[] preActivations = new double[workspaces.length * hiddenSize];
        int[] running = new int[workspaces.length];
        for (int t = 0; t < longest; t++) {
            int rows = 0;
            for (int k = 0; k < workspaces.length; k++) {
                Workspace workspace = workspaces[k];
                if (t < workspace.length) {
                    double[] previous = t == 0 ? workspace.initialState : workspace.hiddenStates;
                    System.arraycopy(previous, t == 0 ? 0 : (t - 1) * hiddenSize, previousStates, rows * hiddenSize, hiddenSize);
                    System.arraycopy(workspace.hiddenStates, t * hiddenSize, preActivations, rows * hiddenSize, hiddenSize);
                    running[rows++] = k;
                }
            }
            FastKernels.multAdd(previousStates, 0, wTransposed, preActivations, 0, rows);
            for (int r = 0; r < rows; r++) {
                double[] hidden = workspaces[running[r]].hiddenStates;
                for (int i = 0; i < hiddenSize; i++) {
                    hidden[t * hiddenSize + i] = activation.apply(preActivations[r * hiddenSize + i] + b[i]);
                }
            }
        }

        for (int sequence = first; sequence < end; sequence++) {
            outputsAndLoss(batch, sequence, workspaces[sequence - first], hiddenStatesOut, outputsOut);
        }
        return workspaces;
    }

    /**
     * The outputs of the sequence's loss steps, o_t = h_t Vᵀ + c, then softmax or sigmoid and the loss terms, into
     * the workspace (Σ_t J(t) into {@code lossSum}), and its rows of {@code hiddenStatesOut} and {@code outputsOut}
     * when they are given.
     */
    private void outputsAndLoss(Batch batch, int sequence, Workspace workspace, Tensor hiddenStatesOut,
                                Tensor outputsOut) {
        int length = workspace.length;
        int firstLossStep = workspace.firstLossStep;
        int lossSteps = length - firstLossStep;
        double[] hidden = workspace.hiddenStates;
        double[] outputs = workspace.outputs;
        for (int r = 0; r < lossSteps; r++) {
            System.arraycopy(c, 0, outputs, r * outputSize, outputSize);
        }
        FastKernels.multAdd(hidden, firstLossStep * hiddenSize, vTransposed, outputs, 0, lossSteps);
        double[] targets = batch.targets().data();
        int targetOffset = spec.head().lastStepOnly() ? batch.targets().offset(sequence, 0)
                : batch.targets().offset(sequence, firstLossStep, 0);
        double lossSum = 0;
        for (int r = 0; r < lossSteps; r++) {
            lossSum += squashAndLoss(outputs, r * outputSize, targets, targetOffset + r * outputSize);
        }
        workspace.lossSum = lossSum;
        if (hiddenStatesOut != null) {
            System.arraycopy(hidden, 0, hiddenStatesOut.data(), hiddenStatesOut.offset(sequence, 0, 0), length * hiddenSize);
        }
        if (outputsOut != null) {
            int offset = spec.head().lastStepOnly() ? outputsOut.offset(sequence, 0) : outputsOut.offset(sequence, 0, 0);
            System.arraycopy(outputs, 0, outputsOut.data(), offset, lossSteps * outputSize);
        }
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
     * The aggregated backward sweep of the sequences {@code first …} whose forward passes are in {@code workspaces}.
     * Adds the parameter gradients to {@code sums} (laid out as in {@link #gradients}), each sequence's in turn, and
     * writes the sequences' rows of the per-step gradients.
     */
    private void backwardChunk(Batch batch, int first, double divisor, Workspace[] workspaces, double[] sums,
                               Tensor inputGradients, Tensor hiddenStateGradients, Tensor initialStateGradients) {
        int dUOffset = 1;
        int dWOffset = dUOffset + hiddenSize * inputSize;
        int dbOffset = dWOffset + hiddenSize * hiddenSize;
        int dVOffset = dbOffset + hiddenSize;
        int dcOffset = dVOffset + outputSize * hiddenSize;
        double[] targets = batch.targets().data();
        int longest = 0;

        // Output layer of every loss step at once: G = (Y − Y*)/divisor, dV += Gᵀ H, dc += Σ G, G V.
        for (int k = 0; k < workspaces.length; k++) {
            Workspace workspace = workspaces[k];
            int sequence = first + k;
            int lossSteps = workspace.length - workspace.firstLossStep;
            longest = Math.max(longest, workspace.length);
            double[] outputGradients = workspace.outputs;     // y_t is not needed after this: overwritten by (y_t − y*_t)/divisor
            int targetOffset = spec.head().lastStepOnly() ? batch.targets().offset(sequence, 0)
                    : batch.targets().offset(sequence, workspace.firstLossStep, 0);
            for (int r = 0; r < lossSteps; r++) {
                int row = r * outputSize;
                for (int i = 0; i < outputSize; i++) {
                    outputGradients[row + i] = (outputGradients[row + i] - targets[targetOffset + row + i]) / divisor;
                    sums[dcOffset + i] += outputGradients[row + i];
                }
            }
            FastKernels.multAddTransA(outputGradients, 0, workspace.hiddenStates, workspace.firstLossStep * hiddenSize,
                    sums, dVOffset, lossSteps, outputSize, hiddenSize);
            FastKernels.multAdd(outputGradients, 0, v, workspace.outputHiddenGradients, 0, lossSteps);
        }

        // The recurrence, step by step from the last, every sequence still running at once:
        // g_t = outputs' share + δ_{t+1} W, δ_t = f'(a_t) ⊙ g_t.
        double[] hiddenGradients = new double[workspaces.length * hiddenSize];    // g of each sequence, in turn
        double[] runningDeltas = new double[workspaces.length * hiddenSize];
        double[] products = new double[workspaces.length * hiddenSize];
        int[] running = new int[workspaces.length];
        double[] hiddenGradientOut = hiddenStateGradients.data();
        for (int t = longest - 1; t >= 0; t--) {
            int rows = 0;
            int row = t * hiddenSize;
            for (int k = 0; k < workspaces.length; k++) {
                Workspace workspace = workspaces[k];
                if (t >= workspace.length) {
                    continue;
                }
                int gradient = k * hiddenSize;
                if (t >= workspace.firstLossStep) {
                    int lossRow = (t - workspace.firstLossStep) * hiddenSize;
                    for (int i = 0; i < hiddenSize; i++) {
                        hiddenGradients[gradient + i] += workspace.outputHiddenGradients[lossRow + i];
                    }
                }
                System.arraycopy(hiddenGradients, gradient, hiddenGradientOut,
                        hiddenStateGradients.offset(first + k, 0, 0) + row, hiddenSize);
                timesDerivative(workspace.hiddenStates, row, hiddenGradients, gradient, workspace.preActivationGradients);
                System.arraycopy(workspace.preActivationGradients, row, runningDeltas, rows * hiddenSize, hiddenSize);
                running[rows++] = k;
            }
            java.util.Arrays.fill(products, 0, rows * hiddenSize, 0.0);
            FastKernels.multAdd(runningDeltas, 0, w, products, 0, rows);
            for (int r = 0; r < rows; r++) {
                System.arraycopy(products, r * hiddenSize, hiddenGradients, running[r] * hiddenSize, hiddenSize);
            }
        }

        // Per sequence: dL/dh_{-1}, then the parameter and input gradients from every step's δ at once.
        double[] inputs = batch.inputs().data();
        for (int k = 0; k < workspaces.length; k++) {
            Workspace workspace = workspaces[k];
            int sequence = first + k;
            int length = workspace.length;
            double[] preActivationGradients = workspace.preActivationGradients;
            System.arraycopy(hiddenGradients, k * hiddenSize, initialStateGradients.data(),
                    initialStateGradients.offset(sequence, 0), hiddenSize);
            int inputOffset = batch.inputs().offset(sequence, 0, 0);
            FastKernels.multAddTransA(preActivationGradients, 0, inputs, inputOffset, sums, dUOffset, length, hiddenSize, inputSize);
            FastKernels.multAddTransA(preActivationGradients, 0, workspace.initialState, 0, sums, dWOffset, 1, hiddenSize, hiddenSize);
            FastKernels.multAddTransA(preActivationGradients, hiddenSize, workspace.hiddenStates, 0, sums, dWOffset,
                    length - 1, hiddenSize, hiddenSize);
            for (int t = 0; t < length; t++) {
                for (int i = 0; i < hiddenSize; i++) {
                    sums[dbOffset + i] += preActivationGradients[t * hiddenSize + i];
                }
            }
            FastKernels.multAdd(preActivationGradients, 0, u, inputGradients.data(), inputGradients.offset(sequence, 0, 0),
                    length);
        }
    }

    /**
     * δ_t = f'(a_t) ⊙ g_t for one step: {@code deltas[row + i] = f'(h[row + i]) · g[gradientAt + i]}, f' from the
     * output as {@link Activation#derivativeFromOutput} computes it, the same expression with the activation chosen
     * once instead of per element (so the JIT compiler vectorises the loop).
     */
    private void timesDerivative(double[] hidden, int row, double[] gradients, int gradientAt, double[] deltas) {
        switch (activation) {
            case TANH -> {
                for (int i = 0; i < hiddenSize; i++) {
                    double h = hidden[row + i];
                    deltas[row + i] = (1.0 - h * h) * gradients[gradientAt + i];
                }
            }
            case SIGMOID -> {
                for (int i = 0; i < hiddenSize; i++) {
                    double h = hidden[row + i];
                    deltas[row + i] = h * (1.0 - h) * gradients[gradientAt + i];
                }
            }
            default -> {
                for (int i = 0; i < hiddenSize; i++) {
                    deltas[row + i] = activation.derivativeFromOutput(hidden[row + i]) * gradients[gradientAt + i];
                }
            }
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

    /** One sequence's arrays, sized for its length, and what its forward pass found. */
    private final class Workspace {
        final int length;
        /** The first step with a loss term: 0, or the last step for a last-step head. */
        final int firstLossStep;
        final double[] initialState = new double[hiddenSize];
        final double[] hiddenStates;
        final double[] outputs;
        final double[] outputHiddenGradients;
        final double[] preActivationGradients;
        /** Σ_t J(t) of the sequence, set by its forward pass. */
        double lossSum;

        Workspace(Batch batch, int sequence) {
            length = batch.length(sequence);
            firstLossStep = spec.head().lastStepOnly() ? length - 1 : 0;
            hiddenStates = new double[length * hiddenSize];
            outputs = new double[(length - firstLossStep) * outputSize];
            outputHiddenGradients = new double[(length - firstLossStep) * hiddenSize];
            preActivationGradients = new double[length * hiddenSize];
            if (batch.initialState() != null) {
                System.arraycopy(batch.initialState().data(), batch.initialState().offset(sequence, 0), initialState, 0,
                        hiddenSize);
            }
        }
    }
}
