package org.bptt.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.Cell;
import org.bptt.api.DataType;
import org.bptt.api.DocumentedLimitException;
import org.bptt.api.ExactComputation;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Quantity;
import org.bptt.api.Results;
import org.bptt.api.RnnImplementation;
import org.bptt.api.Tensor;
import org.bptt.api.Truncation;
import org.bptt.api.WrongComputation;
import org.bptt.core.cases.CaseGenerator;
import org.bptt.core.cases.SuiteCase;
import org.bptt.core.compare.QuantityComparison;
import org.bptt.core.compare.TensorComparator;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.core.plugins.ExpectedOutputs;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.plugins.PluginCalls;
import org.bptt.core.plugins.PluginRegistry;
import org.junit.jupiter.api.Test;

/** A model of a wrong computation explains a failure only when the implementation's numbers match the model's. */
class WrongComputationCheckTest {

    private static final PluginRegistry REGISTRY = PluginRegistry.discover(List.of());
    private static final LoadedPlugin ORACLE = REGISTRY.require("reference-aggregated");
    private static final RnnImplementation REFERENCE = ORACLE.implementation();
    private static final ExactComputation EXACT = new OracleComputation(new PluginCalls(Duration.ofSeconds(30)).isolate(ORACLE));
    private static final WrongComputationCheck CHECK = new WrongComputationCheck(TolerancePolicy.defaults());

    private static final ModelSpec SPEC = new ModelSpec(Cell.ELMAN, 3, 4, 3, Activation.TANH, Head.PER_STEP_SOFTMAX, true,
            LossReduction.SUM, DataType.FLOAT64);
    private static final SuiteCase CASE = SuiteCase.fullBptt(CaseGenerator.generate("model", SPEC, 2, 6, true, false, 23L));

    /** The exact computation with the hidden bias's gradient never accumulated. */
    private static final WrongComputation DROPPED_BIAS_GRADIENT = new WrongComputation() {
        @Override
        public String description() {
            return "dL/db never accumulated";
        }

        @Override
        public Results predict(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation,
                               ExactComputation exact) {
            GradientResult right = exact.gradients(spec, parameters, batch);
            return new Results(exact.forward(spec, parameters, batch), new GradientResult(right.loss(),
                    right.parameterGradients().with(ParameterNames.B, Tensor.zeros(spec.hiddenSize())),
                    right.inputGradients(), right.initialStateGradients(), right.hiddenStateGradients()));
        }
    };

    private static Results resultsOf(RnnImplementation implementation) {
        var testCase = CASE.testCase();
        return new Results(implementation.forward(SPEC, testCase.parameters(), testCase.batch()),
                implementation.gradients(SPEC, testCase.parameters(), testCase.batch()));
    }

    private static List<QuantityComparison> againstExact(Results actual) {
        return new ResultComparator(new TensorComparator(TolerancePolicy.defaults()))
                .compare(resultsOf(REFERENCE), actual, SPEC, CASE.testCase().batch(), ExpectedOutputs.commonTo(ORACLE, ORACLE));
    }

    private static QuantityComparison failed(List<QuantityComparison> comparisons, Quantity quantity) {
        QuantityComparison comparison = comparisons.stream().filter(c -> c.quantity().equals(quantity)).findFirst().orElseThrow();
        assertFalse(comparison.passed(), quantity + " differs from the exact value");
        return comparison;
    }

    @Test
    void theModelOfTheMistakeMadeExplainsIt() {
        Results actual = resultsOf(new TestPlugins.DroppedBiasGradient(REFERENCE));
        WrongComputationCheck.Match match = CHECK.check(DROPPED_BIAS_GRADIENT, CASE, actual, EXACT,
                ExpectedOutputs.commonTo(ORACLE, ORACLE));
        assertTrue(match.notApplicable().isEmpty());
        assertTrue(match.explains(failed(againstExact(actual), Quantity.gradientOf(ParameterNames.B))));
    }

    @Test
    void aDifferentWrongAnswerIsNotExplained() {
        // Transposing W makes dL/dW (and more) wrong; a model of a dropped bias gradient predicts none of it.
        Results actual = resultsOf(new TestPlugins.TransposedRecurrence(REFERENCE));
        List<QuantityComparison> exact = againstExact(actual);
        WrongComputationCheck.Match match = CHECK.check(DROPPED_BIAS_GRADIENT, CASE, actual, EXACT,
                ExpectedOutputs.commonTo(ORACLE, ORACLE));
        long explained = exact.stream().filter(match::explains).count();
        assertTrue(exact.stream().anyMatch(c -> !c.passed()));
        assertEquals(0, explained);
    }

    @Test
    void aPassingQuantityIsNeverExplained() {
        Results actual = resultsOf(REFERENCE);
        WrongComputationCheck.Match match = CHECK.check(DROPPED_BIAS_GRADIENT, CASE, actual, EXACT,
                ExpectedOutputs.commonTo(ORACLE, ORACLE));
        assertTrue(againstExact(actual).stream().noneMatch(match::explains));
    }

    @Test
    void aModelThatDoesNotCoverTheCaseExplainsNothingAndSaysWhy() {
        WrongComputation limited = new WrongComputation() {
            @Override
            public String description() {
                return "only for last-step heads";
            }

            @Override
            public Results predict(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation,
                                   ExactComputation exact) {
                throw new DocumentedLimitException("this model covers last-step heads only");
            }
        };
        Results actual = resultsOf(new TestPlugins.DroppedBiasGradient(REFERENCE));
        WrongComputationCheck.Match match = CHECK.check(limited, CASE, actual, EXACT, ExpectedOutputs.commonTo(ORACLE, ORACLE));
        assertEquals("this model covers last-step heads only", match.notApplicable().orElseThrow());
        assertTrue(againstExact(actual).stream().noneMatch(match::explains));
    }
}
