package dev.veil.scrub;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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
 * <p>Detector keywords (3+ chars) are sampled every second unit by 2-grams, eight samples per loop pass
 * (UTF-8 bytes read as two longs); a 2-gram that passes is checked with the unit after or before it against
 * a table of the keywords' 3-grams before any candidate is verified, so common 2-grams of keywords
 * ({@code rk} of {@code rk_live_} in {@code framework.}) cost little.
 *
 * <p>Keys are the low 8 bits of each unit, first unit lowest, so chars (Latin-1 or not) and UTF-8 bytes
 * share one index; verification is exact. 1- and 2-grams index a byte table directly (64 KB, one load per
 * sample and no bit arithmetic), longer q-grams a bit filter by hash. A literal that ignores case enters
 * every ASCII case variant of its q-grams, so the text is read as
 * it is, without folding.
 *
 * <p>Immutable and thread-safe once built. Literals are added through {@link Builder}.
 */
public final class LiteralIndex {
    private static final int CHARS = 1;
    private static final int BYTES = 2;
    private static final int MAX_STRIDE = 16;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** Bits of the 3-gram table: a few hundred keyword 3-grams (case variants included) fill about 2%. */
    private static final int TRIPLE_BITS = 14;
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
    /** For q up to 2: 1 at each indexed 1- or 2-gram, else 0; null for longer q-grams, which use {@link #filter}. */
    private final byte[] grams;
    /** For q of 3 or more: bit {@code mix(key) >>> filterShift} set for each indexed q-gram; else null. */
    private final long[] filter;
    private final int filterShift;
    private final int bucketShift;
    private final int[] bucketStart;
    private final int[] bucketLiteral;
    /** The q-gram each entry was filed under: a bucket shared with other q-grams is passed over cheaply. */
    private final int[] bucketKey;
    /** Where the sampled q-gram sits inside the literal: a match starts that far before the sample. */
    private final int[] bucketOffset;
    /**
     * For 2-gram indexes of literals of 3+ units: the 3-gram each indexed 2-gram starts (or, at a literal's end,
     * ends) in the literals, by {@link #tripleBit}; null when not used.
     */
    private final long[] triples;

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
        // 2-grams are sampled every second unit at most, which the unrolled loops in candidate() read.
        stride = Math.max(1, Math.min(q == 2 ? 2 : MAX_STRIDE, minLength - q + 1));
        triples = q == 2 && minLength >= 3 ? new long[1 << (TRIPLE_BITS - 6)] : null;

