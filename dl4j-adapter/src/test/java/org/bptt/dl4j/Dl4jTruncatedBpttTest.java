package org.bptt.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.DataType;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Quantity;
import org.bptt.api.RnnImplementation;
import org.bptt.api.Tensor;
import org.bptt.api.Truncation;
import org.bptt.core.cases.CaseGenerator;
import org.bptt.core.compare.IndexLabels;
import org.bptt.core.compare.QuantityComparison;
import org.junit.jupiter.api.Test;

/**
 * DL4J's truncated BPTT ({@code BackpropType.TruncatedBPTT}) against the reference's {@code truncatedGradients}
 * and against finite differences of the truncated objective as {@link Truncation} defines it
 * ({@link PlainFiniteDifferences#truncatedParameterGradients}). Where nothing is cut (T ≤ min(k1, k2)) DL4J must
 * equal the reference. Elsewhere DL4J 1.0.0-M2.1 differs, and these tests pin down exactly how (see
 * KNOWN_DIVERGENCES.md): k2 is ignored, and the SimpleRnn gradient of each chunk after the first is computed from
 * h = 0 instead of the carried state, while the output layer's gradient (dV, dc) is right.
 */
class Dl4jTruncatedBpttTest {

    /** Agreement with finite differences that a correct gradient reaches (see PlainFiniteDifferences), relative to the norm. */
    private static final double FINITE_DIFFERENCE_AGREEMENT = 1e-6;
    /** A difference this large (relative to the gradient's norm) is an error in the mathematics, not rounding. */
    private static final double CLEAR_DISAGREEMENT = 1e-2;

    /**
     * On a grid of k1, k2 ∈ {1, 2, 3, 5} × T ∈ {1, 3, 5} × per-step and last-step softmax heads (B = 2, no mask),
     * DL4J agrees with the reference (harness tolerance) exactly where {@link Dl4jKnownDivergences} says it
     * should, and clearly disagrees elsewhere; the loss (the full loss, whatever the truncation) always agrees.
     */
    @Test
    void divergesExactlyWhereThePredicatesSay() {
        List<String> problems = new ArrayList<>();
        for (Head head : new Head[] {Head.PER_STEP_SOFTMAX, Head.LAST_STEP_SOFTMAX}) {
            for (int steps : new int[] {1, 3, 5}) {
                ModelSpec spec = spec(Activation.TANH, head);
                problems.addAll(checkPredicates(CaseGenerator.generate("tbptt", spec, 2, steps, false, false, 40 + steps)));
            }
        }
        assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
    }

    /**
     * The same with masks, every head and B ∈ {1, 3} at T = 5: chunks then hold all-ones, mixed and all-zero
     * label masks (and B = 1 chunks of one step, whose [1, 1] masks DL4J cannot take), which the adapter must
     * pass on chunk by chunk without leaking one chunk's mask into the next.
     */
    @Test
    void divergesExactlyWhereThePredicatesSayWithMasks() {
        List<String> problems = new ArrayList<>();
        for (Head head : Head.values()) {
            for (int batchSize : new int[] {1, 3}) {
                ModelSpec spec = spec(Activation.TANH, head);
                problems.addAll(checkPredicates(CaseGenerator.generate("tbptt-masked", spec, batchSize, 5, true, false,
                        60 + batchSize + head.ordinal())));
            }
        }
        assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
    }

    /** {@link #checkPredicates(RnnImplementation, Case)} for {@code dl4j}. */
    private static List<String> checkPredicates(Case testCase) {
        return checkPredicates(Dl4jTestSupport.DL4J, testCase);
    }

