package org.bptt.dl4j;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.Case;
import org.bptt.api.DataType;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.bptt.core.cases.CaseGenerator;
import org.bptt.core.gradcheck.FiniteDifferences;
import org.bptt.core.gradcheck.GradientCheck;
import org.deeplearning4j.nn.api.layers.RecurrentLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The evidence for KNOWN_DIVERGENCES.md that is not about truncated BPTT ({@link Dl4jTruncatedBpttTest}): each
 * test shows DL4J differing from finite differences in one specific way while the reference agrees with them.
 * Finite differences come from harness-core's {@link FiniteDifferences} (fourth-order central differences of
 * each implementation's own forward loss, on eight seeded elements per tensor to keep DL4J's share fast) or, where
 * DL4J is driven directly, from {@link PlainFiniteDifferences}.
 */
class Dl4jKnownDivergencesTest {

    /** What a correct gradient reaches against fourth-order finite differences (relative error, floor 1e-8). */
    private static final double FINITE_DIFFERENCE_AGREEMENT = 1e-6;
    /** A difference this large is an error in the mathematics, not rounding. */
    private static final double CLEAR_DISAGREEMENT = 1e-2;

    /**
     * Last-step heads with a mask: DL4J's dL/dx (from {@code MultiLayerNetwork.calculateGradients}) misses finite
     * differences of DL4J's own forward loss, while its parameter gradients (from
     * {@code computeGradientAndScore}) and all of the reference's gradients match. Calling calculateGradients
     * without the features mask gives the right dL/dx, which confirms the cause: calculateGradients hands the
     * features mask to the forward pass in place of the labels mask.
     */
    @ParameterizedTest
    @EnumSource(value = Head.class, names = {"LAST_STEP_SOFTMAX", "LAST_STEP_SIGMOID"})
    void inputGradientsOfMaskedLastStepHeadsMissFiniteDifferences(Head head) {
        ModelSpec spec = new ModelSpec(3, 4, head == Head.LAST_STEP_SIGMOID ? 1 : 3, Activation.TANH, head, true,
                LossReduction.MEAN_OVER_BATCH, DataType.FLOAT64);
        Case testCase = CaseGenerator.generate("masked-last-step", spec, 3, 6, true, false, 3);
        Batch batch = testCase.batch();
        assertTrue(Dl4jKnownDivergences.inputGradientsDiverge(testCase), "the predicate must cover this case");
        assertTrue(batch.length(0) < 6 || batch.length(1) < 6 || batch.length(2) < 6, "the case needs a short sequence");

        FiniteDifferences finiteDifferences = new FiniteDifferences(FiniteDifferences.DEFAULT_EPSILON, 8, 17);
        GradientCheck dl4j = finiteDifferences.check(Dl4jTestSupport.DL4J, testCase);
        GradientCheck reference = finiteDifferences.check(Dl4jTestSupport.REFERENCE, testCase);
        assertTrue(reference.passed(FINITE_DIFFERENCE_AGREEMENT), reference::describe);
        for (String name : Parameters.NAMES) {
            assertTrue(dl4j.parameter(name).orElseThrow().passed(FINITE_DIFFERENCE_AGREEMENT), dl4j::describe);
        }
        assertTrue(dl4j.parameter("x").orElseThrow().maxRelativeError() > CLEAR_DISAGREEMENT, dl4j::describe);

        Tensor withoutFeaturesMask = calculateGradientsInputGradient(spec, testCase.parameters(), batch, false);
        Tensor withBothMasks = calculateGradientsInputGradient(spec, testCase.parameters(), batch, true);
        Tensor expected = Dl4jTestSupport.REFERENCE.gradients(spec, testCase.parameters(), batch).inputGradients();
        assertTrue(Dl4jTestSupport.compareInputGradients(spec, batch, expected, withoutFeaturesMask).passed(),
                "calculateGradients without the features mask should give the right dL/dx");
        assertFalse(Dl4jTestSupport.compareInputGradients(spec, batch, expected, withBothMasks).passed(),
                "calculateGradients with both masks is the divergence");
    }

    /** Per-step heads pass the same array as features and labels mask, so the swap is harmless there. */
    @Test
    void inputGradientsOfMaskedPerStepHeadsAreRight() {
        ModelSpec spec = new ModelSpec(3, 4, 3, Activation.TANH, Head.PER_STEP_SOFTMAX, true, LossReduction.SUM,
                DataType.FLOAT64);
        Case testCase = CaseGenerator.generate("masked-per-step", spec, 3, 6, true, false, 3);
        assertFalse(Dl4jKnownDivergences.inputGradientsDiverge(testCase));
        GradientCheck dl4j = new FiniteDifferences(FiniteDifferences.DEFAULT_EPSILON, 8, 17)
                .check(Dl4jTestSupport.DL4J, testCase);
        assertTrue(dl4j.passed(FINITE_DIFFERENCE_AGREEMENT), dl4j::describe);
    }

