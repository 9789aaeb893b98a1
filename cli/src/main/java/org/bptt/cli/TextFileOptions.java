package org.bptt.cli;

import java.nio.file.Path;
import org.bptt.api.InvalidInputException;
import org.bptt.datasets.Dataset;
import org.bptt.datasets.Datasets;
import org.bptt.datasets.text.TextDataset;
import org.bptt.datasets.text.Tokenization;
import picocli.CommandLine.Option;

/** The text file behind dataset {@code text}: {@code --file PATH --tokens chars|words}. */
final class TextFileOptions {

    @Option(names = "--file", paramLabel = "PATH", description = "The UTF-8 text file of dataset 'text' (lines are sequences).")
    Path file;

    @Option(names = "--tokens", paramLabel = "chars|words",
            description = "How dataset 'text' cuts its file: characters, or whitespace-separated words (default: chars).")
    String tokens;

    /** The dataset called {@code name}, with the file and tokenization for dataset {@code text}. */
    Dataset dataset(String name) {
        InvalidInputException.require(tokens == null || TextDataset.NAME.equals(name),
                "--tokens is only for dataset 'text', not '%s'", name);
        return Datasets.create(name, file, tokens == null ? null : Tokenization.parse(tokens));
    }
}