    /**
     * Every (k1, k2) in {1, 2, 3, 5}² on one case run by {@code plugin}: what disagrees with the predicates, one line
     * each. The recurrent layer's gradients are the cell's parameters', the output layer's dV and dc.
     */
    static List<String> checkPredicates(RnnImplementation plugin, Case testCase) {
        List<String> problems = new ArrayList<>();
        ModelSpec spec = testCase.spec();
        Batch batch = testCase.batch();
        int steps = batch.steps();
        int[] lengths = {1, 2, 3, 5};
        for (int forwardLength : lengths) {
            for (int backwardLength : lengths) {
                Truncation truncation = new Truncation(forwardLength, backwardLength);
                GradientResult expected = Dl4jTestSupport.REFERENCE.truncatedGradients(spec, testCase.parameters(),
                        batch, truncation);
                GradientResult actual = plugin.truncatedGradients(spec, testCase.parameters(), batch, truncation);
                String context = String.format(Locale.ROOT, "%s %s B=%d T=%d%s k1=%d k2=%d", plugin.info().id(), spec.label(),
                        batch.batchSize(), steps, batch.mask() == null ? "" : " masked", forwardLength, backwardLength);
                if (!Dl4jTestSupport.COMPARATOR.compareScalar(Quantity.LOSS, expected.loss(), actual.loss(),
                        DataType.FLOAT64, steps).passed()) {
                    problems.add(context + ": loss " + actual.loss() + " vs " + expected.loss());
                }
                boolean recurrentDiverge = Dl4jKnownDivergences.truncatedRecurrentGradientsDiverge(batch, truncation);
                boolean outputDiverge = Dl4jKnownDivergences.truncatedOutputGradientsDiverge(spec, batch, truncation);
                double recurrentDifference = 0;
                double outputDifference = 0;
                for (String name : spec.parameterNames()) {
                    boolean outputLayer = name.equals("V") || name.equals("c");
                    boolean predicted = outputLayer ? outputDiverge : recurrentDiverge;
                    Tensor expectedGradient = expected.parameterGradients().get(name);
                    Tensor actualGradient = actual.parameterGradients().get(name);
                    QuantityComparison comparison = Dl4jTestSupport.COMPARATOR.compare(Quantity.gradientOf(name),
                            expectedGradient, actualGradient, null, IndexLabels.generic(expectedGradient.rank()),
                            DataType.FLOAT64, steps);
                    double relativeDifference = Dl4jTestSupport.maxAbsoluteDifference(expectedGradient,
                            actualGradient, null) / expectedGradient.norm();
                    if (!predicted && !comparison.passed()) {
                        problems.add(context + ": dL/d" + name + " should agree but " + comparison.worst().describe());
                    }
                    if (outputLayer) {
                        outputDifference = Math.max(outputDifference, relativeDifference);
                    } else {
                        recurrentDifference = Math.max(recurrentDifference, relativeDifference);
                    }
                }
                // A predicate says what may diverge; here at least one gradient of the group must clearly do
                // so (single ones can agree by coincidence, e.g. dW when the dropped step multiplies h_{-1} = 0).
                if (recurrentDiverge && recurrentDifference < CLEAR_DISAGREEMENT) {
                    problems.add(context + ": the recurrent layer's gradients predicted to diverge, but differ by at most "
                            + recurrentDifference + " of their norms");
                }
                if (outputDiverge && outputDifference < CLEAR_DISAGREEMENT) {
                    problems.add(context + ": dV, dc predicted to diverge, but differ by at most "
                            + outputDifference + " of their norms");
                }
            }
        }
        return problems;
    }

