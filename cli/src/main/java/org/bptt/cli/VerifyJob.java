package org.bptt.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.bptt.core.cases.SuiteCase;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.plugins.PluginRegistry;
import org.bptt.core.verify.CaseResult;
import org.bptt.core.verify.ParallelVerifier;
import org.bptt.core.verify.KnownDivergences;
import org.bptt.core.verify.Verifier;
import org.bptt.reports.Provenance;
import org.bptt.reports.RunFolder;
import org.bptt.reports.VerifyReport;

/**
 * Verifies implementations against an oracle on a list of cases, writing every result to the run folder as soon as
 * it arrives (tables, charts, Allure results), then the HTML report.
 */
final class VerifyJob {

    private VerifyJob() {
    }

    /** What a verify job produced: every case's result, the report's files, and run.json's record of the run. */
    record VerifyRun(List<CaseResult> results, VerifyReport.Outputs outputs, Provenance provenance) {

        /** Prints the summary table and where the report is; returns the exit code the verdicts call for. */
        int printSummary(PrintWriter out) {
            out.println();
            SummaryTable.print(out, results);
            out.println();
            out.printf(Locale.ROOT, "run folder:  %s%n", outputs.runFolder());
            out.printf(Locale.ROOT, "HTML report: %s (serve over HTTP; single file: %s)%n", outputs.reportIndex(),
                    outputs.singleFile());
            out.printf(Locale.ROOT, "wall time:   %s s for %d case × implementation results, %s per second (run.json: %s, %s)%n",
                    provenance.extra().get(Provenance.WALL_TIME_SECONDS), results.size(),
                    provenance.extra().get(Provenance.CASES_PER_SECOND), Provenance.WALL_TIME_SECONDS,
                    Provenance.CASES_PER_SECOND);
            out.flush();
            return SummaryTable.exitCode(results);
        }
    }

    /**
     * Verifies {@code implementations} against {@code oracle} on the cases of {@code suite} (given, as the caller
     * has already drawn them to announce them), under the default tolerance policy, {@code threads} cases at once.
     *
     * @param sensitivityOracle computes the perturbed cases that tell ill-conditioned cases apart, for an oracle that
     *                    cannot compute them (stored vectors); null: the oracle itself
     * @param callTimeout the longest one plugin call may take
     * @param newInstance another instance of a plugin for another thread ({@link PluginRegistry#newInstance}), or
     *                    empty to share it
     */
    static VerifyRun run(List<String> commandLine, RunFolder run, SuiteOptions suite, List<SuiteCase> cases,
                         List<LoadedPlugin> implementations, LoadedPlugin oracle, LoadedPlugin sensitivityOracle,
                         Duration callTimeout, int threads, Function<LoadedPlugin, Optional<LoadedPlugin>> newInstance,
                         PrintWriter log) {
        long truncated = cases.stream().filter(SuiteCase::isTruncated).count();
        TolerancePolicy policy = TolerancePolicy.defaults();
        List<Provenance.PluginVersion> plugins = new ArrayList<>();
        plugins.add(new Provenance.PluginVersion(oracle.id(), oracle.info().version(), oracle.source()));
        for (LoadedPlugin implementation : implementations) {
            plugins.add(new Provenance.PluginVersion(implementation.id(), implementation.info().version(), implementation.source()));
        }
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("oracle", oracle.id());
        extra.put("cases", Long.toString(cases.size() - truncated));
        extra.put("truncated cases", Long.toString(truncated));
        extra.put("OMP_NUM_THREADS", String.valueOf(System.getenv("OMP_NUM_THREADS")));
        // The launcher's collector and JIT settings change the wall time recorded beside them.
        extra.put("JVM options", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        extra.put("threads", Integer.toString(threads));
        Provenance provenance = Provenance.capture(commandLine, VersionProvider.toolVersion(), plugins, List.of(suite.seed),
                suite.suiteName(), policy.describe(), extra, Path.of("."), Clock.systemUTC().instant());
        ParallelVerifier verifier = new ParallelVerifier(
                new Verifier(policy, callTimeout, KnownDivergences.none(), sensitivityOracle), threads, newInstance);
        long total = (long) cases.size() * implementations.size();
        java.util.concurrent.atomic.AtomicLong finished = new java.util.concurrent.atomic.AtomicLong();
        try (VerifyReport report = VerifyReport.start(run, provenance, Clock.systemUTC());
             Progress progress = Progress.start("verify", total, log)) {
            // Ctrl-C: write the rows of every case finished so far, and leave no half-written file behind.
            Thread flushOnExit = new Thread(() -> {
                try {
                    report.stop();
                    log.printf(Locale.ROOT, "%ninterrupted: the results of the %d of %d case verifications finished are"
                            + " in %s (tables and allure-results; run.json records the interruption; 'bptt report %s'"
                            + " makes the HTML report)%n", finished.get(), total, run.path(), run.path());
                } catch (IOException | RuntimeException e) {
                    log.println("interrupted: could not write the last rows to " + run.path() + ": " + e.getMessage());
                }
                log.flush();
            }, "flush-tables-on-exit");
            Runtime.getRuntime().addShutdownHook(flushOnExit);
            try {
                Consumer<CaseResult> record = result -> {
                    try {
                        report.add(result);
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot write the result of " + result.caseId() + " to " + run.path(), e);
                    }
                    finished.incrementAndGet();
                    progress.step();
                };
                List<CaseResult> results = verifier.verifyAll(cases, implementations, oracle, record);
                log.printf(Locale.ROOT, "writing charts and the HTML report...%n");
                log.flush();
                VerifyReport.Outputs outputs = report.finish();
                return new VerifyRun(results, outputs, report.provenance());
            } finally {
                Runtime.getRuntime().removeShutdownHook(flushOnExit);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report in " + run.path() + ": " + e.getMessage(), e);
        }
    }
}
