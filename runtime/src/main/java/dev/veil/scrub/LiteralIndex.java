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
 * those {@code stride} q-grams of one window into a bit filter and a bucket table keyed by the same hash.
 * Clean text costs one hash and one bit test per {@code stride} units (for 20-char secrets, one per 6);
 * a filter hit looks up the bucket and verifies candidates exactly. The window is the literal's rarest in
 * log text (by letter frequencies) among its start, middle and end, or among all windows of a short
 * literal, weighed against bucket load: with 3-char detector keywords the text is sampled every second
 * position by 2-grams, so {@code -----BEGIN} is indexed by its letters rather than its dashes.
 *
 * <p>Keys are the low 8 bits of each unit, so chars (Latin-1 or not) and UTF-8 bytes share one index;
 * verification is exact. 2-grams index the filter directly (an exact 64-Kbit table), longer q-grams by
 * hash. A literal that ignores case enters every ASCII case variant of its q-grams, so the text is read as
 * it is, without folding.
 *
 * <p>Immutable and thread-safe once built. Literals are added through {@link Builder}.
 */
public final class LiteralIndex {
    private static final int CHARS = 1;
    private static final int BYTES = 2;
    private static final int MAX_STRIDE = 16;
    /** Literals with at most this many windows have all of them considered; longer ones three. */
    private static final int ALL_WINDOWS = 16;
    /** Rough per-mille frequencies of a to z in English, for {@link #frequency}. */
    private static final int[] LETTERS = {82, 15, 28, 43, 127, 22, 20, 61, 70, 2, 8, 40, 24, 67, 75, 19, 1, 60, 63, 91, 28, 10, 24, 2, 20, 1};

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
    private final int minLength;
    private final int maxLength;
    private final int q;
    private final int stride;
    private final long[] filter;
    /** Filter bit of a q-gram: {@code key * filterMultiplier >>> filterShift}; the key itself for 1- and 2-grams. */
    private final int filterMultiplier;
    private final int filterShift;
    private final int bucketShift;
    private final int[] bucketStart;
    private final int[] bucketLiteral;
    /** The q-gram each entry was filed under: a bucket shared with other q-grams is passed over cheaply. */
    private final int[] bucketKey;
    /** Where the sampled q-gram sits inside the literal: a match starts that far before the sample. */
    private final int[] bucketOffset;

    private LiteralIndex(Builder b) {
        int n = b.units.size();
        literals = b.units.toArray(new char[0][]);
        kinds = new int[n];
        ignoreCase = new boolean[n];
        ids = new int[n];
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int i = 0; i < n; i++) {
            kinds[i] = b.kinds.get(i);
            ignoreCase[i] = b.folds.get(i);
            ids[i] = b.ids.get(i);
            min = Math.min(min, literals[i].length);
            max = Math.max(max, literals[i].length);
        }
        minLength = n == 0 ? 0 : min;
        maxLength = max;
        q = minLength >= 12 ? 4 : minLength >= 6 ? 3 : Math.max(1, Math.min(2, minLength));
        stride = Math.max(1, Math.min(MAX_STRIDE, minLength - q + 1));

        long entries = 1;
        for (int i = 0; i < n; i++) {
            entries += (long) stride << (ignoreCase[i] ? q : 0);
        }
        int filterBits = q <= 2 ? 16 : clamp(log2Ceil(entries * 64), 15, 25);
        int bucketBits = clamp(log2Ceil(entries), 6, Math.min(22, filterBits));
        filter = new long[1 << (filterBits - 6)];
        filterMultiplier = q <= 2 ? 1 << 16 : 0x9E3779B1;
        filterShift = 32 - filterBits;
        bucketShift = 32 - bucketBits;

