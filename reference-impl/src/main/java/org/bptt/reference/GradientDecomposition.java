package org.bptt.reference;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-lag decomposition of one sequence's gradients, as {@link NaiveBptt#decompose} computes it: for every loss
 * term t and every step k ≤ t, the {@link LagContribution} of step k to ∂J(t)/∂θ and ∂J(t)/∂h_k. There are
 * T(T+1)/2 contributions for a per-step head, T for a last-step head, each holding a copy of every parameter
 * gradient: memory O(T²·(H·d + H² + K·H)). Meant for small T.
 */
public final class GradientDecomposition {

    private final int sequence;
    private final int length;
    private final double divisor;
    private final List<LagContribution> contributions;
    private final Map<Integer, LagContribution[]> byLossStep = new LinkedHashMap<>();

    GradientDecomposition(int sequence, int length, double divisor, List<LagContribution> contributions) {
        this.sequence = sequence;
        this.length = length;
        this.divisor = divisor;
        this.contributions = Collections.unmodifiableList(new ArrayList<>(contributions));
        for (LagContribution contribution : contributions) {
            byLossStep.computeIfAbsent(contribution.lossStep(), t -> new LagContribution[t + 1])[contribution.step()] = contribution;
        }
    }

    /** The index of the sequence in its batch. */
    public int sequence() {
        return sequence;
    }

    /** The number of steps of the sequence (its last unmasked step + 1). */
    public int length() {
        return length;
    }

    /** The loss reduction's divisor that every contribution is already divided by. */
    public double divisor() {
        return divisor;
    }

    /** The steps t that have a loss term, in increasing order. */
    public List<Integer> lossSteps() {
        return List.copyOf(byLossStep.keySet());
    }

    /** Every contribution, by loss step t increasing, then by step k decreasing from t to 0. */
    public List<LagContribution> contributions() {
        return contributions;
    }

    /**
     * The contribution of step {@code step} to loss term {@code lossStep}.
     *
     * @throws IllegalArgumentException when {@code lossStep} has no loss term or {@code step} is not in 0 … lossStep
     */
    public LagContribution contribution(int lossStep, int step) {
        LagContribution[] ofTerm = byLossStep.get(lossStep);
        if (ofTerm == null) {
            throw new IllegalArgumentException("step " + lossStep + " of sequence " + sequence
                    + " has no loss term; loss steps are " + lossSteps());
        }
        if (step < 0 || step > lossStep) {
            throw new IllegalArgumentException("step " + step + " is outside 0 … " + lossStep
                    + ": only earlier steps contribute to the loss term at step " + lossStep);
        }
        return ofTerm[step];
    }
}
