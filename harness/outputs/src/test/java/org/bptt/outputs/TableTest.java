package org.bptt.outputs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void cellsAreTextAndNumbersParseBackExactly() {
        Table table = Table.builder("decay-summary", "f", "rate", "note")
                .row("tanh", 0.1 + 0.2, null)
                .row("relu", Double.NaN, 3)
                .build();
        assertEquals(List.of("tanh", "0.30000000000000004", ""), table.rows().get(0));
        assertEquals(List.of("relu", "NaN", "3"), table.rows().get(1));
        assertEquals(0.1 + 0.2, Double.parseDouble(table.rows().get(0).get(1)));
    }

    @Test
    void aRowOfTheWrongWidthOrABadNameIsRefusedWithTheTableNamed() {
        IllegalArgumentException wide = assertThrows(IllegalArgumentException.class,
                () -> new Table("t", List.of("a", "b"), List.of(List.of("1", "2", "3"))));
        assertTrue(wide.getMessage().contains("table t") && wide.getMessage().contains("3 cells"), wide.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Table.builder("Decay Summary", "a").build());
        assertThrows(IllegalArgumentException.class, () -> new Table("../escape", List.of("a"), List.of()));
    }

    @Test
    void significantKeepsFourDigitsForReading() {
        assertEquals("0.1235", Table.significant(0.123456));
        assertEquals("12.35", Table.significant(12.3456));
        assertEquals("12346", Table.significant(12345.6));
        assertEquals("1.235e-05", Table.significant(1.23456e-5));
        assertEquals("1.235e+06", Table.significant(1234567));
        assertEquals("-2.500", Table.significant(-2.5));
        assertEquals("0", Table.significant(0));
        assertEquals("NaN", Table.significant(Double.NaN));
    }
}
