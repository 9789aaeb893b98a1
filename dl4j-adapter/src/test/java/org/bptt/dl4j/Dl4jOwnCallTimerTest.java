package org.bptt.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bptt.api.Activation;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.CellOptions;
import org.bptt.api.DataType;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.OwnCallTimes;
import org.bptt.api.OwnCallTiming;
import org.bptt.api.OwnCallTiming.TimedCall;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.bptt.core.cases.CaseGenerator;
import org.junit.jupiter.api.Test;

/**
 * DL4J's own-call timer, as {@code bptt bench} uses it: it answers one positive time per repetition, the times add
 * up to no more than the wall time of the whole timing call (so each is one call's time, not a total or garbage),
 * it states its threads and the DL4J call it timed, and it leaves its arguments as they were.
 */
class Dl4jOwnCallTimerTest {

    private static final ModelSpec SPEC = new ModelSpec(Cell.ELMAN, 4, 8, 3, Activation.TANH, Head.PER_STEP_SOFTMAX,
            true, LossReduction.SUM, DataType.FLOAT64);

    @Test
    void everyDl4jPluginTimesItsOwnCalls() {
        assertTrue(Dl4jTestSupport.DL4J instanceof OwnCallTiming);
        assertTrue(Dl4jTestSupport.DL4J_LSTM instanceof OwnCallTiming);
        assertTrue(Dl4jTestSupport.DL4J_GRAVES_LSTM instanceof OwnCallTiming);
    }

    @Test
    void eachRepetitionGetsOnePositiveTimeWithinTheWallTimeOfTheWhole() {
        checkTimes((OwnCallTiming) Dl4jTestSupport.DL4J, SPEC);
    }

    @Test
    void theLstmPluginsTimeTheirOwnCallsToo() {
        ModelSpec lstm = SPEC.withCell(Cell.LSTM, CellOptions.lstm(false, false));
        checkTimes((OwnCallTiming) Dl4jTestSupport.DL4J_LSTM, lstm);
        checkTimes((OwnCallTiming) Dl4jTestSupport.DL4J_GRAVES_LSTM, lstm);
    }

    private static void checkTimes(OwnCallTiming timing, ModelSpec spec) {
        Case testCase = CaseGenerator.generate("own-call", spec, 3, 16, true, false, 11);
        Parameters parameters = testCase.parameters().copy();
        Tensor inputs = testCase.batch().inputs().copy();
        for (TimedCall call : TimedCall.values()) {
            long start = System.nanoTime();
            OwnCallTimes times = timing.timeOwnCalls(spec, testCase.parameters(), testCase.batch(), call, 2, 5);
            long wall = System.nanoTime() - start;
            long[] nanos = times.nanosPerRepetition();
            assertEquals(5, nanos.length, call.name());
            long sum = 0;
            for (long repetition : nanos) {
                assertTrue(repetition > 0, call + ": " + repetition);
                sum += repetition;
            }
            assertTrue(sum <= wall, call + ": the repetitions took " + sum + " ns of a timing call of " + wall + " ns");
            assertTrue(times.threads() >= 1, call + ": threads " + times.threads());
            assertTrue(times.how().contains(call == TimedCall.FORWARD ? "output(" : "computeGradientAndScore()"),
                    times.how());
        }
        assertEquals(parameters, testCase.parameters());
        assertEquals(inputs, testCase.batch().inputs());
    }

    @Test
    void noRepetitionIsRefused() {
        Case testCase = CaseGenerator.generate("own-call", SPEC, 1, 2, false, false, 12);
        assertThrows(IllegalArgumentException.class, () -> Dl4jTestSupport.DL4J.timeOwnCalls(SPEC,
                testCase.parameters(), testCase.batch(), TimedCall.FORWARD_BACKWARD, 0, 0));
    }
}
