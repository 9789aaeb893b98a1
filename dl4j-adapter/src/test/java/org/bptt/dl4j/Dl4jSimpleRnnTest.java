package org.bptt.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.ServiceLoader;

import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.Capability;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.DataType;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.RnnImplementation;
import org.bptt.api.Tensor;
import org.bptt.api.Truncation;
import org.bptt.core.cases.CaseGenerator;
import org.bptt.core.gradcheck.FiniteDifferences;
import org.bptt.core.gradcheck.GradientCheck;
import org.bptt.core.plugins.PluginCallFailure;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The adapter's own contract: identity, capabilities, refusals, layout, isolation between calls, precision. */
class Dl4jSimpleRnnTest {

    @Test
    void describesItself() {
        var info = new Dl4jSimpleRnn().info();
        assertEquals("dl4j", info.id());
        assertEquals("Deeplearning4j SimpleRnn", info.name());
        assertEquals("1.0.0-M2.1", info.version(), "read from deeplearning4j-nn's Maven metadata");
        assertEquals("Eclipse Deeplearning4j (adapter: bptt-harness)", info.vendor());
    }

    @Test
    void declaresExactlyWhatWorks() {
        assertEquals(EnumSet.of(Capability.TANH, Capability.SIGMOID, Capability.RELU, Capability.IDENTITY,
                Capability.PER_STEP_SOFTMAX, Capability.LAST_STEP_SOFTMAX, Capability.LAST_STEP_SIGMOID,
                Capability.BIASES, Capability.NO_BIASES, Capability.MASKS, Capability.FLOAT64, Capability.FLOAT32,
                Capability.HIDDEN_STATES, Capability.INITIAL_STATE,
                Capability.INPUT_GRADIENTS, Capability.TRUNCATED_BPTT, Capability.STACKED, Capability.BIDIRECTIONAL_CONCAT,
                Capability.BIDIRECTIONAL_SUM, Capability.BIDIRECTIONAL_MEAN, Capability.BIDIRECTIONAL_PRODUCT),
                new Dl4jSimpleRnn().capabilities());
    }

