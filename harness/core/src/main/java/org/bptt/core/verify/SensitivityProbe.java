package org.bptt.core.verify;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.bptt.api.Batch;
import org.bptt.api.Case;
import org.bptt.api.DataType;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.Quantity;
import org.bptt.api.Results;
import org.bptt.api.Tensor;
import org.bptt.core.cases.SuiteCase;
import org.bptt.core.compare.ElementDiff;
import org.bptt.core.compare.QuantityComparison;
import org.bptt.core.plugins.CallTime;
import org.bptt.core.plugins.ExpectedOutputs;
import org.bptt.core.plugins.IsolatedPlugin;
import org.bptt.core.plugins.PluginCallFailure;

/**
 * Measures whether a case is too sensitive to rounding for its comparison to tell a bug from rounding: the oracle
 * runs once more on the case with every input, initial state and weight changed by one machine epsilon of the
 * implementation's data type (relative, with seeded random signs), and its results are compared with its own
 * results on the case under the same tolerance.
 *
 * <p>Why this decides: a correct implementation computing in a precision of machine epsilon ε = 2u commits a
 * relative error of up to u in every operation, so its results are at best those of the exact computation on data
 * changed by about ε (its backward error; in float32 storing the data alone changes it that much). When the exact
 * results on data changed by ε already differ beyond tolerance, rounding alone can move a correct implementation
 * beyond tolerance: its failure says nothing about bugs. Each quantity's <b>amplification</b> is the relative change
 * of its most-moved element divided by ε; the tolerance absorbs an amplification of about allowed / (ε·|value|)
 * (for doubles 1e-9·√T / 2.2e-16 ≈ 4.5e6·√T), and the probe exceeds its allowance exactly when the
 * amplification exceeds that.
 *
 * <p>A failing case is {@link Status#ILL_CONDITIONED} only when <em>every</em> quantity the implementation failed
 * is also moved beyond tolerance by the probe: a quantity that stays well-conditioned (the output layer's gradients
 * of a chaotic recurrence, say) still fails a wrong implementation. One perturbation is one sample of the
 * sensitivity, so the probe can underestimate it, never overestimate it: it may leave an ill-conditioned case
 * failed, but it does not excuse a failure on a case that rounding cannot move. Run only for failing cases.
 */
final class SensitivityProbe {

    /** Mixed into the case's seed so that the perturbation's signs do not repeat the case's own random draws. */
    private static final long SIGN_SEED = 0x5EED_C0DEL;

    private final ResultComparator comparator;

    SensitivityProbe(ResultComparator comparator) {
        this.comparator = comparator;
    }

    /**
     * The measured sensitivity of the quantities {@code implementation} failed on.
     *
     * @param amplification  the largest amplification among the failed quantities
     * @param epsilon        the relative perturbation: the machine epsilon of the implementation's data type
     * @param byQuantity     each failed quantity's amplification, in the order of the comparisons
     * @param illConditioned true when the probe moved every failed quantity beyond tolerance
     */
    record Sensitivity(double amplification, double epsilon, Map<Quantity, Double> byQuantity, boolean illConditioned) {

        /** One line: the perturbation, the amplifications, and what was failed. */
        String describe(List<QuantityComparison> failed) {
            String amplifications = byQuantity.entrySet().stream()
                    .map(entry -> String.format(Locale.ROOT, "%s %.1e", entry.getKey().name(), entry.getValue()))
                    .collect(Collectors.joining(", "));
            return CaseResult.ILL_CONDITIONED_PREFIX + String.format(Locale.ROOT, "changing the inputs, initial states and weights by"
                    + " %.1e (relative, one machine epsilon) moves the exact results beyond tolerance in every failed"
                    + " quantity (amplification %.1e: %s), so rounding alone can fail a correct implementation; failed: %s",
                    epsilon, amplification, amplifications,
                    failed.stream().map(c -> c.quantity().name()).collect(Collectors.joining(", ")));
        }
    }

