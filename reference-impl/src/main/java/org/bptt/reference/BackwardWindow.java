package org.bptt.reference;

import java.util.ArrayList;
import java.util.List;
import org.bptt.api.Truncation;

/**
 * A stretch of one sequence that a backward pass runs through: the losses of steps {@code firstLossStep …
 * lastStep} are backpropagated through steps {@code lastStep} down to {@code firstStep}, and no further. The
 * hidden state before {@code firstStep} counts as a constant, except that a window starting at step 0 passes its
 * gradient on to the initial state h_{-1} (which is how full BPTT yields dL/dh_{-1}).
 *
 * @param firstStep     the earliest step the gradient reaches
 * @param lastStep      the step the backward pass starts from
 * @param firstLossStep the earliest step whose loss is backpropagated, between firstStep and lastStep
 */
record BackwardWindow(int firstStep, int lastStep, int firstLossStep) {

    /** Full BPTT: every loss through every step, one window over the whole sequence of {@code length} steps. */
    static List<BackwardWindow> full(int length) {
        return List.of(new BackwardWindow(0, length - 1, 0));
    }

    /**
     * Truncated BPTT(k1, k2) as {@link Truncation} defines it, on a sequence of {@code length} steps: chunks of k1
     * steps (the last one shorter when k1 does not divide the length); a chunk ending at step τ backpropagates the
     * losses of its own steps that lie in τ−k2+1 … τ through the steps max(0, τ−k2+1) … τ.
     */
    static List<BackwardWindow> truncated(int length, Truncation truncation) {
        int forwardLength = truncation.forwardLength();
        int backwardLength = truncation.backwardLength();
        List<BackwardWindow> windows = new ArrayList<>();
        for (int chunkStart = 0; chunkStart < length; chunkStart += forwardLength) {
            int chunkEnd = Math.min(chunkStart + forwardLength, length) - 1;
            int firstStep = Math.max(0, chunkEnd - backwardLength + 1);
            windows.add(new BackwardWindow(firstStep, chunkEnd, Math.max(chunkStart, firstStep)));
        }
        return windows;
    }

    /**
     * Which loss terms of a sequence some window backpropagates: per step t, true when t has a loss term and lies
     * in a window's firstLossStep … lastStep. (Chunks do not overlap, so no loss term is picked up twice.)
     */
    static boolean[] usedLossSteps(List<BackwardWindow> windows, SequenceTrajectory sequence) {
        boolean[] used = new boolean[sequence.length];
        for (BackwardWindow window : windows) {
            for (int t = window.firstLossStep(); t <= window.lastStep(); t++) {
                used[t] = sequence.hasLoss(t);
            }
        }
        return used;
    }

    /** True when the gradient leaving this window's first step reaches the initial state h_{-1}. */
    boolean reachesInitialState() {
        return firstStep == 0;
    }
}
