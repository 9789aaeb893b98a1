package org.bptt.api;

/**
 * How the per-term losses J(b, t) become the total loss L. A "term" is one (sequence, step) pair that has a
 * loss: every unmasked step for {@link Head#PER_STEP_SOFTMAX}, one per sequence for the last-step heads.
 */
public enum LossReduction {
    /** L = Σ_b Σ_t J(b, t). */
    SUM,
    /** L = (1/B) Σ_b Σ_t J(b, t): DL4J's score convention. */
    MEAN_OVER_BATCH,
    /** L = (1/N) Σ_b Σ_t J(b, t), N = the number of loss terms. Perplexity is exp of this. */
    MEAN_OVER_TERMS;

    /** The divisor applied to the summed loss, given the batch size and the number of loss terms. */
    public double divisor(int batchSize, int lossTerms) {
        return switch (this) {
            case SUM -> 1.0;
            case MEAN_OVER_BATCH -> batchSize;
            case MEAN_OVER_TERMS -> lossTerms;
        };
    }
}
