package dev.veil;

import dev.veil.rules.Problem;
import dev.veil.rules.Rules;
import dev.veil.rules.RulesException;
import dev.veil.rules.RulesLoader;
import dev.veil.rules.Settings;
import dev.veil.audit.AuditLog;
import dev.veil.audit.DeferredAuditLog;
import dev.veil.inject.Injector;
import dev.veil.inject.AuthFailures;
import dev.veil.inject.JdbcDeniedException;
import dev.veil.inject.JdbcLogin;
import dev.veil.inject.LoginRetry;
import dev.veil.inject.StatementGuard;
import dev.veil.inject.WeakIdentityMap;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import dev.veil.inject.VeilDeniedException;
import dev.veil.policy.Approvals;
import dev.veil.policy.PolicyEngine;
import dev.veil.rules.HttpGrant;
import dev.veil.scrub.Scrubber;
import dev.veil.store.ExecStoreProvider;
import dev.veil.store.SecretCache;
import dev.veil.store.StoreException;
import java.io.IOException;
import dev.veil.scrub.ByteStreamScrubber;
import dev.veil.scrub.ContentTypes;
import dev.veil.scrub.LineStreamScrubber;
import java.io.FileDescriptor;
import dev.veil.scrub.ScrubbingInputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.function.Function;
import java.time.Clock;
import java.util.Locale;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The engine as the agent sees it. Later the bootstrap bridge forwards intercepted calls here;
 * everything it takes and returns is a JDK type.
 */
public final class Engine {
    private static volatile Engine current;

    private final Settings settings;
    private final Rules rules;
    private final Scrubber scrubber;
    private final Scrubber responses;
    private final Injector injector;
    /** Connections whose statements are checked (read-only grant or statement rate), and the login that opened them. */
    private final WeakIdentityMap<StatementGuard> guarded = new WeakIdentityMap<>();
    /** Null when retries are off (rotation-window 0) or there are no credentials. */
    private final LoginRetry retry;
    /**
     * The login this thread injected last and has not connected with yet: the one a retry scope whose connect
     * hook is nested inside it (H2's JdbcDataSource around the JdbcConnection constructor) retries.
     */
    private final ThreadLocal<JdbcLogin> unconnected = new ThreadLocal<>();
    private final LineStreamScrubber stdout;
    private final LineStreamScrubber stderr;

    private Engine(Settings settings, Rules rules, Scrubber scrubber, Injector injector) {
        this.settings = settings;
        this.rules = rules;
        this.scrubber = scrubber;
        this.responses = scrubber.valuesOnly();
        this.injector = injector;
        this.retry = rules.credentials().isEmpty() || rules.rotationWindow().isZero() ? null
                : LoginRetry.system(injector, rules.rotationWindow());
        this.stdout = new LineStreamScrubber(scrubber);
        this.stderr = new LineStreamScrubber(scrubber);
    }

    /** The running engine, or null before {@link #start}. */
    public static Engine current() { return current; }

    public Settings settings() { return settings; }
    public Rules rules() { return rules; }

    /**
     * One part ({@code header}, {@code query}, {@code userinfo} or {@code body}) of an outgoing HTTP request,
     * with placeholders swapped for real values; the same instance when there is nothing to do.
     *
     * @throws IOException (a {@link VeilDeniedException}) when the request must not be sent
     */
    public String http(String method, String url, String part, String text) throws IOException {
        // Most header values hold nothing of Veil's: skip parsing the URL for each of them.
        if (!injector.involves(text)) return text;
        return injector.http(method, URI.create(url), HttpGrant.Part.valueOf(part.toUpperCase(Locale.ROOT)), text);
    }

    /**
     * A JDBC connection about to be opened: {@code {url, info, user, password, login}} with placeholders swapped
     * ({@code info} a copy; nulls stay null), or null when there is no placeholder. Pass the array to
     * {@link #jdbcRetry} if the connect fails, and {@code login} to {@link #jdbcConnected} with the connection.
     *
     * @throws SQLException with SQLState 28000 and the denial message (never a value) when policy denies
     */
    public Object[] jdbcConnect(String url, Properties info, String user, String password) throws SQLException {
        if (unconnected.get() != null) unconnected.remove();
        JdbcLogin login;
        try {
            login = injector.jdbc(url, info, user, password);
        } catch (IOException e) {
            throw new JdbcDeniedException(e.getMessage(), "28000");
        }
        if (login == null) return null;
        unconnected.set(login);
        Object[] attempt = new Object[5];
        fill(attempt, login);
        return attempt;
    }

