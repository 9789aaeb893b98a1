package org.bptt.reference;

import static org.bptt.reference.TensorAssertions.assertClose;
import static org.bptt.reference.TensorAssertions.assertSameGradients;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.bptt.api.Activation;
import org.bptt.api.Capability;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.CellOptions;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.InvalidInputException;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.ResetPlacement;
import org.bptt.api.Tensor;
import org.bptt.api.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * reference-fast computes what the readable reference computes: forward pass and every gradient, on every
 * activation × head × biases × mask × h_{-1} combination of the Elman cell, and every option × head × mask ×
 * h_{-1}, c_{-1} combination of the LSTM. Tolerance as in {@link TestAlgorithmsAgree}: the two sum
 * the same products in different orders (blocked, four at a time, per chunk of sequences).
 */
class TestFastAggregatedBptt extends ReferenceTestBase {

    static Stream<Arguments> models() {
        return TestAlgorithmsAgree.models();
    }

    @ParameterizedTest(name = "{0} {1} biases={2}")
    @MethodSource("models")
    void fastAgreesWithTheReadableReference(Activation activation, Head head, boolean biases) {
        int combination = 0;
        for (boolean masked : new boolean[] {false, true}) {
            for (boolean initialState : new boolean[] {false, true}) {
                // B = 5 splits into chunks of different sizes on a machine with 2 or more cores.
                for (int batchSize : new int[] {1, 5}) {
                    for (int steps : new int[] {1, 2, 3, 17, 64}) {
                        LossReduction reduction = LossReduction.values()[combination++ % LossReduction.values().length];
                        // Sizes that are not multiples of four exercise the products' remainder loops.
                        ModelSpec spec = ModelSpec.of(3, 7, 5).withActivation(activation).withHead(head)
                                .withBiases(biases).withReduction(reduction);
                        Case testCase = RandomCases.build(spec, batchSize, steps, masked, initialState, random);
                        assertAgree(testCase);
                    }
                }
            }
        }
    }

