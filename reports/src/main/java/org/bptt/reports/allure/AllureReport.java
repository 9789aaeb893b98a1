package org.bptt.reports.allure;

import io.qameta.allure.ConfigurationBuilder;
import io.qameta.allure.Extension;
import io.qameta.allure.ReportGenerator;
import io.qameta.allure.allure1.Allure1Plugin;
import io.qameta.allure.allure2.Allure2Plugin;
import io.qameta.allure.category.CategoriesPlugin;
import io.qameta.allure.category.CategoriesTrendPlugin;
import io.qameta.allure.core.AttachmentsPlugin;
import io.qameta.allure.core.Configuration;
import io.qameta.allure.core.MarkdownDescriptionsPlugin;
import io.qameta.allure.core.TestsResultsPlugin;
import io.qameta.allure.duration.DurationPlugin;
import io.qameta.allure.duration.DurationTrendPlugin;
import io.qameta.allure.environment.Allure1EnvironmentPlugin;
import io.qameta.allure.executor.ExecutorPlugin;
import io.qameta.allure.history.HistoryPlugin;
import io.qameta.allure.history.HistoryTrendPlugin;
import io.qameta.allure.idea.IdeaLinksPlugin;
import io.qameta.allure.launch.LaunchPlugin;
import io.qameta.allure.owner.OwnerPlugin;
import io.qameta.allure.retry.RetryPlugin;
import io.qameta.allure.retry.RetryTrendPlugin;
import io.qameta.allure.severity.SeverityPlugin;
import io.qameta.allure.status.StatusChartPlugin;
import io.qameta.allure.suites.SuitesPlugin;
import io.qameta.allure.summary.SummaryPlugin;
import io.qameta.allure.tags.TagsPlugin;
import io.qameta.allure.timeline.TimelinePlugin;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.bptt.reports.AtomicFiles;
import org.bptt.reports.RunFolder;

/**
 * Generates the Allure HTML report in-process with the Allure generator library (no download, no network):
 * <ul>
 *   <li>{@link #generate}: the normal report, a folder with {@code index.html}, {@code data/}, {@code history/}. It
 *       must be served over HTTP (opened from {@code file://} it shows "Failed to fetch");</li>
 *   <li>{@link #generateSingleFile}: one self-contained HTML file that opens from {@code file://}, for a student to
 *       attach. It has no {@code history/} folder, so trends are carried by the normal report.</li>
 * </ul>
 * Trends: before generating, the {@code history/} of the previous report is copied into the results folder, as the
 * Allure command line does; {@link #previousReport} finds the latest earlier run in the same output root.
 *
 * <p>Offline: the generator's analytics plugin (which posts to Google Analytics) is left out of the configuration,
 * and the tag manager script that the page template adds unless the environment variable ALLURE_NO_ANALYTICS is
 * set is removed from the generated {@code index.html}, so the report makes no request to any other host.
 */
public final class AllureReport {

    /** The folder of a run that holds the normal report. */
    public static final String REPORT_DIRECTORY = "allure-report";
    /** The single-file report of a run. */
    public static final String SINGLE_FILE = "allure-report.html";

    /** The external analytics script of Allure 2.34's index.html template. */
    private static final Pattern ANALYTICS_SCRIPT =
            Pattern.compile("[ \\t]*<script async src=\"https://www\\.googletagmanager\\.com/[^\"]*\"></script>\\R?");

    private AllureReport() {
    }

    /**
     * Generates the normal report into {@code reportDirectory}, replacing any previous one there. The report is built
     * in a temporary sibling folder and renamed into place.
     *
     * @param historyFrom a previous report folder whose {@code history/} carries the trends, or null
     * @return {@code reportDirectory/index.html}
     */
    public static Path generate(Path resultsDirectory, Path reportDirectory, Path historyFrom) throws IOException {
        requireResults(resultsDirectory);
        copyHistory(historyFrom, resultsDirectory);
        Path target = reportDirectory.toAbsolutePath();
        AtomicFiles.writeDirectory(target, building -> {
            new ReportGenerator(configuration()).generate(building, List.of(resultsDirectory));
            removeAnalytics(building.resolve("index.html"));
        });
        return target.resolve("index.html");
    }

    /**
     * Generates the single-file report (data, scripts and attachments inlined) as {@code htmlFile}, atomically, from
     * the results {@link CondensedResults condensed}: each case that did not pass on its own, summaries for the rest,
     * so that the file stays small enough to mail.
     *
     * @return {@code htmlFile}
     */
    public static Path generateSingleFile(Path resultsDirectory, Path htmlFile) throws IOException {
        requireResults(resultsDirectory);
        Path target = htmlFile.toAbsolutePath();
        AtomicFiles.writeFromScratch(target, scratch -> {
            Path condensed = scratch.resolve("condensed-results");
            CondensedResults.write(resultsDirectory, condensed);
            Path building = java.nio.file.Files.createDirectories(scratch.resolve("report"));
            new ReportGenerator(configuration()).generateSingleFile(building, List.of(condensed));
            Path index = building.resolve("index.html");
            removeAnalytics(index);
            return index;
        });
        return target;
    }

