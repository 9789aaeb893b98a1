package org.bptt.datasets;

import org.bptt.api.InvalidInputException;

/** The argument checks every dataset shares, with messages that name the dataset. */
final class Arguments {

    private Arguments() {
    }

    /** Requires count ≥ 1 and steps ≥ {@code minimumSteps}. */
    static void requireCountAndSteps(String dataset, int count, int steps, int minimumSteps) {
        InvalidInputException.require(count >= 1, "%s: the number of examples must be at least 1, got %d", dataset, count);
        InvalidInputException.require(steps >= minimumSteps, "%s: sequences need at least %d steps, got %d", dataset, minimumSteps, steps);
    }
}
