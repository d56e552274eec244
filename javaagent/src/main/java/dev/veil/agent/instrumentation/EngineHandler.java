package dev.veil.agent.instrumentation;

import dev.veil.Engine;
import dev.veil.agent.bootstrap.Bridge;
import dev.veil.agent.instrumentation.jdbc.MariaDbConfigurations;
import dev.veil.scrub.LineStreamScrubber;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.function.Function;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The bridge's handler: forwards to the engine at once. */
final class EngineHandler implements Bridge.Handler {
    private final Engine engine;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    /** Set while this thread writes bytes already scrubbed, so the stdio hooks pass them on as they are. */
    private final ThreadLocal<Boolean> emitting = new ThreadLocal<>();

    /**
     * Whose printStackTrace runs as it is on this thread: every throwable's ({@link Boolean#TRUE}) while the
     * hook renders a trace to scrub it, or one throwable's while it prints into text scrubbed as a whole.
     */
    private final ThreadLocal<Object> rendering = new ThreadLocal<>();

    EngineHandler(Engine engine) {
        this.engine = engine;
        Thread flush = new Thread(this::flushConsoles, "veil-stdio-flush");
        Runtime.getRuntime().addShutdownHook(flush);
    }

    @Override
    public String http(String method, String url, String part, String text) throws IOException {
        return engine.http(method, url, part, text);
    }

    @Override
    public String scrub(String text) {
        return engine.scrub(text);
    }

    @Override
    public byte[] scrub(byte[] utf8) {
        return engine.scrub(utf8);
    }

    @Override
    public void scrub(StringBuilder text) {
        engine.scrub(text);
    }

    @Override
    public byte[] stdioWrite(FileDescriptor fd, byte[] b, int off, int len) {
        LineStreamScrubber console = engine.console(fd);
        if (console == null || off < 0 || len < 0 || len > b.length - off || emitting.get() != null) return null;
        return console.write(b, off, len);
    }

    @Override
    public boolean stdioWrite(FileOutputStream out, FileDescriptor fd, int b) throws IOException {
        byte[] due = stdioWrite(fd, new byte[] {(byte) b}, 0, 1);
        if (due == null) return false;
        emit(out, due);
        return true;
    }

    @Override
    public void stdioFlush(FileOutputStream out) throws IOException {
        LineStreamScrubber console = emitting.get() != null ? null : engine.console(out.getFD());
        if (console != null) emit(out, console.flush());
    }

    private void drain(FileDescriptor fd) throws IOException {
        emit(new FileOutputStream(fd), engine.console(fd).drain());
    }

    private void emit(FileOutputStream out, byte[] scrubbed) throws IOException {
        if (scrubbed.length == 0) return;
        emitting.set(Boolean.TRUE);
        try {
            out.write(scrubbed);
        } finally {
            emitting.remove();
        }
    }

    /** At exit, an unfinished last line held back is written (scrubbed) rather than lost. */
    private void flushConsoles() {
        try {
            drain(FileDescriptor.out);
            drain(FileDescriptor.err);
        } catch (IOException | RuntimeException e) {
            // the process is ending and its console is gone: nothing left to protect
        }
    }

    /**
     * Renders the trace with the same kind of sink (an override of one variant is honoured), scrubs it whole
     * and prints it in one call, so it stays one block under concurrent printing as the original's lock kept it.
     */
    @Override
    public boolean printStackTrace(Throwable t, Object out) {
        Object outer = rendering.get();
        if (outer == Boolean.TRUE || outer == t || !(out instanceof PrintStream || out instanceof PrintWriter)) return false;
        String trace;
        rendering.set(Boolean.TRUE);
        try {
            if (out instanceof PrintStream) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                PrintStream ps = new PrintStream(buf, false, StandardCharsets.UTF_8);
                t.printStackTrace(ps);
                ps.flush();
                trace = buf.toString(StandardCharsets.UTF_8);
            } else {
                StringWriter buf = new StringWriter();
                t.printStackTrace(new PrintWriter(buf));
                trace = buf.toString();
            }
        } finally {
            if (outer == null) rendering.remove();
            else rendering.set(outer);
        }
        String scrubbed = engine.scrub(trace);
        if (out instanceof PrintStream) {
            ((PrintStream) out).print(scrubbed);
        } else {
            ((PrintWriter) out).print(scrubbed);
            ((PrintWriter) out).flush(); // the original's println flushed an auto-flushing writer line by line
        }
        return true;
    }

    @Override
    public void printsIntoScrubbedText(Throwable t) {
        if (rendering.get() == null) rendering.set(t);
    }

    @Override
    public void printedIntoScrubbedText() {
        if (rendering.get() != Boolean.TRUE) rendering.remove();
    }

    @Override
    public String withPlaceholders(String value) {
        return engine.withPlaceholders(value);
    }

    @Override
    public InputStream responseBody(String contentType, InputStream body) {
        return engine.responseBody(contentType, body);
    }

    @Override
    public Function<ByteBuffer, ByteBuffer> responseChunks(String contentType) {
        return engine.responseChunks(contentType);
    }

    @Override
    public Object[] jdbcConnect(String url, Properties info, String user, String password) throws Exception {
        return engine.jdbcConnect(url, info, user, password);
    }

    @Override
    public Object[] jdbcConnectMariaDb(Object configuration) throws Exception {
        String[] login;
        try {
            login = MariaDbConfigurations.login(configuration);
        } catch (ReflectiveOperationException | RuntimeException e) {
            failed("MariaDB connect(Configuration)", e); // a driver whose Configuration Veil cannot read connects as it is
            return null;
        }
        return engine.jdbcConnect(login[0], null, login[1], login[2]);
    }

    @Override
    public Object jdbcMariaDbConfiguration(Object given, Object[] attempt) throws Exception {
        return MariaDbConfigurations.withLogin(given, (String) attempt[2], (String) attempt[3]);
    }

    @Override
    public boolean jdbcRetry(Object[] attempt, Throwable failure) {
        try {
            return engine.jdbcRetry(attempt, failure);
        } catch (RuntimeException e) {
            failed("jdbc retry", e);
            return false;
        }
    }

    @Override
    public void jdbcConnected(Object login, Object connection) {
        engine.jdbcConnected(login, connection);
    }

    @Override
    public void jdbcSql(Object connectionOrStatement, String sql) throws Exception {
        engine.jdbcSql(connectionOrStatement, sql);
    }

    @Override
    public boolean jdbcReadOnly(Object connection) {
        return engine.jdbcReadOnly(connection);
    }

    @Override
    public void jdbcClosed(Object connection) {
        engine.jdbcClosed(connection);
    }

    @Override
    public void jdbcCopied(Object original, Object copy) {
        engine.jdbcCopied(original, copy);
    }

    @Override
    public void failed(String where, Throwable error) {
        report(engine, reported, where, error);
    }

    /** One scrubbed line per failing point, ever: Veil's own faults never flood the application's stderr. */
    static void report(Engine engine, Set<String> reported, String where, Throwable error) {
        if (reported.add(where)) {
            String message = error.getMessage() == null ? "" : ": " + engine.scrub(error.getMessage());
            System.err.println("veil: instrumentation of " + where + " failed (" + error.getClass().getName() + message
                    + "); calls there go on without Veil");
        }
    }
}
