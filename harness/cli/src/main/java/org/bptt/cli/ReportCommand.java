package org.bptt.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bptt.api.InvalidInputException;
import org.bptt.reports.RunFolder;
import org.bptt.reports.allure.AllureReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code bptt report}: regenerate the HTML report of a run folder. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Regenerate the HTML report (normal and single-file) from an existing run folder.")
final class ReportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "RUN_DIR", arity = "1", description = "A run folder written by bptt verify or bptt run.")
    List<Path> runFolders;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (Path folder : runFolders) {
            InvalidInputException.require(folder.resolve("allure-results").toFile().isDirectory(),
                    "%s is not a run folder: it has no allure-results/", folder);
            try {
                Path index = AllureReport.generateForRun(RunFolder.open(folder));
                out.printf(Locale.ROOT, "HTML report: %s%n", index);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot generate the report of " + folder + ": " + e.getMessage(), e);
            }
        }
        return ExitCode.OK;
    }
}
