package org.bptt.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.bptt.api.Activation;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.DataType;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.core.cases.CaseGenerator;
import org.bptt.core.cases.Suite;
import org.bptt.core.cases.SuiteCase;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.core.gradcheck.FiniteDifferences;
import org.bptt.core.gradcheck.GradientCheck;
import org.bptt.core.plugins.PluginCallFailure;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.verify.CaseResult;
import org.bptt.core.verify.Status;
import org.bptt.core.verify.Verifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DL4J without biases (SimpleRnn's bias held at zero and its gradient discarded, no output bias) is the model
 * h_t = f(U x_t + W h_{t-1}), o_t = V h_t: it agrees with {@code reference-aggregated} across activations × heads,
 * with and without masks, and its gradients match finite differences of its own loss.
 */
class Dl4jWithoutBiasesTest {

    static Stream<Arguments> combinations() {
        List<Arguments> combinations = new ArrayList<>();
        for (Activation activation : Activation.values()) {
            for (Head head : Head.values()) {
                for (boolean masked : new boolean[] {false, true}) {
                    combinations.add(Arguments.of(activation, head, masked));
                }
            }
        }
        return combinations.stream();
    }

    /**
     * Forward (loss, y, h), the loss with the gradients, dL/dU, dL/dW, dL/dV and dL/dx at B = 3, T ∈ {1, 17}, each
     * in float64 with the reduction taking turns, and at T = 17 in float32. dL/dx of masked last-step heads is the
     * known divergence and is left out, as in {@link Dl4jSimpleRnnAgreementTest}.
     */
    @ParameterizedTest(name = "{0} {1} masked={2}")
    @MethodSource("combinations")
    void agreesWithTheReference(Activation activation, Head head, boolean masked) {
        long seed = 500L + 10L * activation.ordinal() + 3L * head.ordinal() + (masked ? 1 : 0);
        LossReduction reduction = LossReduction.values()[(int) (seed % LossReduction.values().length)];
        List<String> failures = new ArrayList<>();
        for (int steps : new int[] {1, 17}) {
            failures.addAll(Dl4jSimpleRnnAgreementTest.compare(CaseGenerator.generate("no-bias",
                    spec(activation, head, reduction, DataType.FLOAT64), 3, steps, masked, false, seed + steps)));
        }
        failures.addAll(Dl4jSimpleRnnAgreementTest.compare(CaseGenerator.generate("no-bias-f32",
                spec(activation, head, reduction, DataType.FLOAT32), 3, 17, masked, false, seed)));
        assertTrue(failures.isEmpty(), () -> String.join("\n", failures));
    }

    @Test
    void gradientsMatchFiniteDifferencesOfItsOwnLoss() throws PluginCallFailure {
        Case testCase = CaseGenerator.generate("no-bias-fd", spec(Activation.TANH, Head.PER_STEP_SOFTMAX, LossReduction.SUM,
                DataType.FLOAT64), 2, 6, true, false, 9);
        GradientCheck check = new FiniteDifferences(FiniteDifferences.DEFAULT_EPSILON, 8, 17).check(Dl4jTestSupport.isolated(Dl4jTestSupport.DL4J), testCase);
        assertTrue(check.passed(1e-6), check::describe);
        assertTrue(check.parameter("b").isEmpty() && check.parameter("c").isEmpty(), "no bias is checked: " + check.describe());
    }

    /** The lecture's worked example (tanh, no biases, per-step softmax, T = 3) passes the harness's verification. */
    @Test
    void theLecturesWorkedExamplePasses() {
        Verifier verifier = new Verifier(TolerancePolicy.defaults(), Duration.ofSeconds(60));
        CaseResult result = verifier.verify(SuiteCase.fullBptt(Suite.workedExample(42L)), LoadedPlugin.of(Dl4jTestSupport.DL4J, "test"),
                LoadedPlugin.of(Dl4jTestSupport.REFERENCE, "test"));
        assertEquals(Status.PASSED, result.status(), result.message());
        assertEquals(List.of("h", "y", "loss", "loss (gradients)", "dL/dU", "dL/dW", "dL/dV", "dL/dx"),
                result.comparisons().stream().map(c -> c.quantity().name()).toList());
    }

    private static ModelSpec spec(Activation activation, Head head, LossReduction reduction, DataType dataType) {
        return new ModelSpec(Cell.ELMAN, 3, 4, head == Head.LAST_STEP_SIGMOID ? 1 : 3, activation, head, false, reduction, dataType);
    }
}
