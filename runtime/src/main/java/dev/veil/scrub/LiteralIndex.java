package dev.veil.scrub;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds every occurrence of many literal strings in one pass over a text, in chars or in UTF-8 bytes.
 *
 * <p>Algorithm: a sampled q-gram filter (the "shift 0" half of Wu-Manber, with a fixed shift). Let
 * {@code m} be the shortest literal. The text is sampled every {@code stride = m - q + 1} positions;
 * any occurrence of a literal covers exactly one sample whose q-gram starts in the first {@code stride}
 * positions of any chosen window of {@code m} units inside the literal. Each literal therefore enters
 * those {@code stride} q-grams of one window into a bit filter and a bucket table keyed by the same hash. Clean text costs
 * one hash and one bit test per {@code stride} units (for 20-char secrets, one per 16 chars); a filter
 * hit looks up the bucket and verifies candidates exactly. Matching works on the low 8 bits of each
 * unit for hashing, so chars (Latin-1 or not) and UTF-8 bytes share one index; verification is exact.
 *
 * <p>Immutable and thread-safe once built. Literals are added through {@link Builder}.
 */
public final class LiteralIndex {
    private static final int CHARS = 1;
    private static final int BYTES = 2;
    private static final int MAX_STRIDE = 16;

    /** Collects literals; {@link #add} returns the id reported for that literal's matches. */
    public static final class Builder {
        private final List<char[]> units = new ArrayList<>();
        private final List<Integer> kinds = new ArrayList<>();
        private final List<Boolean> folds = new ArrayList<>();
        private final List<Integer> ids = new ArrayList<>();
        private int nextId;

        /**
         * Adds a literal (length 1 or more). With {@code ignoreCase}, ASCII letters match either case.
         * A literal with non-ASCII chars is matched in chars as given and in bytes as its UTF-8 form.
         */
        public int add(CharSequence literal, boolean ignoreCase) {
            if (literal.length() == 0) {
                throw new IllegalArgumentException("empty literal");
            }
            int id = nextId++;
            char[] chars = literal.toString().toCharArray();
            boolean ascii = true;
            for (char c : chars) {
                ascii &= c < 0x80;
            }
            put(chars, ascii ? CHARS | BYTES : CHARS, ignoreCase, id);
            if (!ascii) {
                byte[] utf8 = literal.toString().getBytes(StandardCharsets.UTF_8);
                char[] byteUnits = new char[utf8.length];
                for (int i = 0; i < utf8.length; i++) {
                    byteUnits[i] = (char) (utf8[i] & 0xFF);
                }
                put(byteUnits, BYTES, ignoreCase, id);
            }
            return id;
        }

        private void put(char[] u, int kind, boolean ignoreCase, int id) {
            units.add(u);
            kinds.add(kind);
            folds.add(ignoreCase);
            ids.add(id);
        }

        public LiteralIndex build() {
            return new LiteralIndex(this);
        }
    }

    private final char[][] literals;
    private final int[] kinds;
    private final boolean[] ignoreCase;
    private final int[] ids;
    /** Per low byte of a unit, what the hash uses: the byte, ASCII-lower-cased if any literal ignores case. */
    private final int[] unitHash = new int[256];
    private final int minLength;
    private final int maxLength;
    private final int q;
    private final int stride;
    private final long[] filter;
    private final int filterShift;
    private final int bucketShift;
    private final int[] bucketStart;
    private final int[] bucketLiteral;
    /** Where the sampled q-gram sits inside the literal: a match starts that far before the sample. */
    private final int[] bucketOffset;

    private LiteralIndex(Builder b) {
        int n = b.units.size();
        literals = b.units.toArray(new char[0][]);
        kinds = new int[n];
        ignoreCase = new boolean[n];
        ids = new int[n];
        boolean anyFold = false;
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int i = 0; i < n; i++) {
            kinds[i] = b.kinds.get(i);
            ignoreCase[i] = b.folds.get(i);
            ids[i] = b.ids.get(i);
            anyFold |= ignoreCase[i];
            min = Math.min(min, literals[i].length);
            max = Math.max(max, literals[i].length);
        }
        for (int c = 0; c < 256; c++) {
            unitHash[c] = anyFold ? foldAscii(c) : c;
        }
        minLength = n == 0 ? 0 : min;
        maxLength = max;
        q = min >= 12 ? 4 : min >= 6 ? 3 : Math.min(2, Math.max(1, minLength));
        stride = Math.max(1, Math.min(MAX_STRIDE, minLength - q + 1));

        long entries = Math.max(1L, (long) n * stride);
        int filterBits = clamp(log2Ceil(entries * 32), 12, 25);
        int bucketBits = clamp(log2Ceil(entries), 6, Math.min(22, filterBits));
        filter = new long[1 << (filterBits - 6)];
        filterShift = 32 - filterBits;
        bucketShift = 32 - bucketBits;

