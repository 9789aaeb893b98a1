package org.bptt.core.cases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
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
import org.bptt.api.DataType;
import org.bptt.api.Head;
import org.bptt.api.InvalidInputException;
import org.bptt.api.LossReduction;
import org.bptt.api.ParameterNames;
import org.bptt.api.Tensor;
import org.junit.jupiter.api.Test;

class SuiteTest {

    private static final long SEED = 42L;
    /** The Elman cases; the gated cells' are GatedSuiteTest's. */
    private static final Set<Cell> ELMAN = EnumSet.of(Cell.ELMAN);
    private static final List<Case> DEFAULT = Suite.DEFAULT.cases(SEED, ELMAN);

    /** The grid's factors, as the suite's javadoc states them. */
    private static final int ACTIVATIONS = 4;
    private static final int HEADS = 3;
    private static final int ON_OFF = 2;
    private static final List<Integer> BATCH_SIZES = List.of(1, 3);
    private static final List<Integer> LENGTHS = List.of(1, 2, 3, 17, 64);
    private static final int EXAMPLES = 2;

    private static List<Case> gridCases(List<Case> cases) {
        return cases.stream().filter(c -> !c.id().equals(Suite.WORKED_EXAMPLE_ID) && !c.id().equals(Suite.SENTIMENT_EXAMPLE_ID)).toList();
    }

    /** What makes a grid point, read from the case itself (not from its id). */
    private static List<Object> combination(Case c) {
        return List.of(c.spec().activation(), c.spec().head(), c.spec().biases(), c.batch().mask() != null,
                c.batch().initialState() != null, c.batch().batchSize(), c.batch().steps());
    }

