package org.normbench.grid;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shard {@code k} of {@code N} (1-based, as Slurm array users write {@code --shard 3/8}): every
 * N-th cell of the grid's stable order starting at cell k, so shards are disjoint, together cover
 * every cell, and mix kinds and batch sizes evenly. Not a scheduler: it only selects.
 */
public record Shard(int index, int count) {

    /** The whole grid. */
    public static final Shard ALL = new Shard(1, 1);

    private static final Pattern FORM = Pattern.compile("\\s*(\\d{1,9})\\s*/\\s*(\\d{1,9})\\s*");

    public Shard {
        if (count < 1) {
            throw new IllegalArgumentException("shard count N must be >= 1, got " + count);
        }
        if (index < 1 || index > count) {
            throw new IllegalArgumentException(
                    "shard index k must be in 1.." + count + " (1-based), got " + index);
        }
    }

    /**
     * Parses {@code k/N}.
     *
     * @throws IllegalArgumentException naming the bad text and the expected form
     */
    public static Shard parse(String text) {
        Matcher m = text == null ? null : FORM.matcher(text);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException(
                    "bad shard '" + text + "'; expected k/N with 1 <= k <= N, e.g. 2/8");
        }
        int index = Integer.parseInt(m.group(1));
        int count = Integer.parseInt(m.group(2));
        if (count < 1) {
            throw new IllegalArgumentException(
                    "bad shard '" + text.trim() + "'; N must be >= 1, e.g. 2/8");
        }
        if (index < 1 || index > count) {
            throw new IllegalArgumentException(
                    "bad shard '"
                            + text.trim()
                            + "'; k must be in 1.."
                            + count
                            + " (shards are 1-based), e.g. 1/"
                            + count);
        }
        return new Shard(index, count);
    }

    /** The cells of this shard, in the grid's order: positions k-1, k-1+N, k-1+2N, ... */
    public <T> List<T> select(List<T> cells) {
        List<T> out = new ArrayList<>();
        for (int i = index - 1; i < cells.size(); i += count) {
            out.add(cells.get(i));
        }
        return out;
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
