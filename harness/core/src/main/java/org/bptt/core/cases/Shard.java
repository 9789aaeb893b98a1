package org.bptt.core.cases;

import java.util.List;
import org.bptt.api.InvalidInputException;

/**
 * One of {@code count} parts of a list of cases, so that a suite can be split over CI jobs.
 *
 * <p>Shards are <b>contiguous</b> blocks in the list's order, of sizes differing by at most one: shard I of N holds
 * the elements {@code [floor((I−1)·n/N), floor(I·n/N))}. The shards are disjoint and their union is the whole list.
 * Suites vary T fastest, so each block mixes short and long sequences.
 *
 * @param index 1-based, 1 ≤ index ≤ count
 * @param count the number of shards, ≥ 1
 */
public record Shard(int index, int count) {

    /** The whole list. */
    public static final Shard ALL = new Shard(1, 1);

    public Shard {
        InvalidInputException.require(count >= 1, "shard count must be at least 1, got %d", count);
        InvalidInputException.require(index >= 1 && index <= count, "shard index must be between 1 and %d, got %d", count, index);
    }

    /** Parses {@code "I/N"}, e.g. {@code "2/4"}. */
    public static Shard parse(String text) {
        String[] parts = text == null ? new String[0] : text.trim().split("/", -1);
        InvalidInputException.require(parts.length == 2, "shard '%s' must look like I/N, e.g. 2/4", text);
        try {
            return new Shard(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
        } catch (NumberFormatException e) {
            throw new InvalidInputException("shard '" + text + "' must look like I/N with whole numbers, e.g. 2/4");
        }
    }

    /** This shard's contiguous block of {@code all}. */
    public <T> List<T> select(List<T> all) {
        int size = all.size();
        int from = (int) ((long) (index - 1) * size / count);
        int to = (int) ((long) index * size / count);
        return List.copyOf(all.subList(from, to));
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
