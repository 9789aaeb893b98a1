package org.bptt.reports.csv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bptt.core.compare.ElementDiff;
import org.bptt.core.compare.QuantityComparison;
import org.bptt.core.verify.CaseResult;
import org.bptt.outputs.Table;
import org.bptt.reports.CaseParameters;
import org.bptt.reports.Results;
import org.bptt.reports.RunFolder;
import org.bptt.reports.RunOutputs;

/**
 * The tables of a {@code verify} run, rewritten as results arrive so that an interrupted run keeps every row added
 * so far (each rewrite replaces a whole file atomically):
 * <ul>
 *   <li>{@value #CASES_FILE}: one row per case × implementation;</li>
 *   <li>{@value #QUANTITIES_FILE}: one row per case × implementation × compared quantity;</li>
 *   <li>{@value #TIMINGS_FILE}: wall time per case × implementation, the only non-deterministic numbers, kept
 *       apart so that the other two tables are byte-identical for the same seed.</li>
 * </ul>
 * Rows are ordered by implementation id, then in the order the results were added. The columns are documented in
 * {@code reports/COLUMNS.md}; their names and order are stable. Format: {@link RunOutputs#CSV}, which writes them;
 * doubles as {@link Double#toString}, which parses back to the same double.
 *
 * <p>Thread-safe: results may be added from several threads.
 */
public final class VerifyTables implements AutoCloseable {

    /** The tables' names; each is written as {@code <name>.csv}. */
    public static final String CASES_TABLE = "verify-cases";
    public static final String QUANTITIES_TABLE = "verify-quantities";
    public static final String TIMINGS_TABLE = "verify-timings";

    public static final String CASES_FILE = CASES_TABLE + ".csv";
    public static final String QUANTITIES_FILE = QUANTITIES_TABLE + ".csv";
    public static final String TIMINGS_FILE = TIMINGS_TABLE + ".csv";

    /** The identifying columns that start every table. */
    private static final List<String> KEY_COLUMNS = List.of("case_id", "implementation", "oracle");

    public static final List<String> CASE_COLUMNS = concat(KEY_COLUMNS, List.of("status", "message", "diagnosis"),
            CaseParameters.columns(), List.of("quantities", "failed_quantities", "worst_quantity", "worst_error_ratio",
                    "other_parameters"), CaseParameters.cellColumns());

    public static final List<String> QUANTITY_COLUMNS = concat(KEY_COLUMNS, List.of("quantity", "elements", "failed",
            "worst_index", "expected", "actual", "abs_error", "rel_error", "ulp_error", "allowed", "error_ratio"));

    public static final List<String> TIMING_COLUMNS = concat(KEY_COLUMNS, List.of("nanos"));

    private final RunFolder run;
    private final RunOutputs outputs;
    private final int rewriteEvery;
    private final long rewriteIntervalNanos;
    private final List<CaseResult> results = new ArrayList<>();
    private int addedSinceRewrite;
    private long lastRewriteNanos;
    private long lastRewriteDurationNanos;

    /** Tables that are rewritten after every added result. */
    public VerifyTables(RunFolder run) {
        this(run, 1);
    }

    /**
     * Tables that are rewritten after every {@code rewriteEvery} added results, and on {@link #flush()} and
     * {@link #close()}. Writes the (empty) tables at once, so that they exist from the start of the run.
     *
     * @throws UncheckedIOException naming the file that could not be written
     */
    public VerifyTables(RunFolder run, int rewriteEvery) {
        this(run, rewriteEvery, 0);
    }

    /**
     * Tables that are rewritten when at least {@code rewriteInterval} has passed since the last rewrite, and on
     * {@link #flush()} and {@link #close()}. Each rewrite writes every row again, so rewriting after every one of
     * thousands of results costs quadratic time; a run killed outright loses at most the last interval's rows. On a
     * large run, where one rewrite takes more than a tenth of the interval, the wait grows to nine times the last
     * rewrite's duration, so that rewriting never takes more than a tenth of the run.
     */
    public VerifyTables(RunFolder run, java.time.Duration rewriteInterval) {
        this(run, Integer.MAX_VALUE, rewriteInterval.toNanos());
    }

    private VerifyTables(RunFolder run, int rewriteEvery, long rewriteIntervalNanos) {
        if (rewriteEvery < 1) {
            throw new IllegalArgumentException("rewriteEvery must be at least 1, got " + rewriteEvery);
        }
        this.run = Objects.requireNonNull(run, "run");
        this.outputs = new RunOutputs(run);
        this.rewriteEvery = rewriteEvery;
        this.rewriteIntervalNanos = rewriteIntervalNanos;
        flush();
    }

    /**
     * Adds one result, and rewrites the tables if {@code rewriteEvery} results have arrived since the last rewrite.
     *
     * @throws UncheckedIOException naming the file that could not be written
     */
    public synchronized void add(CaseResult result) {
        Objects.requireNonNull(result, "result");
        results.add(result);
        addedSinceRewrite++;
        boolean intervalPassed = rewriteIntervalNanos > 0
                && System.nanoTime() - lastRewriteNanos >= Math.max(rewriteIntervalNanos, 9 * lastRewriteDurationNanos);
        if (addedSinceRewrite >= rewriteEvery || intervalPassed) {
            flush();
        }
    }

