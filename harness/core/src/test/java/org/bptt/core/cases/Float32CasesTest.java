package org.bptt.core.cases;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.api.Test;

class Float32CasesTest {

    private static final long SEED = 42L;
    private static final Set<Cell> ELMAN = EnumSet.of(Cell.ELMAN);
    private static final List<Case> ELMAN_FLOAT32 = Suite.DEFAULT.float32Cases(SEED, ELMAN);

    @Test
    void everyActivationAndHeadWithAndWithoutAMaskOnceInFloat32() {
        assertEquals(Activation.values().length * Head.values().length * 2, ELMAN_FLOAT32.size());
        Set<List<Object>> combinations = ELMAN_FLOAT32.stream().map(c -> List.<Object>of(c.spec().activation(),
                c.spec().head(), c.batch().mask() != null)).collect(Collectors.toSet());
        assertEquals(ELMAN_FLOAT32.size(), combinations.size(), "every combination exactly once");
        for (Case c : ELMAN_FLOAT32) {
            assertEquals(DataType.FLOAT32, c.spec().dataType(), c.id());
            assertTrue(c.id().startsWith("f32-"), c.id());
            assertTrue(c.spec().biases(), "a dropped bias gradient must be visible: " + c.id());
            assertEquals(3, c.batch().batchSize(), c.id());
            assertEquals(null, c.batch().initialState(), c.id());
            assertTrue(Suite.FLOAT32_LENGTHS.contains(c.batch().steps()), c.id());
        }
        // Each head meets both lengths with a mask and without.
        for (Head head : Head.values()) {
            for (boolean masked : new boolean[] {true, false}) {
                Set<Integer> lengths = ELMAN_FLOAT32.stream()
                        .filter(c -> c.spec().head() == head && (c.batch().mask() != null) == masked)
                        .map(c -> c.batch().steps()).collect(Collectors.toSet());
                assertEquals(Set.copyOf(Suite.FLOAT32_LENGTHS), lengths, head + " masked " + masked);
            }
        }
    }

    @Test
    void eachIsADefaultGridCaseWithTheSameWeightsAndBatchComputedInFloat32() {
        List<Case> all = Suite.DEFAULT.float32Cases(SEED, EnumSet.allOf(Cell.class));
        Map<String, Case> grid = Suite.DEFAULT.cases(SEED).stream().collect(Collectors.toMap(Case::id, Function.identity()));
        for (Case copy : all) {
            Case original = grid.get(copy.id().substring("f32-".length()));
            assertTrue(original != null, "no DEFAULT case for " + copy.id());
            assertEquals(original.spec().withDataType(DataType.FLOAT32), copy.spec());
            assertEquals(original.parameters(), copy.parameters(), copy.id());
            assertEquals(original.batch(), copy.batch(), copy.id());
            assertEquals(DataType.FLOAT64, original.spec().dataType());
        }
    }

    @Test
    void eachGatedCellHasEveryVariantOnceOverItsHeadsAndMasks() {
        for (Cell cell : List.of(Cell.GRU, Cell.LSTM)) {
            List<Case> cases = Suite.DEFAULT.float32Cases(SEED, EnumSet.of(cell));
            assertEquals(Head.values().length * 2, cases.size());
            assertEquals(Suite.variants(cell).size(), cases.stream()
                    .map(c -> List.<Object>of(c.spec().cellOptions(), c.spec().biases())).distinct().count(), cell.name());
            assertEquals(cases.size(), cases.stream()
                    .map(c -> List.<Object>of(c.spec().head(), c.batch().mask() != null)).distinct().count(), cell.name());
            assertTrue(cases.stream().allMatch(c -> c.spec().cell() == cell && c.spec().dataType() == DataType.FLOAT32));
        }
    }

    @Test
    void defaultAndFullHoldTheSliceQuickNoneAndEveryIdIsUnique() {
        assertEquals(Suite.DEFAULT.float32Cases(SEED, EnumSet.allOf(Cell.class)),
                Suite.FULL.float32Cases(SEED, EnumSet.allOf(Cell.class)));
        assertEquals(List.of(), Suite.QUICK.float32Cases(SEED, EnumSet.allOf(Cell.class)));
        List<String> ids = new ArrayList<>();
        Suite.FULL.cases(SEED).forEach(c -> ids.add(c.id()));
        Suite.FULL.stackedCases(SEED, EnumSet.allOf(Cell.class)).forEach(c -> ids.add(c.id()));
        Suite.FULL.float32Cases(SEED, EnumSet.allOf(Cell.class)).forEach(c -> ids.add(c.id()));
        assertEquals(ids.size(), new HashSet<>(ids).size(), "ids are unique across FULL's cases");
    }
}
