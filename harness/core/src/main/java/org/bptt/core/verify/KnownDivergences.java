package org.bptt.core.verify;

import java.util.List;
import java.util.Optional;
import org.bptt.api.Case;
import org.bptt.api.Quantity;

/** The list of {@link KnownDivergence}s consulted ({@link DivergenceExplainer}) before a failure is called a failure. */
public final class KnownDivergences {

    private static final KnownDivergences NONE = new KnownDivergences(List.of());

    private final List<KnownDivergence> entries;

    public KnownDivergences(List<KnownDivergence> entries) {
        this.entries = List.copyOf(entries);
    }

    /** No known divergences (the default). */
    public static KnownDivergences none() {
        return NONE;
    }

    public List<KnownDivergence> entries() {
        return entries;
    }

    /** The first entry explaining a failure of {@code quantity} by {@code implementationId} on {@code testCase}. */
    public Optional<KnownDivergence> match(String implementationId, Case testCase, Quantity quantity) {
        return entries.stream().filter(entry -> entry.matches(implementationId, testCase, quantity)).findFirst();
    }

    /** This list plus {@code more}. */
    public KnownDivergences plus(List<KnownDivergence> more) {
        return new KnownDivergences(java.util.stream.Stream.concat(entries.stream(), more.stream()).toList());
    }
}