        int[] load = new int[1 << bucketBits];
        int[] entryHash = new int[(int) entries];
        int[] entryKey = new int[entryHash.length];
        int[] entryLiteral = new int[entryHash.length];
        int[] entryOffset = new int[entryHash.length];
        int count = 0;
        for (int i = 0; i < n; i++) {
            int w = window(literals[i], ignoreCase[i], load);
            for (int off = w; off < w + stride; off++) {
                int key = key(literals[i], off);
                for (int variant : ignoreCase[i] ? caseVariants(key) : new int[] {key}) {
                    int bit = variant * filterMultiplier >>> filterShift;
                    filter[bit >>> 6] |= 1L << bit;
                    entryHash[count] = mix(variant);
                    load[entryHash[count] >>> bucketShift]++;
                    entryKey[count] = variant;
                    entryLiteral[count] = i;
                    entryOffset[count++] = off;
                }
            }
        }
        bucketStart = new int[load.length + 1];
        for (int i = 0; i < load.length; i++) {
            bucketStart[i + 1] = bucketStart[i] + load[i];
        }
        int[] next = Arrays.copyOf(bucketStart, load.length);
        bucketLiteral = new int[count];
        bucketKey = new int[count];
        bucketOffset = new int[count];
        for (int e = 0; e < count; e++) {
            int slot = next[entryHash[e] >>> bucketShift]++;
            bucketLiteral[slot] = entryLiteral[e];
            bucketKey[slot] = entryKey[e];
            bucketOffset[slot] = entryOffset[e];
        }
    }

    /**
     * The window of {@code minLength} units to index {@code lit} by: the one whose sampled q-grams are
     * least likely in text, each weighed by its bucket's load so literals sharing a prefix (veil:cred-1,
     * veil:cred-2, ...) do not all pile into one bucket.
     */
    private int window(char[] lit, boolean fold, int[] load) {
        int last = lit.length - minLength;
        int[] windows = last < ALL_WINDOWS ? null : new int[] {0, last / 2, last};
        int best = 0;
        double bestCost = Double.MAX_VALUE;
        for (int k = 0; k <= (windows == null ? last : 2); k++) {
            int w = windows == null ? k : windows[k];
            double cost = 0;
            for (int off = w; off < w + stride; off++) {
                double p = 1;
                for (int i = 0; i < q; i++) {
                    p *= frequency(lit[off + i], fold);
                }
                cost += p * (1 + load[mix(key(lit, off)) >>> bucketShift]);
            }
            if (cost < bestCost) {
                bestCost = cost;
                best = w;
            }
        }
        return best;
    }

    /** A rough frequency of {@code unit} in log text (letters as in English, lower case dominating). */
    private static double frequency(char unit, boolean fold) {
        double upper = 0.005;
        if (unit >= 'a' && unit <= 'z' || fold && unit >= 'A' && unit <= 'Z') {
            return LETTERS[(unit | 0x20) - 'a'] / 1000.0 + (fold ? upper : 0);
        }
        if (unit >= 'A' && unit <= 'Z') {
            return upper;
        }
        return unit == ' ' ? 0.15 : unit >= '0' && unit <= '9' || ".-:/".indexOf(unit) >= 0 ? 0.02 : 0.01;
    }

    /** Every ASCII case variant of the q-gram {@code key} (one byte per unit). */
    private int[] caseVariants(int key) {
        int[] out = {key};
        for (int i = 0; i < q; i++) {
            int c = key >>> (8 * i) & 0xFF;
            if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
                int[] more = Arrays.copyOf(out, out.length * 2);
                for (int v = 0; v < out.length; v++) {
                    more[out.length + v] = out[v] ^ 0x20 << (8 * i);
                }
                out = more;
            }
        }
        return out;
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
        int k = s[pos] & 0xFF;
        if (q > 1) {
            k = k << 8 | s[pos + 1] & 0xFF;
            if (q > 2) {
                k = k << 8 | s[pos + 2] & 0xFF;
                if (q > 3) {
                    k = k << 8 | s[pos + 3] & 0xFF;
                }
            }
        }
        return k;
    }

    private int key(byte[] s, int pos) {
        int k = s[pos] & 0xFF;
        if (q > 1) {
            k = k << 8 | s[pos + 1] & 0xFF;
            if (q > 2) {
                k = k << 8 | s[pos + 2] & 0xFF;
                if (q > 3) {
                    k = k << 8 | s[pos + 3] & 0xFF;
                }
            }
        }
        return k;
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
            return containsAny(chars, 0, text.length());
        } finally {
            Chars.release(chars, text.length(), false);
        }
    }

    /** True if any literal occurs in {@code text[from, to)}. */
    boolean containsAny(char[] text, int from, int to) {
        return literals.length > 0 && to - from >= minLength && scan(text, from, to, null, true) != null;
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
        for (int pos = candidate(text, from + stride - 1, to - q); pos >= 0; pos = candidate(text, pos + stride, to - q)) {
            int key = key(text, pos);
            int b = mix(key) >>> bucketShift;
            for (int e = bucketStart[b], end = bucketStart[b + 1]; e < end; e++) {
                int lit = bucketLiteral[e];
                int start = pos - bucketOffset[e];
                if (bucketKey[e] == key && (kinds[lit] & BYTES) != 0 && start >= from && start + literals[lit].length <= to
                        && matchesAt(text, start, lit)) {
                    into = Matches.add(into, ids[lit], start, start + literals[lit].length);
                }
            }
        }
        return into;
    }

    private static final Matches FOUND = new Matches();

    private Matches scan(char[] text, int from, int to, Matches into, boolean firstOnly) {
        for (int pos = candidate(text, from + stride - 1, to - q); pos >= 0; pos = candidate(text, pos + stride, to - q)) {
            int key = key(text, pos);
            int b = mix(key) >>> bucketShift;
            for (int e = bucketStart[b], end = bucketStart[b + 1]; e < end; e++) {
                int lit = bucketLiteral[e];
                int start = pos - bucketOffset[e];
                if (bucketKey[e] == key && (kinds[lit] & CHARS) != 0 && start >= from && start + literals[lit].length <= to
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

    /**
     * The first sampled position from {@code pos} (stepping by the stride) up to {@code last} whose q-gram
     * passes the filter, or -1. Kept apart from verification so this loop, where clean text spends its
     * time, stays tight.
     */
    private int candidate(char[] text, int pos, int last) {
        long[] f = filter;
        if (q == 2) { // detector keywords: the same loop with the key inlined runs about a third faster
            for (; pos <= last; pos += stride) {
                int bit = (text[pos] & 0xFF) << 8 | text[pos + 1] & 0xFF;
                if ((f[bit >>> 6] & 1L << bit) != 0) {
                    return pos;
                }
            }
            return -1;
        }
        int multiplier = filterMultiplier;
        int shift = filterShift;
        for (; pos <= last; pos += stride) {
            int bit = key(text, pos) * multiplier >>> shift;
            if ((f[bit >>> 6] & 1L << bit) != 0) {
                return pos;
            }
        }
        return -1;
    }

    private int candidate(byte[] text, int pos, int last) {
        long[] f = filter;
        if (q == 2) { // detector keywords: the same loop with the key inlined runs about a third faster
            for (; pos <= last; pos += stride) {
                int bit = (text[pos] & 0xFF) << 8 | text[pos + 1] & 0xFF;
                if ((f[bit >>> 6] & 1L << bit) != 0) {
                    return pos;
                }
            }
            return -1;
        }
        int multiplier = filterMultiplier;
        int shift = filterShift;
        for (; pos <= last; pos += stride) {
            int bit = key(text, pos) * multiplier >>> shift;
            if ((f[bit >>> 6] & 1L << bit) != 0) {
                return pos;
            }
        }
        return -1;
    }
}