    /**
     * A connect failed with {@code failure}. If the database refused a login Veil injected (its authentication
     * failure anywhere in the cause chain, never Veil's own denial), the values are fetched again and, after a
     * pause where one is due, {@code attempt} is refilled ({@code {url, info, user, password, login}}) for the hook
     * to repeat the connect with: true. False to give up and let {@code failure} through: not a refusal, no
     * injected login, the rotation window is over. {@code attempt} is what {@link #jdbcConnect} returned, or, for
     * a hook whose connect is injected by another hook nested inside it, an empty array of 5 that the hook keeps
     * across repeats. Never throws.
     */
    public boolean jdbcRetry(Object[] attempt, Throwable failure) {
        JdbcLogin refused = unconnected.get();
        unconnected.remove();
        JdbcLogin previous = attempt != null && attempt.length == 5 && attempt[4] instanceof JdbcLogin ? (JdbcLogin) attempt[4] : null;
        if (refused == null) refused = previous;
        if (retry == null || refused == null || !AuthFailures.isAuthFailure(failure)) return false;
        LoginRetry.Attempts attempts = previous != null && previous.attempts() != null ? previous.attempts() : retry.start(refused);
        JdbcLogin next = retry.next(attempts, refused);
        if (next == null) return false;
        fill(attempt, next);
        return true;
    }

    private static void fill(Object[] attempt, JdbcLogin login) {
        attempt[0] = login.url();
        attempt[1] = login.info();
        attempt[2] = login.user();
        attempt[3] = login.password();
        attempt[4] = login;
    }

    /**
     * The connection opened with {@code login} (from {@link #jdbcConnect} or {@link #jdbcRetry}): a new value
     * accepted after a retry is audited {@code rotate}; under a read-only grant the connection is set read-only;
     * with a read-only grant or a statement rate every statement on it is checked from now on. A driver that
     * cannot set read-only (some refuse after connecting) is still guarded by the statement check.
     */
    public void jdbcConnected(Object login, Object connection) {
        unconnected.remove();
        if (!(login instanceof JdbcLogin)) return;
        JdbcLogin l = (JdbcLogin) login;
        if (retry != null && l.attempts() != null) retry.connected(l);
        StatementGuard guard = l.guard();
        if (!(connection instanceof Connection) || guard == null) return;
        guarded.put(connection, guard);
        if (!guard.readOnly()) return;
        try {
            ((Connection) connection).setReadOnly(true);
        } catch (SQLException | RuntimeException ignored) {
            // the statement check still applies
        }
    }

    /**
     * SQL about to be prepared or run on a connection (or a statement of one) opened with a read-only grant or a
     * statement rate.
     *
     * @throws SQLException with SQLState 25006 when the grant is read-only and it is not a read; 28000 when over
     *         the statement rate
     */
    public void jdbcSql(Object connectionOrStatement, String sql) throws SQLException {
        if (guarded.isEmpty() || connectionOrStatement == null) return;
        Object connection = connectionOrStatement;
        if (connectionOrStatement instanceof Statement) {
            try {
                connection = ((Statement) connectionOrStatement).getConnection();
            } catch (SQLException closed) {
                return; // a closed statement runs nothing
            }
        }
        StatementGuard guard = guarded.get(connection);
        if (guard != null) injector.jdbcStatement(guard, sql);
    }

    /**
     * {@code connection} was closed: forgotten now rather than when the collector clears it, so that a program
     * opening many short connections leaves nothing for young collections to copy.
     */
    public void jdbcClosed(Object connection) {
        guarded.remove(connection);
    }

    /**
     * {@code copy} works on the database session of {@code original} (the handles of H2's XA pool): under a
     * read-only grant or a statement rate its statements are checked as the original's.
     */
    public void jdbcCopied(Object original, Object copy) {
        StatementGuard guard = guarded.get(original);
        if (guard != null) guarded.put(copy, guard);
    }

    /** Whether {@code connection} was opened with a read-only grant (it may then not be set writable). */
    public boolean jdbcReadOnly(Object connection) {
        StatementGuard guard = guarded.get(connection);
        return guard != null && guard.readOnly();
    }

    /**
     * Text the application reads back (a response header, the URL a JDBC connection reports) with every real value
     * Veil resolved replaced by its placeholder, and nothing else changed: the application sees what it configured.
     */
    public String withPlaceholders(String value) {
        return responses.scrub(value);
    }

    /** What the application reads of a response body: scrubbed of real values if it is text, as it is if binary. */
    public InputStream responseBody(String contentType, InputStream body) {
        return body == null || !ContentTypes.isText(contentType) ? body : new ScrubbingInputStream(body, responses);
    }

    /**
     * For bodies that arrive as buffers (async clients): a function applied to each chunk in order, and
     * once to {@code null} at the end for what it held back; null when the body is binary.
     */
    public Function<ByteBuffer, ByteBuffer> responseChunks(String contentType) {
        if (!ContentTypes.isText(contentType)) return null;
        ByteStreamScrubber stream = new ByteStreamScrubber(responses);
        return chunk -> {
            if (chunk == null) return ByteBuffer.wrap(stream.flush());
            byte[] bytes = new byte[chunk.remaining()];
            chunk.get(bytes);
            return ByteBuffer.wrap(stream.write(bytes, 0, bytes.length));
        };
    }

