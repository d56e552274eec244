package dev.veil.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.Engine;
import dev.veil.audit.AuditEvent;
import dev.veil.scrub.Encodings;
import dev.veil.testing.TestEvidence;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Injector#jdbc and the engine's JDBC entry points: every place a placeholder can sit in a login, and every denial. */
class InjectorJdbcTest {
    // '+', '/', '=' and '&' so that the URL form (percent-encoded) differs from the raw value.
    private static final String ORDERS = TestEvidence.secret("pw+/=&", 16);
    private static final String READER = TestEvidence.secret("reader-", 16);
    private static final String PG = "jdbc:postgresql://localhost:5432/orders";
    private static final String CREDENTIALS = ""
            + "  orders: {source: t/orders, agents: [app], rate: 4/min, allow: [{jdbc: 'jdbc:postgresql://localhost:*/orders', user: agent_rw}]}\n"
            + "  db-user: {source: t/user, allow: [{jdbc: 'jdbc:postgresql://localhost:*/orders'}]}\n"
            + "  reader: {source: t/reader, allow: [{jdbc: 'jdbc:h2:mem:*', user: sa, read-only: true, statement-rate: 3/min}]}\n"
            + "  viewer: {source: t/reader, allow: [{jdbc: 'jdbc:h2:mem:view', user: sa, read-only: true}]}\n";

    @TempDir Path dir;
    private JdbcFixture f;

    @AfterEach
    void close() throws Exception {
        if (f != null) f.close();
    }

    private JdbcFixture fixture() throws Exception {
        f = new JdbcFixture("app", CREDENTIALS);
        f.values.put("orders", ORDERS);
        f.values.put("user", "agent_rw");
        f.values.put("reader", READER);
        return f;
    }

