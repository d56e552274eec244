package dev.veil.agent.instrumentation;

import dev.veil.Engine;
import dev.veil.agent.bootstrap.Bridge;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Properties;
import java.util.function.Function;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The bridge's handler: forwards to the engine at once. */
final class EngineHandler implements Bridge.Handler {
    private final Engine engine;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    EngineHandler(Engine engine) {
        this.engine = engine;
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
    public String responseHeader(String value) {
        return engine.responseHeader(value);
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
