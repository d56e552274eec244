package dev.veil.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Decides whether SQL text is read-only, for {@code read-only: true} JDBC grants. An allow-list: a
 * statement is a read only if it starts with a reading keyword ({@code SELECT}, {@code WITH},
 * {@code VALUES}, {@code TABLE}, {@code SHOW}, {@code EXPLAIN}, {@code DESCRIBE}, {@code COMMIT},
 * {@code ROLLBACK}) and holds no writing word anywhere ({@code INSERT}, {@code UPDATE}, {@code INTO},
 * {@code FOR SHARE}, {@code nextval(} ...). Every statement of a multi-statement string must be a read;
 * anything unknown or unparseable is a write.
 *
 * <p>Dialects disagree on what is quoted or commented (backslash escapes, {@code $$} strings, nested
 * comments, MySQL's executable {@code /*! ... *}{@code /} comments), and a disagreement is how
 * a write gets hidden from a checker. So the text is read three times, the MySQL way with and without
 * backslash escapes and the standard / PostgreSQL way, and must be a read every time. {@code #} is never taken as a comment and {@code --}
 * only when followed by a blank: reading too much as code can only reject, never let a write through.
 *
 * <p>A classification depends on the text alone, so texts found to be reads are remembered (see
 * {@link SeenReads}): an application runs the same few statements over and over. Thread-safe.
 */
public final class SqlClassifier {
    private static final Set<String> READS = words("SELECT WITH VALUES TABLE SHOW EXPLAIN DESCRIBE DESC COMMIT ROLLBACK");
    private static final Set<String> WRITES = words(
            "INSERT UPDATE DELETE MERGE UPSERT REPLACE INTO TRUNCATE DROP CREATE ALTER RENAME GRANT REVOKE COPY CALL EXEC"
                    + " EXECUTE DO LOCK SET RESET VACUUM REINDEX CLUSTER REFRESH COMMENT IMPORT LOAD ATTACH DETACH PRAGMA"
                    + " PREPARE DEALLOCATE NOTIFY HANDLER OUTFILE DUMPFILE BEGIN START");
    /** Words that follow {@code FOR} in a locking clause ({@code FOR UPDATE} is caught by UPDATE itself). */
    private static final Set<String> LOCKS = words("SHARE KEY NO");
    /** Functions that write or change the session even inside a SELECT. */
    private static final Set<String> WRITING_FUNCTIONS = words(
            "NEXTVAL SETVAL SET_CONFIG LO_IMPORT LO_EXPORT LO_UNLINK LO_CREATE LO_FROM_BYTEA LO_PUT DBLINK_EXEC"
                    + " PG_TERMINATE_BACKEND PG_CANCEL_BACKEND PG_RELOAD_CONF PG_ADVISORY_LOCK PG_ADVISORY_XACT_LOCK"
                    + " GET_LOCK SLEEP BENCHMARK");

    private static final SeenReads SEEN_READS = new SeenReads();

    private SqlClassifier() {}

    /** Why {@code sql} is not a read, or null when it is one. Never includes the SQL text itself. */
    public static String writeReason(String sql) {
        if (sql == null) return "no SQL";
        if (SEEN_READS.contains(sql)) return null;
        for (Dialect d : Dialect.values()) {
            String reason = check(sql, d);
            if (reason != null) return reason;
        }
        SEEN_READS.add(sql);
        return null;
    }

    /** Whether {@code sql} is remembered as a read (for tests). */
    static boolean remembered(String sql) {
        return SEEN_READS.contains(sql);
    }

    /**
     * Texts already classified as reads, by whole text: a hit answers exactly what classifying would. Writes and
     * unparseable texts are never stored, so no text can make another pass. A fixed table of slots, one text
     * each, the newest winning; lock-free, and bounded in count and in the length of a text kept.
     */
    static final class SeenReads {
        static final int SLOTS = 1024;
        static final int MAX_LENGTH = 2048;
        private final AtomicReferenceArray<String> slots = new AtomicReferenceArray<>(SLOTS);

        boolean contains(String sql) {
            String seen = slots.get(slot(sql));
            return seen != null && seen.equals(sql);
        }

        void add(String sql) {
            if (sql.length() <= MAX_LENGTH) slots.lazySet(slot(sql), sql);
        }

        static int slot(String sql) {
            int h = sql.hashCode();
            return (h ^ (h >>> 16)) & (SLOTS - 1);
        }
    }

    /** The lexical rules that differ between databases. */
    private enum Dialect {
        MYSQL(true, false), MYSQL_NO_BACKSLASH_ESCAPES(false, false), STANDARD(false, true);

        final boolean backslash;
        /** PostgreSQL-like: E'' escape strings, $$ strings, nested block comments; no backticks, no /*! comments. */
        final boolean standard;

        Dialect(boolean backslash, boolean standard) {
            this.backslash = backslash;
            this.standard = standard;
        }
    }

    public static boolean isReadOnly(String sql) {
        return writeReason(sql) == null;
    }

    private static String check(String sql, Dialect dialect) {
        List<List<String>> statements = new Lexer(sql, dialect).statements();
        if (statements == null) return "unterminated quote or comment";
        for (List<String> words : statements) {
            String reason = checkStatement(words);
            if (reason != null) return reason;
        }
        return null;
    }

    /** {@code words}: upper-cased keywords and identifiers in order, {@code (} after a function name as "NAME(". */
    private static String checkStatement(List<String> words) {
        if (words.isEmpty()) return null;
        String first = words.get(0);
        if (first.endsWith("(")) first = first.substring(0, first.length() - 1);
        if (!READS.contains(first)) return "statement kind " + first + " is not a read";
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (w.endsWith("(")) {
                String name = w.substring(0, w.length() - 1);
                int dot = name.lastIndexOf('.');
                if (WRITING_FUNCTIONS.contains(dot < 0 ? name : name.substring(dot + 1))) return "function " + name + " writes";
                w = name;
            }
            if (WRITES.contains(w)) return w + " is a write";
            if (w.equals("FOR") && i + 1 < words.size() && LOCKS.contains(words.get(i + 1))) return "FOR " + words.get(i + 1) + " locks rows";
        }
        return null;
    }

    private static Set<String> words(String list) {
        return new HashSet<>(Arrays.asList(list.split(" ")));
    }

    /** Splits SQL into statements of words, skipping literals, quoted identifiers and comments. */
    private static final class Lexer {
        private final String s;
        private final boolean backslash;
        private final boolean mysql;
        private int i;

        Lexer(String s, Dialect dialect) {
            this.s = s;
            this.backslash = dialect.backslash;
            this.mysql = !dialect.standard;
        }

        /** Null when a quote or comment never ends. */
        List<List<String>> statements() {
            List<List<String>> out = new ArrayList<>();
            List<String> words = new ArrayList<>();
            int executableComments = 0;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == ';') {
                    out.add(words);
                    words = new ArrayList<>();
                    i++;
                } else if (isWordStart(c)) {
                    int start = i;
                    while (i < s.length() && isWordPart(s.charAt(i))) i++;
                    String word = s.substring(start, i).toUpperCase(Locale.ROOT);
                    if (word.equals("U") && s.startsWith("&'", i)) i++;
                    if (i < s.length() && s.charAt(i) == '\'' && isStringPrefix(word)) {
                        // E'..', N'..', X'..', B'..', U&'..' literals: the prefix is part of the literal.
                        if (!skipQuoted('\'', backslash || !mysql && word.equals("E"))) return null;
                    } else {
                        int after = skipBlanks(i);
                        // Qualified names (schema.fn) stay one word so the function name is seen.
                        while (after < s.length() && s.charAt(after) == '.' && after + 1 < s.length() && isWordStart(s.charAt(after + 1))) {
                            int start2 = after + 1;
                            int end2 = start2;
                            while (end2 < s.length() && isWordPart(s.charAt(end2))) end2++;
                            word = word + "." + s.substring(start2, end2).toUpperCase(Locale.ROOT);
                            i = end2;
                            after = skipBlanks(i);
                        }
                        words.add(after < s.length() && s.charAt(after) == '(' ? word + "(" : word);
                    }
                } else if (c == '\'') {
                    if (!skipQuoted('\'', backslash)) return null;
                } else if (c == '"') {
                    if (!skipQuoted('"', backslash)) return null;
                } else if (c == '`' && mysql) {
                    if (!skipQuoted('`', false)) return null;
                } else if (c == '$' && !mysql && dollarTagEnd() > 0) {
                    if (!skipDollarQuoted()) return null;
                } else if (c == '-' && s.startsWith("--", i) && (i + 2 == s.length() || Character.isWhitespace(s.charAt(i + 2)))) {
                    while (i < s.length() && s.charAt(i) != '\n' && s.charAt(i) != '\r') i++;
                } else if (c == '/' && s.startsWith("/*", i)) {
                    if (mysql && s.startsWith("/*!", i)) {
                        // MySQL runs the content of /*! ... */ (after an optional version number): read it as code.
                        i += 3;
                        while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
                        executableComments++;
                    } else if (!skipBlockComment()) {
                        return null;
                    }
                } else if (c == '*' && executableComments > 0 && s.startsWith("*/", i)) {
                    executableComments--;
                    i += 2;
                } else {
                    // A statement that starts with anything but a word or '(' (a number, '{call', '?') is of no known kind.
                    if (words.isEmpty() && c != '(' && !Character.isWhitespace(c)) words.add(String.valueOf(c));
                    i++;
                }
            }
            out.add(words);
            return out;
        }

        private int skipBlanks(int from) {
            while (from < s.length() && Character.isWhitespace(s.charAt(from))) from++;
            return from;
        }

        private static boolean isStringPrefix(String word) {
            return word.equals("E") || word.equals("N") || word.equals("X") || word.equals("B") || word.equals("U");
        }

        /** From an opening quote at {@code i} to after its closing quote; a doubled quote is an escaped one. */
        private boolean skipQuoted(char quote, boolean backslash) {
            i++;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (backslash && c == '\\') {
                    i += 2;
                } else if (c == quote) {
                    if (i + 1 < s.length() && s.charAt(i + 1) == quote) {
                        i += 2;
                    } else {
                        i++;
                        return true;
                    }
                } else {
                    i++;
                }
            }
            return false;
        }

        /** End (exclusive) of a PostgreSQL dollar-quote tag {@code $tag$} at {@code i}, or -1. */
        private int dollarTagEnd() {
            int j = i + 1;
            while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) j++;
            if (j == s.length() || s.charAt(j) != '$') return -1;
            // $1 is a parameter, not a tag.
            if (j > i + 1 && Character.isDigit(s.charAt(i + 1))) return -1;
            if (i > 0 && isWordPart(s.charAt(i - 1))) return -1;
            return j + 1;
        }

        private boolean skipDollarQuoted() {
            int end = dollarTagEnd();
            String tag = s.substring(i, end);
            int close = s.indexOf(tag, end);
            if (close < 0) return false;
            i = close + tag.length();
            return true;
        }

        /** PostgreSQL nests block comments, MySQL does not. */
        private boolean skipBlockComment() {
            int depth = 0;
            while (i < s.length()) {
                if (s.startsWith("/*", i)) {
                    if (depth > 0 && mysql) {
                        i += 2;
                        continue;
                    }
                    depth++;
                    i += 2;
                } else if (s.startsWith("*/", i)) {
                    depth--;
                    i += 2;
                    if (depth == 0) return true;
                } else {
                    i++;
                }
            }
            return false;
        }

        private static boolean isWordStart(char c) {
            return Character.isLetter(c) || c == '_';
        }

        private static boolean isWordPart(char c) {
            return Character.isLetterOrDigit(c) || c == '_' || c == '$';
        }
    }
}
