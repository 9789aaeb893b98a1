package org.bptt.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bptt.api.CataloguedMistake;
import org.bptt.core.compare.QuantityComparison;
import org.bptt.core.diagnose.ImplementationDiagnosis;
import org.bptt.core.diagnose.MistakeCatalogues;
import org.bptt.core.verify.CaseResult;
import org.bptt.core.verify.Status;
import org.bptt.reports.Results;

/**
 * The verdicts as a reader of a CI log wants them: one line per implementation with its counts, the worst error of
 * each quantity (as a multiple of what the tolerance allows), then every case that did not pass, and per
 * implementation the catalogued mistakes that explain all its failures.
 */
final class SummaryTable {
    /** Problems listed per implementation; the tables hold them all. */
    private static final int LISTED_PROBLEMS = 10;

    private SummaryTable() {
    }

    static void print(PrintWriter out, List<CaseResult> results) {
        Map<String, List<CaseResult>> byImplementation = new LinkedHashMap<>();
        for (CaseResult result : results) {
            byImplementation.computeIfAbsent(result.implementationId(), id -> new ArrayList<>()).add(result);
        }
        // The first column is as wide as the longest id (a cmd: id can be long), so the counts stay aligned.
        int idWidth = Math.max("implementation".length(),
                byImplementation.keySet().stream().mapToInt(String::length).max().orElse(0));
        String header = "%-" + idWidth + "s %6s %7s %7s %6s %9s %6s %8s   %s%n";
        String row = "%-" + idWidth + "s %6d %7d %7d %6d %9d %6d %8d   %s%n";
        out.printf(Locale.ROOT, header,
                "implementation", "cases", "passed", "failed", "known", "ill-cond.", "error", "skipped", "oracle");
        for (Map.Entry<String, List<CaseResult>> entry : byImplementation.entrySet()) {
            Map<Status, Integer> counts = count(entry.getValue());
            out.printf(Locale.ROOT, row, entry.getKey(), entry.getValue().size(),
                    counts.get(Status.PASSED), counts.get(Status.FAILED), counts.get(Status.KNOWN_DIVERGENCE),
                    counts.get(Status.ILL_CONDITIONED), counts.get(Status.ERROR), counts.get(Status.SKIPPED), entry.getValue().get(0).oracleId());
        }
        out.println();
        out.println("Worst error per quantity, as a multiple of the tolerance (≤ 1 passes), known divergences and"
                + " ill-conditioned cases apart:");
        for (Map.Entry<String, List<CaseResult>> entry : byImplementation.entrySet()) {
            // The comparisons that count, and apart from them those a known divergence excuses.
            Map<String, Double> worst = new LinkedHashMap<>();
            Map<String, Double> worstExcused = new LinkedHashMap<>();
            // An ill-conditioned case's errors measure the case's sensitivity, not the implementation.
            Map<String, Double> worstIllConditioned = new LinkedHashMap<>();
            for (CaseResult result : entry.getValue()) {
                for (QuantityComparison comparison : Results.comparisons(result)) {
                    double ratio = comparison.worst() == null ? 0 : comparison.worst().errorRatio();
                    Map<String, Double> into = result.status() == Status.ILL_CONDITIONED ? worstIllConditioned
                            : Results.excused(result, comparison) ? worstExcused : worst;
                    into.merge(comparison.quantity().name(), ratio, Math::max);
                }
            }
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-22s", entry.getKey()));
            worst.forEach((quantity, ratio) -> line.append(String.format(Locale.ROOT, " %s %.2g", quantity, ratio)));
            boolean shownApart = !worstExcused.isEmpty() || !worstIllConditioned.isEmpty();
            out.println(!worst.isEmpty() ? line.toString() : line + (shownApart ? " (every comparison is shown apart below)"
                    : " (nothing compared)"));
            if (!worstExcused.isEmpty()) {
                StringBuilder known = new StringBuilder(String.format(Locale.ROOT, "  %-22s", "  known divergences:"));
                worstExcused.forEach((quantity, ratio) -> known.append(String.format(Locale.ROOT, " %s %.2g", quantity, ratio)));
                out.println(known);
            }
            if (!worstIllConditioned.isEmpty()) {
                StringBuilder ill = new StringBuilder(String.format(Locale.ROOT, "  %-22s", "  ill-conditioned:"));
                worstIllConditioned.forEach((quantity, ratio) -> ill.append(String.format(Locale.ROOT, " %s %.2g", quantity, ratio)));
                out.println(ill);
            }
        }
        List<CaseResult> problems = results.stream()
                .filter(result -> result.status() == Status.FAILED || result.status() == Status.ERROR).toList();
        if (!problems.isEmpty()) {
            out.println();
            out.printf(Locale.ROOT, "Cases that failed or errored (%d):%n", problems.size());
            for (Map.Entry<String, List<CaseResult>> entry : byImplementation.entrySet()) {
                List<CaseResult> own = problems.stream().filter(result -> result.implementationId().equals(entry.getKey())).toList();
                for (CaseResult result : own.subList(0, Math.min(LISTED_PROBLEMS, own.size()))) {
                    out.printf(Locale.ROOT, "  %-16s %s %s: %s%n", result.status(), result.implementationId(), result.caseId(), result.message());
                    if (!result.diagnosis().isEmpty()) {
                        out.printf(Locale.ROOT, "  %-16s diagnosis: %s%n", "", result.diagnosis());
                    }
                }
                if (own.size() > LISTED_PROBLEMS) {
                    out.printf(Locale.ROOT, "  ... and %d more of %s (see verify-cases.csv)%n", own.size() - LISTED_PROBLEMS, entry.getKey());
                }
            }
        }
        List<CaseResult> illConditioned = results.stream().filter(result -> result.status() == Status.ILL_CONDITIONED).toList();
        if (!illConditioned.isEmpty()) {
            out.println();
            out.printf(Locale.ROOT, "Ill-conditioned, neither passed nor failed: rounding alone moves these cases beyond"
                    + " tolerance (%d):%n", illConditioned.size());
            for (CaseResult result : illConditioned.subList(0, Math.min(LISTED_PROBLEMS, illConditioned.size()))) {
                out.printf(Locale.ROOT, "  %s %s: %s%n", result.implementationId(), result.caseId(), result.message());
            }
            if (illConditioned.size() > LISTED_PROBLEMS) {
                out.printf(Locale.ROOT, "  ... and %d more (see verify-cases.csv)%n", illConditioned.size() - LISTED_PROBLEMS);
            }
        }
        printDiagnoses(out, byImplementation);
        // Known divergences share a handful of explanations: count them by explanation, as skips by reason (a case
        // with two explanations counts under each), and print each explanation once, in full.
        Map<String, Map<String, Integer>> explanations = new java.util.TreeMap<>();
        for (CaseResult result : results) {
            result.explanations().forEach(explanation -> explanations
                    .computeIfAbsent(explanation, text -> new java.util.TreeMap<>())
                    .merge(result.implementationId(), 1, Integer::sum));
        }
        if (!explanations.isEmpty()) {
            out.println();
            out.println("Known third-party divergences (finite differences side with the reference), by explanation"
                    + " (a case with two counts under each):");
            explanations.forEach((explanation, counts) -> {
                int total = counts.values().stream().mapToInt(Integer::intValue).sum();
                List<String> byImplementationCount = new ArrayList<>();
                counts.forEach((id, count) -> byImplementationCount.add(id + " " + count));
                out.printf(Locale.ROOT, "  %5d  (%s) %s%n", total, String.join(", ", byImplementationCount), explanation);
            });
        }
        // Skips share a handful of reasons, most of them missing capabilities: a case that lacks several is counted
        // under each, so a suite of many cells and options prints a line per capability, not per combination.
        Map<String, Integer> skipReasons = new java.util.TreeMap<>();
        results.stream().filter(result -> result.status() == Status.SKIPPED)
                .forEach(result -> skipReasonsOf(result.message())
                        .forEach(reason -> skipReasons.merge(reason, 1, Integer::sum)));
        if (!skipReasons.isEmpty()) {
            out.println();
            out.println("Skipped, by reason (a case that lacks several capabilities counts under each):");
            skipReasons.forEach((reason, count) -> out.printf(Locale.ROOT, "  %5d  %s%n", count, reason));
        }
    }