    @Test
    void isFoundByTheServiceLoader() {
        List<RnnImplementation> found = ServiceLoader.load(RnnImplementation.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(implementation -> implementation.info().id().equals("dl4j"))
                .toList();
        assertEquals(1, found.size());
        assertTrue(found.get(0) instanceof Dl4jSimpleRnn);
    }

    /**
     * Without biases both DL4J biases are held at zero and their gradients discarded: the gradients come back
     * without b and c, in full and truncated BPTT, and the network is left with zero biases.
     */
    @Test
    void aModelWithoutBiasesHasNoBiasGradients() {
        ModelSpec spec = spec(Head.PER_STEP_SOFTMAX, DataType.FLOAT64).withBiases(false);
        Case testCase = CaseGenerator.generate("no-bias", spec, 2, 3, false, false, 1);
        var gradients = Dl4jTestSupport.DL4J.gradients(spec, testCase.parameters(), testCase.batch()).parameterGradients();
        gradients.validate(spec);
        var truncated = Dl4jTestSupport.DL4J.truncatedGradients(spec, testCase.parameters(), testCase.batch(),
                new Truncation(2, 2)).parameterGradients();
        truncated.validate(spec);
        var network = Dl4jNetwork.build(Dl4jNetwork.Key.of(Dl4jRecurrentLayer.SIMPLE_RNN, spec, null));
        Dl4jNetwork.setParameters(network, Dl4jRecurrentLayer.SIMPLE_RNN, spec, testCase.parameters());
        assertEquals(0.0, network.getParam("0_b").amaxNumber().doubleValue());
        assertEquals(0.0, network.getParam("1_b").amaxNumber().doubleValue());
    }

    /**
     * A given h_{-1} reaches DL4J as one layer's stored state (KNOWN_DIVERGENCES.md §3): the forward pass from it is
     * exact; a stacked network with a given state is declined with the reason (a documented limit, so a skip).
     */
    @Test
    void runsForwardFromAGivenStateAndDeclinesItForAStackNamingTheReason() {
        ModelSpec spec = spec(Head.PER_STEP_SOFTMAX, DataType.FLOAT64);
        Case testCase = CaseGenerator.generate("h0", spec, 2, 3, false, true, 1);
        ForwardResult expected = Dl4jTestSupport.REFERENCE.forward(spec, testCase.parameters(), testCase.batch());
        ForwardResult actual = Dl4jTestSupport.DL4J.forward(spec, testCase.parameters(), testCase.batch());
        assertTrue(Dl4jTestSupport.failures("h0", Dl4jTestSupport.compareForward(spec, testCase.batch(), expected, actual))
                .isEmpty());
        ModelSpec stacked = spec.withTopology(org.bptt.api.Topology.forward(2));
        Case stackedCase = CaseGenerator.generate("h0", stacked, 2, 3, false, true, 1);
        org.bptt.api.DocumentedLimitException error = assertThrows(org.bptt.api.DocumentedLimitException.class,
                () -> Dl4jTestSupport.DL4J.forward(stacked, stackedCase.parameters(), stackedCase.batch()));
        assertTrue(error.getMessage().contains("given initial state") && error.getMessage().contains("§3"),
                error.getMessage());
    }

    /** Batch-first [B, T, F] ↔ DL4J's time-last [B, F, T], and the transposed weights. */
    @Test
    void mapsLayoutsElementByElement() {
        Tensor batchFirst = Tensor.of(new double[] {
            111, 112, 121, 122, 131, 132,     // sequence 1: steps 1..3, features 1..2
            211, 212, 221, 222, 231, 232}, 2, 3, 2);
        INDArray timeLast = Dl4jLayout.toTimeLast(batchFirst, org.nd4j.linalg.api.buffer.DataType.DOUBLE);
        assertEquals(List.of(2L, 2L, 3L), List.of(timeLast.size(0), timeLast.size(1), timeLast.size(2)));
        assertEquals(231.0, timeLast.getDouble(1, 0, 2));   // sequence 2, feature 1, step 3
        assertEquals(122.0, timeLast.getDouble(0, 1, 1));   // sequence 1, feature 2, step 2
        assertEquals(batchFirst, Dl4jLayout.fromTimeLast(timeLast));

        Tensor matrix = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);   // [H = 2, d = 3]
        INDArray transposed = Dl4jLayout.transposed(matrix, org.nd4j.linalg.api.buffer.DataType.DOUBLE);
        assertEquals(6.0, transposed.getDouble(2, 1));
        assertEquals(2.0, transposed.getDouble(1, 0));
        assertEquals(matrix, Dl4jLayout.transposedTensor(transposed));
    }

    /** Masks, stored state and cached networks leave nothing behind: results equal a fresh instance's, bit for bit. */
    @Test
    void leavesNoStateBetweenCalls() {
        ModelSpec spec = spec(Head.LAST_STEP_SOFTMAX, DataType.FLOAT64);
        Case masked = CaseGenerator.generate("masked", spec, 3, 5, true, false, 2);
        Case unmasked = CaseGenerator.generate("unmasked", spec, 3, 5, false, false, 3);
        Dl4jSimpleRnn used = new Dl4jSimpleRnn();
        used.gradients(spec, masked.parameters(), masked.batch());
        used.truncatedGradients(spec, masked.parameters(), masked.batch(), new Truncation(2, 2));
        used.forward(spec, masked.parameters(), masked.batch());
        GradientResult afterOthers = used.gradients(spec, unmasked.parameters(), unmasked.batch());
        ForwardResult forwardAfterOthers = used.forward(spec, unmasked.parameters(), unmasked.batch());

        Dl4jSimpleRnn fresh = new Dl4jSimpleRnn();
        GradientResult expected = fresh.gradients(spec, unmasked.parameters(), unmasked.batch());
        ForwardResult expectedForward = fresh.forward(spec, unmasked.parameters(), unmasked.batch());
        assertEquals(expected.loss(), afterOthers.loss());
        for (String name : ParameterNames.ALL) {
            assertEquals(expected.parameterGradients().get(name), afterOthers.parameterGradients().get(name), name);
        }
        assertEquals(expected.inputGradients(), afterOthers.inputGradients());
        assertEquals(expectedForward.hiddenStates(), forwardAfterOthers.hiddenStates());
        assertEquals(expectedForward.outputs(), forwardAfterOthers.outputs());
    }