        long entries = 1;
        for (int i = 0; i < n; i++) {
            entries += (long) stride << (ignoreCase[i] ? q : 0);
        }
        int filterBits = q <= 2 ? 16 : clamp(log2Ceil(entries * 64), 15, 25);
        int bucketBits = clamp(log2Ceil(entries), 6, Math.min(22, filterBits));
        grams = q <= 2 ? new byte[1 << 16] : null;
        filter = q <= 2 ? null : new long[1 << (filterBits - 6)];
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
                if (triples != null) {
                    int start = off + 3 <= literals[i].length ? off : off - 1;
                    int triple = key(literals[i], start, 3);
                    for (int variant : ignoreCase[i] ? caseVariants(triple, 3) : new int[] {triple}) {
                        int bit = tripleBit(variant, start - off);
                        triples[bit >>> 6] |= 1L << bit;
                    }
                }
                int key = key(literals[i], off);
                for (int variant : ignoreCase[i] ? caseVariants(key, q) : new int[] {key}) {
                    if (grams != null) {
                        grams[variant] = 1;
                    } else {
                        int bit = mix(variant) >>> filterShift;
                        filter[bit >>> 6] |= 1L << bit;
                    }
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

    /** Every ASCII case variant of the {@code units}-gram {@code key} (one byte per unit). */
    private static int[] caseVariants(int key, int units) {
        int[] out = {key};
        for (int i = 0; i < units; i++) {
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
            k |= (s[pos + 1] & 0xFF) << 8;
            if (q > 2) {
                k |= (s[pos + 2] & 0xFF) << 16;
                if (q > 3) {
                    k |= (s[pos + 3] & 0xFF) << 24;
                }
            }
        }
        return k;
    }

    /** The {@code units}-gram at {@code pos}: the low byte of each unit, the first lowest. */
    private static int key(char[] s, int pos, int units) {
        int k = 0;
        for (int i = 0; i < units; i++) {
            k |= (s[pos + i] & 0xFF) << 8 * i;
        }
        return k;
    }

    private int key(byte[] s, int pos) {
        int k = s[pos] & 0xFF;
        if (q > 1) {
            k |= (s[pos + 1] & 0xFF) << 8;
            if (q > 2) {
                k |= (s[pos + 2] & 0xFF) << 16;
                if (q > 3) {
                    k |= (s[pos + 3] & 0xFF) << 24;
                }
            }
        }
        return k;
    }

    /** Where a 3-gram goes in {@link #triples}: {@code before} is 0 if it starts at the sampled 2-gram, -1 if one unit before. */
    private static int tripleBit(int triple, int before) {
        return (triple - before) * 0x9E3779B1 >>> (32 - TRIPLE_BITS);
    }

    private boolean hasTriple(int triple, int before) {
        int bit = tripleBit(triple, before);
        return (triples[bit >>> 6] & 1L << bit) != 0;
    }

    /** Whether the 2-gram sampled at {@code pos} sits in {@code text[from, to)} as it does in some literal (true if not checked). */
    private boolean tripleFits(char[] text, int pos, int from, int to) {
        return triples == null || pos + 2 < to && hasTriple(key(text, pos, 3), 0)
                || pos > from && hasTriple(key(text, pos - 1, 3), -1);
    }

    private boolean tripleFits(byte[] text, int pos, int from, int to) {
        return triples == null
                || pos + 2 < to && hasTriple((text[pos] & 0xFF) | (text[pos + 1] & 0xFF) << 8 | (text[pos + 2] & 0xFF) << 16, 0)
                || pos > from && hasTriple((text[pos - 1] & 0xFF) | (text[pos] & 0xFF) << 8 | (text[pos + 1] & 0xFF) << 16, -1);
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

    /** As {@link #findAll(CharSequence, int, int, Matches)}, on text already copied into {@code text}. */
    Matches findAll(char[] text, int from, int to, Matches into) {
        return literals.length == 0 || to - from < minLength ? into : scan(text, from, to, into, false);
    }

    /** As {@link #findAll(CharSequence, int, int, Matches)} on UTF-8 bytes; offsets are byte offsets. */
    public Matches findAll(byte[] text, int from, int to, Matches into) {
        if (literals.length == 0) {
            return into;
        }
        for (int pos = candidate(text, from + stride - 1, from, to); pos >= 0; pos = candidate(text, pos + stride, from, to)) {
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
        for (int pos = candidate(text, from + stride - 1, from, to); pos >= 0; pos = candidate(text, pos + stride, from, to)) {
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
     * The first sampled position from {@code pos} (stepping by the stride) in {@code text[from, to)} whose
     * q-gram passes the filter (and a 2-gram its 3-gram), or -1. Kept apart from verification so the loops
     * where clean text spends its time stay tight.
     *
     * <p>2-grams every second unit are taken eight samples (sixteen units) per pass, their table bytes OR-ed,
     * so clean text costs a few loads and one branch per pass. The units left over after the last whole pass
     * are covered by one more pass ending at the last sample, its samples already seen masked off.
     */
    private int candidate(char[] text, int pos, int from, int to) {
        int last = to - q;
        if (q != 2 || stride != 2) return walk(text, pos, last, from, to);
        byte[] g = grams;
        for (int hit; (hit = firstHitPass(g, text, pos, last)) >= 0; pos = hit + 16) {
            int at = firstFit(text, hit, hits(g, text, hit), from, to);
            if (at >= 0) return at;
        }
        pos += Math.max(0, (last - pos + 2) / 16 * 16);
        int pass = pos + ((last - 14 - pos) & ~1);
        if (pos > last || pass < from) return walk(text, pos, last, from, to);
        return firstFit(text, pass, hits(g, text, pass) & -1 << (pos - pass) / 2, from, to);
    }

    private int candidate(byte[] text, int pos, int from, int to) {
        int last = to - q;
        if (q != 2 || stride != 2) return walk(text, pos, last, from, to);
        byte[] g = grams;
        for (int hit; (hit = firstHitPass(g, text, pos, last)) >= 0; pos = hit + 16) {
            int at = firstFit(text, hit, hits(g, text, hit), from, to);
            if (at >= 0) return at;
        }
        pos += Math.max(0, (last - pos + 2) / 16 * 16);
        int pass = pos + ((last - 14 - pos) & ~1);
        if (pos > last || pass < from) return walk(text, pos, last, from, to);
        return firstFit(text, pass, hits(g, text, pass) & -1 << (pos - pass) / 2, from, to);
    }

    /** The first pass from {@code pos} with a sample in {@code g}, or -1: see {@link #candidate(char[], int, int, int)}. */
    private static int firstHitPass(byte[] g, char[] text, int pos, int last) {
        for (; pos + 14 <= last; pos += 16) {
            if ((pair(g, text, pos) | pair(g, text, pos + 2) | pair(g, text, pos + 4) | pair(g, text, pos + 6)
                    | pair(g, text, pos + 8) | pair(g, text, pos + 10) | pair(g, text, pos + 12) | pair(g, text, pos + 14)) != 0) {
                return pos;
            }
        }
        return -1;
    }

    /** As for chars; the sixteen bytes of a pass are read as two longs, each holding four samples. */
    private static int firstHitPass(byte[] g, byte[] text, int pos, int last) {
        for (; pos + 14 <= last; pos += 16) {
            long a = (long) LONGS.get(text, pos);
            long b = (long) LONGS.get(text, pos + 8);
            if ((g[(int) a & 0xFFFF] | g[(int) (a >>> 16) & 0xFFFF] | g[(int) (a >>> 32) & 0xFFFF] | g[(int) (a >>> 48)]
                    | g[(int) b & 0xFFFF] | g[(int) (b >>> 16) & 0xFFFF] | g[(int) (b >>> 32) & 0xFFFF] | g[(int) (b >>> 48)]) != 0) {
                return pos;
            }
        }
        return -1;
    }

    /** Bit i set if the sample {@code pass + 2i} is in {@code g}. */
    private static int hits(byte[] g, char[] text, int pass) {
        return pair(g, text, pass) | pair(g, text, pass + 2) << 1 | pair(g, text, pass + 4) << 2 | pair(g, text, pass + 6) << 3
                | pair(g, text, pass + 8) << 4 | pair(g, text, pass + 10) << 5 | pair(g, text, pass + 12) << 6
                | pair(g, text, pass + 14) << 7;
    }

    private static int hits(byte[] g, byte[] text, int pass) {
        return hits(g, (long) LONGS.get(text, pass)) | hits(g, (long) LONGS.get(text, pass + 8)) << 4;
    }

    /** Bit i set if the 2-gram in bits 16i to 16i+15 of {@code units} is in {@code g}. */
    private static int hits(byte[] g, long units) {
        return g[(int) units & 0xFFFF] | g[(int) (units >>> 16) & 0xFFFF] << 1 | g[(int) (units >>> 32) & 0xFFFF] << 2
                | g[(int) (units >>> 48)] << 3;
    }

    private static int pair(byte[] g, char[] text, int pos) {
        return g[(text[pos] & 0xFF) | (text[pos + 1] & 0xFF) << 8];
    }

    /** The first sample of {@code pass} marked in {@code hits} whose 3-gram fits, or -1. */
    private int firstFit(char[] text, int pass, int hits, int from, int to) {
        for (; hits != 0; hits &= hits - 1) {
            int at = pass + 2 * Integer.numberOfTrailingZeros(hits);
            if (tripleFits(text, at, from, to)) return at;
        }
        return -1;
    }

    private int firstFit(byte[] text, int pass, int hits, int from, int to) {
        for (; hits != 0; hits &= hits - 1) {
            int at = pass + 2 * Integer.numberOfTrailingZeros(hits);
            if (tripleFits(text, at, from, to)) return at;
        }
        return -1;
    }

    /** {@link #candidate}, one sample at a time, up to {@code last}. */
    private int walk(char[] text, int pos, int last, int from, int to) {
        if (q <= 2) {
            byte[] g = grams;
            for (; pos <= last; pos += stride) {
                if (g[key(text, pos)] != 0 && tripleFits(text, pos, from, to)) return pos;
            }
            return -1;
        }
        long[] f = filter;
        int shift = filterShift;
        for (; pos <= last; pos += stride) {
            int bit = mix(key(text, pos)) >>> shift;
            if ((f[bit >>> 6] & 1L << bit) != 0) {
                return pos;
            }
        }
        return -1;
    }

    private int walk(byte[] text, int pos, int last, int from, int to) {
        if (q <= 2) {
            byte[] g = grams;
            for (; pos <= last; pos += stride) {
                if (g[key(text, pos)] != 0 && tripleFits(text, pos, from, to)) return pos;
            }
            return -1;
        }
        long[] f = filter;
        int shift = filterShift;
        for (; pos <= last; pos += stride) {
            int bit = mix(key(text, pos)) >>> shift;
            if ((f[bit >>> 6] & 1L << bit) != 0) {
                return pos;
            }
        }
        return -1;
    }
}
