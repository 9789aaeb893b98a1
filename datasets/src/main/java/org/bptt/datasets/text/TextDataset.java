package org.bptt.datasets.text;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bptt.api.Head;
import org.bptt.api.InvalidInputException;
import org.bptt.datasets.Dataset;
import org.bptt.datasets.Example;

/**
 * Any text a user gives, as a language-modelling dataset: the text's {@link TokenCorpus} (characters or
 * whitespace-separated words → sorted vocabulary → token ids; lines are sequences), with tokens one-hot,
 * d = K = V, and next-token prediction ({@link Head#PER_STEP_SOFTMAX}).
 *
 * <p>An example of at most T steps: a line drawn uniformly among the lines of at least two tokens, then, when the
 * line has more than T + 1 tokens, a window of T + 1 consecutive tokens at a uniform start; inputs are the window's
 * tokens but the last, targets all but the first. Lines differ in length, so batches usually carry a mask.
 */
public final class TextDataset implements org.bptt.datasets.Dataset {

    /** The dataset's name. */
    public static final String NAME = "text";
    /** What the dataset is, for listings (it has no sizes until a file is given). */
    public static final String DESCRIPTION = "Any UTF-8 text file (--file PATH --tokens chars|words): lines are sequences, tokens one-hot over the sorted vocabulary";
    /** The task, for listings. */
    public static final String TASK = "next-token prediction (a language model)";
    /** The source, for listings. */
    public static final String SOURCE = "a text file the user gives";

    private final TokenCorpus corpus;
    private final String origin;
    private final List<int[]> usable;

    /**
     * @param corpus the tokenized text
     * @param origin where it came from, e.g. the file's path, for the source line and messages
     * @throws InvalidInputException when no line has two tokens (nothing to predict)
     */
    public TextDataset(TokenCorpus corpus, String origin) {
        InvalidInputException.require(corpus != null, "a text dataset needs a corpus");
        this.corpus = corpus;
        this.origin = origin;
        this.usable = corpus.sequences().stream().filter(sequence -> sequence.length >= 2).toList();
        InvalidInputException.require(!usable.isEmpty(),
                "%s: no line has two tokens (cut into %s), so there is no next token to predict", origin, corpus.tokenization().cliName());
    }

    /** The tokenized text. */
    public TokenCorpus corpus() {
        return corpus;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return String.format(java.util.Locale.ROOT, "%s: %d lines, %d tokens (%s), vocabulary of %d", origin,
                corpus.sequences().size(), corpus.tokenCount(), corpus.tokenization().cliName(), corpus.vocabularySize());
    }

    @Override
    public String task() {
        return TASK;
    }

    @Override
    public String source() {
        return origin;
    }

    @Override
    public int inputSize() {
        return corpus.vocabularySize();
    }

    @Override
    public int outputSize() {
        return corpus.vocabularySize();
    }

    @Override
    public Head head() {
        return Head.PER_STEP_SOFTMAX;
    }

    /** 8 and 32 steps, each capped at the longest line's predictions (its tokens less one). */
    @Override
    public List<Integer> lengths() {
        int longest = usable.stream().mapToInt(sequence -> sequence.length - 1).max().orElse(1);
        return List.of(Math.min(8, longest), Math.min(32, longest)).stream().distinct().toList();
    }

    @Override
    public List<Example> examples(int count, int steps, long seed) {
        InvalidInputException.require(count >= 1, "%s: the number of examples must be at least 1, got %d", NAME, count);
        InvalidInputException.require(steps >= 1, "%s: sequences need at least 1 step, got %d", NAME, steps);
        SplittableRandom random = new SplittableRandom(seed);
        List<Example> examples = new ArrayList<>(count);
        for (int index = 0; index < count; index++) {
            int[] line = usable.get(random.nextInt(usable.size()));
            int window = Math.min(line.length, steps + 1);
            int start = random.nextInt(line.length - window + 1);
            examples.add(nextToken(java.util.Arrays.copyOfRange(line, start, start + window)));
        }
        return examples;
    }

    private Example nextToken(int[] window) {
        int size = corpus.vocabularySize();
        int steps = window.length - 1;
        List<String> inputTokens = new ArrayList<>(steps);
        List<String> targetTokens = new ArrayList<>(steps);
        double[][] inputs = new double[steps][size];
        double[][] targets = new double[steps][size];
        for (int step = 0; step < steps; step++) {
            inputTokens.add(corpus.token(window[step]));
            inputs[step][window[step]] = 1.0;
            targetTokens.add(corpus.token(window[step + 1]));
            targets[step][window[step + 1]] = 1.0;
        }
        return new Example(inputTokens, inputs, targetTokens, targets);
    }
}
