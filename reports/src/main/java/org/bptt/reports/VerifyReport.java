package org.bptt.reports;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.bptt.core.verify.CaseResult;
import org.bptt.reports.allure.AllureReport;
import org.bptt.reports.allure.AllureResults;
import org.bptt.reports.charts.VerifyCharts;
import org.bptt.reports.csv.VerifyTables;

/**
 * Everything a {@code verify} run writes into its run folder, in one place:
 * <pre>
 *   run.json                      provenance, written at the start and again at the end
 *   verify-cases.csv              } rewritten as results arrive
 *   verify-quantities.csv         }
 *   verify-timings.csv            }
 *   charts/verify-errors-*.png|svg per implementation, at the end
 *   charts/cases/&lt;impl&gt;/*.png|svg  per case beyond tolerance, as it arrives (a known divergence's: the first case
 *                                 of each explanation)
 *   allure-results/               one result per case as it arrives; categories, environment, executor
 *   allure-report/                the HTML report (serve over HTTP), with trends from the previous run
 *   allure-report.html            the single-file report (opens from file://)
 * </pre>
 * Use: {@link #start}, then {@link #add} for each result as it finishes, then {@link #finish}. A run that stops
 * early (exception, Ctrl-C) still has run.json, every table row and every Allure result added before it stopped;
 * {@link #close()} flushes the tables without generating the report, and {@link #stop()} (for a shutdown hook) does
 * so in an order that leaves no half-written file whatever the other threads are doing.
 */
public final class VerifyReport implements AutoCloseable {

    /** How often the tables are rewritten while results arrive (and always at the end, or when the run stops). */
    public static final java.time.Duration TABLE_REWRITE_INTERVAL = java.time.Duration.ofSeconds(1);

    private static final int DRAWING_THREADS = Runtime.getRuntime().availableProcessors();

    private final RunFolder run;
    private final RunOutputs outputs;
    private final Clock clock;
    private final VerifyTables tables;
    private final AllureResults allure;
    private final List<Path> charts = new ArrayList<>();
    /**
     * Drawing a case's chart takes longer than everything else its result needs (most of the writing of a run with
     * many known divergences), so the charts are drawn on their own threads, each then writing its result's Allure
     * result; the tables are written at once, in order. The files are the same whatever the order they are
     * written in.
     */
    private final ExecutorService chartDrawing = Executors.newFixedThreadPool(DRAWING_THREADS, work -> {
        Thread thread = new Thread(work, "bptt-draw-case-chart");
        thread.setDaemon(true);
        return thread;
    });
    /** Bounds the charts waiting to be drawn, so that a stop waits for a few of them at most. */
    private final Semaphore drawingSlots = new Semaphore(2 * DRAWING_THREADS);
    /** The results' charts being drawn or drawn (with their Allure results), in the order the results came. */
    private final List<Future<Optional<Path>>> caseCharts = new ArrayList<>();
    /** The explanations of the known divergences whose first case has its chart. */
    private final java.util.Set<String> chartedExplanations = new java.util.HashSet<>();
    private Provenance provenance;
    /** Set by {@link #stop()}: results that arrive later are not written (the process is about to halt). */
    private boolean stopped;

    private VerifyReport(RunFolder run, Provenance provenance, Clock clock) throws IOException {
        this.run = run;
        this.outputs = new RunOutputs(run);
        this.clock = clock;
        this.provenance = provenance;
        outputs.writeProvenance(provenance);
        this.tables = new VerifyTables(run, TABLE_REWRITE_INTERVAL);
        this.allure = AllureResults.in(run, clock);
        allure.writeCategories();
        allure.writeEnvironment(provenance);
        allure.writeExecutor(run.name(), run.earlierRuns().size() + 1L);
    }

    /**
     * Starts the report of a run: writes run.json, the empty tables and the Allure categories, environment and
     * executor files.
     *
     * @param clock stamps the Allure results and the end time
     */
    public static VerifyReport start(RunFolder run, Provenance provenance, Clock clock) throws IOException {
        return new VerifyReport(Objects.requireNonNull(run, "run"), Objects.requireNonNull(provenance, "provenance"),
                Objects.requireNonNull(clock, "clock"));
    }

    public RunFolder run() {
        return run;
    }

    /**
     * Records one finished result: its table rows (the tables are rewritten at most every
     * {@link #TABLE_REWRITE_INTERVAL}), its chart if it is beyond tolerance, and its
     * Allure result with attachments. The chart and the Allure result of a result beyond tolerance are written
     * beside the run, by {@link #finish()}, {@link #close()} or {@link #stop()} at the latest; a failure to write them
     * is thrown by {@link #finish()}.
     */
    public synchronized void add(CaseResult result) throws IOException {
        if (stopped) {
            return;
        }
        tables.add(result);
        boolean firstOfAnExplanation = firstOfAnExplanation(result);
        if (!VerifyCharts.needsCaseChart(result) || !firstOfAnExplanation) {
            allure.add(result, List.of(), firstOfAnExplanation);
            return;
        }
        drawingSlots.acquireUninterruptibly();
        caseCharts.add(chartDrawing.submit(() -> {
            try {
                Optional<Path> chart = VerifyCharts.writeCaseChart(run, result);
                allure.add(result, chart.map(List::of).orElse(List.of()));
                return chart;
            } finally {
                drawingSlots.release();
            }
        }));
    }