    static Stream<ModelSpec> lstms() {
        return GatedSpecs.everyOption(ModelSpec.of(3, 7, 5)).stream().filter(spec -> spec.cell() == Cell.LSTM);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lstms")
    void fastLstmAgreesWithTheReadableReference(ModelSpec lstm) {
        int combination = 0;
        for (Head head : Head.values()) {
            for (boolean masked : new boolean[] {false, true}) {
                for (boolean initialState : new boolean[] {false, true}) {
                    for (int batchSize : new int[] {1, 5}) {
                        for (int steps : new int[] {1, 2, 17}) {
                            LossReduction reduction = LossReduction.values()[combination++ % LossReduction.values().length];
                            ModelSpec spec = lstm.withHead(head).withReduction(reduction);
                            assertAgree(RandomCases.build(spec, batchSize, steps, masked, initialState, random));
                        }
                    }
                }
            }
        }
    }

    @Test
    void agreesOnALargerLstmWithManySteps() {
        ModelSpec spec = ModelSpec.of(16, 40, 8).withCell(Cell.LSTM, CellOptions.lstm(true, true));
        assertAgree(RandomCases.build(spec, 3, 200, true, true, random));
    }

    @Test
    void refusesWhatItDoesNotRun() {
        ModelSpec gru = ModelSpec.of(3, 4, 3).withCell(Cell.GRU, CellOptions.gru(ResetPlacement.AFTER, false));
        Case gruCase = RandomCases.build(gru, 2, 3, false, false, random);
        InvalidInputException noGru = assertThrows(InvalidInputException.class,
                () -> new ReferenceFastRnn().gradients(gru, gruCase.parameters(), gruCase.batch()));
        assertTrue(noGru.getMessage().contains("not the GRU"), noGru.getMessage());
        ModelSpec stacked = ModelSpec.of(3, 4, 3).withCell(Cell.LSTM, CellOptions.lstm(false, false))
                .withTopology(Topology.forward(2));
        Case stackedCase = RandomCases.build(stacked, 2, 3, false, false, random);
        InvalidInputException noStack = assertThrows(InvalidInputException.class,
                () -> new ReferenceFastRnn().forward(stacked, stackedCase.parameters(), stackedCase.batch()));
        assertTrue(noStack.getMessage().contains("one layer in one direction"), noStack.getMessage());
        assertFalse(new ReferenceFastRnn().capabilities().contains(Capability.STACKED));
        assertFalse(new ReferenceFastRnn().capabilities().contains(Capability.GRU_RESET_AFTER));
    }

    @Test
    void agreesOnALargerModelWithManySteps() {
        ModelSpec spec = ModelSpec.of(16, 64, 16);
        assertAgree(RandomCases.build(spec, 3, 300, true, true, random));
    }

    @Test
    void theFastPluginIsTheFastAlgorithm() {
        ModelSpec spec = ModelSpec.of(3, 4, 3);
        Case testCase = RandomCases.build(spec, 3, 6, true, true, random);
        GradientResult direct = new FastAggregatedBptt(spec, testCase.parameters()).gradients(testCase.batch());
        GradientResult plugin = new ReferenceFastRnn().gradients(spec, testCase.parameters(), testCase.batch());
        assertSameGradients("plugin vs algorithm", direct, plugin, 0, 0);
        assertEquals(ReferenceFastRnn.ID, new ReferenceFastRnn().info().id());
    }

    /**
     * The recurrence runs a step for all the sequences of a chunk at once; each sequence must still get exactly the
     * numbers it gets alone (each row of a product is the same sum in the same order), so that a result does not
     * depend on the batch around it nor on the number of cores. Per-sequence quantities, summed loss (divisor 1).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("elmanAndLstm")
    void aSequenceGetsTheSameBitsWhateverItIsBatchedWith(ModelSpec spec) {
        Case batched = RandomCases.build(spec, new int[] {7, 3, 7, 1, 6, 5, 2}, 7, true, true, random);
        ForwardResult batchForward = new FastAggregatedBptt(spec, batched.parameters()).forward(batched.batch());
        GradientResult batchGradients = new FastAggregatedBptt(spec, batched.parameters()).gradients(batched.batch());
        for (int sequence = 0; sequence < batched.batch().batchSize(); sequence++) {
            org.bptt.api.Batch alone = sequenceAlone(batched.batch(), sequence);
            ForwardResult forward = new FastAggregatedBptt(spec, batched.parameters()).forward(alone);
            GradientResult gradients = new FastAggregatedBptt(spec, batched.parameters()).gradients(alone);
            String what = "sequence " + sequence;
            assertArrayEquals(forward.hiddenStates().data(), row(batchForward.hiddenStates(), sequence), 0.0, what + " h");
            assertArrayEquals(forward.outputs().data(), row(batchForward.outputs(), sequence), 0.0, what + " y");
            assertArrayEquals(gradients.inputGradients().data(), row(batchGradients.inputGradients(), sequence), 0.0,
                    what + " dL/dx");
            assertArrayEquals(gradients.hiddenStateGradients().data(), row(batchGradients.hiddenStateGradients(), sequence),
                    0.0, what + " dL/dh");
            assertArrayEquals(gradients.initialStateGradients().data(),
                    row(batchGradients.initialStateGradients(), sequence), 0.0, what + " dL/dh_{-1}");
            if (spec.cell().hasCellState()) {
                assertArrayEquals(forward.cellStates().data(), row(batchForward.cellStates(), sequence), 0.0, what + " c");
                assertArrayEquals(gradients.initialCellStateGradients().data(),
                        row(batchGradients.initialCellStateGradients(), sequence), 0.0, what + " dL/dc_{-1}");
            }
        }
    }

    static Stream<ModelSpec> elmanAndLstm() {
        ModelSpec elman = ModelSpec.of(5, 9, 4).withReduction(LossReduction.SUM);
        return Stream.of(elman, elman.withCell(Cell.LSTM, CellOptions.lstm(true, true)));
    }

    /** Row {@code sequence} of a tensor whose first axis is the batch's. */
    private static double[] row(Tensor tensor, int sequence) {
        int size = tensor.data().length / tensor.shape()[0];
        return java.util.Arrays.copyOfRange(tensor.data(), sequence * size, (sequence + 1) * size);
    }

    /** Sequence {@code sequence} of {@code batch} as a batch of its own. */
    private static org.bptt.api.Batch sequenceAlone(org.bptt.api.Batch batch, int sequence) {
        return new org.bptt.api.Batch(alone(batch.inputs(), sequence), alone(batch.targets(), sequence),
                alone(batch.mask(), sequence), alone(batch.initialState(), sequence),
                alone(batch.initialCellState(), sequence));
    }

    private static Tensor alone(Tensor tensor, int sequence) {
        if (tensor == null) {
            return null;
        }
        int[] shape = tensor.shape().clone();
        shape[0] = 1;
        return Tensor.of(row(tensor, sequence), shape);
    }

    private static void assertAgree(Case testCase) {
        ModelSpec spec = testCase.spec();
        ForwardResult expectedForward = new RecurrentNetwork(spec, testCase.parameters()).forward(testCase.batch());
        ForwardResult actualForward = new FastAggregatedBptt(spec, testCase.parameters()).forward(testCase.batch());
        assertClose(testCase.id() + " loss", expectedForward.loss(), actualForward.loss(), TestAlgorithmsAgree.RELATIVE,
                TestAlgorithmsAgree.FLOOR);
        assertClose(testCase.id() + " h", expectedForward.hiddenStates(), actualForward.hiddenStates(),
                TestAlgorithmsAgree.RELATIVE, TestAlgorithmsAgree.FLOOR);
        assertClose(testCase.id() + " y", expectedForward.outputs(), actualForward.outputs(),
                TestAlgorithmsAgree.RELATIVE, TestAlgorithmsAgree.FLOOR);
        assertClose(testCase.id() + " c", expectedForward.cellStates(), actualForward.cellStates(),
                TestAlgorithmsAgree.RELATIVE, TestAlgorithmsAgree.FLOOR);
        GradientResult expected = AggregatedBptt.gradients(spec, testCase.parameters(), testCase.batch(), new StepBackpropCounter());
        GradientResult actual = new FastAggregatedBptt(spec, testCase.parameters()).gradients(testCase.batch());
        assertSameGradients(testCase.id() + " fast vs aggregated", expected, actual, TestAlgorithmsAgree.RELATIVE,
                TestAlgorithmsAgree.FLOOR);
    }
}
