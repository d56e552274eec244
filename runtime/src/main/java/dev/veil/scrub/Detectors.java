package dev.veil.scrub;

import dev.veil.rules.PlainTree;
import dev.veil.rules.ScrubSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Secret shapes Veil was never told about: the built-in detectors (classpath resource
 * {@value #BUILTIN_RESOURCE}) and the user's {@code scrub.patterns}.
 *
 * <p>Cost on clean text is one {@link LiteralIndex} pass for all keywords. Every match of a detector
 * starts at one of its keywords (or at most {@code back} chars before one), so its regex is only tried
 * anchored ({@code lookingAt}) where a keyword occurred, over at most {@value #MAX_MATCH} chars.
 * User patterns have no keywords: the literal prefix of the regex (3+ chars, when the regex starts with
 * one and has no alternation) is used as a keyword; a pattern without one runs ({@code find}) over the
 * whole text of every scrub, a full regex pass per write; {@link #alwaysRunCount()} tells how many do.
 *
 * <p>A match whose redacted part is a Veil placeholder ({@code veil:...}) is left alone: a placeholder
 * in a logged JDBC URL or URL is not a secret.
 */
public final class Detectors {
    public static final String BUILTIN_RESOURCE = "dev/veil/rules/builtin.yaml";
    private static final int MAX_MATCH = 65536;
    private static final int MIN_KEYWORD = 3;

    static final class Detector {
        final String name;
        final int group;
        final int back;
        final String replacement;
        private final String source;
        /** A built-in's regex is compiled at the first occurrence of one of its keywords: most never occur. */
        private volatile Pattern regex;

        Detector(String name, Pattern regex, int group, int back) {
            this(name, regex.pattern(), regex, group, back);
        }

        private Detector(String name, String source, Pattern regex, int group, int back) {
            this.name = name;
            this.source = source;
            this.regex = regex;
            this.group = group;
            this.back = back;
            this.replacement = "[REDACTED:" + name + "]";
        }

        /** Built-ins are checked by the tests; a broken one would fail here, on every scrub that meets its keyword. */
        Pattern regex() {
            Pattern p = regex;
            if (p == null) {
                p = Pattern.compile(source);
                if (group > p.matcher("").groupCount()) {
                    throw new IllegalStateException(BUILTIN_RESOURCE + ": detector '" + name + "': no group " + group);
                }
                regex = p;
            }
            return p;
        }
    }

    private static final Detectors NONE = new Detectors(List.of(), List.of(), List.of());

    private final List<Detector> detectors;
    private final LiteralIndex keywords;
    private final int[] detectorOfKeyword;
    private final int[] alwaysRun;
    /** The keywords as given and whether each ignores case: for {@link #openMatchStart}. */
    private final String[] keywordText;
    private final boolean[] keywordIgnoresCase;
    /** Whether a match at this keyword needs a word boundary before it (regex {@code \\b...}, keyword starting with a word char). */
    private final boolean[] keywordAfterBoundary;
    /**
     * Each thread's matchers by detector, kept between scrubs (a URL in a log line meets {@code ://} on every
     * event). A matcher is taken out while in use, so a scrub nested inside another makes its own, and holds no
     * text while kept.
     */
    private final ThreadLocal<Matcher[]> idle;

    private Detectors(List<Detector> detectors, List<String> keywordList, List<int[]> keywordInfo) {
        this.detectors = detectors;
        keywordText = keywordList.toArray(new String[0]);
        keywordIgnoresCase = new boolean[keywordText.length];
        keywordAfterBoundary = new boolean[keywordText.length];
        LiteralIndex.Builder b = new LiteralIndex.Builder();
        List<Integer> always = new ArrayList<>();
        boolean[] hasKeyword = new boolean[detectors.size()];
        detectorOfKeyword = new int[keywordList.size()];
        for (int k = 0; k < keywordList.size(); k++) {
            int[] info = keywordInfo.get(k); // {detector, ignoreCase}
            b.add(keywordList.get(k), info[1] != 0);
            detectorOfKeyword[k] = info[0];
            keywordIgnoresCase[k] = info[1] != 0;
            Detector det = detectors.get(info[0]);
            keywordAfterBoundary[k] = det.back == 0 && det.source.startsWith("\\b") && isWordChar(keywordText[k].charAt(0));
            hasKeyword[info[0]] = true;
        }
        for (int d = 0; d < detectors.size(); d++) {
            if (!hasKeyword[d]) {
                always.add(d);
            }
        }
        keywords = b.build();
        idle = ThreadLocal.withInitial(() -> new Matcher[detectors.size()]);
        alwaysRun = always.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Detectors for {@code settings}: the built-ins if enabled, then the user's patterns. */
    public static Detectors of(ScrubSettings settings) {
        List<Detector> ds = new ArrayList<>();
        List<String> kws = new ArrayList<>();
        List<int[]> info = new ArrayList<>();
        if (settings.builtinDetectors()) {
            loadBuiltin(ds, kws, info);
        }
        for (ScrubSettings.NamedPattern p : settings.patterns()) {
            int d = ds.size();
            ds.add(new Detector(p.name(), p.regex(), 0, 0));
            String prefix = literalPrefix(p.regex());
            if (prefix != null) {
                kws.add(prefix);
                info.add(new int[] {d, (p.regex().flags() & Pattern.CASE_INSENSITIVE) != 0 ? 1 : 0});
            }
        }
        return ds.isEmpty() ? NONE : new Detectors(ds, kws, info);
    }

    public static Detectors none() { return NONE; }

    public int size() { return detectors.size(); }

    public List<String> names() {
        List<String> out = new ArrayList<>();
        for (Detector d : detectors) {
            out.add(d.name);
        }
        return Collections.unmodifiableList(out);
    }

    /** How many patterns lack a keyword and so run over every text. */
    public int alwaysRunCount() { return alwaysRun.length; }

    String replacement(int detector) { return detectors.get(detector).replacement; }

    /** Whether {@link #find(CharSequence, Matches)} must run on a text whose keyword pass found {@code hits}. */
    boolean mayMatch(Matches hits) {
        return hits != null || alwaysRun.length > 0;
    }

    /** The keywords occurring in {@code text[0, n)} (a copy of the text to look in), or null if none. */
    Matches keywordHits(char[] text, int n) {
        return keywords.findAll(text, 0, n, null);
    }

    /** The keywords occurring in the UTF-8 bytes {@code text[from, to)} (at byte offsets), or null if none. */
    Matches keywordHits(byte[] text, int from, int to) {
        return keywords.findAll(text, from, to, null);
    }

    /** Spans to redact (ids are detector indexes), or null if none. */
    Matches find(CharSequence text) {
        return find(text, keywords.findAll(text, 0, text.length(), null));
    }

    /** As {@link #find(CharSequence)}, given the keywords {@code hits} in {@code text} (null if none). */
    Matches find(CharSequence text, Matches hits) {
        if (hits == null && alwaysRun.length == 0) {
            return null;
        }
        Matches out = null;
        Matcher[] kept = hits == null ? null : idle.get();
        Matcher[] matchers = new Matcher[detectors.size()];
        try {
            for (int i = 0; hits != null && i < hits.size(); i++) {
                int k = hits.id(i);
                int at = hits.start(i);
                // The regex starts with \b at the keyword, which a word char before it refutes (most "sk-" are "task-").
                if (keywordAfterBoundary[k] && at > 0 && isWordChar(text.charAt(at - 1))) continue;
                int d = detectorOfKeyword[k];
                Detector det = detectors.get(d);
                if (matchers[d] == null) {
                    Matcher m = kept[d];
                    kept[d] = null;
                    matchers[d] = m == null ? det.regex().matcher(text).useTransparentBounds(true) : m.reset(text);
                }
                int end = Math.min(text.length(), at + MAX_MATCH);
                for (int start = Math.max(0, at - det.back); start <= at; start++) {
                    Matcher m = matchers[d].region(start, end);
                    if (m.lookingAt()) {
                        out = record(m, det.group, d, text, out);
                        break;
                    }
                }
            }
        } finally {
            for (int d = 0; kept != null && d < matchers.length; d++) {
                if (matchers[d] != null) kept[d] = matchers[d].reset("");
            }
        }
        for (int d : alwaysRun) {
            Matcher m = detectors.get(d).regex().matcher(text);
            while (m.find()) {
                out = record(m, 0, d, text, out);
            }
        }
        return out;
    }

    /**
     * Where a detector match may still be forming at the end of {@code text} (an unfinished line whose
     * continuation has not arrived): the earliest start of a match that more text could complete or extend
     * (its regex read up to the end), or of a keyword cut by the end; {@code text.length()} when none. A
     * keyword cut after one char counts only where a match could start: after a non-word char for a keyword
     * that starts with a letter or digit (the regexes begin with a word boundary); never for a keyword that
     * starts with punctuation, so a prompt ending in ":" is not held. Patterns without keywords are not considered.
     */
    int openMatchStart(CharSequence text) {
        int n = text.length();
        int hold = n;
        Matches hits = keywords.findAll(text, 0, n, null);
        for (int i = 0; hits != null && i < hits.size(); i++) {
            Detector det = detectors.get(detectorOfKeyword[hits.id(i)]);
            int at = hits.start(i);
            for (int start = Math.max(0, at - det.back); start <= at && start < hold; start++) {
                Matcher m = det.regex().matcher(text).useTransparentBounds(true).region(start, n);
                boolean matched = m.lookingAt();
                if (m.hitEnd()) {
                    hold = start;
                    break;
                }
                if (matched) break; // complete: redacted where it stands
            }
        }
        for (int k = 0; k < keywordText.length; k++) {
            String kw = keywordText[k];
            boolean wordStart = isWordChar(kw.charAt(0));
            for (int len = Math.min(kw.length() - 1, n); len >= (wordStart ? 1 : 2); len--) {
                int at = n - len;
                if (at < hold && startsWith(text, at, kw, len, keywordIgnoresCase[k])
                        && (!wordStart || at == 0 || !isWordChar(text.charAt(at - 1)))) {
                    hold = Math.max(0, at - detectors.get(detectorOfKeyword[k]).back);
                    break;
                }
            }
        }
        return hold;
    }

    /** Whether {@code text} holds the first {@code len} chars of {@code kw} at {@code at} (ASCII case folded if asked). */
    private static boolean startsWith(CharSequence text, int at, String kw, int len, boolean ignoreCase) {
        for (int i = 0; i < len; i++) {
            char a = text.charAt(at + i);
            char b = kw.charAt(i);
            if (a != b && !(ignoreCase && (a | 0x20) == (b | 0x20) && (b | 0x20) >= 'a' && (b | 0x20) <= 'z')) return false;
        }
        return true;
    }

    private static boolean isWordChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_';
    }

    private static Matches record(Matcher m, int group, int id, CharSequence text, Matches out) {
        int s = m.start(group);
        int e = m.end(group);
        if (s < 0 || e <= s || isPlaceholder(text, s, e)) {
            return out;
        }
        // Keep escaped, quoted text (JSON log lines) valid: a redaction never swallows a closing quote (an
        // unterminated key block would run to the end of the line), never ends with half of an escape
        // sequence, and takes a whole escape sequence it starts inside of.
        for (int i = s; i < e; i++) {
            if (text.charAt(i) == '"') {
                e = i;
                break;
            }
        }
        if (backslashesBefore(text, e) % 2 == 1) e--;
        if (backslashesBefore(text, s) % 2 == 1) s--;
        return e > s ? Matches.add(out, id, s, e) : out;
    }

    private static int backslashesBefore(CharSequence text, int at) {
        int n = 0;
        while (at - n > 0 && text.charAt(at - n - 1) == '\\') n++;
        return n;
    }

    private static boolean isPlaceholder(CharSequence text, int s, int e) {
        int name = startsWith(text, s, e, "veil:") ? s + 5 : startsWith(text, s, e, "veil%3A") ? s + 7 : -1;
        if (name < 0 || name == e) {
            return false;
        }
        for (int i = name; i < e; i++) {
            char c = text.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWith(CharSequence text, int s, int e, String prefix) {
        if (e - s < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if ((text.charAt(s + i) | 0x20) != (prefix.charAt(i) | 0x20)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The literal text every match of {@code p} starts with, if 3+ chars can be proven: leading
     * characters up to the first regex metacharacter, minus the last one if a quantifier follows it.
     * Null when the regex has any alternation, flags or a leading metacharacter.
     */
    static String literalPrefix(Pattern p) {
        String re = p.pattern();
        if (re.indexOf('|') >= 0 || (p.flags() & (Pattern.LITERAL | Pattern.COMMENTS)) != 0) {
            return null;
        }
        int i = 0;
        while (i < re.length() && "\\[](){}.*+?^$|".indexOf(re.charAt(i)) < 0) {
            i++;
        }
        if (i < re.length() && "*?{".indexOf(re.charAt(i)) >= 0) {
            i--;
        }
        return i >= MIN_KEYWORD ? re.substring(0, i) : null;
    }

    private static void loadBuiltin(List<Detector> ds, List<String> kws, List<int[]> info) {
        Object root;
        try (InputStream in = Detectors.class.getClassLoader().getResourceAsStream(BUILTIN_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("built-in detectors missing from the classpath: " + BUILTIN_RESOURCE);
            }
            root = PlainTree.yaml(BUILTIN_RESOURCE, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + BUILTIN_RESOURCE, e);
        }
        Object list = root instanceof Map ? ((Map<?, ?>) root).get("detectors") : null;
        if (!(list instanceof List)) {
            throw new IllegalStateException(BUILTIN_RESOURCE + ": expected a 'detectors' list");
        }
        for (Object entry : (List<?>) list) {
            Map<?, ?> n = entry instanceof Map ? (Map<?, ?>) entry : Collections.emptyMap();
            String name = String.valueOf(n.get("name") == null ? "" : n.get("name"));
            String where = BUILTIN_RESOURCE + ": detector '" + name + "': ";
            String regex = n.get("regex") instanceof String ? (String) n.get("regex") : "";
            Object keywords = n.get("keywords");
            if (name.isEmpty() || regex.isEmpty() || !(keywords instanceof List) || ((List<?>) keywords).isEmpty()) {
                throw new IllegalStateException(where + "needs name, regex and keywords");
            }
            int d = ds.size();
            ds.add(new Detector(name, regex, null, number(n.get("group")), number(n.get("back"))));
            int ignoreCase = Boolean.TRUE.equals(n.get("ignore-case")) ? 1 : 0;
            for (Object k : (List<?>) keywords) {
                if (!(k instanceof String) || ((String) k).length() < MIN_KEYWORD) {
                    throw new IllegalStateException(where + "keywords need " + MIN_KEYWORD + "+ characters");
                }
                kws.add((String) k);
                info.add(new int[] {d, ignoreCase});
            }
        }
    }

    private static int number(Object v) {
        return v instanceof Long ? (int) (long) (Long) v : 0;
    }
}
