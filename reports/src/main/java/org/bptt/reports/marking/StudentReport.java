package org.bptt.reports.marking;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.bptt.core.verify.CaseResult;
import org.bptt.reports.Provenance;
import org.bptt.reports.RunFolder;
import org.bptt.reports.RunOutputs;
import org.bptt.reports.allure.AllureReport;
import org.bptt.reports.allure.AllureResults;
import org.bptt.reports.charts.VerifyCharts;
import org.bptt.reports.csv.VerifyTables;

/**
 * One student's report to hand back, in the student's own folder: what a {@code verify} run folder holds for one
 * implementation, but of the HTML report only the single file, {@value AllureReport#SINGLE_FILE} (the served report
 * folder of a {@code verify} run would double the time a class takes, and a student is sent one file):
 * <pre>
 *   run.json, verify-cases.csv, verify-quantities.csv, verify-timings.csv
 *   charts/verify-errors-*.png|svg, charts/cases/...   as a verify run draws them
 *   allure-results/, allure-report.html
 * </pre>
 */
public final class StudentReport {

    private StudentReport() {
    }

    /**
     * Writes the report of {@code results} (one student's, in order) into {@code folder}.
     *
     * @return the single-file HTML report
     */
    public static Path write(RunFolder folder, Provenance provenance, List<CaseResult> results, Clock clock) throws IOException {
        RunOutputs outputs = new RunOutputs(folder);
        outputs.writeProvenance(provenance);
        AllureResults allure = AllureResults.in(folder, clock);
        allure.writeCategories();
        allure.writeEnvironment(provenance);
        try (VerifyTables tables = new VerifyTables(folder, Integer.MAX_VALUE)) {
            for (CaseResult result : results) {
                tables.add(result);
                Optional<Path> chart = VerifyCharts.writeCaseChart(folder, result);
                allure.add(result, chart.map(List::of).orElse(List.of()));
            }
        }
        VerifyCharts.writeImplementationCharts(folder, results);
        outputs.writeProvenance(provenance.withEnd(clock.instant()).withPace(results.size()));
        return AllureReport.generateSingleFile(folder.resolve(AllureResults.DIRECTORY), folder.resolve(AllureReport.SINGLE_FILE));
    }
}
