package org.bptt.dl4j;

import java.util.Locale;
import java.util.Optional;

import org.bptt.api.Batch;
import org.bptt.api.Head;
import org.bptt.api.ModelSpec;
import org.bptt.api.Tensor;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * Where DL4J's loss functions clamp probabilities, a difference of definition from the exact cross-entropy
 * (KNOWN_DIVERGENCES.md §4). {@code LossMCXENT.scoreArray} replaces softmax probabilities below ε or above 1 − ε
 * (ε = {@code softmaxClipEps}, 1e-10) before taking logarithms; its gradient is not clamped. {@code LossBinaryXENT}
 * clamps the sigmoid output to [ε, 1 − ε] (ε = {@code clipEps}, 1e-5) in its score and in its gradient. A loss
 * term is affected when a probability it takes the logarithm of lies outside [ε, 1 − ε]: for the softmax heads,
 * that of a class whose target is positive; for the sigmoid head, the output itself.
 */
final class Dl4jScoreClamping {

    /** DL4J's own defaults, read from the loss functions the adapter configures. */
    static final double SOFTMAX_EPSILON = new LossMCXENT().getSoftmaxClipEps();
    static final double SIGMOID_EPSILON = new LossBinaryXENT().getClipEps();

    private Dl4jScoreClamping() {
    }

    /**
     * The loss terms at which DL4J clamps a probability, described from DL4J's own outputs (how many, how much the
     * clamping changes the summed loss Σ J, and the term it changes most), or empty when there are none.
     *
     * @param perStepOutputs DL4J's output layer at every step, {@code [B, T, K]}. Not modified.
     */
    static Optional<String> clampedTerms(ModelSpec spec, Batch batch, Tensor perStepOutputs) {
        boolean sigmoid = spec.head() == Head.LAST_STEP_SIGMOID;
        double epsilon = sigmoid ? SIGMOID_EPSILON : SOFTMAX_EPSILON;
        int clamped = 0;
        double totalChange = 0;
        double largestChange = -1;
        String largestAt = "";
        for (int sequence = 0; sequence < batch.batchSize(); sequence++) {
            int length = batch.length(sequence);
            int firstLossStep = spec.head().lastStepOnly() ? length - 1 : 0;
            for (int step = firstLossStep; step < length; step++) {
                for (int output = 0; output < spec.outputSize(); output++) {
                    double target = spec.head().lastStepOnly() ? batch.targets().get(sequence, output)
                            : batch.targets().get(sequence, step, output);
                    double probability = perStepOutputs.get(sequence, step, output);
                    double clampedProbability = Math.min(Math.max(probability, epsilon), 1 - epsilon);
                    boolean inLogarithm = sigmoid || target > 0;
                    if (!inLogarithm || clampedProbability == probability) {
                        continue;
                    }
                    // The term's change: −t log y (− (1 − t) log(1 − y) for the sigmoid head), clamped minus exact.
                    double change = Math.abs(target * (Math.log(clampedProbability) - Math.log(probability))
                            + (sigmoid ? (1 - target) * (Math.log1p(-clampedProbability) - Math.log1p(-probability)) : 0));
                    clamped++;
                    totalChange += change;
                    if (change > largestChange) {
                        largestChange = change;
                        largestAt = String.format(Locale.ROOT, "y[b=%d, t=%d, k=%d] = %.3g", sequence, step, output,
                                probability);
                    }
                }
            }
        }
        if (clamped == 0) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "%d loss term%s, changing the summed loss by %.3g, most at %s",
                clamped, clamped == 1 ? "" : "s", totalChange, largestAt));
    }

    /**
     * The explanation of a loss (and, for the sigmoid head, gradient) difference; the case's {@link #clampedTerms}
     * are its detail.
     */
    static String explanation(ModelSpec spec) {
        if (spec.head() == Head.LAST_STEP_SIGMOID) {
            return String.format(Locale.ROOT, "Difference of definition, not a bug: DL4J's LossBinaryXENT clamps the"
                    + " sigmoid output to [%s, 1 − %s] in its score and its gradient, where DL4J's own outputs lie"
                    + " outside that range. %s §4.", SIGMOID_EPSILON, SIGMOID_EPSILON, Dl4jKnownDivergences.EVIDENCE);
        }
        return String.format(Locale.ROOT, "Difference of definition, not a bug: DL4J's LossMCXENT clamps softmax"
                + " probabilities to [%s, 1 − %s] in its score (not in its gradient), where DL4J's own probabilities of"
                + " target classes lie outside that range. %s §4.", SOFTMAX_EPSILON, SOFTMAX_EPSILON,
                Dl4jKnownDivergences.EVIDENCE);
    }

    /** The case's detail of {@link #explanation}: where DL4J's outputs were clamped ({@link #clampedTerms}). */
    static String caseDetail(String clampedTerms) {
        return "clamped at " + clampedTerms;
    }
}
