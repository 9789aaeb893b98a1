package org.bptt.cli;

import java.util.List;
import org.bptt.api.Case;
import org.bptt.datasets.Dataset;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code --dataset NAME [--file PATH --tokens chars|words]}: verification cases on a dataset's sequences. */
final class DatasetOptions {

    @Option(names = "--dataset", paramLabel = "NAME",
            description = "Verify on a dataset's sequences instead of a suite's random numbers (see 'bptt datasets'):"
                    + " a few models × B ∈ {1, 3} × the dataset's lengths, weights from --seed.")
    String name;

    @Mixin
    TextFileOptions textFile;

    /** Whether {@code --dataset} was given. */
    boolean selected() {
        return name != null;
    }

    /** Refuses --file or --tokens without --dataset (they would be ignored). */
    void requireDatasetForTextOptions() {
        org.bptt.api.InvalidInputException.require(selected() || (textFile.file == null && textFile.tokens == null),
                "--file and --tokens choose the text of dataset 'text'; give --dataset text with them");
    }

    /** The dataset's cases (see {@link DatasetCases}) for the run's seed. */
    List<Case> cases(long seed) {
        Dataset dataset = textFile.dataset(name);
        return DatasetCases.cases(dataset, seed);
    }

    /** How the run names its cases, e.g. {@code elman-letters dataset}. */
    String label() {
        return name + " dataset";
    }
}
