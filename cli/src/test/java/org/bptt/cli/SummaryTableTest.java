package org.bptt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTableTest {

    @Test
    void aSkipThatLacksSeveralCapabilitiesCountsUnderEach() {
        assertEquals(List.of("dl4j-lstm lacks GRU_RESET_AFTER", "dl4j-lstm lacks TWO_BIASES"),
                SummaryTable.skipReasonsOf("dl4j-lstm lacks GRU_RESET_AFTER, TWO_BIASES"));
        assertEquals(List.of("oracle vectors lacks LSTM"), SummaryTable.skipReasonsOf("oracle vectors lacks LSTM"));
    }

    @Test
    void anyOtherReasonIsKeptWhole() {
        assertEquals(List.of("RTRL stores dh/dθ: too large, 3 GB"), SummaryTable.skipReasonsOf("RTRL stores dh/dθ: too large, 3 GB"));
    }
}
