package org.bptt.experiments.reproduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bptt.api.InvalidInputException;
import org.bptt.experiments.train.SgdTrainer;
import org.junit.jupiter.api.Test;

class CellResultTest {

    @Test
    void theCheckpointTextRoundTripsEveryDoubleExactly() {
        CellResult result = new CellResult("0003-adding-T10-lstm-sgd-s1", "reference-aggregated", List.of(
                new SgdTrainer.Evaluation(0, 0.1 + 0.2, 1.0 / 3, Math.PI),
                new SgdTrainer.Evaluation(25, Double.NaN, 0.0, Double.POSITIVE_INFINITY),
                new SgdTrainer.Evaluation(50, 4.9e-324, 1.0, -0.0)), 37, "loss is NaN\nat step 37", "");
        CellResult read = CellResult.parse(result.toText(), "test");
        assertEquals(result, read);
        assertEquals("loss is NaN at step 37", read.divergence(), "a checkpoint line stays one line");
        assertEquals(50, read.firstSolved().step());
    }

    @Test
    void aMalformedCheckpointNamesItsFile() {
        InvalidInputException error = assertThrows(InvalidInputException.class,
                () -> CellResult.parse("something else\n", "cells/x.cell"));
        assertTrue(error.getMessage().contains("cells/x.cell"), error.getMessage());
    }
}
