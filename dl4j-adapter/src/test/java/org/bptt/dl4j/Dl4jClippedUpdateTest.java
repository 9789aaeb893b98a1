package org.bptt.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

import org.bptt.api.Activation;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.DataType;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Quantity;
import org.bptt.api.Tensor;
import org.bptt.core.cases.CaseGenerator;
import org.bptt.core.compare.IndexLabels;
import org.bptt.core.compare.QuantityComparison;
import org.bptt.experiments.clipping.GradientClipping;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * DL4J's clipped update ({@link Dl4jClippedUpdate}: one {@code fit} with {@code Sgd(η)} and a
 * {@code GradientNormalization}) against the reference: θ − η · clip(g), where g is {@code reference-aggregated}'s
 * gradient of the MEAN_OVER_BATCH loss and clip the matching {@link GradientClipping} rule:
 * <pre>
 *   ClipElementWiseAbsoluteValue  ↔  byValue
 *   ClipL2PerLayer                ↔  byGroupNorm(LAYERS)          ({U, W, b}, {V, c})
 *   ClipL2PerParamType            ↔  byGroupNorm(EACH_PARAMETER)
 * </pre>
 * Compared: DL4J's step (θ − θ')/η with clip(g), under the harness's default tolerance policy. η = 0.5, a power of
 * two, so recovering the step from θ' costs at most one rounding of θ' (≈ 2e-16 · |θ'| after the division), far
 * below the policy's floor of 1e-12. Thresholds are derived from the reference's unclipped gradient so that
 * clipping really happens (asserted: a norm exceeds its threshold, an element exceeds the value), and in one case per
 * rule it does not. Each clipping case also asserts that clip(g) differs from g beyond the tolerance, so a DL4J step
 * that ignored the clipping would fail. B = 3 with a mask: DL4J divides by B before clipping, and a clip applied
 * to the summed gradient would differ.
 */
class Dl4jClippedUpdateTest {

    private static final double LEARNING_RATE = 0.5;
    private static final int BATCH_SIZE = 3;
    private static final int STEPS = 5;

    /** One case per head, each with another activation; the seed fixes weights, inputs, targets and mask. */
    private static Case testCase(Head head) {
        Activation activation = switch (head) {
            case PER_STEP_SOFTMAX -> Activation.TANH;
            case LAST_STEP_SOFTMAX -> Activation.RELU;
            case LAST_STEP_SIGMOID -> Activation.SIGMOID;
        };
        ModelSpec spec = new ModelSpec(Cell.ELMAN, 3, 4, head == Head.LAST_STEP_SIGMOID ? 1 : 3, activation, head, true,
                LossReduction.MEAN_OVER_BATCH, DataType.FLOAT64);
        return CaseGenerator.generate("clipping", spec, BATCH_SIZE, STEPS, true, false, 6000L + head.ordinal());
    }

    private static Parameters referenceGradient(Case testCase) {
        return Dl4jTestSupport.REFERENCE.gradients(testCase.spec(), testCase.parameters(), testCase.batch())
                .parameterGradients();
    }

    @ParameterizedTest
    @EnumSource(Head.class)
    void clipByValueMatchesClipElementWiseAbsoluteValue(Head head) {
        Case testCase = testCase(head);
        Parameters gradient = referenceGradient(testCase);
        double largest = largestMagnitude(gradient);
        double threshold = 0.5 * largest;
        assertTrue(largest > threshold && smallestMagnitude(gradient) < threshold,
                "the value threshold must clip some elements and leave others");
        assertAgrees(testCase, GradientNormalization.ClipElementWiseAbsoluteValue, threshold,
                g -> GradientClipping.byValue(g, threshold), true);
    }

    @ParameterizedTest
    @EnumSource(Head.class)
    void clipEachLayerByItsNormMatchesClipL2PerLayer(Head head) {
        Case testCase = testCase(head);
        Parameters gradient = referenceGradient(testCase);
        double recurrentNorm = GradientClipping.norm(gradient, GradientClipping.LAYERS.get(0));
        double outputNorm = GradientClipping.norm(gradient, GradientClipping.LAYERS.get(1));
        // Both layers clipped, each by its own factor.
        double bothClipped = 0.5 * Math.min(recurrentNorm, outputNorm);
        assertAgrees(testCase, GradientNormalization.ClipL2PerLayer, bothClipped,
                g -> GradientClipping.byGroupNorm(g, bothClipped, GradientClipping.LAYERS), true);
        // Between the two norms: one layer clipped, the other not.
        double oneClipped = Math.sqrt(recurrentNorm * outputNorm);
        assertTrue(Math.min(recurrentNorm, outputNorm) < oneClipped && oneClipped < Math.max(recurrentNorm, outputNorm),
                "layer norms " + recurrentNorm + " and " + outputNorm + " must differ to clip only one layer");
        assertAgrees(testCase, GradientNormalization.ClipL2PerLayer, oneClipped,
                g -> GradientClipping.byGroupNorm(g, oneClipped, GradientClipping.LAYERS), true);
    }

    @ParameterizedTest
    @EnumSource(Head.class)
    void clipEachParameterByItsNormMatchesClipL2PerParamType(Head head) {
        Case testCase = testCase(head);
        Parameters gradient = referenceGradient(testCase);
        double[] norms = GradientClipping.EACH_PARAMETER.stream()
                .filter(group -> gradient.get(group.get(0)) != null)   // the parameters this model has
                .mapToDouble(group -> GradientClipping.norm(gradient, group)).sorted().toArray();
        // Between the second and third smallest norm: three parameters clipped, two not.
        double threshold = Math.sqrt(norms[1] * norms[2]);
        assertTrue(norms[1] < threshold && threshold < norms[2],
                "parameter norms " + Arrays.toString(norms) + " must differ to clip only some parameters");
        assertAgrees(testCase, GradientNormalization.ClipL2PerParamType, threshold,
                g -> GradientClipping.byGroupNorm(g, threshold, GradientClipping.EACH_PARAMETER), true);
    }

    @ParameterizedTest
    @EnumSource(value = GradientNormalization.class,
            names = {"ClipElementWiseAbsoluteValue", "ClipL2PerLayer", "ClipL2PerParamType"})
    void aThresholdAboveEveryNormAndValueLeavesTheGradientUnclipped(GradientNormalization mode) {
        Case testCase = testCase(Head.PER_STEP_SOFTMAX);
        Parameters gradient = referenceGradient(testCase);
        // The global norm bounds every group norm and every element's magnitude.
        double threshold = 2 * GradientClipping.globalNorm(gradient);
        assertAgrees(testCase, mode, threshold, UnaryOperator.identity(), false);
    }

    @Test
    void rejectsAReductionOtherThanMeanOverBatchAndASpecWithoutBiases() {
        Case testCase = testCase(Head.PER_STEP_SOFTMAX);
        ModelSpec sum = testCase.spec().withReduction(LossReduction.SUM);
        IllegalArgumentException wrongReduction = assertThrows(IllegalArgumentException.class, () -> Dl4jClippedUpdate.step(
                sum, testCase.parameters(), testCase.batch(), GradientNormalization.ClipL2PerLayer, 1.0, LEARNING_RATE));
        assertTrue(wrongReduction.getMessage().contains("MEAN_OVER_BATCH"), wrongReduction.getMessage());
        ModelSpec noBiases = new ModelSpec(Cell.ELMAN, 3, 4, 3, Activation.TANH, Head.PER_STEP_SOFTMAX, false,
                LossReduction.MEAN_OVER_BATCH, DataType.FLOAT64);
        Case withoutBiases = CaseGenerator.generate("clipping", noBiases, 2, 3, false, false, 6100L);
        assertThrows(IllegalArgumentException.class, () -> Dl4jClippedUpdate.step(noBiases, withoutBiases.parameters(),
                withoutBiases.batch(), GradientNormalization.ClipL2PerLayer, 1.0, LEARNING_RATE));
    }

    /**
     * Asserts that DL4J's step (θ − θ')/η equals {@code clip} applied to the reference's gradient; when
     * {@code clipping} is true, also that the clip changes the gradient beyond the tolerance (so the comparison can
     * tell a clipped step from an unclipped one), else that it does not change it at all.
     */
    private static void assertAgrees(Case testCase, GradientNormalization mode, double threshold,
                                     UnaryOperator<Parameters> clip, boolean clipping) {
        Parameters gradient = referenceGradient(testCase);
        Parameters expectedStep = clip.apply(gradient);
        String context = mode + " threshold " + threshold + " on " + testCase.description();
        if (clipping) {
            assertFalse(compare(gradient, expectedStep).isEmpty(),
                    context + ": the threshold must change the gradient beyond the tolerance");
        } else {
            assertEquals(gradient, expectedStep, context + ": the threshold must leave the gradient unchanged");
        }

        Parameters before = testCase.parameters();
        Parameters after = Dl4jClippedUpdate.step(testCase.spec(), before, testCase.batch(), mode, threshold,
                LEARNING_RATE);
        List<String> failures = new ArrayList<>();
        for (String failure : compare(expectedStep, dl4jStep(before, after))) {
            failures.add(context + ": " + failure);
        }
        assertTrue(failures.isEmpty(), () -> String.join("\n", failures));
    }

    /** (θ − θ')/η per parameter. */
    private static Parameters dl4jStep(Parameters before, Parameters after) {
        Parameters step = after.copy();
        for (String name : ParameterNames.ALL) {
            Tensor updated = step.get(name);
            if (updated == null) {
                continue;
            }
            double[] original = before.get(name).data();
            double[] data = updated.data();
            for (int i = 0; i < data.length; i++) {
                data[i] = (original[i] - data[i]) / LEARNING_RATE;
            }
        }
        return step;
    }

    /** The failed comparisons of each parameter's step, under the default policy; empty when all agree. */
    private static List<String> compare(Parameters expected, Parameters actual) {
        List<QuantityComparison> comparisons = new ArrayList<>();
        for (String name : expected.byName().keySet()) {
            Tensor expectedStep = expected.get(name);
            comparisons.add(Dl4jTestSupport.COMPARATOR.compare(new Quantity("step " + name), expectedStep, actual.get(name), null,
                    IndexLabels.generic(expectedStep.rank()), DataType.FLOAT64, STEPS));
        }
        return Dl4jTestSupport.failures("", comparisons);
    }

    private static double largestMagnitude(Parameters gradient) {
        return gradient.byName().values().stream().flatMapToDouble(tensor -> Arrays.stream(tensor.data()))
                .map(Math::abs).max().orElseThrow();
    }

    private static double smallestMagnitude(Parameters gradient) {
        return gradient.byName().values().stream().flatMapToDouble(tensor -> Arrays.stream(tensor.data()))
                .map(Math::abs).min().orElseThrow();
    }
}
