package org.bptt.cli;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.InvalidInputException;
import org.bptt.core.cases.Shard;
import org.bptt.core.cases.Suite;
import org.bptt.core.cases.SuiteCase;
import org.bptt.core.plugins.CellSupport;
import org.bptt.core.plugins.LoadedPlugin;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Which cases to run: a built-in suite, a seed, the cells, and optionally one shard of it. */
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

    @Option(names = "--cell", paramLabel = "CELL",
            description = "Run the cases of this cell only: ${COMPLETION-CANDIDATES} (repeatable). Default: every cell that "
                    + "at least one implementation under test runs (as 'bptt plugins' lists them).")
    List<Cell> cells = new ArrayList<>();

    @Mixin
    DatasetOptions dataset;

    @Mixin
    TopologyOptions topology = new TopologyOptions();

    /** The suite's name as the user writes it: quick, default or full. */
    String suiteName() {
        return dataset.selected() ? dataset.label() : suite.name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The cells whose cases run: those given with --cell, else every cell at least one of {@code implementations}
     * runs (the cells of the oracle alone when none is given).
     *
     * @throws InvalidInputException when no implementation runs any cell
     */
    Set<Cell> selectedCells(List<LoadedPlugin> implementations) {
        if (!cells.isEmpty()) {
            return EnumSet.copyOf(cells);
        }
        Set<Cell> supported = CellSupport.cellsOfAny(implementations);
        InvalidInputException.require(!supported.isEmpty(), "none of %s runs any cell (Elman, GRU or LSTM): check "
                + "their capabilities with 'bptt plugins'", implementations.stream().map(LoadedPlugin::id).toList());
        return supported;
    }

    /**
     * The default implementations under test: {@code candidates} that run at least one cell given with --cell (all
     * of them when no --cell is given), so that a plugin which runs none of the chosen cells is not listed only to
     * skip every case.
     */
    List<LoadedPlugin> runningChosenCells(List<LoadedPlugin> candidates) {
        if (cells.isEmpty()) {
            return candidates;
        }
        return candidates.stream().filter(plugin -> cells.stream().anyMatch(cell -> CellSupport.supports(cell, plugin.capabilities())))
                .toList();
    }

    /** The suite's cases of {@code selected} cells, or with --dataset the dataset's (see DatasetCases). */
    List<Case> cases(Set<Cell> selected) {
        dataset.requireDatasetForTextOptions();
        if (dataset.selected()) {
            InvalidInputException.require(suite == Suite.DEFAULT, "--suite and --dataset both choose the cases; give one");
            InvalidInputException.require(cells.isEmpty() || cells.equals(List.of(Cell.ELMAN)),
                    "--dataset cases are Elman cases; --cell %s does not fit them", cells);
            return selectShard(dataset.cases(seed));
        }
        return selectShard(suite.cases(seed, selected));
    }

    /** The suite's truncated-BPTT cases of {@code selected} cells, for implementations that declare TRUNCATED_BPTT. */
    List<SuiteCase> truncatedCases(Set<Cell> selected) {
        return dataset.selected() ? List.of() : selectShard(suite.truncatedCases(seed, selected));
    }

    /**
     * What a verifier runs: {@link #cases} under full BPTT, then {@link #truncatedCases}, of the {@code selected} cells,
     * then the stacked and bidirectional cases that {@code --layers} and {@code --direction} choose.
     */
    List<SuiteCase> suiteCases(Set<Cell> selected) {
        if (!dataset.selected()) {
            dataset.requireDatasetForTextOptions();
            return suiteCases(suite, seed, shard, selected, topology);
        }
        InvalidInputException.require(topology.onlyOneForwardLayerAsked(),
                "--dataset cases are one-layer forward networks; --layers and --direction do not fit them");
        return cases(selected).stream().map(SuiteCase::fullBptt).toList();
    }

    /**
     * {@code suite}'s cases of the {@code selected} cells and of the layers and directions {@code topology} chooses:
     * the one-layer forward cases under full BPTT and then truncated BPTT when it chooses them, then the stacked and
     * bidirectional cases it chooses under full BPTT, then their truncated-BPTT cases, then the float32 cases (one
     * layer forward, when it chooses those); each list cut to shard I/N when
     * {@code shard} is given (null: all). What {@code verify} runs and {@code export} writes for the same options, so
     * that both pick exactly the same cases.
     */
    static List<SuiteCase> suiteCases(Suite suite, long seed, String shard, Set<Cell> selected, TopologyOptions topology) {
        List<SuiteCase> all = new ArrayList<>();
        if (topology.oneForwardLayer()) {
            all.addAll(selectShard(shard, suite.cases(seed, selected)).stream().map(SuiteCase::fullBptt).toList());
            all.addAll(selectShard(shard, suite.truncatedCases(seed, selected)));
        }
        all.addAll(selectShard(shard, suite.stackedCases(seed, selected).stream()
                .filter(testCase -> topology.selects(testCase.spec())).toList()).stream().map(SuiteCase::fullBptt).toList());
        all.addAll(selectShard(shard, suite.stackedTruncatedCases(seed, selected).stream()
                .filter(suiteCase -> topology.selects(suiteCase.testCase().spec())).toList()));
        if (topology.oneForwardLayer()) {
            all.addAll(selectShard(shard, suite.float32Cases(seed, selected)).stream().map(SuiteCase::fullBptt).toList());
        }
        return all;
    }

    private <T> List<T> selectShard(List<T> all) {
        return selectShard(shard, all);
    }

    private static <T> List<T> selectShard(String shard, List<T> all) {
        return shard == null ? all : Shard.parse(shard).select(all);
    }

    /** The cells in words for a command's first line: {@code cells elman, gru}. */
    static String describe(Set<Cell> cells) {
        return "cells " + String.join(", ", cells.stream().map(cell -> cell.name().toLowerCase(java.util.Locale.ROOT)).toList());
    }

    /** The cells and the layers and directions chosen, in words: {@code cells elman; 2 layers, bidirectional}. */
    String describeSelection(Set<Cell> cells) {
        return describe(cells) + topology.describe();
    }
}
