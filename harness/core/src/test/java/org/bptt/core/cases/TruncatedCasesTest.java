package org.bptt.core.cases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.bptt.api.Activation;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.Head;
import org.bptt.api.Truncation;
import org.junit.jupiter.api.Test;

class TruncatedCasesTest {

    private static final long SEED = 42L;
    /** The Elman cases; the gated cells' are GatedSuiteTest's. */
    private static final Set<Cell> ELMAN = EnumSet.of(Cell.ELMAN);
    private static final List<SuiteCase> QUICK = Suite.QUICK.truncatedCases(SEED, ELMAN);
    private static final List<SuiteCase> DEFAULT = Suite.DEFAULT.truncatedCases(SEED, ELMAN);
    private static final List<SuiteCase> FULL = Suite.FULL.truncatedCases(SEED, ELMAN);

    /** 2 lengths × 3 heads × mask off/on cases, 4 truncations each; FULL for every one of the 4 activations. */
    @Test
    void theListsHaveTheDocumentedSizes() {
        assertEquals(2 * 3 * 2 * 4, DEFAULT.size());
        assertEquals(3 * 2 * 4, QUICK.size());
        assertEquals(4 * 2 * 3 * 2 * 4, FULL.size());
    }

    @Test
    void idsAreUniqueAndNameTheCaseAndTheTruncation() {
        for (List<SuiteCase> list : List.of(QUICK, DEFAULT, FULL)) {
            Set<String> ids = new HashSet<>();
            for (SuiteCase truncatedCase : list) {
                assertTrue(ids.add(truncatedCase.id()), "duplicate " + truncatedCase.id());
                Truncation truncation = truncatedCase.truncation();
                assertEquals(truncatedCase.testCase().id() + "-tbptt-k1_" + truncation.forwardLength() + "-k2_"
                        + truncation.backwardLength(), truncatedCase.id());
                assertTrue(truncatedCase.id().matches("[A-Za-z0-9_-]+"), truncatedCase.id());
                truncatedCase.testCase().validate();
            }
        }
    }

    @Test
    void eachWrapsTheDefaultGridCaseOfTheSameIdAndData() {
        Map<String, Case> defaultCases = Suite.DEFAULT.cases(SEED, ELMAN).stream()
                .collect(Collectors.toMap(Case::id, Function.identity()));
        for (SuiteCase truncatedCase : FULL) {
            assertEquals(defaultCases.get(truncatedCase.testCase().id()), truncatedCase.testCase(), truncatedCase.id());
        }
        assertEquals(DEFAULT, Suite.DEFAULT.truncatedCases(SEED, ELMAN));
        assertNotEquals(DEFAULT, Suite.DEFAULT.truncatedCases(SEED + 1, ELMAN));
    }

    @Test
    void everyCaseRunsNothingCutChunkedShorterAndLongerBackwardLengths() {
        for (SuiteCase truncatedCase : FULL) {
            int steps = truncatedCase.testCase().batch().steps();
            assertEquals(List.of(new Truncation(steps, steps), new Truncation(4, 4), new Truncation(8, 3), new Truncation(3, 8)),
                    FULL.stream().filter(c -> c.testCase() == truncatedCase.testCase()).map(SuiteCase::truncation).toList());
        }
    }

    @Test
    void defaultCoversEveryHeadMaskLengthAndActivation() {
        Set<List<Object>> headMaskLength = DEFAULT.stream().map(c -> List.<Object>of(c.testCase().spec().head(),
                c.testCase().batch().mask() != null, c.testCase().batch().steps())).collect(Collectors.toSet());
        assertEquals(3 * 2 * 2, headMaskLength.size());
        for (Head head : Head.values()) {
            Set<Activation> activations = DEFAULT.stream().filter(c -> c.testCase().spec().head() == head)
                    .map(c -> c.testCase().spec().activation()).collect(Collectors.toSet());
            assertEquals(Set.of(Activation.values()), activations, head + " meets every activation");
            Set<Boolean> biases = DEFAULT.stream().filter(c -> c.testCase().spec().head() == head)
                    .map(c -> c.testCase().spec().biases()).collect(Collectors.toSet());
            assertEquals(Set.of(true, false), biases, head + " with and without biases");
        }
        for (Activation activation : Activation.values()) {
            Set<Boolean> masked = DEFAULT.stream().filter(c -> c.testCase().spec().activation() == activation)
                    .map(c -> c.testCase().batch().mask() != null).collect(Collectors.toSet());
            assertEquals(Set.of(true, false), masked, activation + " with and without a mask");
        }
        for (SuiteCase truncatedCase : FULL) {
            assertEquals(3, truncatedCase.testCase().batch().batchSize());
            assertEquals(null, truncatedCase.testCase().batch().initialState());
        }
    }

    @Test
    void quickIsDefaultsShortHalfAndDefaultIsInFull() {
        assertEquals(DEFAULT.stream().filter(c -> c.testCase().batch().steps() == 17).toList(), QUICK);
        assertTrue(FULL.containsAll(DEFAULT));
    }
}
