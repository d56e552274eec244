package dev.veil.scrub;

import dev.veil.rules.ScrubSettings;
import java.io.ByteArrayOutputStream;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.TreeSet;
import java.util.Set;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Removes secrets from text Veil's process writes: values Veil resolved (every encoding, see
 * {@link Encodings#all}) become their placeholder, and detector matches become
 * {@code [REDACTED:<detector>]}.
 *
 * <p>Registration is copy-on-write: {@link #register} rebuilds the value index under a lock and
 * publishes it through a volatile field, so it is visible to every scrub that starts after it returns;
 * scrubs never lock. Rebuilding costs time linear in all registered encodings (values are registered
 * when first resolved, not per call).
 *
 * <p>Values shorter than {@value #MIN_VALUE_LENGTH} chars are refused (with a warning that names the
 * placeholder): a short value would replace ordinary words and numbers everywhere. Every encoding of an
 * accepted value is at least as long (base64 keeps at least 10 stable chars of 8 bytes).
 *
 * <p>Scrubbing never throws. If an internal error occurs the text cannot be proven clean, so it is
 * replaced by {@link #SCRUB_FAILED} as a whole: returning it unchanged could leak a secret, and losing
 * a log line is the lesser harm. {@link #failures()} counts these.
 */
public final class Scrubber {
    public static final int MIN_VALUE_LENGTH = 8;
    public static final String SCRUB_FAILED = "[REDACTED:veil-scrub-failed]";
    private static final byte[] SCRUB_FAILED_UTF8 = SCRUB_FAILED.getBytes(StandardCharsets.UTF_8);

    /** What scrubs read: an immutable value index and the placeholder for each of its literal ids. */
    private static final class Values {
        final LiteralIndex index;
        final String[] placeholders;
        /** The first 1 to {@value #PREFIX} UTF-8 bytes of every form, packed by {@link #prefixKey}. */
        final Set<Long> prefixes;

        Values(LiteralIndex index, String[] placeholders, Set<Long> prefixes) {
            this.index = index;
            this.placeholders = placeholders;
            this.prefixes = prefixes;
        }
    }

    private static final int PREFIX = 4;

    private static long prefixKey(byte[] b, int from, int len) {
        long key = len;
        for (int i = 0; i < len; i++) key = key << 8 | (b[from + i] & 0xff);
        return key;
    }

    private final Detectors detectors;
    private final Consumer<String> warnings;
    /** The registered values, shared with {@link #valuesOnly()} views; registration locks on it. */
    private static final class Registry {
        /** Placeholder to its values, each kept as its encodings (computed once, at registration). */
        final Map<String, List<String[]>> registered = new LinkedHashMap<>();
        volatile Values values = new Values(new LiteralIndex.Builder().build(), new String[0], Collections.emptySet());
    }

    private final Registry registry;
    private final AtomicLong failures = new AtomicLong();

    /** Values only, no detectors; warnings go to stderr. */
    public Scrubber() {
        this(Detectors.none(), Scrubber::warnToStderr);
    }

    /** Values plus the detectors {@code settings} asks for; warnings go to stderr. */
    public Scrubber(ScrubSettings settings) {
        this(Detectors.of(settings), Scrubber::warnToStderr);
    }

    public Scrubber(Detectors detectors, Consumer<String> warnings) {
        this(detectors, warnings, new Registry());
    }

    private Scrubber(Detectors detectors, Consumer<String> warnings, Registry registry) {
        this.detectors = detectors;
        this.warnings = warnings;
        this.registry = registry;
    }

    /**
     * A view that replaces the same registered values (registration through either is seen by both) but
     * runs no detectors: for text the application needs intact, such as HTTP responses carrying tokens.
     */
    public Scrubber valuesOnly() {
        return new Scrubber(Detectors.none(), warnings, registry);
    }

    private static void warnToStderr(String message) {
        System.err.println("veil: " + message);
    }

    /**
     * Scrubs {@code value} (copied; the caller may wipe its array) as {@code placeholder} from now on,
     * in addition to values already registered for it. Returns false, with a warning, if the value is
     * shorter than {@value #MIN_VALUE_LENGTH} chars and so will not be scrubbed.
     */
    public boolean register(String placeholder, char[] value) {
        return update(placeholder, value, false);
    }

    /**
     * Registers many values with one index rebuild (a single {@link #register} rebuilds the index, in
     * time linear in everything registered). Returns how many were accepted.
     */
    public int registerAll(Map<String, char[]> valueByPlaceholder) {
        synchronized (registry) {
            int accepted = 0;
            for (Map.Entry<String, char[]> e : valueByPlaceholder.entrySet()) {
                accepted += add(e.getKey(), e.getValue(), false) ? 1 : 0;
            }
            rebuild();
            return accepted;
        }
    }

    /** As {@link #register}, but first forgets the placeholder's other values (rotation). */
    public boolean replace(String placeholder, char[] value) {
        return update(placeholder, value, true);
    }

    /** Stops scrubbing every value registered for {@code placeholder}. */
    public void unregister(String placeholder) {
        synchronized (registry) {
            if (registry.registered.remove(placeholder) != null) {
                rebuild();
            }
        }
    }

    private boolean update(String placeholder, char[] value, boolean replaceOld) {
        synchronized (registry) {
            // Every injection registers its value again: a value already known must not cost a rebuild.
            if (!replaceOld && isRegistered(placeholder, value)) return true;
            boolean accepted = add(placeholder, value, replaceOld);
            rebuild();
            return accepted;
        }
    }

    private boolean add(String placeholder, char[] value, boolean replaceOld) {
        if (placeholder == null || value == null) {
            throw new IllegalArgumentException("placeholder and value are required");
        }
        if (value.length < MIN_VALUE_LENGTH) {
            warnings.accept("the value of " + placeholder + " is shorter than " + MIN_VALUE_LENGTH
                    + " characters; it will not be scrubbed from output");
            if (replaceOld) {
                registry.registered.remove(placeholder);
            }
            return false;
        }
        List<String[]> list = registry.registered.computeIfAbsent(placeholder, p -> new ArrayList<>());
        if (replaceOld) {
            list.clear();
        }
        String raw = new String(value);
        for (String[] forms : list) {
            if (forms[0].equals(raw)) {
                return true;
            }
        }
        list.add(Encodings.all(raw).toArray(new String[0]));
        return true;
    }

    private boolean isRegistered(String placeholder, char[] value) {
        List<String[]> list = registry.registered.get(placeholder);
        if (list == null) return false;
        for (String[] forms : list) {
            if (forms[0].length() == value.length && forms[0].contentEquals(CharBuffer.wrap(value))) return true;
        }
        return false;
    }

    private void rebuild() {
        LiteralIndex.Builder b = new LiteralIndex.Builder();
        List<String> names = new ArrayList<>();
        Set<Long> prefixes = new HashSet<>();
        for (Map.Entry<String, List<String[]>> e : registry.registered.entrySet()) {
            for (String[] forms : e.getValue()) {
                for (String form : forms) {
                    b.add(form, false);
                    names.add(e.getKey());
                    byte[] utf8 = form.getBytes(StandardCharsets.UTF_8);
                    for (int len = 1; len <= Math.min(PREFIX, utf8.length); len++) prefixes.add(prefixKey(utf8, 0, len));
                }
            }
        }
        registry.values = new Values(b.build(), names.toArray(new String[0]), prefixes);
    }

    /** Length of the longest registered encoding: the most a stream must hold back. */
    public int maxValueLength() {
        return registry.values.index.maxLength();
    }

    /** Scrubs that failed internally and returned {@link #SCRUB_FAILED}. */
    public long failures() {
        return failures.get();
    }

    /**
     * Whether a registered value could start at {@code utf8[from]} given the bytes up to {@code to}: false
     * means no value begins there, so a stream need not hold those bytes back.
     */
    boolean mayStartValue(byte[] utf8, int from, int to) {
        return registry.values.prefixes.contains(prefixKey(utf8, from, Math.min(PREFIX, to - from)));
    }

    /**
     * Where a stream holding UTF-8 bytes {@code [from, len)} must start holding back: the first byte from
     * which a registered value could still be completed by later bytes. Only bytes where a value might
     * begin are held, so a streamed event is not delayed by a chunk.
     */
    int valueHoldBack(byte[] utf8, int from, int len) {
        // A UTF-8 char is at most 3 bytes per UTF-16 unit, so this covers the longest value's bytes.
        int hold = Math.max(from, len - Math.max(0, 3 * maxValueLength() - 1));
        while (hold < len && !mayStartValue(utf8, hold, len)) hold++;
        return hold;
    }

    /**
     * Where a stream holding UTF-8 bytes {@code [from, len)} of an unfinished line must start holding back so
     * that a detector match still forming there (a key printed in two writes) is redacted whole when the rest
     * arrives; {@code len} when nothing could be forming.
     */
    int detectorHoldBack(byte[] utf8, int from, int len) {
        if (detectors.size() == 0 || from >= len) return len;
        // Keywords and built-in patterns are ASCII: Latin-1 maps each byte to one char, so positions stay byte offsets.
        return from + detectors.openMatchStart(new String(utf8, from, len - from, StandardCharsets.ISO_8859_1));
    }

    /** As {@link #cutOutsideValues(CharSequence, int)}, for UTF-8 bytes {@code [0, len)}. */
    int cutOutsideValues(byte[] utf8, int len, int cut) {
        return pastSpanning(registry.values.index.findAll(utf8, 0, len, null), cut);
    }

    /** {@code cut}, moved past the end of any registered value that spans it, so no value is split. */
    int cutOutsideValues(CharSequence text, int cut) {
        return pastSpanning(registry.values.index.findAll(text, 0, text.length(), null), cut);
    }

    private static int pastSpanning(Matches m, int cut) {
        boolean moved = m != null;
        while (moved) {
            moved = false;
            for (int i = 0; i < m.size(); i++) {
                if (m.start(i) < cut && m.end(i) > cut) {
                    cut = m.end(i);
                    moved = true;
                }
            }
        }
        return cut;
    }

    /**
     * The placeholders whose registered real values (in any encoding) occur in {@code text}; empty, without
     * allocating, when none does. Used to stop a real value leaving for a destination it is not allowed for.
     */
    public Set<String> placeholdersIn(CharSequence text) {
        Values v = registry.values;
        Matches m = text == null ? null : v.index.findAll(text, 0, text.length(), null);
        if (m == null) {
            return Collections.emptySet();
        }
        Set<String> out = new TreeSet<>();
        for (int i = 0; i < m.size(); i++) {
            out.add(v.placeholders[m.id(i)]);
        }
        return out;
    }

    /** The scrubbed text; the same instance if nothing matched (then nothing is allocated). */
    public String scrub(String text) {
        if (text == null) {
            return null;
        }
        try {
            Values v = registry.values;
            Matches[] found = find(v, text);
            if (found == null) {
                return text;
            }
            String out = text;
            Matches hits = found[1];
            if (found[0] != null) {
                out = replace(text, found[0].resolve(), v.placeholders, null);
                hits = detectors.find(out);
            } else {
                hits = detectors.find(out, hits);
            }
            if (hits != null) {
                out = replace(out, hits.resolve(), null, detectors);
            }
            return out;
        } catch (Throwable t) {
            failures.incrementAndGet();
            return SCRUB_FAILED;
        }
    }

    /** Scrubs {@code sb} in place; true if it changed. */
    public boolean scrub(StringBuilder sb) {
        if (sb == null) {
            return false;
        }
        try {
            Values v = registry.values;
            Matches[] found = find(v, sb);
            if (found == null) {
                return false;
            }
            boolean changed = false;
            Matches hits = found[1];
            if (found[0] != null) {
                replaceInPlace(sb, found[0].resolve(), v.placeholders, null);
                changed = true;
                hits = detectors.find(sb);
            } else {
                hits = detectors.find(sb, hits);
            }
            if (hits != null) {
                replaceInPlace(sb, hits.resolve(), null, detectors);
                changed = true;
            }
            return changed;
        } catch (Throwable t) {
            failures.incrementAndGet();
            sb.setLength(0);
            sb.append(SCRUB_FAILED);
            return true;
        }
    }

    /**
     * One copy of {@code text}, one pass for values and one for detector keywords: {value matches, keyword
     * hits} (the hits only looked for when no value matched), or null when there is nothing to do. Clean text
     * allocates nothing.
     */
    private Matches[] find(Values v, CharSequence text) {
        int n = text.length();
        char[] chars = Chars.of(text);
        Matches values = null;
        Matches hits = null;
        try {
            values = v.index.findAll(chars, 0, n, null);
            if (values == null) hits = detectors.keywordHits(chars, n);
        } finally {
            Chars.release(chars, n, values != null || hits != null);
        }
        return values == null && !detectors.mayMatch(hits) ? null : new Matches[] {values, hits};
    }

    /** Scrubs UTF-8 bytes; the same array if nothing matched, else a new one. */
    public byte[] scrub(byte[] utf8) {
        return utf8 == null ? null : scrub(utf8, 0, utf8.length);
    }

    /**
     * Scrubs {@code utf8[off, off+len)}. Returns {@code utf8} itself if that region is clean (use the
     * region as it is), else a new array holding exactly the scrubbed region. Value matches are replaced
     * byte-wise; only text where a detector keyword occurs is decoded (malformed UTF-8 in such text
     * becomes U+FFFD).
     */
    public byte[] scrub(byte[] utf8, int off, int len) {
        if (utf8 == null) {
            return null;
        }
        try {
            Values v = registry.values;
            byte[] out = utf8;
            int from = off;
            int to = off + len;
            if (off < 0 || len < 0 || to > utf8.length) {
                throw new IndexOutOfBoundsException("bad region");
            }
            Matches m = v.index.findAll(utf8, from, to, null);
            if (m != null) {
                out = replace(utf8, from, to, m.resolve(), v.placeholders);
                from = 0;
                to = out.length;
            }
            Matches hits = detectors.keywordHits(out, from, to);
            if (detectors.mayMatch(hits)) {
                String text = new String(out, from, to - from, StandardCharsets.UTF_8);
                // Where every byte became one char (ASCII), the keywords sit in the text where they sat in the bytes.
                Matches d = from == 0 && text.length() == to ? detectors.find(text, hits) : detectors.find(text);
                if (d != null) {
                    out = replace(text, d.resolve(), null, detectors).getBytes(StandardCharsets.UTF_8);
                }
            }
            return out;
        } catch (Throwable t) {
            failures.incrementAndGet();
            return SCRUB_FAILED_UTF8.clone();
        }
    }

    private static String name(int id, String[] placeholders, Detectors detectors) {
        return placeholders != null ? placeholders[id] : detectors.replacement(id);
    }

    private static String replace(CharSequence text, Matches m, String[] placeholders, Detectors detectors) {
        StringBuilder sb = new StringBuilder(text.length() + 16 * m.size());
        int at = 0;
        for (int i = 0; i < m.size(); i++) {
            sb.append(text, at, m.start(i)).append(name(m.id(i), placeholders, detectors));
            at = m.end(i);
        }
        return sb.append(text, at, text.length()).toString();
    }

    private static void replaceInPlace(StringBuilder sb, Matches m, String[] placeholders, Detectors detectors) {
        for (int i = m.size() - 1; i >= 0; i--) {
            sb.replace(m.start(i), m.end(i), name(m.id(i), placeholders, detectors));
        }
    }

    private static byte[] replace(byte[] text, int from, int to, Matches m, String[] placeholders) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        int at = from;
        for (int i = 0; i < m.size(); i++) {
            out.write(text, at, m.start(i) - at);
            byte[] p = placeholders[m.id(i)].getBytes(StandardCharsets.UTF_8);
            out.write(p, 0, p.length);
            at = m.end(i);
        }
        out.write(text, at, to - at);
        return out.toByteArray();
    }
}
