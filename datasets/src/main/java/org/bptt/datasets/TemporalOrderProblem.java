package org.bptt.datasets;

import java.util.List;
import java.util.SplittableRandom;
import org.bptt.api.Batch;
import org.bptt.api.Head;
import org.bptt.api.InvalidInputException;
import org.bptt.api.Tensor;

/**
 * The temporal order problem of Hochreiter &amp; Schmidhuber (1997), "Long Short-Term Memory", Neural Computation
 * 9(8), Experiment 6a ("two relevant, widely separated symbols").
 *
 * <h2>The task, as the paper defines it (for T = 100)</h2>
 * Inputs are one-hot over eight symbols {a, b, c, d, X, Y, E, B}. A sequence starts with E, ends with B (the
 * "trigger symbol") and otherwise holds symbols drawn uniformly from {a, b, c, d}, except at two positions t₁ and
 * t₂, each X or Y. Its length is uniform on 100 … 110, t₁ on 10 … 20 and t₂ on 50 … 60. The class, one-hot over four
 * outputs and asked for at the end only, is the order of the two symbols: X,X → Q; X,Y → R; Y,X → S; Y,Y → U. A
 * sequence is classified correctly when the final absolute error of every output unit is below 0.3.
 *
 * <h2>Choices of ours</h2>
 * <ul>
 *   <li>For any T (at least {@value #MINIMUM_T}) the positions scale with T: the length is uniform on
 *       T … T + ⌊T/10⌋, t₁ on ⌊T/10⌋ … ⌊2T/10⌋ and t₂ on ⌊T/2⌋ … ⌊6T/10⌋, which are the paper's ranges at T = 100.
 *       Steps are counted from 0 (E is step 0); the paper does not say whether it counts from 0 or 1.</li>
 *   <li>The head is {@link Head#LAST_STEP_SOFTMAX} with K = 4: the outputs are the softmax probabilities, and the
 *       paper's criterion is applied to them.</li>
 *   <li>With {@code variableLength} false every sequence is exactly T steps.</li>
 * </ul>
 */
public final class TemporalOrderProblem implements SequenceTask {

    /** The task's id. */
    public static final String ID = "temporal-order";
    /** Correct when every output is within this of its one-hot target (the paper's criterion). */
    public static final double ERROR_THRESHOLD = 0.3;
    /** The smallest T accepted: t₁ ≥ ⌊T/10⌋ must leave step 0 to E. */
    public static final int MINIMUM_T = 10;

    /** The input symbols, in the order of the one-hot input columns. */
    public static final List<String> SYMBOLS = List.of("a", "b", "c", "d", "X", "Y", "E", "B");
    /** The classes, in the order of the output units: X,X → Q; X,Y → R; Y,X → S; Y,Y → U. */
    public static final List<String> CLASSES = List.of("Q", "R", "S", "U");

    static final int X = 4;
    static final int Y = 5;
    static final int START = 6;   // E
    static final int TRIGGER = 7; // B
    private static final int DISTRACTORS = 4; // a, b, c, d

    private final int minimalLength;
    private final boolean variableLength;

    /**
     * One sequence of the task.
     *
     * @param symbols the symbol index of each step (see {@link #SYMBOLS})
     * @param first   t₁, the step of the first relevant symbol
     * @param second  t₂, the step of the second
     * @param label   the class index (see {@link #CLASSES})
     */
    public record Sequence(int[] symbols, int first, int second, int label) {
        public int length() {
            return symbols.length;
        }
    }

    /**
     * @param minimalLength  T, at least {@value #MINIMUM_T}
     * @param variableLength true for the paper's lengths T … T + ⌊T/10⌋, false for exactly T
     */
    public TemporalOrderProblem(int minimalLength, boolean variableLength) {
        InvalidInputException.require(minimalLength >= MINIMUM_T,
                "the temporal order problem needs T ≥ %d (t1 lies in T/10 … 2T/10, after the start symbol), got T = %d",
                MINIMUM_T, minimalLength);
        this.minimalLength = minimalLength;
        this.variableLength = variableLength;
    }

