package dev.veil.scrub;

import java.util.Arrays;

/**
 * Spans found in a text: (id, start, end). Created only when something matched, so clean text
 * allocates nothing. {@link #resolve()} turns raw, possibly overlapping hits into the spans to replace.
 */
public final class Matches {
    private int size;
    private int[] ids = new int[4];
    private int[] starts = new int[4];
    private int[] ends = new int[4];

    static Matches add(Matches m, int id, int start, int end) {
        if (m == null) {
            m = new Matches();
        }
        m.add(id, start, end);
        return m;
    }

    void add(int id, int start, int end) {
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, size * 2);
            starts = Arrays.copyOf(starts, size * 2);
            ends = Arrays.copyOf(ends, size * 2);
        }
        ids[size] = id;
        starts[size] = start;
        ends[size] = end;
        size++;
    }

    public int size() { return size; }
    public int id(int i) { return ids[i]; }
    public int start(int i) { return starts[i]; }
    public int end(int i) { return ends[i]; }

    /**
     * Sorts by start and merges overlaps, leftmost-longest: at one start the longest span wins (its id is
     * kept); a later span that overlaps it extends it, so no part of any match survives replacement.
     */
    Matches resolve() {
        if (size < 2) {
            return this;
        }
        Matches out = new Matches();
        for (int i : byStartLongestFirst()) {
            int last = out.size - 1;
            if (last >= 0 && starts[i] < out.ends[last]) {
                out.ends[last] = Math.max(out.ends[last], ends[i]);
            } else {
                out.add(ids[i], starts[i], ends[i]);
            }
        }
        return out;
    }

    /** A copy in order of start, longest first at one start. */
    Matches sortedByStart() {
        Matches out = new Matches();
        for (int i : byStartLongestFirst()) {
            out.add(ids[i], starts[i], ends[i]);
        }
        return out;
    }

    private int[] byStartLongestFirst() {
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> starts[a] != starts[b] ? Integer.compare(starts[a], starts[b])
                : Integer.compare(ends[b] - starts[b], ends[a] - starts[a]));
        int[] out = new int[size];
        for (int i = 0; i < size; i++) {
            out[i] = order[i];
        }
        return out;
    }
}
