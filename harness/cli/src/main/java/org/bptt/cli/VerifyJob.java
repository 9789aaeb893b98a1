package org.bptt.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bptt.api.Case;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.verify.CaseResult;
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

    /** What a verify job produced. */
    record Outcome(List<CaseResult> results, VerifyReport.Outputs outputs) {
    }

    static Outcome run(List<String> commandLine, RunFolder run, String suiteName, long seed, List<Case> cases,
                       List<LoadedPlugin> implementations, LoadedPlugin oracle, TolerancePolicy policy,
                       KnownDivergences knownDivergences, java.time.Duration timeout, PrintWriter log) {
        List<Provenance.PluginVersion> plugins = new ArrayList<>();
        plugins.add(new Provenance.PluginVersion(oracle.id(), oracle.info().version(), oracle.source()));
        for (LoadedPlugin implementation : implementations) {
            plugins.add(new Provenance.PluginVersion(implementation.id(), implementation.info().version(), implementation.source()));
        }
        Provenance provenance = Provenance.capture(commandLine, VersionProvider.toolVersion(), plugins, List.of(seed),
                suiteName, policy.describe(), java.util.Map.of("oracle", oracle.id(), "cases", Integer.toString(cases.size())),
                Path.of("."), Clock.systemUTC().instant());
        Verifier verifier = new Verifier(policy, timeout, knownDivergences);
        List<CaseResult> results = new ArrayList<>();
        try (VerifyReport report = VerifyReport.start(run, provenance, Clock.systemUTC());
             Progress progress = Progress.start("verify", (long) cases.size() * implementations.size(), log)) {
            for (LoadedPlugin implementation : implementations) {
                results.addAll(verifier.verifyAll(cases, implementation, oracle, result -> {
                    try {
                        report.add(result);
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot write the result of " + result.caseId() + " to " + run.path(), e);
                    }
                    progress.step();
                }));
            }
            log.printf(Locale.ROOT, "writing charts and the HTML report...%n");
            log.flush();
            return new Outcome(results, report.finish());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report in " + run.path() + ": " + e.getMessage(), e);
        }
    }
}
