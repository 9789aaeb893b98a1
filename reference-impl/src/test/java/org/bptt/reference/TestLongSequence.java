package org.bptt.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bptt.api.Case;
import org.bptt.api.GradientResult;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Aggregated BPTT on T = 10,000 steps, H = 128, d = K = 16: its memory grows with T, not T², so it runs in the
 * 1 GiB heap this module's tests are given (maven-surefire-plugin's argLine in this module's pom).
 */
class TestLongSequence extends ReferenceTestBase {

    @Test
    void tenThousandStepsFitInOneGibibyte() {
        ModelSpec spec = ModelSpec.of(16, 128, 16);
        Case testCase = RandomCases.build(spec, 1, 10_000, false, true, random);
        StepBackpropCounter counter = new StepBackpropCounter();
        GradientResult result = AggregatedBptt.gradients(spec, testCase.parameters(), testCase.batch(), counter);
        assertEquals(10_000, counter.count());
        assertTrue(Double.isFinite(result.loss()) && result.loss() > 0, "loss " + result.loss());
        Parameters gradients = result.parameterGradients();
        for (String name : gradients.byName().keySet()) {
            assertFinite("dL/d" + name, gradients.get(name));
        }
        assertFinite("dL/dx", result.inputGradients());
        assertFinite("dL/dh", result.hiddenStateGradients());
        assertFinite("dL/dh_{-1}", result.initialStateGradients());
        assertTrue(Runtime.getRuntime().maxMemory() <= 1L << 30, "the test must run with at most 1 GiB of heap, has "
                + Runtime.getRuntime().maxMemory());
    }

    private static void assertFinite(String what, Tensor tensor) {
        int bad = tensor.firstNonFinite();
        assertTrue(bad < 0, () -> what + java.util.Arrays.toString(tensor.indexOf(bad)) + " is " + tensor.data()[bad]);
        assertTrue(tensor.norm() > 0, what + " is all zero");
    }
}
