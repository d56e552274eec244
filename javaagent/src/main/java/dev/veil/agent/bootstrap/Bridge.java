package dev.veil.agent.bootstrap;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Properties;
import java.util.function.Function;

/**
 * What inlined advice may call: static methods taking and returning JDK types only. The engine, in its
 * own class loader, installs the {@link Handler}; until then (and if it never starts) every call is a
 * no-op that returns its input, so an application without placeholders is never affected.
 */
public final class Bridge {
    /** Implemented by the engine. */
    public interface Handler {
        String http(String method, String url, String part, String text) throws IOException;

        String scrub(String text);

        byte[] scrub(byte[] utf8);

        void scrub(StringBuilder text);

        byte[] stdioWrite(FileDescriptor fd, byte[] b, int off, int len);

        boolean stdioWrite(FileOutputStream out, FileDescriptor fd, int b) throws IOException;

        void stdioFlush(FileOutputStream out) throws IOException;

        boolean printStackTrace(Throwable t, Object out);

        void printsIntoScrubbedText(Throwable t);

        void printedIntoScrubbedText();

        String withPlaceholders(String value);

        InputStream responseBody(String contentType, InputStream body);

        Function<ByteBuffer, ByteBuffer> responseChunks(String contentType);

        void failed(String where, Throwable error);

        Object[] jdbcConnect(String url, Properties info, String user, String password) throws Exception;

        Object[] jdbcConnectMariaDb(Object configuration) throws Exception;

        Object jdbcMariaDbConfiguration(Object given, Object[] attempt) throws Exception;

        boolean jdbcRetry(Object[] attempt, Throwable failure);

        void jdbcConnected(Object login, Object connection);

        void jdbcSql(Object connectionOrStatement, String sql) throws Exception;

        boolean jdbcReadOnly(Object connection);

        void jdbcClosed(Object connection);

        void jdbcCopied(Object original, Object copy);
    }

    private static volatile Handler handler;

    private Bridge() {}

    public static void install(Handler h) {
        handler = h;
    }

    /** One part (header, query, userinfo, body) of an outgoing request with placeholders swapped; throws if it must not be sent. */
    public static String http(String method, String url, String part, String text) throws IOException {
        Handler h = handler;
        return h == null || text == null ? text : h.http(method, url, part, text);
    }

    /** {@code text} with real values and recognisable secrets removed. Never throws. */
    public static String scrub(String text) {
        Handler h = handler;
        if (h == null || text == null) return text;
        try {
            return h.scrub(text);
        } catch (Throwable t) {
            failed("scrub", t);
            return text;
        }
    }

    /** UTF-8 text with real values and recognisable secrets removed: the same array if clean. Never throws. */
    public static byte[] scrub(byte[] utf8) {
        Handler h = handler;
        return h == null || utf8 == null ? utf8 : h.scrub(utf8);
    }

    /** Scrubs {@code text} in place. Never throws. */
    public static void scrub(StringBuilder text) {
        Handler h = handler;
        if (h != null && text != null) h.scrub(text);
    }

    /**
     * A write of {@code b[off, off+len)} to the file descriptor {@code fd}: for standard output and error,
     * the scrubbed bytes to write instead (possibly none: an unfinished line is held back until its line
     * break or a flush); {@code null} to write the bytes as they are (another descriptor, bad bounds, clean).
     */
    public static byte[] stdioWrite(FileDescriptor fd, byte[] b, int off, int len) {
        Handler h = handler;
        if (h == null || b == null || fd != FileDescriptor.out && fd != FileDescriptor.err) return null;
        try {
            return h.stdioWrite(fd, b, off, len);
        } catch (Throwable t) {
            failed("standard output", t);
            return null;
        }
    }

    /** A write of all of {@code b} to {@code fd}: the bytes to write instead ({@code b} itself when unchanged). */
    public static byte[] stdioWrite(FileDescriptor fd, byte[] b) {
        byte[] due = b == null ? null : stdioWrite(fd, b, 0, b.length);
        return due == null ? b : due;
    }

