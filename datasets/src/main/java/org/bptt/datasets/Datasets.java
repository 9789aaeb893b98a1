package org.bptt.datasets;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bptt.api.InvalidInputException;
import org.bptt.datasets.text.TextDataset;
import org.bptt.datasets.text.TokenCorpus;
import org.bptt.datasets.text.Tokenization;

/** Every dataset by name, for listings and command lines. */
public final class Datasets {

    private Datasets() {
    }

    /** The built-in generators, in a stable order (the text dataset needs a file, so it is not among them). */
    public static List<Dataset> all() {
        return List.of(new SentimentWords(), new ElmanXor(), new ElmanLetters(), new ElmanSentences(),
                SequenceTaskDataset.adding(), SequenceTaskDataset.temporalOrder());
    }

    /** Every name {@link #create} accepts: the built-ins, then {@value TextDataset#NAME}. */
    public static List<String> names() {
        List<String> names = new ArrayList<>(all().stream().map(Dataset::name).toList());
        names.add(TextDataset.NAME);
        return List.copyOf(names);
    }

    /**
     * The dataset called {@code name}.
     *
     * @param file         the text file, for {@value TextDataset#NAME} only (null otherwise)
     * @param tokenization how to cut the text file; null means {@link Tokenization#CHARACTERS}
     * @throws InvalidInputException for an unknown name (the message lists the known ones), a text dataset
     *                               without a file, a file given to a generator, or a file that cannot be used
     */
    public static Dataset create(String name, Path file, Tokenization tokenization) {
        String key = name == null ? "" : name.trim();
        if (key.equals(TextDataset.NAME)) {
            InvalidInputException.require(file != null, "dataset 'text' needs a text file (--file PATH)");
            Tokenization tokens = tokenization == null ? Tokenization.CHARACTERS : tokenization;
            return new TextDataset(TokenCorpus.read(file, tokens), file.toString());
        }
        for (Dataset dataset : all()) {
            if (dataset.name().equals(key)) {
                InvalidInputException.require(file == null, "dataset '%s' is generated; a file (--file) is only for dataset 'text'", key);
                return dataset;
            }
        }
        throw new InvalidInputException("unknown dataset '" + name + "'; expected one of " + String.join(", ", names()));
    }
}
