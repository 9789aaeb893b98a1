package org.bptt.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bptt.api.InvalidInputException;
import org.bptt.experiments.reproduce.Reproduction;
import org.bptt.reports.Provenance;
import org.bptt.reports.RunFolder;
import org.bptt.reports.RunMerge;
import org.bptt.reports.allure.AllureReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code bptt report}: regenerate the HTML report of a run folder, or merge the folders of a suite's shards. */
@Command(name = "report", mixinStandardHelpOptions = true,
        header = "Regenerate a run folder's HTML report, or merge the run folders of shards into one.",
        description = {
            "With one RUN_DIR: regenerate its HTML report (normal and single-file). With several (the folders",
            "of 'bptt verify --shard I/N' runs): write a new run folder under --out holding their tables, Allure",
            "results and one report. Folders of 'bptt reproduce' (shards, or --select parts of one grid): their",
            "tables, charts and report from the cells checkpointed there, merged into a new folder when several."})
final class ReportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    OutputOptions outputOptions;

    @Parameters(paramLabel = "RUN_DIR", arity = "1..*", description = "Run folders written by bptt verify, bptt run or bptt reproduce.")
    List<Path> runFolders;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        long reproductions = runFolders.stream().filter(Reproduction::isRunFolder).count();
        if (reproductions > 0) {
            InvalidInputException.require(reproductions == runFolders.size(), "%s: the folders of a reproduction"
                    + " (bptt reproduce) are reported apart from those of other commands", runFolders);
            return reportReproduction(out);
        }
        List<RunFolder> sources = new ArrayList<>();
        for (Path folder : runFolders) {
            InvalidInputException.require(Files.isDirectory(folder.resolve("allure-results")),
                    "%s is not a run folder: it has no allure-results/", folder);
            sources.add(open(folder));
        }
        try {
            if (sources.size() == 1) {
                out.printf(Locale.ROOT, "HTML report: %s%n", AllureReport.generateForRun(sources.get(0)));
                return ExitCode.OK;
            }
            RunFolder merged = outputOptions.create("merged");
            Path index = RunMerge.merge(sources, merged, mergedProvenance(sources));
            out.printf(Locale.ROOT, "merged %d run folders into %s%nHTML report: %s%n", sources.size(), merged.path(), index);
            return ExitCode.OK;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report: " + e.getMessage(), e);
        }
    }

    /**
     * The folders of {@code bptt reproduce}: one is reported in place; several (shards, or selections of one grid)
     * are merged into a new folder under --out, checkpoints included.
     */
    private int reportReproduction(PrintWriter out) {
        Path target = runFolders.size() == 1 ? runFolders.get(0) : outputOptions.create("reproduce-merged").path();
        try {
            return ReproduceCommand.report(runFolders, target, spec.commandLine().getParseResult().originalArgs(), out,
                    spec.commandLine().getErr());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the reproduction's report in " + target + ": " + e.getMessage(), e);
        }
    }

    private static RunFolder open(Path folder) {
        try {
            return RunFolder.open(folder);
        } catch (IOException e) {
            throw new InvalidInputException(e.getMessage());
        }
    }

    /** The first shard's provenance (plugins, suite, tolerance), with every shard's seeds and the folders merged. */
    private Provenance mergedProvenance(List<RunFolder> sources) throws IOException {
        Provenance first = Provenance.readFrom(sources.get(0));
        List<Long> seeds = new ArrayList<>();
        Map<String, String> extra = new LinkedHashMap<>();
        for (int i = 0; i < sources.size(); i++) {
            Provenance shard = Provenance.readFrom(sources.get(i));
            shard.seeds().stream().filter(seed -> !seeds.contains(seed)).forEach(seeds::add);
            extra.put("merged." + (i + 1), sources.get(i).path() + " (" + String.join(" ", shard.commandLine()) + ")");
        }
        return Provenance.capture(spec.commandLine().getParseResult().originalArgs(), VersionProvider.toolVersion(),
                first.plugins(), seeds, first.suite() + " (merged from " + sources.size() + " run folders)",
                first.tolerance(), extra, Path.of("."), Clock.systemUTC().instant()).withEnd(Clock.systemUTC().instant());
    }
}
