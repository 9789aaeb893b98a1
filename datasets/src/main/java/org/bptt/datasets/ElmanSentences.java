package org.bptt.datasets;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.bptt.api.Head;

/**
 * Sentences from the small word grammar of Elman (1990), "Finding Structure in Time", Cognitive Science
 * 14(2):179–211, section "Discovering Lexical Classes from Word Order".
 *
 * <h2>The task</h2>
 * Two- and three-word sentences are generated from sixteen templates over twelve word categories (the paper's
 * Tables 3 and 4, as we transcribed them: {@link #CATEGORIES}, {@link #TEMPLATES}): a template is drawn uniformly,
 * then each category in it is filled with one of its words, drawn uniformly. 29 distinct words (some words belong
 * to two categories, e.g. "break" and "see"). The sentences are concatenated into one stream with no boundary
 * markers, as in the paper, and the network predicts the next word. The next word is never certain, but the
 * grammar narrows it to a category: after "woman", a verb; after "eat", a food (or a person or an animal, when a
 * monster is eating).
 *
 * <h2>Encoding and our choices</h2>
 * <ul>
 *   <li>Words one-hot over the 29-word vocabulary sorted alphabetically ({@link #VOCABULARY}), d = K = 29
 *       (Elman used 31-bit localist vectors: 29 words and two spare bits). {@link Head#PER_STEP_SOFTMAX}.</li>
 *   <li>Each example is its own stream of T + 1 words starting at a sentence boundary; inputs are words
 *       0 … T − 1, targets words 1 … T; the last sentence may be cut short.</li>
 * </ul>
 */
public final class ElmanSentences implements Dataset {

    /** The dataset's name. */
    public static final String NAME = "elman-sentences";

    /** The word categories and their words (the paper's Table 3). */
    public static final Map<String, List<String>> CATEGORIES = categories();

    /** The sentence templates, each a list of categories (the paper's Table 4). */
    public static final List<List<String>> TEMPLATES = List.of(
            List.of("NOUN-HUM", "VERB-EAT", "NOUN-FOOD"),
            List.of("NOUN-HUM", "VERB-PERCEPT", "NOUN-INANIM"),
            List.of("NOUN-HUM", "VERB-DESTROY", "NOUN-FRAG"),
            List.of("NOUN-HUM", "VERB-INTRAN"),
            List.of("NOUN-HUM", "VERB-TRAN", "NOUN-HUM"),
            List.of("NOUN-HUM", "VERB-AGPAT", "NOUN-INANIM"),
            List.of("NOUN-HUM", "VERB-AGPAT"),
            List.of("NOUN-ANIM", "VERB-EAT", "NOUN-FOOD"),
            List.of("NOUN-ANIM", "VERB-TRAN", "NOUN-ANIM"),
            List.of("NOUN-ANIM", "VERB-AGPAT", "NOUN-INANIM"),
            List.of("NOUN-ANIM", "VERB-AGPAT"),
            List.of("NOUN-INANIM", "VERB-AGPAT"),
            List.of("NOUN-AGRESS", "VERB-DESTROY", "NOUN-FRAG"),
            List.of("NOUN-AGRESS", "VERB-EAT", "NOUN-HUM"),
            List.of("NOUN-AGRESS", "VERB-EAT", "NOUN-ANIM"),
            List.of("NOUN-AGRESS", "VERB-EAT", "NOUN-FOOD"));

    /** Every word of every category, sorted: the one-hot order of inputs and targets. */
    public static final List<String> VOCABULARY = List.copyOf(new TreeSet<>(CATEGORIES.values().stream().flatMap(List::stream).toList()));

    private static final double[][] CODES = Example.identity(VOCABULARY.size());

    private static Map<String, List<String>> categories() {
        Map<String, List<String>> categories = new LinkedHashMap<>();
        categories.put("NOUN-HUM", List.of("man", "woman", "boy", "girl"));
        categories.put("NOUN-ANIM", List.of("cat", "mouse", "dog"));
        categories.put("NOUN-INANIM", List.of("book", "rock", "car"));
        categories.put("NOUN-AGRESS", List.of("dragon", "monster", "lion"));
        categories.put("NOUN-FRAG", List.of("glass", "plate"));
        categories.put("NOUN-FOOD", List.of("cookie", "bread", "sandwich"));
        categories.put("VERB-INTRAN", List.of("think", "sleep", "exist"));
        categories.put("VERB-TRAN", List.of("see", "chase", "like"));
        categories.put("VERB-AGPAT", List.of("move", "break"));
        categories.put("VERB-PERCEPT", List.of("smell", "see"));
        categories.put("VERB-DESTROY", List.of("break", "smash"));
        categories.put("VERB-EAT", List.of("eat"));
        return java.util.Collections.unmodifiableMap(categories);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "A stream of 2-3 word sentences from 16 templates over 12 categories (e.g. NOUN-HUM VERB-EAT NOUN-FOOD), 29 words one-hot";
    }

    @Override
    public String task() {
        return "next-word prediction (the grammar narrows the next word to a category)";
    }

    @Override
    public String source() {
        return "Elman (1990), Finding Structure in Time, Cognitive Science 14(2):179-211, sentence simulation (Tables 3 and 4)";
    }

    @Override
    public int inputSize() {
        return VOCABULARY.size();
    }

    @Override
    public int outputSize() {
        return VOCABULARY.size();
    }

    @Override
    public Head head() {
        return Head.PER_STEP_SOFTMAX;
    }

    @Override
    public List<Integer> lengths() {
        return List.of(6, 18);
    }

    /** One sentence: a uniform template, each category filled with a uniform word of it. */
    public static List<String> sentence(SplittableRandom random) {
        List<String> template = TEMPLATES.get(random.nextInt(TEMPLATES.size()));
        List<String> words = new ArrayList<>(template.size());
        for (String category : template) {
            List<String> members = CATEGORIES.get(category);
            words.add(members.get(random.nextInt(members.size())));
        }
        return words;
    }

    /** The first {@code length} words (ids into {@link #VOCABULARY}) of a stream of sentences. */
    public static int[] stream(int length, SplittableRandom random) {
        int[] words = new int[length];
        int position = 0;
        while (position < length) {
            for (String word : sentence(random)) {
                if (position < length) {
                    words[position++] = VOCABULARY.indexOf(word);
                }
            }
        }
        return words;
    }

    /** Examples of exactly {@code steps} steps (T ≥ 1), each from T + 1 words of its own stream. */
    @Override
    public List<Example> examples(int count, int steps, long seed) {
        Arguments.requireCountAndSteps(NAME, count, steps, 1);
        SplittableRandom random = new SplittableRandom(seed);
        List<Example> examples = new ArrayList<>(count);
        for (int index = 0; index < count; index++) {
            examples.add(Example.nextSymbol(stream(steps + 1, random), VOCABULARY, CODES));
        }
        return examples;
    }
}