    @Test
    void leavesItsArgumentsUnchanged() {
        ModelSpec spec = spec(Head.PER_STEP_SOFTMAX, DataType.FLOAT64);
        Case testCase = CaseGenerator.generate("arguments", spec, 3, 4, true, false, 4);
        Parameters parameters = testCase.parameters().copy();
        Batch batch = testCase.batch();
        Tensor inputs = batch.inputs().copy();
        Tensor targets = batch.targets().copy();
        Dl4jTestSupport.DL4J.gradients(spec, testCase.parameters(), batch);
        Dl4jTestSupport.DL4J.truncatedGradients(spec, testCase.parameters(), batch, new Truncation(2, 1));
        for (String name : ParameterNames.ALL) {
            assertEquals(parameters.get(name), testCase.parameters().get(name), name);
        }
        assertEquals(inputs, batch.inputs());
        assertEquals(targets, batch.targets());
    }

    /** float32 is computed in float (it differs from float64 by rounding) and ND4J's global default is restored. */
    @Test
    void computesFloat32InSinglePrecision() {
        org.nd4j.linalg.api.buffer.DataType defaultBefore = Nd4j.defaultFloatingPointType();
        ModelSpec spec = spec(Head.PER_STEP_SOFTMAX, DataType.FLOAT32);
        Case testCase = CaseGenerator.generate("float32", spec, 3, 17, false, false, 6);
        double single = Dl4jTestSupport.DL4J.forward(spec, testCase.parameters(), testCase.batch()).loss();
        double dual = Dl4jTestSupport.DL4J.forward(spec.withDataType(DataType.FLOAT64), testCase.parameters(),
                testCase.batch()).loss();
        assertNotEquals(dual, single, "float32 must not be computed in double");
        assertTrue(Math.abs(single - dual) < 1e-5 * Math.abs(dual), single + " vs " + dual);
        assertEquals(defaultBefore, Nd4j.defaultFloatingPointType());
    }

    /**
     * DL4J's gradients against finite differences of DL4J's own forward loss (harness-core's checker), one case
     * per head and activation family: an oracle that does not involve the reference at all. Four seeded
     * elements per tensor keep it fast (each element costs four DL4J forward passes).
     */
    @Test
    void gradientsMatchFiniteDifferencesOfItsOwnLoss() throws PluginCallFailure {
        List<ModelSpec> specs = List.of(
                spec(Head.PER_STEP_SOFTMAX, DataType.FLOAT64),
                spec(Head.LAST_STEP_SOFTMAX, DataType.FLOAT64).withActivation(Activation.SIGMOID),
                spec(Head.LAST_STEP_SIGMOID, DataType.FLOAT64).withActivation(Activation.IDENTITY)
                        .withReduction(LossReduction.MEAN_OVER_TERMS));
        FiniteDifferences finiteDifferences = new FiniteDifferences(FiniteDifferences.DEFAULT_EPSILON, 4, 13);
        for (ModelSpec spec : specs) {
            Case testCase = CaseGenerator.generate("fd", spec, 2, 3, false, false, 8);
            GradientCheck check = finiteDifferences.check(Dl4jTestSupport.isolated(Dl4jTestSupport.DL4J), testCase);
            assertTrue(check.passed(1e-6), check::describe);
        }
        ModelSpec perStepMasked = spec(Head.PER_STEP_SOFTMAX, DataType.FLOAT64).withActivation(Activation.RELU);
        Case masked = CaseGenerator.generate("fd-masked", perStepMasked, 3, 4, true, false, 9);
        GradientCheck check = finiteDifferences.check(Dl4jTestSupport.isolated(Dl4jTestSupport.DL4J), masked);
        assertTrue(check.passed(1e-6), check::describe);
    }

    private static ModelSpec spec(Head head, DataType dataType) {
        return new ModelSpec(Cell.ELMAN, 3, 4, head == Head.LAST_STEP_SIGMOID ? 1 : 3, Activation.TANH, head, true,
                LossReduction.SUM, dataType);
    }
}
