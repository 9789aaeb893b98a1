package org.bptt.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.bptt.api.Activation;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.DataType;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.RnnImplementation;
import org.bptt.api.Tensor;
import org.bptt.core.cases.CaseGenerator;
import org.bptt.core.cases.Suite;
import org.bptt.core.cases.SuiteCase;
import org.bptt.core.cases.WeightInit;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.plugins.PluginRegistry;
import org.junit.jupiter.api.Test;

/**
 * Ill-conditioned cases told apart from bugs ({@link SensitivityProbe}): a chaotic case failed by a correct
 * implementation is {@link Status#ILL_CONDITIONED}; a wrong implementation still fails where the case is
 * well-conditioned.
 */
class IllConditionedTest {

    private static final PluginRegistry REGISTRY = PluginRegistry.discover(List.of());
    private static final LoadedPlugin ORACLE = REGISTRY.require("reference-aggregated");
    private static final RnnImplementation REFERENCE = ORACLE.implementation();
    private static final Verifier VERIFIER = new Verifier(TolerancePolicy.defaults(), Duration.ofSeconds(60));

    /** tanh, H = 40, W's spectral radius 3: the forward dynamics are chaotic. */
    static Case chaotic(int steps) {
        ModelSpec spec = new ModelSpec(Cell.ELMAN, 3, 40, 4, Activation.TANH, Head.PER_STEP_SOFTMAX, true,
                LossReduction.SUM, DataType.FLOAT64);
        return CaseGenerator.generate("chaotic-T" + steps, spec, 1, steps, false, false, 7L,
                new CaseGenerator.Options(WeightInit.XAVIER, CaseGenerator.Rescaling.SPECTRAL_RADIUS, 3.0));
    }

    @Test
    void aChaoticCaseFailedByACorrectImplementationIsIllConditionedWithItsAmplification() {
        // reference-fast is correct (it passes every suite) but sums in another order than the oracle: on a chaotic
        // case its rounding grows to order one by the last step.
        CaseResult result = VERIFIER.verify(SuiteCase.fullBptt(chaotic(200)),
                REGISTRY.require("reference-fast"), ORACLE);
        assertEquals(Status.ILL_CONDITIONED, result.status(), result.message());
        assertTrue(result.message().startsWith("ill-conditioned: "), result.message());
        // Order-one relative changes from a perturbation of 2^-52: an amplification near 1/2^-52 = 4.5e15.
        assertTrue(result.message().matches(".*amplification \\d\\.\\de\\+1[45]: .*"), result.message());
        assertTrue(result.comparisons().stream().anyMatch(c -> !c.passed()), "the comparisons are kept for the report");
    }

    @Test
    void aWellConditionedQuantityStillFailsAWrongImplementationOnAChaoticCase() {
        // At T = 50 the perturbation of one machine epsilon moves dL/dh_t beyond tolerance but not dL/db (the
        // mutant's only wrong quantity, the oracle's own code otherwise): dropping it is still a failure.
        CaseResult result = VERIFIER.verify(SuiteCase.fullBptt(chaotic(50)),
                LoadedPlugin.of(new TestPlugins.DroppedBiasGradient(REFERENCE), "test"), ORACLE);
        assertEquals(Status.FAILED, result.status(), result.message());
        assertTrue(result.message().startsWith("dL/db[i="), result.message());
    }

    @Test
    void aDroppedBiasGradientStillFailsEveryDefaultCaseWithBiases() {
        List<SuiteCase> cases = Suite.DEFAULT.cases(42L, EnumSet.of(Cell.ELMAN)).stream()
                .filter(c -> c.spec().biases()).map(SuiteCase::fullBptt).toList();
        LoadedPlugin mutant = LoadedPlugin.of(new TestPlugins.DroppedBiasGradient(REFERENCE), "test");
        List<CaseResult> results = VERIFIER.verifyAll(cases, mutant, ORACLE, null);
        List<String> notFailed = new java.util.ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            Case testCase = cases.get(i).testCase();
            // Where every ReLU unit is off at every step, dL/db is exactly zero and dropping it is not wrong.
            boolean dbIsZero = REFERENCE.gradients(testCase.spec(), testCase.parameters(), testCase.batch())
                    .parameterGradients().get("b").norm() == 0;
            Status expected = dbIsZero ? Status.PASSED : Status.FAILED;
            if (results.get(i).status() != expected) {
                notFailed.add(results.get(i).caseId() + " " + results.get(i).status() + ": " + results.get(i).message());
            }
        }
        assertTrue(notFailed.isEmpty(), notFailed.size() + " of " + cases.size() + " not failed: " + notFailed);
    }

    @Test
    void thePerturbationMovesEveryNonZeroDatumByOneOrTwoUlpsAndLeavesLabelsAlone() {
        SuiteCase original = SuiteCase.fullBptt(CaseGenerator.generate("probe", new ModelSpec(Cell.LSTM, 3, 4, 2,
                Activation.TANH, Head.PER_STEP_SOFTMAX, true, LossReduction.SUM, DataType.FLOAT64), 3, 5, true, true, 3L));
        double epsilon = SensitivityProbe.machineEpsilon(DataType.FLOAT64);
        Case before = original.testCase();
        Case after = SensitivityProbe.perturbed(original, epsilon).testCase();
        assertEquals(before.batch().targets(), after.batch().targets());
        assertEquals(before.batch().mask(), after.batch().mask());
        List<Tensor[]> pairs = new java.util.ArrayList<>();
        pairs.add(new Tensor[] {before.batch().inputs(), after.batch().inputs()});
        pairs.add(new Tensor[] {before.batch().initialState(), after.batch().initialState()});
        pairs.add(new Tensor[] {before.batch().initialCellState(), after.batch().initialCellState()});
        before.parameters().byName().forEach((name, tensor) -> pairs.add(new Tensor[] {tensor, after.parameters().get(name)}));
        int up = 0;
        int down = 0;
        for (Tensor[] pair : pairs) {
            for (int i = 0; i < pair[0].length(); i++) {
                double x = pair[0].data()[i];
                double moved = pair[1].data()[i] - x;
                if (x == 0) {
                    assertEquals(0, moved, "a zero stays zero");
                    continue;
                }
                // x + x·2^-52 lies between one and two ulps of x away from it: rounding lands on one of them.
                double ulps = Math.abs(moved) / Math.ulp(x);
                assertTrue(ulps == 1 || ulps == 2, x + " moved by " + ulps + " ulps");
                if (moved > 0 == x > 0) {
                    up++;
                } else {
                    down++;
                }
            }
        }
        assertTrue(up > 0 && down > 0, "random signs: " + up + " up, " + down + " down");
    }

    @Test
    void machineEpsilonIsOneUlpOfOneInEachType() {
        assertEquals(Math.pow(2, -52), SensitivityProbe.machineEpsilon(DataType.FLOAT64));
        assertEquals(Math.pow(2, -23), SensitivityProbe.machineEpsilon(DataType.FLOAT32));
    }
}
