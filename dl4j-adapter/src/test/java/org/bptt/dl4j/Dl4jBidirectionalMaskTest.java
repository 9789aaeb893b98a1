package org.bptt.dl4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bptt.api.Batch;
import org.bptt.api.Cell;
import org.bptt.api.Combine;
import org.bptt.api.Head;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.bptt.api.Topology;
import org.junit.jupiter.api.Test;

/**
 * What a mask means to a reverse direction: a masked sequence must give the numbers it gives unpadded, its reverse
 * direction starting at its last valid step. DL4J's {@code Bidirectional(SimpleRnn)} and
 * {@code GravesBidirectionalLSTM} do; its
 * {@code Bidirectional(LSTM)} and {@code Bidirectional(GravesLSTM)} start at the padded end instead, giving exactly
 * the numbers of the padded sequence run without a mask (KNOWN_DIVERGENCES.md §11). The comparison is DL4J with
 * itself: the sequence padded and masked in a batch against the same sequence alone and cut to its length.
 */
class Dl4jBidirectionalMaskTest {

    /** DL4J with itself: same operations on the same numbers, so equal to rounding of a few operations. */
    private static final double SAME = 1e-13;

    @Test
    void aMaskedSequenceThroughBidirectionalSimpleRnnGivesTheNumbersItGivesUnpadded() {
        assertMaskedIsUnpadded(Dl4jTestSupport.DL4J, spec(Cell.ELMAN, false, Combine.CONCAT));
    }

    /** A summed GravesLSTM network is DL4J's GravesBidirectionalLSTM, which keeps the mask. */
    @Test
    void aMaskedSequenceThroughGravesBidirectionalLstmGivesTheNumbersItGivesUnpadded() {
        assertMaskedIsUnpadded(Dl4jTestSupport.DL4J_GRAVES_LSTM, spec(Cell.LSTM, true, Combine.SUM));
    }

    private static void assertMaskedIsUnpadded(Dl4jRnnPlugin plugin, ModelSpec spec) {
        Parameters parameters = StackedCases.parameters(spec, 3);
        Batch batch = StackedCases.batch(spec, 6, true, 5);
        int sequence = shortSequence(batch);
        Tensor masked = plugin.forward(spec, parameters, batch).hiddenStates();
        Tensor unpadded = plugin.forward(spec, parameters, alone(batch, sequence, batch.length(sequence))).hiddenStates();
        assertTrue(difference(masked, sequence, unpadded, batch.length(sequence)) <= SAME,
                spec.label() + ": the masked sequence's states are those of the same sequence unpadded");
    }

    @Test
    void aMaskedSequenceThroughBidirectionalLstmsReadsThePadding() {
        for (Dl4jRecurrentLayer layer : new Dl4jRecurrentLayer[] {Dl4jRecurrentLayer.LSTM, Dl4jRecurrentLayer.GRAVES_LSTM}) {
            ModelSpec spec = spec(Cell.LSTM, layer == Dl4jRecurrentLayer.GRAVES_LSTM, Combine.CONCAT);
            Parameters parameters = StackedCases.parameters(spec, 3);
            Batch batch = StackedCases.batch(spec, 6, true, 5);
            int sequence = shortSequence(batch);
            int length = batch.length(sequence);
            Dl4jRnnPlugin plugin = Dl4jTestSupport.lstmPlugin(layer);
            Tensor masked = plugin.forward(spec, parameters, batch).hiddenStates();
            Tensor unpadded = plugin.forward(spec, parameters, alone(batch, sequence, length)).hiddenStates();
            Tensor paddingAsData = plugin.forward(spec, parameters, alone(batch, sequence, batch.steps())).hiddenStates();
            assertTrue(difference(masked, sequence, unpadded, length) > 1e-3,
                    layer + ": the masked sequence's reverse states are not those of the sequence unpadded");
            assertTrue(difference(masked, sequence, paddingAsData, length) <= SAME,
                    layer + ": they are those of the padded sequence read without a mask");
        }
    }

    private static ModelSpec spec(Cell cell, boolean peepholes, Combine combine) {
        return StackedCases.spec(cell, peepholes, Head.PER_STEP_SOFTMAX, Topology.bidirectional(1, combine));
    }

    /** A sequence of the batch shorter than T. */
    private static int shortSequence(Batch batch) {
        for (int sequence = 0; sequence < batch.batchSize(); sequence++) {
            if (batch.length(sequence) < batch.steps()) {
                return sequence;
            }
        }
        throw new AssertionError("the batch has no masked sequence");
    }

    /** Sequence {@code sequence} of {@code batch} alone, its first {@code steps} steps, without a mask. */
    private static Batch alone(Batch batch, int sequence, int steps) {
        int features = batch.inputs().size(2);
        int outputs = batch.targets().size(2);
        Tensor inputs = Tensor.zeros(1, steps, features);
        Tensor targets = Tensor.zeros(1, steps, outputs);
        for (int step = 0; step < steps; step++) {
            for (int j = 0; j < features; j++) {
                inputs.set(batch.inputs().get(sequence, step, j), 0, step, j);
            }
            // Padded steps have all-zero targets; a sequence read without a mask needs a distribution at every step.
            boolean padded = step >= batch.length(sequence);
            for (int k = 0; k < outputs; k++) {
                targets.set(padded ? (k == 0 ? 1 : 0) : batch.targets().get(sequence, step, k), 0, step, k);
            }
        }
        return new Batch(inputs, targets, null, null);
    }

    /** The largest difference of the states at the first {@code length} steps of a batch's sequence and a lone one's. */
    private static double difference(Tensor batchStates, int sequence, Tensor aloneStates, int length) {
        double largest = 0;
        for (int step = 0; step < length; step++) {
            for (int i = 0; i < batchStates.size(2); i++) {
                largest = Math.max(largest, Math.abs(batchStates.get(sequence, step, i) - aloneStates.get(0, step, i)));
            }
        }
        return largest;
    }
}
