package org.bptt.datasets;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.bptt.api.Head;
import org.bptt.api.InvalidInputException;

/**
 * The lecture's toy sentiment set: short phrases of three-letter words (cat, mat, rat, …), read letter by letter,
 * with one label per phrase: many-to-one, one sigmoid output ({@link Head#LAST_STEP_SIGMOID}).
 *
 * <h2>The task</h2>
 * A phrase holds 1 to ⌊T/3⌋ words (uniform). Exactly one of them, at a uniform position, carries sentiment: a
 * positive word (fun, joy, win) or a negative one (sad, bad, mad), each with probability ½; the others are neutral
 * (cat, mat, rat, hat, sat, bat). The label is 1 when the sentiment word is positive, 0 when negative, and the
 * network answers after the last letter. Several sentiment words are one letter away from a neutral one (bad/bat,
 * mad/mat, sad/sat), so the network must read whole words, and it must remember the sentiment word until the end
 * of the phrase.
 *
 * <h2>Encoding and our choices</h2>
 * <ul>
 *   <li>One-hot per letter over the 17 letters that occur in the words, sorted ({@link #LETTERS}), d = 17; a phrase
 *       of n words is 3n steps. Because every word has three letters, word boundaries need no separator.</li>
 *   <li>The lecture names the words and the setting (one-hot, one label per sequence, a sigmoid output); the word
 *       lists and the labelling rule are ours.</li>
 *   <li>Phrases in one batch have different lengths, so batches carry a mask (the label is read at each phrase's
 *       own last letter).</li>
 * </ul>
 */
public final class SentimentWords implements Dataset {

    /** The dataset's name. */
    public static final String NAME = "sentiment";
    /** Words without sentiment. */
    public static final List<String> NEUTRAL = List.of("cat", "mat", "rat", "hat", "sat", "bat");
    /** Words with positive sentiment: a phrase holding one is labelled 1. */
    public static final List<String> POSITIVE = List.of("fun", "joy", "win");
    /** Words with negative sentiment: a phrase holding one is labelled 0. */
    public static final List<String> NEGATIVE = List.of("sad", "bad", "mad");
    /** Every letter of every word, sorted: the one-hot order of the inputs. */
    public static final List<String> LETTERS = letters();
    /** The names of the labels 0 and 1. */
    public static final List<String> LABELS = List.of("negative", "positive");
    /** The length of every word. */
    public static final int WORD_LENGTH = 3;

    private static List<String> letters() {
        TreeSet<String> letters = new TreeSet<>();
        for (List<String> words : List.of(NEUTRAL, POSITIVE, NEGATIVE)) {
            for (String word : words) {
                for (char letter : word.toCharArray()) {
                    letters.add(String.valueOf(letter));
                }
            }
        }
        return List.copyOf(letters);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Phrases of 1-3 three-letter words (cat, mat, rat, ...), one of them positive (fun, joy, win) or negative (sad, bad, mad); letters one-hot";
    }

    @Override
    public String task() {
        return "many-to-one sentiment: label 1 when the phrase's sentiment word is positive (sigmoid output)";
    }

    @Override
    public String source() {
        return "the lecture's toy sentiment example (three-letter words, one-hot, one label per sequence); word lists and rule ours";
    }

    @Override
    public int inputSize() {
        return LETTERS.size();
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
    public List<Integer> lengths() {
        return List.of(3, 9);
    }

    /** One phrase of {@code wordCount} words, exactly one of them a sentiment word. */
    public static List<String> phrase(int wordCount, SplittableRandom random) {
        int sentimentPosition = random.nextInt(wordCount);
        List<String> words = new ArrayList<>(wordCount);
        for (int position = 0; position < wordCount; position++) {
            if (position == sentimentPosition) {
                List<String> pool = random.nextBoolean() ? POSITIVE : NEGATIVE;
                words.add(pool.get(random.nextInt(pool.size())));
            } else {
                words.add(NEUTRAL.get(random.nextInt(NEUTRAL.size())));
            }
        }
        return words;
    }

    /** The label of a phrase: 1 when it holds a positive word, else 0. */
    public static int label(List<String> words) {
        return words.stream().anyMatch(POSITIVE::contains) ? 1 : 0;
    }

    /**
     * Examples of at most {@code steps} steps: phrases of 1 … ⌊steps/3⌋ words (uniform), each 3 steps per word;
     * steps ≥ 3.
     */
    @Override
    public List<Example> examples(int count, int steps, long seed) {
        Arguments.requireCountAndSteps(NAME, count, steps, WORD_LENGTH);
        int mostWords = steps / WORD_LENGTH;
        SplittableRandom random = new SplittableRandom(seed);
        List<Example> examples = new ArrayList<>(count);
        for (int index = 0; index < count; index++) {
            List<String> words = phrase(1 + random.nextInt(mostWords), random);
            examples.add(encode(words));
        }
        return examples;
    }

    /** A phrase as an example: its letters one-hot, and its label. */
    public static Example encode(List<String> words) {
        List<String> tokens = new ArrayList<>();
        for (String word : words) {
            for (char letter : word.toCharArray()) {
                tokens.add(String.valueOf(letter));
            }
        }
        double[][] inputs = new double[tokens.size()][];
        for (int step = 0; step < tokens.size(); step++) {
            int letter = LETTERS.indexOf(tokens.get(step));
            InvalidInputException.require(letter >= 0, "letter '%s' is not in the sentiment alphabet", tokens.get(step));
            inputs[step] = Example.oneHot(letter, LETTERS.size());
        }
        int label = label(words);
        return new Example(tokens, inputs, List.of(LABELS.get(label)), new double[][] {{label}});
    }
}
