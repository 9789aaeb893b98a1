package org.bptt.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.bptt.api.Case;
import org.bptt.api.Head;
import org.bptt.api.ModelSpec;
import org.bptt.api.Truncation;
import org.junit.jupiter.api.Test;

/** The work each algorithm does, counted in step-backprops (applications of the chain rule through one step). */
class TestStepBackpropCounts extends ReferenceTestBase {

    @Test
    void perStepHeadNaiveIsQuadraticAndAggregatedLinear() {
        ModelSpec spec = ModelSpec.of(3, 4, 3);
        for (int steps : new int[] {1, 2, 3, 17, 64}) {
            Case testCase = RandomCases.build(spec, 1, steps, false, false, random);
            assertEquals((long) steps * (steps + 1) / 2, naiveCount(testCase), "naive, T = " + steps);
            assertEquals(steps, aggregatedCount(testCase), "aggregated, T = " + steps);
        }
    }

    @Test
    void eachSequenceCountsWithItsOwnLength() {
        ModelSpec spec = ModelSpec.of(3, 4, 3);
        Case testCase = RandomCases.build(spec, new int[] {5, 1, 3}, 5, true, false, random);
        assertEquals(15 + 1 + 6, naiveCount(testCase));
        assertEquals(5 + 1 + 3, aggregatedCount(testCase));
    }

    @Test
    void lastStepHeadsCostTStepBackpropsEitherWay() {
        for (Head head : new Head[] {Head.LAST_STEP_SOFTMAX, Head.LAST_STEP_SIGMOID}) {
            ModelSpec spec = ModelSpec.of(3, 4, 3).withHead(head);
            Case testCase = RandomCases.build(spec, new int[] {17, 4}, 17, true, false, random);
            assertEquals(17 + 4, naiveCount(testCase), head + " naive");
            assertEquals(17 + 4, aggregatedCount(testCase), head + " aggregated");
        }
    }

    /** T = 10, k1 = 4, k2 = 6: chunks end at τ = 3, 7, 9 with windows 0…3, 2…7, 4…9: 4 + 6 + 6 sweeps. */
    @Test
    void truncatedAggregatedSweepsEachWindowOnce() {
        ModelSpec spec = ModelSpec.of(3, 4, 3);
        Case testCase = RandomCases.build(spec, 1, 10, false, false, random);
        StepBackpropCounter counter = new StepBackpropCounter();
        AggregatedBptt.truncatedGradients(spec, testCase.parameters(), testCase.batch(), new Truncation(4, 6), counter);
        assertEquals(4 + 6 + 6, counter.count());
    }

    /** The same counts for every option of the GRU and the LSTM: the algorithms do not depend on the cell. */
    @Test
    void gatedCellsCountAsTheElmanCellDoes() {
        for (ModelSpec spec : GatedSpecs.everyOption(ModelSpec.of(3, 4, 3))) {
            for (int steps : new int[] {1, 2, 3, 17}) {
                Case testCase = RandomCases.build(spec, 1, steps, false, true, random);
                assertEquals((long) steps * (steps + 1) / 2, naiveCount(testCase), spec.label() + " naive, T = " + steps);
                assertEquals(steps, aggregatedCount(testCase), spec.label() + " aggregated, T = " + steps);
            }
            Case masked = RandomCases.build(spec, new int[] {5, 1, 3}, 5, true, false, random);
            assertEquals(15 + 1 + 6, naiveCount(masked), spec.label() + " naive, masked");
            assertEquals(5 + 1 + 3, aggregatedCount(masked), spec.label() + " aggregated, masked");
            ModelSpec lastStep = spec.withHead(Head.LAST_STEP_SOFTMAX);
            Case lastStepCase = RandomCases.build(lastStep, new int[] {17, 4}, 17, true, false, random);
            assertEquals(17 + 4, naiveCount(lastStepCase), spec.label() + " naive, last-step head");
            assertEquals(17 + 4, aggregatedCount(lastStepCase), spec.label() + " aggregated, last-step head");
            Case truncated = RandomCases.build(spec, 1, 10, false, false, random);
            StepBackpropCounter counter = new StepBackpropCounter();
            AggregatedBptt.truncatedGradients(spec, truncated.parameters(), truncated.batch(), new Truncation(4, 6), counter);
            assertEquals(4 + 6 + 6, counter.count(), spec.label() + " truncated aggregated");
        }
    }

    private static long naiveCount(Case testCase) {
        StepBackpropCounter counter = new StepBackpropCounter();
        NaiveBptt.gradients(testCase.spec(), testCase.parameters(), testCase.batch(), counter);
        return counter.count();
    }

    private static long aggregatedCount(Case testCase) {
        StepBackpropCounter counter = new StepBackpropCounter();
        AggregatedBptt.gradients(testCase.spec(), testCase.parameters(), testCase.batch(), counter);
        return counter.count();
    }
}
