package org.bptt.datasets;

import java.util.SplittableRandom;
import org.bptt.api.Batch;
import org.bptt.api.Head;
import org.bptt.api.InvalidInputException;
import org.bptt.api.Tensor;

/**
 * The adding, multiplication and temporal order problems exactly as the code of Pascanu, Mikolov &amp; Bengio (2013),
 * "On the difficulty of training recurrent neural networks", generates them: github.com/pascanur/trainingRNNs at
 * commit 3f5df3f, files {@code addition.py}, {@code multiplication.py} and {@code tempOrder.py}. These differ from
 * Hochreiter &amp; Schmidhuber's definitions ({@link AddingProblem}, {@link TemporalOrderProblem}) in the details
 * below, so they are a task of their own.
 *
 * <h2>Their definitions</h2>
 * <ul>
 *   <li>Every sequence of one minibatch has the same length l; for the adding and multiplication problems
 *       l = T + randint(⌊0.1·T⌋), a fresh draw per minibatch ({@code addition.py} line 34); for temporal order l = T
 *       ({@code tempOrder.py} line 56).</li>
 *   <li>Adding and multiplication: two input channels; channel 1 holds values uniform on [0, 1), channel 0 is 0
 *       except for 1.0 at p₀ = randint(⌊0.1·l⌋) and p₁ = ⌊0.1·l⌋ + randint(⌊0.4·l⌋) (lines 35-42). The target is
 *       (x_{p₀} + x_{p₁})/2 for adding (line 44-47), x_{p₀}·x_{p₁} for multiplication ({@code multiplication.py}
 *       line 44-47). A sequence is wrong when its squared error exceeds 0.04 ({@code RNN.py} line 289).</li>
 *   <li>Temporal order: six one-hot channels, symbols A, B (channels 0, 1) and c, d, e, f (2-5); A or B at
 *       p₀ = ⌊0.1·l⌋ + randint(⌊0.1·l⌋) and at p₁ = ⌊0.5·l⌋ + randint(⌊0.1·l⌋), a uniform c-f elsewhere; the class
 *       is v₀ + 2·v₁ with v = 0 for A and 1 for B ({@code tempOrder.py} lines 57-69). A sequence is wrong when the
 *       arg-max of the output is not the class ({@code RNN.py} line 271).</li>
 * </ul>
 * {@code randint(n)} is numpy's, uniform on 0 … n − 1; we draw from a {@link SplittableRandom}, so the distributions
 * are theirs and the individual numbers are not.
 *
 * <h2>The head</h2>
 * Their adding and multiplication networks have a linear output trained on squared error ({@code RNN.py} line 179-181,
 * {@code lastLinear}). The API's heads have no linear output, so these tasks declare {@link Head#LAST_STEP_SIGMOID}
 * (their targets all lie in [0, 1]): trained on it directly, the prediction is σ(o) and the loss cross-entropy with
 * the soft target, whose gradient with respect to o is σ(o) − target, the error signal of squared error on a linear
 * output up to the factor 2. {@code bptt reproduce} trains their linear output instead, through that head
 * ({@code org.bptt.experiments.train.SquaredErrorOutput}). Their criterion is applied to the prediction.
 */
public final class PascanuTask implements SequenceTask {

    /** Which of their three problems. */
    public enum Kind {
        ADDING("pascanu-adding"), MULTIPLICATION("pascanu-multiplication"), TEMPORAL_ORDER("pascanu-temporal-order");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    /** A sequence of the adding or multiplication problem is wrong when its squared error exceeds this. */
    public static final double SQUARED_ERROR_THRESHOLD = 0.04;
    /** The smallest T accepted: ⌊0.1·T⌋ must be at least 1 for numpy's randint. */
    public static final int MINIMUM_T = 10;

    static final int MARKER = 0;
    static final int VALUE = 1;
    private static final int SYMBOLS = 6;
    private static final int CLASSES = 4;

    private final Kind kind;
    private final int minimalLength;
    private final boolean lengthJitter;

    /** Their task: the adding and multiplication problems draw l = T + randint(⌊0.1·T⌋) per minibatch. */
    public PascanuTask(Kind kind, int minimalLength) {
        this(kind, minimalLength, true);
    }

    /**
     * @param lengthJitter false for sequences of exactly T steps (as other papers use the adding problem); ignored
     *                     for temporal order, whose length is always T
     */
    public PascanuTask(Kind kind, int minimalLength, boolean lengthJitter) {
        InvalidInputException.require(kind != null, "the kind of task must be given");
        InvalidInputException.require(minimalLength >= MINIMUM_T,
                "the %s task needs T ≥ %d (its marks are drawn with randint(0.1·T)), got T = %d", kind.id(), MINIMUM_T,
                minimalLength);
        this.kind = kind;
        this.minimalLength = minimalLength;
        this.lengthJitter = lengthJitter && kind != Kind.TEMPORAL_ORDER;
    }

    public Kind kind() {
        return kind;
    }

    @Override
    public Batch batch(int batchSize, SplittableRandom random) {
        InvalidInputException.require(batchSize >= 1, "batch size must be at least 1, got %d", batchSize);
        return kind == Kind.TEMPORAL_ORDER ? temporalOrder(batchSize, random) : markedPair(batchSize, random);
    }