    /**
     * Why INITIAL_STATE is not declared. DL4J can start from a given h_{-1} only through its stored RNN state; set
     * as the truncated-BPTT state (with k1 = k2 = T, so nothing is truncated) it reaches the forward pass: the
     * loss, dV and dc match finite differences of the loss from that h_{-1}. But dU, dW and db miss them, because
     * SimpleRnn's backprop recomputes the hidden states from h = 0. The reference matches all five.
     */
    @Test
    void aGivenInitialStateReachesTheForwardPassButNotTheRecurrentGradients() {
        ModelSpec spec = new ModelSpec(3, 4, 3, Activation.TANH, Head.PER_STEP_SOFTMAX, true, LossReduction.SUM,
                DataType.FLOAT64);
        int steps = 5;
        Case testCase = CaseGenerator.generate("initial-state", spec, 2, steps, false, true, 5);
        Batch batch = testCase.batch();
        Parameters numeric = PlainFiniteDifferences.parameterGradients(spec, testCase.parameters(), batch);
        double expectedLoss = PlainElman.loss(spec, testCase.parameters(), batch);
        Parameters reference = Dl4jTestSupport.REFERENCE.gradients(spec, testCase.parameters(), batch).parameterGradients();

        MultiLayerNetwork network = Dl4jNetwork.build(Dl4jNetwork.Key.of(spec, new org.bptt.api.Truncation(steps, steps)));
        Dl4jNetwork.setParameters(network, spec, testCase.parameters());
        Dl4jBatch data = Dl4jBatch.of(spec, batch, org.nd4j.linalg.api.buffer.DataType.DOUBLE);
        INDArray initialState = Dl4jLayout.array(batch.initialState().data().clone(),
                org.nd4j.linalg.api.buffer.DataType.DOUBLE, batch.batchSize(), spec.hiddenSize());
        ((RecurrentLayer) network.getLayer(0)).rnnSetTBPTTState(Map.of("prevAct", initialState));
        network.setInput(data.features());
        network.setLabels(data.labels());
        network.computeGradientAndScore();
        double loss = network.score() * batch.batchSize();
        Parameters dl4j = Dl4jNetwork.parameterGradients(network.gradient().gradientForVariable(), 1.0);

        assertTrue(Math.abs(loss - expectedLoss) < 1e-12 * Math.abs(expectedLoss),
                "DL4J's loss from h_{-1}: " + loss + " vs " + expectedLoss);
        for (String name : Parameters.NAMES) {
            assertTrue(relativeDifference(reference.get(name), numeric.get(name)) < FINITE_DIFFERENCE_AGREEMENT,
                    "reference dL/d" + name + " from h_{-1} vs finite differences");
        }
        for (String name : List.of("V", "c")) {
            assertTrue(relativeDifference(dl4j.get(name), numeric.get(name)) < FINITE_DIFFERENCE_AGREEMENT,
                    "DL4J dL/d" + name + " from h_{-1} vs finite differences");
        }
        for (String name : List.of("U", "W", "b")) {
            assertTrue(relativeDifference(dl4j.get(name), numeric.get(name)) > CLEAR_DISAGREEMENT,
                    "DL4J dL/d" + name + " from h_{-1} was expected to miss finite differences");
        }
    }

    /** dL/dx from {@code MultiLayerNetwork.calculateGradients}, with or without the features mask. */
    private static Tensor calculateGradientsInputGradient(ModelSpec spec, Parameters parameters, Batch batch,
                                                          boolean withFeaturesMask) {
        MultiLayerNetwork network = Dl4jNetwork.build(Dl4jNetwork.Key.of(spec, null));
        Dl4jNetwork.setParameters(network, spec, parameters);
        Dl4jBatch data = Dl4jBatch.of(spec, batch, org.nd4j.linalg.api.buffer.DataType.DOUBLE);
        INDArray inputGradient = network.calculateGradients(data.features(), data.labels(),
                withFeaturesMask ? data.featureMask() : null, data.labelMask()).getSecond();
        Tensor gradient = Dl4jLayout.fromTimeLast(inputGradient);
        double divisor = spec.reduction().divisor(batch.batchSize(), batch.lossTerms(spec.head()));
        for (int i = 0; i < gradient.length(); i++) {
            gradient.data()[i] /= divisor;
        }
        return gradient;
    }

    /** max |a − b| / ‖b‖. */
    private static double relativeDifference(Tensor actual, Tensor expected) {
        return Dl4jTestSupport.maxAbsoluteDifference(actual, expected, null) / expected.norm();
    }
}
