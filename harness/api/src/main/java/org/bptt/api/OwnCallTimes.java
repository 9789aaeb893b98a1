package org.bptt.api;

/**
 * What {@link OwnCallTiming#timeOwnCalls} measured.
 *
 * @param nanosPerRepetition the wall time of each timed call, in nanoseconds, in the order they were made
 * @param threads            the threads the library computed with (its own setting, e.g. PyTorch's
 *                           {@code torch.get_num_threads()} or ND4J's OpenMP threads), at least 1
 * @param how                the call that was timed, in the library's terms, e.g.
 *                           {@code MultiLayerNetwork.computeGradientAndScore()}
 */
public record OwnCallTimes(long[] nanosPerRepetition, int threads, String how) {

    public OwnCallTimes {
        InvalidInputException.require(nanosPerRepetition != null && nanosPerRepetition.length > 0,
                "own-call timings need at least one repetition");
        for (long nanos : nanosPerRepetition) {
            InvalidInputException.require(nanos > 0, "a timed call took %d ns; every call takes a positive time", nanos);
        }
        InvalidInputException.require(threads >= 1, "own-call timings must state at least 1 thread, got %d", threads);
        nanosPerRepetition = nanosPerRepetition.clone();
        how = how == null ? "" : how;
    }

    @Override
    public long[] nanosPerRepetition() {
        return nanosPerRepetition.clone();
    }
}