    private Batch markedPair(int batchSize, SplittableRandom random) {
        int length = lengthJitter ? minimalLength + random.nextInt(minimalLength / 10) : minimalLength;
        Tensor inputs = Tensor.zeros(batchSize, length, 2);
        Tensor targets = Tensor.zeros(batchSize, 1);
        for (int b = 0; b < batchSize; b++) {
            int first = random.nextInt(length / 10);
            int second = length / 10 + random.nextInt(length * 4 / 10);
            for (int step = 0; step < length; step++) {
                inputs.set(random.nextDouble(), b, step, VALUE);
            }
            inputs.set(1.0, b, first, MARKER);
            inputs.set(1.0, b, second, MARKER);
            double x0 = inputs.get(b, first, VALUE);
            double x1 = inputs.get(b, second, VALUE);
            targets.set(kind == Kind.ADDING ? (x0 + x1) / 2 : x0 * x1, b, 0);
        }
        return new Batch(inputs, targets, null, null);
    }

    private Batch temporalOrder(int batchSize, SplittableRandom random) {
        int length = minimalLength;
        Tensor inputs = Tensor.zeros(batchSize, length, SYMBOLS);
        Tensor targets = Tensor.zeros(batchSize, CLASSES);
        for (int b = 0; b < batchSize; b++) {
            int first = length / 10 + random.nextInt(length / 10);
            int v0 = random.nextInt(2);
            int second = length / 2 + random.nextInt(length / 10);
            int v1 = random.nextInt(2);
            for (int step = 0; step < length; step++) {
                int symbol = step == first ? v0 : step == second ? v1 : 2 + random.nextInt(4);
                inputs.set(1.0, b, step, symbol);
            }
            targets.set(1.0, b, v0 + 2 * v1);
        }
        return new Batch(inputs, targets, null, null);
    }

    @Override
    public boolean correct(Tensor outputs, Tensor targets, int sequence) {
        if (kind != Kind.TEMPORAL_ORDER) {
            double error = outputs.get(sequence, 0) - targets.get(sequence, 0);
            return error * error <= SQUARED_ERROR_THRESHOLD;
        }
        return argMax(outputs, sequence) == argMax(targets, sequence);
    }

    private static int argMax(Tensor rows, int row) {
        int best = 0;
        for (int k = 1; k < CLASSES; k++) {
            if (rows.get(row, k) > rows.get(row, best)) {
                best = k;
            }
        }
        return best;
    }

    /**
     * Temporal order: one class in four. Adding: always answering 1/2 is right when ((x₀ + x₁)/2 − 1/2)² ≤ 0.04, that is
     * |x₀ + x₁ − 1| ≤ 0.4; x₀ + x₁ has the triangular density on [0, 2], so P = 1 − (1 − 0.4)² = 0.64.
     * Multiplication: the best constant c keeps |x₀x₁ − c| ≤ 0.2 most often; x₀x₁ has the density −ln z on (0, 1],
     * which decreases, so the best window is [0, 0.4], c = 0.2, and P(x₀x₁ ≤ 0.4) = 0.4(1 − ln 0.4) ≈ 0.766.
     */
    @Override
    public double chanceSuccessRate() {
        return switch (kind) {
            case TEMPORAL_ORDER -> 0.25;
            case ADDING -> 1 - 0.6 * 0.6;
            case MULTIPLICATION -> 0.4 * (1 - Math.log(0.4));
        };
    }

    @Override
    public String id() {
        return kind.id();
    }

    @Override
    public String source() {
        return "Pascanu, Mikolov & Bengio (2013), On the difficulty of training recurrent neural networks, ICML; "
                + "github.com/pascanur/trainingRNNs " + switch (kind) {
                    case ADDING -> "addition.py";
                    case MULTIPLICATION -> "multiplication.py";
                    case TEMPORAL_ORDER -> "tempOrder.py";
                };
    }

    @Override
    public String description() {
        return switch (kind) {
            case ADDING -> "Output (x0 + x1)/2 of the two values marked 1.0; wrong when the squared error exceeds 0.04";
            case MULTIPLICATION -> "Output x0·x1 of the two values marked 1.0; wrong when the squared error exceeds 0.04";
            case TEMPORAL_ORDER -> "Classify the order of the two A/B symbols (AA, BA, AB, BB) at the end; wrong when the arg-max is not the class";
        };
    }

    @Override
    public int inputSize() {
        return kind == Kind.TEMPORAL_ORDER ? SYMBOLS : 2;
    }

    @Override
    public int outputSize() {
        return kind == Kind.TEMPORAL_ORDER ? CLASSES : 1;
    }

    @Override
    public Head head() {
        return kind == Kind.TEMPORAL_ORDER ? Head.LAST_STEP_SOFTMAX : Head.LAST_STEP_SIGMOID;
    }

    @Override
    public int minimalLength() {
        return minimalLength;
    }

    @Override
    public int maximumLength() {
        return lengthJitter ? minimalLength + minimalLength / 10 - 1 : minimalLength;
    }

    @Override
    public boolean variableLength() {
        return false; // one length per minibatch: no sequence is padded
    }
}
