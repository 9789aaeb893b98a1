package org.bptt.reference;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bptt.api.Case;
import org.bptt.api.ModelSpec;
import org.junit.jupiter.api.Test;

/** RTRL's size guard (its agreement with BPTT is in {@link TestAlgorithmsAgree}, its closed forms in {@link TestLectureExample}). */
class TestRealTimeRecurrentLearning extends ReferenceTestBase {

    @Test
    void refusesACaseTooLargeForForwardModeWithAMessage() {
        ModelSpec spec = ModelSpec.of(16, 128, 16);
        Case large = RandomCases.build(spec, 1, 1000, false, false, random);
        UnsupportedOperationException error = assertThrows(UnsupportedOperationException.class,
                () -> new ReferenceRtrlRnn().gradients(spec, large.parameters(), large.batch()));
        assertTrue(error.getMessage().contains("T = 1000") && error.getMessage().contains("H = 128"), error.getMessage());
    }

    @Test
    void theAgreementTestsSizesAreWellWithinTheLimit() {
        assertTrue(RealTimeRecurrentLearning.multiplyAdds(ModelSpec.of(3, 4, 3), 3, 64) < RealTimeRecurrentLearning.MAX_MULTIPLY_ADDS / 1000);
    }
}
