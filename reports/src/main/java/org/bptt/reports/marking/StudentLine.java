package org.bptt.reports.marking;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bptt.core.compare.QuantityComparison;
import org.bptt.core.verify.CaseResult;
import org.bptt.core.verify.Status;
import org.bptt.reports.Results;

/**
 * One student's line of a class report: what ran, how it ended, the counts behind it, and the diagnosis.
 *
 * @param student            the student, as the submission is named (its folder or file name)
 * @param submission         what ran, e.g. {@code cmd: python3 rnn.py} or {@code jar: rnn.jar}
 * @param outcome            how the marking ended
 * @param message            the first problem met (the first error, else the first failure), or why the submission
 *                           did not run; empty when it passed
 * @param cases              the counts of its cases
 * @param quantities         every quantity compared in some case (h, y, loss, dL/dW, ...), in the order of the
 *                           computation, with true when it was within tolerance in every case
 * @param diagnosis          the mistakes that explain the failures, in words; empty when there is none (or no
 *                           diagnosis was made)
 * @param mistakes           the names of those mistakes, one per mistake, for counting students per mistake
 * @param seconds            the wall time of the student's whole marking (the only figure that is not deterministic)
 */
public record StudentLine(String student, String submission, Outcome outcome, String message, CaseCounts cases,
                          Map<String, Boolean> quantities, String diagnosis,
                          List<String> mistakes, double seconds) {

    public StudentLine {
        Objects.requireNonNull(student, "student");
        Objects.requireNonNull(submission, "submission");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(cases, "cases");
        message = message == null ? "" : message;
        diagnosis = diagnosis == null ? "" : diagnosis;
        quantities = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(quantities));
        mistakes = List.copyOf(mistakes);
    }

    /**
     * The line of a submission that ran: the counts and quantities of its {@code results} (one per case that ran, in
     * the suite's order; a known divergence counts as passed, as the gate passes on it).
     *
     * @param totalCases       the cases of the suite; those without a result were left out
     * @param timeLimitMessage null, or what the time limit that stopped the marking says
     */
    public static StudentLine marked(String student, String submission, List<CaseResult> results, int totalCases,
                                     String timeLimitMessage, String diagnosis, List<String> mistakes, double seconds) {
        int passed = 0;
        int failed = 0;
        int errors = 0;
        int skipped = 0;
        String firstError = null;
        String firstFailure = null;
        String firstSkip = null;
        Map<String, Boolean> quantityPassed = new LinkedHashMap<>();
        for (CaseResult result : results) {
            switch (result.status()) {
                case PASSED, KNOWN_DIVERGENCE -> passed++;
                case FAILED -> {
                    failed++;
                    firstFailure = firstFailure == null ? result.caseId() + ": " + result.message() : firstFailure;
                }
                case ERROR -> {
                    errors++;
                    firstError = firstError == null ? result.caseId() + ": " + result.message() : firstError;
                }
                case SKIPPED -> {
                    skipped++;
                    firstSkip = firstSkip == null ? result.message() : firstSkip;
                }
            }
            for (QuantityComparison comparison : Results.comparisons(result)) {
                boolean within = comparison.passed() || result.status() == Status.KNOWN_DIVERGENCE;
                quantityPassed.merge(comparison.quantity().toString(), within, Boolean::logicalAnd);
            }
        }
        CaseCounts counts = new CaseCounts(totalCases, passed, failed, errors, skipped, totalCases - results.size());
        Outcome outcome;
        String message;
        if (timeLimitMessage != null) {
            outcome = Outcome.TIME_LIMIT;
            String problem = firstError != null ? firstError : firstFailure;
            message = timeLimitMessage + (problem != null ? "; before that, " + problem : "");
        } else if (errors > 0) {
            outcome = Outcome.ERROR;
            message = firstError;
        } else if (failed > 0) {
            outcome = Outcome.FAILED;
            message = firstFailure;
        } else if (passed == 0) {
            outcome = Outcome.NOTHING_COMPARED;
            message = "every case was skipped" + (firstSkip != null ? ", e.g. " + firstSkip : "");
        } else {
            outcome = Outcome.PASSED;
            message = "";
        }
        return new StudentLine(student, submission, outcome, message, counts, quantityPassed, diagnosis, mistakes, seconds);
    }

    /** The line of a submission that could not be run at all: every case left out, and why. */
    public static StudentLine notRun(String student, String submission, String why, int totalCases, double seconds) {
        return new StudentLine(student, submission, Outcome.NOT_RUN, why, CaseCounts.noneRun(totalCases), Map.of(), "",
                List.of(), seconds);
    }

    /** The quantities within tolerance in every case, in the order of the computation. */
    public List<String> passedQuantities() {
        return quantities.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList();
    }

    /** The quantities beyond tolerance in at least one case, in the order of the computation. */
    public List<String> failedQuantities() {
        return quantities.entrySet().stream().filter(entry -> !entry.getValue()).map(Map.Entry::getKey).toList();
    }

    /** How a student's marking ended, from best to worst. */
    public enum Outcome {
        /** Every case that ran is within tolerance (skipped cases aside), and at least one ran. */
        PASSED,
        /** At least one case is beyond tolerance; the program answered every case. */
        FAILED,
        /** The program crashed, hung or printed garbage in at least one case (the message says which). */
        ERROR,
        /** The per-student time limit stopped the marking before every case ran. */
        TIME_LIMIT,
        /** No case ran: every case was skipped (the program declares none of what the cases need). */
        NOTHING_COMPARED,
        /** The submission could not be run: no entry point, or the program did not start or answer its hello. */
        NOT_RUN;

        /** The outcome as the table writes it: {@code passed}, {@code time-limit}, ... */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * The cases of one student.
     *
     * @param total   the cases of the suite
     * @param passed  within tolerance
     * @param failed  beyond tolerance
     * @param errors  the program threw, crashed, hung or printed garbage
     * @param skipped the program lacks what the case needs
     * @param notRun  left out: the time limit stopped the marking first, or the submission could not be run
     */
    public record CaseCounts(int total, int passed, int failed, int errors, int skipped, int notRun) {

        public CaseCounts {
            if (passed + failed + errors + skipped + notRun != total) {
                throw new IllegalArgumentException("case counts " + passed + " + " + failed + " + " + errors + " + "
                        + skipped + " + " + notRun + " do not add up to " + total);
            }
        }

        /** A submission that did not run: every case left out. */
        public static CaseCounts noneRun(int total) {
            return new CaseCounts(total, 0, 0, 0, 0, total);
        }
    }
}