        // Each literal is indexed by one window of minLength units; pick, among its start, middle and
        // end, the window whose q-grams land in the least loaded buckets, so literals sharing a prefix
        // (veil:cred-1, veil:cred-2, ...) do not all pile into one bucket.
        int[] window = new int[n];
        int[] load = new int[1 << bucketBits];
        for (int i = 0; i < n; i++) {
            int last = literals[i].length - minLength;
            int best = 0;
            long bestCost = Long.MAX_VALUE;
            for (int w : new int[] {0, last / 2, last}) {
                long cost = 0;
                for (int off = 0; off < stride; off++) {
                    cost += load[mix(key(literals[i], w + off)) >>> bucketShift];
                }
                if (cost < bestCost) {
                    bestCost = cost;
                    best = w;
                }
            }
            window[i] = best;
            for (int off = 0; off < stride; off++) {
                int h = mix(key(literals[i], best + off));
                load[h >>> bucketShift]++;
                filter[h >>> filterShift >>> 6] |= 1L << (h >>> filterShift);
            }
        }
        bucketStart = new int[load.length + 1];
        for (int i = 0; i < load.length; i++) {
            bucketStart[i + 1] = bucketStart[i] + load[i];
        }
        int[] next = Arrays.copyOf(bucketStart, load.length);
        bucketLiteral = new int[bucketStart[load.length]];
        bucketOffset = new int[bucketLiteral.length];
        for (int i = 0; i < n; i++) {
            for (int off = 0; off < stride; off++) {
                int slot = next[mix(key(literals[i], window[i] + off)) >>> bucketShift]++;
                bucketLiteral[slot] = i;
                bucketOffset[slot] = window[i] + off;
            }
        }
    }

    /** Length of the longest literal, 0 if none. */
    public int maxLength() { return maxLength; }

    private static int clamp(int v, int lo, int hi) { return Math.max(lo, Math.min(hi, v)); }

    private static int log2Ceil(long v) { return 64 - Long.numberOfLeadingZeros(Math.max(1, v - 1)); }

    private static int mix(int key) { return key * 0x9E3779B1; }

    private static int foldAscii(int c) {
        return c >= 'A' && c <= 'Z' ? c | 0x20 : c;
    }

    private int key(char[] s, int pos) {
        int[] u = unitHash;
        int k = u[s[pos] & 0xFF];
        if (q > 1) {
            k = k << 8 | u[s[pos + 1] & 0xFF];
            if (q > 2) {
                k = k << 8 | u[s[pos + 2] & 0xFF];
                if (q > 3) {
                    k = k << 8 | u[s[pos + 3] & 0xFF];
                }
            }
        }
        return k;
    }

    private int key(byte[] s, int pos) {
        int k = 0;
        for (int i = 0; i < q; i++) {
            k = k << 8 | unitHash[s[pos + i] & 0xFF];
        }
        return k;
    }

    private boolean maybe(int h) {
        int bit = h >>> filterShift;
        return (filter[bit >>> 6] & 1L << bit) != 0;
    }

    private static boolean sameUnit(int textUnit, char lit, boolean fold) {
        return textUnit == lit || fold && lit < 0x80 && foldAscii(textUnit) == foldAscii(lit);
    }

    private boolean matchesAt(char[] text, int start, int lit) {
        char[] l = literals[lit];
        boolean fold = ignoreCase[lit];
        for (int i = 0; i < l.length; i++) {
            if (!sameUnit(text[start + i], l[i], fold)) {
                return false;
            }
        }
        return true;
    }

    private boolean matchesAt(byte[] text, int start, int lit) {
        char[] l = literals[lit];
        boolean fold = ignoreCase[lit];
        for (int i = 0; i < l.length; i++) {
            if (!sameUnit(text[start + i] & 0xFF, l[i], fold)) {
                return false;
            }
        }
        return true;
    }

    /** True if any literal occurs in {@code text}. Allocates nothing (beyond a per-thread buffer). */
    public boolean containsAny(CharSequence text) {
        if (literals.length == 0 || text.length() < minLength) {
            return false;
        }
        char[] chars = Chars.of(text);
        try {
            return scan(chars, 0, text.length(), null, true) != null;
        } finally {
            Chars.release(chars, text.length(), false);
        }
    }

    /**
     * Every occurrence of every literal in {@code text[from, to)} (overlaps included, in no particular
     * order), appended to {@code into}. Returns {@code into}, or a new list on the first match if
     * {@code into} is null, or null if nothing matched and {@code into} was null: clean text allocates nothing.
     */
    public Matches findAll(CharSequence text, int from, int to, Matches into) {
        if (literals.length == 0 || to - from < minLength) {
            return into;
        }
        char[] chars = Chars.of(text);
        Matches out = null;
        try {
            out = scan(chars, from, to, into, false);
            return out;
        } finally {
            Chars.release(chars, text.length(), out != null);
        }
    }

    /** As {@link #findAll(CharSequence, int, int, Matches)} on UTF-8 bytes; offsets are byte offsets. */
    public Matches findAll(byte[] text, int from, int to, Matches into) {
        if (literals.length == 0) {
            return into;
        }
        for (int pos = from + stride - 1; pos <= to - q; pos += stride) {
            int h = mix(key(text, pos));
            if (!maybe(h)) {
                continue;
            }
            int b = h >>> bucketShift;
            for (int e = bucketStart[b], end = bucketStart[b + 1]; e < end; e++) {
                int lit = bucketLiteral[e];
                int start = pos - bucketOffset[e];
                if ((kinds[lit] & BYTES) != 0 && start >= from && start + literals[lit].length <= to
                        && matchesAt(text, start, lit)) {
                    into = Matches.add(into, ids[lit], start, start + literals[lit].length);
                }
            }
        }
        return into;
    }

    private static final Matches FOUND = new Matches();

    private Matches scan(char[] text, int from, int to, Matches into, boolean firstOnly) {
        for (int pos = from + stride - 1; pos <= to - q; pos += stride) {
            int h = mix(key(text, pos));
            if (!maybe(h)) {
                continue;
            }
            int b = h >>> bucketShift;
            for (int e = bucketStart[b], end = bucketStart[b + 1]; e < end; e++) {
                int lit = bucketLiteral[e];
                int start = pos - bucketOffset[e];
                if ((kinds[lit] & CHARS) != 0 && start >= from && start + literals[lit].length <= to
                        && matchesAt(text, start, lit)) {
                    if (firstOnly) {
                        return FOUND;
                    }
                    into = Matches.add(into, ids[lit], start, start + literals[lit].length);
                }
            }
        }
        return into;
    }
}