    /** DL4J's result does not depend on k2 at all: BPTT(k1, k2) equals BPTT(k1, k1), element for element. */
    @Test
    void theBackwardLengthHasNoEffect() {
        ModelSpec spec = spec(Activation.TANH, Head.PER_STEP_SOFTMAX);
        Case testCase = CaseGenerator.generate("tbptt-k2", spec, 3, 9, true, false, 7);
        GradientResult fullChunks = Dl4jTestSupport.DL4J.truncatedGradients(spec, testCase.parameters(),
                testCase.batch(), new Truncation(4, 4));
        for (int backwardLength : new int[] {1, 2, 3}) {
            GradientResult shorter = Dl4jTestSupport.DL4J.truncatedGradients(spec, testCase.parameters(),
                    testCase.batch(), new Truncation(4, backwardLength));
            for (String name : spec.parameterNames()) {
                assertEquals(fullChunks.parameterGradients().get(name), shorter.parameterGradients().get(name),
                        "dL/d" + name + " with k2 = " + backwardLength + " vs k2 = k1 = 4");
            }
        }
        GradientResult reference = Dl4jTestSupport.REFERENCE.truncatedGradients(spec, testCase.parameters(),
                testCase.batch(), new Truncation(4, 2));
        assertTrue(Dl4jTestSupport.maxAbsoluteDifference(reference.parameterGradients().get(ParameterNames.V),
                fullChunks.parameterGradients().get(ParameterNames.V), null) > CLEAR_DISAGREEMENT * reference.parameterGradients().get(ParameterNames.V).norm(),
                "the reference's BPTT(4, 2) drops losses, so its dL/dV must differ from BPTT(4, 4)");
    }

    /**
     * Chunked BPTT with k1 = k2 = 3 and T = 6 (two whole chunks, so the two definitions of the window coincide),
     * tanh: finite differences of the truncated objective side with the reference on every parameter; DL4J matches
     * them on dV and dc (the output layer sees the correctly carried hidden states) and clearly misses on dU, dW
     * and db (SimpleRnn's backprop recomputes the second chunk's hidden states from h = 0).
     */
    @Test
    void laterChunksLoseTheCarriedStateInTheRecurrentGradients() {
        ModelSpec spec = spec(Activation.TANH, Head.PER_STEP_SOFTMAX);
        Case testCase = CaseGenerator.generate("tbptt-chunks", spec, 2, 6, false, false, 11);
        Truncation truncation = new Truncation(3, 3);
        Parameters numeric = PlainFiniteDifferences.truncatedParameterGradients(spec, testCase.parameters(),
                testCase.batch(), truncation);
        Parameters reference = Dl4jTestSupport.REFERENCE.truncatedGradients(spec, testCase.parameters(),
                testCase.batch(), truncation).parameterGradients();
        Parameters dl4j = Dl4jTestSupport.DL4J.truncatedGradients(spec, testCase.parameters(), testCase.batch(),
                truncation).parameterGradients();
        assertAgree("reference", reference, numeric, spec.parameterNames());
        assertAgree("DL4J", dl4j, numeric, List.of("V", "c"));
        assertDisagree("DL4J", dl4j, numeric, List.of("U", "W", "b"));
    }

    /**
     * The same with the identity activation: f' = 1 does not depend on the hidden states, so recomputing them
     * from h = 0 can only change the gradient that multiplies them, dW = Σ δ_t h_{t−1}ᵀ. DL4J gets dU and db right
     * and dW wrong, as the diagnosis predicts (a gradient lost at the chunk boundary would spoil dU and db too).
     */
    @Test
    void withTheIdentityActivationOnlyTheRecurrentWeightGradientIsWrong() {
        ModelSpec spec = spec(Activation.IDENTITY, Head.PER_STEP_SOFTMAX);
        Case testCase = CaseGenerator.generate("tbptt-identity", spec, 2, 6, false, false, 12);
        Truncation truncation = new Truncation(3, 3);
        Parameters numeric = PlainFiniteDifferences.truncatedParameterGradients(spec, testCase.parameters(),
                testCase.batch(), truncation);
        Parameters dl4j = Dl4jTestSupport.DL4J.truncatedGradients(spec, testCase.parameters(), testCase.batch(),
                truncation).parameterGradients();
        assertAgree("DL4J", dl4j, numeric, List.of("U", "b", "V", "c"));
        assertDisagree("DL4J", dl4j, numeric, List.of("W"));
    }

