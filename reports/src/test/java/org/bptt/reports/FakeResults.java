package org.bptt.reports;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bptt.api.Quantity;
import org.bptt.core.compare.ElementDiff;
import org.bptt.core.compare.QuantityComparison;
import org.bptt.core.verify.CaseResult;
import org.bptt.core.verify.Status;

/**
 * Seeded, hand-made verification results for the report tests: plausible values, every status, and the awkward
 * cases a report must survive (NaN, infinite ratios, -0.0, subnormals, a malformed tensor, messages with commas,
 * quotes and line breaks). The same seed gives the same results.
 */
public final class FakeResults {

    public static final String ORACLE = "reference-aggregated";
    public static final List<String> QUANTITIES = List.of("loss", "h", "y", "dL/dU", "dL/dW", "dL/db", "dL/dV", "dL/dc");

    private final Random random;

    public FakeResults(long seed) {
        this.random = new Random(seed);
    }

    /** A case that passes: every quantity's worst element within 1e-3 … 0.9 of its allowance. */
    public CaseResult passed(String implementation, String caseId) {
        List<QuantityComparison> comparisons = new ArrayList<>();
        for (String quantity : QUANTITIES) {
            comparisons.add(comparison(quantity, 0, 1e-3 + 0.9 * random.nextDouble()));
        }
        return new CaseResult(caseId, implementation, ORACLE, Status.PASSED, "", comparisons, parameters(caseId),
                nanos());
    }

    /** A case whose {@code failing} quantity is {@code ratio} times past its allowance; the others pass. */
    public CaseResult failed(String implementation, String caseId, String failing, double ratio, Status status,
                             String message) {
        List<QuantityComparison> comparisons = new ArrayList<>();
        for (String quantity : QUANTITIES) {
            comparisons.add(quantity.equals(failing)
                    ? comparison(quantity, 3, ratio)
                    : comparison(quantity, 0, 1e-2 * random.nextDouble()));
        }
        return new CaseResult(caseId, implementation, ORACLE, status, message, comparisons, parameters(caseId), nanos());
    }

    /** A case the implementation could not run. */
    public CaseResult skipped(String implementation, String caseId) {
        return new CaseResult(caseId, implementation, ORACLE, Status.SKIPPED,
                "unsupported: " + implementation + " lacks capability MASKS", List.of(), parameters(caseId), nanos());
    }

    /** A case where the plugin threw. */
    public CaseResult error(String implementation, String caseId) {
        return new CaseResult(caseId, implementation, ORACLE, Status.ERROR,
                "plugin threw java.lang.IllegalStateException: \"weights, not set\"", List.of(), parameters(caseId),
                nanos());
    }

    /**
     * A failed case holding the awkward values: a NaN actual, an allowance of 0 (infinite ratio), -0.0, a
     * subnormal, a huge value, and a malformed tensor.
     */
    public CaseResult awkward(String implementation, String caseId) {
        List<QuantityComparison> comparisons = List.of(
                new QuantityComparison(new Quantity("loss"), 1, 1, element("loss", "", 0.1 + 0.2, Double.NaN, 1e-12),
                        List.of(element("loss", "", 0.1 + 0.2, Double.NaN, 1e-12))),
                new QuantityComparison(new Quantity("h"), 6, 0, element("h", "[b=0, t=1, i=2]", -0.0, 0.0, 1e-300),
                        List.of()),
                new QuantityComparison(new Quantity("y"), 6, 1, element("y", "[b=1, t=0, k=0]", Double.MIN_VALUE, 2 * Double.MIN_VALUE, 0),
                        List.of(element("y", "[b=1, t=0, k=0]", Double.MIN_VALUE, 2 * Double.MIN_VALUE, 0))),
                new QuantityComparison(new Quantity("dL/dW"), 16, 0, element("dL/dW", "[row=3, col=0]", 1.0e300, 1.0000000000000002e300, 1e290),
                        List.of()),
                new QuantityComparison(new Quantity("dL/dV"), 0, 1, ElementDiff.malformed(new Quantity("dL/dV"), "has shape [3, 4], expected [4, 3]"),
                        List.of(ElementDiff.malformed(new Quantity("dL/dV"), "has shape [3, 4], expected [4, 3]"))));
        return new CaseResult(caseId, implementation, ORACLE, Status.FAILED,
                "loss: expected 0.30000000000000004, actual NaN, \"not finite\"\nand dL/dV malformed", comparisons,
                parameters(caseId), nanos());
    }

