package org.bptt.outputs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A table of a run, as plain text cells: the experiments, the bench and the commands build their tables here, and the
 * run writer of the reports module writes each as {@code <name>.csv} (the reports module owns file formats).
 *
 * <p>Numbers are written with {@link #number(double)}, which parses back to the same double, so a table is
 * byte-identical for the same seeds and settings. {@link #significant(double)} is for text people read instead.
 *
 * @param name    the file's base name, e.g. {@code decay-summary}: lower case letters, digits, '-' and '_'
 * @param columns the column names, in order
 * @param rows    the rows, each with one cell per column
 */
public record Table(String name, List<String> columns, List<List<String>> rows) {

    public Table {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[a-z0-9][a-z0-9_-]*")) {
            throw new IllegalArgumentException("table name '" + name + "' must be lower case letters, digits, '-' or '_'");
        }
        columns = List.copyOf(columns);
        List<List<String>> copied = new ArrayList<>(rows.size());
        for (List<String> row : rows) {
            if (row.size() != columns.size()) {
                throw new IllegalArgumentException("table " + name + ": a row has " + row.size() + " cells but there are "
                        + columns.size() + " columns " + columns + ": " + row);
            }
            copied.add(List.copyOf(row));
        }
        rows = List.copyOf(copied);
    }

    /** A builder for a table with these columns. */
    public static Builder builder(String name, String... columns) {
        return new Builder(name, Arrays.asList(columns));
    }

    /** A double as text that parses back to the same double ("NaN", "Infinity" for the non-finite values). */
    public static String number(double value) {
        return Double.toString(value);
    }

    /**
     * A double as text to read, not to parse back: four significant digits (at least the units), or scientific
     * notation below 1e-3 and from 1e6 on; "NaN" for NaN. E.g. {@code 0.1235}, {@code 12.35}, {@code 12345},
     * {@code 1.235e-05}.
     */
    public static String significant(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        double magnitude = Math.abs(value);
        if (magnitude != 0 && (magnitude < 1e-3 || magnitude >= 1e6)) {
            return String.format(Locale.ROOT, "%.3e", value);
        }
        int decimals = magnitude == 0 ? 0 : Math.max(0, 3 - (int) Math.floor(Math.log10(magnitude)));
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    /** Collects rows; each cell is turned into text by {@link #cell(Object)}. */
    public static final class Builder {
        private final String name;
        private final List<String> columns;
        private final List<List<String>> rows = new ArrayList<>();

        private Builder(String name, List<String> columns) {
            this.name = name;
            this.columns = List.copyOf(columns);
        }

        /** Adds a row: one value per column, in column order. */
        public Builder row(Object... cells) {
            if (cells.length != columns.size()) {
                throw new IllegalArgumentException("table " + name + ": " + cells.length + " cells for columns " + columns);
            }
            List<String> row = new ArrayList<>(cells.length);
            for (Object cell : cells) {
                row.add(cell(cell));
            }
            rows.add(row);
            return this;
        }

        public Table build() {
            return new Table(name, columns, rows);
        }
    }

    /** Doubles by {@link #number}, null as an empty cell, anything else by {@code toString()}. */
    static String cell(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Double number) {
            return number(number);
        }
        if (value instanceof Float number) {
            return number(number.doubleValue());
        }
        return value.toString();
    }
}
