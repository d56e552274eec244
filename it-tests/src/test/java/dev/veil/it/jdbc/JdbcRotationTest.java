package dev.veil.it.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.it.ChildJvm;
import dev.veil.it.Jdks;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Credential rotation under load: a HikariCP pool in a child JVM with the agent serves a loop of queries against a
 * real PostgreSQL (scram-sha-256) with the password from a real file vault. The test changes the database password
 * (ALTER ROLE), then some seconds later the vault entry (the CLI's {@code vault put}); the pool keeps opening new
 * connections. Veil retries the refused logins with the value fetched again, so the workload recovers without a
 * restart, loses no query, and the audit log shows {@code rotate}; no password is ever printed.
 */
class JdbcRotationTest {
    static final long DB_TO_VAULT_MILLIS = 3000;
    static final String ADMIN_PW = "rot-Admin-" + Long.toHexString(System.nanoTime()) + "%z";

    @TempDir static Path dir;
    static EmbeddedPostgres pg;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = Postgres.start(dir.resolve("pgdata"), ADMIN_PW, "CREATE DATABASE rot");
        admin("rot", "CREATE TABLE items (id INT PRIMARY KEY)", "INSERT INTO items VALUES (1), (2), (3)", "GRANT SELECT ON items TO PUBLIC");
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (pg != null) pg.close();
    }

    static void admin(String db, String... sqls) throws Exception {
        try (Connection c = DriverManager.getConnection(url(db), "postgres", ADMIN_PW); Statement s = c.createStatement()) {
            for (String sql : sqls) s.execute(sql);
        }
    }

    static String url(String db) {
        return "jdbc:postgresql://localhost:" + pg.getPort() + "/" + db;
    }

    static Stream<Path> jdks() { return Jdks.all().stream().limit(Integer.getInteger("veil.jdks", 9)); }

    @ParameterizedTest
    @MethodSource("jdks")
    void poolRecoversFromRotation(Path jdk) throws Exception {
        Path work = Files.createTempDirectory(dir, "run");
        String role = "agent_" + work.getFileName().toString().replaceAll("[^a-z0-9]", "").toLowerCase();
        String before = "pw-Before-" + Long.toHexString(System.nanoTime()) + "!a";
        String after = "pw-After-" + Long.toHexString(System.nanoTime() * 7) + "#b";
        admin("rot", "CREATE ROLE " + role + " LOGIN PASSWORD '" + before + "'");
        Path audit = rotate(jdk, work, "jdbc:postgresql://localhost:*/rot", role, before, after, DB_TO_VAULT_MILLIS,
                () -> admin("rot", "ALTER ROLE " + role + " PASSWORD '" + after + "'"), url("rot"));
        ChildJvm.Result verify = ChildJvm.on(jdk).cli("audit", "verify", audit.toString());
        assertEquals(0, verify.exit, verify.toString());
    }

    /** What changes the database's password. */
    interface PasswordChange {
        void run() throws Exception;
    }

    /**
     * Runs {@link RotationApp} on {@code jdk} with the agent and {@code appArgs} (its URL, then optionally a
     * DataSource class), as {@code user} through {@code veil:rot-db}, granted by {@code jdbcPattern}, from a
     * vault holding {@code before}; once it has connected, {@code change} gives the database {@code after}
     * and {@code gapMillis} later the vault gets it too. Asserts that no query failed, that some query waited
     * through the gap, that the audit log shows the rotation, and that no password was printed or audited.
     * Returns the audit log.
     */
    static Path rotate(Path jdk, Path work, String jdbcPattern, String user, String before, String after, long gapMillis,
                       PasswordChange change, String... appArgs) throws Exception {
        String vaultKey = "vault-key-" + Long.toHexString(System.nanoTime());
        ChildJvm.Result init = cli(jdk, work, vaultKey, null, "vault", "init");
        assertEquals(0, init.exit, init.toString());
        ChildJvm.Result put = cli(jdk, work, vaultKey, before, "vault", "put", "rot-db");
        assertEquals(0, put.exit, put.toString());

        Path audit = work.resolve("audit.jsonl");
        Path rules = work.resolve("rules.yaml");
        Files.writeString(rules, "version: 1\n"
                + "credentials:\n"
                + "  rot-db: {source: local/rot-db, ttl: 1h, allow: [{jdbc: '" + jdbcPattern + "', user: " + user + "}]}\n"
                + "audit: {path: '" + audit + "'}\n"
                + "rotation-window: 30s\n");
        Path stop = work.resolve("stop");
        List<String> args = new ArrayList<>(List.of(appArgs));
        args.addAll(1, List.of(user, "veil:rot-db", stop.toString()));
        CompletableFuture<ChildJvm.Result> child = CompletableFuture.supplyAsync(() -> {
            try {
                return ChildJvm.on(jdk).env("VEIL_VAULT_KEY", vaultKey)
                        .jvmArgs("-Duser.home=" + work, "-javaagent:" + ChildJvm.AGENT_JAR + "=rules=" + rules + ",agent=app")
                        .main(RotationApp.class, args.toArray(String[]::new));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            awaitAudit(audit, "\"event\":\"inject\"", child);
            Thread.sleep(1000);
            change.run();
            Thread.sleep(gapMillis);
            ChildJvm.Result rotate = cli(jdk, work, vaultKey, after, "vault", "put", "rot-db");
            assertEquals(0, rotate.exit, rotate.toString());
            awaitAudit(audit, "\"event\":\"rotate\"", child);
            Thread.sleep(1500);
        } finally {
            Files.writeString(stop, "");
        }
        ChildJvm.Result r = child.get(60, TimeUnit.SECONDS);
        String out = r.toString();
        assertEquals(0, r.exit, out);
        Matcher m = Pattern.compile("RESULT ok=(\\d+) failed=(\\d+) slowestMs=(\\d+)").matcher(r.out);
        assertTrue(m.find(), out);
        assertEquals(0, Integer.parseInt(m.group(2)), "queries failed:\n" + out);
        assertTrue(Integer.parseInt(m.group(1)) > 20, out);
        // The pool waited through the rotation instead of failing: some query took about as long as the gap.
        assertTrue(Long.parseLong(m.group(3)) >= gapMillis / 2, out);
        assertTrue(r.out.contains("FIRST 3"), out);
        assertTrue(r.out.contains("HikariPool") || r.out.contains("rotation - "), "HikariCP logged at DEBUG:\n" + out);

        String log = Files.readString(audit);
        assertTrue(log.contains("\"event\":\"rotate\""), log);
        assertTrue(log.contains("after the database refused the login"), log);
        for (String secret : List.of(before, after, vaultKey)) {
            assertFalse(r.out.contains(secret) || r.err.contains(secret), "a real value was printed:\n" + out);
            assertFalse(log.contains(secret), "a real value is in the audit log");
        }
        return audit;
    }

    static ChildJvm.Result cli(Path jdk, Path home, String vaultKey, String stdin, String... args) throws Exception {
        ChildJvm jvm = ChildJvm.on(jdk).env("VEIL_VAULT_KEY", vaultKey).jvmArgs("-Duser.home=" + home);
        if (stdin != null) jvm.stdin(stdin + "\n");
        return jvm.cli(args);
    }

    static void awaitAudit(Path audit, String event, CompletableFuture<ChildJvm.Result> child) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (System.nanoTime() < deadline) {
            if (child.isDone()) throw new AssertionError("the workload ended early:\n" + child.get());
            if (Files.exists(audit) && Files.readString(audit).contains(event)) return;
            Thread.sleep(100);
        }
        throw new AssertionError("no " + event + " in the audit log:\n" + (Files.exists(audit) ? Files.readString(audit) : "<none>"));
    }
}
