package org.bptt.datasets;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bptt.api.Head;

/**
 * The letter sequences of Elman (1990), "Finding Structure in Time", Cognitive Science 14(2):179–211, section
 * "Structure in Letter Sequences".
 *
 * <h2>The task</h2>
 * The consonants b, d and g are drawn uniformly at random, and each is replaced by a syllable: b → ba, d → dii,
 * g → guuu. The network reads the letter stream and predicts the next letter. The vowels follow their consonant
 * deterministically, so they can be predicted (and so can the end of a syllable); the next consonant cannot, so
 * prediction error peaks where the target is a consonant.
 *
 * <h2>Encoding</h2>
 * <ul>
 *   <li>Input: each letter as Elman's six binary features (consonant, vowel, interrupted, high, back, voiced),
 *       d = 6, as we transcribed them from the paper's Table 1 ({@link #FEATURES}).</li>
 *   <li>Target: the next letter one-hot over {b, d, g, a, i, u}, K = 6, {@link Head#PER_STEP_SOFTMAX}. (Elman's
 *       network predicted the next letter's six features with squared error.)</li>
 *   <li>Each example is its own stream of T + 1 letters starting at a consonant; inputs are letters 0 … T − 1,
 *       targets letters 1 … T. The last syllable may be cut short.</li>
 * </ul>
 */
public final class ElmanLetters implements Dataset {

    /** The dataset's name. */
    public static final String NAME = "elman-letters";
    /** The letters, in the order of the target columns. */
    public static final List<String> LETTERS = List.of("b", "d", "g", "a", "i", "u");
    /** The consonants (letter ids 0–2) and the syllable each becomes. */
    public static final List<String> SYLLABLES = List.of("ba", "dii", "guuu");
    /** The feature names, in the order of the input columns. */
    public static final List<String> FEATURE_NAMES = List.of("consonant", "vowel", "interrupted", "high", "back", "voiced");

    /** Each letter's six features (rows in the order of {@link #LETTERS}), from Elman (1990) Table 1. */
    static final double[][] FEATURES = {
        {1, 0, 1, 0, 0, 1}, // b
        {1, 0, 1, 1, 0, 1}, // d
        {1, 0, 1, 0, 1, 1}, // g
        {0, 1, 0, 0, 1, 1}, // a
        {0, 1, 0, 1, 0, 1}, // i
        {0, 1, 0, 1, 1, 1}, // u
    };

    /** A copy of letter {@code letter}'s six features. */
    public static double[] features(int letter) {
        return FEATURES[letter].clone();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Random consonants b, d, g, each followed by its vowels: b -> ba, d -> dii, g -> guuu; letters as 6 binary features";
    }

    @Override
    public String task() {
        return "next-letter prediction (vowels predictable, consonants not: error peaks at consonants)";
    }

    @Override
    public String source() {
        return "Elman (1990), Finding Structure in Time, Cognitive Science 14(2):179-211, letter sequences (Table 1 features)";
    }

    @Override
    public int inputSize() {
        return FEATURE_NAMES.size();
    }

    @Override
    public int outputSize() {
        return LETTERS.size();
    }

    @Override
    public Head head() {
        return Head.PER_STEP_SOFTMAX;
    }

    @Override
    public List<Integer> lengths() {
        return List.of(8, 24);
    }

    /** The first {@code length} letters (ids into {@link #LETTERS}) of a stream of random syllables. */
    public static int[] stream(int length, SplittableRandom random) {
        int[] letters = new int[length];
        int position = 0;
        while (position < length) {
            int consonant = random.nextInt(SYLLABLES.size());
            String syllable = SYLLABLES.get(consonant);
            for (int offset = 0; offset < syllable.length() && position < length; offset++) {
                letters[position++] = LETTERS.indexOf(syllable.substring(offset, offset + 1));
            }
        }
        return letters;
    }

    /** Examples of exactly {@code steps} steps (T ≥ 1), each from T + 1 letters of its own stream. */
    @Override
    public List<Example> examples(int count, int steps, long seed) {
        Arguments.requireCountAndSteps(NAME, count, steps, 1);
        SplittableRandom random = new SplittableRandom(seed);
        List<Example> examples = new ArrayList<>(count);
        for (int index = 0; index < count; index++) {
            examples.add(Example.nextSymbol(stream(steps + 1, random), LETTERS, FEATURES));
        }
        return examples;
    }
}
