package org.bptt.reference;

import static org.bptt.reference.TensorAssertions.assertClose;
import static org.bptt.reference.TensorAssertions.assertSameGradients;

import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.Case;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.bptt.api.Truncation;
import org.junit.jupiter.api.Test;

/** Truncated BPTT(k1, k2) as {@link Truncation} defines it. */
class TestTruncatedBptt extends ReferenceTestBase {

    /** Same sums in another order (see {@link TestAlgorithmsAgree}). */
    private static final double RELATIVE = 1e-12;
    private static final double FLOOR = 1e-14;

    @Test
    void withBothLengthsAtLeastTItIsFullBptt() {
        for (Head head : Head.values()) {
            for (boolean masked : new boolean[] {false, true}) {
                ModelSpec spec = ModelSpec.of(3, 4, 3).withHead(head).withReduction(LossReduction.MEAN_OVER_TERMS);
                Case testCase = RandomCases.build(spec, 3, 9, masked, true, random);
                GradientResult full = AggregatedBptt.gradients(spec, testCase.parameters(), testCase.batch(), new StepBackpropCounter());
                for (int length : new int[] {9, 14}) {
                    Truncation truncation = new Truncation(length, length);
                    assertSameGradients(testCase.id() + " aggregated k1=k2=" + length, full, AggregatedBptt.truncatedGradients(
                            spec, testCase.parameters(), testCase.batch(), truncation, new StepBackpropCounter()), 0, 0);
                    assertSameGradients(testCase.id() + " naive k1=k2=" + length, full, NaiveBptt.truncatedGradients(
                            spec, testCase.parameters(), testCase.batch(), truncation, new StepBackpropCounter()), RELATIVE, FLOOR);
                }
            }
        }
    }

    /**
     * T = 2, k1 = k2 = 1: each step is its own chunk and sees only its own loss, through itself only. With
     * g_t = y_t − y*_t and p_t = f'(a_t) ⊙ Vᵀ g_t:
     * dU = Σ_t p_t x_tᵀ, dW = Σ_t p_t h_{t-1}ᵀ, db = Σ_t p_t, dV = Σ_t g_t h_tᵀ, dc = Σ_t g_t,
     * dL/dx_t = Uᵀ p_t, dL/dh_t = Vᵀ g_t, dL/dh_{-1} = Wᵀ p_0 (the first chunk starts at step 0).
     */
    @Test
    void oneStepChunksSeeOnlyTheirOwnStep() {
        ModelSpec spec = ModelSpec.of(3, 4, 3);
        Case testCase = RandomCases.build(spec, 1, 2, false, true, random);
        Expected expected = new Expected(spec, testCase);
        for (int t = 0; t < 2; t++) {
            expected.addLoss(t, t);
        }
        GradientResult truncated = AggregatedBptt.truncatedGradients(spec, testCase.parameters(), testCase.batch(),
                new Truncation(1, 1), new StepBackpropCounter());
        expected.assertMatches("k1=k2=1", truncated);
        assertSameGradients("naive k1=k2=1", truncated, NaiveBptt.truncatedGradients(spec, testCase.parameters(),
                testCase.batch(), new Truncation(1, 1), new StepBackpropCounter()), RELATIVE, FLOOR);
    }

    /**
     * T = 3, k1 = 3, k2 = 1: one chunk ending at τ = 2; only the loss at step 2 lies in τ−k2+1 … τ = 2 … 2, and it
     * goes back through step 2 only. The losses of steps 0 and 1 are dropped (from every gradient, V and c too),
     * but still counted in L.
     */
    @Test
    void aShortBackwardLengthDropsTheChunksFirstLosses() {
        ModelSpec spec = ModelSpec.of(3, 4, 3).withActivation(Activation.SIGMOID);
        Case testCase = RandomCases.build(spec, 1, 3, false, true, random);
        Expected expected = new Expected(spec, testCase);
        expected.addLoss(2, 2);
        GradientResult truncated = AggregatedBptt.truncatedGradients(spec, testCase.parameters(), testCase.batch(),
                new Truncation(3, 1), new StepBackpropCounter());
        expected.assertMatches("k1=3, k2=1", truncated);
    }

    /**
     * For every k1, k2 in 1 … 5 on sequences of up to 7 steps: the truncated gradients are the sum of the per-lag
     * contributions ∂J(t)/∂θ|_(k) ({@link NaiveBptt#decompose}) over the pairs (t, k) the definition keeps — t in a
     * chunk ending at τ with t ≥ τ−k2+1, and k from t down to max(0, τ−k2+1) — and the aggregated and naive
     * truncations agree on everything.
     */
    @Test
    void equalsTheSumOfTheKeptLagContributions() {
        checkKeptLagContributions(ModelSpec.of(3, 4, 3).withReduction(LossReduction.MEAN_OVER_BATCH));
    }

