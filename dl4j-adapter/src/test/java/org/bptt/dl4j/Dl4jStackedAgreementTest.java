package org.bptt.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.bptt.api.Batch;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DL4J's stacked and bidirectional networks (SimpleRnn, LSTM and GravesLSTM layers; the {@code Bidirectional}
 * wrapper in each of its modes) against {@link PlainStacked}, an oracle written here from the package documentation:
 * hidden states, outputs and loss against its forward pass, every gradient against its central finite differences.
 * The batches are masked (three sequences of different lengths), so a reverse direction that started at the padded
 * end instead of each sequence's last valid step would show: DL4J's bidirectional LSTMs do (KNOWN_DIVERGENCES.md §11),
 * and there the test asserts that they differ and that the plugin declares it.
 *
 * <p>Tolerances: the forward values are sums of a few dozen O(1) terms evaluated in another order, equal to about
 * 1e-15; 1e-12 leaves room and still catches any mistake of the mathematics. The finite differences (step 1e-6,
 * central) carry a truncation error of order 1e-12 and a rounding error of order 1e-16 / 1e-6 = 1e-10 per element,
 * so gradients are compared to 1e-7.
 */
class Dl4jStackedAgreementTest {

    private static final double FORWARD_TOLERANCE = 1e-12;
    private static final double GRADIENT_TOLERANCE = 1e-7;

    static Stream<Arguments> networks() {
        List<Topology> topologies = List.of(Topology.forward(2),
                Topology.bidirectional(1, Combine.CONCAT), Topology.bidirectional(1, Combine.SUM),
                Topology.bidirectional(1, Combine.MEAN), Topology.bidirectional(1, Combine.PRODUCT),
                Topology.bidirectional(2, Combine.CONCAT), Topology.bidirectional(2, Combine.MEAN));
        List<Arguments> networks = new ArrayList<>();
        for (Dl4jRecurrentLayer layer : Dl4jRecurrentLayer.values()) {
            for (Topology topology : topologies) {
                for (Head head : List.of(Head.PER_STEP_SOFTMAX, Head.LAST_STEP_SOFTMAX)) {
                    networks.add(Arguments.of(layer, topology, head));
                }
            }
        }
        return networks.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("networks")
    void dl4jAgreesWithThePlainNetworkAndItsFiniteDifferences(Dl4jRecurrentLayer layer, Topology topology, Head head) {
        ModelSpec spec = StackedCases.spec(layer == Dl4jRecurrentLayer.SIMPLE_RNN ? Cell.ELMAN : Cell.LSTM,
                layer == Dl4jRecurrentLayer.GRAVES_LSTM, head, topology);
        Parameters parameters = StackedCases.parameters(spec, 7);
        Batch batch = StackedCases.batch(spec, 5, true, 11);
        Dl4jRnnPlugin plugin = plugin(layer);

        PlainStacked.Forward expected = PlainStacked.forward(spec, parameters, batch);
        ForwardResult actual = plugin.forward(spec, parameters, batch);
        if (Dl4jKnownDivergences.bidirectionalLstmReadsThePadding(layer, spec, batch)) {
            assertTrue(Math.abs(expected.loss() - actual.loss()) > 1e-6,
                    "DL4J's bidirectional " + layer + " reads the padding (§11), so its loss differs");
            List<Quantity> quantities = new ArrayList<>(List.of(Quantity.HIDDEN_STATES, Quantity.OUTPUTS, Quantity.LOSS,
                    Quantity.GRADIENT_LOSS, Quantity.INPUT_GRADIENTS));
            spec.parameterNames().forEach(name -> quantities.add(Quantity.gradientOf(name)));
            for (Quantity quantity : quantities) {
                assertTrue(plugin.knownDivergence(spec, parameters, batch, null, quantity).map(org.bptt.api.WrongComputation::description).orElse("").contains("§11"),
                        quantity + " is declared a known divergence (§11)");
            }
            return;
        }
        assertEquals(expected.loss(), actual.loss(), FORWARD_TOLERANCE, "loss");
        assertClose("y", expected.outputs(), actual.outputs(), spec.head().lastStepOnly() ? null : batch.mask(), FORWARD_TOLERANCE);
        assertClose("h", expected.hiddenStates(), actual.hiddenStates(), batch.mask(), FORWARD_TOLERANCE);

        GradientResult gradients = plugin.gradients(spec, parameters, batch);
        assertEquals(expected.loss(), gradients.loss(), FORWARD_TOLERANCE, "loss (gradients)");
        for (String name : spec.parameterNames()) {
            Tensor numeric = PlainFiniteDifferences.gradient(parameters.get(name),
                    value -> PlainStacked.loss(spec, parameters.with(name, value), batch));
            assertClose("dL/d" + name, numeric, gradients.parameterGradients().get(name), null, GRADIENT_TOLERANCE);
        }
        Tensor numericInput = PlainFiniteDifferences.gradient(batch.inputs(), inputs -> PlainStacked.loss(spec, parameters,
                new Batch(inputs, batch.targets(), batch.mask(), null)));
        if (Dl4jKnownDivergences.inputGradientsDiverge(spec, batch)) {
            assertTrue(plugin.knownDivergence(spec, parameters, batch, null, Quantity.INPUT_GRADIENTS).isPresent(),
                    "dL/dx of a masked last-step head is the documented calculateGradients bug (§1)");
        } else {
            assertClose("dL/dx", numericInput, gradients.inputGradients(), batch.mask(), GRADIENT_TOLERANCE);
        }
    }

    private static Dl4jRnnPlugin plugin(Dl4jRecurrentLayer layer) {
        return switch (layer) {
            case SIMPLE_RNN -> Dl4jTestSupport.DL4J;
            case LSTM -> Dl4jTestSupport.DL4J_LSTM;
            case GRAVES_LSTM -> Dl4jTestSupport.DL4J_GRAVES_LSTM;
        };
    }

    /** Every element within {@code tolerance}, skipping masked steps of per-step tensors when a mask is given. */
    static void assertClose(String quantity, Tensor expected, Tensor actual, Tensor mask, double tolerance) {
        assertArrayEquals(expected.shape(), actual.shape(), quantity + " shape");
        double worst = Dl4jTestSupport.maxAbsoluteDifference(expected, actual, mask);
        assertTrue(worst <= tolerance, quantity + ": largest difference " + worst + " exceeds " + tolerance);
    }
}