    /**
     * True unless {@code result} is a known divergence whose every explanation an earlier result already showed: a
     * known divergence's chart and worst-element diff are made for the first case of each explanation only. The
     * others' told nothing new (the same bug, the same errors) and were most of the writing of a run with many known
     * divergences, and of the HTML report's generation (which reads every attachment); their table rows and Allure
     * results keep every number.
     */
    private boolean firstOfAnExplanation(CaseResult result) {
        boolean first = result.explanations().isEmpty();
        for (String explanation : result.explanations()) {
            first |= chartedExplanations.add(explanation);
        }
        return first;
    }

    /**
     * Waits for every case chart (and its Allure result) added so far; the charts in the order of their results.
     *
     * @throws IOException the first chart's or Allure result's failure to be written
     */
    private List<Path> drawnCaseCharts(List<Future<Optional<Path>>> pending) throws IOException {
        List<Path> drawn = new ArrayList<>();
        for (Future<Optional<Path>> chart : pending) {
            try {
                chart.get().ifPresent(drawn::add);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException failure) {
                    throw failure;
                }
                throw new IllegalStateException("a case chart could not be drawn in " + run.path(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while the case charts of " + run.path() + " were drawn");
            }
        }
        return drawn;
    }

    /**
     * Ends the run: final tables, the per-implementation charts, run.json with the end time, and the Allure reports
     * (normal, with trends, and single-file).
     */
    public synchronized Outputs finish() throws IOException {
        charts.addAll(drawnCaseCharts(caseCharts));
        chartDrawing.shutdown();
        tables.close();
        List<CaseResult> results = tables.results();
        for (String implementation : results.stream().map(CaseResult::implementationId).distinct().sorted().toList()) {
            Path png = VerifyCharts.writeImplementationChart(run, implementation, results).get(0);
            charts.add(png);
            // On every result of the implementation, as a fixture of its own: the chart of all its cases.
            allure.attachToImplementation(implementation, results, png, implementation
                    + ": worst error / allowance per quantity over its cases (charts/" + png.getFileName() + ")");
        }
        provenance = provenance.withEnd(clock.instant()).withPace(results.size());
        Path provenanceFile = outputs.writeProvenance(provenance);
        allure.writeEnvironment(provenance);
        Path reportIndex = AllureReport.generateForRun(run);
        return new Outputs(run.path(), provenanceFile,
                List.of(tables.path(VerifyTables.CASES_FILE), tables.path(VerifyTables.QUANTITIES_FILE),
                        tables.path(VerifyTables.TIMINGS_FILE)),
                List.copyOf(charts), reportIndex, run.resolve(AllureReport.SINGLE_FILE));
    }

    /**
     * For a shutdown hook (Ctrl-C, SIGTERM): stops writing results (waiting for the one being written), then waits
     * for every other write in flight and refuses later ones ({@link WriteGate#stopAfter}), then writes the
     * tables one last time, records the interruption and its time in run.json ({@value #INTERRUPTED}), and deletes
     * what earlier, killed writes left behind. The process halts when the hook returns; whatever its other threads do then, they can no longer start a file.
     */
    public void stop() throws IOException {
        int recorded;
        List<Future<Optional<Path>>> drawing;
        synchronized (this) {
            stopped = true;
            recorded = tables.results().size();
            drawing = List.copyOf(caseCharts);
        }
        // The few charts still being drawn (drawingSlots bounds them) finish, so every recorded result has its
        // Allure result.
        try {
            drawnCaseCharts(drawing);
        } catch (IOException | RuntimeException e) {
            // What could be drawn is drawn: the tables below still hold every result.
        }
        WriteGate.PROCESS.stopAfter(() -> {
            tables.flush();
            outputs.writeProvenance(provenance.withEnd(clock.instant()).withExtra(INTERRUPTED, interruption(recorded)));
            run.deleteUnfinishedWrites();
        });
    }

    /** The run.json entry of a run stopped by a signal; absent from a run that finished. */
    public static final String INTERRUPTED = "interrupted";

    /** What run.json records about a run stopped after {@code recorded} results. */
    static String interruption(int recorded) {
        return "stopped by a signal (Ctrl-C or SIGTERM) after " + recorded + " results: the tables and allure-results/"
                + " hold those; no charts of the implementations and no HTML report were made (bptt report <this folder>"
                + " makes the report)";
    }

    /** The provenance as run.json has it: after {@link #finish()}, with the end and the pace. */
    public synchronized Provenance provenance() {
        return provenance;
    }

    /**
     * Waits for the case charts being drawn (and their Allure results) and flushes the tables; safe to call after
     * {@link #finish()}.
     */
    @Override
    public synchronized void close() {
        try {
            drawnCaseCharts(caseCharts);
        } catch (IOException | RuntimeException e) {
            // Closing on the way out of a failed run: the tables below are what must be saved.
        } finally {
            chartDrawing.shutdown();
            tables.close();
        }
    }

    /**
     * What a finished run wrote.
     *
     * @param runFolder   the run folder
     * @param provenance  run.json
     * @param tables      verify-cases.csv, verify-quantities.csv, verify-timings.csv
     * @param charts      the PNG charts (each has an SVG twin)
     * @param reportIndex allure-report/index.html
     * @param singleFile  allure-report.html
     */
    public record Outputs(Path runFolder, Path provenance, List<Path> tables, List<Path> charts, Path reportIndex,
                          Path singleFile) {
    }
}
