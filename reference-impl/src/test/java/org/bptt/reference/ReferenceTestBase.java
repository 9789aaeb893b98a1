package org.bptt.reference;

import java.util.SplittableRandom;

/**
 * The base of every test of this module: a seeded random source, fresh for each test method (JUnit makes one
 * instance per method), so every test sees the same numbers on every run and in any order.
 */
abstract class ReferenceTestBase {

    /** The seed of every test's random source. */
    static final long SEED = 0x5eed_b977L;

    protected final SplittableRandom random = new SplittableRandom(SEED);
}
