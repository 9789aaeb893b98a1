package org.bptt.datasets;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bptt.api.Head;

/**
 * Temporal XOR, after Elman (1990), "Finding Structure in Time", Cognitive Science 14(2):179–211, section "Exclusive-Or".
 *
 * <h2>The task</h2>
 * A stream of bits made of triples (a, b, a XOR b): the first two bits of each triple are random, the third is
 * their exclusive or. The network sees one bit per step and predicts the next one. Only every third bit is
 * predictable (from the two before it); the others are coin flips, so the best possible error is periodic: low
 * when the target is an XOR bit, chance (½) elsewhere.
 *
 * <h2>Encoding and our choices</h2>
 * <ul>
 *   <li>Input: the bit itself as one value, d = 1 (Elman's network had one input unit).</li>
 *   <li>Target: the next bit one-hot over {0, 1}, K = 2, with {@link Head#PER_STEP_SOFTMAX} (Elman had one output
 *       unit trained on squared error; the harness's per-step head is a softmax).</li>
 *   <li>Each example is its own stream of T + 1 bits that starts at a triple boundary, so bits 2, 5, 8, …
 *       (counting from 0) are the XOR bits: inputs are bits 0 … T − 1, targets bits 1 … T. Elman trained on one
 *       stream of 3 000 bits; cutting it at triple boundaries keeps the same structure.</li>
 * </ul>
 */
public final class ElmanXor implements Dataset {

    /** The dataset's name. */
    public static final String NAME = "elman-xor";
    /** The symbols, in the order of the target columns. */
    public static final List<String> BITS = List.of("0", "1");

    /** The input codes: bit 0 is the value 0.0, bit 1 the value 1.0. */
    private static final double[][] CODES = {{0.0}, {1.0}};

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Bits in triples (a, b, a XOR b): every third bit is the XOR of the two before it; input the bit (d=1)";
    }

    @Override
    public String task() {
        return "next-bit prediction (only every third bit is predictable)";
    }

    @Override
    public String source() {
        return "Elman (1990), Finding Structure in Time, Cognitive Science 14(2):179-211, temporal XOR";
    }

    @Override
    public int inputSize() {
        return 1;
    }

    @Override
    public int outputSize() {
        return BITS.size();
    }

    @Override
    public Head head() {
        return Head.PER_STEP_SOFTMAX;
    }

    @Override
    public List<Integer> lengths() {
        return List.of(6, 15);
    }

    /** The first {@code length} bits of a stream of random triples (a, b, a XOR b). */
    public static int[] stream(int length, SplittableRandom random) {
        int[] bits = new int[length];
        for (int start = 0; start < length; start += 3) {
            int a = random.nextInt(2);
            int b = random.nextInt(2);
            int[] triple = {a, b, a ^ b};
            for (int offset = 0; offset < 3 && start + offset < length; offset++) {
                bits[start + offset] = triple[offset];
            }
        }
        return bits;
    }

    /** Examples of exactly {@code steps} steps (T ≥ 1), each from T + 1 bits of its own stream. */
    @Override
    public List<Example> examples(int count, int steps, long seed) {
        Arguments.requireCountAndSteps(NAME, count, steps, 1);
        SplittableRandom random = new SplittableRandom(seed);
        List<Example> examples = new ArrayList<>(count);
        for (int index = 0; index < count; index++) {
            examples.add(Example.nextSymbol(stream(steps + 1, random), BITS, CODES));
        }
        return examples;
    }
}
