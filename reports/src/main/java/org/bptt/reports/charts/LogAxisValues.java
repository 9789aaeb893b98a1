package org.bptt.reports.charts;

import java.util.ArrayList;
import java.util.List;

/**
 * Values prepared for a logarithmic axis. Zero and negative values cannot be drawn there, nor NaN or infinity; they
 * are moved to a floor one decade below the smallest positive value and a ceiling one decade above the largest
 * finite one, and {@link #note()} says so, for the chart's legend.
 *
 * @param drawn   the values to plot, all positive and finite
 * @param floor   where zeros are drawn, a power of ten
 * @param ceiling where NaN and infinities are drawn, a power of ten
 * @param note    e.g. "0 drawn at 1e-9; NaN or ∞ drawn at 1e3", or empty when nothing was moved
 */
record LogAxisValues(List<Double> drawn, double floor, double ceiling, String note) {

    /**
     * @param values     the raw values
     * @param alsoShown  a positive value the axis must include as well (e.g. the tolerance line at 1)
     */
    static LogAxisValues of(List<Double> values, double alsoShown) {
        double smallest = alsoShown;
        double largest = alsoShown;
        for (double value : values) {
            if (value > 0 && Double.isFinite(value)) {
                smallest = Math.min(smallest, value);
                largest = Math.max(largest, value);
            }
        }
        int floorExponent = (int) Math.floor(Math.log10(smallest)) - 1;
        int ceilingExponent = (int) Math.floor(Math.log10(largest)) + 1;
        double floor = Math.pow(10, floorExponent);
        double ceiling = Math.pow(10, ceilingExponent);
        boolean movedDown = false;
        boolean movedUp = false;
        List<Double> drawn = new ArrayList<>(values.size());
        for (double value : values) {
            if (!Double.isFinite(value)) {
                drawn.add(ceiling);
                movedUp = true;
            } else if (value <= 0) {
                drawn.add(floor);
                movedDown = true;
            } else {
                drawn.add(value);
            }
        }
        List<String> notes = new ArrayList<>();
        if (movedDown) {
            notes.add("0 drawn at 1e" + floorExponent);
        }
        if (movedUp) {
            notes.add("NaN or ∞ drawn at 1e" + ceilingExponent);
        }
        return new LogAxisValues(List.copyOf(drawn), floor, ceiling, String.join("; ", notes));
    }
}