    private static Properties props(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) p.setProperty(keyValues[i], keyValues[i + 1]);
        return p;
    }

    @Test
    void everyPlaceAPlaceholderCanSit() throws Exception {
        Injector inj = fixture().injector;
        Properties app = props("user", "agent_rw", "password", "veil:orders", "ssl", "false");
        JdbcLogin login = inj.jdbc(PG, app, null, null);
        assertEquals(ORDERS, login.info().getProperty("password"));
        assertEquals("false", login.info().getProperty("ssl"));
        assertEquals("veil:orders", app.getProperty("password"), "the application's properties are never changed");
        assertEquals(PG, login.url());

        login = inj.jdbc(PG, null, "agent_rw", "veil:orders"); // H2-style user and password arguments
        assertEquals(ORDERS, login.password());
        assertEquals("agent_rw", login.user());
        assertNull(login.info());

        login = inj.jdbc(PG + "?user=agent_rw&password=veil:orders&ssl=false", null, null, null);
        assertEquals(PG + "?user=agent_rw&password=" + Encodings.percent(ORDERS) + "&ssl=false", login.url(), "percent-encoded in a query");

        login = inj.jdbc("jdbc:postgresql://agent_rw:veil:orders@localhost:5432/orders", null, null, null);
        assertEquals("jdbc:postgresql://agent_rw:" + Encodings.percent(ORDERS) + "@localhost:5432/orders", login.url(),
                "percent-encoded in user-info, which MySQL decodes");
        assertEquals(PG, login.destination(), "decided without the user-info");

        login = inj.jdbc(PG, props("user", "veil:db-user", "password", "plain"), null, null);
        assertEquals("agent_rw", login.info().getProperty("user"), "a placeholder in the user property");
        assertEquals("db-user", login.credential());

        assertNull(inj.jdbc(PG, props("user", "agent_rw", "password", "plain"), null, null), "nothing to do without a placeholder");
        List<AuditEvent> events = f.audit();
        assertEquals(5, events.size());
        assertTrue(events.stream().allMatch(e -> e.event().equals("inject")), events.toString());
    }

    @Test
    void propertyDefaultsAndNonStringEntriesAreCarriedOver() throws Exception {
        Injector inj = fixture().injector;
        Properties defaults = props("user", "agent_rw", "password", "veil:orders");
        Properties app = new Properties(defaults);
        app.setProperty("ssl", "false");
        Object marker = new Object();
        app.put("driverObject", marker);
        JdbcLogin login = inj.jdbc(PG, app, null, null);
        assertEquals(ORDERS, login.info().getProperty("password"), "a placeholder in the defaults");
        assertEquals("agent_rw", login.info().getProperty("user"));
        assertEquals("false", login.info().getProperty("ssl"));
        assertTrue(login.info().get("driverObject") == marker, "non-String entries kept");
        assertEquals("veil:orders", app.getProperty("password"));
        JdbcLogin again = inj.jdbcRefetch(login);
        assertEquals(ORDERS, again.info().getProperty("password"), "a retry injects into the flat copy again");
        assertTrue(login.info() != again.info());
    }

    @Test
    void denialsNameCredentialDestinationAgentAndReasonNeverAValue() throws Exception {
        Injector inj = fixture().injector;
        assertDenied(() -> inj.jdbc("jdbc:postgresql://localhost:5432/other", null, "agent_rw", "veil:orders"),
                "credential 'orders' for jdbc:postgresql://localhost:5432/other (agent app): jdbc url not allowed by any rule");
        assertDenied(() -> inj.jdbc(PG, props("user", "postgres", "password", "veil:orders"), null, null),
                "credential 'orders' for " + PG + " (agent app): database user 'postgres' not allowed (rule allows 'agent_rw')");
        assertDenied(() -> inj.jdbc(PG + "?password=veil:orders", null, null, null), "no database user given");
        assertDenied(() -> inj.jdbc(PG, null, "agent_rw", "veil:nope"), "unknown placeholder 'veil:nope'");
        for (int i = 0; i < 4; i++) inj.jdbc(PG, null, "agent_rw", "veil:orders");
        assertDenied(() -> inj.jdbc(PG, null, "agent_rw", "veil:orders"), "over the rate (4/min)");
        f.millis.addAndGet(Duration.ofSeconds(15).toMillis());
        inj.jdbc(PG, null, "agent_rw", "veil:orders");
        f.close();

        f = new JdbcFixture("someone-else", CREDENTIALS);
        f.values.put("orders", ORDERS);
        Injector other = f.injector;
        assertDenied(() -> other.jdbc(PG, null, "agent_rw", "veil:orders"), "(agent someone-else): agent not allowed for this credential");
        assertEquals(List.of("deny"), f.audit().stream().map(AuditEvent::event).collect(Collectors.toList()));
    }

    @Test
    void statementsCountAgainstTheGrantsRateAndWritesStopOnReadOnly() throws Exception {
        Injector inj = fixture().injector;
        StatementGuard login = inj.jdbc("jdbc:h2:mem:x", null, "sa", "veil:reader").guard();
        assertTrue(login.statementRate());
        JdbcDeniedException write = assertThrows(JdbcDeniedException.class, () -> inj.jdbcStatement(login, "DELETE FROM t"));
        assertEquals("25006", write.getSQLState());
        for (int i = 0; i < 3; i++) inj.jdbcStatement(login, "SELECT 1");
        JdbcDeniedException over = assertThrows(JdbcDeniedException.class, () -> inj.jdbcStatement(login, "SELECT 1"));
        assertEquals("28000", over.getSQLState());
        assertEquals("veil: denied credential 'reader' for jdbc:h2:mem:x (agent app): over the statement rate (3/min)", over.getMessage());
        StatementGuard second = inj.jdbc("jdbc:h2:mem:y", null, "sa", "veil:reader").guard();
        assertThrows(JdbcDeniedException.class, () -> inj.jdbcStatement(second, "SELECT 1"), "one rate over every connection of the grant");
        f.millis.addAndGet(Duration.ofSeconds(20).toMillis());
        inj.jdbcStatement(second, "SELECT 1");
        AuditEvent deny = f.audit().stream().filter(e -> e.reason() != null && e.reason().contains("statement rate")).findFirst().orElseThrow();
        assertEquals("deny", deny.event());
        assertTrue(deny.rule().startsWith("rules.yaml:"), deny.rule());
        assertFalse(inj.jdbc(PG, null, "agent_rw", "veil:orders").guard() != null, "no rate, not read-only: statements not tracked");
    }

    @Test
    void connectionsOpenedUnderEqualDecisionsShareOneGuardThatHoldsNoValue() throws Exception {
        Injector inj = fixture().injector;
        StatementGuard first = inj.jdbc("jdbc:h2:mem:x", null, "sa", "veil:reader").guard();
        assertSame(first, inj.jdbc("jdbc:h2:mem:x", null, "sa", "veil:reader").guard(), "one guard per grant and destination");
        assertNotSame(first, inj.jdbc("jdbc:h2:mem:y", null, "sa", "veil:reader").guard(), "another destination, another guard");
        for (java.lang.reflect.Field f : StatementGuard.class.getDeclaredFields()) {
            assertTrue(f.getType() == boolean.class || f.getType() == List.class, "a guard keeps flags and decisions only: " + f);
        }
    }

    @Test
    void readOnlyWithoutAStatementRateCountsNothingAndStillStopsWrites() throws Exception {
        Injector inj = fixture().injector;
        StatementGuard login = inj.jdbc("jdbc:h2:mem:view", null, "sa", "veil:viewer").guard();
        assertTrue(login.readOnly());
        assertFalse(login.statementRate());
        assertTrue(inj.jdbc("jdbc:h2:mem:x", null, "sa", "veil:reader").guard().statementRate());
        for (int i = 0; i < 100; i++) inj.jdbcStatement(login, "SELECT 1");
        JdbcDeniedException write = assertThrows(JdbcDeniedException.class, () -> inj.jdbcStatement(login, "DELETE FROM t"));
        assertEquals("25006", write.getSQLState());
        assertEquals(List.of("inject", "inject", "deny"), f.audit().stream().map(AuditEvent::event).collect(Collectors.toList()));
    }

    @Test
    void theEngineAnswersJdbcWithSqlState28000AndGuardsConnections() throws Exception {
        Files.writeString(dir.resolve("orders"), ORDERS);
        Files.writeString(dir.resolve("reader"), READER);
        Path rules = dir.resolve("rules.yaml");
        Files.writeString(rules, "version: 1\nstores: {t: {type: exec, command: [cat, '" + dir + "/{ref}']}}\ncredentials:\n" + CREDENTIALS
                + "audit: {path: '" + TestEvidence.auditFile("engine-jdbc") + "'}\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Engine engine = Engine.start("rules=" + rules + ",agent=app", new PrintStream(err, true, StandardCharsets.UTF_8));

        Object[] login = engine.jdbcConnect(PG, props("user", "agent_rw", "password", "veil:orders"), null, null);
        assertEquals(ORDERS, ((Properties) login[1]).getProperty("password"));
        for (String[] bad : new String[][] {{"jdbc:postgresql://localhost:5432/other", "agent_rw"}, {PG, "postgres"}}) {
            SQLException e = assertThrows(SQLException.class, () -> engine.jdbcConnect(bad[0], null, bad[1], "veil:orders"));
            assertEquals("28000", e.getSQLState());
            assertTrue(e.getMessage().startsWith("veil: denied credential 'orders'"), e.getMessage());
            assertNoValue(e.getMessage());
        }
        assertFalse(engine.jdbcRetry(login, new SQLException("Connection refused", "08001")), "not a refusal: no retry");

        Object[] reader = engine.jdbcConnect("jdbc:h2:mem:x", null, "sa", "veil:reader");
        Connection connection = connection();
        engine.jdbcConnected(reader[4], connection);
        assertTrue(engine.jdbcReadOnly(connection));
        SQLException write = assertThrows(SQLException.class, () -> engine.jdbcSql(connection, "DROP TABLE t"));
        assertEquals("25006", write.getSQLState());
        for (int i = 0; i < 3; i++) engine.jdbcSql(statementOf(connection), "SELECT 1");
        SQLException over = assertThrows(SQLException.class, () -> engine.jdbcSql(connection, "SELECT 1"));
        assertEquals("28000", over.getSQLState());
        assertTrue(over.getMessage().contains("over the statement rate (3/min)"), over.getMessage());
        engine.jdbcSql(connection(), "DROP TABLE t"); // a connection Veil did not open is not its business
        assertNoValue(err.toString(StandardCharsets.UTF_8));
    }

    private static Connection connection() {
        return (Connection) Proxy.newProxyInstance(InjectorJdbcTest.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> method.getName().equals("hashCode") ? System.identityHashCode(proxy)
                        : method.getName().equals("equals") ? proxy == args[0] : null);
    }

    private static Statement statementOf(Connection c) {
        return (Statement) Proxy.newProxyInstance(InjectorJdbcTest.class.getClassLoader(), new Class<?>[] {Statement.class},
                (proxy, method, args) -> method.getName().equals("getConnection") ? c : null);
    }

    private interface Call {
        void run() throws Exception;
    }

    private void assertDenied(Call call, String expected) {
        VeilDeniedException e = assertThrows(VeilDeniedException.class, call::run);
        assertTrue(e.getMessage().startsWith("veil: denied ") && e.getMessage().contains(expected), e.getMessage());
        assertNoValue(e.getMessage());
    }

    private static void assertNoValue(String text) {
        for (String v : List.of(ORDERS, READER)) {
            for (String form : Encodings.all(v)) assertFalse(text.contains(form), "a value is in: " + text);
        }
    }
}