    /**
     * Runs the probe for a case that {@code failed} some quantities.
     *
     * @param oracle     computes the exact results (double precision) of the perturbed case
     * @param oracleSpec the oracle's spec of the case (float64)
     * @param spec       the implementation's spec (its data type selects ε and the tolerance)
     * @param expected   the oracle's results on the case itself
     * @param failed     the implementation's failed comparisons, non-empty
     * @return empty when the oracle could not compute the perturbed case (a stored oracle cannot): the failure stands
     */
    Optional<Sensitivity> measure(IsolatedPlugin oracle, ModelSpec oracleSpec, ModelSpec spec, SuiteCase suiteCase,
                                  Results expected, ExpectedOutputs compared, List<QuantityComparison> failed) {
        double epsilon = machineEpsilon(spec.dataType());
        SuiteCase perturbed = perturbed(suiteCase, epsilon);
        Results moved;
        try {
            moved = Verifier.run(oracle, oracleSpec, perturbed, compared, new CallTime());
        } catch (PluginCallFailure failure) {
            return Optional.empty();
        }
        Batch batch = suiteCase.testCase().batch();
        Map<Quantity, QuantityComparison> probe = new LinkedHashMap<>();
        comparator.compare(expected, moved, spec, batch, compared).forEach(c -> probe.put(c.quantity(), c));
        Map<Quantity, Double> amplifications = new LinkedHashMap<>();
        boolean everyFailureMoved = true;
        for (QuantityComparison comparison : failed) {
            QuantityComparison probed = probe.get(comparison.quantity());
            if (probed == null || probed.worst() == null) {
                everyFailureMoved = false;
                continue;
            }
            everyFailureMoved &= !probed.passed();
            amplifications.put(comparison.quantity(), amplification(probed.worst(), epsilon));
        }
        double largest = amplifications.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        return Optional.of(new Sensitivity(largest, epsilon, amplifications, everyFailureMoved && !failed.isEmpty()));
    }

    /** The machine epsilon of {@code type}: 2^-52 for doubles, 2^-23 for float32 (twice the unit roundoff). */
    static double machineEpsilon(DataType type) {
        return type == DataType.FLOAT32 ? Math.ulp(1.0f) : Math.ulp(1.0);
    }

    /** The relative change of the probe's most-moved element divided by the relative perturbation. */
    private static double amplification(ElementDiff worst, double epsilon) {
        return worst.relError() / epsilon;
    }

    /**
     * {@code suiteCase} with every element x of its inputs, initial states and parameters replaced by
     * x·(1 ± epsilon), the signs drawn from the case's seed. Targets and the mask are labels, not data: unchanged.
     * A change of x·ε with ε one machine epsilon moves x by one or two units in its last place, never by none.
     */
    static SuiteCase perturbed(SuiteCase suiteCase, double epsilon) {
        Case testCase = suiteCase.testCase();
        SplittableRandom signs = new SplittableRandom(testCase.seed() ^ SIGN_SEED);
        Map<String, Tensor> parameters = new LinkedHashMap<>();
        testCase.parameters().byName().forEach((name, tensor) -> parameters.put(name, perturbed(tensor, epsilon, signs)));
        Batch batch = testCase.batch();
        Batch changed = new Batch(perturbed(batch.inputs(), epsilon, signs), batch.targets(), batch.mask(),
                perturbed(batch.initialState(), epsilon, signs), perturbed(batch.initialCellState(), epsilon, signs));
        Case probe = new Case(testCase.id(), testCase.description(), testCase.spec(), new Parameters(parameters), changed,
                testCase.seed());
        return new SuiteCase(probe, suiteCase.truncation());
    }

    private static Tensor perturbed(Tensor tensor, double epsilon, SplittableRandom signs) {
        if (tensor == null) {
            return null;
        }
        double[] values = tensor.data().clone();
        for (int i = 0; i < values.length; i++) {
            values[i] += (signs.nextBoolean() ? epsilon : -epsilon) * Math.abs(values[i]);
        }
        return Tensor.of(values, tensor.shape().clone());
    }
}
