package org.bptt.cli;

import java.util.ArrayList;
import java.util.List;
import org.bptt.api.Case;
import org.bptt.core.cases.Shard;
import org.bptt.core.cases.Suite;
import org.bptt.core.cases.SuiteCase;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Which cases to run: a built-in suite, a seed, and optionally one shard of it. */
final class SuiteOptions {

    @Option(names = "--suite", paramLabel = "NAME", defaultValue = "default",
            description = "Built-in suite: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Suite suite;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "Seed for weights and inputs; the same seed gives the same cases everywhere (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--shard", paramLabel = "I/N",
            description = "Run only shard I of N (1-based), to split a suite across CI jobs; merge with 'bptt report'.")
    String shard;

    @Mixin
    DatasetOptions dataset;

    /** The suite's name as the user writes it: quick, default or full. */
    String suiteName() {
        return dataset.selected() ? dataset.label() : suite.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The suite's cases, or with --dataset the dataset's (see DatasetCases). */
    List<Case> cases() {
        dataset.requireDatasetForTextOptions();
        if (dataset.selected()) {
            org.bptt.api.InvalidInputException.require(suite == Suite.DEFAULT, "--suite and --dataset both choose the cases; give one");
            return selectShard(dataset.cases(seed));
        }
        return selectShard(suite.cases(seed));
    }

    /** The suite's truncated-BPTT cases, for implementations that declare TRUNCATED_BPTT. */
    List<SuiteCase> truncatedCases() {
        return dataset.selected() ? List.of() : selectShard(suite.truncatedCases(seed));
    }

    /** What a verifier runs: {@link #cases()} under full BPTT, then {@link #truncatedCases()}. */
    List<SuiteCase> suiteCases() {
        List<SuiteCase> all = new ArrayList<>(cases().stream().map(SuiteCase::fullBptt).toList());
        all.addAll(truncatedCases());
        return all;
    }

    private <T> List<T> selectShard(List<T> all) {
        return shard == null ? all : Shard.parse(shard).select(all);
    }
}
