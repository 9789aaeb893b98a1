package org.bptt.datasets;

import java.util.SplittableRandom;
import org.bptt.api.Batch;
import org.bptt.api.Head;
import org.bptt.api.InvalidInputException;
import org.bptt.api.Tensor;

/**
 * The adding problem of Hochreiter &amp; Schmidhuber (1997), "Long Short-Term Memory", Neural Computation 9(8),
 * Experiment 4.
 *
 * <h2>The task, as the paper defines it</h2>
 * Each input x_t is a pair (value, marker). The value is uniform on [−1, 1]. The marker is 1.0, 0.0 or −1.0:
 * <ul>
 *   <li>the sequence length is an integer uniform on T … T + ⌊T/10⌋;</li>
 *   <li>one of the first ten pairs is marked 1.0 (its value is X₁); then one of the first ⌊T/2⌋ − 1 pairs that are
 *       still unmarked is marked 1.0 (its value is X₂);</li>
 *   <li>every other marker is 0.0, except that the first and the final pair are marked −1.0 (unless marked 1.0);</li>
 *   <li>in the rare case where the first pair of the sequence is marked 1.0, its value is set to zero;</li>
 *   <li>the target, at the sequence end only, is 0.5 + (X₁ + X₂)/4 (the sum scaled to [0, 1]);</li>
 *   <li>a sequence is processed correctly when the absolute error at its end is below 0.04.</li>
 * </ul>
 * The information the network must keep sits in the first half of the sequence, so the shortest lag between X₂ and
 * the target is about T/2 steps.
 *
 * <h2>Choices of ours</h2>
 * <ul>
 *   <li>The paper's output unit is logistic ("All activation functions are logistic with output range [0, 1]",
 *       Section 5.4) and trained on squared error; the task declares {@link Head#LAST_STEP_SIGMOID}, whose loss is
 *       binary cross-entropy with the soft target, minimised exactly at σ(o) = target, with the error signal
 *       σ(o) − target at o. {@code bptt reproduce} trains the paper's squared error instead, through that head
 *       ({@code org.bptt.experiments.train.SquaredErrorOutput}).</li>
 *   <li>For T ≤ 10 the first mark is drawn among the first min(10, T − 1) pairs, so that the final pair always keeps
 *       its −1.0 end marker (the paper uses T ≥ 100, where this never matters). T must be at least 4, so that
 *       ⌊T/2⌋ − 1 ≥ 1.</li>
 *   <li>With {@code variableLength} false every sequence is exactly T steps (for implementations without masks);
 *       with it true (the paper's setting) a batch is padded to its longest sequence and carries a mask.</li>
 * </ul>
 */
public final class AddingProblem implements SequenceTask {

    /** The task's id. */
    public static final String ID = "adding";
    /** A sequence is correct when |σ(o) − target| is below this (the paper's criterion). */
    public static final double ERROR_THRESHOLD = 0.04;
    /** The smallest T accepted. */
    public static final int MINIMUM_T = 4;

    /** Input columns of each step. */
    static final int VALUE = 0;
    static final int MARKER = 1;

    private final int minimalLength;
    private final boolean variableLength;

    /**
     * One sequence of the task.
     *
     * @param values  the first components, one per step
     * @param markers the second components (1.0 at the two marked pairs, −1.0 at the ends, else 0.0)
     * @param first   the step of the first mark (X₁ = values[first])
     * @param second  the step of the second mark (X₂ = values[second])
     * @param target  0.5 + (X₁ + X₂)/4
     */
    public record Sequence(double[] values, double[] markers, int first, int second, double target) {
        public int length() {
            return values.length;
        }
    }

    /**
     * @param minimalLength  T, at least {@value #MINIMUM_T}
     * @param variableLength true for the paper's lengths T … T + ⌊T/10⌋, false for exactly T
     */
    public AddingProblem(int minimalLength, boolean variableLength) {
        InvalidInputException.require(minimalLength >= MINIMUM_T,
                "the adding problem needs T ≥ %d (the second mark is among the first T/2 − 1 pairs), got T = %d",
                MINIMUM_T, minimalLength);
        this.minimalLength = minimalLength;
        this.variableLength = variableLength;
    }

    /** Draws one sequence. */
    public Sequence sample(SplittableRandom random) {
        int length = variableLength ? minimalLength + random.nextInt(minimalLength / 10 + 1) : minimalLength;
        double[] values = new double[length];
        for (int step = 0; step < length; step++) {
            values[step] = 2 * random.nextDouble() - 1; // uniform on [−1, 1)
        }
        double[] markers = new double[length];
        markers[0] = -1.0;
        markers[length - 1] = -1.0;
        int first = random.nextInt(Math.min(10, length - 1));
        // The second mark: the i-th of the first ⌊T/2⌋ − 1 positions other than the first mark.
        int candidates = minimalLength / 2 - 1;
        int chosen = random.nextInt(candidates);
        int second = chosen < first ? chosen : chosen + 1;
        markers[first] = 1.0;
        markers[second] = 1.0;
        if (first == 0 || second == 0) {
            values[0] = 0.0;
        }
        double target = 0.5 + (values[first] + values[second]) / 4.0;
        return new Sequence(values, markers, first, second, target);
    }

    /** The sequences as a batch: inputs (value, marker) per step {@code [B, T_max, 2]}, targets {@code [B, 1]}, a mask when the lengths vary. */
    public Batch toBatch(Sequence[] sequences) {
        int batchSize = sequences.length;
        int longest = 0;
        for (Sequence sequence : sequences) {
            longest = Math.max(longest, sequence.length());
        }
        Tensor inputs = Tensor.zeros(batchSize, longest, 2);
        Tensor targets = Tensor.zeros(batchSize, 1);
        Tensor mask = variableLength ? Tensor.zeros(batchSize, longest) : null;
        for (int b = 0; b < batchSize; b++) {
            Sequence sequence = sequences[b];
            for (int step = 0; step < sequence.length(); step++) {
                inputs.set(sequence.values()[step], b, step, VALUE);
                inputs.set(sequence.markers()[step], b, step, MARKER);
                if (mask != null) {
                    mask.set(1.0, b, step);
                }
            }
            targets.set(sequence.target(), b, 0);
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
        return Math.abs(outputs.get(sequence, 0) - targets.get(sequence, 0)) < ERROR_THRESHOLD;
    }

    /**
     * Always answering 0.5 is correct when |X₁ + X₂| &lt; 0.16. X₁ + X₂ of two independent uniforms on [−1, 1] has
     * the triangular density (2 − |s|)/4 on [−2, 2], so P(|X₁ + X₂| &lt; a) = a − a²/4 = 0.1536 for a = 0.16
     * (ignoring the rare zeroed first value).
     */
    @Override
    public double chanceSuccessRate() {
        double a = 4 * ERROR_THRESHOLD;
        return a - a * a / 4;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String source() {
        return "Hochreiter & Schmidhuber (1997), Long Short-Term Memory, Neural Computation 9(8):1735-1780, Experiment 4 (adding problem)";
    }

    @Override
    public String description() {
        return "Output 0.5 + (X1 + X2)/4 at the end, where X1 and X2 are the two values marked 1.0 in the first half of the sequence; correct when |error| < 0.04";
    }

    @Override
    public int inputSize() {
        return 2;
    }

    @Override
    public int outputSize() {
        return 1;
    }

    @Override
    public Head head() {
        return Head.LAST_STEP_SIGMOID;
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