    /**
     * Per implementation with failed cases, the catalogued mistakes that explain all its failures (or that none
     * does), then each named mistake once: what it computes wrongly, where it enters the derivation, its source.
     */
    private static void printDiagnoses(PrintWriter out, Map<String, List<CaseResult>> byImplementation) {
        Map<String, ImplementationDiagnosis> diagnoses = new LinkedHashMap<>();
        byImplementation.forEach((id, own) -> {
            ImplementationDiagnosis diagnosis = ImplementationDiagnosis.of(own);
            if (diagnosis.failedCases() > 0) {
                diagnoses.put(id, diagnosis);
            }
        });
        if (diagnoses.isEmpty()) {
            return;
        }
        out.println();
        out.println("Diagnosis: the catalogued mistakes that explain all of an implementation's failures:");
        java.util.Set<String> named = new java.util.TreeSet<>();
        diagnoses.forEach((id, diagnosis) -> {
            out.printf(Locale.ROOT, "  %s: %s%n", id, diagnosis.describe());
            diagnosis.explanations().forEach(named::addAll);
        });
        for (CataloguedMistake mistake : MistakeCatalogues.fromClassPath().mistakes()) {
            if (named.contains(mistake.name())) {
                out.printf(Locale.ROOT, "    %s: %s%n      enters at %s; see %s%n", mistake.name(), mistake.description(),
                        mistake.entersAt(), mistake.source());
            }
        }
    }

    private static final java.util.regex.Pattern LACKS = java.util.regex.Pattern.compile("(.+?) lacks (.+)");

    /** {@code "dl4j lacks A, B"} as {@code ["dl4j lacks A", "dl4j lacks B"]}; any other reason as it is. */
    static List<String> skipReasonsOf(String message) {
        java.util.regex.Matcher lacks = LACKS.matcher(message);
        if (!lacks.matches()) {
            return List.of(message);
        }
        List<String> reasons = new ArrayList<>();
        for (String capability : lacks.group(2).split(", ")) {
            reasons.add(lacks.group(1) + " lacks " + capability);
        }
        return reasons;
    }

    static Map<Status, Integer> count(List<CaseResult> results) {
        Map<Status, Integer> counts = new EnumMap<>(Status.class);
        for (Status status : Status.values()) {
            counts.put(status, 0);
        }
        for (CaseResult result : results) {
            counts.merge(result.status(), 1, Integer::sum);
        }
        return counts;
    }

    /**
     * Exit code 1 when any case failed or errored; skips, documented third-party divergences and ill-conditioned cases
     * (which rounding alone can move beyond tolerance) do not fail the gate.
     */
    static int exitCode(List<CaseResult> results) {
        boolean diverged = results.stream().anyMatch(result -> result.status() == Status.FAILED || result.status() == Status.ERROR);
        return diverged ? ExitCode.DIVERGED : ExitCode.OK;
    }
}
