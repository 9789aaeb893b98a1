package org.bptt.api;

/**
 * Truncated BPTT(k1, k2) (Williams &amp; Peng 1990), at fixed parameters. The sequence is cut into chunks of
 * {@code k1} steps; the forward pass carries the hidden state across chunk boundaries. For each chunk, ending at
 * step τ, the losses of the chunk's steps that lie in τ−k2+1 … τ are backpropagated through those steps only: no
 * gradient flows to steps before τ−k2+1, whose hidden states count as constants. The result is the sum over all
 * chunks. With k1 = k2 = T it equals full BPTT; with k1 = k2 it is chunked BPTT; k2 &lt; k1 drops the losses
 * of a chunk's first k1 − k2 steps, as DL4J's {@code tbpttBackLength} does.
 *
 * @param forwardLength  k1, at least 1
 * @param backwardLength k2, at least 1
 */
public record Truncation(int forwardLength, int backwardLength) {

    public Truncation {
        InvalidInputException.require(forwardLength >= 1, "truncation forward length k1 must be at least 1, got %d", forwardLength);
        InvalidInputException.require(backwardLength >= 1, "truncation backward length k2 must be at least 1, got %d", backwardLength);
    }

    /**
     * Checks that truncated BPTT is defined for {@code spec}: for a stack of forward layers it is (every layer's
     * states carry across chunk boundaries, and no gradient crosses one); a bidirectional network is refused, as
     * DL4J refuses it.
     *
     * @throws InvalidInputException saying why, for a bidirectional network
     */
    public void requireDefinedFor(ModelSpec spec) {
        InvalidInputException.require(!spec.bidirectional(),
                "truncated BPTT is not defined for a bidirectional network (%s): its reverse direction starts at the end "
                        + "of the sequence, which a chunk read from the start has not reached yet (DL4J refuses it too); "
                        + "use full BPTT", spec.label());
    }
}
