package org.bptt.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.bptt.api.Batch;
import org.bptt.api.Capability;
import org.bptt.api.Cell;
import org.bptt.api.Combine;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.Quantity;
import org.bptt.api.Tensor;
import org.bptt.api.Topology;
import org.nd4j.linalg.api.buffer.DataType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code dl4j-last-time-step} and {@code dl4j-lstm-last-time-step}, whose last-step heads read the top layer through
 * DL4J's {@code LastTimeStep}, against {@link PlainStacked} and its central finite differences (tolerances as in
 * {@link Dl4jStackedAgreementTest}), on masked batches: {@code LastTimeStep} must pick each sequence's last
 * unmasked step. Each quantity agrees, or differs and the plugin declares why. (No dL/dx: see
 * {@link #calculateGradientsThrowsOnAMaskedLastTimeStepNetwork}.)
 */
class Dl4jLastTimeStepTest {

    private static final double FORWARD_TOLERANCE = 1e-12;
    private static final double GRADIENT_TOLERANCE = 1e-7;
    private static final Dl4jLastTimeStep SIMPLE_RNN = new Dl4jLastTimeStep();
    private static final Dl4jLstmLastTimeStep LSTM = new Dl4jLstmLastTimeStep();

    static Stream<Arguments> networks() {
        List<Arguments> networks = new ArrayList<>();
        for (Cell cell : List.of(Cell.ELMAN, Cell.LSTM)) {
            for (Topology topology : List.of(Topology.SINGLE, Topology.forward(2), Topology.bidirectional(1, Combine.CONCAT),
                    Topology.bidirectional(2, Combine.SUM))) {
                for (Head head : List.of(Head.LAST_STEP_SOFTMAX, Head.LAST_STEP_SIGMOID)) {
                    networks.add(Arguments.of(cell, topology, head));
                }
            }
        }
        return networks.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("networks")
    void lastTimeStepPicksEachSequencesLastValidStepOrTheDifferenceIsDeclared(Cell cell, Topology topology, Head head) {
        ModelSpec spec = StackedCases.spec(cell, false, head, topology);
        Parameters parameters = StackedCases.parameters(spec, 21);
        Batch batch = StackedCases.batch(spec, 5, true, 23);
        Dl4jRnnPlugin plugin = cell == Cell.ELMAN ? SIMPLE_RNN : LSTM;

        PlainStacked.Forward expected = PlainStacked.forward(spec, parameters, batch);
        ForwardResult actual = plugin.forward(spec, parameters, batch);
        GradientResult gradients = plugin.gradients(spec, parameters, batch);
        List<String> differing = new ArrayList<>();
        check(differing, Quantity.LOSS, Math.abs(expected.loss() - actual.loss()), FORWARD_TOLERANCE);
        check(differing, Quantity.OUTPUTS, Dl4jTestSupport.maxAbsoluteDifference(expected.outputs(), actual.outputs(), null),
                FORWARD_TOLERANCE);
        check(differing, Quantity.HIDDEN_STATES, Dl4jTestSupport.maxAbsoluteDifference(expected.hiddenStates(),
                actual.hiddenStates(), batch.mask()), FORWARD_TOLERANCE);
        check(differing, Quantity.GRADIENT_LOSS, Math.abs(expected.loss() - gradients.loss()), FORWARD_TOLERANCE);
        for (String name : spec.parameterNames()) {
            Tensor numeric = PlainFiniteDifferences.gradient(parameters.get(name),
                    value -> PlainStacked.loss(spec, parameters.with(name, value), batch));
            check(differing, Quantity.gradientOf(name), Dl4jTestSupport.maxAbsoluteDifference(numeric,
                    gradients.parameterGradients().get(name), null), GRADIENT_TOLERANCE);
        }

        List<String> unexplained = new ArrayList<>();
        for (String quantity : differing) {
            Optional<String> why = plugin.knownDivergence(spec, parameters, batch, null, quantityNamed(spec, quantity)).map(org.bptt.api.WrongComputation::description);
            if (why.isEmpty()) {
                unexplained.add(quantity);
            }
        }
        assertEquals(List.of(), unexplained, "differences the plugin does not declare, of " + differing);
        if (cell == Cell.ELMAN) {
            assertEquals(List.of(), differing, "SimpleRnn in LastTimeStep agrees throughout");
        }
    }

    private static void check(List<String> differing, Quantity quantity, double difference, double tolerance) {
        if (!(difference <= tolerance)) {
            differing.add(quantity.name());
        }
    }

    private static Quantity quantityNamed(ModelSpec spec, String name) {
        for (Quantity quantity : List.of(Quantity.LOSS, Quantity.OUTPUTS, Quantity.HIDDEN_STATES, Quantity.GRADIENT_LOSS,
                Quantity.INPUT_GRADIENTS)) {
            if (quantity.name().equals(name)) {
                return quantity;
            }
        }
        for (String parameter : spec.parameterNames()) {
            if (Quantity.gradientOf(parameter).name().equals(name)) {
                return Quantity.gradientOf(parameter);
            }
        }
        throw new AssertionError("no quantity " + name);
    }

    @Test
    void declareLastStepHeadsOnlyAndNeitherDlDxNorTruncatedBptt() {
        for (Dl4jRnnPlugin plugin : List.of(SIMPLE_RNN, LSTM)) {
            Set<Capability> capabilities = plugin.capabilities();
            assertTrue(capabilities.containsAll(Set.of(Capability.LAST_STEP_SOFTMAX, Capability.LAST_STEP_SIGMOID,
                    Capability.MASKS, Capability.STACKED, Capability.BIDIRECTIONAL_CONCAT)), plugin.info().id());
            assertFalse(capabilities.contains(Capability.PER_STEP_SOFTMAX), plugin.info().id());
            assertFalse(capabilities.contains(Capability.INPUT_GRADIENTS), plugin.info().id());
            assertFalse(capabilities.contains(Capability.TRUNCATED_BPTT), plugin.info().id());
        }
    }

    /**
     * Why no dL/dx: {@code calculateGradients}, the only DL4J call returning it, passes the features mask where the
     * labels mask belongs (§1), which on this network's {@code OutputLayer} throws; without a mask it returns.
     */
    @Test
    void calculateGradientsThrowsOnAMaskedLastTimeStepNetwork() {
        ModelSpec spec = StackedCases.spec(Cell.ELMAN, false, Head.LAST_STEP_SOFTMAX, Topology.SINGLE);
        Batch batch = StackedCases.batch(spec, 5, true, 23);
        MultiLayerNetwork network = Dl4jStackedNetwork.build(Dl4jStackedNetwork.Key.lastTimeStep(Dl4jRecurrentLayer.SIMPLE_RNN, spec));
        Dl4jStackedNetwork.setParameters(network, Dl4jRecurrentLayer.SIMPLE_RNN, spec, StackedCases.parameters(spec, 21));
        Dl4jBatch data = Dl4jBatch.of(spec, batch, DataType.DOUBLE).forLastTimeStep(batch, DataType.DOUBLE);
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> network.calculateGradients(data.features(), data.labels(), data.featureMask(), null));
        assertTrue(thrown.getMessage().startsWith("Invalid mask array"), thrown.getMessage());
        network.clearLayerMaskArrays();
        assertArrayEquals(new long[] {3, 3, 5},
                network.calculateGradients(data.features(), data.labels(), null, null).getSecond().shape(),
                "dL/dx [B, d, T] without a mask");
    }
}