    /**
     * The same for every option of the GRU and the LSTM: the state before a window's first step (h, and the LSTM's
     * c) counts as a constant, so a truncated gradient keeps exactly the full one's contributions inside the windows.
     */
    @Test
    void gatedCellsKeepTheSameLagContributions() {
        for (ModelSpec spec : GatedSpecs.everyOption(ModelSpec.of(3, 4, 3).withReduction(LossReduction.MEAN_OVER_BATCH))) {
            checkKeptLagContributions(spec);
        }
    }

    /** With k1 = k2 ≥ T, truncated BPTT of a gated cell is its full BPTT, the same sums in the same order. */
    @Test
    void gatedCellsWithBothLengthsAtLeastTAreFullBptt() {
        for (ModelSpec model : GatedSpecs.everyOption(ModelSpec.of(3, 4, 3))) {
            ModelSpec spec = model.withHead(Head.LAST_STEP_SOFTMAX).withReduction(LossReduction.MEAN_OVER_TERMS);
            Case testCase = RandomCases.build(spec, 3, 9, true, true, random);
            GradientResult full = AggregatedBptt.gradients(spec, testCase.parameters(), testCase.batch(), new StepBackpropCounter());
            Truncation truncation = new Truncation(9, 9);
            assertSameGradients(testCase.id() + " aggregated", full, AggregatedBptt.truncatedGradients(
                    spec, testCase.parameters(), testCase.batch(), truncation, new StepBackpropCounter()), 0, 0);
            assertSameGradients(testCase.id() + " naive", full, NaiveBptt.truncatedGradients(
                    spec, testCase.parameters(), testCase.batch(), truncation, new StepBackpropCounter()), RELATIVE, FLOOR);
        }
    }

    private void checkKeptLagContributions(ModelSpec spec) {
        int hiddenSize = spec.hiddenSize();
        Case testCase = RandomCases.build(spec, new int[] {7, 4, 1}, 7, true, true, random);
        Parameters parameters = testCase.parameters();
        Batch batch = testCase.batch();
        GradientDecomposition[] decompositions = new GradientDecomposition[3];
        for (int sequence = 0; sequence < 3; sequence++) {
            decompositions[sequence] = NaiveBptt.decompose(spec, parameters, batch, sequence);
        }
        for (int forwardLength = 1; forwardLength <= 5; forwardLength++) {
            for (int backwardLength = 1; backwardLength <= 5; backwardLength++) {
                Truncation truncation = new Truncation(forwardLength, backwardLength);
                String what = spec.label() + " k1=" + forwardLength + ", k2=" + backwardLength;
                GradientResult aggregated = AggregatedBptt.truncatedGradients(spec, parameters, batch, truncation, new StepBackpropCounter());
                GradientResult naive = NaiveBptt.truncatedGradients(spec, parameters, batch, truncation, new StepBackpropCounter());
                assertSameGradients(what + " naive vs aggregated", aggregated, naive, RELATIVE, FLOOR);
                Parameters expected = Parameters.zeros(spec);
                Tensor expectedHiddenStateGradients = Tensor.zeros(3, 7, hiddenSize);
                for (GradientDecomposition decomposition : decompositions) {
                    int length = decomposition.length();
                    for (int chunkStart = 0; chunkStart < length; chunkStart += forwardLength) {
                        int end = Math.min(chunkStart + forwardLength, length) - 1;
                        for (int t = Math.max(chunkStart, end - backwardLength + 1); t <= end; t++) {
                            for (int k = t; k >= Math.max(0, end - backwardLength + 1); k--) {
                                LagContribution contribution = decomposition.contribution(t, k);
                                add(expected, contribution.parameterGradients());
                                for (int i = 0; i < hiddenSize; i++) {
                                    expectedHiddenStateGradients.data()[expectedHiddenStateGradients.offset(decomposition.sequence(), k, i)]
                                            += contribution.hiddenStateGradient().get(i);
                                }
                            }
                        }
                    }
                }
                for (String name : ParameterNames.ALL) {
                    assertClose(what + " dL/d" + name, expected.get(name), aggregated.parameterGradients().get(name), RELATIVE, FLOOR);
                }
                assertClose(what + " dL/dh", expectedHiddenStateGradients, aggregated.hiddenStateGradients(), RELATIVE, FLOOR);
            }
        }
    }

    private static void add(Parameters sum, Parameters term) {
        for (String name : sum.byName().keySet()) {
            for (int i = 0; i < sum.get(name).length(); i++) {
                sum.get(name).data()[i] += term.get(name).data()[i];
            }
        }
    }