    /**
     * Generates both reports of a run: {@value #REPORT_DIRECTORY}/ with the trends of the latest earlier run in the
     * same root, and {@value #SINGLE_FILE}, at the same time on two threads (each generation is mostly one thread's
     * work, and together they were a large part of a run's end). They read the same results and write apart; the
     * history the normal report copies into the results folder is a folder, which the single file's condensed copy
     * does not read.
     *
     * @return the normal report's index.html
     */
    public static Path generateForRun(RunFolder run) throws IOException {
        Path results = run.resolve(AllureResults.DIRECTORY);
        java.util.concurrent.FutureTask<Path> singleFile = new java.util.concurrent.FutureTask<>(
                () -> generateSingleFile(results, run.resolve(SINGLE_FILE)));
        Thread singleFileThread = new Thread(singleFile, "bptt-single-file-report");
        singleFileThread.start();
        Path index;
        try {
            index = generate(results, run.resolve(REPORT_DIRECTORY), previousReport(run).orElse(null));
        } catch (IOException | RuntimeException failure) {
            try {
                waitFor(singleFile);
            } catch (IOException | RuntimeException other) {
                failure.addSuppressed(other);
            }
            throw failure;
        }
        waitFor(singleFile);
        return index;
    }

    /** Waits for {@code generation}, rethrowing its failure. */
    private static void waitFor(java.util.concurrent.FutureTask<Path> generation) throws IOException {
        try {
            generation.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while the single-file report was generated");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException failure) {
                throw failure;
            }
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException("the single-file report could not be generated", e.getCause());
        }
    }

    /** The report folder of the latest earlier run (in the same output root) that has a history, if any. */
    public static Optional<Path> previousReport(RunFolder run) throws IOException {
        List<Path> earlier = run.earlierRuns();
        for (int i = earlier.size() - 1; i >= 0; i--) {
            Path report = earlier.get(i).resolve(REPORT_DIRECTORY);
            if (Files.isDirectory(report.resolve("history"))) {
                return Optional.of(report);
            }
        }
        return Optional.empty();
    }

    /**
     * The generator's default configuration (as {@code ConfigurationBuilder.useDefault()} of 2.34.0 builds it) without
     * its analytics plugin, which would post to Google Analytics.
     */
    static Configuration configuration() {
        List<Extension> extensions = List.of(
                new MarkdownDescriptionsPlugin(),
                new TagsPlugin(),
                new RetryPlugin(),
                new RetryTrendPlugin(),
                new SeverityPlugin(),
                new OwnerPlugin(),
                new IdeaLinksPlugin(),
                new HistoryPlugin(),
                new HistoryTrendPlugin(),
                new CategoriesPlugin(),
                new CategoriesTrendPlugin(),
                new DurationPlugin(),
                new DurationTrendPlugin(),
                new StatusChartPlugin(),
                new TimelinePlugin(),
                new SuitesPlugin(),
                new TestsResultsPlugin(),
                new AttachmentsPlugin(),
                new SummaryPlugin(),
                new ExecutorPlugin(),
                new LaunchPlugin(),
                new Allure1Plugin(),
                new Allure1EnvironmentPlugin(),
                new Allure2Plugin());
        // empty() supplies the contexts (report info, Jackson, Markdown, Freemarker, uid) that useDefault() adds.
        return ConfigurationBuilder.empty().withExtensions(extensions).withReportName("bptt-harness").build();
    }

    private static void copyHistory(Path historyFrom, Path resultsDirectory) throws IOException {
        if (historyFrom == null) {
            return;
        }
        Path history = historyFrom.resolve("history");
        if (Files.isDirectory(history)) {
            AtomicFiles.copyTree(history, resultsDirectory.resolve("history"));
        }
    }

    private static void removeAnalytics(Path indexHtml) throws IOException {
        String html = Files.readString(indexHtml, StandardCharsets.UTF_8);
        String offline = ANALYTICS_SCRIPT.matcher(html).replaceAll("");
        if (offline.contains("googletagmanager.com")) {
            throw new IOException("the Allure index.html template changed: cannot remove its analytics script from "
                    + indexHtml);
        }
        if (!offline.equals(html)) {
            AtomicFiles.writeString(indexHtml, offline);
        }
    }

    private static void requireResults(Path resultsDirectory) throws IOException {
        if (!Files.isDirectory(resultsDirectory)) {
            throw new IOException("Allure results folder " + resultsDirectory + " does not exist");
        }
    }
}