    /** Every result added so far, in table order (implementation id, then order of arrival). */
    public synchronized List<CaseResult> results() {
        List<CaseResult> ordered = new ArrayList<>(results);
        // List.sort is stable: results of one implementation keep their order of arrival.
        ordered.sort(Comparator.comparing(CaseResult::implementationId));
        return ordered;
    }

    /**
     * Rewrites all three tables from every result added so far.
     *
     * @throws UncheckedIOException naming the file that could not be written
     */
    public synchronized void flush() {
        long start = System.nanoTime();
        List<CaseResult> ordered = results();
        write(CASES_TABLE, CASE_COLUMNS, ordered, VerifyTables::caseRows);
        write(QUANTITIES_TABLE, QUANTITY_COLUMNS, ordered, VerifyTables::quantityRows);
        write(TIMINGS_TABLE, TIMING_COLUMNS, ordered, VerifyTables::timingRows);
        addedSinceRewrite = 0;
        lastRewriteNanos = System.nanoTime();
        // Writing the empty tables at the start says nothing about what rewriting the rows will cost.
        lastRewriteDurationNanos = ordered.isEmpty() ? 0 : lastRewriteNanos - start;
    }

    /** Rewrites the tables one last time. */
    @Override
    public void close() {
        flush();
    }

    /** The path of one of this run's tables. */
    public Path path(String fileName) {
        return run.resolve(fileName);
    }

    /**
     * One result's rows of {@value #QUANTITIES_FILE}, with the header: what an Allure result attaches as its CSV.
     */
    public static String quantityRowsCsv(CaseResult result) {
        return RunOutputs.csv(new Table(QUANTITIES_TABLE, QUANTITY_COLUMNS, quantityRows(result)));
    }

    /** The row of {@value #CASES_FILE} for one result, in {@link #CASE_COLUMNS} order. */
    static List<List<String>> caseRows(CaseResult result) {
        Map<String, String> parameters = result.parameters() == null ? Map.of() : result.parameters();
        List<String> row = new ArrayList<>(keyCells(result));
        row.add(result.status() == null ? "" : result.status().name());
        row.add(result.message() == null ? "" : result.message());
        row.add(result.diagnosis());
        for (String key : CaseParameters.KEYS) {
            row.add(parameters.getOrDefault(key, ""));
        }
        row.add(Integer.toString(Results.comparisons(result).size()));
        row.add(Integer.toString(Results.failedQuantities(result)));
        QuantityComparison worst = Results.worstQuantity(result).orElse(null);
        row.add(worst == null ? "" : worst.quantity().name());
        row.add(worst == null ? "" : Results.number(Results.errorRatio(worst)));
        row.add(otherParameters(parameters));
        for (String key : CaseParameters.CELL_KEYS) {
            row.add(parameters.getOrDefault(key, ""));
        }
        return List.of(row);
    }

    /** The rows of {@value #QUANTITIES_FILE} for one result, in {@link #QUANTITY_COLUMNS} order. */
    static List<List<String>> quantityRows(CaseResult result) {
        List<List<String>> rows = new ArrayList<>();
        for (QuantityComparison comparison : Results.comparisons(result)) {
            List<String> row = new ArrayList<>(keyCells(result));
            row.add(comparison.quantity().name());
            row.add(Integer.toString(comparison.elements()));
            row.add(Integer.toString(comparison.failed()));
            ElementDiff worst = comparison.worst();
            if (worst == null) {
                for (int i = 0; i < 8; i++) {
                    row.add("");
                }
            } else {
                row.add(worst.index());
                row.add(Results.number(worst.expected()));
                row.add(Results.number(worst.actual()));
                row.add(Results.number(worst.absError()));
                row.add(Results.number(worst.relError()));
                row.add(Results.number(worst.ulpError()));
                row.add(Results.number(worst.allowed()));
                row.add(Results.number(worst.errorRatio()));
            }
            rows.add(row);
        }
        return rows;
    }

    static List<List<String>> timingRows(CaseResult result) {
        List<String> row = new ArrayList<>(keyCells(result));
        row.add(Long.toString(result.nanos()));
        return List.of(row);
    }

    private static List<String> keyCells(CaseResult result) {
        return List.of(nullToEmpty(result.caseId()), nullToEmpty(result.implementationId()),
                nullToEmpty(result.oracleId()));
    }

    /** The parameters that have no column of their own, as {@code key=value} joined by ';', in their given order. */
    private static String otherParameters(Map<String, String> parameters) {
        Map<String, String> others = new LinkedHashMap<>(parameters);
        CaseParameters.KEYS.forEach(others::remove);
        CaseParameters.CELL_KEYS.forEach(others::remove);
        List<String> pairs = new ArrayList<>();
        others.forEach((key, value) -> pairs.add(key + "=" + value));
        return String.join(";", pairs);
    }

    private interface RowMaker {
        List<List<String>> rows(CaseResult result);
    }

    private void write(String tableName, List<String> columns, List<CaseResult> ordered, RowMaker rowMaker) {
        List<List<String>> rows = new ArrayList<>();
        for (CaseResult result : ordered) {
            rows.addAll(rowMaker.rows(result));
        }
        try {
            outputs.writeTable(new Table(tableName, columns, rows));
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }


    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> part : parts) {
            all.addAll(part);
        }
        return List.copyOf(all);
    }
}