    /** The offset to write from after {@link #stdioWrite(FileDescriptor, byte[], int, int)} returned {@code due}. */
    public static int stdioOffset(byte[] due, int off) {
        return due == null ? off : 0;
    }

    /** The length to write after {@link #stdioWrite(FileDescriptor, byte[], int, int)} returned {@code due}. */
    public static int stdioLength(byte[] due, int len) {
        return due == null ? len : due.length;
    }

    /** The array to write after {@link #stdioWrite(FileDescriptor, byte[], int, int)} returned {@code due}. */
    public static byte[] stdioBytes(byte[] due, byte[] b) {
        return due == null ? b : due;
    }

    /** A one-byte write to {@code out}: true if the bridge wrote what was due itself (skip the original write). */
    public static boolean stdioWrite(FileOutputStream out, FileDescriptor fd, int b) throws IOException {
        Handler h = handler;
        return h != null && (fd == FileDescriptor.out || fd == FileDescriptor.err) && h.stdioWrite(out, fd, b);
    }

    /** {@code out} is flushed: if it writes standard output or error, what was held back is written now. */
    public static void stdioFlush(Object out) throws IOException {
        Handler h = handler;
        if (h != null && out instanceof FileOutputStream) h.stdioFlush((FileOutputStream) out);
    }

    /**
     * {@code t.printStackTrace(out)}: true if the bridge printed the trace to {@code out} (a PrintStream or
     * PrintWriter) itself, scrubbed, so the original must be skipped; false to let the original run.
     */
    public static boolean printStackTrace(Throwable t, Object out) {
        Handler h = handler;
        if (h == null || t == null || out == null) return false;
        try {
            return h.printStackTrace(t, out);
        } catch (Throwable e) {
            failed("printStackTrace", e);
            return false;
        }
    }

    /**
     * {@code t}'s trace is about to be printed into text that is scrubbed as a whole before it goes anywhere
     * (JUL's SimpleFormatter prints it into the record's text): until {@link #printedIntoScrubbedText()}, this
     * thread's {@code t.printStackTrace} runs as it is instead of being scrubbed on its own as well. False when
     * there is nothing to announce (no throwable, no engine): then {@link #printedIntoScrubbedText()} is not due.
     */
    public static boolean printsIntoScrubbedText(Throwable t) {
        Handler h = handler;
        if (h == null || t == null) return false;
        h.printsIntoScrubbedText(t);
        return true;
    }

    /** The text {@link #printsIntoScrubbedText} announced is done (its scrub follows). */
    public static void printedIntoScrubbedText() {
        Handler h = handler;
        if (h != null) h.printedIntoScrubbedText();
    }

    /** Text the application reads back (a response header, a connection's URL): real values become their placeholders. */
    public static String withPlaceholders(String value) {
        Handler h = handler;
        return h == null || value == null ? value : h.withPlaceholders(value);
    }

    /** A response body stream as the application may read it: text is scrubbed of real values, binary passes. */
    public static InputStream responseBody(String contentType, InputStream body) {
        Handler h = handler;
        return h == null ? body : h.responseBody(contentType, body);
    }

    /**
     * For bodies delivered as buffers: apply the returned function to every chunk in order and once to
     * {@code null} at the end (it returns what it held back). Null when nothing needs doing.
     */
    public static Function<ByteBuffer, ByteBuffer> responseChunks(String contentType) {
        Handler h = handler;
        return h == null ? null : h.responseChunks(contentType);
    }

    // JDBC. java.sql is not visible from the bootstrap loader, so connections and statements travel as
    // Object and denials arrive as java.sql.SQLException built by the engine, declared here as Exception.

    /**
     * A connection about to be opened: {@code {url, info, user, password, login}} with placeholders swapped
     * ({@code info} a copy), or null when there is nothing to do. Throws a {@code java.sql.SQLException}
     * (SQLState 28000) when the connection must not be opened.
     */
    public static Object[] jdbcConnect(String url, Properties info, String user, String password) throws Exception {
        Handler h = handler;
        return h == null ? null : h.jdbcConnect(url, info, user, password);
    }