    @Test
    void defaultHasEveryCombinationOnce() {
        int gridSize = ACTIVATIONS * HEADS * ON_OFF * ON_OFF * ON_OFF * BATCH_SIZES.size() * LENGTHS.size();
        assertEquals(gridSize + EXAMPLES, DEFAULT.size());
        List<Case> grid = gridCases(DEFAULT);
        Set<List<Object>> combinations = grid.stream().map(SuiteTest::combination).collect(Collectors.toSet());
        assertEquals(gridSize, combinations.size(), "every combination exactly once");
        for (Activation activation : Activation.values()) {
            for (Head head : Head.values()) {
                for (boolean biases : new boolean[] {true, false}) {
                    for (boolean masked : new boolean[] {true, false}) {
                        for (boolean initialState : new boolean[] {true, false}) {
                            for (int batchSize : BATCH_SIZES) {
                                for (int steps : LENGTHS) {
                                    assertTrue(combinations.contains(List.of(activation, head, biases, masked, initialState, batchSize, steps)));
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void defaultUsesSmallSizesAndEveryReduction() {
        for (Case c : gridCases(DEFAULT)) {
            assertEquals(3, c.spec().inputSize());
            assertEquals(5, c.spec().hiddenSize());
            assertEquals(c.spec().head() == Head.LAST_STEP_SIGMOID ? 1 : 4, c.spec().outputSize(), c.id());
            assertEquals(DataType.FLOAT64, c.spec().dataType());
        }
        Map<LossReduction, Long> reductions = DEFAULT.stream()
                .collect(Collectors.groupingBy(c -> c.spec().reduction(), Collectors.counting()));
        assertEquals(EnumSet.allOf(LossReduction.class), reductions.keySet());
        // Each reduction appears under every activation × head.
        for (Activation activation : Activation.values()) {
            for (Head head : Head.values()) {
                Set<LossReduction> seen = gridCases(DEFAULT).stream()
                        .filter(c -> c.spec().activation() == activation && c.spec().head() == head)
                        .map(c -> c.spec().reduction()).collect(Collectors.toSet());
                assertEquals(EnumSet.allOf(LossReduction.class), seen, activation + " " + head);
            }
        }
    }

    @Test
    void everyCaseIsValidWithUniqueFileNameSafeIds() {
        for (Suite suite : Suite.values()) {
            List<Case> cases = suite == Suite.DEFAULT ? DEFAULT : suite.cases(SEED, ELMAN);
            Set<String> ids = new HashSet<>();
            for (Case c : cases) {
                c.validate();
                assertTrue(c.id().matches("[A-Za-z0-9._-]+"), c.id());
                assertTrue(ids.add(c.id()), "duplicate id " + c.id());
            }
        }
    }

    @Test
    void idsDescribeTheCase() {
        for (Case c : gridCases(DEFAULT)) {
            String id = c.id();
            assertTrue(id.startsWith(c.spec().activation().name().toLowerCase(java.util.Locale.ROOT) + "-"), id);
            assertTrue(id.contains(c.spec().biases() ? "-bias-" : "-nobias-"), id);
            assertTrue(id.contains(c.batch().mask() != null ? "-mask-" : "-nomask-"), id);
            assertTrue(id.contains(c.batch().initialState() != null ? "-h0-" : "-noh0-"), id);
            assertTrue(id.endsWith("-B" + c.batch().batchSize() + "-T" + c.batch().steps()), id);
            String reduction = switch (c.spec().reduction()) {
                case SUM -> "-sum-";
                case MEAN_OVER_BATCH -> "-meanb-";
                case MEAN_OVER_TERMS -> "-meant-";
            };
            assertTrue(id.contains(reduction), id);
            assertTrue(id.matches("[a-z]+-(perstep|lastsoftmax|lastsigmoid)-(no)?bias-(no)?mask-(no)?h0-(sum|meanb|meant)-B\\d+-T\\d+"), id);
        }
    }

    @Test
    void theSameSeedGivesEqualCasesAndAnotherSeedDifferentOnes() {
        assertEquals(DEFAULT, Suite.DEFAULT.cases(SEED, ELMAN));
        List<Case> other = Suite.DEFAULT.cases(SEED + 1, ELMAN);
        assertEquals(DEFAULT.stream().map(Case::id).toList(), other.stream().map(Case::id).toList(), "same ids");
        assertNotEquals(DEFAULT.get(10).parameters(), other.get(10).parameters());
    }

    @Test
    void masksAreNonEmptyPrefixesWithOneFullSequence() {
        for (Case c : DEFAULT) {
            Tensor mask = c.batch().mask();
            if (mask == null) {
                continue;
            }
            int full = 0;
            for (int sequence = 0; sequence < c.batch().batchSize(); sequence++) {
                int length = c.batch().length(sequence);
                assertTrue(length >= 1, c.id());
                full += length == c.batch().steps() ? 1 : 0;
            }
            assertTrue(full >= 1, c.id() + " has no full-length sequence");
        }
    }

    @Test
    void quickIsASubsetOfDefaultCoveringEveryValue() {
        List<Case> quick = Suite.QUICK.cases(SEED, ELMAN);
        assertEquals(50, quick.size());
        Map<String, Case> byId = DEFAULT.stream().collect(Collectors.toMap(Case::id, Function.identity()));
        for (Case c : quick) {
            assertEquals(byId.get(c.id()), c, "QUICK's " + c.id() + " is DEFAULT's, data and all");
        }
        List<Case> grid = gridCases(quick);
        for (Activation activation : Activation.values()) {
            for (Head head : Head.values()) {
                assertTrue(grid.stream().anyMatch(c -> c.spec().activation() == activation && c.spec().head() == head),
                        activation + " × " + head);
            }
        }
        for (boolean value : new boolean[] {true, false}) {
            assertTrue(grid.stream().anyMatch(c -> c.spec().biases() == value), "biases " + value);
            assertTrue(grid.stream().anyMatch(c -> (c.batch().mask() != null) == value), "mask " + value);
            assertTrue(grid.stream().anyMatch(c -> (c.batch().initialState() != null) == value), "h0 " + value);
        }
        assertEquals(Set.copyOf(LENGTHS), grid.stream().map(c -> c.batch().steps()).collect(Collectors.toSet()));
        assertEquals(Set.copyOf(BATCH_SIZES), grid.stream().map(c -> c.batch().batchSize()).collect(Collectors.toSet()));
        assertEquals(EnumSet.allOf(LossReduction.class), grid.stream().map(c -> c.spec().reduction()).collect(Collectors.toSet()));
    }

    @Test
    void fullIsDefaultPlusLargerAndFloat32Cases() {
        List<Case> full = Suite.FULL.cases(SEED, ELMAN);
        assertEquals(DEFAULT, full.subList(0, DEFAULT.size()));
        List<Case> extra = full.subList(DEFAULT.size(), full.size());
        assertEquals(ACTIVATIONS * HEADS * 3, extra.size());
        assertTrue(extra.stream().anyMatch(c -> c.spec().hiddenSize() == 32 && c.batch().steps() == 256 && c.batch().batchSize() == 8));
        assertEquals(ACTIVATIONS * HEADS, extra.stream().filter(c -> c.spec().dataType() == DataType.FLOAT32).count());
    }

    @Test
    void theWorkedExampleIsTheLecturesSetting() {
        Case example = DEFAULT.get(0);
        assertEquals(Suite.WORKED_EXAMPLE_ID, example.id());
        assertEquals(Activation.TANH, example.spec().activation());
        assertEquals(Head.PER_STEP_SOFTMAX, example.spec().head());
        assertTrue(!example.spec().biases());
        assertEquals(3, example.spec().inputSize());
        assertEquals(3, example.spec().outputSize());
        assertEquals(3, example.batch().steps());
        assertNull(example.batch().initialState());
        assertNull(example.parameters().get(ParameterNames.B));
        assertOneHot(example.batch().inputs(), example.batch().mask());
    }

    @Test
    void theSentimentExampleHasOneSigmoidOutputPerSentence() {
        Case example = DEFAULT.get(1);
        assertEquals(Suite.SENTIMENT_EXAMPLE_ID, example.id());
        assertEquals(Head.LAST_STEP_SIGMOID, example.spec().head());
        assertEquals(1, example.spec().outputSize());
        assertEquals(Suite.SENTIMENT_VOCABULARY.size(), example.spec().inputSize());
        assertTrue(example.batch().mask() != null, "sentences of different lengths");
        assertOneHot(example.batch().inputs(), example.batch().mask());
        // "not good" is negative, "not bad" positive.
        assertEquals(0.0, example.batch().targets().get(2, 0));
        assertEquals(1.0, example.batch().targets().get(3, 0));
    }

    private static void assertOneHot(Tensor inputs, Tensor mask) {
        for (int sequence = 0; sequence < inputs.size(0); sequence++) {
            for (int step = 0; step < inputs.size(1); step++) {
                if (mask != null && mask.get(sequence, step) == 0) {
                    continue;
                }
                double sum = 0;
                for (int j = 0; j < inputs.size(2); j++) {
                    double value = inputs.get(sequence, step, j);
                    assertTrue(value == 0 || value == 1);
                    sum += value;
                }
                assertEquals(1.0, sum);
            }
        }
    }

    @Test
    void parseIsCaseInsensitiveAndNamesTheChoices() {
        assertEquals(Suite.QUICK, Suite.parse("quick"));
        assertEquals(Suite.FULL, Suite.parse(" FULL "));
        InvalidInputException error = assertThrows(InvalidInputException.class, () -> Suite.parse("huge"));
        assertEquals("unknown suite 'huge'; expected one of quick, default, full", error.getMessage());
    }

    @Test
    void shardsAreDisjointAndTheirUnionIsEverything() {
        for (int count : new int[] {1, 2, 3, 7, 1000}) {
            List<Case> union = new ArrayList<>();
            for (int index = 1; index <= count; index++) {
                List<Case> part = Shard.parse(index + "/" + count).select(DEFAULT);
                assertTrue(Math.abs(part.size() - DEFAULT.size() / (double) count) <= 1, "balanced");
                union.addAll(part);
            }
            assertEquals(DEFAULT, union, count + " shards in order are the whole suite, each case once");
        }
    }

    @Test
    void badShardsAreRefused() {
        assertEquals("shard index must be between 1 and 4, got 5",
                assertThrows(InvalidInputException.class, () -> Shard.parse("5/4")).getMessage());
        assertEquals("shard 'x' must look like I/N, e.g. 2/4",
                assertThrows(InvalidInputException.class, () -> Shard.parse("x")).getMessage());
        assertThrows(InvalidInputException.class, () -> Shard.parse("a/b"));
        assertThrows(InvalidInputException.class, () -> Shard.parse("0/3"));
    }
}
