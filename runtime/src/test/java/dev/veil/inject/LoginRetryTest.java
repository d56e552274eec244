package dev.veil.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.audit.AuditEvent;
import dev.veil.testing.TestEvidence;
import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Retrying a refused JDBC login across a rotation, on a clock the test controls: every pause is visible. */
class LoginRetryTest {
    private static final String OLD = TestEvidence.secret("db-old-", 16);
    private static final String NEW = TestEvidence.secret("db-new-", 16);
    private static final String URL = "jdbc:postgresql://localhost:5432/orders";

    private final JdbcFixture f;
    private final List<Long> pauses = new ArrayList<>();
    /** Runs in the sleeper, once the clock has passed {@code changeAt}: the vault is updated then. */
    private long changeAt = Long.MAX_VALUE;
    private Runnable change = () -> { };

    LoginRetryTest() throws Exception {
        f = new JdbcFixture("app", "  db: {source: t/db, ttl: 1h, allow: [{jdbc: 'jdbc:postgresql://localhost:*/orders', user: app}]}\n");
        f.values.put("db", OLD);
    }

    @AfterEach
    void close() throws Exception {
        f.close();
        String audit = java.nio.file.Files.readString(f.auditFile);
        assertFalse(audit.contains(OLD) || audit.contains(NEW), "a value is in the audit log");
    }

    private LoginRetry retry(Duration window) {
        return new LoginRetry(f.injector, window, f.millis::get, ms -> {
            pauses.add(ms);
            f.millis.addAndGet(ms);
            if (f.millis.get() >= changeAt) {
                change.run();
                changeAt = Long.MAX_VALUE;
            }
        }, () -> 0.5);
    }

    private JdbcLogin login() throws Exception {
        Properties info = new Properties();
        info.setProperty("user", "app");
        info.setProperty("password", "veil:db");
        return f.injector.jdbc(URL, info, null, null);
    }

    @Test
    void anUnchangedValueIsRetriedOnlyAfterGrowingJitteredPausesUntilTheWindowEnds() throws Exception {
        LoginRetry retry = retry(Duration.ofSeconds(20));
        JdbcLogin refused = login();
        LoginRetry.Attempts attempts = retry.start(refused);
        int retries = 0;
        for (JdbcLogin next; (next = retry.next(attempts, refused)) != null; refused = next) {
            assertEquals(OLD, next.info().getProperty("password"));
            assertEquals("veil:db", next.given().info.getProperty("password"), "the application's properties keep the placeholder");
            retries++;
        }
        // Equal jitter with random 0.5: three quarters of 250, 500, 1000 ... 8000 ms; the last cut to the window.
        assertEquals(List.of(187L, 375L, 750L, 1500L, 3000L, 6000L, 6000L, 2188L), pauses);
        assertEquals(20_000L, pauses.stream().mapToLong(Long::longValue).sum());
        assertEquals(8, retries, "one retry per pause (the last at the end of the window), never a hot loop");
        // Each step dropped the refused value and asked the store again, before and after its pause.
        assertEquals(1 + 2 * 8, f.fetches.get());
        List<AuditEvent> events = f.audit();
        assertEquals(8, events.stream().filter(e -> e.reason().contains("(same value)")).count());
        assertTrue(events.stream().noneMatch(e -> e.event().equals("rotate")));
    }

    @Test
    void aNewValueIsTriedAtOnceAndAuditedRotateWhenItConnects() throws Exception {
        LoginRetry retry = retry(Duration.ofMinutes(1));
        JdbcLogin refused = login();
        f.values.put("db", NEW); // the vault was rotated before the database: the cached value is stale
        LoginRetry.Attempts attempts = retry.start(refused);
        JdbcLogin next = retry.next(attempts, refused);
        assertEquals(NEW, next.info().getProperty("password"));
        assertEquals(List.of(), pauses);
        retry.connected(next);
        retry.connected(next);
        List<AuditEvent> rotates = f.audit().stream().filter(e -> e.event().equals("rotate")).collect(Collectors.toList());
        assertEquals(1, rotates.size());
        assertEquals("db", rotates.get(0).credential());
        assertEquals(URL, rotates.get(0).destination());
        assertTrue(rotates.get(0).reason().contains("after 1 retry"), rotates.get(0).reason());
    }