    /**
     * MariaDB Connector/J 3.x's {@code connect(Configuration)} is about to run: as {@link #jdbcConnect} for the
     * configuration's URL (as given), user and password; build what to connect with by
     * {@link #jdbcMariaDbConfiguration}.
     */
    public static Object[] jdbcConnectMariaDb(Object configuration) throws Exception {
        Handler h = handler;
        return h == null || configuration == null ? null : h.jdbcConnectMariaDb(configuration);
    }

    /** A copy of the MariaDB configuration {@code given} with the user and password of {@code attempt}. */
    public static Object jdbcMariaDbConfiguration(Object given, Object[] attempt) throws Exception {
        Handler h = handler;
        return h == null ? given : h.jdbcMariaDbConfiguration(given, attempt);
    }

    /**
     * The end of a connect hook's method: {@code connection} opened or {@code thrown}, with {@code attempt} as
     * {@link #jdbcConnect} returned it (or a retry refilled it). True when the connect should be repeated with the
     * refilled {@code attempt} (see {@link #jdbcRetry}); false to end, after noting the connection a guarded login
     * opened. Never throws.
     */
    public static boolean jdbcConnectEnd(Object[] attempt, Object connection, Throwable thrown) {
        if (attempt == null) return false;
        if (thrown != null) return jdbcRetry(attempt, thrown);
        jdbcConnected(attempt[4], connection);
        return false;
    }

    /**
     * A connect failed with {@code failure}: true when the database refused a login Veil injected and the connect
     * should be repeated (after a pause, if one was due) with {@code attempt}, refilled in place as
     * {@code {url, info, user, password, login}}; false to let {@code failure} through. {@code attempt} is what
     * {@link #jdbcConnect} returned, or, for a hook around another hook that injects (H2's JdbcDataSource around
     * the JdbcConnection constructor), a {@code new Object[5]} it keeps across repeats. Never throws. The pattern,
     * for any connect hook: {@code @Advice.OnMethodExit(onThrowable = Throwable.class, repeatOn =
     * Advice.OnNonDefaultValue.class, suppress = Throwable.class)} returning {@link #jdbcConnectEnd} after copying
     * the refilled arguments back.
     */
    public static boolean jdbcRetry(Object[] attempt, Throwable failure) {
        Handler h = handler;
        return h != null && attempt != null && failure != null && h.jdbcRetry(attempt, failure);
    }

    /** The connection opened with {@code login} (the last element of {@link #jdbcConnect}'s result). */
    public static void jdbcConnected(Object login, Object connection) {
        Handler h = handler;
        if (h != null && login != null && connection != null) h.jdbcConnected(login, connection);
    }

    /**
     * SQL about to be prepared or run on a connection or statement. Throws a {@code java.sql.SQLException}
     * (SQLState 25006) when the connection is read-only under its grant and the SQL is not a read.
     */
    public static void jdbcSql(Object connectionOrStatement, String sql) throws Exception {
        Handler h = handler;
        if (h != null) h.jdbcSql(connectionOrStatement, sql);
    }

    /** Whether {@code connection} was opened under a read-only grant. */
    public static boolean jdbcReadOnly(Object connection) {
        Handler h = handler;
        return h != null && h.jdbcReadOnly(connection);
    }

    /** {@code connection} was closed: its statements need no check any more. */
    public static void jdbcClosed(Object connection) {
        Handler h = handler;
        if (h != null && connection != null) h.jdbcClosed(connection);
    }

    /** {@code copy} works on the database session of {@code original}: its statements are checked as the original's. */
    public static void jdbcCopied(Object original, Object copy) {
        Handler h = handler;
        if (h != null && original != null && copy != null) h.jdbcCopied(original, copy);
    }

    /** An instrumentation point failed unexpectedly: reported once per point, scrubbed. */
    public static void failed(String where, Throwable error) {
        Handler h = handler;
        if (h != null) h.failed(where, error);
    }
}
