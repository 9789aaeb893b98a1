package org.bptt.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.List;
import java.util.Optional;

import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.Cell;
import org.bptt.api.DataType;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Quantity;
import org.bptt.api.Tensor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * KNOWN_DIVERGENCES.md §5: ND4J's softmax gives NaN for a row whose logits all underflow exp, when the array has
 * more than one row, and DL4J's loss and gradients inherit it. Expected values come from the softmax written out:
 * softmax([o, o + 1]) = [1 / (1 + e), e / (1 + e)] for any o.
 */
class Dl4jSoftmaxUnderflowTest {

    private static final double FIRST = 1 / (1 + Math.E);
    private static final double SECOND = Math.E / (1 + Math.E);
    /** Rounding of a few exp and log evaluations on a loss of about 2 (a few dozen ulp). */
    private static final double LOSS_ROUNDING = 1e-13;

    @Test
    void nd4jSoftmaxGivesNaNForAnUnderflowedRowOnlyWhenTheArrayHasMoreThanOneRow() {
        INDArray twoRows = Nd4j.createFromArray(new double[][] {{-750, -749}, {1, 2}});
        INDArray twoRowsSoftmax = new ActivationSoftmax().getActivation(twoRows.dup(), false);
        assertTrue(Double.isNaN(twoRowsSoftmax.getDouble(0, 0)) && Double.isNaN(twoRowsSoftmax.getDouble(0, 1)),
                "row 0 of softmax([[-750, -749], [1, 2]]) is " + twoRowsSoftmax.getRow(0));
        assertEquals(FIRST, twoRowsSoftmax.getDouble(1, 0), 1e-15);
        assertEquals(SECOND, twoRowsSoftmax.getDouble(1, 1), 1e-15);

        INDArray oneRow = new ActivationSoftmax().getActivation(Nd4j.createFromArray(new double[][] {{-750, -749}}), false);
        assertEquals(FIRST, oneRow.getDouble(0, 0), 1e-15);
        assertEquals(SECOND, oneRow.getDouble(0, 1), 1e-15);
    }

    /**
     * relu, d = H = 1, K = 2, B = 1, T = 2, so DL4J's output layer has two rows: x = (1, −1), U = 1, W = 0, b = 0 gives
     * h = (1, 0); V = (−750, −749)ᵀ, c = 0 gives logits (−750, −749) at step 0 and (0, 0) at step 1. With targets
     * class 0 then class 1 the exact loss (sum) is −log(1/(1+e)) − log(1/2) = log(1 + e) + log 2.
     */
    @Test
    void dl4jLossAndGradientsAreNaNWhereTheReferenceIsFiniteAndTheAdapterExplainsThem() {
        ModelSpec spec = new ModelSpec(Cell.ELMAN, 1, 1, 2, Activation.RELU, Head.PER_STEP_SOFTMAX, true, LossReduction.SUM,
                DataType.FLOAT64);
        Parameters parameters = parameters(-750, -749);
        Batch batch = batch();

        ForwardResult reference = Dl4jTestSupport.REFERENCE.forward(spec, parameters, batch);
        assertEquals(Math.log(1 + Math.E) + Math.log(2), reference.loss(), LOSS_ROUNDING);
        GradientResult referenceGradients = Dl4jTestSupport.REFERENCE.gradients(spec, parameters, batch);
        assertTrue(finite(referenceGradients), "the reference's gradients are finite");

        ForwardResult forward = Dl4jTestSupport.DL4J.forward(spec, parameters, batch);
        assertEquals(1.0, forward.hiddenStates().get(0, 0, 0));
        assertEquals(0.0, forward.hiddenStates().get(0, 1, 0));
        assertTrue(Double.isNaN(forward.loss()), "DL4J's forward loss is " + forward.loss());
        GradientResult gradients = Dl4jTestSupport.DL4J.gradients(spec, parameters, batch);
        assertTrue(Double.isNaN(gradients.loss()), "DL4J's loss is " + gradients.loss());
        assertTrue(Double.isNaN(gradients.parameterGradients().get(ParameterNames.V).get(0, 0)), "DL4J's dL/dV is "
                + gradients.parameterGradients().get(ParameterNames.V));
        assertTrue(Double.isNaN(gradients.inputGradients().get(0, 0, 0)), "DL4J's dL/dx is " + gradients.inputGradients());

        for (Quantity quantity : List.of(Quantity.LOSS, Quantity.GRADIENT_LOSS, Quantity.gradientOf("U"), Quantity.gradientOf("V"),
                Quantity.gradientOf("c"), Quantity.INPUT_GRADIENTS)) {
            Optional<org.bptt.api.WrongComputation> explanation = Dl4jTestSupport.DL4J.knownDivergence(spec, parameters,
                    batch, null, quantity);
            assertTrue(explanation.isPresent(), "no explanation for " + quantity);
            String description = explanation.get().description();
            assertTrue(description.contains("ActivationSoftmax") && description.contains("§5"), description);
            assertTrue(explanation.get().caseDetail().contains("o[b=0, t=0] = [-750.000, -749.000]"),
                    "the case's detail names the underflowed row: " + explanation.get().caseDetail());
        }
        assertTrue(Dl4jTestSupport.DL4J.knownDivergence(spec, parameters, batch, null, Quantity.HIDDEN_STATES).isEmpty(),
                "h is not affected");
    }

    @Test
    void noExplanationWhenNoRowUnderflows() {
        ModelSpec spec = new ModelSpec(Cell.ELMAN, 1, 1, 2, Activation.RELU, Head.PER_STEP_SOFTMAX, true, LossReduction.SUM,
                DataType.FLOAT64);
        Parameters parameters = parameters(-2, -1);
        Batch batch = batch();
        GradientResult gradients = Dl4jTestSupport.DL4J.gradients(spec, parameters, batch);
        assertEquals(Math.log(1 + Math.E) + Math.log(2), gradients.loss(), LOSS_ROUNDING);
        assertTrue(finite(gradients));
        assertTrue(Dl4jTestSupport.DL4J.knownDivergence(spec, parameters, batch, null, Quantity.GRADIENT_LOSS).isEmpty());
    }

    private static Parameters parameters(double firstOutputWeight, double secondOutputWeight) {
        return new Parameters(Map.of(ParameterNames.U, Tensor.of(new double[] {1}, 1, 1),
                ParameterNames.W, Tensor.of(new double[] {0}, 1, 1), ParameterNames.B, Tensor.of(new double[] {0}, 1),
                ParameterNames.V, Tensor.of(new double[] {firstOutputWeight, secondOutputWeight}, 2, 1),
                ParameterNames.C, Tensor.of(new double[] {0, 0}, 2)));
    }

    private static Batch batch() {
        return new Batch(Tensor.of(new double[] {1, -1}, 1, 2, 1), Tensor.of(new double[] {1, 0, 0, 1}, 1, 2, 2), null, null);
    }

    private static boolean finite(GradientResult result) {
        boolean finite = Double.isFinite(result.loss()) && result.inputGradients().firstNonFinite() < 0;
        for (Tensor gradient : result.parameterGradients().byName().values()) {
            finite &= gradient.firstNonFinite() < 0;
        }
        return finite;
    }
}