    /** Draws one sequence. */
    public Sequence sample(SplittableRandom random) {
        int t = minimalLength;
        int length = variableLength ? t + random.nextInt(t / 10 + 1) : t;
        int[] symbols = new int[length];
        symbols[0] = START;
        symbols[length - 1] = TRIGGER;
        for (int step = 1; step < length - 1; step++) {
            symbols[step] = random.nextInt(DISTRACTORS);
        }
        int first = uniform(random, t / 10, 2 * t / 10);
        int second = uniform(random, t / 2, 6 * t / 10);
        boolean firstIsY = random.nextBoolean();
        boolean secondIsY = random.nextBoolean();
        symbols[first] = firstIsY ? Y : X;
        symbols[second] = secondIsY ? Y : X;
        int label = (firstIsY ? 2 : 0) + (secondIsY ? 1 : 0);
        return new Sequence(symbols, first, second, label);
    }

    /** An integer uniform on {@code low} … {@code high}, both included. */
    private static int uniform(SplittableRandom random, int low, int high) {
        return low + random.nextInt(high - low + 1);
    }

    /** The sequences as a batch: one-hot inputs {@code [B, T_max, 8]}, one-hot targets {@code [B, 4]}, a mask when the lengths vary. */
    public Batch toBatch(Sequence[] sequences) {
        int batchSize = sequences.length;
        int longest = 0;
        for (Sequence sequence : sequences) {
            longest = Math.max(longest, sequence.length());
        }
        Tensor inputs = Tensor.zeros(batchSize, longest, SYMBOLS.size());
        Tensor targets = Tensor.zeros(batchSize, CLASSES.size());
        Tensor mask = variableLength ? Tensor.zeros(batchSize, longest) : null;
        for (int b = 0; b < batchSize; b++) {
            Sequence sequence = sequences[b];
            for (int step = 0; step < sequence.length(); step++) {
                inputs.set(1.0, b, step, sequence.symbols()[step]);
                if (mask != null) {
                    mask.set(1.0, b, step);
                }
            }
            targets.set(1.0, b, sequence.label());
        }
        return new Batch(inputs, targets, mask, null);
    }

    @Override
    public Batch batch(int batchSize, SplittableRandom random) {
        InvalidInputException.require(batchSize >= 1, "batch size must be at least 1, got %d", batchSize);
        Sequence[] sequences = new Sequence[batchSize];
        for (int b = 0; b < batchSize; b++) {
            sequences[b] = sample(random);
        }
        return toBatch(sequences);
    }

    @Override
    public boolean correct(Tensor outputs, Tensor targets, int sequence) {
        for (int k = 0; k < outputSize(); k++) {
            if (Math.abs(outputs.get(sequence, k) - targets.get(sequence, k)) >= ERROR_THRESHOLD) {
                return false;
            }
        }
        return true;
    }

    /**
     * The four classes are equally likely and independent of everything but the two relevant symbols, so an answer
     * that ignores the input is right for one class in four at best.
     */
    @Override
    public double chanceSuccessRate() {
        return 0.25;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String source() {
        return "Hochreiter & Schmidhuber (1997), Long Short-Term Memory, Neural Computation 9(8):1735-1780, Experiment 6a (temporal order, two relevant symbols)";
    }

    @Override
    public String description() {
        return "Classify a sequence of a/b/c/d by the order of its two X/Y symbols (XX, XY, YX, YY), told at the final trigger symbol; correct when every output is within 0.3 of the one-hot class";
    }

    @Override
    public int inputSize() {
        return SYMBOLS.size();
    }

    @Override
    public int outputSize() {
        return CLASSES.size();
    }

    @Override
    public Head head() {
        return Head.LAST_STEP_SOFTMAX;
    }

    @Override
    public int minimalLength() {
        return minimalLength;
    }

    @Override
    public int maximumLength() {
        return variableLength ? minimalLength + minimalLength / 10 : minimalLength;
    }

    @Override
    public boolean variableLength() {
        return variableLength;
    }
}