    @Test
    void theDatabaseFirstThenTheVaultSomeSecondsLater() throws Exception {
        LoginRetry retry = retry(Duration.ofMinutes(1));
        changeAt = f.millis.get() + 3000;
        change = () -> f.values.put("db", NEW);
        JdbcLogin refused = login();
        LoginRetry.Attempts attempts = retry.start(refused);
        JdbcLogin next;
        while ((next = retry.next(attempts, refused)).info().getProperty("password").equals(OLD)) refused = next;
        assertEquals(NEW, next.info().getProperty("password"));
        assertEquals(List.of(187L, 375L, 750L, 1500L, 3000L), pauses, "the value fetched after the pause that passed 3s is tried");
        retry.connected(next);
        assertEquals(1, f.audit().stream().filter(e -> e.event().equals("rotate")).count());
    }

    @Test
    void aStoreThatChangesOnEveryFetchStillPausesEveryOtherRetry() throws Exception {
        LoginRetry retry = retry(Duration.ofSeconds(5));
        JdbcLogin refused = login();
        LoginRetry.Attempts attempts = retry.start(refused);
        int n = 0;
        for (JdbcLogin next; (next = retry.next(attempts, refused)) != null; refused = next) {
            f.values.put("db", NEW + (n++));
            f.values.put("db", NEW + (n++));
        }
        f.values.put("db", OLD);
        assertTrue(pauses.size() >= attempts.retries() / 2, pauses + " for " + attempts.retries() + " retries");
        assertTrue(attempts.retries() < 12, "bounded: " + attempts.retries());
    }

    @Test
    void givesUpAtOnceWhenRevokedOrTheStoreFails() throws Exception {
        LoginRetry retry = retry(Duration.ofMinutes(1));
        JdbcLogin refused = login();
        f.revocations.revoke("app", "db");
        assertNull(retry.next(retry.start(refused), refused));
        f.revocations.restore("app", "db");
        f.values.remove("db");
        assertNull(retry.next(retry.start(refused), refused));
        f.values.put("db", OLD);
        assertNotNull(retry.next(retry.start(refused), refused));
    }

    @Test
    void refusalsAreTheDatabasesNeverVeils() {
        assertTrue(AuthFailures.isAuthFailure(new SQLException("password authentication failed", "28P01")));
        assertTrue(AuthFailures.isAuthFailure(new SQLInvalidAuthorizationSpecException("Access denied", "28000", 1045)));
        assertTrue(AuthFailures.isAuthFailure(new SQLException("Login failed for user", "S0001", 18456)));
        assertTrue(AuthFailures.isAuthFailure(new SQLException("ORA-01017: invalid username/password", "72000", 1017)));
        assertTrue(AuthFailures.isAuthFailure(new SQLException("ORA-17079", null, 17079)));
        assertTrue(AuthFailures.isAuthFailure(new SQLException("ORA-09911", null, 9911)));
        assertTrue(AuthFailures.isAuthFailure(new SQLException("Access denied", null, 1045)));
        assertTrue(AuthFailures.isAuthFailure(new RuntimeException("pool", new IllegalStateException("wrapped",
                new SQLException("Wrong user name or password", "28000", 28000)))), "in the cause chain");
        assertTrue(AuthFailures.isAuthFailure(new RuntimeException(new DriverOwnException("28000", 1045))), "a driver's own exception type");
        assertTrue(AuthFailures.isAuthFailure(new DriverOwnException(null, 1045)));

        assertFalse(AuthFailures.isAuthFailure(new JdbcDeniedException("veil: denied", "28000")), "Veil's own denial");
        assertFalse(AuthFailures.isAuthFailure(new SQLException("x", new JdbcDeniedException("veil: denied", "28000"))));
        assertFalse(AuthFailures.isAuthFailure(new SQLException("Connection refused", "08001")));
        assertFalse(AuthFailures.isAuthFailure(new SQLException("no password supplied", "08004")));
        assertFalse(AuthFailures.isAuthFailure(new SQLException("syntax", "42601", 1046)));
        assertFalse(AuthFailures.isAuthFailure(new java.net.ConnectException("refused")));
        assertFalse(AuthFailures.isAuthFailure(null));
        RuntimeException loop = new RuntimeException("a");
        RuntimeException other = new RuntimeException("b", loop);
        loop.initCause(other);
        assertFalse(AuthFailures.isAuthFailure(loop), "a cause cycle ends");
    }

    /** Like MySQL's CJException: not an SQLException, but with the getters. */
    public static final class DriverOwnException extends RuntimeException {
        private final String state;
        private final int code;

        DriverOwnException(String state, int code) {
            super("Access denied for user");
            this.state = state;
            this.code = code;
        }

        public String getSQLState() { return state; }
        public int getVendorCode() { return code; }
    }
}
