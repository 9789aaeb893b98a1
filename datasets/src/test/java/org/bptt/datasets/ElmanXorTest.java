package org.bptt.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bptt.api.Batch;
import org.junit.jupiter.api.Test;

class ElmanXorTest {

    private final ElmanXor dataset = new ElmanXor();

    @Test
    void everyThirdBitIsTheXorOfTheTwoBeforeIt() {
        int steps = 15;
        Batch batch = dataset.batch(40, steps, 3L);
        assertNull(batch.mask(), "all sequences have T steps");
        Set<String> pairs = new HashSet<>();
        for (int b = 0; b < batch.batchSize(); b++) {
            List<Integer> bits = DatasetAssertions.stream(batch, b, (sequence, step) -> {
                double value = batch.inputs().get(sequence, step, 0);
                assertTrue(value == 0.0 || value == 1.0, "input " + value + " is not a bit");
                return (int) value;
            });
            assertEquals(steps + 1, bits.size());
            for (int start = 0; start + 2 < bits.size(); start += 3) {
                assertEquals(bits.get(start) ^ bits.get(start + 1), (int) bits.get(start + 2),
                        "bit " + (start + 2) + " of sequence " + b + " is not the XOR of the two before it: " + bits);
                pairs.add(bits.get(start) + "" + bits.get(start + 1));
            }
        }
        assertEquals(Set.of("00", "01", "10", "11"), pairs, "the first two bits of a triple are free");
    }

    @Test
    void theSameSeedGivesTheSameBitsAndAnotherSeedOthers() {
        assertEquals(dataset.batch(4, 12, 9L), dataset.batch(4, 12, 9L));
        assertNotEquals(dataset.batch(4, 12, 9L), dataset.batch(4, 12, 10L));
    }

    @Test
    void tokensAreTheBits() {
        Example example = dataset.examples(1, 5, 1L).get(0);
        for (int step = 0; step < example.length(); step++) {
            assertEquals(String.valueOf((int) example.inputs()[step][0]), example.inputTokens().get(step));
            if (step + 1 < example.length()) {
                assertEquals(example.inputTokens().get(step + 1), example.targetTokens().get(step));
            }
        }
    }

    @Test
    void aLengthBelowOneIsNamed() {
        DatasetAssertions.assertMessage(() -> dataset.examples(1, 0, 1L), "elman-xor", "at least 1 steps, got 0");
        DatasetAssertions.assertMessage(() -> dataset.examples(0, 3, 1L), "elman-xor", "number of examples");
    }
}
