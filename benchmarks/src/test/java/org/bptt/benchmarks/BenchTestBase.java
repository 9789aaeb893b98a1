package org.bptt.benchmarks;

import java.util.SplittableRandom;

/** The base of this module's tests: a seeded random source, fresh for each test method. */
abstract class BenchTestBase {

    static final long SEED = 0xbe_4c_4L;

    protected final SplittableRandom random = new SplittableRandom(SEED);

    /** {@code count} values around {@code center}, each multiplied by a uniform factor in [1 − spread, 1 + spread]. */
    double[] noisy(double center, double spread, int count) {
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            values[i] = center * (1 + spread * (2 * random.nextDouble() - 1));
        }
        return values;
    }
}