    /**
     * A last chunk shorter than k2 (T = 7, k1 = k2 = 3: chunks 0–2, 3–5, 6): {@link Truncation} backpropagates
     * its loss through k2 = 3 steps (4–6), DL4J only through the chunk itself (step 6). With the identity
     * activation (so that the h = 0 recomputation touches dW alone) DL4J's dU and db match finite differences of
     * the chunk-bounded objective and miss those of the reference's definition, which the reference matches.
     */
    @Test
    void backpropagationNeverReachesBeforeTheChunkStart() {
        ModelSpec spec = spec(Activation.IDENTITY, Head.PER_STEP_SOFTMAX);
        Case testCase = CaseGenerator.generate("tbptt-short-last-chunk", spec, 2, 7, false, false, 12);
        Truncation truncation = new Truncation(3, 3);
        Parameters byDefinition = PlainFiniteDifferences.truncatedParameterGradients(spec, testCase.parameters(),
                testCase.batch(), truncation, false);
        Parameters chunkBounded = PlainFiniteDifferences.truncatedParameterGradients(spec, testCase.parameters(),
                testCase.batch(), truncation, true);
        Parameters reference = Dl4jTestSupport.REFERENCE.truncatedGradients(spec, testCase.parameters(),
                testCase.batch(), truncation).parameterGradients();
        Parameters dl4j = Dl4jTestSupport.DL4J.truncatedGradients(spec, testCase.parameters(), testCase.batch(),
                truncation).parameterGradients();
        assertAgree("reference", reference, byDefinition, spec.parameterNames());
        assertAgree("DL4J", dl4j, chunkBounded, List.of("U", "b", "V", "c"));
        assertDisagree("DL4J", dl4j, byDefinition, List.of("U", "b"));
    }

    private static void assertAgree(String who, Parameters actual, Parameters numeric, List<String> names) {
        for (String name : names) {
            double difference = relativeDifference(actual.get(name), numeric.get(name));
            assertTrue(difference < FINITE_DIFFERENCE_AGREEMENT, who + " dL/d" + name
                    + " should match finite differences; differs by " + difference + " of its norm");
        }
    }

    private static void assertDisagree(String who, Parameters actual, Parameters numeric, List<String> names) {
        for (String name : names) {
            double difference = relativeDifference(actual.get(name), numeric.get(name));
            assertTrue(difference > CLEAR_DISAGREEMENT, who + " dL/d" + name
                    + " was expected to miss finite differences clearly; differs by only " + difference);
        }
    }

    /** Masks shorten each sequence's own chunking; where nothing is cut DL4J still equals the reference. */
    @Test
    void agreesWithTheReferenceWithMasksWhenNothingIsCut() {
        List<String> failures = new ArrayList<>();
        for (Head head : Head.values()) {
            ModelSpec spec = spec(Activation.SIGMOID, head);
            Case testCase = CaseGenerator.generate("tbptt-masked", spec, 3, 6, true, false, 21);
            Truncation truncation = new Truncation(6, 8);
            GradientResult expected = Dl4jTestSupport.REFERENCE.truncatedGradients(spec, testCase.parameters(),
                    testCase.batch(), truncation);
            GradientResult actual = Dl4jTestSupport.DL4J.truncatedGradients(spec, testCase.parameters(),
                    testCase.batch(), truncation);
            failures.addAll(Dl4jTestSupport.failures(head + " masked k1=6 k2=8",
                    Dl4jTestSupport.compareParameterGradients(spec, testCase.batch(), expected, actual)));
        }
        assertTrue(failures.isEmpty(), () -> String.join("\n", failures));
    }

    private static ModelSpec spec(Activation activation, Head head) {
        return new ModelSpec(Cell.ELMAN, 3, 4, head == Head.LAST_STEP_SIGMOID ? 1 : 3, activation, head, true, LossReduction.SUM,
                DataType.FLOAT64);
    }

    /** max |a − b| / ‖b‖. */
    private static double relativeDifference(Tensor actual, Tensor expected) {
        return Dl4jTestSupport.maxAbsoluteDifference(actual, expected, null) / expected.norm();
    }
}