    /** The labels CaseLabel.describe gives, plus one key the reports do not know by name. */
    public Map<String, String> parameters(String caseId) {
        Map<String, String> parameters = new LinkedHashMap<>();
        boolean masked = random.nextBoolean();
        int steps = 1 + random.nextInt(40);
        int batch = 1 + random.nextInt(4);
        parameters.put("spec", "tanh/per-step-softmax/bias/d4-H8-K5/sum");
        parameters.put("activation", "tanh");
        parameters.put("head", "per_step_softmax");
        parameters.put("biases", "true");
        parameters.put("reduction", "sum");
        parameters.put("dataType", "float64");
        parameters.put("B", Integer.toString(batch));
        parameters.put("T", Integer.toString(steps));
        parameters.put("masked", Boolean.toString(masked));
        parameters.put("h0", "false");
        parameters.put("seed", Long.toString(caseId.hashCode() & 0xffffL));
        parameters.put("d", "4");
        parameters.put("H", "8");
        parameters.put("K", "5");
        parameters.put("weightInit", "uniform(-0.5, 0.5)");
        return parameters;
    }

    /** A comparison of 24 elements whose worst element is {@code ratio} times past its allowance. */
    private QuantityComparison comparison(String quantity, int failed, double ratio) {
        double expected = (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(6) - 3);
        double allowed = 1e-10 * Math.max(Math.abs(expected), 1e-3);
        double actual = expected + ratio * allowed;
        ElementDiff worst = element(quantity, "[row=" + random.nextInt(8) + ", col=" + random.nextInt(4) + "]",
                expected, actual, allowed);
        List<ElementDiff> failures = failed > 0 ? List.of(worst) : List.of();
        return new QuantityComparison(new Quantity(quantity), 24, failed, worst, failures);
    }

    /** An element with its errors computed as the comparator defines them. */
    public static ElementDiff element(String tensor, String index, double expected, double actual, double allowed) {
        double absError = Math.abs(actual - expected);
        double magnitude = Math.max(Math.abs(expected), Math.abs(actual));
        double relError = magnitude == 0 ? 0 : absError / magnitude;
        double ulpError = absError / Math.ulp(expected);
        return new ElementDiff(new Quantity(tensor), index, expected, actual, absError, relError, ulpError, allowed);
    }

    private long nanos() {
        return 1_000_000L + random.nextInt(50_000_000);
    }

    /** The explanation of mixedRun's known divergence. */
    public static final String KNOWN_EXPLANATION = "DL4J adds the output bias gradient twice for the sigmoid head";

    /**
     * The standard mixed run: two implementations, every status.
     * dl4j: 3 passed, 1 failed (dL/dW 40× allowance), 1 known divergence, 1 error; student-rnn: 2 passed, 1 skipped,
     * 1 awkward failure.
     */
    public List<CaseResult> mixedRun() {
        List<CaseResult> results = new ArrayList<>();
        results.add(passed("dl4j", "tanh-B2-T5-s1"));
        results.add(passed("student-rnn", "tanh-B2-T5-s1"));
        results.add(passed("dl4j", "tanh-B3-T17-s2"));
        results.add(failed("dl4j", "relu-B1-T40-s3", "dL/dW", 40.0, Status.FAILED,
                "dL/dW[row=3, col=0]: expected 0.25, actual 0.2500001, beyond tolerance"));
        results.add(skipped("student-rnn", "masked-B4-T9-s4"));
        results.add(failed("dl4j", "sigmoid-last-step-B2-T6-s5", "dL/dc", 3.5, Status.KNOWN_DIVERGENCE,
                "known divergence: " + KNOWN_EXPLANATION + " (in this case: dL/dc[i=0]: expected 0.5, actual 1.0)"));
        results.add(passed("student-rnn", "tanh-B3-T17-s2"));
        results.add(error("dl4j", "identity-B1-T3-s6"));
        results.add(awkward("student-rnn", "awkward-B2-T2-s7"));
        results.add(passed("dl4j", "tanh-B1-T1-s8"));
        return results;
    }
}