    /**
     * Expected truncated gradients for one tanh-or-sigmoid sequence with biases, a loss at every step and L = Σ J,
     * built by hand from a plain forward pass: each {@link #addLoss} sends one loss term J(t) back to step
     * {@code firstStep} only.
     */
    private static final class Expected {
        private final ModelSpec spec;
        private final Case testCase;
        private final PlainElman forward;
        private final double[][] u;
        private final double[][] w;
        private final double[][] v;
        private final double[] h0;
        final Parameters gradients;
        final Tensor inputGradients;
        final Tensor hiddenStateGradients;
        final Tensor initialStateGradients;

        Expected(ModelSpec spec, Case testCase) {
            this.spec = spec;
            this.testCase = testCase;
            this.forward = new PlainElman(spec, testCase.parameters(), testCase.batch(), 0);
            this.u = matrix(testCase.parameters().get(ParameterNames.U));
            this.w = matrix(testCase.parameters().get(ParameterNames.W));
            this.v = matrix(testCase.parameters().get(ParameterNames.V));
            int hidden = spec.hiddenSize();
            this.h0 = new double[hidden];
            for (int i = 0; i < hidden; i++) {
                h0[i] = testCase.batch().initialState().get(0, i);
            }
            int steps = testCase.batch().steps();
            this.gradients = Parameters.zeros(spec);
            this.inputGradients = Tensor.zeros(1, steps, spec.inputSize());
            this.hiddenStateGradients = Tensor.zeros(1, steps, hidden);
            this.initialStateGradients = Tensor.zeros(1, hidden);
        }

        /** Backpropagates J(t) through steps t … firstStep, by hand. */
        void addLoss(int t, int firstStep) {
            int d = spec.inputSize();
            int hidden = spec.hiddenSize();
            int k = spec.outputSize();
            double[] outputGradient = new double[k];
            for (int r = 0; r < k; r++) {
                outputGradient[r] = forward.outputs[t][r] - testCase.batch().targets().get(0, t, r);
                gradients.get(ParameterNames.C).data()[r] += outputGradient[r];
                for (int i = 0; i < hidden; i++) {
                    gradients.get(ParameterNames.V).data()[r * hidden + i] += outputGradient[r] * forward.hiddenStates[t][i];
                }
            }
            double[] hiddenGradient = new double[hidden];
            for (int i = 0; i < hidden; i++) {
                for (int r = 0; r < k; r++) {
                    hiddenGradient[i] += v[r][i] * outputGradient[r];
                }
            }
            for (int step = t; step >= firstStep; step--) {
                double[] previous = step == 0 ? h0 : forward.hiddenStates[step - 1];
                double[] preActivationGradient = new double[hidden];
                for (int i = 0; i < hidden; i++) {
                    hiddenStateGradients.data()[hiddenStateGradients.offset(0, step, i)] += hiddenGradient[i];
                    double h = forward.hiddenStates[step][i];
                    double derivative = spec.activation() == Activation.TANH ? 1 - h * h : h * (1 - h);
                    preActivationGradient[i] = derivative * hiddenGradient[i];
                }
                double[] toPrevious = new double[hidden];
                for (int i = 0; i < hidden; i++) {
                    gradients.get(ParameterNames.B).data()[i] += preActivationGradient[i];
                    for (int j = 0; j < d; j++) {
                        gradients.get(ParameterNames.U).data()[i * d + j] += preActivationGradient[i] * testCase.batch().inputs().get(0, step, j);
                        inputGradients.data()[inputGradients.offset(0, step, j)] += u[i][j] * preActivationGradient[i];
                    }
                    for (int j = 0; j < hidden; j++) {
                        gradients.get(ParameterNames.W).data()[i * hidden + j] += preActivationGradient[i] * previous[j];
                        toPrevious[j] += w[i][j] * preActivationGradient[i];
                    }
                }
                hiddenGradient = toPrevious;
            }
            if (firstStep == 0) {
                for (int i = 0; i < hidden; i++) {
                    initialStateGradients.data()[i] += hiddenGradient[i];
                }
            }
        }

        void assertMatches(String what, GradientResult actual) {
            GradientResult expected = new GradientResult(forward.lossSum, gradients, inputGradients, initialStateGradients,
                    hiddenStateGradients);
            assertSameGradients(what, expected, actual, 1e-13, 1e-15);
        }

        private static double[][] matrix(Tensor tensor) {
            double[][] matrix = new double[tensor.size(0)][tensor.size(1)];
            for (int i = 0; i < matrix.length; i++) {
                for (int j = 0; j < matrix[i].length; j++) {
                    matrix[i][j] = tensor.get(i, j);
                }
            }
            return matrix;
        }
    }
}
