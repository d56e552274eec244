package dev.veil.inject;

import dev.veil.scrub.Encodings;
import dev.veil.scrub.LiteralIndex;
import dev.veil.scrub.Matches;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Finds placeholders in outgoing text (URLs, header values, bodies): the configured ones, raw or
 * percent-encoded, and any other {@code veil:<name>} ({@code name} = {@code [A-Za-z0-9._-]+}, a trailing
 * '.' taken as punctuation), reported as unknown so policy can deny it. An HTTP Basic credential
 * ({@code Basic base64(user:pass)}, the whole text) is decoded and searched too.
 *
 * <p>Where matches overlap, the longest at the leftmost start wins; a {@code veil:} name that runs on
 * past a configured placeholder ({@code veil:openai2} when only {@code veil:openai} is configured) is
 * the longer, unknown placeholder, never the configured one plus a suffix.
 *
 * <p>Cost: {@link #mayContain} and {@link #find}/{@link #substitute} on text without a placeholder do
 * one {@link LiteralIndex} pass, allocate nothing and use no regex; a Basic header value is decoded
 * (a small allocation). Configured placeholders of the usual form {@code veil:<name>} are found
 * through the generic prefix and a set lookup, so their number does not slow the scan; only other
 * placeholders ({@code {{TOKEN}}}) become literals of the index. Immutable and thread-safe.
 */
public final class PlaceholderScanner {
    public static final int MIN_PLACEHOLDER_LENGTH = 6;
    private static final String PREFIX = "veil:";

    /** How a placeholder was written in the text, so the value can be written the same way. */
    public enum Encoding { RAW, PERCENT, BASIC }

    /** One placeholder occurrence. For BASIC, the span is the base64 token of the header value. */
    public static final class Found {
        private final String placeholder;
        private final int start;
        private final int end;
        private final Encoding encoding;
        private final boolean known;

        Found(String placeholder, int start, int end, Encoding encoding, boolean known) {
            this.placeholder = placeholder;
            this.start = start;
            this.end = end;
            this.encoding = encoding;
            this.known = known;
        }

        /** The placeholder in its decoded form, e.g. {@code veil:openai}. */
        public String placeholder() { return placeholder; }
        public int start() { return start; }
        public int end() { return end; }
        public Encoding encoding() { return encoding; }
        /** False for a {@code veil:} placeholder that is not configured. */
        public boolean known() { return known; }

        @Override public String toString() {
            return (known ? "" : "unknown ") + placeholder + " " + encoding + " at " + start + ".." + end;
        }
    }

    private final LiteralIndex index;
    /** Configured placeholders of the form veil:[A-Za-z0-9._-]+, recognised from the generic prefix hit. */
    private final Set<String> veilNames = new HashSet<>();
    /** Per literal id: the decoded placeholder (null for the generic prefix), its encoding. */
    private final String[] placeholderOf;
    private final Encoding[] encodingOf;

    public PlaceholderScanner(Collection<String> placeholders) {
        Set<String> seen = new HashSet<>();
        LiteralIndex.Builder b = new LiteralIndex.Builder();
        List<String> names = new ArrayList<>();
        List<Encoding> encodings = new ArrayList<>();
        for (String p : placeholders) {
            if (p == null || p.length() < MIN_PLACEHOLDER_LENGTH) {
                throw new IllegalArgumentException("placeholder '" + p + "' is shorter than "
                        + MIN_PLACEHOLDER_LENGTH + " characters");
            }
            if (!seen.add(p)) {
                throw new IllegalArgumentException("placeholder '" + p + "' is configured twice");
            }
            if (p.length() > PREFIX.length() && p.startsWith(PREFIX) && nameEnd(p, PREFIX.length()) == p.length()) {
                veilNames.add(p); // found through the generic prefix, so it needs no literal of its own
                continue;
            }
            for (String form : percentForms(p)) {
                b.add(form, false);
                names.add(p);
                encodings.add(form.equals(p) ? Encoding.RAW : Encoding.PERCENT);
            }
        }
        for (String form : percentForms(PREFIX)) {
            b.add(form, false);
            names.add(null);
            encodings.add(form.equals(PREFIX) ? Encoding.RAW : Encoding.PERCENT);
        }
        index = b.build();
        placeholderOf = names.toArray(new String[0]);
        encodingOf = encodings.toArray(new Encoding[0]);
    }

    /** {@code p} raw, and percent-encoded with upper- and lower-case hex when that differs. */
    private static Set<String> percentForms(String p) {
        Set<String> out = new LinkedHashSet<>();
        out.add(p);
        String upper = Encodings.percent(p);
        out.add(upper);
        out.add(lowerHex(upper));
        return out;
    }

    private static String lowerHex(String percentEncoded) {
        StringBuilder sb = new StringBuilder(percentEncoded);
        for (int i = 0; i + 2 < sb.length(); i++) {
            if (sb.charAt(i) == '%') {
                sb.setCharAt(i + 1, Character.toLowerCase(sb.charAt(i + 1)));
                sb.setCharAt(i + 2, Character.toLowerCase(sb.charAt(i + 2)));
                i += 2;
            }
        }
        return sb.toString();
    }

    /** True if {@code text} may hold a placeholder; false is certain. Allocates nothing. */
    public boolean mayContain(CharSequence text) {
        return text != null && (index.containsAny(text) || basicToken(text) >= 0);
    }

    /**
     * Every placeholder in {@code text}, in order, non-overlapping, except that all placeholders inside
     * one Basic token share its span. An empty shared list if none.
     */
    public List<Found> find(String text) {
        if (text == null) {
            return Collections.emptyList();
        }
        List<Found> out = findPlain(text);
        int token = basicToken(text);
        if (token >= 0) {
            String decoded = decodeBasic(text, token);
            if (decoded != null) {
                List<Found> inner = findPlain(decoded);
                if (!inner.isEmpty()) {
                    out = new ArrayList<>(out);
                    for (Found f : inner) {
                        out.add(new Found(f.placeholder, token, tokenEnd(text, token), Encoding.BASIC, f.known));
                    }
                    out.sort((a, b) -> Integer.compare(a.start, b.start));
                }
            }
        }
        return out;
    }

    private List<Found> findPlain(String text) {
        Matches m = index.findAll(text, 0, text.length(), null);
        if (m == null) {
            return Collections.emptyList();
        }
        List<Found> candidates = new ArrayList<>();
        for (int i = 0; i < m.size(); i++) {
            int id = m.id(i);
            int start = m.start(i);
            if (placeholderOf[id] != null) {
                candidates.add(new Found(placeholderOf[id], start, m.end(i), encodingOf[id], true));
            } else {
                int end = nameEnd(text, m.end(i));
                if (end > m.end(i)) {
                    String placeholder = PREFIX + text.substring(m.end(i), end);
                    candidates.add(new Found(placeholder, start, end, encodingOf[id], veilNames.contains(placeholder)));
                }
            }
        }
        candidates.sort((a, b) -> a.start != b.start ? Integer.compare(a.start, b.start)
                : a.end != b.end ? Integer.compare(b.end, a.end) : Boolean.compare(b.known, a.known));
        List<Found> out = new ArrayList<>();
        int taken = 0;
        for (Found f : candidates) {
            if (f.start >= taken) {
                out.add(f);
                taken = f.end;
            }
        }
        return out;
    }

    /** End of a placeholder name starting at {@code from}; a trailing '.' is punctuation, not name. */
    private static int nameEnd(String text, int from) {
        int end = from;
        while (end < text.length() && isNameChar(text.charAt(end))) {
            end++;
        }
        while (end > from && text.charAt(end - 1) == '.') {
            end--;
        }
        return end;
    }

    private static boolean isNameChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || c == '.' || c == '_' || c == '-';
    }

    /**
     * {@code text} with every known placeholder replaced by {@code valueFor.apply(placeholder)}, written
     * the way the placeholder was: percent-encoded if it was, and inside a re-encoded Basic token.
     * Placeholders for which {@code valueFor} returns null (e.g. unknown ones) are left as they are.
     * Returns {@code text} itself when nothing was replaced.
     */
    public String substitute(String text, Function<String, ? extends CharSequence> valueFor) {
        List<Found> found = find(text);
        if (found.isEmpty()) {
            return text;
        }
        StringBuilder sb = null;
        int at = 0;
        for (Found f : found) {
            if (f.start < at) {
                continue; // several placeholders inside one Basic token: the token is done
            }
            String replacement = f.encoding == Encoding.BASIC
                    ? substituteBasic(text, f.start, valueFor) : encodedValue(f, valueFor);
            if (replacement == null) {
                continue;
            }
            if (sb == null) {
                sb = new StringBuilder(text.length() + 64);
            }
            sb.append(text, at, f.start).append(replacement);
            at = f.end;
        }
        return sb == null ? text : sb.append(text, at, text.length()).toString();
    }

    private static String encodedValue(Found f, Function<String, ? extends CharSequence> valueFor) {
        CharSequence v = valueFor.apply(f.placeholder);
        if (v == null) {
            return null;
        }
        return f.encoding == Encoding.PERCENT ? Encodings.percent(v) : v.toString();
    }

    /** The new base64 token for the Basic credential at {@code token}, or null if nothing changed. */
    private String substituteBasic(String text, int token, Function<String, ? extends CharSequence> valueFor) {
        String decoded = decodeBasic(text, token);
        if (decoded == null) {
            return null;
        }
        String replaced = substitute(decoded, valueFor);
        if (replaced == decoded) {
            return null;
        }
        return Base64.getEncoder().encodeToString(replaced.getBytes(StandardCharsets.UTF_8));
    }

    /** Start of the base64 token if {@code text} is an HTTP Basic credential ("Basic " + token), else -1. */
    private static int basicToken(CharSequence text) {
        int i = 0;
        while (i < text.length() && text.charAt(i) == ' ') {
            i++;
        }
        String scheme = "basic ";
        if (text.length() - i <= scheme.length()) {
            return -1;
        }
        for (int k = 0; k < scheme.length(); k++) {
            if (Character.toLowerCase(text.charAt(i + k)) != scheme.charAt(k)) {
                return -1;
            }
        }
        i += scheme.length();
        while (i < text.length() && text.charAt(i) == ' ') {
            i++;
        }
        return i < text.length() ? i : -1;
    }

    private static int tokenEnd(String text, int token) {
        int end = token;
        while (end < text.length() && text.charAt(end) != ' ' && text.charAt(end) != ',') {
            end++;
        }
        return end;
    }

    /** The decoded {@code user:pass}, or null if the token is not base64 of UTF-8 text. */
    private static String decodeBasic(String text, int token) {
        try {
            byte[] bytes = Base64.getDecoder().decode(text.substring(token, tokenEnd(text, token)));
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            return null;
        }
    }
}