    /** {@code text} without any real value Veil knows or any secret its detectors recognise. Never throws. */
    public String scrub(String text) {
        return scrubber.scrub(text);
    }

    /** UTF-8 {@code text} scrubbed as {@link #scrub(String)}: the same array if clean. Never throws. */
    public byte[] scrub(byte[] utf8) {
        return scrubber.scrub(utf8);
    }

    /** Scrubs {@code text} in place. Never throws. */
    public boolean scrub(StringBuilder text) {
        return scrubber.scrub(text);
    }

    /**
     * The scrubber for everything written to standard output ({@link FileDescriptor#out}) or error, whatever
     * stream writes it; null for any other descriptor.
     */
    public LineStreamScrubber console(FileDescriptor fd) {
        return fd == FileDescriptor.out ? stdout : fd == FileDescriptor.err ? stderr : null;
    }

    /**
     * Resolves the settings, loads the rules and prints one status line (and any rules problems) to
     * {@code err}. A broken rules file never stops the application: Veil reports it and runs scrub-only.
     */
    @SuppressWarnings("unchecked")
    public static Engine start(String agentArgs, PrintStream err) {
        Settings settings;
        try {
            settings = Settings.resolve(agentArgs, (java.util.Map<String, String>) (java.util.Map<?, ?>) System.getProperties(), System.getenv());
        } catch (IllegalArgumentException e) {
            err.println("veil: " + e.getMessage());
            settings = Settings.resolve(null, (java.util.Map<String, String>) (java.util.Map<?, ?>) System.getProperties(), System.getenv());
        }
        Rules rules = load(settings, err);
        Scrubber scrubber = new Scrubber(rules.scrub());
        ExecStoreProvider.setStderrScrubber(scrubber::scrub);
        Engine engine = new Engine(settings, rules, scrubber, injector(rules, settings.agent(), scrubber, err));
        current = engine;
        return engine;
    }

    /**
     * Without credentials (scrub-only) there is nothing to audit: every {@code veil:} placeholder is
     * unknown and denied. When the stores cannot be opened, Veil falls back to that; the audit log is opened
     * at the first use of a credential, which is denied if it cannot be.
     */
    private static Injector injector(Rules rules, String agent, Scrubber scrubber, PrintStream err) {
        if (!rules.credentials().isEmpty()) {
            try {
                DeferredAuditLog audit = new DeferredAuditLog(rules.auditPath(),
                        new AuditLog.Options().scrubber(scrubber::scrub).syncWithin(rules.auditSync()));
                Runtime.getRuntime().addShutdownHook(new Thread(() -> flushAtExit(audit, err), "veil-audit-flush"));
                return new Injector(rules, agent, new PolicyEngine(rules, Clock.systemUTC(), Approvals.NONE),
                        SecretCache.forRules(rules), scrubber, audit);
            } catch (StoreException e) {
                err.println("veil: " + scrubber.scrub(e.getMessage()) + "; every placeholder will be denied");
            }
        }
        Rules none = RulesLoader.scrubOnly();
        return new Injector(none, agent, new PolicyEngine(none, Clock.systemUTC(), Approvals.NONE), null, scrubber, null);
    }

    /** At exit, records still waiting to be written or forced are. */
    private static void flushAtExit(DeferredAuditLog audit, PrintStream err) {
        try {
            audit.flushAtExit();
        } catch (IOException e) {
            err.println("veil: the audit log could not be written or forced to disk at exit (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static Rules load(Settings settings, PrintStream err) {
        if (settings.rules() == null) {
            err.println("veil: no rules file given (rules=, -Dveil.rules or VEIL_RULES); scrub-only mode with the built-in detectors");
            return RulesLoader.scrubOnly();
        }
        Path file = Paths.get(settings.rules());
        try {
            Rules rules = RulesLoader.load(file);
            err.println("veil: rules " + file + " loaded: " + rules.credentials().size() + " credential(s), "
                    + rules.stores().size() + " store(s); agent " + settings.agent());
            return rules;
        } catch (RulesException e) {
            for (Problem p : e.problems()) err.println("veil: " + p);
            err.println("veil: rules " + file + " not loaded (" + e.problems().size() + " problem(s)); scrub-only mode, every placeholder will be denied");
        } catch (IOException e) {
            err.println("veil: cannot read rules " + file + " (" + e.getClass().getSimpleName() + "); scrub-only mode, every placeholder will be denied");
        }
        return RulesLoader.scrubOnly();
    }
}
